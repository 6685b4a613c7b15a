"""Screening prioritisation: put the records most likely to be relevant first.

The model (in :mod:`screener.core.ranking_model`, features in
:mod:`screener.core.ranking_features`):

* **Features.** TF-IDF of word unigrams and bigrams over each record's text, usually
  ``title + " " + abstract`` (:func:`record_text`): lower case, accents stripped,
  sublinear term frequency, terms hashed into 2**20 columns, terms in only one record
  or in more than 95 % of them dropped. They use no labels, so they are built once per
  record set and extended when records are imported (:class:`RankingFeatures`;
  ``Ranker.from_features`` reuses them).
* **Classifier.** A linear SVM as in ASReview LAB's current default (ELAS u4: C 0.11),
  but with the includes together weighing 80 times the excludes (ELAS u4: 9.8), trained
  on the decisions so far. Includes are rare (often 1-5 %), so the classes are weighted
  rather than learning "looks like an exclude". A rank-average ensemble (the SVM and a
  balanced logistic regression; ``ENSEMBLE`` in
  :mod:`screener.core.ranking_model`) is there, off: on the shared sets it did not
  beat the SVM alone (``tests/bench/bench_ranking.py``).
* **Query.** Highest score first (certainty-based sampling).

Training on a few thousand decisions and scoring 100,000 records takes about a
second of CPU (``tests/bench/bench_ranking_speed.py``), so a GUI can re-rank in the
background after every decision.

Which decisions are needed (unchanged from the earlier Naive Bayes model):

* at least one include and one exclude: the classifiers rank;
* includes only: records most similar (cosine, TF-IDF) to the mean of the included
  records come first;
* excludes only, or nothing labelled: no signal yet, the original order is kept.

Ties keep the original order, so results are deterministic.

:func:`simulate` (:mod:`screener.core.ranking_simulation`) replays a fully labelled
data set the way ASReview's simulation mode does, to measure how much screening the
ranking saves; the figures (WSS@95, WSS@100, RRF@10, ATD, loss) are defined in
:mod:`screener.core.ranking_metrics`.
"""

from __future__ import annotations

from screener.core.ranking_features import RankingFeatures
from screener.core.ranking_metrics import atd, loss, metrics, recall_at, wss_at
from screener.core.ranking_model import Ranker, rank
from screener.core.ranking_simulation import SimulationResult, choose_priors, simulate

__all__ = [
    "RankingFeatures",
    "Ranker",
    "SimulationResult",
    "atd",
    "choose_priors",
    "loss",
    "metrics",
    "rank",
    "recall_at",
    "record_text",
    "simulate",
    "wss_at",
]


def record_text(title: str | None, abstract: str | None) -> str:
    """The text the model reads for one record."""
    return f"{title or ''} {abstract or ''}".strip()
