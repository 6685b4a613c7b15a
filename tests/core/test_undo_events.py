"""Ctrl+Z finds the reviewer's last decision from the event log, reading of each undo only the
event it undoes: an undo event whose JSON says something odd there (a project written by
other software, an old package) neither breaks the undo nor hides a decision — on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from screener.core.services.base import now
from screener.store.models import Event
from tests.factories import add_batch, make_record, new_project


def test_odd_undo_events_neither_break_ctrl_z_nor_hide_a_decision(project_target: str, tmp_path: Path) -> None:
    project = new_project(project_target, reviewers=("ana", "ben"))
    add_batch(project, [make_record(i) for i in range(1, 5)], tmp=tmp_path)
    for rid, choice in ((1, "include"), (2, "exclude"), (3, "maybe")):
        project.screening.decide(rid, "ana", choice)
    with project.screening.writing() as s:  # what another program might have left in the log
        for odd in ("seven", [1, 2], {"id": 3}, None, 10**12):
            s.add(Event(at=now(), kind="undo", reviewer="ana", stage="title_abstract", record_id=4, detail={"undoes": odd}))
        s.add(Event(at=now(), kind="undo", reviewer="ana", stage="title_abstract", record_id=4, detail={}))

    undone = [project.screening.undo_last("ana") for _ in range(3)]
    assert [(u.record_id, u.decision) for u in undone if u is not None] == [(3, "maybe"), (2, "exclude"), (1, "include")]
    assert project.screening.undo_last("ana") is None  # nothing left: none of the odd events counted as one
    assert project.records.ids("title_abstract", view="my_queue", reviewer="ana") == [1, 2, 3, 4]
