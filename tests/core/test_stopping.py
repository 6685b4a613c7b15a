"""The stopping figures against values worked out by hand (the arithmetic is in each test)."""

from __future__ import annotations

import math

import pytest

from screener.core.stopping import (
    consecutive_irrelevant,
    k_target,
    knee_test,
    ranked_p_values,
    ranked_test,
    sample_test,
    screened_share,
)


def test_consecutive_irrelevant_counts_since_the_last_include():
    assert consecutive_irrelevant([1, 0, 1, 0, 0, 0]) == 3
    assert consecutive_irrelevant([0, 0]) == 2
    assert consecutive_irrelevant([0, 1]) == 0
    assert consecutive_irrelevant([]) == 0


def test_screened_share():
    assert screened_share(250, 1000) == 0.25
    assert screened_share(0, 0) == 0.0
    with pytest.raises(ValueError):
        screened_share(5, 4)


def test_k_target_is_the_smallest_urn_count_that_misses_the_target():
    # 40 seen, 40 of them before the sample: recall < .95 needs K > 40/.95 - 40 = 2.105
    assert k_target(40, 40, 0.95) == 3
    # 95 seen, all before: 95/.95 - 95 + 1 = 6 exactly (floor of an exact integer)
    assert k_target(95, 95, 0.95) == 6


def test_sample_test_does_not_stop_on_half_an_urn_with_nothing_found():
    # P(X = 0 | N=1000, K=3, n=500) = (500*499*498)/(1000*999*998)
    t = sample_test(relevant_before=40, urn_size=1000, sample_size=500, sample_relevant=0)
    assert t.k_target == 3
    assert t.p_value == pytest.approx(500 * 499 * 498 / (1000 * 999 * 998), rel=1e-9)
    assert t.p_value == pytest.approx(0.124624, abs=1e-6)
    assert not t.stop
    assert t.remaining_estimate == 0.0


def test_sample_test_stops_on_eighty_percent_of_the_urn_with_nothing_found():
    # P(X = 0 | N=1000, K=3, n=800) = (200*199*198)/(1000*999*998) = 0.0079 < 0.05
    t = sample_test(relevant_before=40, urn_size=1000, sample_size=800, sample_relevant=0)
    assert t.p_value == pytest.approx(200 * 199 * 198 / (1000 * 999 * 998), rel=1e-9)
    assert t.stop
    # upper bound: P(X=0 | K=1) = 200/1000 = .2 >= .05; P(X=0 | K=2) = .2*199/999 = .0398
    assert t.remaining_upper == 1
    assert t.recall_lower == pytest.approx(40 / 41)
    assert t.recall_estimate == 1.0


def test_sample_test_estimates_what_remains_from_the_share_found():
    # 2 relevant in 100 of 1000: 2/100 of the 900 not drawn = 18 estimated
    t = sample_test(relevant_before=50, urn_size=1000, sample_size=100, sample_relevant=2)
    assert t.remaining_estimate == pytest.approx(18.0)
    assert t.recall_estimate == pytest.approx(52 / 70)
    # the upper bound brackets the estimate and is the largest K not rejected at 5 %
    from scipy.stats import hypergeom

    upper_k = t.remaining_upper + 2
    assert hypergeom.cdf(2, 1000, upper_k, 100) >= 0.05
    assert hypergeom.cdf(2, 1000, upper_k + 1, 100) < 0.05
    assert t.remaining_upper > 18


def test_sample_test_with_a_null_that_cannot_hold_stops():
    # all of a 10-record urn drawn, none relevant: the urn cannot hold K_tar = 1
    t = sample_test(relevant_before=5, urn_size=10, sample_size=10, sample_relevant=0)
    assert t.p_value == 0.0 and t.stop and t.remaining_upper == 0


def test_sample_test_rejects_impossible_samples_and_levels():
    with pytest.raises(ValueError):
        sample_test(1, 10, 11, 0)
    with pytest.raises(ValueError):
        sample_test(1, 10, 5, 0, recall_target=1.0)


def test_ranked_p_values_by_hand():
    # labels 1,1,0,0 of 10 records, target .5 (r_seen = 2):
    # n=1: k=0, urn 7, K_tar=floor(4-2+1)=3, P(X<=0)=4/7
    # n=2: k=0, urn 8, K_tar=3, C(5,2)/C(8,2)=10/28
    # n=3: k=1, urn 9, K_tar=floor(4-1+1)=4, (C(5,3)+4*C(5,2))/C(9,3)=50/84
    # n=4: k=2, urn 10, K_tar=5, (5+5*10+10*10)/C(10,4)=155/210
    p = ranked_p_values([1, 1, 0, 0], total=10, recall_target=0.5)
    assert list(p) == pytest.approx([4 / 7, 10 / 28, 50 / 84, 155 / 210])
    r = ranked_test([1, 1, 0, 0], total=10, recall_target=0.5)
    assert r is not None and r.window == 2
    assert r.test.p_value == pytest.approx(10 / 28)
    assert not r.test.stop
    assert ranked_test([], total=10) is None


def test_ranked_test_stops_after_a_long_empty_tail():
    # 20 relevant first, then 400 irrelevant, of 1000: window 400, urn 980, K_tar=2
    # P(X=0 | 980, 2, 400) = (580*579)/(980*979) = 0.350: not yet
    r = ranked_test([1] * 20 + [0] * 400, total=1000)
    assert r is not None
    assert r.window == 400
    assert r.test.k_target == 2
    assert r.test.p_value == pytest.approx(580 * 579 / (980 * 979))
    assert not r.test.stop
    # after 900 irrelevant: (80*79)/(980*979) = 0.0066 < 0.05: stop
    r = ranked_test([1] * 20 + [0] * 900, total=1000)
    assert r is not None and r.window == 900
    assert r.test.p_value == pytest.approx(80 * 79 / (980 * 979))
    assert r.test.stop


def test_knee_method_by_hand():
    # 10 relevant then 190 irrelevant: knee at 10, slope ratio 1 / (1/190) = 190,
    # threshold 156 - 10 = 146, 200 >= 150 screened: stop
    k = knee_test([1] * 10 + [0] * 190)
    assert (k.knee, k.relevant_at_knee) == (10, 10)
    assert k.slope_ratio == pytest.approx(190.0)
    assert k.threshold == 146.0
    assert k.stop
    # the same shape after 100 records: ratio 90 < 146 and under 150 screened
    k = knee_test([1] * 10 + [0] * 90)
    assert k.slope_ratio == pytest.approx(90.0) and not k.stop
    assert not knee_test([0] * 200).stop
    assert math.isfinite(knee_test([1, 0, 1]).slope_ratio)


def test_the_ranked_test_finds_the_smallest_p_value_of_every_window():
    # candidate windows only (after each relevant record): the same minimum as all windows
    import random

    rng = random.Random(3)
    for _ in range(200):
        t = rng.randint(1, 200)
        labels = [1 if rng.random() < rng.choice([0.03, 0.1, 0.3]) else 0 for _ in range(t)]
        total = t + rng.randint(0, 300)
        target = rng.choice([0.8, 0.9, 0.95])
        r = ranked_test(labels, total, target)
        assert r is not None
        assert r.test.p_value == pytest.approx(float(ranked_p_values(labels, total, target).min()),
                                               abs=1e-12)
