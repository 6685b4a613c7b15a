"""What a dedup run writes, worked out by the pure functions of core/dedup/merge_plan.py
on small hand-made projects: which groups merge once reviewers' verdicts given during
the run are counted, which record each group keeps, and the links and audit trail."""

from __future__ import annotations

from datetime import datetime

from screener.core.dedup.merge_plan import MergePlan, plan_merges, regroup, settle

AT = datetime(2026, 1, 2, 3, 4, 5)


def _plan(groups: list[list[int]], current: dict[int, int | None] | None = None, decided: frozenset[int] = frozenset(),
          final: dict[int, str] | None = None, scores: dict[tuple[int, int], float] | None = None) -> MergePlan:
    return plan_merges(groups, current or {}, decided, final or {}, scores or {}, AT)


def test_a_chain_that_holds_a_pair_said_not_duplicate_is_not_merged_but_queued() -> None:
    # 1~2 and 2~3 look certain, but a reviewer said 1 and 3 are not one study meanwhile:
    # the chain would put them together, so none of it merges; 5~6 is unaffected.
    certain = [(1, 2, 0.99), (2, 3, 0.98), (5, 6, 0.97)]
    settled = settle(certain, [], {(1, 3)})
    assert settled.groups == [[5, 6]]
    assert settled.certain == [(5, 6, 0.97)]
    assert sorted(settled.queued) == [(1, 2, 0.99), (2, 3, 0.98)]  # a reviewer's call now
    plan = _plan(settled.groups)
    assert plan.links == [(6, 5)] and plan.merged == 1


def test_a_pair_said_not_duplicate_during_the_run_wins_over_the_runs_finding() -> None:
    settled = settle([(1, 2, 1.0), (3, 4, 0.99)], [], {(1, 2)})
    assert settled.groups == [[3, 4]]
    assert settled.certain == [(3, 4, 0.99)] and settled.queued == []  # the verdict stands as given
    assert all(1 not in link and 2 not in link for link in _plan(settled.groups).links)


def test_a_pair_unmerged_during_the_run_is_not_merged_again_through_a_new_record() -> None:
    # The run read 2 merged into 1; a reviewer unmerged them meanwhile (groups now: none,
    # and 1-2 "not duplicate"). A new record 4 looks like both: merging it would join 1
    # and 2 again, so the three go to a reviewer.
    certain = [(1, 4, 0.99), (2, 4, 0.98)]
    assert settle(certain, [[1, 2]], set()).groups == [[1, 2, 4]]  # what the run alone would do
    settled = settle(certain, [], {(1, 2)})
    assert settled.groups == [] and settled.certain == []
    assert sorted(settled.queued) == certain
    assert _plan(settled.groups) == MergePlan([], [], [], 0, frozenset())


def test_no_verdict_since_the_read_merges_with_the_groups_merged_now() -> None:
    settled = settle([(3, 4, 0.99)], [[1, 3]], set())
    assert settled.groups == [[1, 3, 4]] and settled.queued == []


def test_each_group_keeps_the_record_reviewers_decided_on_and_says_what_it_merged() -> None:
    scores = {(2, 3): 0.99, (1, 2): 0.97}
    plan = _plan([[1, 2, 3]], decided=frozenset({2}), final={1: "included", 2: "excluded"}, scores=scores)
    assert plan.links == [(1, 2), (3, 2)]  # 2 was decided on: it is kept, though not the oldest
    assert plan.flagged == [2]  # 1 was included and 2 excluded
    assert plan.merged == 2 and plan.rescreened == frozenset()
    assert plan.events == [
        {"at": AT, "kind": "merge", "record_id": 1, "reviewer": "", "stage": "",
         "detail": {"into": 2, "how": "auto", "score": 0.97}},
        {"at": AT, "kind": "merge", "record_id": 3, "reviewer": "", "stage": "",
         "detail": {"into": 2, "how": "auto", "score": 0.99}},
        {"at": AT, "kind": "merge", "record_id": 2, "reviewer": "", "stage": "",
         "detail": {"merged": [1, 3], "how": "auto", "conflicting_decisions": True}},
    ]


def test_a_group_merged_before_gains_its_new_record_and_nothing_already_linked_is_written_again() -> None:
    # 2 is merged into 1 already; 3 is new to the group; 7 -> 6 is merged and unchanged
    current = {1: None, 2: 1, 3: None, 6: None, 7: 6}
    plan = _plan([[1, 2, 3], [6, 7]], current=current, decided=frozenset({2}))
    assert plan.links == [(3, 1)]  # 2 is decided on but merged itself: 1 stays canonical
    assert plan.merged == 1 and plan.flagged == []
    assert [e["record_id"] for e in plan.events] == [3, 1]


def test_a_canonical_record_merged_before_is_screened_again_and_its_old_canonical_counted_apart() -> None:
    # 5 was merged into 4 before; the group now holds 5 and 6 only, 4 gone elsewhere
    # meanwhile: 6 (not merged) is kept, 5 moves to it without counting as newly merged.
    plan = _plan([[5, 6]], current={5: 4, 6: None})
    assert plan.links == [(5, 6)] and plan.merged == 0
    assert plan.rescreened == frozenset()
    # every record merged: the oldest is kept, and is screened again
    plan = _plan([[5, 6]], current={5: 4, 6: 4})
    assert plan.links == [(6, 5)] and plan.rescreened == frozenset({5})


def test_regroup_joins_the_groups_records_belong_to_now_and_leaves_out_deleted_records() -> None:
    root = {1: 1, 2: 1, 3: 3, 4: 4}  # 2 is merged into 1 now; 9 was deleted
    members = {1: {1, 2}, 3: {3}, 4: {4}}
    assert regroup([[2, 3], [4, 9]], root, members) == [[1, 2, 3]]
