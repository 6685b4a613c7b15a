"""Per-user GUI memory in QSettings: recent projects, the last reviewer per project,
window geometry, the last folder of each kind of file. Nothing about a review lives here;
that travels in the project file."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

from screener.core.connection import without_password
from screener.paths import APP

MAX_RECENT = 10


def app_settings() -> QSettings:
    """The one QSettings store of the GUI (an INI file in the user's config folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP, APP)


def is_url(target: str) -> bool:
    """A database URL (postgresql+psycopg://…) rather than a project file."""
    return "://" in target


def normalise(target: str | Path) -> str:
    """A file's full path, or a URL without any password (never remembered)."""
    target = str(target)
    return without_password(target) if is_url(target) else str(Path(target).expanduser().resolve())


class RecentProjects:
    """The most recently opened projects, newest first, and who last worked on each."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or app_settings()

    def paths(self) -> list[str]:
        """Recent projects that still exist (URLs are kept as they are)."""
        return [p for p in self._stored() if is_url(p) or Path(p).exists()]

    def _stored(self) -> list[str]:
        value = self.settings.value("recent/projects", [])
        if isinstance(value, str):  # QSettings turns a one-item list into a string
            value = [value]
        return [str(v) for v in value if v] if isinstance(value, list) else []

    def add(self, target: str | Path) -> None:
        target = normalise(target)
        items = [target] + [p for p in self._stored() if p != target]
        self.settings.setValue("recent/projects", items[:MAX_RECENT])
        self.settings.sync()

    def remove(self, target: str | Path) -> None:
        target = normalise(target)
        self.settings.setValue("recent/projects", [p for p in self._stored() if p != target])
        self.settings.sync()

    def _reviewers(self) -> dict[str, str]:
        try:
            value = json.loads(str(self.settings.value("recent/reviewers", "{}")))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def last_reviewer(self, target: str | Path) -> str | None:
        return self._reviewers().get(normalise(target))

    def set_last_reviewer(self, target: str | Path, reviewer: str) -> None:
        reviewers = self._reviewers()
        reviewers[normalise(target)] = reviewer
        self.settings.setValue("recent/reviewers", json.dumps(reviewers))
        self.settings.sync()


# Kinds of file a dialog asks for; each remembers its own last folder.
FOLDER_KINDS = ("project", "import", "export", "prisma", "package", "pdf")


def dialog_folder(kind: str, project_target: str | None = None) -> Path:
    """Where a file dialog for ``kind`` opens: the folder last used for that kind, else the
    open project's folder, else the most recent project's, else the home folder; never the
    process's working directory (a source checkout, or wherever Screener was started)."""
    settings = app_settings()
    last = str(settings.value(f"folders/{kind}", "") or "")
    candidates = [last, project_target or "", *RecentProjects(settings).paths()[:1]]
    for candidate in candidates:
        if not candidate or is_url(candidate):
            continue
        folder = Path(candidate) if candidate == last else Path(candidate).parent
        if folder.is_dir():
            return folder
    return Path.home()


def remember_folder(kind: str, chosen: str | Path) -> None:
    """Remember the folder of a file just chosen in a dialog for ``kind``."""
    if not chosen or is_url(str(chosen)):
        return
    settings = app_settings()
    settings.setValue(f"folders/{kind}", str(Path(chosen).expanduser().resolve().parent))
    settings.sync()
