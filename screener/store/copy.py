"""Copying a project, row for row and history included: file or server to file or server.

The copy reads one consistent snapshot of the source, and writes the destination in a
single transaction (schema and rows together), so that it lands whole or not at all.
Ids are kept, so record ids stay the same for life, and the history stays in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Engine, Table, inspect, select, update
from sqlalchemy.orm import Session

from screener.store import security
from screener.store.engine import _alembic_config, is_url, make_engine, project_url
from screener.store.models import Base, Project, Record, Reviewer
from screener.store.search import index_records
from screener.types import ScreenerError

CHUNK = 2000


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read transaction that sees the project as it was when it began, however long the
    copy takes and whoever else is working meanwhile."""
    options = {} if engine.dialect.name == "sqlite" else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _rows(src: Connection, table: Table) -> Iterator[list[dict[str, object]]]:
    order = list(table.primary_key.columns)
    result = src.execution_options(stream_results=True, yield_per=CHUNK).execute(
        select(table).order_by(*order))
    for part in result.mappings().partitions(CHUNK):
        yield [dict(row) for row in part]


def prepare_destination(dest: str) -> None:
    if is_url(dest):
        probe = make_engine(dest)
        try:
            tables = inspect(probe).get_table_names()
        finally:
            probe.dispose()
        if tables:
            raise ScreenerError(f"{dest}: that database is not empty; copy into a new, empty one")
    elif Path(dest).exists():
        raise ScreenerError(f"{dest}: a file already exists there")
    elif not Path(dest).resolve().parent.is_dir():
        raise ScreenerError(f"{dest}: no such folder")


def copy_rows(src: Connection, dest: Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    links: list[dict[str, object]] = []
    for table in Base.metadata.sorted_tables:
        n = 0
        for chunk in _rows(src, table):
            if table.name == Record.__tablename__:  # a record may point to a later one
                links += [{"rid": r["id"], "to": r["duplicate_of"]} for r in chunk if r["duplicate_of"]]
                chunk = [{**r, "duplicate_of": None} for r in chunk]
            dest.execute(table.insert(), chunk)
            if table.name == Record.__tablename__ and dest.dialect.name == "sqlite":
                index_records(Session(bind=dest), (
                    (int(r["id"]), str(r["title"]), str(r["abstract"]), list(r["authors"] or []),  # type: ignore[call-overload]
                     list(r["keywords"] or [])) for r in chunk))  # type: ignore[call-overload]
            n += len(chunk)
        counts[table.name] = n
    for start in range(0, len(links), CHUNK):
        from sqlalchemy import bindparam

        dest.execute(update(Record).where(Record.id == bindparam("rid"))
                     .values(duplicate_of=bindparam("to")), links[start:start + CHUNK])
    if dest.dialect.name == "postgresql":
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                dest.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")
    return counts


def copy_project(source: Engine, dest: str, *, strict: bool) -> tuple[dict[str, int], list[str]]:
    """Copy the project behind ``source`` (already at the current schema) to ``dest``, a
    new file or an empty database. Returns the rows copied per table, and warnings."""
    prepare_destination(dest)
    engine = make_engine(dest, writer=True)
    warnings: list[str] = []
    try:
        with snapshot(source) as src, engine.begin() as out:
            command.upgrade(_alembic_config(out), "head")
            counts = copy_rows(src, out)
            out.execute(update(Project).values(strict=strict))
            if strict:
                warnings = security.install(out)
            elif out.dialect.name == "postgresql" and src.scalar(select(Reviewer.id).where(
                    Reviewer.login.is_not(None)).limit(1)) is not None:
                warnings.append("the copy is not strict, so reviewers' logins give them no access "
                                "to it; copy again with --strict to enforce blinding")
    except BaseException:
        engine.dispose()
        if not is_url(dest):
            for suffix in ("", "-wal", "-shm"):
                Path(dest + suffix).unlink(missing_ok=True)
        raise
    engine.dispose()
    return counts, warnings


def same_place(a: str, b: str) -> bool:
    return project_url(a) == project_url(b)
