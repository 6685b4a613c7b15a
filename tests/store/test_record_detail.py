"""A record's detail (the reading pane after every decision, undo, sort and search) is read
in three statements on both backends, and shows each viewer exactly what the per-part
readers (``visible_decisions``, ``visible_labels``, ``visible_resolutions``) let them see."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, select

from screener.core.project import Project
from screener.core.services.labels import visible_labels
from screener.core.services.records import blind_status, visible_resolutions
from screener.core.services.screening import visible_decisions
from screener.store.models import StageStatus
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target)
    p.settings.add_reviewer("carla", "resolver")
    add_batch(p, [make_record(i) for i in range(1, 6)], tmp=tmp_path)
    p.labels.set_labels(["population", "design", "later"])
    # record 1: ana only; 2: both agree; 3: a conflict resolved by carla; 4: labels, tags, notes
    p.screening.decide(1, "ana", "exclude", note="no peers")
    p.screening.decide(2, "ana", "include")
    p.screening.decide(2, "ben", "include")
    p.screening.decide(3, "ana", "include")
    p.screening.decide(3, "ben", "exclude")
    p.conflicts.resolve(3, "include", "carla", note="discussed")
    p.labels.set_on(4, "ana", ["design", "population"])
    p.labels.set_on(4, "ben", ["later", "design"])
    p.records.set_tags(4, ["zeta", "alpha"])
    p.records.set_note(4, "ana", "ask the author")
    p.records.set_note(4, "ben", "ben's own")
    p.screening.decide(4, "ben", "maybe")
    yield p
    p.close()


def reference(p: Project, rid: int, viewer: str | None) -> dict[str, object]:
    """What the reading pane showed when each part was read on its own."""
    with p.records.reading() as s:
        decisions = visible_decisions(s, rid, viewer)
        status = {}
        for st in s.scalars(select(StageStatus).where(StageStatus.record_id == rid)):
            mine = next((d.decision for d in decisions if d.stage == st.stage and d.reviewer == viewer), None)
            status[st.stage] = blind_status(st.status, mine) if viewer else st.status
        return {"decisions": decisions, "status": status, "labels": visible_labels(s, rid, viewer),
                "resolutions": visible_resolutions(s, rid, viewer, decisions)}


@pytest.mark.parametrize("blind", [True, False])
def test_every_viewer_sees_in_the_detail_what_they_may_see_and_no_more(project: Project, blind: bool) -> None:
    if not blind:
        project.settings.update(blind=False)
    for rid in range(1, 6):
        for viewer in (None, "ana", "ben", "carla"):
            d = project.records.detail(rid, viewer=viewer)
            want = reference(project, rid, viewer)
            got = {"decisions": d.decisions, "status": d.status, "labels": d.labels, "resolutions": d.resolutions}
            assert got == want, (rid, viewer)
    ben = project.records.detail(4, viewer="ben")
    assert ben.note == "ben's own" and ben.tags == ["alpha", "zeta"]
    assert project.records.detail(4).note == ""
    assert ben.labels == (["design", "later"] if blind else ["population", "design", "later"])
    assert ben.source_file and ben.title == make_record(4).title
    # blind: ben sees nothing of record 1 (ana's only); not blind he sees her decision
    assert [x.reviewer for x in project.records.detail(1, viewer="ben").decisions] == ([] if blind else ["ana"])


def test_a_detail_is_three_statements_however_much_the_record_carries(project: Project) -> None:
    engine = project.store.Session.kw["bind"]
    statements: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
            statements.append(statement)

    project.records.detail(4, viewer="ben")  # the first read may load the reviewer's role once
    event.listen(engine, "before_cursor_execute", count)
    try:
        for rid in (3, 4):
            project.records.detail(rid, viewer="ben")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 6, statements


def test_a_missing_record_or_unknown_viewer_is_a_clear_error(project: Project) -> None:
    with pytest.raises(ScreenerError, match="no record 99"):
        project.records.detail(99)
    with pytest.raises(ScreenerError, match="unknown reviewer 'zoe'"):
        project.records.detail(1, viewer="zoe")
