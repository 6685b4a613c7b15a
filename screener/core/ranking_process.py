"""The relevance model in a process of its own, so that building features and training never
hold the window's interpreter lock: the window stays as quick while the model retrains as
when it does not.

The process holds the project's features (``core.ranking_cache``) from ``prepare`` on, across
every retrain: read from this machine's cache file, brought up to date with the records
imported since (only their texts are read, from the project file by the process itself, or
sent by the window for a server project), or built the first time, with progress, and
cancellable. Each ``order`` call then sends the labels and the candidates as packed 64-bit
ids and gets the candidates back, most likely relevant first: a training on the labelled
rows (past ``ranking_subsample.CAP`` decisions, every include and a fixed share of the
excludes, so that a retrain's time and memory stop growing with the decisions) and one sparse
product over the held features. Every call blocks until answered; the
GUI makes them on a worker thread, where waiting on the pipe releases the lock.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from array import array
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from screener.core.child_process import exit_with_parent
from screener.types import Progress, ScreenerError

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


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# An allocation this size or larger is mapped on its own, and unmapped when freed: a training's
# and a build's large temporaries. Below it, the temporaries of a block of rows (a few MB,
# many per retrain) reuse the heap: mapping each anew costs half as much CPU again per retrain.
_LARGE = 8 * 1024 * 1024


def _libc() -> Any:
    """The process's glibc through ctypes, or None (another system or C library)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except (OSError, AttributeError, TypeError):
        return None


def lean_memory() -> None:
    """Have freed memory go back to the system at once (Linux with glibc; elsewhere nothing).

    The process's peak memory is the features it holds plus the temporaries of a build or a
    training, which come and go (a few MB per block of rows, tens of MB for a training set).
    glibc by default raises its threshold for giving an allocation its own mapping each time
    one such is freed, up to 32 MB, so later large ones come from the heap, which does not
    shrink while anything lives above them: the process's memory then grows by the
    temporaries it had at once, and keeps them. A fixed threshold keeps large temporaries in
    mappings of their own, returned when freed."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _LARGE)
        libc.mallopt(_M_TRIM_THRESHOLD, _LARGE)


def trim() -> None:
    """Give the heap's free memory back to the system (after a build or a training)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


class _Stop(Exception):
    """The window asked the process to end while it prepared the features."""


def _serve(conn: Connection) -> None:  # pragma: no cover - runs in the child process
    exit_with_parent("screener-ranking-watch")
    lean_memory()
    if hasattr(os, "nice"):
        try:
            os.nice(10)  # training yields the processor to the window the reviewer works in
        except OSError:
            pass
    import numpy as np

    from screener.core.ranking import Ranker
    from screener.core.ranking_cache import ProjectFeatures, cache_path, prepared
    from screener.core.services.queue_order import rank_ids

    pf: ProjectFeatures | None = None
    project: Any = None
    asked: list[Any] = []  # a message that came while preparing (cancel, or None: end)
    by_window = False  # the texts come from the window (a server project)

    def stop() -> bool:
        """Whether the window cancelled (asked between parts of the work; while the window sends
        texts, ``from_window`` reads its messages instead)."""
        while not asked and not by_window and conn.poll():
            message = conn.recv()
            if message is None or message[0] == "cancel":
                asked.append(message)
        return bool(asked)

    def from_window(ids: list[int]) -> Iterator[tuple[list[int], list[str]]]:
        """The texts of ``ids``, sent by the window (a server project)."""
        conn.send(("need", pack(ids)))
        while True:
            message = conn.recv()
            if message is None or message[0] == "cancel":
                asked.append(message)
                yield [], []  # sync asks stop() before the next part, and keeps what it built
                return
            if message[0] == "end":
                return
            yield unpack(message[1]), message[2]

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind = message[0]
        try:
            if kind == "prepare":  # ("prepare", project file or None, identity, ids, signatures)
                _, target, identity, ids, sigs = message
                asked.clear()
                by_window = target is None
                before = pf.built if pf is not None else 0
                if target is not None:  # a project file: read it here, not in the window's process
                    if project is None:
                        from screener.core.project import Project

                        project = Project.open(target)
                    work = project.queue_order.features(stop, pf)
                else:
                    work = prepared(cache_path(identity), identity, np.frombuffer(ids, dtype=np.int64),
                                    np.frombuffer(sigs, dtype=np.uint64), from_window, pf, stop)
                try:
                    for item in work:
                        if isinstance(item, ProjectFeatures):
                            pf = item
                        elif target is not None:
                            conn.send(("progress", item.done, item.total, item.message))
                except Exception as e:
                    if not asked:
                        raise
                    del e
                if asked:
                    if asked[0] is None:
                        return
                    conn.send(("cancelled", (pf.built if pf is not None else 0) - before))
                    continue
                assert pf is not None
                gc.collect()
                trim()
                conn.send(("ready", pf.ids.tobytes(), pf.built - before))
            elif kind == "order":
                if pf is None:
                    raise RuntimeError("the features are not prepared")
                label_ids = np.frombuffer(message[1], dtype=np.int64)
                labels = dict(zip(label_ids.tolist(), message[2], strict=True))
                order = rank_ids(Ranker.from_features(pf.features), pf.index(), labels, unpack(message[3]))
                answer = pack(order)
                del order, labels, label_ids
                trim()
                conn.send(("order", answer))
            elif kind in ("cancel", "end", "texts"):
                pass  # late: the work they were for has ended
        except Exception as e:  # said to the window, which keeps its order
            conn.send(("error", f"{type(e).__name__}: {e}"))


class RankingProcess:
    """A ranking process and what it knows. Not thread-safe: one caller at a time."""

    def __init__(self) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        self.known: set[int] = set()  # ids the process holds features for
        self.prepared = False  # whether it holds the project's features
        self.built = 0  # records it vectorised from their text (not from the cache), for tests

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
        self.prepared = False
        return conn

    def missing(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` the process has no text for (all, before it started)."""
        if self._conn is None or self._process is None or not self._process.is_alive():
            return sorted(set(ids))
        out: set[int] = set()
        for i in range(0, len(ids), PACK):  # set operations in C, a slice at a time
            out |= set(ids[i:i + PACK]) - self.known
        return sorted(out)

    def prepare(self, service: Any, target: str | None) -> Iterator[Progress]:
        """Have the process hold the project's features (from its cache file, brought up to date,
        or built), yielding progress. ``target``: the project file, which the process reads
        itself; None (a server project): ``service`` (a ``QueueOrderService``) reads the records
        here and sends them. Closing the generator cancels: the process keeps (and caches) the
        rows it built, and the next ``prepare`` goes on from there."""
        conn = self._start()
        identity = service.identity()
        if target is None:
            ids, sigs = service.feature_rows()
            message: tuple[Any, ...] = ("prepare", None, identity, ids.tobytes(), sigs.tobytes())
        else:
            message = ("prepare", target, identity, None, None)
        self._send(conn, message)
        answered = False
        try:
            while True:
                answer = self._recv(conn)
                kind = answer[0]
                if kind == "progress":
                    yield Progress(answer[1], answer[2], answer[3])
                elif kind == "need":
                    wanted = unpack(answer[1])
                    done = 0
                    if wanted:
                        yield Progress(0, len(wanted), "preparing relevance ranking")
                    for part_ids, part_texts in service.texts(wanted):
                        self._send(conn, ("texts", pack(part_ids), part_texts))
                        done += len(part_ids)
                        yield Progress(done, len(wanted), "preparing relevance ranking")
                    self._send(conn, ("end",))
                elif kind == "ready":
                    answered = True
                    self.known = set(np.frombuffer(answer[1], dtype=np.int64).tolist())
                    self.prepared = True
                    self.built += int(answer[2])
                    return
                elif kind == "error":
                    answered = True
                    raise ScreenerError(f"ranking failed: {answer[1]}")
        finally:
            if not answered and self._conn is conn:  # cancelled: wait for the process to stop
                try:
                    conn.send(("cancel",))
                    while True:
                        answer = self._recv(conn)
                        if answer[0] in ("cancelled", "ready"):
                            self.built += int(answer[-1])
                        if answer[0] in ("cancelled", "ready", "error"):
                            break
                except ScreenerError:
                    pass

    def _send(self, conn: Connection, message: tuple[Any, ...]) -> None:
        try:
            conn.send(message)
        except (OSError, ValueError):
            code = self._process.exitcode if self._process is not None else None
            self.close()
            raise ScreenerError(f"the ranking process stopped (exit code {code})") from None

    def _recv(self, conn: Connection) -> tuple[Any, ...]:
        try:
            answer: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError, ValueError):
            code = self._process.exitcode if self._process is not None else None
            self.close()
            raise ScreenerError(f"the ranking process stopped (exit code {code})") from None
        return answer

    def _ask(self, message: tuple[Any, ...]) -> tuple[Any, ...]:
        conn = self._start()
        self._send(conn, message)
        answer = self._recv(conn)
        if answer[0] == "error":
            raise ScreenerError(f"ranking failed: {answer[1]}")
        return answer

    def order(self, labels: dict[int, int], candidates: Sequence[int]) -> list[int]:
        """``candidates`` most likely relevant first (ties in their given order)."""
        if not self.prepared or self._process is None or not self._process.is_alive():
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
        self.prepared = False
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
