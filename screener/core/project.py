"""An open project: its store and the services over it.

A container, not a driver: the GUI and the CLI reach each service through it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, text
from sqlalchemy.exc import DBAPIError, OperationalError

from screener.core.connection import explain, without_password
from screener.core.gc_pause import gc_paused
from screener.store.engine import Store, is_url, open_store
from screener.store.identity import bind_identity
from screener.store.sqlite_file import WAITING_FOR_IMPORT, WAITING_FOR_WRITER, OnWait
from screener.types import ScreenerError

if TYPE_CHECKING:
    from screener.core.services.allocation import AllocationService
    from screener.core.services.bulk import BulkService
    from screener.core.services.conflicts import ConflictService
    from screener.core.services.dedup import DedupService
    from screener.core.services.dedup_run import DedupRunService
    from screener.core.services.export import ExportService
    from screener.core.services.history import HistoryService
    from screener.core.services.importing import ImportService
    from screener.core.services.labels import LabelService
    from screener.core.services.legacy_reason import LegacyReasonService
    from screener.core.services.live import LiveService
    from screener.core.services.packages import PackageService
    from screener.core.services.prisma import PrismaService
    from screener.core.services.queue_order import QueueOrderService
    from screener.core.services.records import RecordService
    from screener.core.services.retrieval import RetrievalService
    from screener.core.services.screening import ScreeningService
    from screener.core.services.settings import SettingsService
    from screener.core.services.stopping import StoppingService

# Each service, by attribute name: (module, class). A service's module is imported the
# first time the service is used, so that a command loads only what it needs (the CLI's
# start-up time; see tests/cli/test_startup.py).
SERVICES: dict[str, tuple[str, str]] = {
    "settings": ("screener.core.services.settings", "SettingsService"),
    "imports": ("screener.core.services.importing", "ImportService"),
    "records": ("screener.core.services.records", "RecordService"),
    "screening": ("screener.core.services.screening", "ScreeningService"),
    "conflicts": ("screener.core.services.conflicts", "ConflictService"),
    "dedup": ("screener.core.services.dedup", "DedupService"),
    "dedup_run": ("screener.core.services.dedup_run", "DedupRunService"),  # no ORM on a file
    "retrieval": ("screener.core.services.retrieval", "RetrievalService"),
    "prisma": ("screener.core.services.prisma", "PrismaService"),
    "history": ("screener.core.services.history", "HistoryService"),
    "export": ("screener.core.services.export", "ExportService"),
    "packages": ("screener.core.services.packages", "PackageService"),
    "live": ("screener.core.services.live", "LiveService"),
    "legacy_reason": ("screener.core.services.legacy_reason", "LegacyReasonService"),
    "labels": ("screener.core.services.labels", "LabelService"),
    "bulk": ("screener.core.services.bulk", "BulkService"),
    "allocation": ("screener.core.services.allocation", "AllocationService"),
    "queue_order": ("screener.core.services.queue_order", "QueueOrderService"),
    "stopping": ("screener.core.services.stopping", "StoppingService"),
}

# The columns and tables ``SettingsService.info`` reads.
# (every column of the project row: the ORM loads them all), the time parsed as it does.
_SETTINGS = text(
    "SELECT p.title, p.question, p.reviewers_per_record_ta, p.reviewers_per_record_ft, p.blind, "
    "p.strict, p.resolve_policy, p.ta_reason_required, p.created_at, p.legacy_reason_asked, "
    "(SELECT count(*) FROM criterion), (SELECT count(*) FROM highlight_term), "
    "(SELECT count(*) FROM exclusion_reason) FROM project p WHERE p.id = 1"
).columns(created_at=DateTime)

__all__ = ["WAITING_FOR_IMPORT", "WAITING_FOR_WRITER", "Project"]


class Project:
    settings: SettingsService
    imports: ImportService
    records: RecordService
    screening: ScreeningService
    conflicts: ConflictService
    dedup: DedupService
    dedup_run: DedupRunService
    retrieval: RetrievalService
    prisma: PrismaService
    history: HistoryService
    export: ExportService
    packages: PackageService
    live: LiveService
    legacy_reason: LegacyReasonService
    labels: LabelService
    bulk: BulkService
    allocation: AllocationService
    queue_order: QueueOrderService
    stopping: StoppingService

    def __init__(self, store: Store) -> None:
        self.store = store
        bind_identity(store)  # who this connection is, on a strict server project
        self.setup_warnings: list[str] = []  # for whoever runs the server, after ``create``

    def __getattr__(self, name: str) -> Any:
        """A service, made on first use (see SERVICES); later uses find it directly."""
        try:
            module, cls = SERVICES[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None
        with gc_paused():  # a service's first use may load the ORM and the models: no cycles to find
            service = getattr(importlib.import_module(module), cls)(self.store)
        setattr(self, name, service)
        return service

    @property
    def target(self) -> str:
        return self.store.target

    @property
    def read_only(self) -> str:
        """Why nothing can be changed in this project ("" when it can): the file or its
        folder is read-only, or the disk is full."""
        return self.store.read_only

    def on_wait(self, callback: OnWait) -> None:
        """Tell ``callback`` while a change waits for another window to finish writing."""
        self.store.on_wait = callback

    @property
    def name(self) -> str:
        return without_password(self.target) if is_url(self.target) else Path(self.target).name

    @classmethod
    def open(cls, target: str | Path, password: str | None = None, on_wait: OnWait | None = None) -> Project:
        """Open a project file, or a project on a server (``password`` for its user, if
        the server asks for one and ``~/.pgpass`` does not hold it). ``on_wait`` is told,
        with a message, while a change waits for another window (an import, say) to
        finish writing, and with None when it is over."""
        try:
            project = cls(open_store(target, password=password, on_wait=on_wait))
        except DBAPIError as e:
            if not is_url(str(target)):
                raise
            raise ScreenerError(explain(e, str(target))) from None
        try:
            project.check_settings()  # refuses a database that is not a Screener project
        except BaseException:
            project.close()
            raise
        return project

    def check_settings(self) -> None:
        """Refuse a database without the project's settings, or without the tables they
        are kept in: what ``settings.info()`` reads, read in one Core statement on a project
        file (no ORM: a command that needs only Core never loads it)."""
        if not self.store.is_sqlite:
            self.settings.info()
            return
        try:
            with self.store.engine.connect() as conn:
                found = conn.execute(_SETTINGS).first()
        except OperationalError as e:
            if "no such" not in str(e.orig):  # a column or table: anything else (locked) is not damage
                raise
            raise ScreenerError(f"{self.store.target}: a damaged Screener project "
                                f"(its settings cannot be read: {e.orig})") from None
        except (ValueError, TypeError) as e:
            raise ScreenerError(f"{self.store.target}: a damaged Screener project "
                                f"(its settings cannot be read: {e})") from None
        if found is None:
            raise ScreenerError(f"{self.store.target}: not a Screener project (no settings)")

    @classmethod
    def create(
        cls,
        target: str | Path,
        title: str,
        question: str = "",
        include_criteria: list[str] | None = None,
        exclude_criteria: list[str] | None = None,
        reasons: list[str] | None = None,
        reviewers_per_record: int = 1,
        strict: bool = False,
        resolve_policy: str = "consensus",
    ) -> Project:
        project = cls(open_store(target, create=True))
        try:
            project.setup_warnings = project.settings.create(
                title, question, include_criteria, exclude_criteria, reasons, reviewers_per_record,
                strict, resolve_policy,
            )
        except Exception:
            project.close()
            if not is_url(str(target)):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(target) + suffix).unlink(missing_ok=True)
            raise
        return project

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
