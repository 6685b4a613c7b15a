"""What the screen view does when the reviewer acts: decide, pick a reason, undo; save
notes and tags; full-text retrieval and PDFs. A mixin of ``ScreenView`` (layout stays there).

Errors from the services are shown inline (``show_error``), never in a dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QWidget

from screener.gui.heap import settle_young
from screener.gui.recent import dialog_folder, remember_folder
from screener.gui.screen_parts import is_text_input
from screener.types import ConnectionLost, ScreenerError

CHECKPOINT_EVERY = 40  # decisions; SQLite would checkpoint by itself at about 160
DONE_WORDS = {"include": "Included", "exclude": "Excluded", "maybe": "Marked maybe"}


class ScreenActions:
    """Mixed into ``ScreenView``; uses its model, table, panels and workspace."""

    # keys
    def _key(self, keys: str | QKeySequence.StandardKey, slot: Any) -> QShortcut:
        sc = QShortcut(QKeySequence(keys), self)
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
        sc.activated.connect(slot)
        self._shortcuts.append(sc)
        return sc

    def _make_shortcuts(self) -> None:
        self._key("I", lambda: self.decide("include"))
        self._key("E", lambda: self.decide("exclude"))
        self._key("M", lambda: self.decide("maybe"))
        for k in ("J", "Down"):
            self._key(k, lambda: self.move(1))
        for k in ("K", "Up"):
            self._key(k, lambda: self.move(-1))
        self._key("/", self.focus_search)
        self._key("Ctrl+Z", self.undo)
        for n in range(1, 10):
            self._key(str(n), lambda n=n: self.pick_reason(n))
        self._key("?", self.overlay.toggle)
        self._key("F1", self.overlay.toggle)
        self.escape_key = self._key("Escape", self.panel.cancel_reason_wait)
        self.escape_key.setEnabled(False)

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        self._set_shortcuts_enabled(not is_text_input(now) and not self.overlay.isVisible())

    def _set_shortcuts_enabled(self, on: bool) -> None:
        for sc in self._shortcuts:
            sc.setEnabled(on and (sc is not self.escape_key or self.panel.awaiting_reason))

    # deciding
    def decide(self, choice: str, reason: str = "") -> bool:
        """Record the reviewer's decision on the current record and move on."""
        rid = self.current_id()
        if rid is None or self.overlay.isVisible():
            return False
        if len(self.selected_ids()) > 1:  # several records selected: one bulk step, asked first
            self.bulk_decide(choice, reason)
            return False
        if self.step_running:
            self.show_error(self.tr("A bulk step is still being saved: decide again in a moment."))
            return False
        stage = self.workspace.stage
        if choice == "exclude" and not reason and self.panel.needs_reason():
            self.panel.begin_reason_wait()
            self.escape_key.setEnabled(True)
            return False
        try:
            info = self.project.screening.decide(rid, self.workspace.reviewer, choice, stage, reason)
        except ConnectionLost:
            self._keep_unsaved(rid, choice, stage, reason)  # said plainly, saved when it can be
            return False
        except ScreenerError as e:
            self.show_error(str(e))
            return False
        self.show_error(info.warning)  # e.g. full-text work a late change no longer counts
        self.forget_steps_after_decision()
        self._checkpoint_now_and_then()
        self.session.add()
        self._mine += 1
        extra = f" ({reason})" if reason else ""
        self.workspace.notify(self.tr("{done} #{id}{extra} — Ctrl+Z to undo").format(
            done=self.tr(DONE_WORDS[choice]), id=rid, extra=extra))
        row = self.table.currentIndex().row()
        if self.filters.view() == "my_queue":
            self._placing = True  # Qt moves the current row as this one goes: show only the next
            try:
                self.model.remove_id(rid)
            finally:
                self._placing = False
            self.select_row(row)  # the next row takes its place and is shown
        else:
            self.model.refresh_id(rid)
            if row + 1 < self.model.rowCount():
                self.select_row(row + 1)
            else:
                self._show(rid)
        self._after_change()
        return True

    def pick_reason(self, number: int) -> None:
        if not self.panel.reasons:
            self.show_error(self.tr("No exclusion reasons yet: add them in Settings."))
            return
        if not self.panel.pick_reason(number):
            self.show_error(self.tr("There is no reason {n}: the project has {k}.").format(
                n=number, k=len(self.panel.reasons)))

    def undo(self) -> None:
        if self.undo_step():  # a tag or label step of this session
            return
        try:
            info = self.project.screening.undo_last(self.workspace.reviewer)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        if info is None:
            self.workspace.notify(self.tr("Nothing to undo"))
            return
        if info.undone > 1:  # a whole bulk step of decisions
            self.workspace.notify(self.tr("Undid a bulk step: {n:,} decisions").format(n=info.undone))
            self._ahead = None
            self._requery(keep=info.record_id)
            self._update_progress()
            self._after_change()
            return
        self.session.undo()
        self._mine = max(0, self._mine - 1)
        self.workspace.notify(self.tr("Undid {decision} on #{id}").format(decision=info.decision, id=info.record_id))
        self._ahead = None
        rid = info.record_id
        if info.stage != self.workspace.stage:
            self._after_change()
            return
        back = self.filters.view() == "my_queue" and not getattr(info, "restored", "")
        if back and self.model.sort_key == "id":
            # the undo says what is left of the reviewer's decision there (none: it is back in
            # my queue), and the list's order says where: no query, no search of 100,000 ids
            row = self.model.insert_id(rid)
        else:
            row = self.model.row_of(rid)
            if back and row < 0:
                self.model.reload()
                row = self.model.row_of(rid)
        self.model.refresh_id(rid, row)
        self.select_row(row if row >= 0 else self.table.currentIndex().row(), force=True)
        self._after_change()

    def _checkpoint_now_and_then(self) -> None:
        """Every few dozen decisions, fold SQLite's write-ahead log into the file on a worker
        thread, so that no decision ever pays for SQLite's own automatic checkpoint."""
        self._since_checkpoint += 1
        if self._since_checkpoint < CHECKPOINT_EVERY or self._checkpointing:
            return
        self._since_checkpoint = 0
        self._checkpointing = True

        def work():  # type: ignore[no-untyped-def]
            yield from ()
            return self.project.store.checkpoint()

        def done(_result: object = None) -> None:
            self._checkpointing = False

        self.workspace.runner.start(work(), done, lambda _e: done())

    def _after_change(self) -> None:
        self.session_label.setText(self.session.text())
        self.order.changed()  # the relevance order retrains in the background
        self._update_progress_label(bar=False)
        self._counts_timer.start()
        self._announce_timer.start()
        self._update_empty_state()

    def _announce(self) -> None:
        """Tell the other views, a moment later, so the loop is never slowed by them."""
        self._own_change = True
        try:
            self.workspace.data_changed.emit()
        finally:
            self._own_change = False
        settle_young()  # the reviewer paused: no full collection will walk this stretch's objects

    # notes, tags, full text
    def _save_note(self, rid: int, text: str) -> None:
        self._ahead = None
        try:
            self.project.records.set_note(rid, self.workspace.reviewer, text)
        except ScreenerError as e:
            self.show_error(str(e))

    def _save_tags(self, rid: int, tags: list[str]) -> None:
        self._ahead = None
        try:
            self.project.records.set_tags(rid, tags, self.workspace.reviewer)
            self.filters.set_tags(self.project.records.tags())
        except ScreenerError as e:
            self.show_error(str(e))

    def _not_retrieved(self, checked: bool) -> None:
        """A report not retrieved leaves the queue (it is done: nothing to assess); marked
        retrieved again, it comes back with whatever was decided on it."""
        rid = self.current_id()
        if rid is None:
            return
        try:
            change = self.project.retrieval.set_retrieval(rid, not checked, reviewer=self.workspace.reviewer)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self.show_error(change.warning)
        self.workspace.notify(self.tr("Report for #{id} marked {state}").format(
            id=rid, state=self.tr("not retrieved") if checked else self.tr("retrieved")))
        self._ahead = None
        row = self.table.currentIndex().row()
        if checked and self.filters.view() == "my_queue":
            self.model.remove_id(rid)
            self.select_row(row)
        else:
            self.model.refresh_id(rid)
            self._show(rid)
        self._update_progress()
        self._after_change()

    def _ask_pdf_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach PDF"), str(dialog_folder("pdf", self.project.target)),
                                              self.tr("PDF files (*.pdf);;All files (*)"))
        remember_folder("pdf", path)
        return path

    def _attach_pdf(self) -> None:
        rid = self.current_id()
        path = self._ask_pdf_path() if rid is not None else ""
        if not path or rid is None:
            return
        if self.full_text.attach_file(rid, path):
            self._ahead = None
            self._show(rid)
            self._announce_timer.start()

    def _attach_folder(self) -> None:
        from screener.gui.attach_folder_dialog import attach_pdfs_from_folder

        attach_pdfs_from_folder(self, self.workspace)  # not modal: screening goes on meanwhile

    def _toggle_history(self, shown: bool) -> None:
        self.history.setVisible(shown)
        if shown:
            self.history.show_record(self.pane.record_id)
