"""The screen while others work: their changes update the affected rows of the list, and
a decision the server could not take waits, said plainly, until it can. A mixin of
``ScreenView``."""

from __future__ import annotations

from typing import Any

from screener.core.services.live import Changes
from screener.gui.unsaved import Unsaved
from screener.types import ScreenerError


class ScreenLive:
    """Mixed into ``ScreenView``; uses its model, filters, panels and workspace."""

    workspace: Any
    project: Any
    model: Any
    filters: Any

    def _connect_live(self) -> None:
        ws = self.workspace
        ws.records_changed.connect(self._records_changed)
        ws.unsaved.saved.connect(self._unsaved_saved)
        ws.unsaved.refused.connect(self._unsaved_refused)

    def _records_changed(self, changes: Changes) -> None:
        """Update only the rows of the records others changed: which of them still belong in
        this list is one query over those ids; nothing else is read again."""
        ids = changes.record_ids
        if not ids:
            return
        f, ws = self.filters, self.workspace
        view = f.view()
        try:
            in_list = self.project.records.ids(
                ws.stage, view=view, reviewer=ws.reviewer if view == "my_queue" else None,
                status=f.status(), tag=f.tag(), search=f.search_text() or None,
                sort=self.model.sort_key, descending=self.model.descending, among=ids)
        except ScreenerError:
            return  # the server is away: the next look brings these changes again
        current = self.current_id()  # type: ignore[attr-defined]
        self.model.update_records(ids, in_list, keep=current)
        if current is not None and current in ids:
            self._ahead = None
            self._show_state_of(current)
        elif self._ahead is not None and self._ahead.record_id in ids:
            self._ahead = None
        self._update_empty_state()  # type: ignore[attr-defined]
        self._update_progress_label(bar=False)  # type: ignore[attr-defined]
        self._counts_timer.start()  # type: ignore[attr-defined]

    def _show_state_of(self, rid: int) -> None:
        """The record on screen changed: its decisions, status and history, not its text (the
        reader keeps their place in the abstract)."""
        try:
            d = self.project.records.detail(rid, viewer=self.workspace.reviewer or None)
        except ScreenerError:
            return
        panel = self.panel  # type: ignore[attr-defined]
        panel.show_state(d.decisions, self.workspace.reviewer, *self._retrieval_state(rid))
        self.history.show_record(rid)  # type: ignore[attr-defined]

    def _retrieval_state(self, rid: int) -> tuple[Any, Any]:
        if self.workspace.stage != "full_text":
            return None, None
        retrieved, pdf = self.project.retrieval.retrieval(rid)
        return retrieved, pdf.name if pdf else None

    # decisions the server could not take
    def _keep_unsaved(self, rid: int, choice: str, stage: str, reason: str) -> None:
        ws = self.workspace
        if self.pane.record_id != rid:  # type: ignore[attr-defined]
            self.show_error(self.tr(  # type: ignore[attr-defined]
                "Not saved: the server cannot be reached, and #{id} could not be shown to you, "
                "so no decision on it was kept.").format(id=rid))
            return
        ws.unsaved.add(Unsaved(rid, ws.reviewer, stage, choice, reason))
        self.show_error(self.tr(  # type: ignore[attr-defined]
            "Not saved: the server cannot be reached. Your decision ({d}) on #{id} is kept "
            "and will be saved when the server answers again; #{id} stays in your list "
            "until then.").format(d=choice, id=rid))

    def _unsaved_saved(self, u: Unsaved) -> None:
        if u.reviewer != self.workspace.reviewer:
            return
        self.show_error("")  # type: ignore[attr-defined]
        self.workspace.notify(self.tr(  # type: ignore[attr-defined]
            "Saved your decision ({d}) on #{id}, made while the server could not be reached"
        ).format(d=u.decision, id=u.record_id), 10000)
        if u.stage == self.workspace.stage:
            self._records_changed(Changes(0, frozenset({u.record_id}), frozenset({"decision"})))
            if self.current_id() == u.record_id and self.filters.view() == "my_queue":  # type: ignore[attr-defined]
                row = self.model.row_of(u.record_id)
                self.model.remove_id(u.record_id)
                self.select_row(row)  # type: ignore[attr-defined]

    def _unsaved_refused(self, u: Unsaved, why: str) -> None:
        if u.stage == self.workspace.stage:
            self._records_changed(Changes(0, frozenset({u.record_id}), frozenset({"decision"})))
        text = self.tr("Your decision ({d}) on #{id}, made while the server could not be "
                       "reached, was not saved: {why}.").format(d=u.decision, id=u.record_id,
                                                                why=why)
        if self.model.row_of(u.record_id) >= 0:
            text += " " + self.tr("#{id} is still in your list, undecided.").format(id=u.record_id)
        self.show_error(text)  # type: ignore[attr-defined]
