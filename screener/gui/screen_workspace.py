"""What the screen view adds for working on the whole review: the filters (kept per
reviewer), labels (Alt+1–9) and bulk steps on a selection. A mixin of ``ScreenView``.

A bulk step always asks first, naming how many records and which stage; one Ctrl+Z
undoes all of it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QApplication, QInputDialog, QMenu
from shiboken6 import isValid

from screener.core.services.bulk import BulkPlan, BulkResult
from screener.core.services.record_filters import RecordFilter, search_words
from screener.gui.bulk_bar import BulkBar, confirm_step
from screener.gui.errors import report_error
from screener.gui.screen_filters import FilterPanel, facet_options, load_state, save_state
from screener.types import ScreenerError, Stage

STAGE_WORDS = {Stage.TITLE_ABSTRACT.value: "title/abstract", Stage.FULL_TEXT.value: "full text"}
DONE = {"decide": "Decided", "tag": "Tagged", "untag": "Untagged", "label": "Labelled", "unlabel": "Unlabelled"}


class ScreenWorkspace:
    """Mixed into ``ScreenView``; uses its model, table, filters, panels and workspace."""

    def _setup_workspace(self, left_layout: Any) -> None:
        self.filter_panel = FilterPanel(self)
        self.bulk_bar = BulkBar(self)
        left_layout.insertWidget(1, self.filter_panel)
        left_layout.addWidget(self.bulk_bar)
        self.labels: list[str] = []
        self._steps: list[int] = []  # this session's bulk steps, newest last
        self._step_running = False
        self._counting = False
        self._recount = False
        self._restoring = False
        self._count_timer = QTimer(self, singleShot=True, interval=300)
        self._count_timer.timeout.connect(self._start_count)
        self._pending_save: tuple[str, str, dict[str, Any]] | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self.flush_saved_filters)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.flush_saved_filters)
        self.filter_panel.changed.connect(self._filters_changed)
        self.filter_panel.shown_changed.connect(lambda _on: self._count_filters())
        self.filters.changed.connect(self._bar_changed)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.bulk_bar.decide.connect(self.bulk_decide)
        self.bulk_bar.tag.connect(self.bulk_tag)
        self.bulk_bar.label.connect(self.bulk_label)
        self.bulk_bar.select_all.connect(self.select_all_in_filter)
        self.panel.label_toggled.connect(self.toggle_label)
        for n in range(1, 10):
            self._key(f"Alt+{n}", lambda n=n: self.label_key(n))
        self._key("Ctrl+A", self.select_all_in_filter)

    # filters
    def list_filter(self) -> RecordFilter:
        return self.filter_panel.current()

    def is_filtered(self) -> bool:
        return self.filters.is_filtered() or self.filter_panel.is_active()

    def _filters_changed(self) -> None:
        if self._restoring:
            return
        self._save_filters()
        self._requery()
        self._count_filters()

    def _bar_changed(self) -> None:
        """The view, tag or search changed (the list is queried by the view itself). They are
        written to the settings a moment later (a settings file is read and written each
        time): typing a search waits for the list only."""
        if not self._restoring:
            self._save_filters(later=True)
            self._count_filters()

    def _save_filters(self, later: bool = False) -> None:
        f = self.filters
        self._pending_save = (self.project.target, self.workspace.reviewer, {
            "filter": self.list_filter().to_dict(), "view": list(f.view_combo.currentData()),
            "search": f.search_text(), "tag": f.tag() or "", "open": self.filter_panel.toggle.isChecked()})
        if later:
            self._save_timer.start()
        else:
            self.flush_saved_filters()

    def flush_saved_filters(self) -> None:
        """Write the filters not yet written (also when the view is hidden or the app quits)."""
        if not isValid(self):
            return
        self._save_timer.stop()
        pending, self._pending_save = self._pending_save, None
        if pending is not None:
            save_state(*pending)

    def _restore_filters(self) -> None:
        """This reviewer's filters as they left them (checked, never believed)."""
        self.flush_saved_filters()
        state = load_state(self.project.target, self.workspace.reviewer)
        self._restoring = True
        f = self.filters
        f.blockSignals(True)
        try:
            view = state.get("view")
            if isinstance(view, list) and len(view) == 2 and all(isinstance(v, str | None) for v in view):
                f.set_view(view[0], view[1])
            else:
                f.set_view("my_queue")
            search = state.get("search")
            f.search.setText(search if isinstance(search, str) else "")
            tag = state.get("tag")
            i = f.tag_combo.findData(tag) if isinstance(tag, str) and tag else 0
            f.tag_combo.setCurrentIndex(max(i, 0))
            saved = state.get("filter")
            self.filter_panel.set_filter(RecordFilter.from_dict(saved if isinstance(saved, dict) else {}))
            self.filter_panel.toggle.setChecked(state.get("open") is True)
        finally:
            f.blockSignals(False)
            self._restoring = False

    def _filter_options(self) -> None:
        """The values each filter offers (cheap: read without counting)."""
        p = self.project
        self.filter_panel.set_options(facet_options(
            p.records.record_types(), p.imports.batches(), p.labels.labels(), p.records.tags(), self.workspace.stage))

    def _count_filters(self) -> None:
        """Each value's count under the other filters, when they are on screen: on a worker
        thread, a moment after the last change (the list is queried first, alone)."""
        if self._counts_wanted():
            self._count_timer.start()
        else:  # only how many match, which the list knows
            self.filter_panel.set_counts({}, self.model.rowCount())

    def _counts_wanted(self) -> bool:
        return self.filter_panel.body.isVisible()

    def _start_count(self) -> None:
        if self._counting:
            self._recount = True
            return
        if not self._counts_wanted():
            return
        self._counting = True
        stage, reviewer = self.workspace.stage, self.workspace.reviewer
        view = self.filters.view()
        f = self.list_filter()
        search = self.filters.search_text()
        if search:
            f = RecordFilter.from_dict({**f.to_dict(), "search": search})
        project = self.project

        def work():  # type: ignore[no-untyped-def]
            yield from ()
            return project.records.filter_counts(stage, f, view=view, reviewer=reviewer)

        def done(counts: dict[str, dict[Any, int]]) -> None:
            if not isValid(self.filter_panel):  # the view closed while counting
                return
            self._counting = False
            self.filter_panel.set_counts(counts, self.model.rowCount())
            if self._recount:
                self._recount = False
                self._start_count()

        def failed(_e: Exception) -> None:
            if isValid(self.filter_panel):
                self._counting = False

        self.workspace.runner.start(work(), done, failed)

    def _recount_if_shown(self) -> None:
        """After decisions (a moment later): the counts again, if they are on screen."""
        if self._counts_wanted():
            self._count_filters()

    def _search_words(self) -> list[str]:
        return search_words(self.filters.search_text())

    # labels
    def label_key(self, number: int) -> None:
        if not 1 <= number <= min(9, len(self.labels)):
            self.show_error(self.tr("There is no label {n}: add labels in Settings.").format(n=number)
                            if not self.labels else
                            self.tr("There is no label {n}: the project has {k}.").format(n=number, k=len(self.labels)))
            return
        self.toggle_label(self.labels[number - 1])

    def toggle_label(self, name: str) -> None:
        ids = self.selected_ids()
        if len(ids) > 1:
            self.bulk_label(name)
            return
        rid = self.current_id()
        if rid is None:
            return
        try:
            on = self.project.labels.toggle(rid, self.workspace.reviewer, name)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self._ahead = None
        self.workspace.notify((self.tr("Label {name} on #{id}") if on else self.tr("Label {name} off #{id}"))
                              .format(name=name, id=rid))
        self._show(rid)

    # selection and bulk steps
    def selected_ids(self) -> list[int]:
        sel = self.table.selectionModel()
        rows = self.model.rowCount()
        ranges = sel.selection()
        if len(ranges) == 1 and ranges[0].top() == 0 and ranges[0].bottom() == rows - 1:
            return list(self.model.ids)
        out: list[int] = []
        for r in ranges:
            out += [i for i in self.model.ids[r.top() : r.bottom() + 1]]
        return sorted(set(out), key=out.index)

    def _selection_changed(self) -> None:
        n = len(self.table.selectionModel().selectedRows())
        self.bulk_bar.show_count(n, self.model.rowCount(), self.labels)

    def select_all_in_filter(self) -> None:
        self.table.selectAll()
        self.table.setFocus()

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        n = max(1, len(self.selected_ids()))
        for choice, text in (("include", self.tr("Include")), ("exclude", self.tr("Exclude")),
                             ("maybe", self.tr("Maybe"))):
            act = QAction(self.tr("{what} {n:,} record(s)…").format(what=text, n=n), menu)
            act.triggered.connect(lambda _=False, c=choice: self.bulk_decide(c))
            menu.addAction(act)
        menu.addSeparator()
        tag = menu.addAction(self.tr("Tag {n:,} record(s)…").format(n=n))
        tag.triggered.connect(self.bulk_tag)
        if self.labels:
            labels = menu.addMenu(self.tr("Label"))
            for name in self.labels:
                labels.addAction(name).triggered.connect(lambda _=False, x=name: self.bulk_label(x))
        menu.addSeparator()
        menu.addAction(self.tr("Select all in this list ({n:,})").format(n=self.model.rowCount())).triggered.connect(
            self.select_all_in_filter)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def bulk_decide(self, choice: str, reason: str = "") -> None:
        ids = self.selected_ids() or ([self.current_id()] if self.current_id() is not None else [])
        if not ids:
            return
        stage = self.workspace.stage
        reasons = self.panel.reasons if choice == "exclude" else []
        needs = choice == "exclude" and self.panel.needs_reason()
        try:
            plan = self.project.bulk.plan_decision(ids, self.workspace.reviewer, choice, stage,
                                                   reason or (reasons[0] if needs and reasons else ""))
        except ScreenerError as e:
            self.show_error(str(e))
            return
        blind = self.project.settings.info().blind
        answer = confirm_step(self, plan, self.tr(STAGE_WORDS[stage]), self.workspace.reviewer, reasons,
                              needs, blind)
        if answer is None:
            return
        self._run_step(lambda: self.project.bulk.decide(ids, self.workspace.reviewer, choice, stage, answer))

    def bulk_tag(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        tags = self.project.records.tags()
        tag, ok = QInputDialog.getItem(self, self.tr("Tag records"),
                                       self.tr("Tag for {n:,} record(s):").format(n=len(ids)), tags, 0, True)
        if not ok or not tag.strip():
            return
        try:
            plan = self.project.bulk.plan_tag(ids, tag)
            remove = not plan.change and plan.unchanged > 0
            if remove:
                plan = self.project.bulk.plan_tag(ids, tag, remove=True)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        if confirm_step(self, plan, "", self.workspace.reviewer) is None:
            return
        self._run_step(lambda: self.project.bulk.tag(ids, tag, self.workspace.reviewer, remove=remove))

    def bulk_label(self, name: str) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            plan: BulkPlan = self.project.bulk.plan_label(ids, name, self.workspace.reviewer)
            remove = not plan.change and plan.unchanged > 0
            if remove:
                plan = self.project.bulk.plan_label(ids, name, self.workspace.reviewer, remove=True)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        if confirm_step(self, plan, "", self.workspace.reviewer) is None:
            return
        self._run_step(lambda: self.project.bulk.label(ids, name, self.workspace.reviewer, remove=remove))

    @property
    def step_running(self) -> bool:
        return self._step_running

    def _run_step(self, step: Any, undo: bool = True) -> None:
        """Save a bulk step on a worker thread (100,000 records take seconds); decisions
        wait meanwhile, and say so."""
        if self._step_running:
            self.show_error(self.tr("A bulk step is still being saved."))
            return
        self._step_running = True
        self.workspace.notify(self.tr("Saving the bulk step…"), 0)

        def work():  # type: ignore[no-untyped-def]
            yield from ()
            return step()

        def done(result: BulkResult) -> None:
            if not isValid(self.table):
                return
            self._step_running = False
            if undo:
                self._steps.append(result.step)
            where = f" ({self.tr(STAGE_WORDS[result.stage])})" if result.stage else ""
            self.workspace.notify(self.tr("{done} {n:,} records{where}: {value} — one step, Ctrl+Z undoes it")
                                  .format(done=self.tr(DONE[result.action]), n=result.changed, where=where,
                                          value=result.value), 0)
            self._after_step()

        self.workspace.runner.start(work(), done, self._step_failed)

    def _step_failed(self, e: Exception) -> None:
        if not isValid(self.table):
            return
        self._step_running = False
        self.workspace.notify("")
        if isinstance(e, ScreenerError):
            self.show_error(str(e))
        else:
            report_error(self, e, self.tr("Bulk step"))

    def _after_step(self) -> None:
        self._ahead = None
        self.pane.record_id = None  # the record shown may have changed too: show it again
        self.table.clearSelection()
        self._requery()
        self._update_progress()
        self._count_filters()
        self._after_change()
        self.table.setFocus()  # the keys that decide work on at once

    def undo_step(self) -> bool:
        """Ctrl+Z after a bulk step of this session: undo that whole step (on a worker)."""
        if not self._steps:
            return False
        if self._step_running:
            self.show_error(self.tr("A bulk step is still being saved."))
            return True
        step = self._steps.pop()
        self._step_running = True
        reviewer = self.workspace.reviewer
        bulk = self.project.bulk

        def work():  # type: ignore[no-untyped-def]
            yield from ()
            return bulk.undo(step, reviewer)

        def done(result: BulkResult) -> None:
            if not isValid(self.table):
                return
            self._step_running = False
            kept = result.skipped.get("changed_since", 0)
            extra = self.tr(" ({n} changed since, left as they are)").format(n=kept) if kept else ""
            self.workspace.notify(self.tr("Undid a step of {n:,} records: {value}{extra}").format(
                n=result.changed, value=result.value, extra=extra))
            self._after_step()

        self.workspace.runner.start(work(), done, self._step_failed)
        return True

    def forget_steps_after_decision(self) -> None:
        """A decision after a bulk step: Ctrl+Z now means that decision (the step stays
        undoable from the command line, ``undo-step``)."""
        self._steps.clear()
