"""PRISMA 2020 flow diagram, drawn live from the data (pending counts visible), with the
boxes Screener cannot count entered by hand, and export to SVG, PNG (300 dpi), PDF and the
PRISMA2020 app's template CSV."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from screener.core.prisma_csv import write_prisma_csv
from screener.core.prisma_diagram import render_svg
from screener.core.services.prisma import MANUAL_KEYS
from screener.gui.context import Workspace
from screener.gui.lazy_refresh import RefreshWhenVisible
from screener.gui.prisma_render import save_diagram
from screener.gui.recent import dialog_folder, remember_folder
from screener.types import Progress, ScreenerError, Work

MANUAL_LABELS = {
    "excluded_automatic": "Excluded by automation tools",
    "excluded_other": "Removed for other reasons",
    "previous_studies": "Studies in the previous review",
    "previous_reports": "Reports of studies in the previous review",
}
EXPORTS = {"svg": "SVG image (*.svg)", "png": "PNG image, 300 dpi (*.png)", "pdf": "PDF (*.pdf)",
           "csv": "PRISMA2020 template CSV (*.csv)"}


class DiagramWidget(QSvgWidget):
    """The SVG scaled to fit, keeping its proportions; drawn as vectors, crisp at any scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("PRISMA 2020 flow diagram"))

    def set_svg(self, svg: str) -> None:
        self.load(QByteArray(svg.encode("utf-8")))
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 700)


class PrismaView(RefreshWhenVisible, QWidget):
    exported = Signal(str)  # the path of a file written by an export
    export_failed = Signal(str)
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project = workspace.project
        self.counts: dict[str, Any] = {}
        self.svg = ""
        self._dirty = False
        self.diagram = DiagramWidget(self)
        self.updated = QCheckBox(self.tr("&Updated review (previous studies column)"), self)
        self.updated.toggled.connect(self._updated_toggled)
        self._updated_chosen = False  # until the reviewer chooses, it follows the project (an update in it)
        self.update_label = QLabel(self)
        self.update_label.setWordWrap(True)
        self.update_label.setAccessibleName(self.tr("Search update"))
        self.update_label.hide()
        self.ta_reasons_label = QLabel(self)
        self.ta_reasons_label.setWordWrap(True)
        self.ta_reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.ta_reasons_label.setAccessibleName(self.tr("Reasons for exclusion at title/abstract"))
        self.pending_label = QLabel(self)
        self.pending_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a33a00;")
        self.error_label.hide()

        manual = QGroupBox(self.tr("Entered by hand (marked † in the diagram)"), self)
        form = QFormLayout(manual)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.spins: dict[str, QSpinBox] = {}
        for key in MANUAL_KEYS:
            spin = QSpinBox(manual)
            spin.setRange(-1, 10_000_000)
            spin.setSpecialValueText(self.tr("not entered"))
            spin.setGroupSeparatorShown(True)
            spin.setAccessibleName(self.tr(MANUAL_LABELS[key]))
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda _v, k=key: self._manual_changed(k))
            form.addRow(self.tr(MANUAL_LABELS[key]), spin)
            self.spins[key] = spin
        self._manual_timer = QTimer(self, singleShot=True, interval=300)
        self._manual_timer.timeout.connect(self.save_manual)
        self._pending_keys: set[str] = set()

        export = QGroupBox(self.tr("Export"), self)
        ex = QVBoxLayout(export)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, label in (("svg", "SVG…"), ("png", "PNG (300 dpi)…"), ("pdf", "PDF…"), ("csv", "PRISMA2020 CSV…")):
            b = QPushButton(self.tr(label), export)
            b.clicked.connect(lambda _=False, k=kind: self.export(k))
            ex.addWidget(b)
            self.export_buttons[kind] = b

        side = QWidget(self)
        sl = QVBoxLayout(side)
        sl.addWidget(self.updated)
        sl.addWidget(self.update_label)
        sl.addWidget(self.pending_label)
        sl.addWidget(manual)
        sl.addWidget(export)
        sl.addWidget(self.ta_reasons_label)
        sl.addWidget(self.error_label)
        sl.addStretch(1)
        side.setMaximumWidth(400)
        layout = QHBoxLayout(self)
        layout.addWidget(self.diagram, 1)
        layout.addWidget(side)
        workspace.data_changed.connect(self._data_changed)
        self.refresh()

    # data
    def refresh(self) -> None:
        self._dirty = False
        try:
            self.counts = self.project.prisma.counts(self.updated.isChecked() if self._updated_chosen else None)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        if not self._updated_chosen:
            self.updated.blockSignals(True)
            self.updated.setChecked("update" in self.counts)
            self.updated.blockSignals(False)
        self._show_update_and_reasons()
        entered = set(self.counts.get("manual", []))
        for key, spin in self.spins.items():
            if key in self._pending_keys:
                continue
            spin.blockSignals(True)
            spin.setValue(int(self.counts.get(key, 0)) if key in entered else -1)
            spin.blockSignals(False)
        p = self.counts.get("pending", {})
        ta, ft = p.get("title_abstract", 0) + p.get("other_title_abstract", 0), p.get("full_text", 0) + p.get("other_full_text", 0)
        self.pending_label.setText(
            self.tr("Pending: {ta} at title/abstract, {ft} at full text.").format(
                ta=(self.tr("{n} records") if ta != 1 else self.tr("{n} record")).format(n=f"{ta:,}"),
                ft=(self.tr("{n} reports") if ft != 1 else self.tr("{n} report")).format(n=f"{ft:,}"))
            if ta or ft else self.tr("No records pending: every record has a final decision."))
        self.redraw()

    def _updated_toggled(self, _on: bool) -> None:
        self._updated_chosen = True
        self.refresh()

    def _show_update_and_reasons(self) -> None:
        u = self.counts.get("update")
        from_rounds = u is not None
        for key in ("previous_studies", "previous_reports"):
            self.spins[key].setEnabled(not from_rounds)
            self.spins[key].setToolTip(self.tr("Counted from the project's earlier rounds") if from_rounds else "")
        if u:
            self.update_label.setText(self.tr(
                "Update {r}: the flow counts the new search only. {d:,} of its records were already in the "
                "previous version (removed as duplicates); the previous version's {p:,} included studies come "
                "from the project's earlier rounds.").format(
                    r=u["round"], d=u["duplicates_of_previous"], p=self.counts.get("previous_studies", 0)))
        self.update_label.setVisible(bool(u))
        rows = self.counts.get("ta_excluded_reasons") or []
        if rows:
            cells = "".join(f"<tr><td>{html.escape(str(r))}</td><td align='right'>&nbsp;&nbsp;{n:,}</td></tr>"
                            for r, n in rows)
            self.ta_reasons_label.setText(
                "<b>" + html.escape(self.tr("Reasons for exclusion at title/abstract")) + "</b><br>"
                + html.escape(self.tr("A table for the report: PRISMA 2020 gives reasons only for reports "
                                      "excluded at full text.")) + f"<table>{cells}</table>")
        self.ta_reasons_label.setVisible(bool(rows))

    def redraw(self) -> None:
        try:
            self.svg = render_svg(self.counts, updated_review=self.updated.isChecked())
        except (ValueError, KeyError) as e:
            self.show_error(self.tr("The diagram could not be drawn: {e}").format(e=e))
            return
        self.diagram.set_svg(self.svg)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # hand-entered boxes
    def _manual_changed(self, key: str) -> None:
        self._pending_keys.add(key)
        self._manual_timer.start()

    def save_manual(self) -> None:
        self._manual_timer.stop()
        keys, self._pending_keys = self._pending_keys, set()
        try:
            for key in sorted(keys):
                value = self.spins[key].value()
                self.project.prisma.set_manual(key, None if value < 0 else value)
        except ScreenerError as e:
            self.show_error(str(e))
            return
        self.show_error("")
        self.refresh()

    # export
    def _ask_save_path(self, kind: str) -> str:
        name = self.project.name.rsplit(".", 1)[0] or "prisma"
        start = dialog_folder("prisma", self.project.target) / f"{name}-prisma.{kind}"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the PRISMA diagram"), str(start), self.tr(EXPORTS[kind]))
        remember_folder("prisma", path)
        return path

    def export(self, kind: str) -> Path | None:
        """Ask where, then write the diagram or the CSV. PNG and PDF are drawn on a worker
        thread: drawing text for a 300 dpi PDF on the GUI thread left Qt's font cache there
        giving menus and drop-downs microscopic text until restart (and the window stays
        responsive meanwhile). ``exported`` is emitted once the file is written."""
        path = self._ask_save_path(kind)
        if not path:
            return None
        out = Path(path)
        if out.suffix.lower() != f".{kind}":
            out = out.with_name(out.name + f".{kind}")
        if self._pending_keys:
            self.save_manual()
        if kind in ("png", "pdf"):
            self.workspace.runner.start(draw_work(self.svg, out), on_done=lambda _: self._saved(out),
                                        on_error=lambda e: self._not_saved(out, e))
            return out
        try:
            if kind == "csv":
                write_prisma_csv(self.counts, out)
            else:
                save_diagram(self.svg, out)
        except (OSError, ValueError) as e:
            self._not_saved(out, e)
            return None
        self._saved(out)
        return out

    def _saved(self, out: Path) -> None:
        self.show_error("")
        self.workspace.notify(self.tr("Saved {path}").format(path=str(out)))
        self.exported.emit(str(out))

    def _not_saved(self, out: Path, error: Exception) -> None:
        self.show_error(self.tr("Could not export {name}: {e}").format(name=out.name, e=error))
        self.export_failed.emit(str(out))


def draw_work(svg: str, out: Path) -> Work[Path]:
    yield Progress(0, 0, "")
    return save_diagram(svg, out)
