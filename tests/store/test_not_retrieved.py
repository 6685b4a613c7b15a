"""A report that could not be obtained: it leaves every full-text queue, counts as done,
is listed with the status word "not_retrieved", and can be marked retrieved again. And
the old default reason "Not available in full text", which projects are asked about once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from screener.cli.main import main
from screener.core.project import Project
from tests.factories import add_batch, make_record, new_project

FIXTURES = Path(__file__).parent.parent / "data" / "projects"


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target)  # ana and ben, two reviewers per record
    add_batch(p, [make_record(i) for i in range(1, 5)], tmp=tmp_path)
    for rid in range(1, 5):
        for name in ("ana", "ben"):
            p.screening.decide(rid, name, "include")
    yield p
    p.close()


def queue(p: Project, name: str) -> list[int]:
    return p.records.ids("full_text", view="my_queue", reviewer=name)


def test_a_report_not_retrieved_leaves_every_queue_and_counts_as_done(project: Project) -> None:
    project.screening.decide(3, "ana", "include", stage="full_text")
    change = project.retrieval.set_retrieval(3, False, reviewer="ben")
    assert "1 full-text decision(s) no longer count" in change.warning
    assert queue(project, "ana") == [1, 2, 4] and queue(project, "ben") == [1, 2, 4]
    assert project.records.counts("full_text", "ana") == {"total": 4, "not_retrieved": 1, "decided_by_me": 0, "queue": 3}
    assert project.records.counts("full_text", "ben") == {"total": 4, "not_retrieved": 1, "decided_by_me": 0, "queue": 3}
    listed = {r.record_id: r.status for r in project.records.listing("full_text")}
    assert listed == {1: "undecided", 2: "undecided", 3: "not_retrieved", 4: "undecided"}
    assert project.records.ids("full_text", status="undecided") == [1, 2, 4]
    assert project.records.ids("full_text", status="not_retrieved") == [3]
    assert project.records.summaries([3], "full_text", viewer="ben")[0].status == "not_retrieved"
    c = project.prisma.counts()
    assert (c["dbr_notretrieved_reports"], c["pending"]["full_text"]) == (1, 3)
    # Marked retrieved again: back in the queues, and ana's decision counts again.
    change = project.retrieval.set_retrieval(3, True, reviewer="ben")
    assert "count again" in change.warning
    assert queue(project, "ana") == [1, 2, 4] and queue(project, "ben") == [1, 2, 3, 4]
    assert project.records.counts("full_text", "ana") == {"total": 4, "not_retrieved": 0, "decided_by_me": 1, "queue": 3}
    assert project.prisma.counts()["dbr_notretrieved_reports"] == 0


def test_a_decided_report_marked_not_retrieved_leaves_the_conflicts_and_the_counts(project: Project) -> None:
    project.screening.decide(2, "ana", "include", stage="full_text")
    project.screening.decide(2, "ben", "exclude", stage="full_text", reason="Wrong design")
    assert [c.record_id for c in project.conflicts.conflicts("full_text")] == [2]
    project.retrieval.set_retrieval(2, False)
    assert project.conflicts.conflicts("full_text") == []
    c = project.prisma.counts()
    assert c["dbr_notretrieved_reports"] == 1 and c["dbr_assessed"] == 0


def test_the_cli_lists_it_as_not_retrieved_never_undecided(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "review.screener"
    p = new_project(str(path))
    add_batch(p, [make_record(i) for i in range(1, 4)], tmp=tmp_path)
    for rid in (1, 2, 3):
        for name in ("ana", "ben"):
            p.screening.decide(rid, name, "include")
    p.close()
    assert main(["retrieval", str(path), "2", "not-retrieved"]) == 0
    capsys.readouterr()
    assert main(["records", str(path), "--stage", "full_text", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["record_id"]: r["status"] for r in rows} == {1: "undecided", 2: "not_retrieved", 3: "undecided"}
    assert main(["records", str(path), "--stage", "full_text", "--status", "undecided", "--json"]) == 0
    assert [r["record_id"] for r in json.loads(capsys.readouterr().out)] == [1, 3]
    assert main(["records", str(path), "--stage", "full_text", "--status", "not_retrieved", "--json"]) == 0
    assert [r["record_id"] for r in json.loads(capsys.readouterr().out)] == [2]


def test_a_project_from_before_gets_not_retrieved_reports_out_of_its_queues(tmp_path: Path) -> None:
    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0002.screener").read_bytes())
    with sqlite3.connect(path) as conn:
        (rid,) = conn.execute("SELECT record_id FROM retrieval WHERE retrieved = 0").fetchone()
    with Project.open(path) as p:
        assert p.records.summaries([rid], "full_text")[0].status == "not_retrieved"
        assert rid not in p.records.ids("full_text", view="my_queue", reviewer="ana")
        assert rid in p.records.ids("full_text", status="not_retrieved")


def test_the_old_default_reason_is_asked_about_once_and_can_become_not_retrieved(tmp_path: Path) -> None:
    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0002.screener").read_bytes())
    with Project.open(path) as p:
        included = p.records.ids("full_text", status="undecided")
        rid = included[-1]
        p.screening.decide(rid, "ana", "exclude", stage="full_text", reason="Not available in full text")
        p.screening.decide(rid, "ben", "exclude", stage="full_text", reason="Not available in full text")
        assert p.records.summaries([rid], "full_text")[0].status == "excluded"
        q = p.legacy_reason.question()
        assert q is not None and (q.reason, q.decisions, q.records) == ("Not available in full text", 2, 1)
        assert p.legacy_reason.answer(True, reviewer="cara") == 1
        assert p.legacy_reason.question() is None  # asked once
        assert p.legacy_reason.answer(False) == 0  # and a second answer changes nothing
        assert "Not available in full text" not in p.settings.reasons()
        assert p.settings.reasons() == ["Wrong population", "Wrong design"]
        assert p.records.summaries([rid], "full_text")[0].status == "not_retrieved"
        assert p.retrieval.retrieval(rid)[0] is False
        assert [d for d in p.screening.decisions_of(rid) if d.stage == "full_text"] == []
        kinds = [e.kind for e in p.history.history(rid)]
        assert kinds.count("decision_withdrawn") == 2  # kept in the history
        assert p.prisma.counts()["dbr_notretrieved_reports"] == 2


def test_keeping_the_old_reason_changes_nothing_but_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0002.screener").read_bytes())
    with Project.open(path) as p:
        before = p.prisma.counts()
        assert p.legacy_reason.answer(False) == 0
        assert "Not available in full text" in p.settings.reasons()
        assert p.prisma.counts() == before
    with Project.open(path) as p:
        assert p.legacy_reason.question() is None


def test_a_new_project_is_never_asked(tmp_path: Path) -> None:
    p = new_project(str(tmp_path / "new.screener"), reasons=("Not available in full text", "Wrong design"))
    assert p.legacy_reason.question() is None
    p.close()


def test_a_withdrawn_decision_stays_hidden_from_the_other_reviewer_of_a_blind_project(tmp_path: Path) -> None:
    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0002.screener").read_bytes())
    with Project.open(path) as p:
        rid = p.records.ids("full_text", status="undecided")[-1]
        p.screening.decide(rid, "ben", "exclude", stage="full_text", reason="Not available in full text")
        p.legacy_reason.answer(True, reviewer="ana")
        seen_by_ana = [e for e in p.history.visible_history(rid, "ana") if e.reviewer == "ben"]
        assert [e.kind for e in seen_by_ana if e.stage == "full_text"] == []
        assert "decision_withdrawn" in [e.kind for e in p.history.visible_history(rid, "ben")]
