"""The ranking model's features of a project, built once, kept in a cache file, updated on import.

Building the features of 100,000 records takes half a minute of CPU; training and re-ranking
take well under a second. So the features (:class:`~screener.core.ranking_features.RankingFeatures`)
are built once per project, kept in memory by the ranking process across retrains, and
saved in a cache file on this machine (``<user cache dir>/Screener/ranking``; for a team
project on a PostgreSQL server, the cache is local to each client).

What a cached row is valid for. Each row belongs to one record id and carries that record's
*signature*: a 64-bit hash of the source file's SHA-256 and the record's position in it. A
record's title and abstract never change after import, so a row whose id and signature
still match is still right; an id reused by another record (a batch removed, another
imported) has another signature. :func:`sync` compares the cached rows with the project's
records and

* keeps the rows that still match (no text read again),
* drops the rows of records that left (removed, or now duplicates), taking their terms out
  of the IDF weights as a rebuild would,
* reads and appends only the records it has no row for (an import).

The file. A header (format, the features' parameters version, the project's identity, the
shape of each block) and the arrays, with a BLAKE2b digest of all of it. A file that is
truncated, edited or corrupt, made with other feature parameters, or for another project is
not believed: :func:`load` says why and the features are built again. A file is written to a
temporary name and renamed, so a crash never leaves half a file under the real name. A
cache not used for ``KEEP_DAYS`` is removed (a project deleted or moved leaves no 140 MB
file behind for ever).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path

import numpy as np

from screener.core import ranking_features as rf
from screener.core.ranking_blocks import Block
from screener.types import Progress

FORMAT = 2  # 2: a term in 3 bytes, column and count packed (ranking_blocks); 1: 5 bytes
MAGIC = b"SCREENER-RANKING-FEATURES\n"
KEEP_DAYS = 60  # a project's cache not used for this long is removed


def features_version() -> str:
    """What the features depend on: a change here invalidates every cache file."""
    params = rf._vectorizer().get_params()
    params.pop("dtype", None)
    described = json.dumps({k: repr(v) for k, v in sorted(params.items())}, sort_keys=True)
    return (f"{rf.FEATURES_VERSION}|{rf.N_FEATURES}|{rf.NGRAMS}|{rf.MIN_DF}|{rf.MAX_DF}|"
            f"{rf.layout() + '|' if rf.layout() else ''}"
            f"{hashlib.sha256(described.encode()).hexdigest()[:16]}")


def cache_dir() -> Path:
    """Where the feature caches live (``SCREENER_CACHE_DIR`` overrides, for tests)."""
    if os.environ.get("SCREENER_CACHE_DIR"):
        return Path(os.environ["SCREENER_CACHE_DIR"])
    from screener.paths import user_cache_dir

    return user_cache_dir() / "ranking"


def cache_path(identity: str) -> Path:
    """The cache file of the project ``identity`` (see ``QueueOrderService.identity``)."""
    return cache_dir() / f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}.features"


def signatures(file_digests: Sequence[str], positions: Sequence[int] | np.ndarray) -> np.ndarray:
    """Each record's signature from its source file's SHA-256 (hex) and its position there."""
    files = np.fromiter((int(d[:16] or "0", 16) for d in file_digests), dtype=np.uint64,
                        count=len(file_digests))
    x = files ^ (np.asarray(positions, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))  # type: ignore[no-any-return]


@dataclass
class ProjectFeatures:
    """The features of a project's records: row i is record ``ids[i]``."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    signatures: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    features: rf.RankingFeatures = field(default_factory=rf.RankingFeatures)
    built: int = 0  # rows vectorised from text by this object (not loaded), for tests
    _index: dict[int, int] | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    def index(self) -> dict[int, int]:
        """Record id -> row (built once per change of rows)."""
        if self._index is None:
            self._index = dict(zip(self.ids.tolist(), range(len(self.ids)), strict=True))
        return self._index


class Cancelled(Exception):
    """:func:`sync` was asked to stop; the rows built so far are kept."""


def sync(pf: ProjectFeatures | None, ids: np.ndarray, sigs: np.ndarray,
         read_texts: Callable[[list[int]], Iterable[tuple[list[int], list[str]]]],
         stop: Callable[[], bool] = lambda: False) -> Iterator[Progress | ProjectFeatures]:
    """Bring ``pf`` up to date with the project's records ``ids`` (their ``sigs``).

    Yields progress (records with features, of all) and, last, the features; returns
    without yielding them when nothing changed. ``read_texts(ids)`` yields (ids, texts) in
    parts. ``stop()`` is asked between parts: if it says so, the rows built so far are kept
    (yielded as the features, to be saved) and :class:`Cancelled` is raised.
    """
    ids = np.asarray(ids, dtype=np.int64)
    sigs = np.asarray(sigs, dtype=np.uint64)
    pf = pf or ProjectFeatures()
    wanted = dict(zip(ids.tolist(), sigs.tolist(), strict=True))
    keep = np.fromiter((wanted.get(i) == s for i, s in zip(pf.ids.tolist(), pf.signatures.tolist(),
                                                          strict=True)), dtype=bool, count=pf.n)
    have = set(pf.ids[keep].tolist())
    new = [i for i in ids.tolist() if i not in have]
    changed = not keep.all() or bool(new)
    if not keep.all():
        pf = _kept(pf, keep)
    # progress over the whole project: a build cancelled and resumed goes on from where it was
    kept, total = len(have), len(have) + len(new)
    if new:
        yield Progress(kept, total, "preparing relevance ranking")
    done = 0
    for part_ids, part_texts in read_texts(new):
        if stop():
            _finish(pf)
            yield pf
            raise Cancelled
        for block in rf._blocks(part_texts):
            pf.features._append(block)
        pf.ids = np.r_[pf.ids, np.asarray(part_ids, dtype=np.int64)]
        pf.signatures = np.r_[pf.signatures, np.asarray([wanted[i] for i in part_ids], dtype=np.uint64)]
        pf.built += len(part_ids)
        done += len(part_ids)
        yield Progress(kept + done, total, "preparing relevance ranking")
    if changed:
        _finish(pf)
        yield pf


def _finish(pf: ProjectFeatures) -> None:
    pf.features._reweight()
    pf._index = None


def _kept(pf: ProjectFeatures, keep: np.ndarray) -> ProjectFeatures:
    """``pf`` without the rows not in ``keep`` (block by block, the old ones freed as it goes)."""
    out = ProjectFeatures(pf.ids[keep], pf.signatures[keep], built=pf.built)
    old = pf.features
    starts = old.starts
    for b in range(len(old.blocks)):
        block = old.blocks[b]
        rows = np.flatnonzero(keep[starts[b]:starts[b + 1]])
        if len(rows):
            out.features._append(block.rows(rows))
        old.blocks[b] = None  # type: ignore[call-overload]
    return out


# --- the file ---------------------------------------------------------------------------

def save(path: Path, identity: str, pf: ProjectFeatures) -> None:
    """Write ``pf`` to ``path`` (a temporary file renamed into place)."""
    blocks = pf.features.blocks
    header = {
        "format": FORMAT, "features": features_version(), "project": identity, "rows": pf.n,
        "blocks": [[int(b.shape[0]), int(b.nnz), len(b.over)] for b in blocks],
    }
    # np.asarray: no copies (the features are most of the process's memory)
    arrays: list[np.ndarray] = [np.asarray(pf.ids, dtype="<i8"), np.asarray(pf.signatures, dtype="<u8")]
    for b in blocks:
        arrays += [np.asarray(b.indptr, dtype="<i4"), np.asarray(b.lo, dtype="<u2"), b.packed,
                   np.asarray(b.over_at, dtype="<i4"), b.over]
    head = json.dumps(header, sort_keys=True).encode()
    digest = hashlib.blake2b(head, digest_size=32)
    for a in arrays:
        digest.update(np.ascontiguousarray(a).data.cast("B"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC)
            f.write(len(head).to_bytes(8, "little"))
            f.write(head)
            f.write(digest.digest())
            for a in arrays:
                f.write(np.ascontiguousarray(a).data.cast("B"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    prune(path.parent)


def prune(folder: Path, days: float = KEEP_DAYS) -> None:
    """Remove the caches of projects not ranked for ``days`` (a file's time is its last use),
    and temporary files a crash left behind."""
    now = time.time()
    for other in folder.glob("*.features*"):
        try:
            age = now - other.stat().st_mtime
            if age > days * 86400 or (other.suffix == ".tmp" and age > 86400):
                other.unlink()
        except OSError:
            pass


class Stale(Exception):
    """Why a cache file is not believed."""


def _read(f: BufferedReader, dtype: str, count: int, digest: hashlib.blake2b) -> np.ndarray:
    a = np.empty(count, dtype=dtype)
    view = a.data.cast("B")
    if f.readinto(view) != len(view):
        raise Stale("the file is truncated")
    digest.update(view)
    return a


def _whole(block: Block) -> bool:
    """Whether a block read from a file is well formed (rows, columns, the large counts)."""
    indptr, nnz = block.indptr, block.nnz
    if indptr[0] != 0 or indptr[-1] != nnz or np.any(np.diff(indptr) < 0):
        return False
    if nnz and block.indices().max() >= rf.n_columns():
        return False
    marked = np.flatnonzero((block.packed & np.uint8(block.marker)) == block.marker)
    return len(marked) == len(block.over_at) and bool(np.all(marked == block.over_at)) \
        and bool(np.all(block.over >= block.marker))


def load(path: Path, identity: str) -> ProjectFeatures:
    """The features cached at ``path`` for the project ``identity``.

    Raises :class:`Stale` (saying why) when the file is missing, truncated, edited or
    corrupt, for other feature parameters or another project.
    """
    try:
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                raise Stale("not a feature cache")
            size = int.from_bytes(f.read(8), "little")
            if not 0 < size < 1 << 24:
                raise Stale("the header is damaged")
            head = f.read(size)
            expected = f.read(32)
            try:
                header = json.loads(head, parse_constant=_no_constant)
            except ValueError:
                raise Stale("the header is damaged") from None
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise Stale("another format")
            if header.get("features") != features_version():
                raise Stale("made with other feature parameters")
            if header.get("project") != identity:
                raise Stale("made for another project")
            digest = hashlib.blake2b(head, digest_size=32)
            rows = int(header["rows"])
            blocks = [(int(n), int(nnz), int(over)) for n, nnz, over in header["blocks"]]
            # the sizes the header gives, against the file's, before anything is allocated
            body = 16 * rows + sum(4 * (n + 1) + 3 * nnz + 5 * over for n, nnz, over in blocks)
            if rows < 0 or any(min(n, nnz, over) < 0 for n, nnz, over in blocks):
                raise Stale("the header is damaged")
            size = os.fstat(f.fileno()).st_size
            if f.tell() + body > size:
                raise Stale("the file is truncated (or its header is damaged)")
            if f.tell() + body < size:
                raise Stale("the file has more data than its header says")
            ids = _read(f, "<i8", rows, digest).astype(np.int64)
            sigs = _read(f, "<u8", rows, digest).astype(np.uint64)
            pf = ProjectFeatures(ids, sigs)
            total = 0
            for n, nnz, over in blocks:
                block = Block(_read(f, "<i4", n + 1, digest).astype(np.int32, copy=False),
                              _read(f, "<u2", nnz, digest).astype(np.uint16, copy=False),
                              _read(f, "u1", nnz, digest),
                              _read(f, "<i4", over, digest).astype(np.int32, copy=False),
                              _read(f, "u1", over, digest), rf.n_columns())
                if not _whole(block):
                    raise Stale("a block is damaged")
                pf.features._append(block)
                total += n
            if f.read(1):
                raise Stale("the file has more data than its header says")
            if digest.digest() != expected:
                raise Stale("the checksum does not match (the file was changed or damaged)")
            if total != rows:
                raise Stale("the header is damaged")
    except FileNotFoundError:
        raise Stale("no cache yet") from None
    except OSError as e:
        raise Stale(f"unreadable ({e.strerror or e})") from None
    except (KeyError, TypeError, ValueError, OverflowError) as e:
        raise Stale(f"the header is damaged ({e})") from None
    _finish(pf)
    try:
        os.utime(path)  # its last use, for prune
    except OSError:
        pass
    return pf


def _no_constant(name: str) -> object:
    """Refuses ``Infinity``/``NaN`` in a header: no size or count is ever infinite."""
    raise ValueError(f"{name} in the header")


def prepared(path: Path, identity: str, ids: np.ndarray, sigs: np.ndarray,
             read_texts: Callable[[list[int]], Iterable[tuple[list[int], list[str]]]],
             pf: ProjectFeatures | None = None,
             stop: Callable[[], bool] = lambda: False) -> Iterator[Progress | ProjectFeatures]:
    """The project's features, from ``pf`` (held in memory) or the cache file, brought up to
    date with ``sync`` and saved when they changed. Yields progress, and last the features."""
    if pf is None:
        try:
            pf = load(path, identity)
        except Stale:
            pf = None
    result = pf
    try:
        for item in sync(pf, ids, sigs, read_texts, stop):
            if isinstance(item, ProjectFeatures):
                result = item
                try:
                    save(path, identity, item)
                except OSError:  # a full disk or a read-only cache folder: rank without a cache
                    pass
            else:
                yield item
    except Cancelled:
        if result is not None:
            yield result  # what was built before the stop (and saved)
        raise
    yield result if result is not None else ProjectFeatures()
