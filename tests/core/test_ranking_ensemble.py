"""The ensemble's similarity members and score fusion (core.ranking_ensemble)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from screener.core import ranking_ensemble, ranking_model
from screener.core.ranking import Ranker, RankingFeatures

TEXTS = [
    "beta blockers reduce mortality after myocardial infarction",
    "beta blockers in heart failure reduce mortality",
    "antihistamines and the common cold sneeze reflex rhinovirus",
    "garden soil nitrogen and crop yield",
    "crop rotation improves soil nitrogen",
    "the common cold rhinovirus sneeze trial in adults",
    "wheat yield under drought and soil stress",
    "heart failure mortality with beta blockers in the elderly",
]


def test_nearest_is_the_cosine_to_the_most_similar_include() -> None:
    features = RankingFeatures(TEXTS)
    included = [0, 2]
    got = ranking_ensemble.nearest(features, included)
    x = features.rows(np.arange(len(TEXTS)))
    want = (x @ sparse.csr_matrix(x[included]).T).toarray().max(axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # the cold trial (5) is far from the beta-blocker include but near the other one
    assert got[5] > got[3] and got[5] > 0.1


def test_nearest_compares_with_at_most_the_cap_of_includes(monkeypatch: pytest.MonkeyPatch) -> None:
    features = RankingFeatures(TEXTS)
    monkeypatch.setattr(ranking_ensemble, "NEAREST_MAX_INCLUDES", 1)
    monkeypatch.setattr(ranking_ensemble, "CHUNK", 3)  # several chunks
    only_first = ranking_ensemble.nearest(features, [2, 0])
    monkeypatch.setattr(ranking_ensemble, "NEAREST_MAX_INCLUDES", 200)
    np.testing.assert_allclose(only_first, ranking_ensemble.nearest(features, [0]), rtol=1e-6)


def test_fusion_weighs_each_member_by_its_share() -> None:
    a = np.array([3.0, 1.0, 2.0, 0.0])
    b = np.array([0.0, 5.0, 1.0, 2.0])
    only_a = ranking_ensemble.fuse([a, b], [1.0, 0.0], "z")
    assert list(np.argsort(-only_a)) == [0, 2, 1, 3]
    equal = ranking_ensemble.fuse([a, b], [1.0, 1.0], "rank")
    np.testing.assert_allclose(equal, (ranking_ensemble.rank_share(a) + ranking_ensemble.rank_share(b)) / 2)
    with pytest.raises(ValueError, match="unknown fusion"):
        ranking_ensemble.fuse([a], [1.0], "max")


@pytest.mark.parametrize("ensemble", [("svm", "nearest"), ("svm", "centroid"), ("nearest",)])
def test_an_ensemble_with_similarity_members_ranks_the_like_records_first(
    ensemble: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking_model, "ENSEMBLE", ensemble)
    monkeypatch.setattr(ranking_model, "FUSION", "z")
    monkeypatch.setattr(ranking_model, "ENSEMBLE_WEIGHTS", (0.8, 0.2) if len(ensemble) == 2 else None)
    order = Ranker(TEXTS).rank({0: 1, 3: 0})
    # the two other beta-blocker records come before the soil, crop and cold ones
    assert set(order[:2]) == {1, 7}
    assert order == Ranker(TEXTS).rank({3: 0, 0: 1})  # deterministic
