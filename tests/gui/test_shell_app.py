"""Starting the application: ``screener gui PROJECT`` and the look it starts with."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from screener.gui.app import app_icon, apply_color_scheme, run_app
from screener.gui.main_window import MainWindow
from screener.paths import resource_path

pytest_plugins = ["tests.gui.shell_support"]


def test_run_app_opens_the_project_and_returns_the_exit_code(qtbot, shell_project):  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}
    hook = sys.excepthook

    def close_when_open() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].workspace is not None:
            seen["title"] = windows[0].windowTitle()
            seen["hooked"] = sys.excepthook is not hook
            windows[0].close()
        else:
            QTimer.singleShot(20, close_when_open)

    QTimer.singleShot(20, close_when_open)
    assert run_app(str(shell_project)) == 0
    assert seen == {"title": "Peer roles review — ana", "hooked": True}
    assert sys.excepthook is hook  # the error hook is removed again
    app = QApplication.instance()
    assert app.applicationName() == "Screener" and app.style().name().lower() == "fusion"
    assert not app.windowIcon().isNull()


def test_the_icon_comes_in_every_size(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(resource_path("icons", f"screener-{size}.png")))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not blank
    assert 512 in {s.width() for s in app_icon().availableSizes()}


def test_the_palette_follows_a_dark_desktop(qtbot):  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    try:
        apply_color_scheme(app, Qt.ColorScheme.Dark)
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert app.palette().color(QPalette.ColorRole.WindowText).lightness() > 180
    finally:
        apply_color_scheme(app, Qt.ColorScheme.Light)
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 180
