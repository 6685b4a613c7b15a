"""Exporting records and the decision log from the window, in the background."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from screener.core.project import Project
from screener.gui.context import Workspace
from screener.gui.errors import report_error
from screener.gui.progress import ProgressPanel
from screener.gui.recent import dialog_folder, remember_folder
from screener.gui.widgets import FILE_DIALOG_OPTIONS
from screener.types import Progress, Stage, Work

FILTERS = {"ris": "RIS (*.ris)", "ris_decisions": "RIS with decisions and labels, for Zotero or EndNote (*.ris)",
           "csv": "CSV (*.csv)", "csv_excel": "CSV for Excel (UTF-8 with byte-order mark) (*.csv)",
           "bibtex": "BibTeX (*.bib)"}
SUFFIXES = {".ris": "ris", ".csv": "csv", ".bib": "bibtex"}
# a choice of the file dialog -> (format, options of ExportService.export)
CHOICES: dict[str, tuple[str, dict[str, bool]]] = {
    "ris": ("ris", {}), "ris_decisions": ("ris", {"with_decisions": True}), "csv": ("csv", {}),
    "csv_excel": ("csv", {"bom": True}), "bibtex": ("bibtex", {}),
}
WHAT_LABELS = {
    "included": "Export included records",
    "excluded": "Export excluded records",
    "all": "Export all records",
    "decisions": "Export the decision log",
}
STAGE_WORDS = {Stage.TITLE_ABSTRACT.value: "title/abstract", Stage.FULL_TEXT.value: "full text"}


def tr(text: str) -> str:
    return QApplication.translate("Export", text)


def export_work(project: Project, what: str, fmt: str, path: Path, stage: str) -> Work[int]:
    """Write to a temporary file beside ``path`` and move it into place at the end, so
    Cancel (or an error) leaves any existing file untouched. ``fmt`` is a choice of
    ``CHOICES`` (a format, with its options)."""
    part = path.with_name(f".{path.name}.part")
    yield Progress(0, 0, tr("Exporting"))
    fmt, options = CHOICES.get(fmt, (fmt, {}))
    try:
        n = project.export.export(what, fmt, part, stage, **options)
        yield Progress(1, 1, tr("Exported"))
    except BaseException:  # GeneratorExit (Cancel) or an error
        part.unlink(missing_ok=True)
        raise
    os.replace(part, path)
    return n


def choose_target(parent: QWidget, workspace: Workspace, what: str) -> tuple[Path, str] | None:
    """Ask where to export; the format follows the chosen filter or the file's suffix."""
    formats = ["csv", "csv_excel"] if what == "decisions" else ["ris", "ris_decisions", "csv", "csv_excel", "bibtex"]
    folder = dialog_folder("export", workspace.project.target)
    stem = Path(workspace.project.name).stem
    name = f"{stem}-decision-log.csv" if what == "decisions" else \
        f"{stem}-{what}-{workspace.stage.replace('_', '-')}.{'ris'}"
    title = tr(WHAT_LABELS[what])
    if what in ("included", "excluded"):
        title += " " + tr("(final decision at {0})").format(tr(STAGE_WORDS[workspace.stage]))
    path, chosen = QFileDialog.getSaveFileName(
        parent, title, str(folder / name), ";;".join(FILTERS[f] for f in formats),
        options=FILE_DIALOG_OPTIONS,
    )
    remember_folder("export", path)
    if not path:
        return None
    picked = next((f for f in formats if FILTERS[f] == chosen), "")
    suffix = SUFFIXES.get(Path(path).suffix.lower())
    if picked and (suffix is None or CHOICES[picked][0] == suffix):
        fmt = picked  # the filter chosen, with its options (Excel's mark, decisions in RIS)
    else:
        fmt = suffix or formats[0]  # the file's own suffix says otherwise
    if fmt not in formats:
        fmt = formats[0]
    return Path(path), fmt


def export_records(parent: QWidget, workspace: Workspace, tasks: ProgressPanel, what: str) -> None:
    target = choose_target(parent, workspace, what)
    if target is None:
        return
    path, fmt = target
    stage = workspace.stage

    def done(n: int) -> None:
        unit = tr("rows") if what == "decisions" else tr("records")
        workspace.notify(tr("Exported {n} {unit} to {path}").format(n=n, unit=unit, path=path), 0)

    tasks.run(
        export_work(workspace.project, what, fmt, path, stage),
        tr(WHAT_LABELS[what]),
        on_done=done,
        on_error=lambda e: report_error(parent, e, tr("Export")),
        on_cancelled=lambda: workspace.notify(tr("Export cancelled; nothing was written.")),
    )
