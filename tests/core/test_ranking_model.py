"""The ranking model's classifiers on real labelled data: better than chance, each
model of the ensemble alone and together, deterministic, and the one-pass scoring."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest

from screener.core import ranking_features, ranking_model
from screener.core.ranking import Ranker, RankingFeatures, record_text, simulate

ADHD = Path(__file__).parent.parent / "data" / "csv" / "Cohen_2006_ADHD.csv"


@pytest.fixture(scope="module")
def adhd() -> tuple[Ranker, list[int]]:
    with open(ADHD, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    labels = [int(r["label_included"]) for r in rows]
    return Ranker([record_text(r["title"], r["abstract"]) for r in rows]), labels


def decided(labels: list[int], seed: int) -> dict[int, int]:
    """What a reviewer might have decided: 5 of the includes and 150 excludes."""
    rng = random.Random(seed)
    inc = rng.sample([i for i, y in enumerate(labels) if y], 5)
    exc = rng.sample([i for i, y in enumerate(labels) if not y], 150)
    return {i: labels[i] for i in inc + exc}


def presuming(adhd: tuple[Ranker, list[int]], monkeypatch: pytest.MonkeyPatch, seed: int,
              **constants: float) -> tuple[Ranker, list[int], dict[int, int]]:
    """The ranker, its labels and the decisions ``decided`` draws with ``seed``, with the
    model's presumed-exclude ``constants`` set for this test."""
    for name, value in constants.items():
        monkeypatch.setattr(ranking_model, name, value)
    ranker, labels = adhd
    return ranker, labels, decided(labels, seed)


def mean_rank_share_of_includes(order: list[int], labels: list[int]) -> float:
    """0 = every remaining include ranked first, 0.5 = chance, 1 = all last."""
    positions = [k for k, i in enumerate(order) if labels[i]]
    return float(np.mean(positions)) / len(order)


@pytest.mark.parametrize("models", [("svm",), ("lr",), ("svm", "lr")])
def test_each_model_ranks_the_remaining_includes_far_ahead_of_chance(
    adhd: tuple[Ranker, list[int]], models: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    ranker, labels = adhd
    monkeypatch.setattr(ranking_model, "ENSEMBLE", models)
    for seed in (1, 2, 3):
        order = ranker.rank(decided(labels, seed))
        # chance is 0.5; the includes left must sit in the first fifth on average
        assert mean_rank_share_of_includes(order, labels) < 0.2


def test_the_ranking_is_deterministic_and_ignores_the_order_decisions_came_in(
    adhd: tuple[Ranker, list[int]]
) -> None:
    ranker, labels = adhd
    decisions = decided(labels, 4)
    shuffled = list(decisions.items())
    random.Random(9).shuffle(shuffled)
    again = Ranker.from_features(ranker.features)
    first = ranker.rank(decisions)
    assert again.rank(dict(shuffled)) == first == ranker.rank(decisions)


def test_scoring_several_models_in_one_pass_equals_scoring_each() -> None:
    features = RankingFeatures(["cats and dogs", "dogs and wolves", "cats purr", "wolves howl"])
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(ranking_features.N_FEATURES, 3)).astype(np.float32)
    together = features.dot(weights)
    assert together.shape == (4, 3)
    for k in range(3):
        np.testing.assert_allclose(together[:, k], features.dot(weights[:, k]), rtol=1e-5)


def test_a_replay_retraining_after_every_record_is_a_deterministic_permutation() -> None:
    texts = [f"stimulant trial children hyperactivity {k}" if k % 7 == 0 else
             f"road traffic vehicles maintenance {k}" for k in range(60)]
    labels = [1 if k % 7 == 0 else 0 for k in range(60)]
    a = simulate(texts, labels, seed=3, retrain_every_until=None)
    b = simulate(texts, labels, seed=3, retrain_every_until=None)
    assert a == b
    assert sorted(a.order) == list(range(60))
    # the includes share words the excludes never use: all found before any exclude
    remaining = sum(labels) - sum(a.labels[: a.priors])
    assert all(a.labels[a.priors : a.priors + remaining])


def test_presumed_excludes_are_unlabelled_rows_drawn_alike_for_the_same_decisions(
    adhd: tuple[Ranker, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ranker, labels, decisions = presuming(adhd, monkeypatch, 5, PRESUMED_NEGATIVES=100)
    drawn = ranking_model._presumed(ranker.n, decisions, 150)
    assert len(drawn) == len(set(drawn)) == 100
    assert not set(drawn) & set(decisions)
    assert drawn == ranking_model._presumed(ranker.n, dict(reversed(decisions.items())), 150)
    # with the presumed excludes the includes left still come far ahead of chance
    assert mean_rank_share_of_includes(ranker.rank(decisions), labels) < 0.2
    # only while few excludes are known, when asked
    monkeypatch.setattr(ranking_model, "PRESUMED_WHILE_EXCLUDES_BELOW", 100)
    assert ranking_model._presumed(ranker.n, decisions, 150) == []
    assert len(ranking_model._presumed(ranker.n, decisions, 99)) == 100


def test_presumed_excludes_stay_in_the_queue_and_are_never_counted_as_decisions(
    adhd: tuple[Ranker, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ranker, labels, decisions = presuming(adhd, monkeypatch, 6, PRESUMED_NEGATIVES=100, PRESUMED_WEIGHT=0.5)
    drawn = ranking_model._presumed(ranker.n, decisions, 150)
    order = ranker.rank(decisions)
    # every record not decided is still to be screened, the presumed ones too, once each
    assert sorted(order) == sorted(set(range(ranker.n)) - set(decisions))
    assert set(drawn) <= set(order)
    # and the caller's decisions are not touched
    assert decisions == decided(labels, 6)


def test_presumed_excludes_are_capped_at_a_share_of_the_records_left(
    adhd: tuple[Ranker, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ranker, _labels, decisions = presuming(adhd, monkeypatch, 7, PRESUMED_NEGATIVES=500, PRESUMED_SHARE=0.1)
    left = ranker.n - len(decisions)
    assert len(ranking_model._presumed(ranker.n, decisions, 150)) == int(0.1 * left)
    monkeypatch.setattr(ranking_model, "PRESUMED_NEGATIVES", 20)
    assert len(ranking_model._presumed(ranker.n, decisions, 150)) == 20


def test_a_presumed_exclude_weighs_less_than_a_real_one_and_the_classes_keep_their_ratio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    y = np.r_[np.ones(4), np.zeros(20 + 10)]  # 4 includes, 20 excludes, 10 presumed last
    monkeypatch.setattr(ranking_model, "PRESUMED_WEIGHT", 0.25)
    w = ranking_model._svm_weights(y, presumed=10)
    assert np.allclose(w[24:], 0.25 * w[4])
    assert np.allclose(w[4:24], w[4])
    # all excludes together weigh 1/SVM_RATIO of the includes, presumed or not
    ratio = w[:4].sum() / w[4:].sum()
    assert ratio == pytest.approx(ranking_model.SVM_RATIO)
    assert np.allclose(ranking_model._svm_weights(y, presumed=0)[:4].sum()
                       / ranking_model._svm_weights(y, presumed=0)[4:].sum(),
                       ranking_model.SVM_RATIO)
