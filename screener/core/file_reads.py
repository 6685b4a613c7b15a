"""One file of an import read in the calling process, chunk by chunk, and what every
reading needs: the file's checksum, and the check that it did not change while it was read.

``read_ahead`` reads large imports in worker processes; what the importer gets per file
either way is a ``FileRead``: its ``chunks()`` of prepared rows, then its ``head``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from screener.core.gc_pause import gc_paused
from screener.core.readers import iter_file
from screener.store.rows import PreparedRows, prepare_rows
from screener.types import ImportFormatError, ParsedRecord, ReadResult

CHUNK = 5000  # records per chunk of rows


@dataclass
class FileHead:
    """What is known of a file once it is read: ``result`` without its records (they went
    as chunks), how many records there were, and the file's checksum."""

    result: ReadResult
    count: int
    sha256: str


class FileRead:
    """One file of an import: iterate ``chunks()`` for its rows; then ``head`` is known."""

    def __init__(self, path: str, stream: Iterator[PreparedRows | FileHead]) -> None:
        self.path = path
        self.head: FileHead | None = None
        self._stream = stream

    def chunks(self) -> Iterator[PreparedRows]:
        for item in self._stream:
            if isinstance(item, FileHead):
                self.head = item
                return
            yield item
        raise RuntimeError(f"{self.path}: the reading ended without its summary")


CHANGED = ("the file changed while it was read (is it still being written, a download not yet "
           "finished?); nothing was imported: import it again once it is complete")


def file_state(path: str) -> tuple[int, int] | None:
    """The file's size and modification time (None if it cannot be looked at: the reading
    says what is wrong with it)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def check_unchanged(path: str, before: tuple[int, int] | None) -> None:
    """Raise ImportFormatError if the file is not as it was ``before`` its reading began
    (as ``file_state`` gave it): what was read, how it was cut into pieces and the
    checksum taken afterwards would not be of one file. Called once its checksum is
    taken, so that the records stored and the checksum kept are of the same bytes."""
    if before is not None and file_state(path) != before:
        raise ImportFormatError(path, CHANGED)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def chunks_of(records: list[ParsedRecord], chunk: int = CHUNK) -> Iterator[PreparedRows]:
    """The records as prepared rows, ``chunk`` at a time. The list is emptied as it goes,
    so that each chunk's records can be freed once its rows are made."""
    while records:
        part = records[:chunk]
        del records[:chunk]
        with gc_paused():  # many short-lived containers, no cycles
            yield prepare_rows(part)


def read_in_chunks(path: str, fmt: str = "auto", chunk: int = 0) -> Iterator[PreparedRows | FileHead]:
    """Read one file: its rows chunk by chunk as the file is parsed, then its FileHead.
    Raises ImportFormatError for a file that is not a bibliography."""
    chunk = chunk or CHUNK
    before = file_state(path)
    stream = iter_file(path, fmt)
    pending: list[ParsedRecord] = []
    count = 0
    while True:
        try:
            pending += next(stream)
        except StopIteration as done:
            result: ReadResult = done.value
            break
        while len(pending) >= chunk:
            part = pending[:chunk]
            del pending[:chunk]
            count += len(part)
            with gc_paused():  # many short-lived containers, no cycles
                yield prepare_rows(part)
    count += len(pending)
    yield from chunks_of(pending, chunk)
    digest = sha256_of(path)
    check_unchanged(path, before)
    yield FileHead(result, count, digest)
