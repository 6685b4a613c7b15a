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
from screener.core.ranking_tokens import Normaliser

# Bump FEATURES_VERSION whenever what a row holds changes (tokens, n-grams, hashing,
# counting): the feature caches (core/ranking_cache.py) made before are then rebuilt.
FEATURES_VERSION = 1
N_FEATURES = 2**20
NGRAMS = (1, 2)
MAX_DF = 0.95
MIN_DF = 2
CHUNK = 4000
STOP_WORDS: str | None = None
# Word normalisation before hashing (ranking_tokens.Normaliser: "s" strips plural s,
# "ies", "num"; None: the words as written, lower case, accents stripped).
# Default "s" with ranking_model.SVM_RATIO 80 (tests/bench/sweep_ranking.py --early,
# seeds 1-5, mean WSS@95, ASReview's ELAS u4 0.536 / 0.029 / 0.560 / 0.670, mean 0.449):
# ADHD 0.580, Antihistamines 0.091, BetaBlockers 0.582, Kitchenham 0.701, mean 0.488; the
# neighbours hold on every set too: SVM_RATIO 60 0.488, 120 0.495, 40 0.479; STEM "s+ies"
# 0.485; SVM_RATIO 80 without STEM 0.479 (BetaBlockers 0.563).
STEM: str | None = "s"
# Term frequency of a count c: "sublinear" 1 + ln(c), "raw" c, "binary" 1, "bm25"
# c (k1 + 1) / (c + k1 (1 - b + b len / mean len)), len = the record's number of terms.
TF = "sublinear"
BM25_K1 = 1.2
BM25_B = 0.75
# IDF of a term in df of n records: "smooth" ln((1 + n) / (1 + df)) + 1, "plain"
# ln(n / df) + 1, "bm25" ln(1 + (n - df + 0.5) / (df + 0.5)), "none" 1.
IDF = "smooth"
# Fields beside the words of the whole text, each in its own N_FEATURES columns, their
# weights multiplying the IDF: the title's words (the text before TITLE_MARK, see
# ranking.record_text; TITLE_WEIGHT 0: no such field) and character n-grams within
# words (CHAR_NGRAMS None: none).
TITLE_MARK = "\x1f"
TITLE_WEIGHT = 0.0
CHAR_NGRAMS: tuple[int, int] | None = None
CHAR_WEIGHT = 1.0
# Measured (tests/bench/bench_ranking.py --feature NAME=VALUE; retrained after every
# record, seeds 1-5; mean WSS@95, this default and ASReview's ELAS u4 in brackets:
# ADHD (0.539, 0.536), Antihistamines (0.022, 0.029), BetaBlockers (0.554, 0.560),
# Kitchenham (0.667, 0.670)). None of these beats the default on every set, so none is
# the default; more saturated term frequencies help Antihistamines and hurt ADHD, the
# title field the other way round:
#   TF "bm25": ADHD 0.521, Antihistamines 0.038 (seeds 0.227 -0.008 -0.008 -0.011 -0.008),
#     BetaBlockers 0.575 (seeds 0.653 0.523 0.524 0.524 0.649), Kitchenham 0.663; mean 0.449.
#   TF "binary": ADHD 0.472, Antihistamines 0.058.
#   TITLE_WEIGHT 1: ADHD 0.565, Antihistamines 0.005 (seed 1 0.098).
#   TF "bm25" with TITLE_WEIGHT 1: ADHD 0.558, Antihistamines 0.019 (seed 1 0.131); with
#     ranking_model's PRESUMED_NEGATIVES 100 as well: Antihistamines 0.015 (seed 1 0.108).
# On Antihistamines seed 1 alone (the seed where the models differ: on seeds 2-5 the
# last include comes within the last 4 % of records whatever the model; default 0.173,
# ASReview 0.205): TF "binary" 0.247, "bm25" 0.227, "raw" 0.108; IDF "bm25" 0.218,
# "plain" 0.179; CHAR_NGRAMS (3, 5) at CHAR_WEIGHT 0.5 0.208; MIN_DF 1 0.198; MAX_DF 0.5
# 0.182; TITLE_WEIGHT 0.25 0.169, 0.5 0.127; STOP_WORDS "english" 0.076; NGRAMS (1, 1)
# 0.073. Character n-grams hold 5 times the terms (ADHD: 1,609 distinct per record
# against 299 words): some 480 MB more at 100,000 records, over the 500 MB bar. The title field needs the
# title marked: ``ranking.record_text`` does not yet (the bench marks it), and the cache
# key names the fields, so turning it on rebuilds every cache.
# STEM (mean WSS@95 over seeds 1-5, retrained after every record, replayed until 95 %
# recall; ASReview in brackets as above): "s": ADHD 0.559, Antihistamines 0.044 (seed 1
# 0.279), BetaBlockers 0.585, Kitchenham 0.637 (seeds 0.614 0.614 0.665 0.672 0.617);
# mean 0.456 (0.449): ahead on three sets, 3 points behind on Kitchenham, so not the
# default. "ies+s+num": 0.551, 0.029, 0.592, 0.627. Stripping -ing, -ed, -ly, -ation,
# -ive, -ity, -al as well (not kept as a mode): 0.558, 0.045, 0.586, 0.603: the more
# words are merged the worse Kitchenham (software engineering) does. The word hashing
# costs 25 % more CPU with "s" (1.9 against 1.6 s for 10,000 records). "s" with
# ranking_model's PRESUMED_NEGATIVES 100: ADHD 0.589 but Antihistamines 0.027 (seed 1 0.160).
# "s" with TITLE_WEIGHT 0.5 (the best mean measured): ADHD 0.569, Antihistamines 0.036
# (seed 1 0.237), BetaBlockers 0.591, Kitchenham 0.646 (seeds 0.629 0.634 0.667 0.660
# 0.637); mean 0.460 (0.449), still 2.4 points behind on Kitchenham.
# Also measured and not kept (same runs): dense LSA (TruncatedSVD, 200 dimensions,
# rows normalised, weight 0.5, appended to the TF-IDF row): ADHD 0.484; TF "bm25" with
# BM25_K1 0.6: ADHD 0.503, Antihistamines 0.047, BetaBlockers 0.577, Kitchenham 0.643.
# On Antihistamines seed 1 alone: bm25 k1 1.2 b 0.3 0.224, b 1.0 0.227, k1 0.6 0.244,
# k1 2.0 0.208; LSA 100 dimensions at weight 0.5 0.121, at 1.0 0.053, 50 at 0.3 0.095.


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=NGRAMS,
        lowercase=True,
        strip_accents="unicode",
        stop_words=STOP_WORDS,
        preprocessor=Normaliser(STEM) if STEM else None,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def _char_vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        n_features=N_FEATURES,
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS or (3, 5),
        lowercase=True,
        strip_accents="unicode",
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def _fields() -> list[tuple[str, float]]:
    """The fields (besides the words, weight 1) and their weights, in column order."""
    fields = [("words", 1.0)]
    if TITLE_WEIGHT > 0:
        fields.append(("title", float(TITLE_WEIGHT)))
    if CHAR_NGRAMS is not None:
        fields.append(("chars", float(CHAR_WEIGHT)))
    return fields


def layout() -> str:
    """The fields a stored row holds besides the words ("": none; a cache's rows are valid
    only for the same)."""
    return ",".join(f"{name}{CHAR_NGRAMS if name == 'chars' else ''}" for name, _ in _fields()[1:])


def n_columns() -> int:
    return N_FEATURES * len(_fields())


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


def _counts(chunk: list[str]) -> sparse.csr_matrix:
    """The term counts of ``chunk``, a field after another (see _fields)."""
    parts = []
    for name, _ in _fields():
        if name == "words":
            parts.append(_vectorizer().transform(chunk))
        elif name == "title":
            titles = [t.split(TITLE_MARK, 1)[0] if TITLE_MARK in t else "" for t in chunk]
            parts.append(_vectorizer().transform(titles))
        else:
            parts.append(_char_vectorizer().transform(chunk))
    return sparse.csr_matrix(sparse.hstack(parts, format="csr") if len(parts) > 1 else parts[0])


def _blocks(texts: Iterable[str]) -> Iterator[sparse.csr_matrix]:
    """Term counts (uint8), a block of ``CHUNK`` texts at a time."""
    for chunk in _chunks(texts, CHUNK):
        counts = _counts(chunk)
        data = np.minimum(counts.data, 255).astype(np.uint8)
        yield sparse.csr_matrix(
            (data, counts.indices.astype(np.int32), counts.indptr.astype(np.int32)),
            shape=counts.shape,
        )


def _tf(block: sparse.csr_matrix, k: np.ndarray | None = None) -> sparse.csr_matrix:
    """A block's term frequencies (see TF) as float32 (a temporary). ``k``: for "bm25",
    each row's k1 (1 - b + b len / mean len)."""
    if TF == "sublinear":
        data = _SUBLINEAR[block.data]
    elif TF == "raw":
        data = block.data.astype(np.float32)
    elif TF == "binary":
        data = np.ones(len(block.data), dtype=np.float32)
    elif TF == "bm25":
        c = block.data.astype(np.float32)
        kk = np.repeat(np.ones(block.shape[0], np.float32) if k is None else k,
                       np.diff(block.indptr))
        data = (c * (BM25_K1 + 1) / (c + kk)).astype(np.float32)
    else:
        raise ValueError(f"unknown TF {TF!r}")
    return sparse.csr_matrix((data, block.indices, block.indptr), shape=block.shape)


class RankingFeatures:
    """Hashed TF-IDF features of a growing list of record texts (row i = text i).

    The term counts are kept as blocks of rows (one byte per count, sublinear
    frequencies computed as a block is used), never joined into one matrix: joining
    would briefly need twice the memory, and an import only appends blocks.
    """

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.blocks: list[Block] = []
        self.starts = np.zeros(1, dtype=np.int64)  # first row of each block, then n
        self.df = np.zeros(n_columns(), dtype=np.int32)
        self.idf = np.zeros(n_columns(), dtype=np.float32)
        self.norms = np.zeros(0, dtype=np.float32)
        self.k = np.zeros(0, dtype=np.float32)  # per row, for TF "bm25"
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
            return sparse.csr_matrix((0, n_columns()), dtype=np.uint8)
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
        self.df += np.bincount(block.indices(), minlength=n_columns()).astype(np.int32)
        self.blocks.append(block)
        self.starts = np.r_[self.starts, self.starts[-1] + block.shape[0]]

    def _reweight(self) -> None:
        n = self.n
        df = self.df.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            if IDF == "smooth":
                raw = np.log((1.0 + n) / (1.0 + df)) + 1.0
            elif IDF == "plain":
                raw = np.log(n / np.maximum(df, 1.0)) + 1.0
            elif IDF == "bm25":
                raw = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
            elif IDF == "none":
                raw = np.ones(len(df))
            else:
                raise ValueError(f"unknown IDF {IDF!r}")
        idf = raw.astype(np.float32)
        keep = (self.df >= MIN_DF) & (self.df <= max(1.0, MAX_DF * n))
        if not keep.any():  # a tiny set: every term counts
            keep = self.df > 0
        idf[~keep] = 0.0
        for f, (_, weight) in enumerate(_fields()):
            idf[f * N_FEATURES:(f + 1) * N_FEATURES] *= weight
        self.idf = idf
        if TF == "bm25":
            lengths = np.concatenate([np.asarray(b.csr().sum(axis=1)).ravel() for b in self.blocks]
                                     ) if self.blocks else np.zeros(0)
            mean = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
            self.k = (BM25_K1 * (1 - BM25_B + BM25_B * lengths / mean)).astype(np.float32)
        norms = []
        for b, packed in enumerate(self.blocks):
            block = packed.csr()
            values = _tf(block, self._k(b)).data * idf[block.indices]
            values **= 2
            row = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
            norms.append(np.sqrt(np.bincount(row, weights=values, minlength=block.shape[0])))
        self.norms = (np.concatenate(norms) if norms else np.zeros(0)).astype(np.float32)

    def _k(self, b: int, local: np.ndarray | None = None) -> np.ndarray | None:
        """Block ``b``'s rows' (or its rows ``local``') BM25 length factors."""
        if TF != "bm25":
            return None
        k = self.k[self.starts[b]:self.starts[b + 1]]
        return k if local is None else k[local]

    def rows(self, index: Sequence[int] | np.ndarray) -> sparse.csr_matrix:
        """The L2-normalised TF-IDF rows ``index`` (for training), computed in float32 and given
        as float64, the classifiers' type (so they take them without a copy of their own)."""
        index = np.asarray(index, dtype=np.int64)
        which = np.searchsorted(self.starts, index, side="right") - 1
        parts = []
        for b in np.unique(which):
            local = index[which == b] - self.starts[b]
            parts.append((np.flatnonzero(which == b), _tf(self.blocks[b].rows(local), self._k(b, local))))
        if parts:
            sub = sparse.vstack([p for _, p in parts], format="csr", dtype=np.float32)
            placed = np.concatenate([k for k, _ in parts])
            sub = sparse.csr_matrix(sub[np.argsort(placed, kind="stable")], dtype=np.float32)
        else:
            sub = sparse.csr_matrix((0, n_columns()), dtype=np.float32)
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
        raw = np.concatenate([_tf(b.csr(), self._k(k)) @ v for k, b in enumerate(self.blocks)])
        norms = self.norms[:, None] if w.ndim == 2 else self.norms
        return np.divide(raw, norms, out=np.zeros(shape, dtype=np.float32), where=norms > 0)

