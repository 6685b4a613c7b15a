"""``screener import`` keeps Python's cyclic garbage collector off while it takes in and
stores the rows its reading processes send (millions of objects, no cycles: each
collection is time the import waits for), and turns it back on afterwards, whether the
import succeeded or failed. (A file read in the importer itself is stored with the
collector off already: ``file_reads.read_in_chunks``.)"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from screener.cli.main import main
from screener.core import read_ahead
from screener.core.readers import ris_bytes
from screener.core.services import importing

RIS = Path(__file__).parent.parent / "data" / "ris" / "lens_baseline__asreview.ris"


@pytest.fixture
def project(tmp_path: Path) -> str:
    path = str(tmp_path / "p.screener")
    assert main(["new", path, "--title", "T"]) == 0
    return path


@pytest.fixture
def read_in_processes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """This small file is read as a large one is: in reading processes, in pieces."""
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 0)
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 20_000)
    started: list[int] = []
    real = read_ahead._Readers.__init__

    def readers(self: read_ahead._Readers, n: int) -> None:
        real(self, n)
        started.append(n)

    monkeypatch.setattr(read_ahead._Readers, "__init__", readers)
    return started


def test_the_collector_is_off_while_rows_are_stored_and_on_again_after(
    project: str, read_in_processes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled: list[bool] = []
    real = importing.insert_records

    def insert(*args, **kwargs):  # type: ignore[no-untyped-def]
        enabled.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "insert_records", insert)
    assert gc.isenabled()
    assert main(["import", project, str(RIS), "--source", "Lens", "--dedup"]) == 0
    assert read_in_processes == [read_ahead.READERS]
    assert len(enabled) > 2 and not any(enabled)  # every piece stored with the collector off
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_failed_import(
    project: str, read_in_processes: list[int], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.ris"
    empty.write_text("not a bibliography\n")
    assert main(["import", project, str(empty), "--source", "Lens"]) == 1
    assert read_in_processes == [read_ahead.READERS]
    assert gc.isenabled()
