"""Importing search exports as a batch: choose files, describe the search, read, store.

Reading and storing run in the background with progress and Cancel; a cancelled or
failed import leaves the project exactly as it was. After a batch is stored,
deduplication runs in the background (``start_import``).
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.readers.source_guess import guess_source
from screener.core.services.importing import BatchInfo, ImportReport, SkippedRecordsError
from screener.gui.context import Workspace
from screener.gui.date_field import DateField
from screener.gui.errors import report_error
from screener.gui.heap import settle_heap
from screener.gui.plural import plural
from screener.gui.progress import ProgressPanel
from screener.gui.recent import dialog_folder, remember_folder
from screener.gui.widgets import FILE_DIALOG_OPTIONS, heading, muted
from screener.types import ImportFormatError, ScreenerError

# (name shown, batch kind it usually is)
SOURCES = [
    ("PubMed", "database"), ("MEDLINE (Ovid)", "database"), ("Embase", "database"),
    ("Scopus", "database"), ("Web of Science", "database"), ("CINAHL", "database"),
    ("PsycINFO", "database"), ("Cochrane CENTRAL", "database"), ("ERIC", "database"),
    ("Lens.org", "database"), ("OpenAlex", "database"), ("Google Scholar", "website"),
    ("ClinicalTrials.gov", "register"), ("WHO ICTRP", "register"),
    ("Citation searching", "citation"),
]
GUESSES = [
    ("pubmed", "PubMed"), ("medline", "MEDLINE (Ovid)"), ("embase", "Embase"),
    ("scopus", "Scopus"), ("webofscience", "Web of Science"), ("wos", "Web of Science"),
    ("cinahl", "CINAHL"), ("psycinfo", "PsycINFO"), ("cochrane", "Cochrane CENTRAL"),
    ("lens", "Lens.org"), ("openalex", "OpenAlex"), ("clinicaltrials", "ClinicalTrials.gov"),
]
FORMATS = [("auto", "Detect"), ("ris", "RIS"), ("nbib", "PubMed (.nbib)"), ("csv", "CSV")]
SHOWN_WARNINGS = 12


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportReport, once the batch is stored

    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, batch: BatchInfo | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.batch = batch
        self.report: ImportReport | None = None
        if batch is None:
            self.setWindowTitle(self.tr("Import search results"))
        else:
            self.setWindowTitle(self.tr("Add files to batch {0}").format(batch.id))
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(600)

        self.files_model = QStringListModel(self)
        self.files_view = QListView(self)
        self.files_view.setModel(self.files_model)
        self.files_view.setAccessibleName(self.tr("Files to import"))
        self.files_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.add_files_button = QPushButton(self.tr("Add files…"), self)
        self.add_files_button.setAccessibleName(self.tr("Add files to import"))
        self.add_files_button.clicked.connect(self.choose_files)
        self.remove_file_button = QPushButton(self.tr("Remove"), self)
        self.remove_file_button.setAccessibleName(self.tr("Remove the selected file"))
        self.remove_file_button.clicked.connect(self.remove_file)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_files_button)
        file_buttons.addWidget(self.remove_file_button)
        file_buttons.addStretch(1)
        files_row = QHBoxLayout()
        files_row.addWidget(self.files_view, 1)
        files_row.addLayout(file_buttons)

        self.source_combo = QComboBox(self)
        self.source_combo.setEditable(True)
        self.source_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name, kind in SOURCES:
            self.source_combo.addItem(name, kind)
        self.source_combo.setCurrentIndex(-1)
        line = self.source_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Database or other source"))
        self.source_combo.setAccessibleName(self.tr("Source"))
        self.source_combo.activated.connect(self._source_chosen)

        self.kind_combo = QComboBox(self)
        for kind, label in (
            ("database", self.tr("Database")), ("register", self.tr("Register")),
            ("website", self.tr("Website")), ("organisation", self.tr("Organisation")),
            ("citation", self.tr("Citation searching")),
        ):
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setAccessibleName(self.tr("Kind of source"))
        self.date_edit = DateField(QDate.currentDate(), self)  # takes 20261115 as typed
        self.date_edit.setAccessibleName(self.tr("Search date"))
        self.search_edit = QPlainTextEdit(self)
        self.search_edit.setPlaceholderText(self.tr("The search string, as run (for the report)"))
        self.search_edit.setAccessibleName(self.tr("Search string"))
        self.search_edit.setTabChangesFocus(True)
        self.search_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.format_combo = QComboBox(self)
        for value, label in FORMATS:
            self.format_combo.addItem(self.tr(label), value)
        self.format_combo.setAccessibleName(self.tr("File format"))
        self.update_check = QCheckBox(self.tr("An &update of an earlier search (the same search, run again)"), self)
        self.update_check.setAccessibleName(self.tr("Import as an update of an earlier search"))
        self.update_hint = muted(QLabel(self))
        self.update_hint.setWordWrap(True)
        self.update_hint.setAccessibleName(self.tr("What an update does"))
        self._earlier = workspace.project.imports.batches() if batch is None else []
        self.update_check.setVisible(bool(self._earlier))
        self.update_check.toggled.connect(self._update_toggled)
        self.source_combo.editTextChanged.connect(lambda _t: self._update_hint())
        self._update_hint()

        self.form = QWidget(self)
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        files_label = QLabel(self.tr("F&iles:"), self)
        files_label.setBuddy(self.files_view)
        form.addRow(files_label, files_row)
        form.addRow(self.tr("&Source:"), self.source_combo)
        form.addRow(self.tr("&Kind:"), self.kind_combo)
        form.addRow(self.tr("Search &date:"), self.date_edit)
        form.addRow(self.tr("Search s&tring:"), self.search_edit)
        form.addRow(self.tr("&Format:"), self.format_combo)
        form.addRow("", self.update_check)
        form.addRow("", self.update_hint)
        if batch is not None:
            self._show_batch(batch)

        self.progress = ProgressPanel(workspace.runner, self)
        self.status_label = muted(QLabel(self))
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Import"))
        self.ok_button.setAccessibleName(self.tr("Import the files"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        title = self.tr("Import a search export") if batch is None else self.windowTitle()
        layout.addWidget(heading(title, self, 1.3))
        layout.addWidget(self.form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self._update_buttons()

    # the form
    def _update_toggled(self, on: bool) -> None:
        """An update is of a source searched before: take that batch's name for it when the
        name given (or guessed from the file, such as "Lens.org") is another spelling of it."""
        if on:
            given = self.source_combo.currentText().strip()
            earlier = list(dict.fromkeys(b.source for b in self._earlier))
            if given.casefold() not in {e.casefold() for e in earlier}:
                def key(text: str) -> str:
                    return "".join(ch for ch in text.casefold() if ch.isalnum())

                close = [e for e in earlier if key(e) and key(given) and (key(e) in key(given) or key(given) in key(e))]
                if len(close) == 1:
                    self.source_combo.setEditText(close[0])
        self._update_hint()

    def _update_hint(self) -> None:
        """Say what an update of this source will do, naming the earlier search."""
        on = self.update_check.isChecked()
        self.update_hint.setVisible(on)
        if not on:
            return
        source = self.source_combo.currentText().strip().casefold()
        same = [b for b in self._earlier if b.source.casefold() == source]
        rounds = max((b.update_round for b in self._earlier), default=0)
        text = self.tr("Records already in the project are recognised (by the rules of deduplication) and keep "
                       "their decisions; only new records reach the queue.")
        if same:
            last = same[-1]
            text += " " + self.tr("Updates batch {id} ({source}, {date}): this becomes update {n}.").format(
                id=last.id, source=last.source, date=last.search_date or self.tr("no date"),
                n=max(b.update_round for b in same) + 1)
        elif source:
            text += " " + self.tr("No earlier batch is from this source: it joins update {n} as a new "
                                  "source.").format(n=max(1, rounds))
        self.update_hint.setText(text)

    def _show_batch(self, batch: BatchInfo) -> None:
        self.source_combo.setEditText(batch.source)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(batch.kind)))
        if batch.search_date:
            self.date_edit.setDate(QDate.fromString(batch.search_date, "yyyy-MM-dd"))
        self.search_edit.setPlainText(batch.search_string)
        for w in (self.source_combo, self.kind_combo, self.date_edit):
            w.setEnabled(False)
        self.search_edit.setReadOnly(True)

    def _source_chosen(self, index: int) -> None:
        kind = self.source_combo.itemData(index)
        if kind:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def paths(self) -> list[str]:
        return self.files_model.stringList()

    def set_paths(self, paths: list[str]) -> None:
        self.files_model.setStringList(list(dict.fromkeys(paths)))
        if paths and not self.source_combo.currentText().strip():
            self._guess_source(paths)
        self._update_buttons()

    def _guess_source(self, paths: list[str]) -> None:
        """Preselect the source when the records say it (``DB  - APA PsycInfo``) or else
        the file names do (scopus.ris, wos_export.ris…)."""
        names = "".join(os.path.basename(p).lower() for p in paths).replace(" ", "")
        guess = next((g for g in map(guess_source, paths) if g), None)
        guess = guess or next((name for key, name in GUESSES if key in names), None)
        i = self.source_combo.findText(guess) if guess else -1
        if i >= 0:
            self.source_combo.setCurrentIndex(i)
            self._source_chosen(i)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Choose search exports"),
            str(dialog_folder("import", self.workspace.project.target)),
            self.tr("Bibliographies (*.ris *.txt *.nbib *.csv *.tsv);;All files (*)"),
            options=FILE_DIALOG_OPTIONS,
        )
        if paths:
            remember_folder("import", paths[0])
            self.set_paths(self.paths() + list(paths))

    def remove_file(self) -> None:
        row = self.files_view.currentIndex().row()
        if row >= 0:
            self.files_model.removeRows(row, 1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.progress.busy
        self.form.setEnabled(not busy)
        self.ok_button.setEnabled(not busy and bool(self.paths()))
        self.remove_file_button.setEnabled(bool(self.paths()))

    # the work
    def accept(self) -> None:
        if self.progress.busy:
            return
        if not self.paths():
            self.status_label.setText(self.tr("Add at least one file."))
            return
        if not self.source_combo.currentText().strip():
            self.status_label.setText(self.tr("Name the source of these records, e.g. Scopus."))
            self.source_combo.setFocus()
            return
        if self.batch is None and self.date_edit.edit.text().strip() and not self.date_edit.date().isValid():
            self.status_label.setText(self.tr("The search date must be a date such as 2026-11-15 (or 20261115)."))
            self.date_edit.setFocus()
            return
        self.status_label.clear()
        self._import(strict=True)

    def _import(self, strict: bool) -> None:
        """Read and store in one piece of background work; ``strict`` refuses it all when
        records cannot be read, so that the reviewer can decide with the list in front."""
        batch = self.batch
        self.progress.run(
            self.workspace.project.imports.import_files(
                self.paths(),
                source=batch.source if batch else self.source_combo.currentText().strip(),
                kind=batch.kind if batch else str(self.kind_combo.currentData()),
                search_date=batch.search_date if batch
                else (self.date_edit.date().toString("yyyy-MM-dd") or None),
                search_string=batch.search_string if batch else self.search_edit.toPlainText(),
                fmt=str(self.format_combo.currentData()),
                batch_id=batch.id if batch else None,
                strict=strict,
                update=batch is None and self.update_check.isChecked(),
            ),
            self.tr("Importing"),
            on_done=self._stored,
            on_error=self._failed,
            on_cancelled=self._cancelled,
        )
        self._update_buttons()

    def _problems(self, error: SkippedRecordsError) -> str:
        shown = "\n".join(error.problems[:SHOWN_WARNINGS])
        if len(error.problems) > SHOWN_WARNINGS:
            shown += "\n" + self.tr("… and {0} more").format(len(error.problems) - SHOWN_WARNINGS)
        return shown

    def _confirm_skipped(self, error: SkippedRecordsError) -> bool:
        shown = self._problems(error)
        answer = QMessageBox.question(
            self,
            self.tr("Some records cannot be read"),
            self.tr("{shown}\n\nImport {records} and skip {m}?").format(
                shown=shown, records=plural(error.records, "{n} record", "{n} records"), m=f"{error.skipped:,}"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _stored(self, report: ImportReport) -> None:
        self.report = report
        self.imported.emit(report)
        super().accept()

    def _failed(self, error: Exception) -> None:
        self._update_buttons()
        if isinstance(error, SkippedRecordsError):
            if error.records == 0:
                QMessageBox.warning(self, self.tr("Nothing to import"), self.tr(
                    "These files hold no records that can be imported:\n\n{0}").format(
                        self._problems(error)))
            elif self._confirm_skipped(error):
                self._import(strict=False)
                return
        elif isinstance(error, ImportFormatError):
            QMessageBox.warning(self, self.tr("Cannot import this file"), str(error))
        elif isinstance(error, ScreenerError):
            QMessageBox.warning(self, self.tr("Cannot import"), str(error))
        else:
            report_error(self, error, self.tr("Import"))
        self.status_label.setText(self.tr("Nothing was imported."))

    def _cancelled(self) -> None:
        self._update_buttons()
        self.status_label.setText(self.tr("Import cancelled: nothing was stored."))

    def reject(self) -> None:
        if self.progress.busy:
            self.progress.cancel()  # Close during work means stop it; the dialog stays
            return
        super().reject()


def start_import(
    workspace: Workspace, parent: QWidget | None, tasks: ProgressPanel,
    batch: BatchInfo | None = None,
) -> ImportDialog:
    """Open the import dialog; once a batch is stored, find duplicates in the background."""
    dialog = ImportDialog(workspace, parent, batch)
    dialog.imported.connect(lambda report: after_import(workspace, tasks, report))
    dialog.open()  # window-modal; the event loop keeps running
    return dialog


def update_summary(report: ImportReport) -> str:
    """What an update import did, in words."""
    u = report.update
    assert u is not None
    tr = dialog_tr
    text = tr("Update {r}: {n} records imported into batch {b}.\n\n"
              "{new} new records reach the queue.\n"
              "{linked} were already in the project: they are linked to the earlier records and keep "
              "their decisions ({screened} of them already screened).").format(
        r=u.round, n=f"{report.records:,}", b=report.batch_id, new=f"{u.new:,}", linked=f"{u.linked:,}",
        screened=f"{u.already_screened:,}")
    if u.candidates:
        text += "\n" + tr("{c} possible matches are left for you to check in the Duplicates tab.").format(
            c=f"{u.candidates:,}")
    return text


def after_import(workspace: Workspace, tasks: ProgressPanel, report: ImportReport) -> None:
    tr = dialog_tr
    workspace.data_changed.emit()
    if report.update is not None:
        box = QMessageBox(QMessageBox.Icon.Information, tr("Search update imported"), update_summary(report),
                          QMessageBox.StandardButton.Ok, tasks.window())
        box.setAccessibleName(tr("Search update imported"))
        box.open()
        workspace.notify(update_summary(report).replace("\n\n", " ").replace("\n", " "), 0)
        return  # matched against the project already, in the import itself
    records = plural(report.records, "{n} record", "{n} records")
    workspace.notify(tr("Imported {records} into batch {b}. Looking for duplicates…").format(
        records=records, b=report.batch_id), 0)

    def done(summary: Any) -> None:
        workspace.data_changed.emit()
        settle_heap()  # the import's objects are gone; keep later collections short
        workspace.notify(tr(
            "Imported {records} into batch {b}. Duplicates: {m} merged, {pairs} to check."
        ).format(records=records, b=report.batch_id, m=f"{summary.merged:,}",
                 pairs=plural(len(summary.candidates), "{n} pair", "{n} pairs")))

    def failed(error: Exception) -> None:
        workspace.notify(tr("Imported {records}; finding duplicates failed.").format(records=records))
        report_error(tasks.window(), error, tr("Finding duplicates"))

    tasks.run(workspace.project.dedup.run(), tr("Finding duplicates"), on_done=done,
              on_error=failed, on_cancelled=lambda: workspace.notify(
                  tr("Imported {records}; finding duplicates was cancelled.").format(records=records)))


def dialog_tr(text: str) -> str:
    from PySide6.QtWidgets import QApplication

    return QApplication.translate("ImportDialog", text)
