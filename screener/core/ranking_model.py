"""The ranking model: classifiers trained on the decisions so far, scoring the rest.

See :mod:`screener.core.ranking` for what the model is and which decisions it needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from screener.core import ranking_ensemble
from screener.core.ranking_features import RankingFeatures

# Linear SVM as in ASReview's ELAS u4 (C; the class weight ratio: the includes together
# weigh SVM_RATIO times the excludes, see _svm_weights), but with a larger ratio (below).
# The measurements before SVM_RATIO 80 ("default", "this default") are at 9.8, ELAS u4's.
# SVM_C=0.5 (retrained after every record, mean WSS@95 against this default's): better
# on BetaBlockers (seeds 1-3: 0.600 0.590 0.590, mean 0.593; default 0.554, ASReview
# 0.560) but worse on ADHD (seeds 1-5: 0.499 0.502 0.502 0.502 0.496, mean 0.500;
# default 0.539), Kitchenham (seeds 1-3: 0.651 0.655 0.649, mean 0.652; default 0.667)
# and Antihistamines (seeds 1-5: 0.163 -0.021 -0.021 -0.024 -0.021, mean 0.015;
# default 0.022), so not the default. It also
# costs time: liblinear converges slower, 1.9 s CPU against 0.56 s to train on 4,000
# decisions (0.58 against 0.17 s on 2,000; the same at 1,000 and fewer).
SVM_C = 0.11
# SVM_RATIO: ASReview's ELAS u4 has 9.8. A larger ratio makes the excludes weigh less,
# so one include pulls its terms up more, and a new include moves the ranking more.
# Measured (retrained after every record, seeds 1-5, WSS@95 per seed, mean; ASReview's
# ELAS u4 in brackets, same priors):
#   80 (the default): ADHD 0.556 0.558 0.558 0.556 0.556, 0.557 (0.536); Antihistamines
#   0.231 0.037 0.040 0.037 0.037, 0.076 (0.029); BetaBlockers 0.675 0.533 0.546 0.546
#   0.515, 0.563 (0.560); Kitchenham 0.731 0.728 0.712 0.712 0.726, 0.721 (0.670); mean
#   0.4795 (0.4486), at least ASReview's on every set (tests/bench/bench_ranking.py).
#   The cost: the last include comes later. WSS@100 ADHD 0.122 (0.316), Antihistamines
#   0.126 (0.079), BetaBlockers 0.128 (0.195), Kitchenham 0.360 (0.304), mean 0.184
#   (0.224); loss 0.104 (0.097), 0.286 (0.254), 0.114 (0.109), 0.085 (0.098), mean 0.147
#   (0.139); RRF@10 0.720 (0.670), 0.237 (0.312), 0.657 (0.686), 0.676 (0.507).
#   9.8 (ELAS u4's): ADHD 0.539, Antihistamines 0.022, BetaBlockers 0.554, Kitchenham
#   0.667; mean 0.446. 40: ADHD 0.558, Antihistamines 0.046, BetaBlockers 0.560,
#   Kitchenham 0.704; mean 0.467. Seeds 1-2 only: 20: mean 0.476 (80: 0.506, ASReview
#   0.478); 160: 0.508, but BetaBlockers seed 2 0.515 (ASReview 0.540); 5: 0.459.
# Fitting is no slower: 0.64 s CPU against 0.75 s at 9.8 on 4,937 decisions (median of 5).
SVM_RATIO = 80.0
# The ensemble: the models whose rank-normalised scores are averaged. "svm" alone is
# ASReview's ELAS u4; "lr" adds a logistic regression with balanced classes. The pair
# did worse than the SVM alone (retrained after every record, seeds 2-3: WSS@95 on ADHD
# 0.514 against 0.540, on Antihistamines -0.021 against -0.015); a complement Naive
# Bayes over the TF-IDF rows ranked at chance on ADHD, so it was dropped. "svm_real" is
# the SVM trained on the reviewer's decisions alone, without the presumed excludes
# below, to pair with "svm" when PRESUMED_NEGATIVES is on (not measured to the end: the
# run on the shared sets did not finish in time on the loaded machine).
LR_C = 1.0
ENSEMBLE: tuple[str, ...] = ("svm",)
# More members (core.ranking_ensemble): "nearest" (cosine to the most similar include)
# and "centroid" (cosine to the includes' mean); FUSION "rank" or "z" (see there), each
# member weighing ENSEMBLE_WEIGHTS (None: equal weights).
# ENSEMBLE=["svm","nearest"] ENSEMBLE_WEIGHTS=[0.8,0.2] FUSION="z" (retrained after every
# record, seeds 1-5, mean WSS@95; SVM_RATIO 9.8 and ASReview's ELAS u4 in brackets): ADHD
# 0.548 (0.539, 0.536), Antihistamines 0.022 (0.022, 0.029), BetaBlockers 0.554 (0.554,
# 0.560), Kitchenham 0.674 (0.667, 0.670); mean 0.450 (0.446, 0.449): still below
# ASReview on Antihistamines and BetaBlockers, so not the default. On Antihistamines
# it finds the last include of seed 1 eight records earlier (WSS@95 0.198 against 0.173)
# but that of seeds 2-5 two records later. With SVM_RATIO 20 (seeds 1-2; the SVM alone at
# 20, ASReview in brackets): ADHD 0.562 (0.553, 0.538), Antihistamines 0.097 (0.087,
# 0.095), BetaBlockers 0.596 (0.582, 0.601), Kitchenham 0.697 (0.682, 0.678); at 80:
# 0.563 (0.557), 0.127 (0.134), 0.589 (0.604), 0.726 (0.729), below the SVM alone.
FUSION = "rank"
ENSEMBLE_WEIGHTS: tuple[float, ...] | None = None
# Presumed negatives (Cormack & Grossman's BMI): this many unlabelled records, drawn
# at random (seeded by the number of decisions, so the same decisions give the same
# ranking), are added to the training set as excludes; only while fewer than
# PRESUMED_WHILE_EXCLUDES_BELOW excludes are known (None: always). Off: 100, always
# (``tests/bench/bench_ranking.py --option PRESUMED_NEGATIVES=100``), retrained after
# every record, seeds 1-5, mean WSS@95 against this default and ASReview's ELAS u4:
# ADHD 0.572 (0.539, 0.536), Antihistamines 0.010 (0.022, 0.029), BetaBlockers 0.543
# (0.554, 0.560), Kitchenham 0.698 (0.667, 0.670); mean 0.456 (0.446, 0.449). With the
# title read twice as well (``--title-weight 2``): 0.586, 0.015, 0.523, 0.705; mean
# 0.457. Below ASReview on two sets, so not the default. On Antihistamines (310
# records) 100 presumed excludes are a third of the set: seeds 2-5 find the last
# include 2 records earlier, seed 1 starts far worse (RRF@10 0.06). Only while fewer
# than 100 excludes are known (PRESUMED_WHILE_EXCLUDES_BELOW=100) WSS@95 is this
# default's (ADHD 0.539, Antihistamines 0.022, Kitchenham 0.667; RRF@10 on ADHD 0.72
# against 0.70): the gains above come from the presumed excludes later on. With 50,
# always: ADHD 0.558, Antihistamines 0.009, BetaBlockers 0.554, Kitchenham 0.681.
PRESUMED_NEGATIVES = 0
PRESUMED_WHILE_EXCLUDES_BELOW: int | None = None
# At most this share of the unlabelled records are drawn (None: no cap), so a small
# set is not swamped; and each presumed exclude weighs PRESUMED_WEIGHT of a real one
# (the excludes together still weigh 1 / SVM_RATIO of the includes). Lighter presumed
# excludes lose the gain on ADHD (seeds 1-5, WSS@95): PRESUMED_NEGATIVES=100 with
# PRESUMED_WEIGHT=0.3: ADHD 0.547 (0.572 at weight 1), Antihistamines 0.017; 200 capped
# at PRESUMED_SHARE=0.1 with weight 0.5: ADHD 0.545, Antihistamines 0.020. Not the default.
PRESUMED_SHARE: float | None = None
PRESUMED_WEIGHT = 1.0


def _svm_weights(y: np.ndarray, presumed: int = 0) -> np.ndarray:
    """Sample weights: the excludes together weigh 1 / SVM_RATIO of the includes; the
    last ``presumed`` rows (presumed excludes) each weigh PRESUMED_WEIGHT of a real one."""
    n_inc = float(y.sum())
    n_exc = float(len(y) - n_inc) - presumed * (1.0 - PRESUMED_WEIGHT)
    w = np.where(y == 1, 1.0, n_inc / (SVM_RATIO * n_exc))
    if presumed:
        w[len(y) - presumed:] *= PRESUMED_WEIGHT
    return w * (len(y) / w.sum())


def _compact(x: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``x`` restricted to the columns it uses (liblinear's cost grows with the
    number of columns, and hashing gives a million), and those columns."""
    used = np.zeros(x.shape[1], dtype=bool)
    used[x.indices] = True
    columns = np.flatnonzero(used)  # sorted, without sorting the indices (np.unique would)
    remap = np.zeros(x.shape[1], dtype=np.int32)
    remap[columns] = np.arange(len(columns), dtype=np.int32)
    local = remap[x.indices]
    return sparse.csr_matrix((x.data, local, x.indptr), shape=(x.shape[0], len(columns))), columns


def _spread(coef: np.ndarray, columns: np.ndarray, features: RankingFeatures) -> np.ndarray:
    weights = np.zeros(len(features.idf), dtype=np.float32)
    weights[columns] = coef.ravel()
    return weights


def _fit(model: str, x: sparse.csr_matrix, y: np.ndarray, presumed: int = 0,
         weight: float = 1.0) -> np.ndarray:
    """The weight per column of ``x`` of one model of the ensemble (score = x . w);
    the last ``presumed`` rows of ``x`` are presumed excludes; ``weight``: what each row
    stands for (more than 1 when trained on a sample, ``core.ranking_subsample``)."""
    if model == "svm_real":  # the SVM on the reviewer's decisions alone
        keep = len(y) - presumed
        return _fit("svm", x[:keep], y[:keep], weight=weight)
    if model == "svm":
        svm = LinearSVC(C=SVM_C, random_state=0)
        svm.fit(x, y, sample_weight=_svm_weights(y, presumed) * weight)
        return np.asarray(svm.coef_).ravel()
    if model == "lr":
        # the dual problem: far fewer rows than columns, 10x faster than the primal
        lr = LogisticRegression(C=LR_C, class_weight="balanced", solver="liblinear",
                                dual=True, random_state=0)
        lr.fit(x, y, sample_weight=np.full(len(y), weight))
        return np.asarray(lr.coef_).ravel()
    raise ValueError(f"unknown model {model!r}")


_SIMILARITY = {"nearest": ranking_ensemble.nearest, "centroid": ranking_ensemble.centroid}


def _presumed(n: int, labels: Mapping[int, int], n_excluded: int) -> list[int]:
    """Unlabelled rows to train on as presumed excludes (see PRESUMED_NEGATIVES)."""
    if PRESUMED_NEGATIVES <= 0:
        return []
    if PRESUMED_WHILE_EXCLUDES_BELOW is not None and n_excluded >= PRESUMED_WHILE_EXCLUDES_BELOW:
        return []
    mask = np.ones(n, dtype=bool)
    mask[np.fromiter(labels, dtype=np.int64, count=len(labels))] = False
    pool = np.flatnonzero(mask)
    if len(pool) == 0:
        return []
    size = min(PRESUMED_NEGATIVES, len(pool))
    if PRESUMED_SHARE is not None:
        size = min(size, int(PRESUMED_SHARE * len(pool)))
    if size <= 0:
        return []
    rng = np.random.default_rng(len(labels))
    drawn = rng.choice(pool, size=size, replace=False)
    return sorted(int(i) for i in drawn)


def _order(scores: np.ndarray, candidates: np.ndarray) -> list[int]:
    """Candidates by descending score, ties in index order."""
    return [int(i) for i in candidates[np.argsort(-scores, kind="stable")]]


class Ranker:
    """Rankings of a fixed list of records for changing decisions.

    ``Ranker(texts)`` builds the features; ``Ranker.from_features(features)`` reuses
    features built once for a project (and extended on import).
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.features = RankingFeatures(texts)

    @classmethod
    def from_features(cls, features: RankingFeatures) -> Ranker:
        ranker = cls.__new__(cls)
        ranker.features = features
        return ranker

    @property
    def n(self) -> int:
        return self.features.n

    def all_scores(self, labels: Mapping[int, int], weight: float = 1.0) -> np.ndarray | None:
        """Scores of every record (higher = more likely relevant), or None when the
        labels carry no signal (see the module docstring). ``weight``: see ``_fit``."""
        # in row order: the same decisions give the same ranking whatever order they
        # came in (liblinear's result depends slightly on the order of its rows)
        included = sorted(i for i, y in labels.items() if y)
        excluded = sorted(i for i, y in labels.items() if not y)
        features = self.features
        if not features.usable or not included:
            return None
        if not excluded:
            centroid = np.asarray(features.rows(included).mean(axis=0)).ravel()
            return features.dot(centroid).astype(np.float64)
        presumed = _presumed(features.n, labels, len(excluded))
        excluded = excluded + presumed
        train = np.asarray(included + excluded, dtype=np.int64)
        y = np.r_[np.ones(len(included)), np.zeros(len(excluded))]
        x, columns = _compact(features.rows(train))
        linear = [m for m in ENSEMBLE if m not in _SIMILARITY]
        weights = [_spread(_fit(model, x, y, len(presumed), weight), columns, features)
                   for model in linear]
        if len(ENSEMBLE) == 1 and len(weights) == 1:
            return features.dot(weights[0]).astype(np.float64)
        scores = features.dot(np.stack(weights, axis=1)).astype(np.float64) if weights else None
        by_model = {m: scores[:, k] for k, m in enumerate(linear)} if scores is not None else {}
        for m in ENSEMBLE:
            if m in _SIMILARITY:
                by_model[m] = _SIMILARITY[m](features, included)
        shares = ENSEMBLE_WEIGHTS if ENSEMBLE_WEIGHTS is not None else (1.0,) * len(ENSEMBLE)
        return ranking_ensemble.fuse([by_model[m] for m in ENSEMBLE], shares, FUSION)

    def scores(
        self, labels: Mapping[int, int], candidates: Sequence[int] | np.ndarray, weight: float = 1.0
    ) -> np.ndarray:
        """Relevance scores (higher = more likely relevant) of ``candidates``.

        Zeros when the labels carry no signal (see the module docstring).
        """
        cand = np.asarray(candidates, dtype=np.int64)
        if len(cand) == 0:
            return np.zeros(0)
        every = self.all_scores(labels, weight)
        if every is None:
            return np.zeros(len(cand))
        return every[cand]

    def rank(self, labels: Mapping[int, int]) -> list[int]:
        """Indices of the unlabelled texts, most likely relevant first."""
        for i in labels:
            if not 0 <= i < self.n:
                raise IndexError(f"label for index {i}, but there are {self.n} texts")
        mask = np.ones(self.n, dtype=bool)
        mask[np.fromiter(labels, dtype=np.int64, count=len(labels))] = False
        candidates = np.flatnonzero(mask)
        return _order(self.scores(labels, candidates), candidates)


def rank(texts: Sequence[str], labels: Mapping[int, int]) -> list[int]:
    """Indices of the texts not in ``labels``, most likely relevant first.

    ``labels`` maps an index into ``texts`` to 1 (included) or 0 (excluded).
    """
    return Ranker(texts).rank(labels)
