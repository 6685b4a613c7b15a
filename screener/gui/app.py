"""Starting the GUI: the application object, its look, the error hook, the window."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from screener import __version__
from screener.gui.errors import install_error_hook, setup_logging
from screener.paths import APP, resource_path

log = logging.getLogger("screener")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        png = resource_path("icons", f"screener-{size}.png")
        if png.exists():
            icon.addFile(str(png))
    svg = resource_path("icons", "screener.svg")
    if icon.isNull() and svg.exists():
        icon.addFile(str(svg))
    return icon


def dark_palette() -> QPalette:
    """Fusion's colours for a dark desktop, where the platform gives none."""
    p = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#dfe1e5")
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor("#26282b")),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, QColor("#3c3f41")),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.Highlight, QColor("#3574f0")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Link, QColor("#6ea2f7")), (QPalette.ColorRole.Mid, QColor("#4e5157")),
        (QPalette.ColorRole.PlaceholderText, QColor("#8c8f94")),
        (QPalette.ColorRole.Light, QColor("#4e5157")), (QPalette.ColorRole.Dark, QColor("#1b1c1e")),
    ):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))
    return p


def apply_color_scheme(app: QApplication, scheme: Qt.ColorScheme | None = None) -> None:
    """Follow the desktop's light or dark setting with the Fusion style."""
    scheme = scheme if scheme is not None else app.styleHints().colorScheme()
    palette = app.style().standardPalette()
    if scheme == Qt.ColorScheme.Dark and palette.color(QPalette.ColorRole.Window).lightness() > 128:
        palette = dark_palette()
    app.setPalette(palette)


def configure(app: QApplication) -> None:
    QGuiApplication.setApplicationName(APP)
    QGuiApplication.setOrganizationName(APP)
    QGuiApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("io.github.screener.Screener")  # matches the .desktop file
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    apply_color_scheme(app)
    app.styleHints().colorSchemeChanged.connect(lambda s: apply_color_scheme(app, s))


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    configure(app)
    return app


def run_app(project: str | None = None) -> int:
    """Show the main window (on ``project`` if given) and run until it closes."""
    from screener.gui.main_window import MainWindow

    app = create_app()
    log_path = setup_logging()
    log.info("Screener %s starting (log: %s)", __version__, log_path)
    window = MainWindow()
    reporter = install_error_hook(window)
    window.show()
    if project:
        QTimer.singleShot(0, lambda: window.open_project(project))
    quit_after = os.environ.get("SCREENER_QUIT_AFTER_MS")
    if quit_after:  # a smoke test of an installed bundle: start, open, then quit cleanly
        QTimer.singleShot(int(quit_after), window.close)
        QTimer.singleShot(int(quit_after) + 200, app.quit)
    try:
        return app.exec()
    finally:
        reporter.uninstall()
        log.info("Screener closed")
