"""The allocation rule on its own: every record gets its reviewers, loads are even, the
overlap goes to everyone, the same seed gives the same split."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from screener.core.allocation import allocate


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(0, 400),
    k=st.integers(1, 6),
    per=st.integers(1, 2),
    overlap=st.sampled_from([0.0, 0.05, 0.1, 0.25, 1.0]),
    seed=st.integers(0, 10_000),
)
def test_every_record_gets_its_reviewers_and_loads_are_even(n: int, k: int, per: int, overlap: float, seed: int) -> None:
    per = min(per, k)
    reviewers = [f"r{i}" for i in range(k)]
    records = list(range(100, 100 + n))
    plan = allocate(records, reviewers, per, overlap, seed)
    assert sorted(plan.assigned) == records
    assert len(plan.overlap) == round(overlap * n)
    for rid, who in plan.assigned.items():
        assert len(set(who)) == len(who)
        assert len(who) == (k if rid in plan.overlap else per)
    rest = Counter(name for rid, who in plan.assigned.items() if rid not in plan.overlap for name in who)
    loads = [rest.get(name, 0) for name in reviewers]
    assert max(loads) - min(loads) <= 1
    assert plan == allocate(list(reversed(records)), reviewers, per, overlap, seed)  # same seed, same split


def test_four_teams_get_equal_shares_with_a_tenth_for_everyone() -> None:
    plan = allocate(range(1, 1001), ["a", "b", "c", "d"], 2, 0.1, seed=7)
    counts = Counter(name for who in plan.assigned.values() for name in who)
    assert len(plan.overlap) == 100
    assert dict(counts) == {"a": 550, "b": 550, "c": 550, "d": 550}  # 100 shared + 900 x 2 / 4
    assert plan != allocate(range(1, 1001), ["a", "b", "c", "d"], 2, 0.1, seed=8)


def test_a_reviewer_who_already_decided_keeps_the_record() -> None:
    keep = {5: {"c"}, 6: {"a", "b"}}
    plan = allocate(range(1, 21), ["a", "b", "c"], 2, keep=keep, seed=1)
    assert "c" in plan.assigned[5] and len(plan.assigned[5]) == 2
    assert sorted(plan.assigned[6]) == ["a", "b"]


def test_whole_batches_go_to_the_same_reviewers_and_sizes_balance() -> None:
    groups = {rid: (1 if rid <= 60 else 2 if rid <= 100 else 3) for rid in range(1, 131)}
    plan = allocate(range(1, 131), ["a", "b", "c", "d"], 2, groups=groups, seed=3)
    for batch in (1, 2, 3):
        teams = {tuple(sorted(plan.assigned[rid])) for rid, b in groups.items() if b == batch}
        assert len(teams) == 1, batch
    first = {tuple(sorted(plan.assigned[rid])) for rid in (1, 61)}
    assert len(first) == 2  # the two largest batches go to different pairs
