"""Opening a project: a ``.screener`` SQLite file or a PostgreSQL URL.

Creates the engine with the right settings per backend, runs the Alembic migrations
(backing the file up first), and refuses a project written by a newer Screener.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from screener.types import ScreenerError

MIGRATIONS = Path(__file__).with_name("migrations")


class ProjectVersionError(ScreenerError):
    pass


def is_url(target: str) -> bool:
    return "://" in target


def project_url(target: str | Path) -> str:
    target = str(target)
    if is_url(target):
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def _sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # Take transaction control from pysqlite so SQLAlchemy's BEGIN is the one used.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # Records (abstract plus the original tags) run to several kB: pages of 16 kB hold
    # them without overflow chains. Takes effect only on a new, empty file.
    cur.execute("PRAGMA page_size=16384")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # in WAL: durable against a crash of the app
    cur.execute("PRAGMA busy_timeout=15000")  # a second window waits, never corrupts
    cur.close()


# A server that goes away is noticed within seconds instead of the operating system's minutes.
PG_CONNECT_DEFAULTS = {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 15,
                       "keepalives_interval": 5, "keepalives_count": 3, "tcp_user_timeout": 20000,
                       "application_name": "screener"}


def pg_connect_args(url: str, password: str | None = None) -> dict[str, object]:
    """Driver arguments for a PostgreSQL URL: the defaults above unless the URL sets them,
    and the password (never part of the URL, so never shown, logged or remembered)."""
    given = set(make_url(url).query)
    args: dict[str, object] = {k: v for k, v in PG_CONNECT_DEFAULTS.items() if k not in given}
    if password is not None:
        args["password"] = password
    return args


def make_engine(target: str | Path, *, writer: bool = False, password: str | None = None) -> Engine:
    """An engine for reading, or (``writer``) one whose transactions take the write lock
    at BEGIN, so that two processes writing the same SQLite file queue instead of failing."""
    url = project_url(target)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args=pg_connect_args(url, password))


def _alembic_config(connection) -> Config:  # type: ignore[no-untyped-def]
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known_revisions() -> set[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}


def migrate(engine: Engine, target: str | Path) -> None:
    """Bring the schema to head. Backs a SQLite file up before changing an old schema."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is not None and current not in _known_revisions():
        raise ProjectVersionError(
            f"{target}: this project was saved by a newer version of Screener "
            f"(schema {current}; this version reads schema {head} and older); "
            "please update Screener to open it."
        )
    if current is not None and not is_url(str(target)):
        path = Path(target)
        backup = path.with_name(f"{path.name}.backup-{current}")
        engine.dispose()
        shutil.copy2(path, backup)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")


@dataclass
class Store:
    """An open project: its engine and a session factory."""

    target: str
    engine: Engine
    Session: sessionmaker[OrmSession]  # for reads
    WriteSession: sessionmaker[OrmSession]  # for units of work that write

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def folder(self) -> Path | None:
        """The folder beside a project file where attachments (PDFs) go."""
        if is_url(self.target):
            return None
        p = Path(self.target)
        return p.with_name(p.stem + "_files")

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the project file now (SQLite only; PASSIVE, so it
        never waits for or blocks readers and writers). Run when the app is idle, it spares
        a later commit the automatic checkpoint SQLite would otherwise make inside it."""
        if not self.is_sqlite:
            return False
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            raw.close()
        return True

    def close(self) -> None:
        self.engine.dispose()
        self.WriteSession.kw["bind"].dispose()


def _check_is_project(target: str, password: str | None = None) -> None:
    """Refuse, without writing a byte, anything that is not a Screener project: never
    turn some other file or database into one."""
    if is_url(target):
        probe = make_engine(target, password=password)
    else:
        with open(target, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise ScreenerError(f"{target}: not a Screener project file")
        probe = create_engine(f"sqlite:///file:{Path(target).resolve()}?mode=ro&uri=true")
    try:
        if not inspect(probe).has_table("alembic_version"):
            raise ScreenerError(f"{target}: not a Screener project (it has no Screener tables)")
    finally:
        probe.dispose()


def open_store(target: str | Path, *, create: bool = False, password: str | None = None) -> Store:
    target = str(target)
    if not is_url(target):
        path = Path(target)
        if not create and not path.exists():
            raise ScreenerError(f"{target}: no such project file")
        if create and path.exists() and path.stat().st_size > 0:
            raise ScreenerError(f"{target}: a file already exists there")
    if not create:
        _check_is_project(target, password)
    engine = make_engine(target, password=password)
    writer = make_engine(target, writer=True) if engine.dialect.name == "sqlite" else engine
    try:
        migrate(writer, target)
    except Exception:
        engine.dispose()
        writer.dispose()
        raise
    return Store(
        target,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(writer, expire_on_commit=False),
    )
