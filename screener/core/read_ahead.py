"""Reading the files of an import, as a stream of prepared rows in file order.

A RIS export is read from its bytes a piece at a time (``readers.ris_bytes``) and each
piece's records turned into insert parameters as they come; other files are read at once,
then chunked. What the importer gets per file is a ``FileRead``: its ``chunks()`` of rows,
then its ``head`` (how many records, which were skipped, warnings, checksum).

For large imports the pieces are read in worker processes (``READERS`` of them, even for
a single file) while the main process stores the pieces that have arrived, in order, so
that every core works. The main process reads the first piece itself while the workers
start, so the first rows are written as soon as in a small import; or, better, the
command starts the workers before it opens the project (``reading_started``), and they
have read the first pieces by the time it can store them. Each worker is given at most
``AHEAD`` tasks (a piece, or a whole file) beyond those the importer has taken, which
bounds the memory held. A piece parsed alone numbers its records and lines from 1; the
importer, taking pieces in order, shifts them.

Workers never outlive the import: closing the stream (the user cancelled, or storing
failed) stops them at once, and a worker whose importer dies (``kill -9``) notices at
once and exits, without a word: it holds no copy of the importer's standard output or
error, so a pipeline such as ``screener import … | cat`` ends too.

Small imports, and interpreters that cannot start a process, read in the calling process
through the same code.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from screener.core.child_process import exit_with_parent
from screener.core.file_reads import (
    CHUNK,
    FileHead,
    FileRead,
    check_unchanged,
    file_state,
    read_in_chunks,
    sha256_of,
)
from screener.core.gc_pause import gc_paused
from screener.core.read_transport import receive_message, send_message
from screener.core.readers.ris_bytes import RisFile, RisFileReading, open_ris, read_piece
from screener.store.rows import PreparedRows, prepare_rows
from screener.types import ImportFormatError, ScreenerError

__all__ = ["CHUNK", "FileHead", "FileRead", "read_files", "read_in_chunks", "reading_started", "sha256_of"]
READ_AHEAD_BYTES = 20_000_000  # below this, a worker process costs more than it saves
READERS = 2  # worker processes; with the main process storing they keep two cores busy
AHEAD = 2  # tasks a worker holds beyond the one the importer is taking
POLL_SECONDS = 0.25  # how often a waiting importer checks that its workers are alive


_started: _Readers | None = None  # reading begun by ``reading_started``, for the next read_files


def read_files(
    paths: Sequence[str | os.PathLike[str]], fmt: str = "auto"
) -> Generator[FileRead, None, None]:
    """Every file, in order, read in worker processes when the import is large (taking
    over the workers ``reading_started`` started for these files, if any)."""
    global _started
    names = [os.fspath(p) for p in paths]
    pool, _started = _started, None
    if pool is not None and pool.planned != (names, fmt):
        pool.stop()
        pool = None
    if pool is None:
        if sum(os.path.getsize(p) for p in names) < READ_AHEAD_BYTES:
            for name in names:
                yield FileRead(name, read_in_chunks(name, fmt))
            return
        try:
            pool = _Readers(READERS)
        except OSError:  # no processes here (an embedded interpreter, a locked-down system)
            for name in names:
                yield FileRead(name, read_in_chunks(name, fmt))
            return
        pool.plan(names, fmt, first_here=True)
    try:
        yield from pool.read()
    finally:
        pool.stop()


@contextmanager
def reading_started(paths: Sequence[str | os.PathLike[str]], fmt: str = "auto") -> Iterator[None]:
    """Start reading a large import's files now, in worker processes, while the caller
    gets ready to store them (opens the project: imports, schema check); the next
    ``read_files`` of the same files, inside the block, takes over what they read
    meanwhile. Workers nobody took over (the project could not be opened) are stopped on
    leaving. Files that cannot be read are left for ``read_files`` to complain about."""
    global _started
    names = [os.fspath(p) for p in paths]
    pool: _Readers | None = None
    try:
        if names and sum(os.path.getsize(p) for p in names) >= READ_AHEAD_BYTES:
            pool = _Readers(READERS)
            pool.plan(names, fmt, first_here=False)
    except (OSError, ScreenerError):
        if pool is not None:
            pool.stop()
        pool = None
    _started = pool
    try:
        yield
    finally:
        if _started is pool:
            _started = None
        if pool is not None:
            pool.stop()


# -- worker processes ---------------------------------------------------------------------


HASH = -1  # the "piece" of a task that computes the checksum of a file read in pieces


@dataclass(frozen=True)
class _Task:
    """A piece of a RIS file (``ris`` and ``piece``), the checksum of such a file (``piece``
    is HASH), or a whole file (``ris`` is None)."""

    path: str
    fmt: str
    ris: RisFile | None = None
    piece: int = 0


# Messages from a worker, in the order of its tasks: ("piece", PreparedRows, PieceRead
# without its records); ("hash", the file's SHA-256); for a whole file ("rows",
# PreparedRows)… then ("end", FileHead); or ("error", exception or its text). The rows
# travel packed (``read_transport``).

READER_NICENESS = 5  # a reading process yields the core to the importer, which stores


def _yield_the_core(pid: int | None) -> None:
    """Lower a reading process's priority, as soon as it is started (before it loads its
    modules, which would otherwise slow the importer's own start): when the cores are
    short, the importer, whose storing is what the import waits for at the end, runs
    first, and the readers take what is left (they are ahead anyway); an idle core still
    goes to them. The rest of the machine (the user's other windows) goes before them too."""
    try:
        if pid is not None:
            os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + READER_NICENESS)
    except (AttributeError, OSError):  # no priorities here, or it has ended: the same, only slower
        pass


def _work(tasks: Connection, results: Connection) -> None:
    """A worker process: do the tasks it is given until it is given None. A thread of its
    own sends what it has read, so that reading goes on while the importer is busy
    storing and not yet taking messages."""
    exit_with_parent("screener-reader-watch")
    outbox: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=AHEAD)

    def send() -> None:
        try:
            while (message := outbox.get()) is not None:
                send_message(results, message)
        except OSError:  # the importer is gone: nothing to say to anyone
            os._exit(0)

    sender = threading.Thread(target=send, name="screener-reader-send", daemon=True)
    sender.start()
    while True:
        try:
            task: _Task | None = tasks.recv()
        except (EOFError, OSError):
            os._exit(0)
        if task is None:
            break
        try:
            if task.ris is not None and task.piece == HASH:
                outbox.put(("hash", sha256_of(task.path)))
            elif task.ris is not None:
                piece = read_piece(task.ris, task.piece)
                with gc_paused():
                    rows = prepare_rows(piece.records)
                piece.records = []
                outbox.put(("piece", rows, piece))
            else:
                for item in read_in_chunks(task.path, task.fmt, CHUNK):
                    outbox.put(("end" if isinstance(item, FileHead) else "rows", item))
        except Exception as error:  # handed to the importer, which raises it
            try:
                pickle.dumps(error)
            except Exception:
                error = ScreenerError(f"{os.path.basename(task.path)}: {type(error).__name__}: {error}")
            outbox.put(("error", error))
    outbox.put(None)
    sender.join()


@contextmanager
def _stdio_to_devnull() -> Iterator[None]:
    """While a worker (and, with the first, multiprocessing's resource tracker) is
    started, standard output and error are /dev/null, which is what they inherit: they
    then never hold the importer's output open (``screener import … | cat`` ends with the
    import) and never print to it, not even when the importer dies as they start. Their
    failures reach the importer through their pipes and exit codes."""
    if os.name != "posix":
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    saved = (os.dup(1), os.dup(2))
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


_CLOSED = ("closed",)  # what a receiving thread hands on when its worker's pipe ends


class _Readers:
    """Reading processes, each with a pipe for its tasks and a pipe for what it has read.
    A worker holds the only writing end of its results pipe, so if it dies (killed for
    memory, say) the importer reads the end of the pipe instead of waiting for ever.

    A thread of the importer per worker receives (unpickles, unmarshals) what the worker
    sends as it comes, while the importer stores earlier rows (SQLite lets go of the
    interpreter while it writes); it holds no more than before, as a worker has at most
    ``AHEAD`` + 1 tasks, and a buffer the size of the largest blob."""

    def __init__(self, n: int) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        self.processes: list[Any] = []
        self.task_pipes: list[Connection] = []
        self.result_pipes: list[Connection] = []
        self.inboxes: list[queue.SimpleQueue[tuple[Any, ...]]] = []
        self.receivers: list[threading.Thread] = []
        self.owner: dict[int, int] = {}  # task index → worker
        self.held: list[deque[int]] = [deque() for _ in range(n)]  # tasks given, not yet taken
        self.tasks: list[_Task] = []
        self.given = 0
        self.planned: tuple[list[str], str] | None = None
        self.spans: list[tuple[int, int]] = []
        self.states: list[tuple[int, int] | None] = []  # each file as it was when planned
        try:
            for i in range(n):
                task_r, task_w = context.Pipe(duplex=False)
                result_r, result_w = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(task_r, result_w), daemon=True,
                                          name=f"screener-reader-{i + 1}")
                self.processes.append(process)
                self.task_pipes.append(task_w)
                self.result_pipes.append(result_r)
                with _stdio_to_devnull():
                    process.start()
                _yield_the_core(process.pid)
                task_r.close()
                result_w.close()
                self.inboxes.append(queue.SimpleQueue())
                receiver = threading.Thread(target=self._receive, args=(i,), daemon=True,
                                            name=f"screener-reader-{i + 1}-receive")
                self.receivers.append(receiver)
                receiver.start()
        except BaseException:
            self.stop()
            raise

    def plan(self, names: Sequence[str], fmt: str, first_here: bool) -> None:
        """Make the tasks of reading ``names`` and give the first out; with
        ``first_here``, the first piece is read in this process (by ``read``), while the
        workers start."""
        self.planned = (list(names), fmt)
        spans = []
        # Each file's size and time before its pieces are cut from its size: a file that
        # grows or changes before its checksum is taken (``_pieces``) is refused.
        self.states = [file_state(name) for name in names]
        for name in names:
            try:
                ris = open_ris(name, fmt)
            except OSError:
                ris = None  # the worker's reading says what is wrong with it
            first = len(self.tasks)
            if ris is None:
                self.tasks.append(_Task(name, fmt))
            else:
                self.tasks += [_Task(name, fmt, ris, k) for k in range(ris.pieces)] + [_Task(name, fmt, ris, HASH)]
            spans.append((first, len(self.tasks)))
        self.spans = spans
        if first_here and self.tasks[0].ris is not None:
            self.given = 1  # the first piece is read here, while the workers start
        self._give()

    def read(self) -> Iterator[FileRead]:
        """The files planned, in order, as their rows arrive."""
        assert self.planned is not None, "plan() first"
        names, _ = self.planned
        for name, (first, end), before in zip(names, self.spans, self.states, strict=True):
            ris = self.tasks[first].ris
            stream = self._whole(first) if ris is None else self._pieces(ris, first, end, before)
            yield FileRead(name, stream)

    def _give(self) -> None:
        """Give out tasks in order, each to the worker holding the fewest."""
        while self.given < len(self.tasks):
            worker = min(range(len(self.held)), key=lambda i: len(self.held[i]))
            if len(self.held[worker]) > AHEAD:
                return
            task = self.tasks[self.given]
            try:
                self.task_pipes[worker].send(task)
            except OSError:
                self._check_alive(stopped=True)
                raise
            self.owner[self.given] = worker
            self.held[worker].append(self.given)
            self.given += 1

    def _whole(self, index: int) -> Iterator[PreparedRows | FileHead]:
        while True:
            kind, payload = self._take(index)
            if kind == "end":
                self._taken(index)
                yield payload
                return
            yield payload

    def _pieces(self, ris: RisFile, first: int, end: int,
                before: tuple[int, int] | None) -> Iterator[PreparedRows | FileHead]:
        reading = RisFileReading(ris)
        end -= 1  # the last task is the checksum
        for index in range(first, end):
            _, rows, piece = self._take(index)
            self._taken(index)
            rows.position_offset = reading.summary.positions
            rows.line_offset = reading.summary.lines
            reading.add(piece, shift=True)
            if rows.rows:
                yield rows
        if not reading.summary.records and not reading.summary.skipped():
            raise ImportFormatError(ris.path, "no RIS records found: no line starts with 'TY  - '")
        _, digest = self._take(end)
        self._taken(end)
        check_unchanged(ris.path, before)
        yield FileHead(reading.result(), reading.summary.records, digest)

    def _take(self, index: int) -> tuple[Any, ...]:
        """The next message of task ``index``: the next from the worker it was given to,
        which does its tasks in order and has finished those before it (the first piece of
        an import is read here)."""
        if index not in self.owner:
            task = self.tasks[index]
            assert task.ris is not None
            piece = read_piece(task.ris, task.piece)
            with gc_paused():
                rows = prepare_rows(piece.records)
            piece.records = []
            return ("piece", rows, piece)
        worker = self.owner[index]
        assert self.held[worker][0] == index
        while True:
            try:
                message = self.inboxes[worker].get(timeout=POLL_SECONDS)
                break
            except queue.Empty:
                self._check_alive()
        if message is _CLOSED:
            self._check_alive(stopped=True)
            raise EOFError(f"{self.processes[worker].name} closed its pipe")
        if message[0] == "error":
            payload = message[1]
            raise payload if isinstance(payload, BaseException) else ScreenerError(str(payload))
        return message  # type: ignore[no-any-return]

    def _receive(self, worker: int) -> None:
        """A receiving thread: hand on what worker ``worker`` sends, until its pipe ends."""
        pipe, inbox = self.result_pipes[worker], self.inboxes[worker]
        buffer = bytearray()  # kept: its pages are not faulted in again for every blob
        try:
            while True:
                inbox.put(receive_message(pipe, buffer))
        except (EOFError, OSError):
            inbox.put(_CLOSED)
        except Exception as error:  # a message that cannot be unpickled: the stream is lost
            inbox.put(("error", error))

    def _taken(self, index: int) -> None:
        if index in self.owner:
            self.held[self.owner.pop(index)].popleft()
        self._give()

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
        for receiver in self.receivers:  # their pipes have ended with their workers
            receiver.join(timeout=5)
        for pipe in self.task_pipes + self.result_pipes:
            pipe.close()
