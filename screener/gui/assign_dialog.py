"""Assign records…: share the undecided records out among reviewers, evenly or by
batch, with a share that everyone screens for calibration."""

from __future__ import annotations

import random

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from screener.gui.context import Workspace
from screener.gui.widgets import muted


class AssignDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        project = workspace.project
        stage = workspace.stage
        self.setWindowTitle(self.tr("Assign records"))
        self.setAccessibleName(self.tr("Assign records to reviewers"))
        self.undecided = project.allocation.undecided_by_batch(stage)
        info = project.settings.info()

        people = QGroupBox(self.tr("Reviewers"), self)
        pl = QVBoxLayout(people)
        self.reviewer_checks: list[QCheckBox] = []
        for r in project.settings.reviewers():
            check = QCheckBox(r.name if r.role == "reviewer" else f"{r.name} ({self.tr(r.role)})", people)
            check.setProperty("reviewer", r.name)
            check.setChecked(r.role == "reviewer")
            check.toggled.connect(self._preview)
            pl.addWidget(check)
            self.reviewer_checks.append(check)

        self.per_record = QComboBox(self)
        self.per_record.addItem(self.tr("One reviewer"), 1)
        self.per_record.addItem(self.tr("Two reviewers"), 2)
        self.per_record.setCurrentIndex(self.per_record.findData(info.reviewers_per_record.get(stage, 1)))
        self.per_record.setAccessibleName(self.tr("Reviewers per record"))
        self.how = QComboBox(self)
        self.how.addItem(self.tr("Evenly, at random"), False)
        self.how.addItem(self.tr("By batch: each batch whole to the same reviewers"), True)
        self.how.setAccessibleName(self.tr("How to share the records"))
        self.overlap = QSpinBox(self)
        self.overlap.setRange(0, 100)
        self.overlap.setSuffix(" %")
        self.overlap.setAccessibleName(self.tr("Share every reviewer screens, for calibration"))
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 999_999)
        self.seed.setValue(random.randrange(1, 999_999))
        self.seed.setAccessibleName(self.tr("Random seed"))
        self.seed.setToolTip(self.tr("The same seed gives the same allocation"))
        for w in (self.per_record, self.how):
            w.currentIndexChanged.connect(self._preview)
        self.overlap.valueChanged.connect(self._preview)

        batches = QGroupBox(self.tr("Records of"), self)
        bl = QVBoxLayout(batches)
        self.batch_checks: list[QCheckBox] = []
        for b in project.imports.batches():
            n = self.undecided.get(b.id, 0)
            when = f", {b.search_date}" if b.search_date else ""
            update = self.tr(", update {0}").format(b.update_round) if b.update_round else ""
            check = QCheckBox(self.tr("Batch {id}: {source}{when}{update} ({n:,} undecided)").format(
                id=b.id, source=b.source, when=when, update=update, n=n), batches)
            check.setProperty("batch", b.id)
            check.setChecked(n > 0)
            check.setEnabled(n > 0)
            check.toggled.connect(self._preview)
            bl.addWidget(check)
            self.batch_checks.append(check)

        form = QFormLayout()
        form.addRow(self.tr("Reviewers per &record:"), self.per_record)
        form.addRow(self.tr("&Share out:"), self.how)
        form.addRow(self.tr("Everyone &screens the same:"), self.overlap)
        form.addRow(self.tr("Random s&eed:"), self.seed)
        self.preview = muted(QLabel(self))
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName(self.tr("What the assignment will do"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Assign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(people)
        layout.addLayout(form)
        layout.addWidget(batches)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self._preview()

    def reviewers(self) -> list[str]:
        return [str(c.property("reviewer")) for c in self.reviewer_checks if c.isChecked()]

    def batches(self) -> list[int]:
        return [int(c.property("batch")) for c in self.batch_checks if c.isChecked()]

    def _preview(self) -> None:
        names = self.reviewers()
        per = int(self.per_record.currentData())
        n = sum(self.undecided.get(b, 0) for b in self.batches())
        shared = round(self.overlap.value() / 100 * n)
        if not names or per > len(names):
            self.preview.setText(self.tr("Choose at least {0} reviewer(s).").format(per))
            self.ok.setEnabled(False)
            return
        each = shared + (n - shared) * per / len(names)
        self.preview.setText(self.tr(
            "{n:,} undecided records: {shared:,} screened by all {k} reviewers, the rest by {per} each; "
            "about {each:,.0f} records per reviewer. Records a reviewer has already decided stay theirs; "
            "each reviewer's queue then holds what is assigned to them.").format(
                n=n, shared=shared, k=len(names), per=per, each=each))
        self.ok.setEnabled(n > 0)

    def params(self) -> dict[str, object]:
        """What to assign, for ``AllocationService.assign``."""
        return {"reviewers": self.reviewers(), "per_record": int(self.per_record.currentData()),
                "overlap": self.overlap.value() / 100, "seed": self.seed.value(), "stage": self.workspace.stage,
                "batches": self.batches(), "whole_batches": bool(self.how.currentData())}
