"""The ranking model's features: hashed word unigrams and bigrams, TF-IDF weighted.

Each record's text becomes a row of term counts over ``N_FEATURES`` hashed columns
(words and pairs of adjacent words, lower case, accents stripped), with sublinear term
frequency ``1 + ln(count)``. Hashing rather than a fitted vocabulary means a row
depends only on its own text, so records imported later are appended without touching
the rows already built (:meth:`RankingFeatures.add`).

The IDF weights and each row's length depend on the whole record set; they are small
(one float per column and per row) and recomputed on :meth:`add`. The TF-IDF matrix
itself is never materialised: a score ``x_i . w`` of the normalised TF-IDF row is
``(tf_i . (idf * w)) / norm_i``, one sparse product over the stored counts. Only the
rows of a training set are built in full (:meth:`rows`).

Terms in a single record cannot link two records and terms in more than
``MAX_DF`` of them say nothing, so both get IDF 0 (on a tiny record set where that
leaves nothing, every term counts).

Memory: float32 counts with int32 column indices, 8 bytes per distinct term of a
record; about 200 MB for 100,000 records with 1,500-character abstracts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

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


def _term_frequencies(texts: Iterable[str]) -> sparse.csr_matrix:
    """Sublinear term frequencies, built a chunk at a time to bound memory."""
    vectorizer = _vectorizer()
    parts = []
    for chunk in _chunks(texts, CHUNK):
        counts = sparse.csr_matrix(vectorizer.transform(chunk), dtype=np.float32)
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        parts.append(counts)
    if not parts:
        return sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
    tf = parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr", dtype=np.float32)
    tf.indices = tf.indices.astype(np.int32, copy=False)
    tf.indptr = tf.indptr.astype(np.int64 if tf.nnz >= 2**31 else np.int32, copy=False)
    return tf


class RankingFeatures:
    """Hashed TF-IDF features of a growing list of record texts (row i = text i)."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.tf = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.idf = np.zeros(N_FEATURES, dtype=np.float32)
        self.norms = np.zeros(0, dtype=np.float32)
        self.add(texts)

    @property
    def n(self) -> int:
        return int(self.tf.shape[0])

    @property
    def usable(self) -> bool:
        """Whether any term carries weight (False: no words at all)."""
        return bool(self.n) and bool(np.any(self.norms > 0))

    def add(self, texts: Iterable[str]) -> None:
        """Append rows for ``texts`` (e.g. records just imported) and reweight."""
        new = _term_frequencies(texts)
        if new.shape[0] == 0 and self.n:
            return
        self.df += np.bincount(new.indices, minlength=N_FEATURES).astype(np.int32)
        self.tf = new if self.n == 0 else sparse.vstack([self.tf, new], format="csr", dtype=np.float32)
        self.tf.indices = self.tf.indices.astype(np.int32, copy=False)
        self._reweight()

    def _reweight(self) -> None:
        n = self.n
        idf = (np.log((1.0 + n) / (1.0 + self.df)) + 1.0).astype(np.float32)
        keep = (self.df >= MIN_DF) & (self.df <= max(1.0, MAX_DF * n))
        if not keep.any():  # a tiny set: every term counts
            keep = self.df > 0
        idf[~keep] = 0.0
        self.idf = idf
        norms = np.zeros(n, dtype=np.float32)
        indptr = self.tf.indptr
        for start in range(0, n, CHUNK):  # in blocks: no copy of the whole matrix
            stop = min(n, start + CHUNK)
            lo, hi = int(indptr[start]), int(indptr[stop])
            values = self.tf.data[lo:hi] * idf[self.tf.indices[lo:hi]]
            values **= 2
            row = np.repeat(np.arange(stop - start), np.diff(indptr[start:stop + 1]))
            norms[start:stop] = np.sqrt(np.bincount(row, weights=values, minlength=stop - start))
        self.norms = norms

    def rows(self, index: Sequence[int] | np.ndarray) -> sparse.csr_matrix:
        """The L2-normalised TF-IDF rows ``index`` (for training)."""
        index = np.asarray(index, dtype=np.int64)
        sub = sparse.csr_matrix(self.tf[index], dtype=np.float32, copy=True)
        norms = self.norms[index]
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        sub.data *= self.idf[sub.indices]
        sub.data *= np.repeat(scale, np.diff(sub.indptr))
        sub.eliminate_zeros()
        return sub

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``x_i . weights`` for every normalised TF-IDF row ``x_i``."""
        raw = self.tf @ (self.idf * weights.astype(np.float32))
        return np.divide(raw, self.norms, out=np.zeros(self.n, dtype=np.float32),
                         where=self.norms > 0)

    # --- persistence ---------------------------------------------------------------

    @staticmethod
    def key(record_ids: Sequence[int] | np.ndarray, texts_digest: str = "") -> str:
        """A digest naming a record set (ids in row order), for a feature cache."""
        h = hashlib.sha256(np.asarray(record_ids, dtype=np.int64).tobytes())
        h.update(texts_digest.encode())
        return h.hexdigest()

    def save(self, path: str | Path, key: str) -> None:
        np.savez(path, key=np.array(key), data=self.tf.data, indices=self.tf.indices,
                 indptr=self.tf.indptr)

    @classmethod
    def load(cls, path: str | Path, key: str) -> RankingFeatures | None:
        """The features saved at ``path`` for ``key``; None if missing or stale."""
        try:
            with np.load(path, allow_pickle=False) as f:
                if str(f["key"]) != key:
                    return None
                tf = sparse.csr_matrix((f["data"], f["indices"], f["indptr"]),
                                       shape=(len(f["indptr"]) - 1, N_FEATURES))
        except (OSError, KeyError, ValueError):
            return None
        features = cls()
        features.tf = tf
        features.df = np.bincount(tf.indices, minlength=N_FEATURES).astype(np.int32)
        features._reweight()
        return features
