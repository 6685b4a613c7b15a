"""Importing real files as batches, on both backends, with and without read-ahead."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from screener.core import read_ahead as reading
from screener.core.project import Project
from screener.core.readers import read_file, ris_bytes
from screener.core.services.importing import SkippedRecordsError, result_warnings
from screener.store import bulk
from screener.store.models import Record, SourceFile
from screener.types import ImportFormatError, ScreenerError, run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
FILES = [RIS / "cff_scopus__citation-file-formatting.ris", RIS / "lens_baseline__asreview.ris"]


@pytest.fixture(params=[False, True], ids=["in-process", "read-ahead"])
def read_ahead(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:
        monkeypatch.setattr(reading, "READ_AHEAD_BYTES", 0)
    return bool(request.param)


def test_files_land_as_one_batch_with_their_provenance(project_target: str, read_ahead: bool) -> None:
    with Project.create(project_target, title="T") as p:
        report = run_work(p.imports.import_files(FILES, source="Scopus", search_date="2024-05-01",
                                                 search_string="peer AND support"))
        assert [(f.file, f.records) for f in report.files] == [(FILES[0].name, 10), (FILES[1].name, 100)]
        batch = p.imports.batches()[0]
        assert (batch.records, batch.search_date, batch.search_string) == (110, "2024-05-01", "peer AND support")
        last = p.records.detail(p.records.ids()[-1])
        assert (last.source_file, last.source_position, last.source) == (FILES[1].name, 100, "Scopus")


def test_a_bad_file_among_good_ones_names_itself_and_stores_nothing(
    project_target: str, read_ahead: bool, tmp_path: Path
) -> None:
    bad = tmp_path / "results.pdf"
    bad.write_bytes(b"%PDF-1.4 not a bibliography")
    with Project.create(project_target, title="T") as p:
        with pytest.raises(ImportFormatError, match="results.pdf"):
            run_work(p.imports.import_files([*FILES, bad], source="Scopus"))
        assert p.imports.batches() == [] and p.records.ids() == []


def test_strict_import_refuses_a_file_with_skipped_records(read_ahead: bool, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ris"
    broken.write_bytes((RIS / "rispy_basic.ris").read_bytes() + b"\nAU  - Orphan, A.\nER  - \n")
    with Project.create(tmp_path / "p.screener", title="T") as p:
        with pytest.raises(ScreenerError, match="broken.ris, line"):
            run_work(p.imports.import_files([FILES[0], broken], source="Scopus", strict=True))
        assert p.records.ids() == []
        report = run_work(p.imports.import_files([FILES[0], broken], source="Scopus"))
        assert report.records == 11 and any("broken.ris, line" in w for w in report.warnings)


def test_files_can_be_added_to_a_batch_and_a_batch_deleted_before_screening(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.screener", title="T") as p:
        p.settings.add_reviewer("ana")
        first = run_work(p.imports.import_files([FILES[0]], source="Scopus"))
        run_work(p.imports.import_files([FILES[1]], source="Scopus", batch_id=first.batch_id))
        assert p.imports.batches()[0].files == [f.name for f in FILES]
        second = run_work(p.imports.import_files([RIS / "seed_scopus_single_space_tags.ris"], source="PsycINFO"))
        p.screening.decide(p.records.ids()[0], "ana", "include")
        with pytest.raises(ScreenerError, match="has screened records"):
            p.imports.delete_batch(first.batch_id)
        assert p.imports.delete_batch(second.batch_id) == 1
        assert [b.source for b in p.imports.batches()] == ["Scopus"]
        assert p.records.ids(search="paradox") == []


def test_strict_import_lists_the_skipped_records_of_every_file(read_ahead: bool, tmp_path: Path) -> None:
    files = []
    for name, line in (("a.ris", 3), ("b.ris", 6)):
        path = tmp_path / name
        path.write_text("TY  - JOUR\nTI  - Fine\nER  - \n" * (line // 3) + "\nAU  - Orphan, A.\nER  - \n"
                        "TY  - JOUR\nTI  - Also fine\nER  - \n", encoding="utf-8")
        files.append(path)
    with Project.create(tmp_path / "p.screener", title="T") as p:
        with pytest.raises(SkippedRecordsError) as refused:
            run_work(p.imports.import_files(files, source="Scopus", strict=True))
        assert (refused.value.records, refused.value.skipped) == (5, 2)
        assert [w.split(":")[0] for w in refused.value.problems] == ["a.ris, line 5", "b.ris, line 8"]
        assert p.records.ids() == [] and p.imports.batches() == []


def test_a_single_large_file_is_read_in_pieces_by_both_workers_while_it_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "READ_AHEAD_BYTES", 0)
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 20_000)  # about fifteen pieces
    broken = tmp_path / "lens.ris"  # with a TY-less block, binary data and a missing ER late on
    broken.write_bytes(FILES[1].read_bytes() + b"\n\nAU  - Orphan, A.\nER  - \n\n"
                       b"TY  - JOUR\nTI  - Binary \x00\nER  - \nTY  - JOUR\nTI  - No end\n")
    expected = read_file(broken)
    with Project.create(tmp_path / "p.screener", title="T") as p:
        work = p.imports.import_files([broken], source="Lens")
        first = next(work)
        assert first.message == "lens.ris, file 1 of 1" and 0 < first.done < first.total
        assert sorted(c.name for c in multiprocessing.active_children()) == ["screener-reader-1", "screener-reader-2"]
        report = run_work(work)
        assert report.records == 101 and multiprocessing.active_children() == []
        with p.store.Session() as s:
            stored = s.execute(select(Record.position, Record.line, Record.title).order_by(Record.id)).all()
            checksum = s.scalar(select(SourceFile.sha256))
        assert stored == [(r.position, r.line, r.title) for r in expected.records]
        assert checksum == hashlib.sha256(broken.read_bytes()).hexdigest()
        assert report.warnings == result_warnings(expected)
        lines = FILES[1].read_bytes().count(b"\n")  # the skipped records are numbered in the file
        assert [w.split(":")[0] for w in report.warnings][-2:] == [f"lens.ris, line {lines + 3}",
                                                                  f"lens.ris, line {lines + 6}"]


def test_cancel_stops_the_reading_processes_and_stores_nothing(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "READ_AHEAD_BYTES", 0)
    monkeypatch.setattr(reading, "CHUNK", 10)
    with Project.create(tmp_path / "p.screener", title="T") as p:
        work = p.imports.import_files(FILES, source="Scopus")
        next(work)
        assert multiprocessing.active_children()
        work.close()  # what Cancel does
        assert multiprocessing.active_children() == []
        assert p.records.ids() == [] and p.imports.batches() == []


def test_a_reading_process_that_dies_fails_the_import_cleanly(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "READ_AHEAD_BYTES", 0)
    monkeypatch.setattr(reading, "CHUNK", 10)
    big = tmp_path / "big.ris"
    big.write_text("TY  - JOUR\nTI  - A record\nER  - \n" * 200_000, encoding="utf-8")
    with Project.create(tmp_path / "p.screener", title="T") as p:
        work = p.imports.import_files([FILES[1], big], source="Scopus")
        next(work)
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)  # as the out-of-memory killer would
        with pytest.raises(ScreenerError, match="a reading process stopped unexpectedly"):
            run_work(work)
        assert multiprocessing.active_children() == []
        assert p.records.ids() == [] and p.imports.batches() == []


def _indexes(p: Project) -> list[tuple[str, str]]:
    with p.store.Session() as s:
        return [tuple(row) for row in s.execute(text(  # type: ignore[misc]
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"))]


def _integrity(p: Project) -> str:
    with p.store.Session() as s:
        return str(s.execute(text("PRAGMA integrity_check")).scalar())


def test_a_large_import_builds_the_indexes_again_and_a_failed_one_leaves_them_as_they_were(
    read_ahead: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 0)  # these few records count as a large import
    broken = tmp_path / "broken.ris"
    broken.write_bytes((RIS / "rispy_basic.ris").read_bytes() + b"\nAU  - Orphan, A.\nER  - \n")
    with Project.create(tmp_path / "p.screener", title="T") as p:
        before = _indexes(p)
        assert any(name == "ix_record_sort_title" for name, _ in before)
        with pytest.raises(ScreenerError, match="broken.ris, line"):  # refused after FILES were stored
            run_work(p.imports.import_files([*FILES, broken], source="Scopus", strict=True))
        assert _indexes(p) == before and p.records.ids() == []
        run_work(p.imports.import_files(FILES, source="Scopus"))
        assert _indexes(p) == before and _integrity(p) == "ok"  # every row in every index
        assert len(p.records.ids()) == 110
