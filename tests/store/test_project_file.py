"""The project file: schema versions, migrations, all-or-nothing writes, concurrency."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from screener.core.project import Project
from screener.core.services.status import recompute_all
from screener.store.engine import ProjectVersionError, head_revision, open_store
from screener.store.models import Base
from screener.store.rows import decode_tags
from screener.types import ImportFormatError, ReadResult, ScreenerError, run_work
from tests.factories import add_batch, make_record, new_project

FIXTURES = Path(__file__).parent.parent / "data" / "projects"


def test_migrations_build_exactly_the_schema_of_the_models(project_target: str) -> None:
    store = open_store(project_target, create=True)
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        # The search index and the list's sort indexes are backend-specific and live outside the models.
        diff = [d for d in diff if "record_fts" not in str(d) and "ix_record_search" not in str(d)
                and "ix_record_sort_" not in str(d)]
        assert diff == []
    finally:
        store.close()


def test_a_project_from_a_newer_screener_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.screener"
    new_project(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(ProjectVersionError, match="newer version of Screener"):
        Project.open(path)
    assert path.read_bytes() == before


def test_an_older_project_is_backed_up_then_migrated_without_losing_a_tag(tmp_path: Path) -> None:
    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0001.screener").read_bytes())
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT id, raw, abstract FROM record ORDER BY id").fetchall()
    assert before and any("null" in raw for _, raw, _ in before)  # abstracts stored once
    Project.open(path).close()
    with sqlite3.connect(tmp_path / "old.screener.backup-0001") as conn:  # the 0001 file, whole
        assert conn.execute("SELECT id, raw, abstract FROM record ORDER BY id").fetchall() == before
    with sqlite3.connect(path) as conn:
        after = conn.execute("SELECT id, source_tags, abstract FROM record ORDER BY id").fetchall()
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    expected = [(rid, [(tag, abstract if value is None else value) for tag, value in json.loads(raw)])
                for rid, raw, abstract in before]
    assert [(rid, decode_tags(tags, abstract)) for rid, tags, abstract in after] == expected


def test_every_released_schema_fixture_opens(tmp_path: Path) -> None:
    fixtures = sorted(FIXTURES.glob("*.screener"))
    assert fixtures, "keep one project file per released schema in tests/data/projects"
    for fixture in fixtures:
        copy = tmp_path / fixture.name
        copy.write_bytes(fixture.read_bytes())
        with Project.open(copy) as p:
            assert p.settings.info().title
            assert p.records.listing()


def _table_rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    with sqlite3.connect(path) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'record_fts%' AND name != 'alembic_version'")]
        out = {}
        for t in tables:
            cur = conn.execute(f'SELECT * FROM "{t}"')
            out[t] = ([c[0] for c in cur.description], cur.fetchall())
        return out


# Statuses are derived from decisions, resolutions and retrievals: a migration may derive
# them anew (0003: reports not retrieved get the status "not_retrieved"), and then they
# must be exactly what deriving them from the kept rows gives.
DERIVED = {"stage_status": {"status", "reason"}}


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.screener")))
def test_migrating_a_released_project_keeps_every_row(fixture: str, tmp_path: Path) -> None:
    """Every row of every table of an older project is still there after migrating to the
    newest schema, with the same values in every column both schemas have."""
    path = tmp_path / fixture
    path.write_bytes((FIXTURES / fixture).read_bytes())
    before = _table_rows(path)
    Project.open(path).close()
    after = _table_rows(path)
    with Project.open(path) as p, p.store.WriteSession() as s, s.begin():
        recompute_all(s)
    assert _table_rows(path)["stage_status"] == after["stage_status"], f"{fixture}: statuses not derived"
    for table, (columns, rows) in before.items():
        assert table in after, f"{fixture}: table {table} was lost"
        new_columns, new_rows = after[table]
        shared = [c for c in columns if c in new_columns and c not in DERIVED.get(table, ())]
        old = sorted((tuple(r[columns.index(c)] for c in shared) for r in rows), key=repr)
        new = sorted((tuple(r[new_columns.index(c)] for c in shared) for r in new_rows), key=repr)
        assert new == old, f"{fixture}: rows of {table} changed"


def test_opening_something_that_is_not_a_project_says_so(tmp_path: Path) -> None:
    with pytest.raises(ScreenerError, match="no such project file"):
        Project.open(tmp_path / "missing.screener")


def test_an_import_that_fails_halfway_leaves_no_trace(project_target: str, tmp_path: Path) -> None:
    project = new_project(project_target)
    first, vanished = tmp_path / "embase.ris", tmp_path / "gone.ris"
    for path in (first, vanished):
        path.write_text("".join(f"TY  - JOUR\nTI  - Record {i}\nER  - \n" for i in range(6000)))
    work = project.imports.import_files([first, vanished], "Embase")
    next(work)  # the first chunk of the first file is written inside the transaction...
    vanished.unlink()  # ...when the second file disappears
    with pytest.raises(ImportFormatError, match="gone.ris: cannot read the file"):
        run_work(work)
    assert project.imports.batches() == []
    assert project.records.listing() == []
    project.close()


def test_cancelling_an_import_leaves_no_trace(project_target: str, tmp_path: Path) -> None:
    project = new_project(project_target)
    path = tmp_path / "e.ris"
    path.write_text("x")
    work = project.imports.store_batch(
        [ReadResult(str(path), "ris", "utf-8", [make_record(i) for i in range(1, 5001)])], "Scopus"
    )
    next(work)  # the first chunk is written inside the transaction
    work.close()  # what Cancel does
    assert project.imports.batches() == []
    assert project.records.ids() == []
    project.close()


def test_two_windows_on_one_file_see_each_others_decisions(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.screener")
    first = new_project(path)
    add_batch(first, [make_record(i) for i in range(1, 21)], tmp=tmp_path)
    second = Project.open(path)
    errors: list[Exception] = []

    def screen(p: Project, reviewer: str) -> None:
        try:
            for rid in range(1, 21):
                p.screening.decide(rid, reviewer, "include" if rid % 2 else "exclude")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=screen, args=(first, "ana")),
               threading.Thread(target=screen, args=(second, "ben"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(first.screening.decisions_of(7)) == 2
    assert {r.status for r in second.records.listing()} == {"included", "excluded"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    first.close()
    second.close()


def test_eight_reviewers_deciding_at_once_lose_nothing(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres.new_database()
    names = tuple(f"r{i}" for i in range(8))
    setup = new_project(url, reviewers=names, per_record=2)
    add_batch(setup, [make_record(i) for i in range(1, 41)], tmp=tmp_path)
    setup.close()
    errors: list[Exception] = []

    def screen(name: str, index: int) -> None:
        p = Project.open(url)
        try:
            for rid in range(1, 41):
                # reviewers r0..r3 include everything; r4..r7 include only even records
                choice = "include" if index < 4 or rid % 2 == 0 else "exclude"
                p.screening.decide(rid, name, choice)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            p.close()

    threads = [threading.Thread(target=screen, args=(n, i)) for i, n in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Project.open(url) as p:
        assert all(len(p.screening.decisions_of(rid)) == 8 for rid in range(1, 41))
        conflicts = {c.record_id for c in p.conflicts.conflicts()}
        assert conflicts == {rid for rid in range(1, 41) if rid % 2 == 1}


@pytest.mark.parametrize("content", [b"", b"%PDF-1.4\n", None])
def test_opening_a_file_that_is_not_a_project_leaves_it_untouched(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "other.db"
    if content is None:  # some other application's SQLite database
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(ScreenerError, match="not a Screener project"):
        Project.open(path)
    assert path.read_bytes() == before
    if content is None:
        with sqlite3.connect(path) as conn:
            assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["t"]


@pytest.mark.parametrize("edit", [
    "UPDATE project SET created_at = 'garbage'",
    "UPDATE project SET created_at = '2024-13-45 99:00:00'",
    "ALTER TABLE project DROP COLUMN created_at",
    "ALTER TABLE project DROP COLUMN legacy_reason_asked",
])
def test_a_project_with_hand_edited_settings_is_refused_at_open_as_damaged(tmp_path: Path, edit: str) -> None:
    path = tmp_path / "edited.screener"
    new_project(str(path)).close()
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(edit)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    with pytest.raises(ScreenerError, match=r"edited\.screener: a damaged Screener project"):
        Project.open(path)
