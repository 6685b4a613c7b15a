"""The ranking model's features: hashed word unigrams and bigrams, TF-IDF weighted.

Each record's text becomes a row of term counts over ``N_FEATURES`` hashed columns
(words and pairs of adjacent words, lower case, accents stripped), with sublinear term
frequency ``1 + ln(count)``. Hashing rather than a fitted vocabulary means a row
depends only on its own text, so records imported later are appended without touching
the rows already built (:meth:`RankingFeatures.add`). A project's features are kept in
a cache file between sessions (:mod:`screener.core.ranking_cache`).

The IDF weights and each row's length depend on the whole record set; they are small
(one float per column and per row) and recomputed on :meth:`add`. The TF-IDF matrix
itself is never materialised: a score ``x_i . w`` of the normalised TF-IDF row is
``(tf_i . (idf * w)) / norm_i``, one sparse product over the stored counts. Only the
rows of a training set are built in full (:meth:`rows`).

Terms in a single record cannot link two records and terms in more than
``MAX_DF`` of them say nothing, so both get IDF 0 (on a tiny record set where that
leaves nothing, every term counts).

Memory: 3 bytes per distinct term of a record, its column and its count packed
(``core.ranking_blocks``; about 440 terms per record with a 1,500-character abstract):
about 135 MB for 100,000 records, held in blocks of rows so that building never needs
that twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from screener.core.ranking_blocks import Block

# Bump FEATURES_VERSION whenever what a row holds changes (tokens, n-grams, hashing,
# counting): the feature caches (core/ranking_cache.py) made before are then rebuilt.
FEATURES_VERSION = 1
N_FEATURES = 2**20
NGRAMS = (1, 2)
MAX_DF = 0.95
MIN_DF = 2
CHUNK = 4000


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=NGRAMS,
        lowercase=True,
        strip_accents="unicode",
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(text or "")
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Sublinear term frequency 1 + ln(count) of a count stored as one byte (capped at 255).
_SUBLINEAR = np.r_[0.0, 1.0 + np.log(np.arange(1, 256))].astype(np.float32)


def _blocks(texts: Iterable[str]) -> Iterator[sparse.csr_matrix]:
    """Term counts (uint8), a block of ``CHUNK`` texts at a time."""
    vectorizer = _vectorizer()
    for chunk in _chunks(texts, CHUNK):
        counts = sparse.csr_matrix(vectorizer.transform(chunk))
        data = np.minimum(counts.data, 255).astype(np.uint8)
        yield sparse.csr_matrix(
            (data, counts.indices.astype(np.int32), counts.indptr.astype(np.int32)),
            shape=counts.shape,
        )


def _tf(block: sparse.csr_matrix) -> sparse.csr_matrix:
    """A block's sublinear term frequencies as float32 (a temporary)."""
    return sparse.csr_matrix((_SUBLINEAR[block.data], block.indices, block.indptr),
                             shape=block.shape)


class RankingFeatures:
    """Hashed TF-IDF features of a growing list of record texts (row i = text i).

    The term counts are kept as blocks of rows (one byte per count, sublinear
    frequencies computed as a block is used), never joined into one matrix: joining
    would briefly need twice the memory, and an import only appends blocks.
    """

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.blocks: list[Block] = []
        self.starts = np.zeros(1, dtype=np.int64)  # first row of each block, then n
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.idf = np.zeros(N_FEATURES, dtype=np.float32)
        self.norms = np.zeros(0, dtype=np.float32)
        self.add(texts)

    @property
    def n(self) -> int:
        return int(self.starts[-1])

    @property
    def nnz(self) -> int:
        return sum(b.nnz for b in self.blocks)

    @property
    def usable(self) -> bool:
        """Whether any term carries weight (False: no words at all)."""
        return bool(self.n) and bool(np.any(self.norms > 0))

    def matrix(self) -> sparse.csr_matrix:
        """All term counts as one matrix (a copy; for tests and saving)."""
        if not self.blocks:
            return sparse.csr_matrix((0, N_FEATURES), dtype=np.uint8)
        return sparse.csr_matrix(sparse.vstack([b.csr() for b in self.blocks], format="csr"), dtype=np.uint8)

    def add(self, texts: Iterable[str]) -> None:
        """Append rows for ``texts`` (e.g. records just imported) and reweight."""
        added = 0
        for block in _blocks(texts):
            self._append(block)
            added += 1
        if added or not self.blocks:
            self._reweight()

    def _append(self, block: sparse.csr_matrix | Block) -> None:
        block = block if isinstance(block, Block) else Block.of(block)
        self.df += np.bincount(block.indices(), minlength=N_FEATURES).astype(np.int32)
        self.blocks.append(block)
        self.starts = np.r_[self.starts, self.starts[-1] + block.shape[0]]

    def _reweight(self) -> None:
        n = self.n
        idf = (np.log((1.0 + n) / (1.0 + self.df)) + 1.0).astype(np.float32)
        keep = (self.df >= MIN_DF) & (self.df <= max(1.0, MAX_DF * n))
        if not keep.any():  # a tiny set: every term counts
            keep = self.df > 0
        idf[~keep] = 0.0
        self.idf = idf
        norms = []
        for packed in self.blocks:
            block = packed.csr()
            values = _SUBLINEAR[block.data] * idf[block.indices]
            values **= 2
            row = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
            norms.append(np.sqrt(np.bincount(row, weights=values, minlength=block.shape[0])))
        self.norms = (np.concatenate(norms) if norms else np.zeros(0)).astype(np.float32)

    def rows(self, index: Sequence[int] | np.ndarray) -> sparse.csr_matrix:
        """The L2-normalised TF-IDF rows ``index`` (for training), computed in float32 and given
        as float64, the classifiers' type (so they take them without a copy of their own)."""
        index = np.asarray(index, dtype=np.int64)
        which = np.searchsorted(self.starts, index, side="right") - 1
        parts = []
        for b in np.unique(which):
            local = index[which == b] - self.starts[b]
            parts.append((np.flatnonzero(which == b), _tf(self.blocks[b].rows(local))))
        if parts:
            sub = sparse.vstack([p for _, p in parts], format="csr", dtype=np.float32)
            placed = np.concatenate([k for k, _ in parts])
            sub = sparse.csr_matrix(sub[np.argsort(placed, kind="stable")], dtype=np.float32)
        else:
            sub = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
        norms = self.norms[index]
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        sub.data *= self.idf[sub.indices]
        sub.data *= np.repeat(scale, np.diff(sub.indptr))
        sub.eliminate_zeros()
        return sparse.csr_matrix((sub.data.astype(np.float64), sub.indices, sub.indptr), shape=sub.shape)

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``x_i . weights`` for every normalised TF-IDF row ``x_i``.

        ``weights``: one vector (a score per row) or a column per model (a score per
        row and model, all in one pass over the stored counts)."""
        w = weights.astype(np.float32)
        v = self.idf[:, None] * w if w.ndim == 2 else self.idf * w
        shape = (self.n, *w.shape[1:])
        if not self.blocks:
            return np.zeros(shape, dtype=np.float32)
        raw = np.concatenate([_tf(b.csr()) @ v for b in self.blocks])
        norms = self.norms[:, None] if w.ndim == 2 else self.norms
        return np.divide(raw, norms, out=np.zeros(shape, dtype=np.float32), where=norms > 0)

