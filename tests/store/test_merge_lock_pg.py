"""On a PostgreSQL server, deleting a batch takes the project's lock on merges
(``dedup_run.lock_merges``) as a dedup run, a reviewer's verdict and an update's links
do: a deletion and a run (or an update import) at the same moment follow each other.
The deletion waits for the run to commit and then sees its links (it refuses, or deletes
what is no longer linked to), or the run waits for the deletion and merges what is
left; neither fails half-way with the database's refusal, and no work is lost.

And the lock is one lock for every role that works on the project, whatever its own
schema: keyed by the ``record`` table used, not by ``current_schema()``.

Two real connections in two threads on a real server; the test waits on what it
started (``Hold``, the server's lock table, each thread's end), never on a clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from screener.core.project import Project
from screener.core.services.dedup_run import lock_merges
from screener.types import ReadResult, ScreenerError, run_work
from tests.factories import add_batch, new_project
from tests.pg import PostgresServer
from tests.store.races import WAIT, Hold, Worker, waits_for_merge_lock
from tests.store.test_dedup_service import article


def _two_batches(postgres: PostgresServer, tmp_path: Path) -> tuple[str, int, int]:
    """A project with one article in batch A (record 1) and the same article in batch B
    (record 2), not merged yet."""
    url = postgres.new_database()
    p = new_project(url, per_record=1)
    a = add_batch(p, [article(1, doi="10.1/original")], source="A", file_name="a.ris", tmp=tmp_path)
    b = add_batch(p, [article(2, doi="10.1/original")], source="B", file_name="b.ris", tmp=tmp_path)
    p.close()
    return url, a, b


def _rows(p: Project) -> tuple[dict[int, tuple[int | None, int]], dict[tuple[int, int], str]]:
    with p.store.engine.connect() as conn:
        records = {rid: (dup, bid) for rid, dup, bid in
                   conn.execute(text("SELECT id, duplicate_of, batch_id FROM record ORDER BY id"))}
        pairs = {(a, b): st for a, b, st in conn.execute(text("SELECT record_a, record_b, status FROM duplicate_pair"))}
    return records, pairs


@pytest.mark.parametrize("which", ["canonical", "duplicate"])
def test_a_batch_deleted_while_a_run_writes_its_merges_waits_and_the_run_keeps_its_work(
        postgres: PostgresServer, tmp_path: Path, which: str) -> None:
    url, a, b = _two_batches(postgres, tmp_path)
    with Project.open(url) as runner, Project.open(url) as other:
        hold = Hold(runner.store.write_engine, "dedup", "UPDATE record SET duplicate_of")
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))
        dedup.start()
        assert hold.reached.wait(WAIT)  # the run is writing its merges (2 into 1), its transaction open
        deleter = Worker("deleter", lambda: other.imports.delete_batch(a if which == "canonical" else b))
        deleter.start()
        waited = waits_for_merge_lock(url, deleter)
        hold.go.set()
        summary = dedup.outcome()  # the run never fails
        hold.remove()
        deleter.join(WAIT)
        records, pairs = _rows(runner)
        if which == "canonical":  # record 1 now has record 2 of batch B merged into it
            with pytest.raises(ScreenerError, match="1 records of other batches are merged into this batch's records"):
                deleter.outcome()
            assert records == {1: (None, a), 2: (1, b)}  # nothing deleted, the merge kept
            assert pairs == {(1, 2): "auto"}
        else:  # the duplicate's batch goes, with the run's pair about it
            assert deleter.outcome() == 1
            assert records == {1: (None, a)}
            assert pairs == {}
    assert waited  # the deletion waited for the run to commit
    assert summary.merged == 1


def test_a_run_whose_merges_meet_a_deletion_in_progress_waits_and_merges_what_is_left(
        postgres: PostgresServer, tmp_path: Path) -> None:
    url, a, b = _two_batches(postgres, tmp_path)
    with Project.open(url) as runner, Project.open(url) as other:
        hold = Hold(other.store.write_engine, "deleter", "DELETE FROM record")
        deleter = Worker("deleter", lambda: other.imports.delete_batch(b))
        deleter.start()
        assert hold.reached.wait(WAIT)  # the deletion of record 2 is under way, its transaction open
        dedup = Worker("dedup", lambda: run_work(runner.dedup.run()))  # found 1 = 2 when it read
        dedup.start()
        waited = waits_for_merge_lock(url, dedup)
        hold.go.set()
        assert deleter.outcome() == 1
        summary = dedup.outcome()  # then merges what is left: nothing, and says so
        hold.remove()
        records, pairs = _rows(runner)
    assert waited  # the run's writing transaction waited for the deletion to commit
    assert summary.merged == 0 and summary.candidates == []
    assert records == {1: (None, a)}
    assert pairs == {}


def test_deleting_the_batch_an_update_links_to_waits_for_the_update_and_then_refuses(
        postgres: PostgresServer, tmp_path: Path) -> None:
    url, a, b = _two_batches(postgres, tmp_path)
    (tmp_path / "update.ris").write_text("placeholder\n", encoding="utf-8")
    again = ReadResult(str(tmp_path / "update.ris"), "ris", "utf-8", [article(4, doi="10.1/original")])
    with Project.open(url) as importer, Project.open(url) as other:
        hold = Hold(importer.store.write_engine, "importer", "UPDATE record SET duplicate_of")
        update = Worker("importer", lambda: run_work(importer.imports.store_batch([again], "A", update=True)))
        update.start()
        assert hold.reached.wait(WAIT)  # the update is linking its record to record 1, uncommitted
        deleter = Worker("deleter", lambda: other.imports.delete_batch(a))
        deleter.start()
        waited = waits_for_merge_lock(url, deleter)
        hold.go.set()
        report = update.outcome()  # the update is stored whole
        hold.remove()
        with pytest.raises(ScreenerError, match="merged into this batch's records"):
            deleter.outcome()  # it saw the update's link once committed
        records, _pairs = _rows(importer)
    assert waited
    assert report.update is not None and report.update.linked == 1
    assert records[1] == (None, a) and records[2] == (None, b)  # batch A is still there
    assert [dup for rid, (dup, _bid) in records.items() if rid > 2] == [1]  # the update's record, linked to 1


def test_an_update_added_to_a_batch_being_deleted_and_the_deletion_follow_each_other(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """Adding an update's files to batch A locks A's row (its new records name it) and then
    takes the lock on merges to link them; deleting A takes that lock and then A's row. In
    two orders they would deadlock: the update takes the lock on merges first."""
    url, a, _b = _two_batches(postgres, tmp_path)
    (tmp_path / "update.ris").write_text("placeholder\n", encoding="utf-8")
    again = ReadResult(str(tmp_path / "update.ris"), "ris", "utf-8", [article(4, doi="10.1/original")])
    with Project.open(url) as importer, Project.open(url) as other:
        hold = Hold(importer.store.write_engine, "importer", "INSERT INTO record")
        update = Worker("importer", lambda: run_work(
            importer.imports.store_batch([again], "A", batch_id=a, update=True)))
        update.start()
        assert hold.reached.wait(WAIT)  # the update is storing its record in batch A
        deleter = Worker("deleter", lambda: other.imports.delete_batch(a))
        deleter.start()
        waited = waits_for_merge_lock(url, deleter)
        hold.go.set()
        report = update.outcome()
        hold.remove()
        deleted = deleter.outcome()  # then batch A goes, the update's record with it
        records, _pairs = _rows(importer)
    assert waited
    assert report.update is not None and report.update.linked == 1
    assert deleted == 2 and list(records) == [2]


def test_a_role_with_a_schema_of_its_own_waits_for_the_owners_merge_lock(
        postgres: PostgresServer) -> None:
    """PostgreSQL 15's advice: a schema per user, first on its search path ("$user",
    public). Such a role works on the project's tables in public while its current schema
    is its own, so a key made of the current schema would give it a lock of its own."""
    url = postgres.new_database()
    new_project(url, per_record=1).close()
    engine = create_engine(url, poolclass=NullPool)  # no connection kept with the role set
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE ROLE merge_lock_reviewer")
        conn.exec_driver_sql("CREATE SCHEMA merge_lock_reviewer AUTHORIZATION merge_lock_reviewer")
        conn.exec_driver_sql("GRANT USAGE ON SCHEMA public TO merge_lock_reviewer")
        conn.exec_driver_sql("GRANT SELECT ON record TO merge_lock_reviewer")
    try:
        with engine.connect() as owner, engine.connect() as reviewer:
            reviewer.exec_driver_sql("SET ROLE merge_lock_reviewer")
            reviewer.commit()  # for the session, not only this transaction
            schemas = {owner.exec_driver_sql("SELECT current_schema()").scalar_one(),
                       reviewer.exec_driver_sql("SELECT current_schema()").scalar_one()}
            assert schemas == {"public", "merge_lock_reviewer"}  # two schemas, one record table
            lock_merges(owner)  # the owner's transaction holds the lock
            waiting = Worker("reviewer", lambda: lock_merges(reviewer))
            waiting.start()
            waited = waits_for_merge_lock(url, waiting)
            owner.rollback()  # the owner's transaction ends: the reviewer gets the lock
            waiting.outcome()
            reviewer.rollback()
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA merge_lock_reviewer")
            conn.exec_driver_sql("REVOKE ALL ON record FROM merge_lock_reviewer")
            conn.exec_driver_sql("REVOKE ALL ON SCHEMA public FROM merge_lock_reviewer")
            conn.exec_driver_sql("DROP ROLE merge_lock_reviewer")
        engine.dispose()
    assert waited  # the reviewer waited for the owner's lock
