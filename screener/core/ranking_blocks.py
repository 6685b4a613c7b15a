"""How a block of the ranking features' term counts is held: 3 bytes per stored term.

A block of rows (``ranking_features.CHUNK`` records) is a sparse matrix of one-byte term
counts over up to 2**24 hashed columns. In scipy's CSR form each stored term takes 5 bytes
(the count and an int32 column); at 100,000 records that is some 220 MB, most of what the
ranking process holds. A :class:`Block` keeps a term in 3 bytes instead:

* ``lo``: the low 16 bits of its column (uint16);
* ``packed``: one byte, the column's high bits (4 of them for 2**20 columns) above the count
  in the bits left (4: counts up to 14 are held there);
* a larger count is marked by the largest value those bits hold (15), and kept in full
  apart (``over``, with its place ``over_at``): one term in 500 or so in abstracts.

:meth:`Block.csr` gives the CSR form back, one block at a time, when it is used (a temporary
of a few MB); :meth:`Block.rows` gives some of its rows (a training set's).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

MAX_COLUMNS = 1 << 24  # what 3 bytes of column hold


def count_bits(columns: int) -> int:
    """How many bits of the packed byte hold the count, with ``columns`` columns."""
    high = max(0, (max(columns, 1) - 1).bit_length() - 16)
    return 8 - high


class Block:
    """Term counts of a block of rows (see the module docstring): ``indptr`` (int32, rows
    + 1), per stored term ``lo`` (uint16) and ``packed`` (uint8), and per count too large
    for the packed byte its place ``over_at`` (int32, ascending) and count ``over`` (uint8)."""

    __slots__ = ("indptr", "lo", "over", "over_at", "packed", "shape")

    def __init__(self, indptr: np.ndarray, lo: np.ndarray, packed: np.ndarray, over_at: np.ndarray,
                 over: np.ndarray, columns: int) -> None:
        if columns > MAX_COLUMNS:
            raise ValueError(f"{columns} columns: a block holds at most {MAX_COLUMNS}")
        self.indptr = indptr
        self.lo = lo
        self.packed = packed
        self.over_at = over_at
        self.over = over
        self.shape = (len(indptr) - 1, columns)

    @property
    def bits(self) -> int:
        return count_bits(self.shape[1])

    @property
    def marker(self) -> int:
        """The packed count that says "larger, kept apart"."""
        return (1 << self.bits) - 1

    @classmethod
    def of(cls, counts: sparse.csr_matrix) -> Block:
        """``counts`` (CSR, counts from 1 to 255) packed."""
        counts = sparse.csr_matrix(counts)
        columns = counts.shape[1]
        if columns > MAX_COLUMNS:
            raise ValueError(f"{columns} columns: a block holds at most {MAX_COLUMNS}")
        bits = count_bits(columns)
        marker = (1 << bits) - 1
        indices = counts.indices
        data = np.asarray(counts.data, dtype=np.uint8)
        over_at = np.flatnonzero(data >= marker).astype(np.int32)
        packed = (indices >> 16).astype(np.uint8)
        packed <<= bits  # (a shift by 8 when no bits are left for the count: all kept apart)
        packed |= np.minimum(data, marker).astype(np.uint8)
        return cls(np.asarray(counts.indptr, dtype=np.int32), (indices & 0xFFFF).astype(np.uint16),
                   packed, over_at, data[over_at], columns)

    @property
    def nnz(self) -> int:
        return len(self.lo)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.indptr, self.lo, self.packed, self.over_at, self.over))

    def _columns(self, packed: np.ndarray, lo: np.ndarray) -> np.ndarray:
        out = np.right_shift(packed, self.bits, dtype=np.int32)
        out <<= 16
        out |= lo
        return out

    def indices(self) -> np.ndarray:
        """Each stored term's column (int32, a new array)."""
        return self._columns(self.packed, self.lo)

    def data(self) -> np.ndarray:
        """Each stored term's count (uint8, a new array)."""
        out = self.packed & np.uint8(self.marker)
        out[self.over_at] = self.over
        return out

    def csr(self) -> sparse.csr_matrix:
        """The block as a CSR matrix of uint8 counts (new arrays but the row pointers)."""
        return sparse.csr_matrix((self.data(), self.indices(), self.indptr), shape=self.shape, copy=False)

    def rows(self, local: np.ndarray) -> sparse.csr_matrix:
        """The rows ``local`` of the block, in that order, as a CSR matrix of uint8 counts."""
        local = np.asarray(local, dtype=np.int64)
        starts = self.indptr[local].astype(np.int64)
        lengths = self.indptr[local + 1] - starts
        indptr = np.zeros(len(local) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        at = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])  # places in the block
        packed = self.packed[at]
        data = packed & np.uint8(self.marker)
        large = np.flatnonzero(data == self.marker)
        data[large] = self.over[np.searchsorted(self.over_at, at[large])]
        return sparse.csr_matrix((data, self._columns(packed, self.lo[at]), indptr.astype(np.int32)),
                                 shape=(len(local), self.shape[1]))
