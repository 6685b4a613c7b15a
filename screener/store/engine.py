"""Opening a project: a ``.screener`` SQLite file or a PostgreSQL URL.

Creates the engine with the right settings per backend, runs the Alembic migrations
(backing the file up first), and refuses a project written by a newer Screener.

Opening and reading never take the write lock: the schema is checked on the reading
engine, and only a migration writes (indexes an import killed before making them left
missing are only noted on opening, and made by this process's next write). A project file
that cannot be written (read-only, in a read-only folder, on a full disk) opens for reading only and says why
(``Store.read_only``); one that needs a migration then says so. A unit of work that
writes waits for another process's write lock as long as it takes, telling
``Store.on_wait`` what it waits for (``store.sqlite_file``).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, OperationalError

from screener.paths import path_problem
from screener.store import revisions
from screener.store.liveness import check_alive
from screener.store.sqlite_file import (
    WRITABLE,
    DiskFullError,
    FileAccess,
    ImportMark,
    OnWait,
    begin_writing,
    disk_full_message,
    file_access,
    full_disk_access,
    is_disk_full_error,
    make_missing_indexes,
    missing_indexes,
    read_only_message,
)
from screener.types import ScreenerError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session as OrmSession
    from sqlalchemy.orm import sessionmaker

# Alembic is imported only where a schema is created or migrated (see store/revisions.py):
# opening a project that is already at head never loads it, so every command starts quicker.
# Nor is SQLAlchemy's ORM: opening a project is Core, and the session factories are made
# the first time a service asks for one (a command that needs only Core never loads it).

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


def _file_url(target: str, access: FileAccess) -> str:
    if not access.query:
        return project_url(target)
    path = quote(str(Path(target).expanduser().resolve()))
    return f"sqlite:///file:{path}?{access.query}&uri=true"


def _sqlite_connect_read_only(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA busy_timeout=15000")


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


# An import's write transaction on a project file (a transaction begun on a connection
# given this execution option, ``Connection.execution_options``) runs without foreign-key
# checks and without the automatic checkpoint at its commit: the rows it writes refer only
# to the batch and source-file rows it made or locked and to the record ids it just
# inserted, so the checks cost time (a tenth of the storing) and find nothing; and the
# checkpoint is made beside the next step instead of inside the commit (``ImportService``).
# Both are settings of the connection, not of a transaction (``foreign_keys`` cannot change
# inside one): set before BEGIN, they are set back when the connection returns to the pool,
# however the transaction ended, so no other unit of work ever gets them.
IMPORT_OPTION = "screener_import"
_IMPORT_PRAGMAS = "import_pragmas"  # in a pooled connection's info: set back at check-in
AUTOCHECKPOINT_PAGES = 1000  # SQLite's default


def _import_pragmas(dbapi_conn: sqlite3.Connection, info: dict[Any, Any]) -> None:
    info[_IMPORT_PRAGMAS] = True
    dbapi_conn.execute("PRAGMA foreign_keys=OFF")
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def _usual_pragmas(dbapi_conn: sqlite3.Connection | None, record: Any) -> None:
    if dbapi_conn is None or not record.info.pop(_IMPORT_PRAGMAS, False):
        return
    try:
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
    except sqlite3.Error as error:
        record.invalidate(error)  # closed: a new connection gets the usual settings


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


def make_engine(target: str | Path, *, writer: bool = False, password: str | None = None,
                access: FileAccess = WRITABLE, begin: Any = None) -> Engine:
    """An engine for reading, or (``writer``) one whose transactions take the write lock
    at BEGIN (through ``begin``, given the connection), so that two processes writing the
    same SQLite file queue instead of failing."""
    target = str(target)
    url = project_url(target) if is_url(target) else _file_url(target, access)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect_read_only if access.read_only else _sqlite_connect)
        if writer:
            event.listen(engine, "begin", begin or (lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE")))
            event.listen(engine, "checkin", _usual_pragmas)
        else:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        if not is_url(target):
            folder = Path(target).expanduser().resolve().parent
            event.listen(engine, "handle_error", lambda context: _disk_full(context, target, folder))
        return engine
    engine = create_engine(url, connect_args=pg_connect_args(url, password))
    event.listen(engine, "checkout", check_alive)  # instead of pool_pre_ping's round trip (store/liveness.py)
    return engine


def _disk_full(context: ExceptionContext, target: str, folder: Path) -> None:
    """A write that fails for want of space says so, in words."""
    if is_disk_full_error(context.original_exception, folder):
        raise DiskFullError(disk_full_message(target)) from context.original_exception


def _alembic_config(connection) -> Config:  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    known = revisions.head()
    if known is not None:
        return known
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the project, ``None`` for an empty database (one
    plain query: no Alembic)."""
    with engine.connect() as conn:
        try:
            versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
            found = list(versions)
        except DBAPIError:  # no such table yet: a new project
            return None
    return found[0] if len(found) == 1 else None


def _known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

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
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one client upgrades a server; the others wait
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('screener migrations'))")
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
        try:
            command.upgrade(_alembic_config(conn), "head")
        except DBAPIError as e:
            if getattr(e.orig, "sqlstate", None) != "42501":  # insufficient privilege
                raise
            raise ProjectVersionError(
                f"{target}: the project on the server is at schema {current} and this Screener "
                f"uses schema {head}; its owner must open it once with this version to upgrade it"
            ) from None
        from screener.store.security import after_migrate

        after_migrate(conn)


@dataclass
class Store:
    """An open project: its engines, and session factories made on first use."""

    target: str
    engine: Engine  # for reads
    write_engine: Engine  # for units of work that write (on a project file, BEGIN takes the lock)
    read_only: str = ""  # why nothing can be written ("" when it can)
    on_wait: OnWait = field(default=lambda _message: None)  # told while a write waits for the lock
    identity: object = None  # who this connection is (store.identity), handed to every session
    indexes_missing: bool = False  # deferred record indexes to make at this process's next write
    _makers: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def Session(self) -> sessionmaker[OrmSession]:  # noqa: N802 - a factory, named as one
        """Sessions for reads."""
        return self._maker("read", self.engine)

    @property
    def WriteSession(self) -> sessionmaker[OrmSession]:  # noqa: N802
        """Sessions for units of work that write."""
        return self._maker("write", self.write_engine)

    def _maker(self, kind: str, engine: Engine) -> sessionmaker[OrmSession]:
        maker = self._makers.get(kind)
        if maker is None:
            from sqlalchemy.orm import sessionmaker

            info = {} if self.identity is None else {"identity": self.identity}
            maker = self._makers[kind] = sessionmaker(engine, expire_on_commit=False, info=info)
        return maker  # type: ignore[no-any-return]

    def set_identity(self, identity: object) -> None:
        self.identity = identity
        for maker in self._makers.values():
            maker.configure(info={"identity": identity})

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
        if not self.is_sqlite or self.read_only:
            return False
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            raw.close()
        return True

    def importing(self) -> AbstractContextManager[object]:
        """Held by an import while it stores: another process waiting to write then says
        that it waits for an import (a project file only)."""
        if is_url(self.target):
            return nullcontext()
        return ImportMark(str(Path(self.target).expanduser().resolve()))

    def close(self) -> None:
        self.engine.dispose()
        self.write_engine.dispose()

    def _begin_write(self, conn: Any) -> None:
        if self.read_only:
            raise ScreenerError(read_only_message(self.target, self.read_only))
        dbapi = conn.connection.dbapi_connection
        if conn.get_execution_options().get(IMPORT_OPTION):
            _import_pragmas(dbapi, conn.connection.info)
        self._begin(dbapi)
        if self.indexes_missing:
            self.indexes_missing = False  # tried once: on a full disk, every write would pay for it
            if not make_missing_indexes(dbapi):
                self._begin(dbapi)  # SQLite ended the transaction on the error: the write goes on

    def _begin(self, dbapi: sqlite3.Connection) -> None:
        try:
            begin_writing(dbapi, str(Path(self.target).expanduser().resolve()), self.on_wait)
        except sqlite3.Error as error:
            if is_disk_full_error(error, Path(self.target).expanduser().resolve().parent):
                raise DiskFullError(disk_full_message(self.target)) from error
            raise


def _check_is_project(target: str, password: str | None = None, access: FileAccess = WRITABLE) -> None:
    """Refuse, without writing a byte, anything that is not a Screener project: never
    turn some other file or database into one."""
    if is_url(target):
        probe = make_engine(target, password=password)
    else:
        with open(target, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise ScreenerError(f"{target}: not a Screener project file")
        probe = create_engine(_file_url(target, FileAccess(access.read_only, access.query or "mode=ro")))
    try:
        if not inspect(probe).has_table("alembic_version"):
            raise ScreenerError(f"{target}: not a Screener project (it has no Screener tables)")
    finally:
        probe.dispose()


def _check_path(target: str, create: bool) -> None:
    """Refuse a project path that is not a regular file, saying what it is."""
    path = Path(target).expanduser()
    problem = path_problem(path)
    if create:
        if problem is None and path.stat().st_size > 0:
            raise ScreenerError(f"{target}: a file already exists there")
        if problem is not None and problem != "no such file":
            raise ScreenerError(f"{target}: {problem}")
    elif problem == "no such file":
        raise ScreenerError(f"{target}: no such project file")
    elif problem is not None:
        raise ScreenerError(f"{target}: {problem}, not a Screener project file")


def _connect(target: str, access: FileAccess, on_wait: OnWait | None, password: str | None = None) -> Store:
    engine = make_engine(target, password=password, access=access)
    store = Store(target, engine, engine, read_only=access.read_only)
    if on_wait is not None:
        store.on_wait = on_wait
    if engine.dialect.name == "sqlite":
        store.write_engine = make_engine(target, writer=True, access=access, begin=store._begin_write)
    return store


def _check_schema(store: Store) -> None:
    """Bring the schema to head, reading the revision without the write lock; a
    read-only project that needs a migration says so."""
    current = current_revision(store.engine)
    if current == head_revision():
        return
    if store.read_only and current in _known_revisions():
        raise ProjectVersionError(
            f"{store.target}: this project was saved by an older version of Screener (schema "
            f"{current}) and needs a migration, which cannot be done: {store.read_only}. "
            "Copy it to a folder you can write to and open it there"
        )
    migrate(store.write_engine, store.target)


def _indexes_missing(store: Store) -> bool:
    """Whether an import killed between storing its rows and making its indexes left
    some missing (``sqlite_file.DEFERRED_INDEXES``): one query of the schema, reading only."""
    reader = store.engine.raw_connection()
    try:
        return bool(missing_indexes(reader.driver_connection))  # type: ignore[arg-type]
    finally:
        reader.close()


def open_store(target: str | Path, *, create: bool = False, password: str | None = None,
               on_wait: OnWait | None = None) -> Store:
    """Open (or ``create``) a project (``password``: for a server's user). ``on_wait`` is
    told when a write waits for another process (see ``Store.on_wait``)."""
    target = str(target)
    access = WRITABLE
    if not is_url(target):
        _check_path(target, create)
        if not create:
            access = file_access(Path(target).expanduser().resolve())
    for attempt in (1, 2):
        try:
            if not create:
                _check_is_project(target, password, access)
            store = _connect(target, access, on_wait, password)
        except OperationalError as error:
            if attempt == 2 or create or is_url(target) or access.read_only or not _full(error, target):
                raise
            access = full_disk_access(Path(target).expanduser().resolve())
            continue
        try:
            _check_schema(store)
            if store.is_sqlite and not access.read_only:
                store.indexes_missing = _indexes_missing(store)
        except BaseException as error:
            store.close()
            if (isinstance(error, OperationalError | DiskFullError) and attempt == 1 and not create
                    and not is_url(target) and not access.read_only and _full(error, target)):
                access = full_disk_access(Path(target).expanduser().resolve())
                continue
            raise
        return store
    raise AssertionError("unreachable")


def _full(error: BaseException, target: str) -> bool:
    if isinstance(error, DiskFullError):
        return True
    original = getattr(error, "orig", None)
    return original is not None and is_disk_full_error(original, Path(target).expanduser().resolve().parent)
