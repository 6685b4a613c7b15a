"""The screening services on both backends: decisions, blindness, conflicts, PRISMA."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target)
    p.settings.add_reviewer("carla", "resolver")
    add_batch(p, [make_record(i) for i in range(1, 11)], tmp=tmp_path)
    yield p
    p.close()


def test_a_decision_is_kept_and_reopening_the_project_shows_it(project: Project) -> None:
    project.screening.decide(1, "ana", "include", note="clearly peer support")
    target = project.target
    project.close()
    with Project.open(target) as again:
        decisions = again.screening.decisions_of(1)
    assert [(d.reviewer, d.decision, d.note) for d in decisions] == [("ana", "include", "clearly peer support")]


def test_my_queue_shrinks_only_for_me(project: Project) -> None:
    project.screening.decide(1, "ana", "include")
    assert 1 not in project.records.ids(view="my_queue", reviewer="ana")
    assert 1 in project.records.ids(view="my_queue", reviewer="ben")
    assert project.records.counts("title_abstract", "ana") == {"total": 10, "decided_by_me": 1, "queue": 9}


def test_blind_reviewer_sees_nothing_of_the_other_until_both_decided(project: Project) -> None:
    project.screening.decide(1, "ana", "exclude")
    seen_by_ben = project.records.detail(1, viewer="ben")
    assert seen_by_ben.decisions == []
    assert seen_by_ben.status["title_abstract"] == "undecided"
    assert project.records.summaries([1], viewer="ben")[0].status == "undecided"
    project.screening.decide(1, "ben", "include")
    seen_after = project.records.detail(1, viewer="ben")
    assert {d.reviewer: d.decision for d in seen_after.decisions} == {"ana": "exclude", "ben": "include"}
    assert seen_after.status["title_abstract"] == "conflict"


def test_agreeing_reviewers_give_a_final_decision_and_disagreeing_ones_a_conflict(project: Project) -> None:
    for rid, (a, b) in {1: ("include", "include"), 2: ("exclude", "exclude"), 3: ("include", "exclude"),
                        4: ("maybe", "maybe")}.items():
        project.screening.decide(rid, "ana", a)
        project.screening.decide(rid, "ben", b)
    statuses = {r.record_id: r.status for r in project.records.listing()}
    assert statuses[1] == "included" and statuses[2] == "excluded"
    assert statuses[3] == "conflict" and statuses[4] == "conflict"
    assert [c.record_id for c in project.conflicts.conflicts()] == [3, 4]


def test_resolution_is_final_and_a_changed_decision_reopens_it(project: Project) -> None:
    project.screening.decide(3, "ana", "include")
    project.screening.decide(3, "ben", "exclude")
    project.conflicts.resolve(3, "include", "carla", note="discussed")
    assert project.records.listing(status="included")[0].record_id == 3
    assert project.conflicts.conflicts() == []
    project.screening.decide(3, "ben", "maybe")
    assert [c.record_id for c in project.conflicts.conflicts()] == [3]
    kinds = [e.kind for e in project.history.history(3)]
    assert kinds == ["import", "decision", "decision", "resolution", "decision", "reopened"]


def test_full_text_needs_inclusion_at_title_abstract_and_a_listed_reason(project: Project) -> None:
    with pytest.raises(ScreenerError, match="not included at title/abstract"):
        project.screening.decide(1, "ana", "include", stage="full_text")
    project.screening.decide(1, "ana", "include")
    project.screening.decide(1, "ben", "include")
    with pytest.raises(ScreenerError, match="needs a reason"):
        project.screening.decide(1, "ana", "exclude", stage="full_text")
    with pytest.raises(ScreenerError, match="not in the project's list"):
        project.screening.decide(1, "ana", "exclude", stage="full_text", reason="Too long")
    project.screening.decide(1, "ana", "exclude", stage="full_text", reason="Wrong design")
    project.screening.decide(1, "ben", "exclude", stage="full_text", reason="Wrong population")
    conflict = project.conflicts.conflicts("full_text")[0]
    assert conflict.kind == "reason"


def test_undo_restores_the_previous_decision(project: Project) -> None:
    project.screening.decide(2, "ana", "include")
    project.screening.decide(2, "ana", "exclude")
    undone = project.screening.undo_last("ana")
    assert undone is not None and undone.record_id == 2
    assert project.screening.decisions_of(2)[0].decision == "include"
    project.screening.undo_last("ana")
    assert project.screening.decisions_of(2) == []
    assert project.screening.undo_last("ana") is None


def test_unknown_reviewer_changes_nothing(project: Project) -> None:
    with pytest.raises(ScreenerError, match="unknown reviewer"):
        project.screening.decide(1, "zoe", "include")
    assert project.screening.decisions_of(1) == []


def test_bulk_decisions_are_all_or_nothing(project: Project) -> None:
    rows = [
        {"record_id": "1", "reviewer": "ana", "stage": "title_abstract", "decision": "include", "line": "2"},
        {"record_id": "2", "reviewer": "ana", "stage": "title_abstract", "decision": "perhaps", "line": "3"},
    ]
    with pytest.raises(ScreenerError, match="decisions.csv, line 3"):
        project.screening.decide_many(rows, source="decisions.csv")
    assert project.screening.decisions_of(1) == []


def test_search_finds_words_in_title_abstract_and_authors(project: Project, tmp_path: Path) -> None:
    add_batch(project, [make_record(11, title="Nurse-led medication review", authors=["Moran, Galia S."],
                                    abstract="Deprescribing in care homes")], tmp=tmp_path, file_name="b.ris")
    assert project.records.ids(search="nurse-led") == [11]
    assert project.records.ids(search="deprescrib") == [11]
    assert project.records.ids(search="moran") == [11]
    assert len(project.records.ids(search="randomised peer")) == 10


def test_prisma_counts_add_up_at_every_step(project: Project) -> None:
    def check() -> dict:
        c = project.prisma.counts()
        assert c["database_results"] - c["duplicates"] == c["records_screened"] + c["pending"]["title_abstract"]
        assert c["records_screened"] == c["records_excluded"] + c["dbr_sought_reports"]
        assert c["dbr_sought_reports"] == (c["dbr_notretrieved_reports"] + c["dbr_assessed"]
                                            + c["pending"]["full_text"])
        assert c["dbr_assessed"] == sum(n for _, n in c["dbr_excluded"]) + c["new_studies"]
        return c

    assert check()["pending"]["title_abstract"] == 10
    for rid in (1, 2, 3):
        project.screening.decide(rid, "ana", "include")
        project.screening.decide(rid, "ben", "include")
        check()
    project.screening.decide(4, "ana", "exclude")
    project.screening.decide(4, "ben", "exclude")
    project.dedup.mark(5, 6, True)
    c = check()
    assert (c["duplicates"], c["records_excluded"], c["dbr_sought_reports"]) == (1, 1, 3)
    for name, reason in (("ana", "Wrong design"), ("ben", "Wrong design")):
        project.screening.decide(1, name, "exclude", stage="full_text", reason=reason)
        project.screening.decide(2, name, "include", stage="full_text")
    project.retrieval.set_retrieval(3, False)
    c = check()
    assert c["dbr_excluded"] == [("Wrong design", 1)]
    assert (c["new_studies"], c["dbr_notretrieved_reports"], c["dbr_assessed"]) == (1, 1, 2)
    assert c["database_specific_results"] == [("Scopus", 10)]


def test_other_methods_are_counted_only_in_their_own_column(project: Project, tmp_path: Path) -> None:
    add_batch(project, [make_record(20)], source="Reference lists", kind="citation", tmp=tmp_path,
              file_name="c.ris")
    c = project.prisma.counts()
    assert c["citations_results"] == 1
    assert c["records_screened"] + c["pending"]["title_abstract"] == 10
    project.screening.decide(11, "ana", "include")
    project.screening.decide(11, "ben", "include")
    c = project.prisma.counts()
    assert c["other_sought_reports"] == 1 and c["dbr_sought_reports"] == 0


def test_a_late_title_abstract_change_says_what_it_did_to_full_text_work(project: Project) -> None:
    for name in ("ana", "ben"):
        project.screening.decide(1, name, "include")
    for name in ("ana", "ben"):
        project.screening.decide(1, name, "exclude", stage="full_text", reason="Wrong design")
    changed = project.screening.decide(1, "ben", "exclude")
    assert "no longer count" in changed.warning
    assert [e.kind for e in project.history.history(1)][-1] == "left_full_text"
    assert project.prisma.counts()["dbr_excluded"] == []
    assert project.screening.decide(2, "ana", "include").warning == ""


def test_a_report_marked_not_retrieved_cannot_be_assessed(project: Project) -> None:
    for name in ("ana", "ben"):
        project.screening.decide(4, name, "include")
    project.retrieval.set_retrieval(4, False)
    with pytest.raises(ScreenerError, match="not retrieved"):
        project.screening.decide(4, "ana", "exclude", stage="full_text", reason="Wrong design")
    assert project.prisma.counts()["dbr_notretrieved_reports"] == 1
    project.retrieval.set_retrieval(4, True)
    project.screening.decide(4, "ana", "exclude", stage="full_text", reason="wrong DESIGN")
    assert project.screening.decisions_of(4)[0].reason == "Wrong design"  # the list's spelling
