"""Schema 0009: the status rows keep one index (``ix_stage_status_list``), and a project
made before it upgrades with its statuses, queues and counts as they were."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from screener.core.project import Project
from screener.store.engine import _alembic_config, head_revision, make_engine
from tests.factories import add_batch, make_record, new_project


def _status_indexes(target: str) -> set[str]:
    engine = make_engine(target)
    try:
        return {ix["name"] for ix in inspect(engine).get_indexes("stage_status")}
    finally:
        engine.dispose()


def _what_reviewers_see(p: Project) -> tuple[object, ...]:
    return (
        [(r.record_id, r.status) for r in p.records.listing()],
        p.records.ids(status="included"), p.records.ids(status="undecided"),
        p.records.counts("title_abstract", reviewer="ana"), p.records.queue_size("title_abstract", "ben"),
        p.prisma.counts(),
    )


def test_a_project_at_schema_0008_upgrades_with_its_statuses_and_queues_as_they_were(
        project_target: str, tmp_path: Path) -> None:
    with new_project(project_target) as p:
        add_batch(p, [make_record(i, title=f"Trial {i}") for i in range(1, 41)], tmp=tmp_path)
        ids = p.records.ids()
        p.bulk.decide(ids[:10], "ana", "include")
        p.bulk.decide(ids[:5], "ben", "include")
        p.bulk.decide(ids[10:15], "ana", "exclude", reason="Wrong population")
        seen = _what_reviewers_see(p)
        assert seen[1] == ids[:5]  # both reviewers included these five
    assert "ix_stage_status_status" not in _status_indexes(project_target)
    assert "ix_stage_status_list" in _status_indexes(project_target)
    engine = make_engine(project_target, writer=True)
    try:
        with engine.begin() as conn:  # the project as Screener made it at schema 0008
            command.downgrade(_alembic_config(conn), "0008")
    finally:
        engine.dispose()
    assert {"ix_stage_status_status", "ix_stage_status_list"} <= _status_indexes(project_target)
    with Project.open(project_target) as p:  # upgrades it
        assert _what_reviewers_see(p) == seen
        assert p.records.ids(status="excluded") == []
        p.bulk.decide(ids[10:15], "ben", "exclude", reason="Wrong population")  # both agree now
        assert p.records.ids(status="excluded") == ids[10:15]
    assert "ix_stage_status_status" not in _status_indexes(project_target)
    engine = make_engine(project_target)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    finally:
        engine.dispose()
