"""How a block of the ranking features' term counts is held: 4 bytes per stored term.

A block of rows (``ranking_features.CHUNK`` records) is a sparse matrix of one-byte term
counts over up to 2**24 hashed columns. In scipy's CSR form each stored term takes 5 bytes
(the count and an int32 column); at 100,000 records that is some 220 MB, most of what the
ranking process holds. A :class:`Block` keeps the column in 3 bytes instead (its low 16 bits
and its high 8), 4 bytes per term with the count, and gives the CSR form back, one block at
a time, when it is used (:meth:`Block.csr`, a temporary of a few MB).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

MAX_COLUMNS = 1 << 24  # what 3 bytes of column hold


class Block:
    """Term counts of a block of rows: ``indptr`` (int32, rows + 1), and per stored term its
    column's low 16 bits ``lo`` (uint16) and high 8 bits ``hi`` (uint8), and its count ``data``
    (uint8)."""

    __slots__ = ("data", "hi", "indptr", "lo", "shape")

    def __init__(self, indptr: np.ndarray, lo: np.ndarray, hi: np.ndarray, data: np.ndarray,
                 columns: int) -> None:
        if columns > MAX_COLUMNS:
            raise ValueError(f"{columns} columns: a block holds at most {MAX_COLUMNS}")
        self.indptr = indptr
        self.lo = lo
        self.hi = hi
        self.data = data
        self.shape = (len(indptr) - 1, columns)

    @classmethod
    def of(cls, counts: sparse.csr_matrix) -> Block:
        """``counts`` (CSR, counts already capped at 255) packed."""
        counts = sparse.csr_matrix(counts)
        indices = counts.indices
        if counts.shape[1] > MAX_COLUMNS:
            raise ValueError(f"{counts.shape[1]} columns: a block holds at most {MAX_COLUMNS}")
        return cls(np.asarray(counts.indptr, dtype=np.int32),
                   (indices & 0xFFFF).astype(np.uint16), (indices >> 16).astype(np.uint8),
                   np.asarray(counts.data, dtype=np.uint8), counts.shape[1])

    @property
    def nnz(self) -> int:
        return len(self.data)

    def indices(self) -> np.ndarray:
        """Each stored term's column (int32, a new array)."""
        out = np.left_shift(self.hi, 16, dtype=np.int32)
        out |= self.lo
        return out

    def csr(self) -> sparse.csr_matrix:
        """The block as a CSR matrix of uint8 counts (its columns a new array; the counts
        and row pointers shared)."""
        return sparse.csr_matrix((self.data, self.indices(), self.indptr), shape=self.shape, copy=False)
