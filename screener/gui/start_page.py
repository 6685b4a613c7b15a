"""The page shown when no project is open: start something, and learn the workflow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from screener.core.connection import TeamConnection
from screener.gui.recent import RecentProjects, is_url
from screener.gui.widgets import heading, muted
from screener.paths import resource_path
from screener.types import ScreenerError

Index = QModelIndex | QPersistentModelIndex
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class RecentModel(QAbstractListModel):
    """Recent project paths: the file name shown, the full path as tooltip and data."""

    def __init__(self, paths: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = list(paths or [])

    def set_paths(self, paths: list[str]) -> None:
        self.beginResetModel()
        self._paths = list(paths)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._paths)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._paths):
            return None
        path = self._paths[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            name, where = describe(path)
            return f"{name}    {where}"
        if role in (Qt.ItemDataRole.ToolTipRole, PATH_ROLE):
            return path
        return None


def describe(path: str) -> tuple[str, str]:
    """A recent project as two lines: its name, and where it is (a folder, or for a team
    project on a server: the user, server and TLS mode; never a password)."""
    if not is_url(path):
        return Path(path).name, str(Path(path).parent)
    try:
        c = TeamConnection.from_url(path)
    except ScreenerError:
        return path, ""
    return c.label, QCoreApplication.translate("StartPage", "Team project · {0}").format(c.address)


class _RecentDelegate(QStyledItemDelegate):
    """Two lines per project: its name, and the folder it is in (muted)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        h = option.fontMetrics.height()
        return QSize(option.rect.width(), 2 * h + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        path = str(index.data(PATH_ROLE) or "")
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        main = pal.highlightedText() if selected else pal.text()
        sub = pal.highlightedText() if selected else pal.placeholderText()
        name, folder = describe(path)
        r = opt.rect.adjusted(12, 8, -12, -8)
        h = opt.fontMetrics.height()
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(main.color())
        painter.drawText(r.x(), r.y(), r.width(), h, Qt.AlignmentFlag.AlignLeft, name)
        painter.setFont(opt.font)
        painter.setPen(sub.color())
        elided = opt.fontMetrics.elidedText(folder, Qt.TextElideMode.ElideMiddle, r.width())
        painter.drawText(r.x(), r.y() + h + 2, r.width(), h, Qt.AlignmentFlag.AlignLeft, elided)
        painter.restore()


class _RecentList(QListView):
    activated_path = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activated.connect(self._open)  # double-click, or Enter on most platforms

    def _open(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.activated_path.emit(str(path))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)


class StartPage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    connect_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, recent: RecentProjects, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recent = recent
        self.setAccessibleName(self.tr("Start page"))

        self.new_button = self._button(self.tr("New project…"), self.tr("Create a review project"))
        self.open_button = self._button(self.tr("Open project…"), self.tr("Open a .screener file"))
        self.connect_button = self._button(
            self.tr("Connect to a team project…"),
            self.tr("Open a project your team keeps on a PostgreSQL server"))
        self.demo_button = self._button(
            self.tr("Open the demo project"), self.tr("A small review to try things out")
        )
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.connect_button.clicked.connect(self.connect_requested)
        self.demo_button.clicked.connect(self.demo_requested)

        self.recent_model = RecentModel(parent=self)
        self.recent_view = _RecentList(self)
        self.recent_view.setModel(self.recent_model)
        self.recent_view.setAccessibleName(self.tr("Recent projects"))
        self.recent_view.setUniformItemSizes(True)
        self.recent_view.setObjectName("recentProjects")
        self.recent_view.setStyleSheet(
            "#recentProjects { border: 1px solid palette(mid); border-radius: 8px;"
            " background: palette(base); padding: 4px; }")
        self.recent_view.activated_path.connect(self.recent_chosen)
        self.recent_empty = QLabel(self.tr("Projects you open will be listed here."), self)
        self.recent_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.recent_empty)
        self.recent_stack = QStackedWidget(self)
        self.recent_stack.addWidget(self.recent_empty)
        self.recent_stack.addWidget(self.recent_view)

        start = QVBoxLayout()
        start.setSpacing(10)
        for b in (self.new_button, self.open_button, self.connect_button, self.demo_button):
            start.addWidget(b)
        start.addSpacing(18)
        start.addWidget(self._heading(self.tr("Recent projects")))
        start.addWidget(self.recent_stack, 1)  # as tall as the panel beside it
        self.recent_stack.setMinimumHeight(3 * (2 * self.fontMetrics().height() + 18) + 4)

        panel = self._how_it_works()
        columns = QHBoxLayout()
        columns.setSpacing(36)
        columns.addLayout(start, 5)
        columns.addWidget(panel, 6)

        content = QWidget(self)
        content.setMaximumWidth(1120)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(28)
        inner.addStretch(1)
        inner.addLayout(self._banner())
        inner.addLayout(columns)
        inner.addStretch(2)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(48, 40, 48, 32)
        outer.addStretch(1)
        outer.addWidget(content, 100)  # up to its maximum width, then centred
        outer.addStretch(1)
        self.recent_view.setItemDelegate(_RecentDelegate(self.recent_view))
        self.refresh()

    def refresh(self) -> None:
        paths = self.recent.paths()
        self.recent_model.set_paths(paths)
        self.recent_stack.setCurrentWidget(self.recent_view if paths else self.recent_empty)
        if paths:
            self.recent_view.setCurrentIndex(self.recent_model.index(0))

    def _button(self, text: str, hint: str) -> QPushButton:
        b = QPushButton(text, self)
        b.setAccessibleName(text.rstrip("…"))
        b.setAccessibleDescription(hint)
        b.setToolTip(hint)
        b.setMinimumHeight(38)
        return b

    def _heading(self, text: str) -> QLabel:
        return heading(text, self)

    def _banner(self) -> QHBoxLayout:
        icon = QLabel(self)
        icon.setPixmap(QIcon(str(resource_path("icons", "screener.svg"))).pixmap(72, 72))
        name = QLabel(self.tr("Screener"), self)
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setWeight(QFont.Weight.DemiBold)
        name.setFont(font)
        tagline = QLabel(
            self.tr("Title/abstract and full-text screening for systematic reviews"), self
        )
        muted(tagline)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addStretch(1)
        text.addWidget(name)
        text.addWidget(tagline)
        text.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(icon)
        row.addLayout(text, 1)
        return row

    def _how_it_works(self) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName("howItWorks")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setAccessibleName(self.tr("How screening works here"))
        steps = [
            (self.tr("Import your searches"),
             self.tr("RIS, PubMed .nbib or CSV exports, one batch per database search.")),
            (self.tr("Remove duplicates"),
             self.tr("Certain duplicates merge by themselves; you confirm the likely ones.")),
            (self.tr("Screen titles and abstracts"),
             self.tr("One key per record. With two reviewers, neither sees the other's "
                     "decisions until both have decided.")),
            (self.tr("Resolve conflicts"),
             self.tr("Disagreements and maybes go to a resolver.")),
            (self.tr("Screen full texts"),
             self.tr("Every exclusion gets a reason from your list (keys 1–9).")),
            (self.tr("PRISMA and export"),
             self.tr("The flow diagram is drawn live; export records and the decision log.")),
        ]
        box = QVBoxLayout(frame)
        box.setContentsMargins(24, 20, 24, 24)
        box.setSpacing(14)
        box.addWidget(self._heading(self.tr("How screening works here")))
        for i, (title, detail) in enumerate(steps):
            number = QLabel(str(i + 1), frame)
            number.setObjectName("stepNumber")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setFixedSize(26, 26)
            body = muted(QLabel(detail, frame))
            body.setWordWrap(True)
            text = QVBoxLayout()
            text.setSpacing(2)
            text.addWidget(QLabel(f"<b>{title}</b>", frame))
            text.addWidget(body)
            row = QHBoxLayout()
            row.setSpacing(14)
            row.addWidget(number, 0, Qt.AlignmentFlag.AlignTop)
            row.addLayout(text, 1)
            box.addLayout(row)
        box.addSpacing(6)
        tip = muted(QLabel(self.tr(
            "New here? The demo project holds three real search exports, two reviewers "
            "(ana and ben) and a resolver (carla). Press F1 for the keyboard shortcuts."
        ), frame))
        tip.setWordWrap(True)
        box.addWidget(tip)
        frame.setStyleSheet(
            "#howItWorks { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
            "#stepNumber { background: palette(highlight); color: palette(highlighted-text);"
            " border-radius: 13px; font-weight: bold; }"
        )
        return frame
