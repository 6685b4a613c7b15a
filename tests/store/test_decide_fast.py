"""The hot path of a decision (core.services.decide_fast) leaves exactly the rows the
general way leaves: decisions, statuses and the history, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from screener.core.project import Project
from screener.core.services import decide_server, screening
from screener.store.models import Decision, Event, Reviewer, StageStatus
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project

# (reviewer, record, decision): a conflict, agreement, a change of mind, maybe, a third reviewer
STEPS = [("ana", 1, "include"), ("ben", 1, "exclude"), ("ana", 1, "exclude"), ("ana", 2, "maybe"),
         ("ben", 2, "maybe"), ("ana", 3, "include"), ("ben", 3, "include"), ("cy", 4, "exclude"),
         ("ana", 4, "exclude"), ("ben", 4, "include"), ("ben", 4, "exclude"), ("ana", 5, "include")]


def _rows(project: Project) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with project.store.Session() as s:
        decisions = [tuple(r) for r in s.execute(
            select(Decision.record_id, Reviewer.name, Decision.stage, Decision.decision, Decision.reason, Decision.note)
            .join(Reviewer, Reviewer.id == Decision.reviewer_id).order_by(Decision.record_id, Reviewer.name))]
        statuses = [tuple(r) for r in s.execute(
            select(StageStatus.record_id, StageStatus.stage, StageStatus.status, StageStatus.reason,
                   StageStatus.n_decisions).order_by(StageStatus.record_id, StageStatus.stage))]
        events = [(e.kind, e.record_id, e.reviewer, e.stage, e.detail) for e in s.scalars(
            select(Event).where(Event.kind.in_(("decision", "undo", "reopened"))).order_by(Event.id))]
    return decisions, statuses, events


def _project(target: str, tmp_path: Path) -> Project:
    project = new_project(target, reviewers=("ana", "ben", "cy"))
    add_batch(project, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
    return project


def _other_target(target: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if target.endswith(".screener"):
        return str(tmp_path / "general.screener")
    return request.getfixturevalue("postgres").new_database()


def test_the_fast_decision_leaves_the_rows_the_general_way_leaves(
        project_target: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decide_server, "ENABLED", False)  # on a server, decide_fast is what follows it
    fast = _project(project_target, tmp_path)
    used = []
    real = screening.decide_title_abstract

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)
        used.append(out is not None)
        return out

    monkeypatch.setattr(screening, "decide_title_abstract", counting)
    for name, rid, choice in STEPS:
        info = fast.screening.decide(rid, name, choice)
        assert (info.record_id, info.reviewer, info.decision) == (rid, name, choice)
    assert all(used), "every step here is the common case"
    fast.screening.undo_last("ana")
    fast.screening.decide(5, "ana", "exclude")

    general = _project(_other_target(project_target, tmp_path, request), tmp_path)
    monkeypatch.setattr(screening, "decide_title_abstract", lambda *a, **k: None)
    for name, rid, choice in STEPS:
        general.screening.decide(rid, name, choice)
    general.screening.undo_last("ana")
    general.screening.decide(5, "ana", "exclude")

    assert _rows(fast) == _rows(general)
    statuses = {(rid, st): status for rid, st, status, _r, _n in _rows(fast)[1]}
    assert statuses[(1, "title_abstract")] == "excluded"
    assert statuses[(2, "title_abstract")] == "conflict"
    assert statuses[(3, "title_abstract")] == "included"
    fast.close()
    general.close()


def test_the_fast_decision_refuses_what_the_general_way_refuses(project_target: str, tmp_path: Path) -> None:
    project = _project(project_target, tmp_path)
    with pytest.raises(ScreenerError, match="unknown reviewer"):
        project.screening.decide(1, "zed", "include")
    with pytest.raises(ScreenerError, match="no record 99"):
        project.screening.decide(99, "ana", "include")
    assert _rows(project)[0] == []
    project.close()


def test_a_decision_on_a_resolved_conflict_still_reopens_it(project_target: str, tmp_path: Path) -> None:
    project = _project(project_target, tmp_path)
    project.screening.decide(1, "ana", "include")
    project.screening.decide(1, "ben", "exclude")
    project.conflicts.resolve(1, "include", "cy")
    assert project.records.detail(1).status["title_abstract"] == "included"
    project.screening.decide(1, "ben", "include")  # a change of mind after the resolution
    _decisions, _statuses, events = _rows(project)
    assert events[-1][0] == "reopened"
    assert project.records.detail(1).status["title_abstract"] == "included"  # now by agreement
    project.close()
