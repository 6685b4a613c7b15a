"""The relevance model in a process of its own, so that building features and training never
hold the window's interpreter lock: the window stays as quick while the model retrains as
when it does not.

The process keeps the records' texts (read from a project file by the process itself, or
sent to it) and the model's features (built once, and again only
when records it has no text for are added). Each ``order`` call sends the labels and the
candidates as packed 64-bit ids and gets the candidates back, most likely relevant first.
Every call blocks until answered; the GUI makes them on a worker thread, where waiting on
the pipe releases the lock.
"""

from __future__ import annotations

import multiprocessing
import os
from array import array
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from screener.core.child_process import exit_with_parent
from screener.types import ScreenerError

PACK = 20_000  # ids packed at a time (each step a short hold of the interpreter lock)


def pack(ids: Sequence[int]) -> bytes:
    return b"".join(array("q", ids[i:i + PACK]).tobytes() for i in range(0, len(ids), PACK))


def places(order: Sequence[int]) -> dict[int, int]:
    """Record id -> its place in ``order``, built a slice at a time in C."""
    out: dict[int, int] = {}
    for i in range(0, len(order), PACK):
        out.update(zip(order[i:i + PACK], range(i, i + PACK), strict=False))
    return out


def unpack(data: bytes) -> list[int]:
    a = array("q")
    a.frombytes(data)
    out: list[int] = []
    for i in range(0, len(a), PACK):
        out += a[i:i + PACK].tolist()
    return out


def _serve(conn: Connection) -> None:  # pragma: no cover - runs in the child process
    exit_with_parent("screener-ranking-watch")
    if hasattr(os, "nice"):
        try:
            os.nice(10)  # training yields the processor to the window the reviewer works in
        except OSError:
            pass
    import numpy as np

    from screener.core.ranking import Ranker
    from screener.core.services.queue_order import rank_ids

    ids: list[int] = []
    texts: list[str] = []
    ranker: Ranker | None = None
    project: Any = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind = message[0]
        try:
            if kind == "texts":
                ids += unpack(message[1])
                texts += message[2]
                ranker = None
            elif kind == "read":  # a project file: read the texts here, not in the window's process
                if project is None:
                    from screener.core.project import Project

                    project = Project.open(message[1])
                have = set(ids)
                wanted = project.queue_order.feature_ids() if message[2] is None else unpack(message[2])
                read: list[int] = []
                for part_ids, part_texts in project.queue_order.texts([i for i in wanted if i not in have]):
                    ids += part_ids
                    texts += part_texts
                    read += part_ids
                    ranker = None
                conn.send(("read", pack(read)))
            elif kind == "order":
                if ranker is None:
                    ranker = Ranker(texts)
                label_ids = np.frombuffer(message[1], dtype=np.int64)
                labels = dict(zip(label_ids.tolist(), message[2], strict=True))
                order = rank_ids(ranker, ids, labels, unpack(message[3]))
                conn.send(("order", pack(order)))
        except Exception as e:  # said to the window, which keeps its order
            conn.send(("error", f"{type(e).__name__}: {e}"))


class RankingProcess:
    """A ranking process and what it knows. Not thread-safe: one caller at a time."""

    def __init__(self) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        self.known: set[int] = set()  # ids whose text the process holds

    def _start(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self.close()
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        conn, child = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(child,), daemon=True, name="screener-ranking")
        self._process.start()
        child.close()
        self._conn = conn
        self.known = set()
        return conn

    def missing(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` the process has no text for (all, before it started)."""
        if self._conn is None or self._process is None or not self._process.is_alive():
            return sorted(set(ids))
        out: set[int] = set()
        for i in range(0, len(ids), PACK):  # set operations in C, a slice at a time
            out |= set(ids[i:i + PACK]) - self.known
        return sorted(out)

    def add_texts(self, ids: list[int], texts: list[str]) -> None:
        conn = self._start()
        try:
            conn.send(("texts", pack(ids), texts))
        except (OSError, ValueError) as e:
            self.close()
            raise ScreenerError(f"the ranking process stopped ({e})") from None
        self.known.update(ids)

    def read_texts(self, target: str, ids: Sequence[int] | None = None) -> int:
        """Have the process read the texts of ``ids`` (None: of every record the features are
        built from) from the project file ``target`` itself; returns how many it read."""
        answer = self._ask(("read", target, None if ids is None else pack(ids)))
        read = unpack(answer[1])
        self.known.update(read)
        return len(read)

    def _ask(self, message: tuple[Any, ...]) -> tuple[Any, ...]:
        conn = self._start()
        try:
            conn.send(message)
            answer: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError, ValueError):
            code = self._process.exitcode if self._process is not None else None
            self.close()
            raise ScreenerError(f"the ranking process stopped (exit code {code})") from None
        if answer[0] == "error":
            raise ScreenerError(f"ranking failed: {answer[1]}")
        return answer

    def order(self, labels: dict[int, int], candidates: Sequence[int]) -> list[int]:
        """``candidates`` most likely relevant first (ties in their given order)."""
        if self._process is None or not self._process.is_alive():  # a new one would know no texts
            code = self._process.exitcode if self._process is not None else None
            self.close()
            raise ScreenerError(f"the ranking process stopped (exit code {code}); it starts again with the "
                                "next decision")
        label_ids = list(labels)
        answer = self._ask(("order", pack(label_ids), [labels[i] for i in label_ids], pack(candidates)))
        return unpack(answer[1])

    def close(self) -> None:
        conn, process, self._conn, self._process = self._conn, self._process, None, None
        self.known = set()
        if conn is not None:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
            conn.close()
        if process is not None:
            process.join(timeout=2)
            if process.is_alive():
                process.terminate()
                process.join(timeout=2)
