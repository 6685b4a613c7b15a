"""The bar under the record list when several records are selected, and the
confirmation every bulk step asks for: how many records, which stage, what is skipped."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.services.bulk import BulkPlan

ACTION_WORDS = {
    "decide": "{value} {n} record(s) at {stage} as {reviewer}?",
    "tag": "Put the tag “{value}” on {n} record(s)?",
    "untag": "Take the tag “{value}” off {n} record(s)?",
    "label": "Put the label “{value}” on {n} record(s) (as {reviewer}'s label)?",
    "unlabel": "Take your label “{value}” off {n} record(s)?",
}
VALUE_WORDS = {"include": "Include", "exclude": "Exclude", "maybe": "Mark maybe"}


class BulkBar(QWidget):
    decide = Signal(str)
    tag = Signal()
    label = Signal(str)
    select_all = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Selected records"))
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(self.tr("How many records are selected"))
        self.all_button = QToolButton(self)
        self.all_button.setAccessibleName(self.tr("Select every record in this list"))
        self.all_button.clicked.connect(self.select_all)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.all_button)
        row = QHBoxLayout()
        row.setSpacing(3)
        for choice, text in (("include", self.tr("Include")), ("exclude", self.tr("Exclude")),
                             ("maybe", self.tr("Maybe"))):
            b = QToolButton(self)
            b.setText(text)
            b.setAccessibleName(self.tr("{0} the selected records").format(text))
            b.clicked.connect(lambda _=False, c=choice: self.decide.emit(c))
            row.addWidget(b)
        self.tag_button = QToolButton(self)
        self.tag_button.setText(self.tr("Tag…"))
        self.tag_button.setAccessibleName(self.tr("Tag the selected records"))
        self.tag_button.clicked.connect(self.tag)
        row.addWidget(self.tag_button)
        self.label_button = QToolButton(self)
        self.label_button.setText(self.tr("Label"))
        self.label_button.setAccessibleName(self.tr("Label the selected records"))
        self.label_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.label_menu = QMenu(self.label_button)
        self.label_button.setMenu(self.label_menu)
        row.addWidget(self.label_button)
        row.addStretch(1)
        for b in self.findChildren(QToolButton):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the list keeps the keyboard (I E M, Alt+1–9)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.setSpacing(2)
        box.addLayout(top)
        box.addLayout(row)
        # never wider than the list: the splitter keeps its place when the bar appears
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setStyleSheet("BulkBar { border-top: 1px solid palette(mid); }")
        self._labels: list[str] = []
        self.hide()

    def show_count(self, n: int, shown: int, labels: list[str]) -> None:
        self.setVisible(n > 1)
        self.count_label.setText(self.tr("<b>{n:,}</b> selected").format(n=n))
        self.all_button.setText(self.tr("Select all {n:,}").format(n=shown))
        self.all_button.setEnabled(n < shown)
        if labels != self._labels:
            self._labels = list(labels)
            self.label_menu.clear()
            for name in labels:
                self.label_menu.addAction(name).triggered.connect(lambda _=False, x=name: self.label.emit(x))
        self.label_button.setEnabled(bool(labels))


class StepDialog(QDialog):
    def __init__(self, parent: QWidget, question: str, detail: str, reasons: list[str], needs_reason: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Confirm a bulk step"))
        self.setAccessibleName(self.tr("Confirm a bulk step"))
        text = QLabel(f"<b>{question}</b>", self)
        text.setWordWrap(True)
        more = QLabel(detail, self)
        more.setWordWrap(True)
        self.reason = QComboBox(self)
        self.reason.setAccessibleName(self.tr("Exclusion reason"))
        if not needs_reason:
            self.reason.addItem(self.tr("No reason"), "")
        for r in reasons:
            self.reason.addItem(r, r)
        self.reason.setVisible(bool(reasons))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Do it"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(more)
        if reasons:
            label = QLabel(self.tr("&Reason:"), self)
            label.setBuddy(self.reason)
            layout.addWidget(label)
            layout.addWidget(self.reason)
        layout.addWidget(buttons)


def confirm_step(parent: QWidget, plan: BulkPlan, stage: str, reviewer: str, reasons: list[str] | None = None,
                 needs_reason: bool = False, blind: bool = False) -> str | None:
    """Ask before a bulk step. Returns the reason chosen ("" for none), or None to cancel."""
    n = len(plan.change)
    tr = parent.tr
    value = tr(VALUE_WORDS.get(plan.value, plan.value)) if plan.action == "decide" else plan.value
    question = tr(ACTION_WORDS[plan.action]).format(value=value, n=f"{n:,}", stage=stage, reviewer=reviewer)
    lines = []
    if plan.unchanged:
        lines.append(tr("{n:,} of the {k:,} selected are already so and stay as they are.").format(
            n=plan.unchanged, k=plan.selected))
    if plan.skipped:
        lines.append(tr("Left out: {what}.").format(what=plan.skipped_text()))
    if plan.action == "decide" and blind:
        lines.append(tr("These are only your own decisions; no one else's change, and others still decide "
                        "blind."))
    lines.append(tr("This is one step: Ctrl+Z undoes all of it, and the history marks each of these as a bulk "
                    "change."))
    if n == 0:
        lines.insert(0, tr("Nothing to change."))
    dialog = StepDialog(parent, question, "<br>".join(lines), reasons or [], needs_reason)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).setEnabled(n > 0)  # type: ignore[union-attr]
    if not dialog.exec():
        return None
    return str(dialog.reason.currentData() or "")
