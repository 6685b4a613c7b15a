"""How a reading process hands its rows to the importer: packed in one marshal blob sent
after its message (or, rows marshal cannot write, in the message, as they are), between
real processes, and at a lower priority than the importer."""

from __future__ import annotations

import datetime
import multiprocessing
import os
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from screener.core import read_ahead, read_transport
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


def _send_each(pipe: Connection, messages: list[tuple[object, ...]], raw: bool) -> None:
    """In a process of its own, as a reading process sends: each message in turn."""
    for message in messages:
        read_transport.send_message(pipe, message, raw)
    pipe.close()


def _sent_across(messages: list[tuple[object, ...]], raw: bool) -> list[tuple[object, ...]]:
    """What the importer's side receives of ``messages`` sent by a real process."""
    context = multiprocessing.get_context("spawn")
    reading, writing = context.Pipe(duplex=False)
    sender = context.Process(target=_send_each, args=(writing, messages, raw))
    sender.start()
    writing.close()
    buffer = bytearray()  # one buffer for every blob, as a receiving thread keeps it
    arrived = []
    try:
        while True:
            arrived.append(read_transport.receive_message(reading, buffer, raw))
    except EOFError:
        pass
    sender.join(timeout=30)
    assert sender.exitcode == 0
    reading.close()
    return arrived


@pytest.mark.parametrize("raw", [True, False], ids=["raw-bytes", "connection-messages"])
def test_rows_arrive_from_a_reading_process_as_they_were_sent(raw: bool) -> None:
    big, small = _rows(), _rows()
    small.rows, small.search = small.rows[:3], small.search[:3]  # a blob smaller than the buffer
    dated = _rows()  # a value marshal cannot write: these rows go pickled, as they are
    dated.rows[0] = (*dated.rows[0][:3], datetime.date(2020, 1, 2), *dated.rows[0][4:])
    messages: list[tuple[object, ...]] = [
        ("piece", big, "the first piece's summary"),
        ("piece", small, "the second piece's summary"),
        ("rows", dated),
        ("hash", "ab" * 32),
        ("rows", big),
        ("error", "bad"),
        ("end", None),
    ]
    assert read_transport._pack(messages[0])[1] is not None  # rows go as a blob…
    assert read_transport._pack(messages[2])[1] is None  # …unless marshal cannot write them
    assert _sent_across(messages, raw) == messages  # every value, search text and offset


def _send_half(pipe: Connection, head: tuple[object, ...], half: bytes, raw: bool) -> None:
    """A reading process that dies having announced its rows and sent half their blob."""
    pipe.send(head)
    if raw:
        os.write(pipe.fileno(), half)
    else:
        pipe.send_bytes(half)
    os._exit(0)


@pytest.mark.parametrize("raw", [True, False], ids=["raw-bytes", "connection-messages"])
def test_a_reading_process_dying_inside_a_blob_ends_the_stream(raw: bool) -> None:
    rows = _rows()
    head, blob = read_transport._pack(("rows", rows))
    assert blob is not None
    context = multiprocessing.get_context("spawn")
    reading, writing = context.Pipe(duplex=False)
    sender = context.Process(target=_send_half, args=(writing, head, blob[: len(blob) // 2], raw))
    sender.start()
    writing.close()
    with pytest.raises(EOFError):
        read_transport.receive_message(reading, bytearray(), raw)
    sender.join(timeout=30)
    reading.close()


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
