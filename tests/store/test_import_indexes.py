"""A large import on a project file: its transaction runs without foreign-key checks and
makes the indexes it dropped in a second, short transaction. What a user relies on: the
project is whole afterwards (every reference sound, deletions still cascade), no other unit
of work ever gets a connection without foreign-key checks, and an import killed between
its two commits leaves its records imported, the next opening only reading (never writing,
never waiting for another process's write lock), and the indexes made by the next write."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from screener.core.project import Project
from screener.store import bulk
from screener.store.sqlite_file import DEFERRED_INDEXES
from screener.types import ScreenerError, run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
FILES = [RIS / "cff_scopus__citation-file-formatting.ris", RIS / "lens_baseline__asreview.ris"]
KEPT = {"ix_record_batch_id", "ix_record_duplicate_of", "ix_record_type_key"}  # kept up row by row


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 0)  # these few records count as a large import


def _record_indexes(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as c:
        return dict(c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record' "
                              "AND sql IS NOT NULL"))


def _write_connections(p: Project) -> list[tuple[int, int]]:
    """foreign_keys and wal_autocheckpoint of every connection the writing pool holds."""
    pool = p.store.write_engine.pool
    held = [pool.connect() for _ in range(pool.checkedin())]  # type: ignore[attr-defined]
    try:
        return [(c.dbapi_connection.execute("PRAGMA foreign_keys").fetchone()[0],  # type: ignore[union-attr]
                 c.dbapi_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0])  # type: ignore[union-attr]
                for c in held]
    finally:
        for c in held:
            c.close()


def _checks_on(p: Project) -> bool:
    held = _write_connections(p)
    return bool(held) and all(c == (1, 1000) for c in held)


def test_the_indexes_an_import_defers_are_those_the_schema_has(tmp_path: Path) -> None:
    """``DEFERRED_INDEXES`` is what opening makes again: it must name every record index but
    those an import keeps up, exactly as the migrations make them."""
    Project.create(tmp_path / "p.screener", title="T").close()
    made = {name: sql for name, sql in _record_indexes(tmp_path / "p.screener").items() if name not in KEPT}
    assert made == {name: sql.replace(" IF NOT EXISTS", "") for name, sql in DEFERRED_INDEXES.items()}


def test_after_a_large_import_every_reference_holds_and_deleting_a_batch_cascades(
        tmp_path: Path, large: None) -> None:
    with Project.create(tmp_path / "p.screener", title="T") as p:
        first = run_work(p.imports.import_files(FILES, source="Scopus")).batch_id
        second = run_work(p.imports.import_files(FILES[:1], source="Embase")).batch_id
        assert _checks_on(p)
        with p.store.Session() as s:
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert _record_indexes(tmp_path / "p.screener").keys() >= DEFERRED_INDEXES.keys()
        # The database's own cascades, on a connection from the pool the imports used.
        with p.store.WriteSession() as s, s.begin():
            s.execute(text("DELETE FROM batch WHERE id = :b"), {"b": first})
        with p.store.Session() as s:
            assert s.execute(text("SELECT count(*) FROM record WHERE batch_id = :b"), {"b": first}).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM source_file WHERE batch_id = :b"), {"b": first}).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM stage_status")).scalar() == 2 * 10  # the second's only
        assert p.imports.delete_batch(second) == 10
        assert p.records.ids() == []


def test_a_failed_or_cancelled_import_hands_its_connection_back_with_its_checks_on(
        tmp_path: Path, large: None) -> None:
    broken = tmp_path / "broken.ris"
    broken.write_bytes((RIS / "rispy_basic.ris").read_bytes() + b"\nAU  - Orphan, A.\nER  - \n")
    with Project.create(tmp_path / "p.screener", title="T") as p:
        with pytest.raises(ScreenerError, match="broken.ris, line"):
            run_work(p.imports.import_files([*FILES, broken], source="Scopus", strict=True))
        assert _checks_on(p)
        work = p.imports.import_files(FILES, source="Scopus")
        next(work)  # storing: the transaction has begun
        work.close()  # Cancel
        assert _checks_on(p)
        assert p.records.ids() == [] and p.imports.batches() == []


# A real import in another process, stopped for good between its two commits: after the
# rows' commit, with one of the indexes made in the second transaction, not yet committed.
CHILD = """
import sys, time
from pathlib import Path
from screener.core.project import Project
from screener.core.services import importing
from screener.store import bulk
from screener.types import run_work

bulk.DEFER_INDEXES_FROM = 0
real = importing.create_indexes

def create_then_stop(s, statements):
    real(s, statements[:1])
    Path(sys.argv[2]).write_text("rows committed")
    time.sleep(600)

importing.create_indexes = create_then_stop
with Project.open(sys.argv[1]) as p:
    run_work(p.imports.import_files(sys.argv[3:], source="Scopus"))
"""


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_killed_between_its_rows_and_its_indexes_is_whole_after_the_next_write(tmp_path: Path) -> None:
    project, reached = tmp_path / "p.screener", tmp_path / "reached"
    Project.create(project, title="T").close()
    before = _record_indexes(project)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project), str(reached), *map(str, FILES)])
    try:
        deadline = time.monotonic() + 120
        while not reached.exists():
            assert child.poll() is None, "the import ended before its rows were committed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert not DEFERRED_INDEXES.keys() & _record_indexes(project).keys()  # the kill left them missing
    files = {f: _file_hash(f) for f in tmp_path.iterdir() if f.name.startswith("p.screener") and f.is_file()}
    with Project.open(project) as p:
        ids = p.records.ids()
        assert len(ids) == 110
        assert p.records.ids(search="peer") != []
        assert not DEFERRED_INDEXES.keys() & _record_indexes(project).keys()  # opening and reading write nothing
        assert {f: _file_hash(f) for f in files if f.suffix != ".screener-shm"} == \
            {f: h for f, h in files.items() if f.suffix != ".screener-shm"}
        p.settings.add_reviewer("alice")  # the next change makes them
        assert _record_indexes(project) == before
        p.screening.decide(ids[0], "alice", "include")
        with p.store.Session() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
    with Project.open(project) as p:
        assert [d.decision for d in p.screening.decisions_of(ids[0])] == ["include"]


def test_a_write_goes_on_when_making_the_missing_indexes_fails(tmp_path: Path) -> None:
    project = tmp_path / "p.screener"
    with Project.create(project, title="T") as p:
        run_work(p.imports.import_files([str(FILES[1])], source="Lens"))
        ids = p.records.ids()
    before = _record_indexes(project)
    with sqlite3.connect(project, isolation_level=None) as c:
        for name in DEFERRED_INDEXES:  # as an import killed between its commits leaves them
            c.execute(f"DROP INDEX {name}")
        # Something in the way of the last one: making them fails after three are made.
        c.execute("CREATE VIEW ix_record_year AS SELECT 1")
    with Project.open(project) as p:
        p.settings.add_reviewer("alice")  # no error: the write is done
        assert not DEFERRED_INDEXES.keys() & _record_indexes(project).keys()  # all rolled back
        p.screening.decide(ids[0], "alice", "include")
        p.screening.decide(ids[1], "alice", "exclude")  # tried once only
    with Project.open(project) as p:
        assert [d.decision for d in p.screening.decisions_of(ids[0])] == ["include"]
        assert [d.decision for d in p.screening.decisions_of(ids[1])] == ["exclude"]
    with sqlite3.connect(project, isolation_level=None) as c:
        c.execute("DROP VIEW ix_record_year")
    with Project.open(project) as p:
        p.screening.decide(ids[2], "alice", "include")
    assert _record_indexes(project) == before


def test_opening_never_waits_for_another_writer_and_never_writes(tmp_path: Path) -> None:
    project = tmp_path / "p.screener"
    Project.create(project, title="T").close()
    before = _record_indexes(project)
    with sqlite3.connect(project, isolation_level=None) as c:
        c.execute("DROP INDEX ix_record_sort_title")  # as an import killed between its commits leaves it
        c.execute("BEGIN IMMEDIATE")  # another process writing
        started = time.monotonic()
        Project.open(project).close()
        assert time.monotonic() - started < 5
        assert "ix_record_sort_title" not in _record_indexes(project)
        c.execute("COMMIT")
    Project.open(project).close()
    assert "ix_record_sort_title" not in _record_indexes(project)  # opening only reads
    assert _record_indexes(project).keys() == before.keys() - {"ix_record_sort_title"}
