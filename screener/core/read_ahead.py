"""Reading the files of an import, as a stream of prepared rows in file order.

A RIS file is parsed a piece at a time (``readers.ris.iter_ris_records``) and its records
turned into insert parameters a chunk at a time as they come; other formats are read at
once, then chunked. What the importer gets per file is a ``FileRead``: its ``chunks()``
of rows, then its ``head`` (how many records, which were skipped, warnings, checksum).

For large imports the files are read in worker processes (``READERS`` of them) while
the main process stores the chunks that have arrived, so that both cores work and the
first rows are written about a second after the import starts. Workers never run ahead
by more than ``READERS`` files, which bounds the memory held. Closing the stream (the
user cancelled, or storing failed) stops the workers at once.

Small imports, and interpreters that cannot start a process, read in the calling
process through the same code.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from screener.core.readers import iter_file
from screener.core.readers.gc_pause import gc_paused
from screener.store.rows import PreparedRows, prepare_rows
from screener.types import ParsedRecord, ReadResult, ScreenerError

CHUNK = 5000  # records per chunk of rows
READ_AHEAD_BYTES = 20_000_000  # below this, a worker process costs more than it saves
READERS = 2  # worker processes; with the main process storing they keep two cores busy
POLL_SECONDS = 0.25  # how often a waiting importer checks that its workers are alive


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
    yield FileHead(result, count, sha256_of(path))


def read_files(
    paths: Sequence[str | os.PathLike[str]], fmt: str = "auto"
) -> Generator[FileRead, None, None]:
    """Every file, in order, read in worker processes when the import is large."""
    names = [os.fspath(p) for p in paths]
    if sum(os.path.getsize(p) for p in names) < READ_AHEAD_BYTES:
        for name in names:
            yield FileRead(name, read_in_chunks(name, fmt))
        return
    try:
        pool = _Workers(min(READERS, len(names)))
    except OSError:  # no processes here (an embedded interpreter, a locked-down system)
        for name in names:
            yield FileRead(name, read_in_chunks(name, fmt))
        return
    try:
        yield from pool.read(names, fmt)
    finally:
        pool.stop()


# -- worker processes ---------------------------------------------------------------------

# Messages from a worker: (kind, file index, payload). kind is "rows" (PreparedRows),
# "end" (the FileHead) or "error" (the exception, or its text).


def _work(tasks: Any, results: Connection) -> None:
    """A worker process: read the files it is given until it is given None. A thread of
    its own sends what it has read, so that reading goes on while the importer is busy
    storing and not yet taking messages."""
    outbox: queue.SimpleQueue[tuple[str, int, Any] | None] = queue.SimpleQueue()

    def send() -> None:
        while (message := outbox.get()) is not None:
            results.send(message)

    sender = threading.Thread(target=send, name="screener-reader-send", daemon=True)
    sender.start()
    while (task := tasks.get()) is not None:
        index, path, fmt, chunk = task
        try:
            for item in read_in_chunks(path, fmt, chunk):
                outbox.put(("end" if isinstance(item, FileHead) else "rows", index, item))
        except Exception as error:  # handed to the importer, which raises it
            try:
                pickle.dumps(error)
            except Exception:
                error = ScreenerError(f"{os.path.basename(path)}: {type(error).__name__}: {error}")
            outbox.put(("error", index, error))
    outbox.put(None)
    sender.join()


class _Workers:
    """Reading processes, each with a pipe of its own for what it has read. A worker holds
    the only writing end of its pipe, so if it dies (killed for memory, say) the importer
    reads the end of the pipe instead of waiting for ever for the rest of a message."""

    def __init__(self, n: int) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        self.tasks = context.Queue()
        self.pipes: list[Connection] = []
        self.processes = []
        self.inbox: dict[int, list[tuple[str, Any]]] = {}  # messages of files not yet wanted
        try:
            for i in range(n):
                receiving, sending = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(self.tasks, sending), daemon=True,
                                          name=f"screener-reader-{i + 1}")
                self.pipes.append(receiving)
                self.processes.append(process)
                process.start()
                sending.close()
        except BaseException:
            self.stop()
            raise

    def read(self, names: Sequence[str], fmt: str) -> Iterator[FileRead]:
        submitted = 0
        for index in range(len(names)):
            # The file being stored, plus one being read by each worker.
            while submitted < min(len(names), index + 1 + len(self.processes)):
                self.tasks.put((submitted, names[submitted], fmt, CHUNK))
                submitted += 1
            yield FileRead(names[index], self._messages(index))

    def _messages(self, index: int) -> Iterator[PreparedRows | FileHead]:
        while True:
            kind, payload = self._next(index)
            yield payload
            if kind == "end":
                return

    def _next(self, index: int) -> tuple[str, Any]:
        """The next message about file ``index``, keeping those about later files."""
        while not self.inbox.get(index):
            ready = wait(self.pipes, timeout=POLL_SECONDS)
            if not ready:
                self._check_alive()
            for pipe in ready:
                try:
                    kind, file_index, payload = cast(Connection, pipe).recv()
                except (EOFError, OSError):
                    self._check_alive(stopped=True)
                    raise
                if kind == "error":
                    raise payload if isinstance(payload, BaseException) else ScreenerError(str(payload))
                self.inbox.setdefault(file_index, []).append((kind, payload))
        return self.inbox[index].pop(0)

    def _check_alive(self, stopped: bool = False) -> None:
        for process in self.processes:
            if stopped:
                process.join(timeout=5)
            if process.exitcode is not None:
                raise ScreenerError(
                    f"a reading process stopped unexpectedly (exit code {process.exitcode}); "
                    "nothing was imported"
                )

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            if process.pid is not None:
                process.join(timeout=5)
        for pipe in self.pipes:
            pipe.close()
        self.tasks.cancel_join_thread()
        self.tasks.close()
        self.inbox.clear()
