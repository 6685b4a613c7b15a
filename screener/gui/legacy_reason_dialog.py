"""Asking, once per project, what the old default reason "Not available in full text"
meant there (see ``core.services.legacy_reason``)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from screener.gui.context import Workspace
from screener.types import ScreenerError


def ask_legacy_reason(parent: QWidget, workspace: Workspace) -> bool | None:
    """Ask if there is something to ask; True if mapped to not retrieved, False if kept,
    None if there was nothing to ask or no answer (asked again next time)."""
    service = workspace.project.legacy_reason
    try:
        q = service.question()
    except ScreenerError:
        return None
    if q is None:
        return None
    box = QMessageBox(parent)
    box.setWindowTitle(parent.tr("An exclusion reason to check"))
    box.setIcon(QMessageBox.Icon.Question)
    used = (parent.tr("{n} full-text decision(s) on {k} report(s) give it.").format(n=q.decisions, k=q.records)
            if q.decisions else parent.tr("No decision gives it yet."))
    box.setText(parent.tr("This project has the exclusion reason “{reason}”.").format(reason=q.reason))
    box.setInformativeText(parent.tr(
        "Screener now has “Report not retrieved” for reports that could not be obtained: they are "
        "counted as not retrieved in PRISMA, not as excluded after assessment. {used}\n\n"
        "Count these reports as not retrieved (their decisions with this reason are withdrawn and "
        "kept in the history, and the reason leaves the list), or keep it as an exclusion reason?"
    ).format(used=used))
    mapped = box.addButton(parent.tr("Count as not retrieved"), QMessageBox.ButtonRole.AcceptRole)
    kept = box.addButton(parent.tr("Keep as exclusion reason"), QMessageBox.ButtonRole.RejectRole)
    box.addButton(parent.tr("Ask me later"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(kept)
    box.exec()
    clicked = box.clickedButton()
    if clicked not in (mapped, kept):
        return None
    try:
        n = service.answer(clicked is mapped, workspace.reviewer)
    except ScreenerError as e:
        QMessageBox.warning(parent, parent.tr("An exclusion reason to check"), str(e))
        return None
    if clicked is mapped:
        workspace.notify(parent.tr("{n} report(s) now counted as not retrieved").format(n=n))
        workspace.data_changed.emit()
    return clicked is mapped
