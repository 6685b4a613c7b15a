"""Render the PRISMA flow diagram's SVG text to PNG (300 dpi) and to vector PDF with QtSvg.

No window is needed, only a ``QGuiApplication`` (for fonts); the CLI can make an offscreen one
with ``ensure_gui_application()``. The SVG's width and height are CSS px, 96 per inch: at 300
dpi the PNG is ``round(px * 300 / 96)`` pixels each way, and the PDF page is ``px * 72 / 96``
points each way, with the diagram drawn as vectors and text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QImageWriter,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtSvg import QSvgRenderer

CSS_DPI = 96.0
PNG_DPI = 300
_INCH_M = 0.0254

__all__ = ["ensure_gui_application", "render_pdf", "render_png", "save_diagram", "svg_size"]


def ensure_gui_application() -> QGuiApplication:
    """The running ``QGuiApplication``, or a new offscreen one if there is none."""
    app = QGuiApplication.instance()
    if app is None:
        # A QApplication (not just a QGuiApplication), so that widgets can still be made
        # later in the same process; offscreen, so the CLI needs no display.
        from PySide6.QtWidgets import QApplication

        app = QApplication(["screener", "-platform", "offscreen"])
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("a QCoreApplication is running; rendering needs a QGuiApplication")
    return app


def _renderer(svg: str) -> QSvgRenderer:
    if not isinstance(QGuiApplication.instance(), QGuiApplication):
        raise RuntimeError("create a QGuiApplication first (see ensure_gui_application())")
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("the SVG could not be read")
    return renderer


def svg_size(svg: str) -> tuple[float, float]:
    """The SVG's width and height in px, as QtSvg reads them."""
    return _size(_renderer(svg))


def _size(renderer: QSvgRenderer) -> tuple[float, float]:
    size = renderer.defaultSize()
    if size.isValid() and not size.isEmpty():
        return float(size.width()), float(size.height())
    box = renderer.viewBoxF()
    return box.width(), box.height()


def render_png(svg: str, path: Path | str, *, dpi: int = PNG_DPI) -> Path:
    """Write ``svg`` as a PNG at ``dpi`` (300 by default) on a white background."""
    renderer = _renderer(svg)
    width, height = _size(renderer)
    scale = dpi / CSS_DPI
    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    dots_per_metre = round(dpi / _INCH_M)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    finally:
        painter.end()
    out = Path(path)
    writer = QImageWriter(str(out), QByteArray(b"png"))
    if not writer.write(image):
        raise OSError(f"could not write {out}: {writer.errorString()}")
    return out


def render_pdf(svg: str, path: Path | str, *, title: str = "PRISMA 2020 flow diagram") -> Path:
    """Write ``svg`` as a one-page vector PDF, the page exactly the diagram's size."""
    renderer = _renderer(svg)
    width, height = _size(renderer)
    out = Path(path)
    writer = QPdfWriter(str(out))
    writer.setTitle(title)
    writer.setCreator("Screener")
    writer.setResolution(PNG_DPI)  # device units of the painter; the output stays vector
    page = QPageSize(
        QSizeF(width * 72 / CSS_DPI, height * 72 / CSS_DPI), QPageSize.Unit.Point, "diagram"
    )
    writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"could not write {out}")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The page's size in device units (rounding aside, the diagram's size at 300 dpi).
        device = QRectF(0, 0, writer.width(), writer.height())
        renderer.render(painter, _fit(device, width / height))
    finally:
        painter.end()
    return out


def _fit(area: QRectF, aspect: float) -> QRectF:
    """The largest rectangle of ``aspect`` (width / height) centred in ``area``."""
    width = min(area.width(), area.height() * aspect)
    height = width / aspect
    return QRectF(
        area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2,
        width, height,
    )  # fmt: skip


def save_diagram(svg: str, path: Path | str) -> Path:
    """Save ``svg`` by the file's suffix: ``.svg`` as is, ``.png`` at 300 dpi, ``.pdf`` vector."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix == ".svg":
        out.write_text(svg, encoding="utf-8")
        return out
    if suffix == ".png":
        return render_png(svg, out)
    if suffix == ".pdf":
        return render_pdf(svg, out)
    raise ValueError(f"{out.name}: the diagram can be saved as .svg, .png or .pdf")
