"""Icons of a record's final status at a stage (as the viewer may see it): shape as well
as colour, from the Okabe-Ito palette, distinct from the viewer's own decision icons
(filled shapes) by being outlined badges."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

# word -> (colour, shape)
SPEC = {
    "included": ("#009E73", "tick"),  # bluish green, a tick in a ring
    "excluded": ("#D55E00", "cross"),  # vermillion, a cross in a ring
    "conflict": ("#E69F00", "triangle"),  # orange, a warning triangle
    "pending": ("#6f6f6f", "hourglass"),  # grey, waiting for the others
    "not_retrieved": ("#CC79A7", "slash"),  # reddish purple, a struck-through page
}
TEXT = {
    "included": "Final: included",
    "excluded": "Final: excluded",
    "conflict": "In conflict: waiting for a resolution",
    "pending": "Pending: waiting for the other reviewer(s)",
    "undecided": "No decision yet",
    "duplicate": "Duplicate of another record",
    "not_retrieved": "Report not retrieved",
}
_icons: dict[str, QIcon] = {}


def final_icon(word: str) -> QIcon:
    """The icon of a final-status word (an empty icon for undecided and duplicates)."""
    if word in _icons:
        return _icons[word]
    icon = QIcon()
    spec = SPEC.get(word)
    if spec is not None:
        colour, shape = spec
        for size in (16, 32):
            icon.addPixmap(_draw(size, QColor(colour), shape))
    _icons[word] = icon
    return icon


def _draw(size: int, c: QColor, shape: str) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 16.0
    pen = QPen(c, 1.7 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if shape in ("tick", "cross"):
        p.drawEllipse(QPointF(8 * s, 8 * s), 6.3 * s, 6.3 * s)
        if shape == "tick":
            path = QPainterPath(QPointF(4.9 * s, 8.3 * s))
            path.lineTo(7.2 * s, 10.6 * s)
            path.lineTo(11.2 * s, 5.6 * s)
            p.drawPath(path)
        else:
            p.drawLine(QPointF(5.6 * s, 5.6 * s), QPointF(10.4 * s, 10.4 * s))
            p.drawLine(QPointF(10.4 * s, 5.6 * s), QPointF(5.6 * s, 10.4 * s))
    elif shape == "triangle":
        p.setBrush(QBrush(c))
        p.drawPolygon(QPolygonF([QPointF(8 * s, 1.8 * s), QPointF(14.6 * s, 14 * s), QPointF(1.4 * s, 14 * s)]))
        p.setPen(QPen(QColor("white"), 1.8 * s))
        p.drawLine(QPointF(8 * s, 6 * s), QPointF(8 * s, 9.8 * s))
        p.drawPoint(QPointF(8 * s, 12 * s))
    elif shape == "slash":  # a page with a stroke through it
        p.drawRect(QRectF(3.5 * s, 2 * s, 9 * s, 12 * s))
        p.drawLine(QPointF(2 * s, 14 * s), QPointF(14 * s, 2 * s))
    else:  # hourglass
        p.drawLine(QPointF(4 * s, 2.5 * s), QPointF(12 * s, 2.5 * s))
        p.drawLine(QPointF(4 * s, 13.5 * s), QPointF(12 * s, 13.5 * s))
        p.setBrush(QBrush(c))
        p.drawPolygon(QPolygonF([QPointF(5 * s, 3 * s), QPointF(11 * s, 3 * s), QPointF(8 * s, 8 * s)]))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolygon(QPolygonF([QPointF(8 * s, 8 * s), QPointF(11 * s, 13 * s), QPointF(5 * s, 13 * s)]))
    p.end()
    return pm


def paint_final(painter: QPainter, rect: QRectF, word: str) -> None:
    icon = final_icon(word)
    if not icon.isNull():
        icon.paint(painter, rect.toRect(), Qt.AlignmentFlag.AlignCenter)
