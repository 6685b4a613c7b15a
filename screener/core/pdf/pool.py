"""Reading many PDFs in worker processes: a file that crashes or hangs PDFium costs only
that file (reported as unreadable), never the window or the command.

Each worker takes one path at a time over its own pipe and answers with the file's
``PdfFacts``. A worker that dies is replaced; one that takes longer than ``timeout`` on a
file is killed and replaced. Closing the generator (Cancel) stops the workers at once.
Where no process can be started, the files are read in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from screener.core.pdf.facts import PdfFacts, read_facts

WORKERS = 2
TIMEOUT_SECONDS = 60.0
IN_PROCESS_BELOW = 3  # fewer files than this: not worth starting a process


READY = "ready"


def _serve(conn: Connection) -> None:
    conn.send(READY)  # started: from now on, dying means the file it was given killed it
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        conn.send(read_facts(path))


class _Worker:
    def __init__(self, context: Any, number: int) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child,), daemon=True,
                                       name=f"screener-pdf-reader-{number}")
        self.process.start()
        child.close()
        self.path: str | None = None
        self.since = 0.0
        self.ready = False

    def give(self, path: str) -> None:
        self.path = path
        self.since = time.monotonic()
        self.conn.send(path)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def read_many(paths: Sequence[str | Path], workers: int = WORKERS,
              timeout: float = TIMEOUT_SECONDS) -> Iterator[PdfFacts]:
    """The facts of every file, in the order the files finish (each exactly once)."""
    names = [str(p) for p in paths]
    if len(names) < IN_PROCESS_BELOW or workers < 1:
        for name in names:
            yield read_facts(name)
        return
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    pool: list[_Worker] = []
    started = 0
    try:
        try:
            for _ in range(min(workers, len(names))):
                started += 1
                pool.append(_Worker(context, started))
        except OSError:
            if not pool:  # no process at all: read here
                for name in names:
                    yield read_facts(name)
                return
        todo = list(reversed(names))

        def give(w: _Worker) -> _Worker:
            """Hand ``w`` the next file; a worker found dead is replaced (the file is not lost)."""
            nonlocal started
            path = todo.pop()
            try:
                w.give(path)
                return w
            except OSError:
                w.stop()
                pool.remove(w)
                started += 1
                fresh = _Worker(context, started)
                pool.append(fresh)
                fresh.give(path)
                return fresh

        busy = [give(w) for w in list(pool) if todo]
        while busy:
            ready = wait([w.conn for w in busy], timeout=1.0)
            for w in list(busy):
                outcome: PdfFacts | None = None
                if w.conn in ready:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join(timeout=5)
                        message = None
                    if message == READY:
                        w.ready = True
                        w.since = time.monotonic()
                        continue
                    if message is None and not w.ready:
                        # it died before it could read anything: worker processes do not work
                        # here (a broken interpreter set-up); read everything left in this process
                        todo.extend(x.path for x in busy if x.path)
                        for x in pool:
                            x.stop()
                        pool.clear()
                        for name in reversed(todo):
                            yield read_facts(name)
                        return
                    outcome = message if message is not None else PdfFacts(w.path or "", error=_died(w))
                elif time.monotonic() - w.since > timeout:
                    outcome = PdfFacts(w.path or "", error=f"{Path(w.path or '').name}: reading the PDF "
                                       f"took longer than {timeout:.0f} s; it was stopped")
                elif not w.process.is_alive() and w.ready:
                    outcome = PdfFacts(w.path or "", error=_died(w))
                if outcome is None:
                    continue
                w.path = None
                yield outcome
                busy.remove(w)
                if outcome.error and (not w.process.is_alive() or "longer than" in outcome.error):
                    w.stop()
                    pool.remove(w)
                    if not todo:
                        continue
                    started += 1
                    w = _Worker(context, started)
                    pool.append(w)
                if todo:
                    busy.append(give(w))
    finally:
        for w in pool:
            w.stop()


def _died(w: _Worker) -> str:
    code = w.process.exitcode
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return f"{os.path.basename(w.path or '')}: the PDF reader stopped on this file ({how})"
