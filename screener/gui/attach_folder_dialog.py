"""Attach PDFs from a folder: choose it, watch the progress (Cancel at any time), then
read what became of every PDF — attached (and how it was matched), matched but not
attached (and why), ambiguous, unmatched. The work runs off the GUI thread and the
window stays usable meanwhile (this dialog is not modal)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.folder_attach import FolderReport
from screener.gui.context import Workspace
from screener.gui.progress import ProgressPanel
from screener.gui.rows_model import RowsModel, configure_read_only

BY = {"doi": "DOI", "title": "title", "filename": "file name"}


@dataclass(frozen=True)
class ResultRow:
    result: str
    record: str
    by: str
    file: str
    note: str


def result_rows(report: FolderReport) -> list[ResultRow]:
    """What became of each PDF, problems first."""
    folder = Path(report.folder)

    def rel(f: str) -> str:
        try:
            return str(Path(f).relative_to(folder))
        except ValueError:
            return f

    rows = [ResultRow("ambiguous", "", "", rel(f), report.why.get(f, "")) for f in report.ambiguous]
    rows += [ResultRow("unmatched", "", "", rel(f), report.why.get(f, "")) for f in report.unmatched]
    rows += [ResultRow("matched, not attached", f"#{m.record_id}", BY.get(m.by, m.by), rel(m.file), m.note)
             for m in report.matched if not m.attached]
    rows += [ResultRow("attached", f"#{m.record_id}", BY.get(m.by, m.by), rel(m.file), m.note)
             for m in report.matched if m.attached]
    return rows


def summary(report: FolderReport) -> str:
    kept = len(report.matched) - report.attached
    return (f"{report.files:,} PDFs: {report.attached:,} attached, {kept:,} matched but not attached, "
            f"{len(report.ambiguous):,} ambiguous, {len(report.unmatched):,} unmatched "
            f"({report.seconds:.1f} s)")


class AttachFolderDialog(QDialog):
    attached_some = Signal(int)  # how many PDFs were attached

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, folder: str = "") -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.report: FolderReport | None = None
        self.attached = 0
        self.setWindowTitle(self.tr("Attach PDFs from a folder"))
        self.setAccessibleName(self.tr("Attach PDFs from a folder"))
        self.resize(860, 520)
        intro = QLabel(self.tr(
            "Screener looks through the folder and its subfolders (a Zotero <i>storage</i> folder, an "
            "EndNote <i>.Data/PDF</i> folder, a folder of downloads) and attaches each PDF to the record "
            "at full text it belongs to: by the DOI in the PDF, else by the title on its first page, else "
            "by its file name. Nothing is attached twice, and a PDF a record already has is kept."), self)
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(folder, self)
        self.folder_edit.setAccessibleName(self.tr("Folder"))
        self.folder_edit.setPlaceholderText(self.tr("The folder with the PDFs"))
        choose = QPushButton(self.tr("Choose…"), self)
        choose.clicked.connect(self._choose)
        self.start_button = QPushButton(self.tr("Attach"), self)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(choose)
        row.addWidget(self.start_button)
        self.progress = ProgressPanel(workspace.runner, self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RowsModel([(self.tr("Result"), lambda r: r.result), (self.tr("Record"), lambda r: r.record),
                                (self.tr("Matched by"), lambda r: r.by), (self.tr("File"), lambda r: r.file),
                                (self.tr("Why / note"), lambda r: r.note)], self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("What became of each PDF"))
        configure_read_only(self.table, 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with PDFs"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def start(self) -> None:
        folder = self.folder_edit.text().strip()
        if not folder or self.progress.busy:
            return
        try:
            work = self.workspace.project.retrieval.attach_folder(folder, self.workspace.reviewer)
        except Exception as e:  # noqa: BLE001 - said in the dialog
            self.summary.setText(str(e))
            return
        self.start_button.setEnabled(False)
        self.summary.setText("")
        self.model.set_rows([])
        self.progress.run(work, self.tr("Attaching PDFs"), self._done, self._failed, self._cancelled)

    def _done(self, report: FolderReport) -> None:
        self.report = report
        self.attached += report.attached
        self.summary.setText(summary(report))
        self.model.set_rows(result_rows(report))
        self.table.resizeColumnsToContents()
        self.start_button.setEnabled(True)
        if report.attached:
            self.attached_some.emit(report.attached)

    def _failed(self, error: Exception) -> None:
        self.summary.setText(self.tr("Nothing was attached: {error}").format(error=error))
        self.start_button.setEnabled(True)

    def _cancelled(self) -> None:
        self.summary.setText(self.tr("Cancelled: nothing was attached."))
        self.start_button.setEnabled(True)

    def done(self, result: int) -> None:  # closing while it runs cancels the work
        if self.progress.busy:
            self.progress.cancel()
        super().done(result)


def attach_pdfs_from_folder(parent: QWidget, workspace: Workspace) -> AttachFolderDialog:
    """Open the (non-modal) dialog; when PDFs are attached, every view is told."""
    dialog = AttachFolderDialog(workspace, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.attached_some.connect(lambda _n: workspace.data_changed.emit())
    dialog.show()
    return dialog
