"""The ranking features' variants (term frequency, IDF, fields: see the constants of
``core.ranking_features``): each scores a record set held in several blocks as the whole
TF-IDF matrix would, grows on import as a rebuild would, and ranks a near-copy of an
include above unrelated records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from screener.core import ranking_cache as rc
from screener.core import ranking_features as rf
from screener.core.ranking import Ranker

IDENTITY = "sqlite:/reviews/fields.screener"

TOPICS = ["school bullying prevention programme", "hip fracture rehabilitation at home",
          "coral reef bleaching survey", "tax policy and labour supply",
          "bridge corrosion inspection", "sleep apnoea in truck drivers"]
TEXTS = [f"{TOPICS[i % 6]} study {i}{rf.TITLE_MARK} we report {TOPICS[i % 6]} results "
         f"from region {i % 11} over {i % 9 + 1} years" + " with follow up" * (i % 4)
         for i in range(90)]

VARIANTS = {
    "default": {},
    "raw tf": {"TF": "raw"},
    "binary tf": {"TF": "binary"},
    "bm25 tf": {"TF": "bm25"},
    "plain idf": {"IDF": "plain"},
    "bm25 idf": {"IDF": "bm25"},
    "no idf": {"IDF": "none"},
    "stop words": {"STOP_WORDS": "english"},
    "plural s stripped": {"STEM": "s"},
    "suffixes and numbers": {"STEM": "ies+s+num"},
    "title field": {"TITLE_WEIGHT": 0.5},
    "character n-grams": {"CHAR_NGRAMS": (3, 5), "CHAR_WEIGHT": 0.5},
    "title and characters": {"TITLE_WEIGHT": 1.0, "CHAR_NGRAMS": (3, 4)},
}


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def variant(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(rf, "CHUNK", 32)  # several blocks
    for name, value in VARIANTS[request.param].items():
        monkeypatch.setattr(rf, name, value)
    yield request.param


def test_scores_over_the_blocks_equal_the_normalised_rows_times_the_weights(variant: str) -> None:
    features = rf.RankingFeatures(TEXTS)
    assert len(features.blocks) == 3 and features.usable
    every = features.rows(np.arange(features.n))
    assert np.allclose(np.asarray(every.multiply(every).sum(axis=1)).ravel(), 1.0, atol=1e-5)
    weights = np.random.default_rng(0).normal(size=rf.n_columns()).astype(np.float32)
    assert np.allclose(features.dot(weights), every @ weights.astype(np.float64), atol=1e-4)
    some = np.array([70, 3, 40, 3])  # rows of different blocks, in any order, repeated
    assert abs(features.rows(some) - every[some]).max() < 1e-6


def test_features_grown_on_import_equal_features_built_at_once(variant: str) -> None:
    grown = rf.RankingFeatures(TEXTS[:50])
    grown.add(TEXTS[50:])
    whole = rf.RankingFeatures(TEXTS)
    assert (grown.matrix() != whole.matrix()).nnz == 0
    assert np.allclose(grown.idf, whole.idf) and np.allclose(grown.norms, whole.norms)
    assert np.allclose(grown.dot(np.ones(rf.n_columns())), whole.dot(np.ones(rf.n_columns())))


def test_a_near_copy_of_an_include_is_ranked_above_unrelated_records(variant: str) -> None:
    texts = [*TEXTS[:60], TEXTS[5].replace("region 5", "region 7").replace("study", "trial")]
    # the include (row 5) is a sleep apnoea study; row 60 is a near-copy of it
    order = Ranker(texts).rank({5: 1, 0: 0, 1: 0})
    sleep = {i for i in range(60) if i % 6 == 5} - {5}
    assert max(order.index(i) for i in sleep | {60}) < len(sleep) + 1


def test_the_title_field_weighs_the_titles_words_more(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"cattle grazing{rf.TITLE_MARK} soil carbon", f"soil carbon{rf.TITLE_MARK} cattle grazing",
             f"rail freight{rf.TITLE_MARK} port logistics", f"port logistics{rf.TITLE_MARK} rail freight"] * 2
    weights = np.zeros(rf.N_FEATURES, dtype=np.float32)
    weights[rf._vectorizer().transform(["cattle"]).indices] = 1.0
    assert np.isclose(*rf.RankingFeatures(texts).dot(weights)[:2])  # one field: the same words
    monkeypatch.setattr(rf, "TITLE_WEIGHT", 1.0)
    features = rf.RankingFeatures(texts)
    both = np.r_[weights, weights]
    first, second = features.dot(both)[:2]
    assert first > 1.2 * second > 0  # "cattle" in the title counts twice


def test_a_cache_made_with_other_fields_is_rebuilt_and_one_with_the_same_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = np.arange(1, len(TEXTS) + 1)
    sigs = np.arange(len(TEXTS), dtype=np.uint64)

    def build() -> rc.ProjectFeatures:
        out = None
        for item in rc.sync(None, ids, sigs, lambda part: iter([(part, [TEXTS[i - 1] for i in part])])):
            if isinstance(item, rc.ProjectFeatures):
                out = item
        assert out is not None
        return out

    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, build())  # the words alone
    monkeypatch.setattr(rf, "TITLE_WEIGHT", 2.0)
    with pytest.raises(rc.Stale, match="other feature parameters"):
        rc.load(path, IDENTITY)
    with_title = build()
    rc.save(path, IDENTITY, with_title)
    back = rc.load(path, IDENTITY)
    assert (back.features.matrix() != with_title.features.matrix()).nnz == 0
    assert back.features.matrix().shape[1] == 2 * rf.N_FEATURES
    assert np.allclose(back.features.idf, with_title.features.idf)
    monkeypatch.setattr(rf, "CHAR_NGRAMS", (3, 4))
    with pytest.raises(rc.Stale, match="other feature parameters"):
        rc.load(path, IDENTITY)


@pytest.mark.parametrize("tf", ["bm25", "binary"])
def test_a_cache_made_under_another_term_frequency_is_believed_and_weighted_anew(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tf: str) -> None:
    # a cache holds term counts only; the weights are worked out again when it is read
    ids = np.arange(1, len(TEXTS) + 1)
    sigs = np.arange(len(TEXTS), dtype=np.uint64)
    built = None
    for item in rc.sync(None, ids, sigs, lambda part: iter([(part, [TEXTS[i - 1] for i in part])])):
        if isinstance(item, rc.ProjectFeatures):
            built = item
    assert built is not None
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, built)
    monkeypatch.setattr(rf, "TF", tf)
    back = rc.load(path, IDENTITY).features
    fresh = rf.RankingFeatures(TEXTS)
    assert np.allclose(back.norms, fresh.norms) and not np.allclose(back.norms, built.features.norms)
    labels = {5: 1, 0: 0, 1: 0}
    assert Ranker.from_features(back).rank(labels) == Ranker.from_features(fresh).rank(labels)
