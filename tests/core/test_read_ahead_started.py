"""A large import's reading begins before the project is open (``read_ahead.reading_started``):
what the workers read meanwhile is what gets stored, and workers nobody takes over end."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from screener.cli.main import main
from screener.core import read_ahead
from screener.core.project import Project
from screener.core.readers import read_file, ris_bytes
from screener.types import ImportFormatError, run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
LENS = RIS / "lens_baseline__asreview.ris"
SCOPUS = RIS / "cff_scopus__citation-file-formatting.ris"


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 0)  # these small files count as large
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 20_000)  # several pieces a file


def _readers() -> list[str]:
    return sorted(c.name for c in multiprocessing.active_children())


def _stored(p: Project) -> list[tuple[str, int, str]]:
    return [(d.source_file, d.source_position, d.title) for d in map(p.records.detail, p.records.ids())]


def test_reading_started_before_the_project_opens_is_what_the_import_stores(tmp_path: Path) -> None:
    expected = [(f.name, r.position, r.title) for f in (LENS, SCOPUS) for r in read_file(f).records]
    with read_ahead.reading_started([str(LENS), str(SCOPUS)]):
        assert _readers() == ["screener-reader-1", "screener-reader-2"]  # at work before any project
        with Project.create(tmp_path / "p.screener", title="T") as p:
            report = run_work(p.imports.import_files([str(LENS), str(SCOPUS)], source="Lens"))
            assert read_ahead._started is None  # the import took the workers over
            assert _readers() == []  # and stopped them when it was done
            assert report.records == len(expected) == 110
            assert _stored(p) == expected


def test_workers_started_for_an_import_that_never_comes_are_stopped(tmp_path: Path) -> None:
    with read_ahead.reading_started([LENS]):
        assert _readers() == ["screener-reader-1", "screener-reader-2"]
    assert _readers() == [] and read_ahead._started is None


def test_an_import_of_other_files_reads_its_own(tmp_path: Path) -> None:
    with read_ahead.reading_started([LENS]), Project.create(tmp_path / "p.screener", title="T") as p:
        report = run_work(p.imports.import_files([SCOPUS], source="Scopus"))
        assert report.records == 10 and _readers() == []
        assert [f for f, _, _ in _stored(p)] == [SCOPUS.name] * 10


def test_a_bad_file_is_still_named_when_the_reading_started_early(tmp_path: Path) -> None:
    bad = tmp_path / "results.ris"
    bad.write_bytes(b"%PDF-1.4 " + b"x" * 10_000)
    with read_ahead.reading_started([LENS, bad]), Project.create(tmp_path / "p.screener", title="T") as p:
        with pytest.raises(ImportFormatError, match="results.ris"):
            run_work(p.imports.import_files([LENS, bad], source="Lens"))
        assert p.records.ids() == [] and _readers() == []


def test_the_import_command_reads_while_it_opens_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p.screener"
    assert main(["new", str(project), "--title", "T"]) == 0
    started: list[list[str]] = []
    real = read_ahead._Readers.plan

    def plan(self: read_ahead._Readers, names: list[str], fmt: str, first_here: bool) -> None:
        started.append([Path(n).name for n in names] + (["here"] if first_here else []))
        real(self, names, fmt, first_here)

    monkeypatch.setattr(read_ahead._Readers, "plan", plan)
    assert main(["import", str(project), str(LENS), str(SCOPUS), "--source", "Lens", "--json"]) == 0
    assert '"records": 110' in capsys.readouterr().out
    assert started == [[LENS.name, SCOPUS.name]]  # once, before the project was open: taken over
    assert _readers() == []
