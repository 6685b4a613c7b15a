"""Help: keyboard shortcuts, and About (version, licence, where the logs are)."""

from __future__ import annotations

import html
import platform
from collections.abc import Iterable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from screener import __version__
from screener.gui.errors import log_file
from screener.gui.widgets import muted
from screener.paths import resource_path

SCREENING_KEYS = [
    ("I", "Include"), ("E", "Exclude"), ("M", "Maybe"),
    ("J  or  ↓", "Next record"), ("K  or  ↑", "Previous record"),
    ("1 – 9", "Pick a full-text exclusion reason"), ("/", "Search records"),
    ("Ctrl+Z", "Undo the last decision"), ("?", "Show these shortcuts"),
]
DUPLICATE_KEYS = [("D", "Duplicate"), ("N", "Not a duplicate"), ("U", "Undo")]
MIT = [  # the LICENSE file's text, one paragraph per item so that it reflows
    "MIT License",
    "Copyright (c) 2026 The Screener developers",
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this "
    "software and associated documentation files (the \"Software\"), to deal in the Software "
    "without restriction, including without limitation the rights to use, copy, modify, "
    "merge, publish, distribute, sublicense, and/or sell copies of the Software, and to "
    "permit persons to whom the Software is furnished to do so, subject to the following "
    "conditions:",
    "The above copyright notice and this permission notice shall be included in all copies "
    "or substantial portions of the Software.",
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, "
    "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A "
    "PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT "
    "HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF "
    "CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR "
    "THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
]


def _table(title: str, rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><td width='150' style='padding:3px 18px 3px 0'><b>{html.escape(k)}</b></td>"
        f"<td style='padding:3px 0'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<h3>{html.escape(title)}</h3><table cellspacing='0'>{body}</table>"


def action_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(shortcut, what it does) for every action that has a shortcut."""
    rows = []
    for a in actions:
        if not a.shortcut().isEmpty():
            key = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((key, a.text().replace("&", "").rstrip("…").rstrip(".")))
    return rows


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, actions: Iterable[QAction] = (),
                 page: str = "shortcuts") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Screener help"))
        self.setAccessibleName(self.tr("Help"))
        self.resize(620, 560)
        self.tabs = QTabWidget(self)
        self.shortcuts = QTextBrowser(self)
        self.shortcuts.setAccessibleName(self.tr("Keyboard shortcuts"))
        tr = self.tr
        self.shortcuts.setHtml(
            _table(tr("Screening"), [(k, tr(v)) for k, v in SCREENING_KEYS])
            + _table(tr("Duplicates"), [(k, tr(v)) for k, v in DUPLICATE_KEYS])
            + _table(tr("Window"), action_rows(actions)
                     + [("Ctrl+Tab", tr("Next tab")), ("Ctrl+Shift+Tab", tr("Previous tab"))])
        )
        self.tabs.addTab(self.shortcuts, self.tr("Keyboard shortcuts"))
        self.tabs.addTab(self._about(), self.tr("About"))
        self.tabs.setCurrentIndex(1 if page == "about" else 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _about(self) -> QWidget:
        page = QWidget(self)
        icon = QLabel(page)
        icon.setPixmap(QIcon(str(resource_path("icons", "screener.svg"))).pixmap(64, 64))
        name = QLabel(self.tr("<h2>Screener {0}</h2>").format(__version__), page)
        what = muted(QLabel(self.tr(
            "Title/abstract and full-text screening for systematic reviews:\n"
            "import, deduplicate, screen blind in pairs, resolve conflicts, report PRISMA 2020."
        ), page))
        what.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(icon)
        text = QVBoxLayout()
        text.addWidget(name)
        text.addWidget(what)
        top.addLayout(text, 1)

        self.versions_label = QLabel(self.tr(
            "Python {py} · Qt {qt} · PySide {ps}").format(
                py=platform.python_version(), qt=qVersion(), ps=pyside_version), page)
        muted(self.versions_label)
        self.log_label = QLabel(self.tr("Log file: {0}").format(log_file()), page)
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_logs = QPushButton(self.tr("Open log folder"), page)
        open_logs.setAccessibleName(self.tr("Open the folder with the log files"))
        open_logs.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent))))
        licence = QTextBrowser(page)
        licence.setPlainText("\n\n".join(MIT))
        licence.setAccessibleName(self.tr("Licence"))
        logs = QHBoxLayout()
        logs.addWidget(self.log_label, 1)
        logs.addWidget(open_logs)

        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.versions_label)
        layout.addLayout(logs)
        layout.addWidget(QLabel(self.tr("Released under the MIT licence:"), page))
        layout.addWidget(licence, 1)
        return page


def show_shortcuts(parent: QWidget | None, actions: Iterable[QAction] = ()) -> None:
    HelpDialog(parent, actions, "shortcuts").exec()


def show_about(parent: QWidget | None, actions: Iterable[QAction] = ()) -> None:
    HelpDialog(parent, actions, "about").exec()
