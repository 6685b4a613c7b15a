"""How a reading process hands its rows to the importer: packed in one marshal blob (or,
rows marshal cannot write, as they are), and at a lower priority than the importer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screener.core import read_ahead
from screener.core.project import Project
from screener.core.readers import read_file, ris_bytes
from screener.store.rows import PreparedRows, prepare_rows
from screener.types import run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
LENS = RIS / "lens_baseline__asreview.ris"


def _rows() -> PreparedRows:
    rows = prepare_rows(read_file(LENS).records)
    rows.position_offset, rows.line_offset = 7, 300
    return rows


def test_rows_arrive_as_they_were_sent() -> None:
    rows = _rows()
    packed = read_ahead._pack(("piece", rows, "the piece's summary"))
    assert isinstance(packed[1], bytes) and packed[2] == "the piece's summary"
    kind, arrived, summary = read_ahead._unpack(packed)
    assert (kind, summary) == ("piece", "the piece's summary")
    assert arrived == rows  # every value, the search text and both offsets


def test_rows_marshal_cannot_write_go_as_they_are() -> None:
    class Title(str):
        pass

    rows = _rows()
    rows.rows[0] = (*rows.rows[0][:3], Title("a title of another type"), *rows.rows[0][4:])
    packed = read_ahead._pack(("rows", rows))
    assert packed[1] is rows
    assert read_ahead._unpack(packed)[1] is rows


def test_other_messages_pass_unchanged() -> None:
    for message in (("hash", "ab" * 32), ("error", "bad"), ("end", None)):
        assert read_ahead._unpack(read_ahead._pack(message)) == message


def test_reading_processes_yield_the_core_to_the_importer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 0)  # this small file counts as large
    monkeypatch.setattr(ris_bytes, "PIECE_BYTES", 20_000)  # several pieces, for both workers
    seen: dict[int, int] = {}  # worker → its priority once it has sent something
    real_take = read_ahead._Readers._take

    def take(self: read_ahead._Readers, index: int) -> tuple[object, ...]:
        worker = self.owner.get(index)  # None: a piece read here, in the importer
        message = real_take(self, index)
        if worker is not None and worker not in seen:
            seen[worker] = os.getpriority(os.PRIO_PROCESS, self.processes[worker].pid)
        return message

    monkeypatch.setattr(read_ahead._Readers, "_take", take)
    with Project.create(tmp_path / "p.screener", title="T") as p:
        report = run_work(p.imports.import_files([LENS], source="Lens"))
    assert report.records == 100
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert sorted(seen) == [0, 1], seen  # both workers read pieces
    assert set(seen.values()) == {min(ours + read_ahead.READER_NICENESS, 19)}, (seen, ours)
