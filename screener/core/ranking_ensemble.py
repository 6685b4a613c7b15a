"""Scores beside the linear models for the ranking ensemble, and how scores are fused.

* ``nearest``: each record's cosine similarity (TF-IDF) to the most similar include, so
  a record close to any one include ranks high even when it is far from what the
  includes share (an outlying include's neighbours, which a linear model can miss).
* ``centroid``: cosine similarity to the mean of the includes (Rocchio without the
  negative part).

Fusion (``ranking_model.FUSION``): "rank" averages each model's rank share (ties share a
rank), "z" averages each model's z-score (the score minus its mean, over its standard
deviation), so a member's margin counts, not only its order. Weights per member:
``ranking_model.ENSEMBLE_WEIGHTS``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from screener.core.ranking_features import RankingFeatures

# At most this many includes are compared with (the first in row order), so the cost of
# ``nearest`` stops growing with the includes; and rows are compared CHUNK at a time.
NEAREST_MAX_INCLUDES = 200
CHUNK = 4000


def nearest(features: RankingFeatures, included: Sequence[int]) -> np.ndarray:
    """Each record's largest cosine similarity to one of ``included`` (row indices)."""
    inc = features.rows(np.asarray(sorted(included)[:NEAREST_MAX_INCLUDES], dtype=np.int64))
    inc_t = inc.T.tocsr()
    out = np.zeros(features.n, dtype=np.float64)
    for start in range(0, features.n, CHUNK):
        rows = features.rows(np.arange(start, min(start + CHUNK, features.n)))
        sims = (rows @ inc_t).toarray()
        out[start:start + len(sims)] = sims.max(axis=1) if sims.shape[1] else 0.0
    return out


def centroid(features: RankingFeatures, included: Sequence[int]) -> np.ndarray:
    """Each record's similarity to the mean of the ``included`` rows."""
    mean = np.asarray(features.rows(sorted(included)).mean(axis=0)).ravel()
    return features.dot(mean).astype(np.float64)


def rank_share(scores: np.ndarray) -> np.ndarray:
    """Each score's rank among ``scores`` as a share in [0, 1), ties sharing a rank."""
    if len(scores) == 0:
        return scores.astype(np.float64)
    _, inverse = np.unique(scores, return_inverse=True)
    return inverse.astype(np.float64) / len(scores)


def z_score(scores: np.ndarray) -> np.ndarray:
    """``scores`` centred on their mean, in units of their standard deviation."""
    spread = float(scores.std())
    return (scores - scores.mean()) / (spread if spread > 0 else 1.0)


def fuse(columns: list[np.ndarray], weights: Sequence[float], mode: str) -> np.ndarray:
    """The weighted mean of each column's rank shares ("rank") or z-scores ("z")."""
    if mode not in ("rank", "z"):
        raise ValueError(f"unknown fusion {mode!r}")
    norm = rank_share if mode == "rank" else z_score
    total = float(sum(weights))
    return sum((w / total) * norm(c) for c, w in zip(columns, weights, strict=True))  # type: ignore[return-value]
