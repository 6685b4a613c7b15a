"""What another client changed, on both backends: the history since the last look names the
records touched (never what was decided), nothing is missed when transactions commit out
of id order, and team progress counts without revealing anyone's decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from screener.core.project import Project
from screener.core.services.live import ChangeCursor, EventStub
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target)
    p.settings.add_reviewer("carla", "resolver")
    add_batch(p, [make_record(i) for i in range(1, 11)], tmp=tmp_path)
    yield p
    p.close()


def test_a_second_client_sees_which_records_the_first_changed(project: Project) -> None:
    with Project.open(project.target) as other:
        cursor = ChangeCursor(other.live)
        assert not cursor.poll()  # nothing new since it started looking
        project.screening.decide(3, "ana", "include")
        project.screening.decide(5, "ben", "exclude")
        changes = cursor.poll()
        assert changes.record_ids == {3, 5}
        assert changes.kinds == {"decision"} and not changes.structural
        assert not cursor.poll()  # each change is reported once
        project.screening.decide(3, "ben", "exclude")  # now a conflict
        project.conflicts.resolve(3, "include", "carla")
        changes = cursor.poll()
        assert changes.record_ids == {3} and changes.kinds == {"decision", "resolution"}


def test_an_import_or_new_settings_ask_for_whole_lists_again(project: Project, tmp_path: Path) -> None:
    cursor = ChangeCursor(project.live)
    add_batch(project, [make_record(i) for i in range(20, 23)], source="Embase", tmp=tmp_path)
    assert cursor.poll().structural
    project.settings.update(question="A new question")
    assert cursor.poll().structural


def test_what_a_client_reads_of_the_history_never_holds_a_decision(project: Project) -> None:
    project.screening.decide(3, "ana", "include", note="secret reasoning")
    stubs = project.live.events_after(0)
    assert all(isinstance(e, EventStub) for e in stubs)
    assert not any("include" in repr(e) or "secret" in repr(e) for e in stubs)


def test_team_progress_counts_records_and_decisions_not_what_was_decided(project: Project) -> None:
    project.screening.decide(1, "ana", "include")
    project.screening.decide(1, "ben", "include")
    project.screening.decide(2, "ana", "include")
    project.screening.decide(2, "ben", "exclude")
    project.screening.decide(3, "ana", "exclude")
    p = project.live.team_progress("title_abstract")
    assert (p.records, p.complete, p.decisions, p.needed) == (10, 2, 5, 20)


def test_only_the_given_records_are_asked_about(project: Project) -> None:
    project.screening.decide(2, "ana", "include")
    project.screening.decide(2, "ben", "exclude")
    assert project.records.ids(view="my_queue", reviewer="ana", among=[1, 2, 3]) == [1, 3]
    assert [c.record_id for c in project.conflicts.conflicts(among=[1, 2])] == [2]
    assert project.conflicts.conflicts(among=[1, 3]) == []
    project.conflicts.resolve(2, "exclude", "carla")
    assert [r.record_id for r in project.conflicts.resolutions("title_abstract", among=[2, 4])] == [2]


def test_a_transaction_that_commits_after_a_later_one_is_not_missed(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL, ids are handed out at insert and seen at commit: a slow writer's event
    can appear after a quicker writer's higher id. The cursor asks again for the skipped id."""
    target = postgres.new_database()
    with new_project(target) as project:
        add_batch(project, [make_record(i) for i in range(1, 6)], tmp=tmp_path)
        cursor = ChangeCursor(project.live)
        slow = project.store.WriteSession()
        slow.begin()
        slow.execute(text("INSERT INTO event (at, kind, record_id, reviewer, stage, detail) "
                          "VALUES (now(), 'note', 4, 'ana', '', '{}')"))  # takes an id, unseen
        project.screening.decide(2, "ben", "include")  # a higher id, committed first
        assert cursor.poll().record_ids == {2}
        assert cursor.gaps  # the slow one's id is remembered
        slow.commit()
        slow.close()
        assert cursor.poll().record_ids == {4}
        assert not cursor.gaps
        assert not cursor.poll()


def test_ids_skipped_for_good_are_forgotten_in_time(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    now = [0.0]
    target = postgres.new_database()
    with new_project(target) as project:
        add_batch(project, [make_record(i) for i in range(1, 4)], tmp=tmp_path)
        cursor = ChangeCursor(project.live, clock=lambda: now[0])
        rolled_back = project.store.WriteSession()
        rolled_back.begin()
        rolled_back.execute(text("INSERT INTO event (at, kind, reviewer, stage, detail) "
                                 "VALUES (now(), 'note', '', '', '{}')"))
        rolled_back.rollback()
        rolled_back.close()
        project.screening.decide(1, "ana", "include")
        cursor.poll()
        assert len(cursor.gaps) == 1
        now[0] = 10_000.0
        cursor.poll()
        assert not cursor.gaps
