"""The boxes of the PRISMA 2020 flow diagram: their ids, wording and counts. Pure Python.

``prisma_diagram`` places these boxes and draws them. The wording is that of the PRISMA 2020
flow diagram templates (Page et al. 2021, BMJ 372:n71).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.core.prisma_text import clean_text, format_count, wrap

LINE_H = 16.0
PAD_X, PAD_Y = 9.0, 8.0
INDENT = 12.0
HANG = 10.0  # extra indent of the continuation lines of an indented item
MAIN_W, SIDE_W = 290.0, 280.0  # the databases and registers column pair
OTHER_W, PREV_W = 220.0, 220.0  # the other-methods boxes, the previous-studies box
WHITE, PALE_GREY = "#FFFFFF", "#F2F2F2"
DAGGER = "\u2020"

#: Each box's SVG id and the count keys whose values it shows.
BOX_KEYS: dict[str, tuple[str, ...]] = {
    "box-previous_studies": ("previous_studies", "previous_reports"),
    "box-records_identified": (
        "database_results",
        "database_specific_results",
        "register_results",
        "register_specific_results",
    ),
    "box-records_removed": ("duplicates", "excluded_automatic", "excluded_other"),
    "box-records_screened": ("records_screened",),
    "box-records_excluded": ("records_excluded",),
    "box-dbr_sought_reports": ("dbr_sought_reports",),
    "box-dbr_notretrieved_reports": ("dbr_notretrieved_reports",),
    "box-dbr_assessed": ("dbr_assessed",),
    "box-dbr_excluded": ("dbr_excluded",),
    "box-other_identified": ("website_results", "organisation_results", "citations_results"),
    "box-other_sought_reports": ("other_sought_reports",),
    "box-other_notretrieved_reports": ("other_notretrieved_reports",),
    "box-other_assessed": ("other_assessed",),
    "box-other_excluded": ("other_excluded",),
    "box-new_studies": ("new_studies", "new_reports"),
    "box-total_studies": ("total_studies", "total_reports"),
}

#: The box that shows each kind of pending record ("(+ n awaiting a final decision)").
PENDING_BOX: dict[str, str] = {
    "title_abstract": "box-records_screened",
    "retrieval": "box-dbr_sought_reports",
    "full_text": "box-dbr_assessed",
    # other methods have no screening box: records awaiting title/abstract show where
    # reports are sought, as they would reach it
    "other_title_abstract": "box-other_sought_reports",
    "other_full_text": "box-other_assessed",
}
PENDING_TEXT = "(+ {n} awaiting a final decision)"

#: The boxes to the right of a main box, reached by a horizontal arrow.
SIDE_IDS = frozenset(
    {
        "box-records_removed",
        "box-records_excluded",
        "box-dbr_notretrieved_reports",
        "box-dbr_excluded",
        "box-other_notretrieved_reports",
        "box-other_excluded",
    }
)

OTHER_METHOD_KEYS = (
    "website_results",
    "organisation_results",
    "citations_results",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
)

TEMPLATE_NOTES = (
    "*Consider, if feasible to do so, reporting the number of records identified from each "
    "database or register searched (rather than the total number across all "
    "databases/registers).",
    "**If automation tools were used, indicate how many records were excluded by a human and "
    "how many were excluded by automation tools.",
)
PENDING_NOTE = (
    "(+ n awaiting a final decision): records that had no final decision when this diagram was "
    "made. They are not counted in the n of that box or of any other box."
)
MANUAL_NOTE = f"{DAGGER} entered by hand"
SOURCE_NOTE = (
    "From: Page MJ, McKenzie JE, Bossuyt PM, Boutron I, Hoffmann TC, Mulrow CD, et al. The "
    "PRISMA 2020 statement: an updated guideline for reporting systematic reviews. "
    "BMJ 2021;372:n71. doi: 10.1136/bmj.n71. For more information, visit: "
    "http://www.prisma-statement.org/"
)


@dataclass
class Line:
    """One logical line of a box, before wrapping."""

    text: str
    indent: float = 0.0
    style: str = "normal"  # "normal" or "pending"


@dataclass
class Box:
    """A box: its content, its width, and (after layout) its place."""

    box_id: str
    lines: list[Line]
    width: float
    fill: str = WHITE
    x: float = 0.0
    y: float = 0.0
    height: float = 0.0
    rows: list[Line] = field(default_factory=list)  # the wrapped lines

    def wrap(self) -> float:
        """Wrap the lines to the box width; return (and set) the height they need."""
        inner = self.width - 2 * PAD_X
        self.rows = []
        for line in self.lines:
            # Indented items (a database, a reason) continue with a hanging indent.
            hang = HANG if line.indent else 0.0
            parts = wrap(line.text, inner - line.indent - hang)
            self.rows.append(Line(parts[0], line.indent, line.style))
            self.rows.extend(Line(part, line.indent + hang, line.style) for part in parts[1:])
        self.height = 2 * PAD_Y + LINE_H * len(self.rows)
        return self.height

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


class CountsView:
    """The counts dict, read with number formatting, daggers and pending lines."""

    def __init__(self, counts: Mapping[str, Any]) -> None:
        self.counts = counts
        self.manual = {str(k) for k in counts.get("manual") or ()}
        self.pending = {str(k): v for k, v in (counts.get("pending") or {}).items()}

    def mark(self, key: str) -> str:
        return DAGGER if key in self.manual else ""

    def n(self, key: str) -> str:
        return f"(n = {format_count(self.counts.get(key, 0))}){self.mark(key)}"

    def item(self, label: str, key: str, indent: float = 0.0) -> Line:
        return Line(f"{label} {self.n(key)}", indent)

    def single(self, label: str, key: str) -> list[Line]:
        """The template's two-line form: the label, then "(n = x)" on its own line."""
        return [Line(label), Line(self.n(key))]

    def specific(self, key: str) -> list[Line]:
        """One indented line per ``[name, n]`` entry of a list-valued key."""
        out = []
        for entry in self.counts.get(key) or ():
            name, value = entry[0], entry[1]
            out.append(
                Line(f"{clean_text(name)} (n = {format_count(value)}){self.mark(key)}", INDENT)
            )
        return out

    def pending_count(self, kind: str) -> int:
        value = self.pending.get(kind)
        return value if isinstance(value, int) and value > 0 else 0

    def pending_line(self, kind: str) -> list[Line]:
        n = self.pending_count(kind)
        return [Line(PENDING_TEXT.format(n=format_count(n)), style="pending")] if n else []

    def excluded(self, key: str) -> list[Line]:
        reasons = self.specific(key)
        if not reasons:
            return [Line("Reports excluded"), Line(f"(n = 0){self.mark(key)}")]
        return [Line(f"Reports excluded:{self.mark(key)}"), *reasons]

    def has_other_methods(self) -> bool:
        total = sum(_number(self.counts.get(k)) for k in OTHER_METHOD_KEYS)
        total += sum(_number(e[1]) for e in self.counts.get("other_excluded") or ())
        return total > 0

    def footnotes(self) -> list[str]:
        notes = list(TEMPLATE_NOTES)
        if any(self.pending_count(kind) for kind in PENDING_BOX):
            notes.append(PENDING_NOTE)
        if self.manual:
            notes.append(MANUAL_NOTE)
        notes.append(SOURCE_NOTE)
        return notes


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def build_boxes(view: CountsView, *, updated: bool, other: bool) -> dict[str, Box]:
    """All boxes the diagram shows, keyed by id, wording as in the PRISMA 2020 template."""
    v = view
    new = "New studies included in review" if updated else "Studies included in review"
    new_rep = "Reports of new included studies" if updated else "Reports of included studies"
    main: dict[str, list[Line]] = {
        "box-records_identified": [
            Line("Records identified from*:"),
            v.item("Databases", "database_results"),
            *v.specific("database_specific_results"),
            v.item("Registers", "register_results"),
            *v.specific("register_specific_results"),
        ],
        "box-records_removed": [
            Line("Records removed before screening:"),
            v.item("Duplicate records removed", "duplicates", INDENT),
            v.item(
                "Records marked as ineligible by automation tools", "excluded_automatic", INDENT
            ),
            v.item("Records removed for other reasons", "excluded_other", INDENT),
        ],
        "box-records_screened": [
            *v.single("Records screened", "records_screened"),
            *v.pending_line("title_abstract"),
        ],
        "box-records_excluded": v.single("Records excluded**", "records_excluded"),
        "box-dbr_sought_reports": [
            *v.single("Reports sought for retrieval", "dbr_sought_reports"),
            *v.pending_line("retrieval"),
        ],
        "box-dbr_notretrieved_reports": v.single(
            "Reports not retrieved", "dbr_notretrieved_reports"
        ),
        "box-dbr_assessed": [
            *v.single("Reports assessed for eligibility", "dbr_assessed"),
            *v.pending_line("full_text"),
        ],
        "box-dbr_excluded": v.excluded("dbr_excluded"),
        "box-new_studies": [v.item(new, "new_studies"), v.item(new_rep, "new_reports")],
    }
    boxes = {k: Box(k, lines, SIDE_W if k in SIDE_IDS else MAIN_W) for k, lines in main.items()}
    if updated:
        total = [
            v.item("Total studies included in review", "total_studies"),
            v.item("Reports of total included studies", "total_reports"),
        ]
        previous = [
            v.item("Studies included in previous version of review", "previous_studies"),
            Line(""),
            v.item("Reports of studies included in previous version of review", "previous_reports"),
        ]
        boxes["box-total_studies"] = Box("box-total_studies", total, MAIN_W)
        boxes["box-previous_studies"] = Box("box-previous_studies", previous, PREV_W, PALE_GREY)
    if other:
        others: dict[str, list[Line]] = {
            "box-other_identified": [
                Line("Records identified from:"),
                v.item("Websites", "website_results"),
                v.item("Organisations", "organisation_results"),
                v.item("Citation searching", "citations_results"),
            ],
            "box-other_sought_reports": [
                *v.single("Reports sought for retrieval", "other_sought_reports"),
                *v.pending_line("other_title_abstract"),
            ],
            "box-other_notretrieved_reports": v.single(
                "Reports not retrieved", "other_notretrieved_reports"
            ),
            "box-other_assessed": [
                *v.single("Reports assessed for eligibility", "other_assessed"),
                *v.pending_line("other_full_text"),
            ],
            "box-other_excluded": v.excluded("other_excluded"),
        }
        boxes.update({k: Box(k, lines, OTHER_W, PALE_GREY) for k, lines in others.items()})
    return boxes
