"""Two records side by side, the words that differ marked, with the score and the rule
that decided: for a pair queued for review and for a merge being inspected alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from screener.core.services.dedup import MergeDetail
from screener.core.services.records import RecordDetail
from screener.gui.highlight import DIFF_STYLE, DIFF_STYLE_DARK, escape, word_diff_html
from screener.gui.history_view import when as local_time
from screener.gui.reading_pane import RecordBrowser

FIELDS = (("Title", "title"), ("Authors", "authors"), ("Year", "year"), ("Journal", "journal"),
          ("Volume", "volume"), ("Issue", "issue"), ("Pages", "pages"), ("DOI", "doi"), ("PMID", "pmid"),
          ("Source", "source"), ("Abstract", "abstract"))


def field_text(d: RecordDetail, key: str) -> str:
    value = getattr(d, key)
    if isinstance(value, list):
        return "; ".join(value)
    if key == "source":
        return f"{d.source} (batch {d.batch_id}), {d.source_file} record {d.source_position}"
    return "" if value is None else str(value)


def comparison_html(a: RecordDetail, b: RecordDetail, mark: str = DIFF_STYLE, muted: str = "gray") -> tuple[str, str]:
    """Each record's fields as an HTML table, the words that differ from the other marked."""
    rows_a, rows_b = [], []
    for label, key in FIELDS:
        ha, hb = word_diff_html(field_text(a, key), field_text(b, key), mark)
        for rows, h in ((rows_a, ha), (rows_b, hb)):
            rows.append(f"<tr><td style='color:{muted}; padding:4px 12px 4px 0; vertical-align:top'>{label}</td>"
                        f"<td style='padding:4px 0; line-height:140%'>{h or '—'}</td></tr>")

    def page(d: RecordDetail, rows: list[str]) -> str:
        return f"<p style='font-size:large'><b>#{d.record_id}</b></p><table width='100%'>{''.join(rows)}</table>"

    return page(a, rows_a), page(b, rows_b)


class ComparisonPanel(QWidget):
    """The score line, a line saying why (the rule, how a merge was made) and the two
    records in columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.left = RecordBrowser(self)
        self.right = RecordBrowser(self)
        self.left.setAccessibleName(self.tr("First record"))
        self.right.setAccessibleName(self.tr("Second record"))
        self.why_label = QLabel(self)
        self.why_label.setWordWrap(True)
        self.why_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why_label.setAccessibleName(self.tr("Why"))
        cols = QSplitter(Qt.Orientation.Horizontal, self)
        cols.addWidget(self.left)
        cols.addWidget(self.right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.why_label)
        layout.addWidget(cols, 1)

    def show_pair(self, a: RecordDetail, b: RecordDetail, why: str) -> None:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        ha, hb = comparison_html(a, b, DIFF_STYLE_DARK if dark else DIFF_STYLE)
        self.left.setHtml(ha)
        self.right.setHtml(hb)
        self.why_label.setText(escape(why))

    def why(self, d: MergeDetail) -> str:
        """How a pair was merged (or why it is queued) and the rule, in words."""
        rule = d.rule or self.tr("no rule makes them one")
        when = local_time(d.at.isoformat()) if d.at else ""
        if d.how == "auto":
            return self.tr("Merged automatically on {when}: {rule}.").format(when=when, rule=rule)
        if d.how == "undo":
            return self.tr("Merged again on {when}, when an unmerge was undone: {rule}.").format(when=when, rule=rule)
        if d.how in ("manual", "bulk"):
            who = d.reviewer or self.tr("a reviewer")
            return self.tr("Merged by {who} on {when}. The rules alone say: {verdict} ({rule}).").format(
                who=who, when=when, verdict=self.tr(d.verdict), rule=rule)
        return self.tr("The rules say: {verdict} ({rule}).").format(verdict=self.tr(d.verdict), rule=rule)

    def clear(self) -> None:
        self.left.clear()
        self.right.clear()
        self.why_label.setText("")
