"""Agreement between reviewers at the stage: % agreement, Cohen's kappa, PABAK, Gwet's AC1
for each pair, Fleiss' kappa for 3+ reviewers; over the whole stage or a calibration sample
(the first N records, or N drawn at random with a seed)."""

from __future__ import annotations

import random

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from screener.core.agreement import PairAgreement
from screener.gui.context import Workspace
from screener.gui.plural import plural
from screener.gui.rows_model import RowsModel, fmt_stat
from screener.types import ScreenerError


def calibration_sample(ids: list[int], n: int, seed: int | None = None) -> list[int]:
    """The first ``n`` ids, or (with a seed) ``n`` drawn at random, in id order."""
    if seed is None:
        return ids[:n]
    return sorted(random.Random(seed).sample(ids, min(n, len(ids))))


class AgreementPanel(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.sample: list[int] | None = None
        self.model = RowsModel(
            [(self.tr("Reviewers"), lambda a: " & ".join(a.reviewers)), (self.tr("Records"), lambda a: a.n),
             (self.tr("% agreement"), lambda a: fmt_stat(a.percent_agreement, 1)),
             (self.tr("Cohen's κ"), lambda a: fmt_stat(a.kappa)), (self.tr("PABAK"), lambda a: fmt_stat(a.pabak)),
             (self.tr("Gwet's AC1"), lambda a: fmt_stat(a.gwet_ac1))],
            self,
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Agreement between reviewers"))
        self.fleiss_label = QLabel(self)
        self.scope_label = QLabel(self)
        self.mode = QComboBox(self)
        self.mode.addItem(self.tr("first"), "first")
        self.mode.addItem(self.tr("random"), "random")
        self.mode.setAccessibleName(self.tr("How to pick the calibration sample"))
        self.size = QSpinBox(self)
        self.size.setRange(5, 1000)
        self.size.setValue(50)
        self.size.setAccessibleName(self.tr("Calibration sample size"))
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 999999)
        self.seed.setValue(1)
        self.seed.setPrefix(self.tr("seed "))
        self.seed.setAccessibleName(self.tr("Random seed"))
        self.mode.currentIndexChanged.connect(lambda _i: self.seed.setEnabled(self.mode.currentData() == "random"))
        self.seed.setEnabled(False)
        self.sample_button = QPushButton(self.tr("Agreement on sample"), self)
        self.sample_button.clicked.connect(self.use_sample)
        self.all_button = QPushButton(self.tr("Whole stage"), self)
        self.all_button.clicked.connect(self.use_whole_stage)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Calibration sample:"), self))
        for w in (self.mode, self.size, self.seed, self.sample_button, self.all_button):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.scope_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.fleiss_label)

    def use_sample(self) -> None:
        try:
            ids = self.workspace.project.records.ids(self.workspace.stage, view="all", sort="id")
        except ScreenerError as e:
            self.scope_label.setText(str(e))
            return
        seed = self.seed.value() if self.mode.currentData() == "random" else None
        self.sample = calibration_sample(ids, self.size.value(), seed)
        self.refresh()

    def use_whole_stage(self) -> None:
        self.sample = None
        self.refresh()

    def rows(self) -> list[PairAgreement]:
        return list(self.model.rows)

    def refresh(self) -> None:
        stage = self.workspace.stage
        try:
            rows = self.workspace.project.conflicts.agreement(stage, record_ids=self.sample)
            n, kappa = self.workspace.project.conflicts.fleiss(stage)
            reviewers = len(self.workspace.project.settings.reviewers())
        except ScreenerError as e:
            self.scope_label.setText(str(e))
            return
        self.model.set_rows(rows)
        if self.sample is None:
            self.scope_label.setText(self.tr("Over every record both reviewers decided at this stage."))
        else:
            how = self.tr("random, seed {s}").format(s=self.seed.value()) if self.mode.currentData() == "random" \
                else self.tr("the first records")
            self.scope_label.setText(self.tr("Calibration sample: {records} ({how}).").format(
                records=plural(len(self.sample), "{n} record", "{n} records"), how=how))
        if reviewers >= 3:
            self.fleiss_label.setText(self.tr("Fleiss' κ over {records} every reviewer decided: {k}").format(
                records=plural(n, "{n} record", "{n} records"), k=fmt_stat(kappa)))
        self.fleiss_label.setVisible(reviewers >= 3)
        if not rows:
            self.scope_label.setText(self.scope_label.text() + " " + self.tr("No records decided by two reviewers yet."))
