"""Who may resolve a conflict: a project setting, enforced by the services on both backends
(and by the database too on a strict server: tests/store/test_strict_attacks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target, reviewers=("ana", "ben"))
    p.settings.add_reviewer("carla", "resolver")
    p.settings.add_reviewer("dan")
    add_batch(p, [make_record(i) for i in range(1, 4)], tmp=tmp_path)
    for rid in (1, 2, 3):
        p.screening.decide(rid, "ana", "include")
        p.screening.decide(rid, "ben", "exclude")
    yield p
    p.close()


def test_by_default_the_two_may_resolve_by_consensus_and_the_history_says_so(project: Project) -> None:
    assert project.settings.info().resolve_policy == "consensus"
    r = project.conflicts.resolve(1, "include", "ana", note="agreed after discussion")
    assert r.party
    assert not project.conflicts.resolve(2, "exclude", "dan").party
    event = [e for e in project.history.history(1) if e.kind == "resolution"][0]
    assert event.reviewer == "ana" and event.detail["party"] is True and event.detail["policy"] == "consensus"


def test_only_resolvers_may_resolve_when_the_project_says_so(project: Project) -> None:
    project.settings.update(resolve_policy="resolver")
    for who in ("ana", "dan"):
        with pytest.raises(ScreenerError, match=f"only reviewers with the resolver role.*{who} is a reviewer"):
            project.conflicts.resolve(1, "include", who)
    project.conflicts.resolve(1, "include", "carla")
    with pytest.raises(ScreenerError, match="resolver role"):
        project.conflicts.reopen(1, "ana")
    project.conflicts.reopen(1, "carla")
    assert [c.record_id for c in project.conflicts.conflicts()] == [1, 2, 3]


def test_only_someone_not_a_party_may_resolve_when_the_project_says_so(project: Project) -> None:
    project.settings.update(resolve_policy="third-party")
    for who in ("ana", "ben"):
        with pytest.raises(ScreenerError, match=f"{who} decided on record 1 .* not a party"):
            project.conflicts.resolve(1, "include", who)
    assert project.conflicts.resolve(1, "exclude", "dan").reviewer == "dan"
    assert [r.record_id for r in project.records.listing(status="excluded")] == [1]
    with pytest.raises(ScreenerError, match="who may resolve must be one of"):
        project.settings.update(resolve_policy="anyone")
    assert project.settings.info().resolve_policy == "third-party"


def test_undoing_a_changed_decision_after_the_resolution_reopens_the_conflict(project: Project) -> None:
    project.screening.decide(1, "ben", "maybe")
    project.conflicts.resolve(1, "include", "carla")
    project.screening.undo_last("ben")  # ben goes back to exclude: the basis of the resolution changed
    assert [c.record_id for c in project.conflicts.conflicts()] == [1, 2, 3]
    assert [e.kind for e in project.history.history(1)][-2:] == ["reopened", "undo"]
