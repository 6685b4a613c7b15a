"""A record's history: import, merges, decisions and undos, resolutions, as the reviewer may
see it (blind-safe: ``HistoryService.visible_history``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QTextBrowser, QVBoxLayout, QWidget

from screener.core.services.history import HistoryEntry
from screener.gui.context import Workspace
from screener.gui.highlight import escape
from screener.types import ScreenerError

STAGE_NAMES = {"title_abstract": "title/abstract", "full_text": "full text"}
MERGE_HOW = {"auto": "found certain automatically", "manual": "by a reviewer", "bulk": "accepted in bulk",
             "undo": "an unmerge undone", "accept": "a bulk acceptance undone"}


def when(at: str) -> str:
    """Stored UTC time as local time, to the minute."""
    try:
        return datetime.fromisoformat(at).replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def describe(e: HistoryEntry) -> str:
    """One line of plain text for an entry."""
    d: dict[str, Any] = e.detail
    stage = STAGE_NAMES.get(e.stage, e.stage)
    who = e.reviewer or "Screener"
    if e.kind == "import":
        return f"Imported from {d.get('source', '?')} (batch {d.get('batch_id')}), {d.get('file', '?')} record {d.get('position')}"
    bulk = " (in a bulk step)" if d.get("bulk") else ""
    if e.kind == "decision":
        reason = f" — {d['reason']}" if d.get("reason") else ""
        return f"{who}: {d.get('decision', '?')}{reason} at {stage}{bulk}"
    if e.kind == "undo":
        return f"{who} undid {d.get('decision', 'a decision')} at {stage}{bulk}"
    if e.kind in ("label", "unlabel"):
        return f"{who} {'put the label' if e.kind == 'label' else 'took the label'} {d.get('label', '?')}" \
               f"{' on' if e.kind == 'label' else ' off'}{bulk}"
    if e.kind == "labels":
        return f"{who} set labels: {', '.join(d.get('labels', [])) or '(none)'}"
    if e.kind == "resolution":
        reason = f" — {d['reason']}" if d.get("reason") else ""
        return f"{who} resolved the conflict: {d.get('decision')}{reason} at {stage}"
    if e.kind == "reopened":
        return f"Conflict at {stage} reopened ({d.get('why', '')})"
    if e.kind == "merge" and d.get("how") == "update":
        if "into" in d:
            return f"Search update {d.get('round', '')}: the same record as #{d['into']}, which keeps its decisions"
        found = ", ".join(f"#{i}" for i in d.get("merged", []))
        return f"Found again by search update {d.get('round', '')} ({found})"
    if e.kind == "merge":
        how = MERGE_HOW.get(d.get("how", ""), d.get("how", "")) or MERGE_HOW.get(d.get("undo", ""), "")
        if "into" in d:
            return f"Merged into #{d['into']} as a duplicate ({how})"
        merged = ", ".join(f"#{i}" for i in d.get("merged", []))
        return f"Kept as the record for its duplicates {merged} ({how})"
    if e.kind == "unmerge":
        return f"{who} separated it from #{d.get('other')}"
    if e.kind == "not_duplicate":
        return f"{who}: not a duplicate of #{d.get('other')}"
    if e.kind == "pair_reopened":
        return f"{who} put the pair with #{d.get('other')} back among the possible duplicates"
    if e.kind == "left_full_text":
        n = d.get("decisions", 0)
        return (f"Left full text: no longer included at title/abstract ({n} full-text "
                f"decision{'s' if n != 1 else ''} kept, not counted)")
    if e.kind == "tags":
        change = f" (added {d['added']})" if d.get("added") else f" (took off {d['removed']})" if d.get("removed") else ""
        return f"{who} set tags: {', '.join(d.get('tags', [])) or '(none)'}{change}{bulk}"
    if e.kind == "note":
        return f"{who} edited their note"
    if e.kind == "retrieval":
        got = "report retrieved" if d.get("retrieved") else "report not retrieved"
        pdf = f", PDF {d['pdf']}" if d.get("pdf") else ""
        matched = f" (matched by {d['matched_by']})" if d.get("matched_by") else ""
        return f"{who}: {got}{pdf}{matched}"
    if e.kind == "pdf_removed":
        return f"{who} took the PDF {d.get('pdf') or ''} off the record"
    if e.kind in ("decision_withdrawn", "resolution_withdrawn"):
        what = "decision" if e.kind == "decision_withdrawn" else "resolution"
        return f"{who}'s {what} ({d.get('decision')} — {d.get('reason')}) withdrawn at {stage}: {d.get('why', '')}"
    return f"{who}: {e.kind.replace('_', ' ')}"  # a kind added later: still in words


class HistoryView(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.record_id: int | None = None
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setFrameShape(QFrame.Shape.StyledPanel)
        self.browser.setAccessibleName(self.tr("Record history"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        workspace.data_changed.connect(self.refresh)
        workspace.reviewer_changed.connect(self.refresh)
        workspace.stage_changed.connect(self.refresh)

    def show_record(self, record_id: int | None) -> None:
        self.record_id = record_id
        self.refresh()

    def refresh(self) -> None:
        if not self.isVisible() or self.record_id is None:
            if self.record_id is None:
                self.browser.clear()
            return
        try:
            entries = self.workspace.project.history.visible_history(self.record_id, self.workspace.reviewer)
        except ScreenerError as e:
            self.browser.setPlainText(str(e))
            return
        rows = "".join(
            f"<tr><td style='padding:2px 8px 2px 0; white-space:nowrap; color:gray'>{escape(when(e.at))}</td>"
            f"<td style='padding:2px 0'>{escape(describe(e))}</td></tr>"
            for e in entries
        )
        self.browser.setHtml(f"<table>{rows}</table>")

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def entries_text(self) -> str:
        return self.browser.toPlainText()
