"""An open project: its store and the services over it.

A container, not a driver: the GUI and the CLI reach each service through it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DBAPIError

from screener.core.connection import explain, without_password
from screener.core.services.allocation import AllocationService
from screener.core.services.bulk import BulkService
from screener.core.services.conflicts import ConflictService
from screener.core.services.dedup import DedupService
from screener.core.services.export import ExportService
from screener.core.services.history import HistoryService
from screener.core.services.importing import ImportService
from screener.core.services.labels import LabelService
from screener.core.services.legacy_reason import LegacyReasonService
from screener.core.services.live import LiveService
from screener.core.services.packages import PackageService
from screener.core.services.prisma import PrismaService
from screener.core.services.records import RecordService
from screener.core.services.retrieval import RetrievalService
from screener.core.services.screening import ScreeningService
from screener.core.services.settings import SettingsService
from screener.store.engine import Store, is_url, open_store
from screener.types import ScreenerError


class Project:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = SettingsService(store)
        self.imports = ImportService(store)
        self.records = RecordService(store)
        self.screening = ScreeningService(store)
        self.conflicts = ConflictService(store)
        self.dedup = DedupService(store)
        self.retrieval = RetrievalService(store)
        self.prisma = PrismaService(store)
        self.history = HistoryService(store)
        self.export = ExportService(store)
        self.packages = PackageService(store)
        self.live = LiveService(store)
        self.labels = LabelService(store)
        self.bulk = BulkService(store)
        self.allocation = AllocationService(store)
        self.legacy_reason = LegacyReasonService(store)

    @property
    def target(self) -> str:
        return self.store.target

    @property
    def name(self) -> str:
        return without_password(self.target) if is_url(self.target) else Path(self.target).name

    @classmethod
    def open(cls, target: str | Path, password: str | None = None) -> Project:
        """Open a project file, or a project on a server (``password`` for its user, if
        the server asks for one and ``~/.pgpass`` does not hold it)."""
        try:
            project = cls(open_store(target, password=password))
        except DBAPIError as e:
            if not is_url(str(target)):
                raise
            raise ScreenerError(explain(e, str(target))) from None
        project.settings.info()  # refuses a database that is not a Screener project
        return project

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
    ) -> Project:
        project = cls(open_store(target, create=True))
        try:
            project.settings.create(
                title, question, include_criteria, exclude_criteria, reasons, reviewers_per_record
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
