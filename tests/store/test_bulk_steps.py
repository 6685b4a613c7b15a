"""Bulk steps on both backends: deciding, tagging and labelling many records at once,
each step undone whole by one undo, and the history's ``bulk`` flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(project_target: str, tmp_path: Path) -> Project:  # type: ignore[misc]
    p = new_project(project_target)  # ana and ben, blind, two reviewers per record
    add_batch(p, [make_record(i) for i in range(1, 21)], tmp=tmp_path)
    yield p
    p.close()


def mine(p: Project, reviewer: str, stage: str = "title_abstract") -> dict[int, str]:
    out = {}
    for rid in p.records.ids(stage):
        for d in p.screening.decisions_of(rid, viewer=reviewer):
            if d.reviewer == reviewer and d.stage == stage:
                out[rid] = d.decision
    return out


def test_a_bulk_decision_is_one_step_and_one_undo_takes_all_of_it_back(project: Project) -> None:
    project.screening.decide(3, "ana", "include")  # decided before the bulk step
    project.screening.decide(15, "ana", "maybe")  # outside the selection
    before = mine(project, "ana")
    plan = project.bulk.plan_decision(range(1, 11), "ana", "exclude")
    assert (len(plan.change), plan.unchanged, plan.skipped) == (10, 0, {})
    result = project.bulk.decide(range(1, 11), "ana", "exclude")
    assert result.changed == 10
    assert mine(project, "ana") == {**{rid: "exclude" for rid in range(1, 11)}, 15: "maybe"}
    # the history records each decision with the bulk flag and the step
    history = project.history.history(4)
    bulk = [e for e in history if e.kind == "decision"]
    assert bulk and bulk[-1].detail["bulk"] is True and bulk[-1].detail["step"] == result.step
    undone = project.screening.undo_last("ana")  # Ctrl+Z
    assert undone is not None and undone.undone == 10
    assert mine(project, "ana") == before  # record 3 is back to include, the others undecided
    # the next undo takes back the decision made before the step, not a piece of it
    nxt = project.screening.undo_last("ana")
    assert nxt is not None and nxt.record_id == 15 and nxt.undone == 1


def test_in_blind_dual_screening_a_bulk_decision_is_only_the_reviewers_own(project: Project) -> None:
    project.bulk.decide(range(1, 21), "ana", "exclude")
    assert project.records.ids(view="my_queue", reviewer="ana") == []
    assert project.records.ids(view="my_queue", reviewer="ben") == list(range(1, 21))
    assert project.records.detail(5, viewer="ben").decisions == []
    assert project.records.listing()[0].status == "undecided"  # ben's decision is still needed
    project.bulk.decide([5, 6], "ben", "include")
    assert {r.record_id for r in project.records.listing(status="conflict")} == {5, 6}


def test_records_that_cannot_take_the_decision_are_skipped_and_counted(project: Project, tmp_path: Path) -> None:
    project.dedup.mark(1, 2, True)  # 2 becomes a duplicate of 1
    project.screening.decide(4, "ana", "exclude")
    plan = project.bulk.plan_decision([1, 2, 4, 5, 999], "ana", "exclude")
    assert sorted(plan.change) == [1, 5]
    assert plan.unchanged == 1
    assert plan.skipped == {"duplicate": 1, "missing": 1}
    assert "1 duplicates" in plan.skipped_text()
    # at full text only records included at title/abstract are there
    for rid in (7, 8):
        project.screening.decide(rid, "ana", "include")
        project.screening.decide(rid, "ben", "include")
    ft = project.bulk.plan_decision([7, 8, 9], "ana", "exclude", stage="full_text", reason="Wrong design")
    assert (sorted(ft.change), ft.skipped) == ([7, 8], {"not_at_stage": 1})


def test_a_bulk_decision_is_checked_whole_before_anything_is_written(project: Project) -> None:
    for rid in (7, 8):
        project.screening.decide(rid, "ana", "include")
        project.screening.decide(rid, "ben", "include")
    with pytest.raises(ScreenerError, match="needs a reason"):
        project.bulk.decide([7, 8], "ana", "exclude", stage="full_text")
    with pytest.raises(ScreenerError, match="not in the project's list"):
        project.bulk.decide([7, 8], "ana", "exclude", stage="full_text", reason="Too long")
    assert mine(project, "ana", "full_text") == {}
    project.settings.update(ta_reason_required=True)
    with pytest.raises(ScreenerError, match="requires a reason"):
        project.bulk.decide([1, 2, 3], "ana", "exclude")
    assert mine(project, "ana") == {7: "include", 8: "include"}
    done = project.bulk.decide([1, 2, 3], "ana", "exclude", reason="2")
    assert done.changed == 3
    assert {d.reason for rid in (1, 2, 3) for d in project.screening.decisions_of(rid)} == {"Wrong design"}


def test_a_bulk_tag_is_undone_whole_except_where_changed_since(project: Project) -> None:
    project.records.set_tags(2, ["already"])
    result = project.bulk.tag(range(1, 6), "to discuss", "ana")
    assert result.changed == 5
    assert project.records.ids(tag="to discuss") == [1, 2, 3, 4, 5]
    project.records.set_tags(4, ["to discuss", "kept"])  # changed by hand afterwards
    again = project.bulk.plan_tag(range(1, 6), "to discuss")
    assert again.unchanged == 5 and not again.change
    undone = project.bulk.undo(result.step, "ana")
    assert undone.changed == 4 and undone.skipped == {"changed_since": 1}
    assert project.records.ids(tag="to discuss") == [4]
    assert project.records.detail(2).tags == ["already"]
    with pytest.raises(ScreenerError, match="already undone"):
        project.bulk.undo(result.step, "ana")
    assert project.bulk.last_step("ana") is None


def test_bulk_labels_are_the_reviewers_own_and_undo_whole(project: Project) -> None:
    project.labels.set_labels(["RCT", "Adults"])
    result = project.bulk.label([1, 2, 3], "RCT", "ana")
    assert [project.labels.of(rid, "ana") for rid in (1, 2, 3)] == [["RCT"]] * 3
    assert project.labels.of(1, "ben") == []  # blind: ana's labels are hers
    assert project.bulk.last_step("ana") == result.step
    with pytest.raises(ScreenerError, match="only they can undo"):
        project.bulk.undo(result.step, "ben")
    project.bulk.undo(result.step, "ana")
    assert [project.labels.of(rid, "ana") for rid in (1, 2, 3)] == [[], [], []]
    removal = project.bulk.label([1], "RCT", "ana", remove=True)
    assert removal.changed == 0 and removal.unchanged == 1
    with pytest.raises(ScreenerError, match="not in the project's list"):
        project.bulk.label([1], "Children", "ana")
