"""Where the "When can I stop?" panel lives: a dock at the right of the main window, beside
every tab, shown and hidden with Review ▸ When can I stop? (Ctrl+Shift+S)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from screener.gui.context import Workspace
from screener.gui.stopping_panel import StoppingPanel

if TYPE_CHECKING:
    from screener.gui.main_window import MainWindow
    from screener.gui.project_pane import ProjectPane


MIN_WIDTH = 300


class StoppingDock(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dock = QDockWidget(window.tr("When can I stop?"), window)
        self.dock.setObjectName("StoppingDock")
        self.dock.setAccessibleName(window.tr("When can I stop?"))
        self.dock.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.panel: StoppingPanel | None = None
        self.pane: ProjectPane | None = None

    def attach(self, ws: Workspace, pane: ProjectPane) -> None:
        self.detach()
        self.panel = StoppingPanel(ws, self.dock)
        self.pane = pane
        self.panel.go_to_record.connect(self._go_to)
        self.dock.setWidget(self.panel)
        self.dock.setMinimumWidth(MIN_WIDTH)

    def detach(self) -> None:
        self.dock.hide()
        if self.panel is not None:
            self.dock.setWidget(None)  # type: ignore[arg-type]
            self.panel.deleteLater()
        self.panel = self.pane = None

    def toggle(self, shown: bool | None = None) -> None:
        if self.panel is None:
            return
        show = not self.dock.isVisible() if shown is None else shown
        if show:
            self._place()
        self.dock.setVisible(show)

    def _place(self) -> None:
        """Docked beside the tabs when the window has room for both; otherwise floating over
        the window's right side (a small window, such as 1,024 x 700, keeps its size)."""
        w = self.window
        central = w.centralWidget()
        room = w.width() - (central.minimumSizeHint().width() if central is not None else 0) - 16
        if room >= MIN_WIDTH:
            self.dock.setFloating(False)
            w.resizeDocks([self.dock], [min(room, 460)], Qt.Orientation.Horizontal)
            return
        self.dock.setFloating(True)
        top_right = w.mapToGlobal(w.rect().topRight())
        width = min(420, max(MIN_WIDTH, w.width() // 2))
        self.dock.setGeometry(top_right.x() - width, top_right.y() + 60, width, max(300, w.height() - 90))

    def _go_to(self, record_id: int) -> None:
        pane = self.pane
        if pane is None:
            return
        screen = pane.views.get("screen")
        row = screen.model.row_of(record_id) if screen is not None else -1  # type: ignore[attr-defined]
        if screen is None or row < 0:
            self.window.statusBar().showMessage(self.window.tr(
                "Record #{0} is not in the list shown: choose 'My queue' with no filters, or find it "
                "with /.").format(record_id), 8000)
            return
        pane.show_view("screen")
        screen.select_row(row)  # type: ignore[attr-defined]
