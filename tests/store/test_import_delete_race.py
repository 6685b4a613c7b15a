"""Adding a file to batch X while another window deletes batch X: the two follow each
other, never failing half-way with the database's refusal (a foreign key).

On a PostgreSQL server the import holds a share lock on X's row from the moment it looks
X up, and the deletion locks X's row before it reads X's records: a deletion that comes
second waits for the import to commit and then deletes the whole batch, the new records
with it; an import that comes second waits for the deletion and then refuses, saying so,
with nothing imported. A project file's writing transactions exclude each other whole.

A real file through ``ImportService.import_files`` (what ``screener import --batch`` runs)
and two real connections; held and watched as ``tests.store.races`` does, on no clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from screener.core.project import Project
from screener.types import ScreenerError, run_work
from tests.factories import add_batch, make_record, new_project
from tests.store.races import Worker, race

RIS = Path(__file__).parent.parent / "data" / "ris" / "proquest_abi_inform_anonymised__colrev.ris"  # 2 records


def _project(target: str, tmp_path: Path) -> tuple[int, int]:
    """Batch A (record 1) and batch B (record 2)."""
    p = new_project(target, per_record=1)
    a = add_batch(p, [make_record(1)], source="A", file_name="a.ris", tmp=tmp_path)
    b = add_batch(p, [make_record(2)], source="B", file_name="b.ris", tmp=tmp_path)
    p.close()
    return a, b


def _contents(p: Project) -> tuple[dict[int, int], list[tuple[int, str]], list[str]]:
    """Each record's batch, the source files (batch, name), and the events' kinds."""
    with p.store.engine.connect() as conn:
        records = dict(conn.execute(text("SELECT id, batch_id FROM record ORDER BY id")).all())
        files = [(b, n) for b, n in conn.execute(text("SELECT batch_id, name FROM source_file ORDER BY id"))]
        events = list(conn.scalars(text("SELECT kind FROM event WHERE kind IN ('import', 'batch_deleted') "
                                        "ORDER BY id")))
    return records, files, events  # type: ignore[return-value]


def _import(p: Project, batch: int) -> Worker:
    return Worker("importer", lambda: run_work(p.imports.import_files([RIS], "A", batch_id=batch)))


def _race(target: str, tmp_path: Path, first: str) -> tuple[Worker, Worker, bool | None, tuple]:  # type: ignore[type-arg]
    """``first`` ("import" or "deletion") is held half-way in its transaction while the
    other starts on batch A; once the other waits for it (on a server), it goes on."""
    a, _b = _project(target, tmp_path)
    with Project.open(target) as importer, Project.open(target) as deleter:
        importing, deleting = _import(importer, a), Worker("deleter", lambda: deleter.imports.delete_batch(a))
        watch = None if importer.store.is_sqlite else target
        if first == "import":  # held once it has looked batch A up, about to store its file
            waited = race(importer.store.write_engine, importing, "INSERT INTO source_file", deleting, watch)
            return importing, deleting, waited, _contents(importer)
        # held once it has read batch A's records, deleting them
        waited = race(deleter.store.write_engine, deleting, "DELETE FROM record", importing, watch)
        return deleting, importing, waited, _contents(importer)


def test_a_deletion_that_meets_an_import_into_its_batch_waits_and_deletes_the_whole_batch(
        project_target: str, tmp_path: Path) -> None:
    importing, deleting, waited, (records, files, events) = _race(project_target, tmp_path, "import")
    report = importing.outcome()
    assert (report.batch_id, report.records) == (1, 2)
    assert deleting.outcome() == 3  # record 1 and the file's two records
    assert records == {2: 2}  # batch B alone is left
    assert [b for b, _name in files] == [2]
    assert events == ["import", "import", "import", "batch_deleted"]
    assert waited in (None, True)  # on a server the deletion waited for the import to commit


def test_an_import_into_a_batch_being_deleted_waits_and_refuses_with_nothing_imported(
        project_target: str, tmp_path: Path) -> None:
    deleting, importing, waited, (records, files, events) = _race(project_target, tmp_path, "deletion")
    assert deleting.outcome() == 1
    with pytest.raises(ScreenerError, match="batch 1"):
        importing.outcome()
    if waited is not None:  # on a server the import had looked batch A up before it went
        assert waited
        with pytest.raises(ScreenerError, match="batch 1 was deleted while importing; nothing was imported"):
            importing.outcome()
    assert records == {2: 2}
    assert [b for b, _name in files] == [2]
    assert events == ["import", "import", "batch_deleted"]

