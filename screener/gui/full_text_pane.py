"""The middle of the screen at full text: the record's PDF in a tab beside the record
itself (abstract, note, tags). At title/abstract only the record is shown.

Loads each record's PDF from the project (a file in the project folder, or the database
of a server project) and says clearly when there is none, when it is missing, or when
its stored path was refused. Also: opening a PDF in another program, attaching one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from screener.core.pdf.engine import PdfError
from screener.core.pdf.pages import PdfPages
from screener.core.services.records import RecordDetail
from screener.gui.context import Workspace
from screener.gui.pdf_panel import PdfPanel
from screener.gui.widgets import ElidedLabel
from screener.types import ScreenerError, Stage


class FullTextPane(QTabWidget):
    attach_requested = Signal()
    folder_requested = Signal()
    error = Signal(str)  # a problem to show inline (never a dialog in the loop)

    def __init__(self, workspace: Workspace, record_widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setDocumentMode(True)
        self.setAccessibleName(self.tr("Full text"))
        self.pdf = PdfPanel(self)
        self.header = ElidedLabel(self)
        self.header.setContentsMargins(8, 4, 8, 2)
        self.header.setAccessibleName(self.tr("The record this PDF is attached to"))
        page = QWidget(self)
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.header, 1)
        top.addWidget(self.pdf.counts)  # include / exclude term hits, beside the record's name
        pl.addLayout(top)
        pl.addWidget(self.pdf, 1)
        self.pdf_page = page
        self.record_widget = record_widget
        self.addTab(page, self.tr("&PDF"))
        self.addTab(record_widget, self.tr("&Record"))
        self.record_id: int | None = None
        self.splitter: QSplitter | None = None  # the screen's list | middle | panel, set by the screen
        self._split_before: list[int] | None = None
        self.stage = Stage.TITLE_ABSTRACT.value
        self._record_chosen = False  # the reviewer chose the Record tab: keep it
        self._recent: dict[str, bytes] = {}  # the last PDFs shown, by checksum
        self.tabBarClicked.connect(lambda i: setattr(self, "_record_chosen", i == 1))
        self.pdf.attach_requested.connect(self.attach_requested)
        self.pdf.folder_requested.connect(self.folder_requested)
        self.pdf.record_requested.connect(self.show_record_tab)
        self.pdf.open_requested.connect(self.open_externally)
        self.pdf.view.remove_requested.connect(self.remove_pdf)
        self.shortcuts: list[QShortcut] = []
        for keys, slot in (("N", lambda: self._hit(1)), ("Shift+N", lambda: self._hit(-1)),
                           ("F3", lambda: self._hit(1)), ("Shift+F3", lambda: self._hit(-1)),
                           (QKeySequence.StandardKey.Find, self._find)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)
            self.shortcuts.append(sc)
        self.set_stage(self.stage)

    @property
    def showing_pdf(self) -> bool:
        return self.stage == Stage.FULL_TEXT.value and self.currentWidget() is self.pdf_page

    def set_stage(self, stage: str) -> None:
        changed = stage != self.stage
        self.stage = stage
        full = stage == Stage.FULL_TEXT.value
        self.tabBar().setVisible(full)
        if changed:
            self._split_for(full)
        if not full:
            self.setCurrentWidget(self.record_widget)
            self.pdf.show_message(self.tr("No record"), "", actions=False)
            self.record_id = None

    def _split_for(self, full: bool) -> None:
        """At full text the PDF needs the width: the record list gives some up (and gets
        it back at title/abstract)."""
        splitter = self.splitter
        if splitter is None or splitter.count() != 3:
            return
        sizes = splitter.sizes()
        if full:
            self._split_before = sizes
            narrow = max(200, round(sum(sizes) * 0.19))
            if sizes[0] > narrow:
                splitter.setSizes([narrow, sizes[1] + sizes[0] - narrow, sizes[2]])
        elif self._split_before is not None:
            splitter.setSizes(self._split_before)
            self._split_before = None

    def set_terms(self, include: list[str], exclude: list[str]) -> None:
        self.pdf.set_terms(include, exclude)

    def show_record_tab(self) -> None:
        self._record_chosen = True
        self.setCurrentWidget(self.record_widget)

    def show_record(self, detail: RecordDetail | None, retrieved: bool | None = None) -> None:
        """Show the PDF of this record (full text only)."""
        if self.stage != Stage.FULL_TEXT.value:
            return
        if detail is None:
            self.record_id = None
            self.header.setText("")
            self.pdf.show_message(self.tr("No record"), "", actions=False)
            self.setCurrentWidget(self.record_widget)
            return
        same = detail.record_id == self.record_id and self.pdf.pages is not None
        self.record_id = detail.record_id
        who = " ".join(x for x in ((detail.authors or [""])[0].split(",")[0], str(detail.year or "")) if x)
        self.header.setText(" · ".join(x for x in (f"#{detail.record_id}", who, detail.title) if x))
        self.header.setToolTip(detail.title)
        if not self._record_chosen:
            self.setCurrentWidget(self.pdf_page)
        if not same:
            self._load(detail.record_id, retrieved)

    def reload(self) -> None:
        rid, self.record_id = self.record_id, None
        if rid is not None:
            self._load(rid, None)
            self.record_id = rid

    def _load(self, rid: int, retrieved: bool | None) -> None:
        retrieval = self.workspace.project.retrieval
        try:
            info = retrieval.pdf(rid)
            if retrieved is None:
                retrieved = retrieval.retrieval(rid)[0]
        except ScreenerError as e:
            self.pdf.show_message(self.tr("The PDF cannot be shown"), str(e))
            return
        if info is None:
            if retrieved is False:
                self.pdf.show_message(self.tr("Report not retrieved"),
                                      self.tr("This report is marked not retrieved, so it is not assessed. "
                                              "Attach its PDF, or untick “Report not retrieved”, to assess it."))
            else:
                self.pdf.show_message(self.tr("No PDF attached yet"),
                                      self.tr("Attach the report’s PDF, or many at once from a folder "
                                              "(a Zotero storage folder, an EndNote .Data folder…)."))
            return
        if info.problem:
            self.pdf.show_message(self.tr("The PDF cannot be shown"), info.problem)
            return
        try:
            data = self._recent.get(info.sha256) if info.sha256 else None
            if data is None:
                data = retrieval.pdf_bytes(rid)
                if info.sha256:  # J then K again: no second read (from a server, say)
                    self._recent[info.sha256] = data
                    while len(self._recent) > 4:
                        self._recent.pop(next(iter(self._recent)))
            pages = PdfPages(data, info.name)
        except (ScreenerError, PdfError) as e:
            self.pdf.show_message(self.tr("The PDF cannot be shown"), str(e))
            return
        self.pdf.show_pages(pages)
        self.header.setToolTip(self.tr("{title}\nPDF: {name}").format(title=self.header.toolTip(), name=info.name))

    # keys
    def _hit(self, step: int) -> None:
        if self.showing_pdf:
            self.pdf.jump(step)

    def _find(self) -> None:
        if self.showing_pdf:
            self.pdf.open_find()

    # another program, attaching
    def open_externally(self) -> None:
        if self.record_id is None:
            return
        try:
            path = self.workspace.project.retrieval.open_path(self.record_id)
        except ScreenerError as e:
            self.error.emit(str(e))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.error.emit(self.tr("No application to open PDFs was found on this computer. "
                                    "The PDF is shown in Screener's PDF tab; it is at {path}").format(path=path))

    def remove_pdf(self) -> bool:
        """Take the PDF shown off its record, after asking (a wrong match, say)."""
        rid = self.record_id
        if rid is None:
            return False
        answer = QMessageBox.question(
            self, self.tr("Take the PDF off the record?"),
            self.tr("Take this PDF off record #{id}? The file stays in the project folder and the history "
                    "keeps which it was.").format(id=rid))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.workspace.project.retrieval.remove_pdf(rid, self.workspace.reviewer)
        except ScreenerError as e:
            self.error.emit(str(e))
            return False
        self.workspace.notify(self.tr("PDF taken off #{id}").format(id=rid))
        self.reload()
        self.workspace.data_changed.emit()
        return True

    def attach_file(self, rid: int, path: str = "") -> bool:
        """Attach a PDF chosen by the reviewer; asks before replacing the one there is."""
        retrieval = self.workspace.project.retrieval
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach PDF"), "",
                                                  self.tr("PDF files (*.pdf);;All files (*)"))
        if not path:
            return False
        replace = False
        try:
            current = retrieval.pdf(rid)
            if current is not None:
                answer = QMessageBox.question(
                    self, self.tr("Replace the PDF?"),
                    self.tr("Record #{id} already has a PDF ({name}). Replace it with {new}?").format(
                        id=rid, name=current.name, new=path.rsplit("/", 1)[-1]))
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                replace = True
            change = retrieval.set_retrieval(rid, True, pdf=path, reviewer=self.workspace.reviewer, replace=replace)
        except ScreenerError as e:
            self.error.emit(str(e))
            return False
        if change.warning:
            self.error.emit(change.warning)
        self.workspace.notify(self.tr("PDF attached to #{id}").format(id=rid))
        if rid == self.record_id:
            self.reload()
        return True
