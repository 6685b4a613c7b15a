"""The PRISMA 2020 flow diagram as SVG text. Pure Python: no Qt.

Layout and wording follow the PRISMA 2020 flow diagram templates for new and for updated
systematic reviews (Page et al. 2021, BMJ 372:n71): blue side bars (Identification, Screening,
Included), a pale yellow header over the databases-and-registers column pair and a grey header
over the other-methods pair, boxes joined by arrows. Counts use the keys of the PRISMA2020 R
package and Shiny app (see ``prisma_csv``), plus two of ours:

* ``pending``: ``{"title_abstract": n, "full_text": n, "retrieval": n}``, records with no final
  decision yet. Each shows as an italic line "(+ n awaiting a final decision)" in "Records
  screened", "Reports assessed for eligibility" and "Reports sought for retrieval" respectively,
  with a footnote. They are not part of any box's n.
* ``manual``: keys whose values were entered by hand. Their lines get a dagger and the diagram
  the footnote "† entered by hand".

Every box is an SVG ``<g>`` with a stable id (``BOX_KEYS``); all user text is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from screener.core.prisma_boxes import (
    BOX_KEYS,
    LINE_H,
    MAIN_W,
    OTHER_W,
    PAD_X,
    PENDING_BOX,
    PREV_W,
    SIDE_IDS,
    SIDE_W,
    Box,
    CountsView,
    build_boxes,
)
from screener.core.prisma_text import FONT_SIZE, text_width, wrap

__all__ = ["BOX_KEYS", "FONT_FAMILY", "PENDING_BOX", "render_svg"]

FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
MARGIN = 24.0
BAR_W, BAR_GAP = 30.0, 16.0
PAIR_GAP, GROUP_GAP, ROW_GAP = 46.0, 56.0, 34.0
HEADER_H, HEADER_GAP, TITLE_SIZE = 38.0, 22.0, 13.0
NOTE_SIZE, NOTE_LINE_H = 10.0, 13.5
BASELINE = 12.0  # from the top of a text line to its baseline, at FONT_SIZE in LINE_H

YELLOW, YELLOW_EDGE = "#FFE699", "#BF9000"
GREY, GREY_EDGE = "#D9D9D9", "#8C8C8C"
BLUE = "#9DC3E6"
PENDING_COLOUR = "#A64B00"

# Left to right, the boxes of each row of the diagram.
_ROWS: tuple[tuple[str, ...], ...] = (
    ("box-previous_studies", "box-records_identified", "box-records_removed",
     "box-other_identified"),
    ("box-records_screened", "box-records_excluded"),
    ("box-dbr_sought_reports", "box-dbr_notretrieved_reports", "box-other_sought_reports",
     "box-other_notretrieved_reports"),
    ("box-dbr_assessed", "box-dbr_excluded", "box-other_assessed", "box-other_excluded"),
    ("box-new_studies",),
    ("box-total_studies",),
)  # fmt: skip
_IDENTIFICATION_ROW, _INCLUDED_ROW = 0, 4
# Each main box and the box its horizontal arrow points to.
_SIDE_OF = {
    "box-records_identified": "box-records_removed",
    "box-records_screened": "box-records_excluded",
    "box-dbr_sought_reports": "box-dbr_notretrieved_reports",
    "box-dbr_assessed": "box-dbr_excluded",
    "box-other_sought_reports": "box-other_notretrieved_reports",
    "box-other_assessed": "box-other_excluded",
}
# The downward arrows: databases and registers, then other methods.
_DBR_CHAIN = ("box-records_identified", "box-records_screened", "box-dbr_sought_reports",
              "box-dbr_assessed", "box-new_studies", "box-total_studies")  # fmt: skip
_OTHER_CHAIN = ("box-other_identified", "box-other_sought_reports", "box-other_assessed")


def render_svg(
    counts: Mapping[str, Any],
    *,
    updated_review: bool = False,
    show_other_methods: bool | None = None,
) -> str:
    """The PRISMA 2020 flow diagram for ``counts``, as a standalone SVG document.

    ``updated_review=True`` draws the template for updated reviews: a "Previous studies" column,
    "New studies included in review" and "Total studies included in review". With
    ``show_other_methods=None`` the "other methods" column is drawn only if one of its counts
    is greater than zero. Width and height are in px (96 per inch), as is the viewBox.
    """
    view = CountsView(counts)
    other = view.has_other_methods() if show_other_methods is None else show_other_methods
    boxes = build_boxes(view, updated=updated_review, other=other)

    # Columns, left to right.
    x_bar = MARGIN
    x_prev = x_bar + BAR_W + BAR_GAP
    x_main = x_prev + (PREV_W + PAIR_GAP if updated_review else 0.0)
    x_side = x_main + MAIN_W + PAIR_GAP
    x_omain = x_side + SIDE_W + GROUP_GAP
    x_oside = x_omain + OTHER_W + PAIR_GAP
    right = x_oside + OTHER_W if other else x_side + SIDE_W
    for b in boxes.values():
        if b.box_id == "box-previous_studies":
            b.x = x_prev
        elif b.box_id.startswith("box-other"):
            b.x = x_oside if b.box_id in SIDE_IDS else x_omain
        else:
            b.x = x_side if b.box_id in SIDE_IDS else x_main

    spans = _place_rows(boxes, MARGIN + HEADER_H + HEADER_GAP, updated_review)
    bottom = spans[-1][1]

    c = _Canvas()
    new = "new " if updated_review else ""
    if updated_review:
        c.banner("header-previous", (x_prev, MARGIN, PREV_W, HEADER_H), "Previous studies",
                 GREY, GREY_EDGE)  # fmt: skip
    c.banner("header-databases", (x_main, MARGIN, x_side + SIDE_W - x_main, HEADER_H),
             f"Identification of {new}studies via databases and registers", YELLOW,
             YELLOW_EDGE)  # fmt: skip
    if other:
        c.banner("header-other", (x_omain, MARGIN, x_oside + OTHER_W - x_omain, HEADER_H),
                 f"Identification of {new}studies via other methods", GREY, GREY_EDGE)  # fmt: skip
    bars = (
        ("bar-identification", "Identification", spans[0][0], spans[0][1]),
        ("bar-screening", "Screening", spans[1][0], spans[3][1]),
        ("bar-included", "Included", spans[4][0], bottom),
    )
    for gid, label, y0, y1 in bars:
        c.banner(gid, (x_bar, y0, BAR_W, y1 - y0), label, BLUE, BLUE)
    for b in boxes.values():
        c.box(b)
    _arrows(c, boxes)
    height = c.notes(view.footnotes(), x_bar, bottom + 26.0, right - x_bar) + MARGIN
    return c.document(right + MARGIN, height)


def _bar_length(label: str) -> float:
    """The height a side bar needs for its rotated label."""
    return text_width(label, TITLE_SIZE, True) + 28.0


def _place_rows(boxes: Mapping[str, Box], top: float, updated: bool) -> list[tuple[float, float]]:
    """Set each box's y and height; return the (top, bottom) of each row drawn.

    In a row every main box gets the height of the tallest main box and every side box the
    height of the tallest box, so horizontal arrows leave and arrive at mid-height of the main
    boxes, and the tops line up. Rows are tall enough for their side bar's label.
    """
    row_min = {_IDENTIFICATION_ROW: _bar_length("Identification")}
    if not updated:  # otherwise the Included bar spans the new and total rows
        row_min[_INCLUDED_ROW] = _bar_length("Included")
    spans: list[tuple[float, float]] = []
    y = top
    for index, row in enumerate(_ROWS):
        present = [boxes[b] for b in row if b in boxes]
        if not present:
            continue
        needed = {b.box_id: b.wrap() for b in present}
        main_needed = [h for k, h in needed.items() if k not in SIDE_IDS]
        main_h = max([row_min.get(index, 0.0), *main_needed])
        full_h = max(main_h, *needed.values())
        for b in present:
            b.y = y
            b.height = full_h if b.box_id in SIDE_IDS else main_h
        spans.append((y, y + full_h))
        y += full_h + ROW_GAP
    return spans


def _arrows(c: _Canvas, boxes: Mapping[str, Box]) -> None:
    for main_id, side_id in _SIDE_OF.items():
        if main_id in boxes and side_id in boxes:
            m, s = boxes[main_id], boxes[side_id]
            ym = m.y + min(m.height, s.height) / 2
            c.arrow((m.x + m.width, ym), (s.x, ym))
    _down(c, [boxes[b] for b in _DBR_CHAIN if b in boxes])
    if "box-other_identified" in boxes:
        _down(c, [boxes[b] for b in _OTHER_CHAIN])
        # Other methods join the included box from the right, below everything else.
        a, inc = boxes["box-other_assessed"], boxes["box-new_studies"]
        ym = inc.y + inc.height / 2
        c.arrow((a.cx, a.bottom), (a.cx, ym), (inc.x + inc.width, ym))
    if "box-previous_studies" in boxes:
        p, total = boxes["box-previous_studies"], boxes["box-total_studies"]
        ym = total.y + total.height / 2
        c.arrow((p.cx, p.bottom), (p.cx, ym), (total.x, ym))


def _down(c: _Canvas, chain: Sequence[Box]) -> None:
    for upper, lower in zip(chain, chain[1:], strict=False):
        c.arrow((upper.cx, upper.bottom), (upper.cx, lower.y))


@dataclass
class _Canvas:
    """Collects SVG elements as text."""

    parts: list[str] = field(default_factory=list)

    def text(self, x: float, y: float, s: str, **attrs: object) -> None:
        extra = "".join(f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items())
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(s)}</text>')

    def arrow(self, *points: tuple[float, float]) -> None:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(
            f'<polyline points="{pts}" fill="none" stroke="#000000" stroke-width="1.2" '
            'marker-end="url(#arrowhead)"/>'
        )

    def box(self, b: Box) -> None:
        self.parts.append(f"<g id={quoteattr(b.box_id)}>")
        self.parts.append(
            f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}" height="{b.height:.1f}" '
            f'fill="{b.fill}" stroke="#000000" stroke-width="1"/>'
        )
        top = b.y + (b.height - len(b.rows) * LINE_H) / 2  # centred when a box was stretched
        for i, line in enumerate(b.rows):
            x = b.x + PAD_X + line.indent
            y = top + i * LINE_H + BASELINE
            if line.style == "pending":
                self.text(x, y, line.text, fill=PENDING_COLOUR, font_style="italic")
            elif line.text:
                self.text(x, y, line.text)
        self.parts.append("</g>")

    def banner(
        self, gid: str, rect: tuple[float, float, float, float], label: str, fill: str, edge: str
    ) -> None:
        """A rounded, filled title box: a header (wide) or a side bar (tall, text rotated)."""
        x, y, w, h = rect
        self.parts.append(f"<g id={quoteattr(gid)}>")
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="7" ry="7" '
            f'fill="{fill}" stroke="{edge}" stroke-width="1"/>'
        )
        style = {"font_weight": "bold", "font_size": f"{TITLE_SIZE:g}", "text_anchor": "middle"}
        if w >= h:
            lines = wrap(label, w - 2 * PAD_X, TITLE_SIZE, True)
            first = y + (h - len(lines) * LINE_H) / 2 + BASELINE + 0.5
            for i, line in enumerate(lines):
                self.text(x + w / 2, first + i * LINE_H, line, **style)
        else:  # reads upwards, centred in the bar
            cx, cy = x + w / 2 + TITLE_SIZE * 0.35, y + h / 2
            self.text(0, 0, label, transform=f"translate({cx:.1f} {cy:.1f}) rotate(-90)", **style)
        self.parts.append("</g>")

    def notes(self, notes: Sequence[str], x: float, y: float, width: float) -> float:
        """Footnotes, wrapped to ``width``, from ``y`` down; return the y below the last."""
        self.parts.append('<g id="footnotes">')
        for note in notes:
            for line in wrap(note, width, NOTE_SIZE):
                self.text(x, y + 10.0, line, font_size=f"{NOTE_SIZE:g}")
                y += NOTE_LINE_H
            y += 2.0
        self.parts.append("</g>")
        return y

    def document(self, width: float, height: float) -> str:
        w, h = f"{width:.0f}", f"{height:.0f}"
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE:g}" '
            'fill="#000000">\n'
            "<title>PRISMA 2020 flow diagram</title>\n"
            '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#000000"/></marker></defs>\n'
            f'<rect x="0" y="0" width="{w}" height="{h}" fill="#FFFFFF"/>'
        )
        return "\n".join([head, *self.parts, "</svg>"]) + "\n"
