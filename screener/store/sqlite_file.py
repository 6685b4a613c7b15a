"""A project file on this computer (SQLite): how it may be opened, and waiting for it.

* **How it may be opened** (``file_access``). A project that cannot be written (a
  read-only file, a read-only folder, or a full disk) is opened for reading only, and
  says why. SQLite keeps the changes of a project in write-ahead mode in ``-wal`` and
  ``-shm`` files beside it; in a folder where those cannot be created, the file is
  opened as immutable, which is exact as long as no ``-wal`` file holds changes.
* **Waiting for the write lock** (``begin_writing``). One process writes a project
  file at a time. A unit of work that finds another process writing waits as long as
  it takes, telling the user (through a callback) what it waits for, and never fails
  after a fixed time; reading never waits, and never takes the lock.
* **The mark of an import** (``ImportMark``). An import holds the write lock for as
  long as it stores; while it does, a ``-import`` file beside the project is locked, so
  that another process waiting for the lock can say that it waits for an import.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from screener.types import ScreenerError

try:
    import fcntl
except ImportError:  # Windows: the mark is there or not, with no lock on it
    fcntl = None  # type: ignore[assignment]

FULL_BYTES = 1 << 20  # less free space than this, and a failed write is a full disk
FIRST_WAIT_MS = 1000  # a writer waits this long, quietly, before it says it is waiting
WAIT_STEP_MS = 250  # then it tries again this often, telling the user each time

WAITING_FOR_IMPORT = "waiting for an import in another window to finish"
WAITING_FOR_WRITER = "waiting for another window to finish saving"

OnWait = Callable[[str | None], None]  # a message while waiting; None when the wait is over


class DiskFullError(ScreenerError):
    pass


@dataclass(frozen=True)
class FileAccess:
    """How to open a project file: ``read_only`` says why it cannot be written ("" when
    it can), ``query`` is the SQLite URI query that opens it so."""

    read_only: str = ""
    query: str = ""


WRITABLE = FileAccess()


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def disk_is_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < FULL_BYTES
    except OSError:
        return False


def file_access(path: Path) -> FileAccess:
    """How the project file at ``path`` can be opened: for writing, or for reading only
    (and why). Raises ScreenerError when it cannot be read exactly."""
    folder = path.parent
    if _writable(path) and _writable(folder):
        if disk_is_full(folder) and not sidecar(path, "-shm").exists():
            return full_disk_access(path)  # SQLite could not make its -shm file
        return FileAccess()
    why = "the file is read-only" if _writable(folder) else "its folder is read-only"
    if _writable(folder) or sidecar(path, "-shm").exists():
        return FileAccess(why, "mode=ro")  # SQLite can read (or make) its -shm file
    if _holds_changes(path):
        raise ScreenerError(
            f"{path}: {why}, and changes not yet written into the file wait in "
            f"{sidecar(path, '-wal').name}; open it once in a folder you can write to"
        )
    return FileAccess(why, "mode=ro&immutable=1")


def full_disk_access(path: Path) -> FileAccess:
    """Reading a project on a full disk, where SQLite cannot make its -shm file."""
    if _holds_changes(path):
        raise DiskFullError(
            f"{path}: the disk is full, and changes not yet written into the file wait in "
            f"{sidecar(path, '-wal').name}; free some space to open it"
        )
    return FileAccess("the disk is full", "mode=ro&immutable=1")


def _holds_changes(path: Path) -> bool:
    try:
        return sidecar(path, "-wal").stat().st_size > 0
    except OSError:
        return False


def is_disk_full_error(error: BaseException, folder: Path) -> bool:
    """Whether an SQLite error means the disk is full: SQLITE_FULL, or an I/O error
    (writing the -shm or -wal file) with next to no space left."""
    if not isinstance(error, sqlite3.Error):
        return False
    name = getattr(error, "sqlite_errorname", "")
    return name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and disk_is_full(folder))


def disk_full_message(target: str) -> str:
    return f"{target}: the disk is full; nothing was changed. Free some space and try again"


def read_only_message(target: str, why: str) -> str:
    hint = "free some space and open it again" if why == "the disk is full" else "copy it to a folder you can write to"
    return f"{target}: opened for reading only ({why}); nothing can be changed: {hint}"


# -- waiting for the write lock -------------------------------------------------------------


def begin_writing(connection: sqlite3.Connection, target: str, on_wait: OnWait) -> None:
    """BEGIN IMMEDIATE (take the write lock), waiting as long as another process holds
    it. After ``FIRST_WAIT_MS`` the wait is told through ``on_wait``, again every
    ``WAIT_STEP_MS`` (so that a window can repaint), and ended with ``on_wait(None)``."""
    (usual,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute(f"PRAGMA busy_timeout={FIRST_WAIT_MS}")
    waited = False
    try:
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY:
                    raise
            if not waited:
                waited = True
                connection.execute(f"PRAGMA busy_timeout={WAIT_STEP_MS}")
            on_wait(WAITING_FOR_IMPORT if import_running(target) else WAITING_FOR_WRITER)
    finally:
        connection.execute(f"PRAGMA busy_timeout={usual}")
        if waited:
            on_wait(None)


# -- the mark of an import --------------------------------------------------------------------


def _mark_path(target: str) -> Path:
    return sidecar(Path(target).expanduser().resolve(), "-import")


class ImportMark:
    """Held while an import stores (with the write lock): the ``-import`` file beside the
    project, locked. Its lock ends with the process, however it ends."""

    def __init__(self, target: str) -> None:
        self.path = _mark_path(target)
        self.handle: IO[str] | None = None

    def __enter__(self) -> ImportMark:
        try:
            self.handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - held until __exit__
            if fcntl is not None:
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.handle.write(f"{socket.gethostname()} {os.getpid()} {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            self.handle.flush()
        except OSError:
            self._drop()  # no mark (a full disk, say): a waiting window just says less
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop()

    def _drop(self) -> None:
        if self.handle is not None:
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass
            self.handle.close()  # releases the lock
            self.handle = None


def import_running(target: str) -> bool:
    """Whether a process is importing into the project file ``target`` right now."""
    path = _mark_path(target)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError:
        return False
    with handle:
        if fcntl is None:
            return True
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True  # locked: its importer is alive
        return False  # left behind by an import that was killed


# -- the indexes a large import makes after its rows ------------------------------------------

# The secondary indexes of the record table that a large import drops before it stores its
# rows and makes again after (``store.bulk``): keeping them up row by row costs more than
# building them once. They are made in a second, short transaction, after the one that
# stores the rows has committed, while the rows' write-ahead log is copied into the file on
# the other core; a crash between the two leaves them missing: opening the project notices it (reading
# only), and the next write of that process makes them (``make_missing_indexes``). tests/store/test_import_indexes.py
# checks this list against the schema the migrations make.
DEFERRED_INDEXES = {
    "ix_record_doi": "CREATE INDEX IF NOT EXISTS ix_record_doi ON record (doi)",
    "ix_record_sort_first_author":
        "CREATE INDEX IF NOT EXISTS ix_record_sort_first_author ON record (first_author COLLATE NOCASE, id)",
    "ix_record_sort_title": "CREATE INDEX IF NOT EXISTS ix_record_sort_title ON record (title COLLATE NOCASE, id)",
    "ix_record_year": "CREATE INDEX IF NOT EXISTS ix_record_year ON record (year)",
}


def missing_indexes(connection: sqlite3.Connection) -> list[str]:
    """The statements that make the ``DEFERRED_INDEXES`` the project file lacks."""
    present = {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record'")}
    return [sql for name, sql in DEFERRED_INDEXES.items() if name not in present]


def make_missing_indexes(writer: sqlite3.Connection) -> bool:
    """Inside the write transaction ``writer`` has just begun, make the
    ``DEFERRED_INDEXES`` the project file lacks, in a savepoint: if that fails (a full
    disk), it is rolled back and they stay missing (the project works without them, only
    sorting is slower) and the write goes on. Returns whether the transaction is still
    open (SQLite may end it on some errors: then the caller begins it again)."""
    writer.execute("SAVEPOINT screener_indexes")
    try:
        for sql in missing_indexes(writer):
            writer.execute(sql)
        writer.execute("RELEASE screener_indexes")
    except sqlite3.Error:
        if not writer.in_transaction:
            return False
        writer.execute("ROLLBACK TO screener_indexes")
        writer.execute("RELEASE screener_indexes")
    return True
