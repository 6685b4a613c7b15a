"""A file that changes while an import reads it (an export still downloading, still
being written) is refused, naming the file, and nothing of the import is stored: what
was read, how the file was cut into pieces and the checksum taken at the end would
otherwise be of different bytes, and the import would silently hold part of the file
under the whole file's checksum."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from screener.core import read_ahead
from screener.core.project import Project
from screener.core.readers import read_file, ris_bytes
from screener.types import ImportFormatError, Progress, run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
LENS = RIS / "lens_baseline__asreview.ris"
SCOPUS = RIS / "cff_scopus__citation-file-formatting.ris"
CHANGED = "the file changed while it was read"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A copy of a Lens export that the test goes on writing to."""
    path = tmp_path / "export.ris"
    shutil.copy(LENS, path)
    return path


def _append_more(path: Path) -> None:
    """The rest of the export arrives: more records at the end of the file."""
    with open(path, "ab") as out:
        out.write(b"\n" + SCOPUS.read_bytes())


def _nothing_stored(p: Project) -> None:
    assert p.records.ids() == [] and p.imports.batches() == []
    assert multiprocessing.active_children() == []  # and no reader is left behind


def test_a_file_that_grows_after_the_reading_started_is_refused_whole(
        export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 0)  # read in worker processes, in pieces
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 20_000)
    with read_ahead.reading_started([str(export)]):  # pieces planned from the size now
        _append_more(export)  # while the project opens, the download finishes
        with Project.create(tmp_path / "p.screener", title="T") as p:
            with pytest.raises(ImportFormatError, match=CHANGED) as raised:
                run_work(p.imports.import_files([str(export)], source="Lens"))
            assert raised.value.path == str(export)  # the file is named
            _nothing_stored(p)
            # once complete, the same file imports whole, with the checksum of what is stored
            report = run_work(p.imports.import_files([str(export)], source="Lens"))
            assert report.records == len(read_file(export).records) == 110


@pytest.mark.parametrize("pieces", [True, False], ids=["in pieces", "whole"])
def test_a_file_that_grows_while_the_import_stores_it_is_refused_whole(
        export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: bool) -> None:
    if pieces:  # read in worker processes, a piece at a time
        monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 0)
        monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 20_000)
    else:  # read here, in chunks of rows as it is parsed
        monkeypatch.setattr(read_ahead, "CHUNK", 10)
    with Project.create(tmp_path / "p.screener", title="T") as p:
        work = p.imports.import_files([str(export)], source="Lens")
        step = next(work)
        while not (isinstance(step, Progress) and 0 < step.done < step.total):
            step = next(work)  # until some rows of the file are stored
        _append_more(export)
        with pytest.raises(ImportFormatError, match=CHANGED):
            run_work(work)
        _nothing_stored(p)
