"""File ▸ Screening packages: write one for a reviewer to screen offline, and merge
a returned one. The work runs in the background; the result is reported in a dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from screener.core.services.packages import MergeReport, PackageReport
from screener.gui.context import Workspace
from screener.gui.errors import report_error
from screener.gui.progress import ProgressPanel
from screener.gui.recent import dialog_folder, remember_folder
from screener.types import Progress, Work

FILTER = "Screener package (*.screener)"


def tr(text: str) -> str:
    return QApplication.translate("Packages", text)


def _folder(workspace: Workspace) -> Path:
    return dialog_folder("package", workspace.project.target)


def package_work(workspace: Workspace, reviewer: str, path: Path) -> Work[PackageReport]:
    yield Progress(0, 0, tr("Writing the package"))
    return workspace.project.packages.create_package(reviewer, path)


def merge_work(workspace: Workspace, path: Path) -> Work[MergeReport]:
    yield Progress(0, 0, tr("Merging the package"))
    return workspace.project.packages.merge_package(path)


def write_package(parent: QWidget, workspace: Workspace, tasks: ProgressPanel) -> None:
    names = [r.name for r in workspace.project.settings.reviewers()]
    if not names:
        return
    current = names.index(workspace.reviewer) if workspace.reviewer in names else 0
    reviewer, ok = QInputDialog.getItem(parent, tr("Screening package"),
                                        tr("Write a package for this reviewer to screen offline:"),
                                        names, current, False)
    if not ok:
        return
    suggested = _folder(workspace) / f"{Path(workspace.project.name).stem}-{reviewer}-package.screener"
    path, _ = QFileDialog.getSaveFileName(parent, tr("Save the screening package"), str(suggested), FILTER,
                                          options=QFileDialog.Option.DontUseNativeDialog)
    if not path:
        return
    remember_folder("package", path)

    def done(report: PackageReport) -> None:
        workspace.notify(tr("Wrote {n} records for {who} to {path}").format(
            n=report.records, who=report.reviewer, path=report.path), 0)

    tasks.run(package_work(workspace, reviewer, Path(path)), tr("Screening package"), on_done=done,
              on_error=lambda e: report_error(parent, e, tr("Screening package")))


def merge_package(parent: QWidget, workspace: Workspace, tasks: ProgressPanel) -> None:
    path, _ = QFileDialog.getOpenFileName(parent, tr("Merge a returned screening package"),
                                          str(_folder(workspace)), FILTER,
                                          options=QFileDialog.Option.DontUseNativeDialog)
    if not path:
        return
    remember_folder("package", path)

    def done(report: MergeReport) -> None:
        workspace.data_changed.emit()
        lines = [tr("{who}: {n} decisions merged, {same} unchanged.").format(
            who=report.reviewer, n=report.applied, same=report.unchanged)]
        if report.changed_in_both:
            lines.append(tr("Changed both in the package and here (kept as they are here):"))
            lines += [f"  #{c['record_id']} ({c['stage']}): {tr('package')} {c['package']}, "
                      f"{tr('here')} {c['project']}" for c in report.changed_in_both]
        QMessageBox.information(parent, tr("Package merged"), "\n".join(lines))

    tasks.run(merge_work(workspace, Path(path)), tr("Merge package"), on_done=done,
              on_error=lambda e: report_error(parent, e, tr("Merge package")))
