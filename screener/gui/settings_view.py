"""The review's settings, which travel with the project file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from screener.gui.context import Workspace
from screener.gui.reviewer_dialog import ReviewerModel
from screener.gui.widgets import CompactListView, lines, list_edit, muted
from screener.types import ScreenerError, Stage

Index = QModelIndex | QPersistentModelIndex


class ReasonModel(QStringListModel):
    """Reasons in order; the first nine show the number key that picks them."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and index.row() < 9:
            return f"{index.row() + 1}   {value}"
        return value


class SettingsView(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.dirty = False
        self.read_only = False
        self.setAccessibleName(self.tr("Project settings"))

        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName(self.tr("Title"))
        self.question_edit = QPlainTextEdit(self)
        self.question_edit.setAccessibleName(self.tr("Review question"))
        self.question_edit.setTabChangesFocus(True)
        self.question_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        one = self.tr("One per line")
        self.include_edit = list_edit(self, [], one, self.tr("Inclusion criteria"))
        self.exclude_edit = list_edit(self, [], one, self.tr("Exclusion criteria"))
        self.include_terms_edit = list_edit(self, [], one, self.tr("Terms to highlight for inclusion"))
        self.exclude_terms_edit = list_edit(self, [], one, self.tr("Terms to highlight for exclusion"))

        self.reasons_model = ReasonModel(self)
        self.reasons_view = CompactListView(self)
        self.reasons_view.setModel(self.reasons_model)
        self.reasons_view.setAccessibleName(self.tr("Full-text exclusion reasons"))
        self.reasons_view.setSpacing(2)
        self.reasons_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("New reason"))
        self.reason_edit.setAccessibleName(self.tr("New exclusion reason"))
        self.reason_edit.returnPressed.connect(self.add_reason)
        self.add_reason_button = self._button(self.tr("Add"), self.tr("Add reason"), self.add_reason)
        self.remove_reason_button = self._button(
            self.tr("Remove"), self.tr("Remove reason"), self.remove_reason)
        self.up_button = self._button(self.tr("Move up"), self.tr("Move reason up"),
                                      lambda: self.move_reason(-1))
        self.down_button = self._button(self.tr("Move down"), self.tr("Move reason down"),
                                        lambda: self.move_reason(1))

        self.per_record = {}
        for stage in Stage:
            combo = QComboBox(self)
            combo.addItem(self.tr("One reviewer"), 1)
            combo.addItem(self.tr("Two reviewers"), 2)
            combo.setAccessibleName(self.tr("Reviewers per record at {0}").format(stage.value))
            self.per_record[stage.value] = combo
        self.blind_check = QCheckBox(self.tr(
            "Blind: reviewers see no one else's decisions until all have decided"), self)
        self.blind_check.setAccessibleName(self.tr("Blind mode"))
        self.resolve_combo = QComboBox(self)
        for policy, text in (("consensus", self.tr("Either reviewer, by consensus of the two")),
                             ("resolver", self.tr("Only reviewers with the resolver role")),
                             ("third-party", self.tr("Only someone not party to the conflict"))):
            self.resolve_combo.addItem(text, policy)
        self.resolve_combo.setAccessibleName(self.tr("Who may resolve conflicts"))
        self.resolve_combo.setToolTip(self.tr(
            "Cochrane (Handbook 5.1, section 7.2.4): disagreements can generally be resolved by "
            "discussion; a difference in interpretation may need arbitration by another person. "
            "Decide before screening starts (MECIR C40)."))
        self.owner_note = muted(QLabel(self.tr(
            "On this strict team project only its owner can change the settings."), self))
        self.owner_note.setWordWrap(True)
        self.ta_reason_check = QCheckBox(self.tr("Require a reason for title/abstract exclusions"), self)
        self.ta_reason_check.setAccessibleName(self.tr("Require a reason for title/abstract exclusions"))
        self.labels_edit = list_edit(self, [], one, self.tr("Labels"))

        self.reviewer_model = ReviewerModel(self)
        self.reviewers_view = CompactListView(self)
        self.reviewers_view.setModel(self.reviewer_model)
        self.reviewers_view.setAccessibleName(self.tr("Reviewers"))
        self.reviewers_view.setSpacing(2)
        self.reviewer_name_edit = QLineEdit(self)
        self.reviewer_name_edit.setPlaceholderText(self.tr("Name"))
        self.reviewer_name_edit.setAccessibleName(self.tr("New reviewer's name"))
        self.reviewer_role_combo = QComboBox(self)
        self.reviewer_role_combo.addItem(self.tr("Reviewer"), "reviewer")
        self.reviewer_role_combo.addItem(self.tr("Resolver"), "resolver")
        self.reviewer_role_combo.setAccessibleName(self.tr("New reviewer's role"))
        self.add_reviewer_button = self._button(
            self.tr("Add reviewer"), self.tr("Add reviewer"), self.add_reviewer)
        self.reviewer_name_edit.returnPressed.connect(self.add_reviewer)

        self.save_button = self._button(self.tr("Save settings"), self.tr("Save settings"), self.save)
        self.save_button.setDefault(True)
        self.revert_button = self._button(self.tr("Revert"), self.tr("Revert changes"), self.load)
        self.state_label = muted(QLabel(self))

        self._layout()
        for edit in (self.question_edit, self.include_edit, self.exclude_edit,
                     self.include_terms_edit, self.exclude_terms_edit, self.labels_edit):
            edit.textChanged.connect(self._changed)
        self.ta_reason_check.toggled.connect(self._changed)
        self.title_edit.textEdited.connect(self._changed)
        self.blind_check.toggled.connect(self._changed)
        self.resolve_combo.activated.connect(self._changed)
        for combo in self.per_record.values():
            combo.activated.connect(self._changed)
        self.reasons_model.dataChanged.connect(self._changed)
        self.reasons_model.rowsInserted.connect(self._changed)
        self.reasons_model.rowsRemoved.connect(self._changed)
        self.reasons_model.rowsMoved.connect(self._changed)
        workspace.data_changed.connect(self.refresh)
        self.load()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        b = QPushButton(text, self)
        b.setAccessibleName(name)
        b.clicked.connect(slot)
        return b

    def _layout(self) -> None:
        review = QGroupBox(self.tr("Review"), self)
        form = QFormLayout(review)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Title:"), self.title_edit)
        form.addRow(self.tr("&Question:"), self.question_edit)

        criteria = self._pair(self.tr("Criteria"), self.tr("Inclusion"), self.include_edit,
                              self.tr("Exclusion"), self.exclude_edit)
        terms = self._pair(self.tr("Highlighted terms"), self.tr("Suggest inclusion"),
                           self.include_terms_edit, self.tr("Suggest exclusion"),
                           self.exclude_terms_edit)
        note = muted(QLabel(self.tr("Marked in titles and abstracts as you read, each kind in "
                                    "its own colour and underline style."), terms))
        note.setWordWrap(True)
        terms_grid = terms.layout()
        assert isinstance(terms_grid, QGridLayout)
        terms_grid.addWidget(note, 2, 0, 1, 2)

        reasons = QGroupBox(self.tr("Exclusion reasons"), self)
        grid = QGridLayout(reasons)
        grid.addWidget(self.reasons_view, 0, 0, 5, 1)
        for i, b in enumerate((self.up_button, self.down_button, self.remove_reason_button)):
            grid.addWidget(b, i, 1)
        grid.setRowStretch(3, 1)
        grid.addWidget(self.reason_edit, 5, 0)
        grid.addWidget(self.add_reason_button, 5, 1)
        grid.addWidget(muted(QLabel(self.tr("Keys 1–9 pick the first nine (required at full text; at "
                                            "title/abstract optional unless required below). "
                                            "Double-click a reason to rename it."), self)),
                       6, 0, 1, 2)
        labels = QGroupBox(self.tr("Labels"), self)
        llay = QVBoxLayout(labels)
        llay.addWidget(self.labels_edit)
        llay.addWidget(muted(QLabel(self.tr("One per line, shared by the team; apart from exclusion reasons. "
                                            "Alt+1–9 put the first nine on a record."), self)))

        screening = QGroupBox(self.tr("Screening"), self)
        sform = QFormLayout(screening)
        sform.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        sform.addRow(self.tr("Title/abstract:"), self.per_record[Stage.TITLE_ABSTRACT.value])
        sform.addRow(self.tr("Full text:"), self.per_record[Stage.FULL_TEXT.value])
        sform.addRow(self.blind_check)
        sform.addRow(self.tr("Who may &resolve:"), self.resolve_combo)
        sform.addRow(self.ta_reason_check)

        reviewers = QGroupBox(self.tr("Reviewers"), self)
        rlay = QGridLayout(reviewers)
        rlay.addWidget(self.reviewers_view, 0, 0, 1, 3)
        rlay.addWidget(self.reviewer_name_edit, 1, 0)
        rlay.addWidget(self.reviewer_role_combo, 1, 1)
        rlay.addWidget(self.add_reviewer_button, 1, 2)
        rlay.setColumnStretch(0, 1)
        self.reviewers_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)

        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(review)
        left.addWidget(criteria, 1)
        left.addWidget(terms, 1)
        right = QVBoxLayout()
        right.setSpacing(14)
        right.addWidget(reasons, 1)
        right.addWidget(labels)
        right.addWidget(screening)
        right.addWidget(reviewers, 1)
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        page = QWidget(self)
        page.setLayout(columns)
        columns.setContentsMargins(16, 12, 16, 12)
        scroll = QScrollArea(self)
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        bar = QHBoxLayout()
        bar.setContentsMargins(16, 0, 16, 12)
        bar.addWidget(self.owner_note, 1)
        bar.addWidget(self.state_label, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(bar)

    def _pair(self, title: str, a_label: str, a: QPlainTextEdit, b_label: str,
              b: QPlainTextEdit) -> QGroupBox:
        box = QGroupBox(title, self)
        grid = QGridLayout(box)
        for col, (text, edit) in enumerate(((a_label, a), (b_label, b))):
            label = QLabel(text, box)
            label.setBuddy(edit)
            grid.addWidget(label, 0, col)
            grid.addWidget(edit, 1, col)
            edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        return box

    # loading and saving
    def refresh(self) -> None:
        """Reload from the project, keeping edits that are not saved yet."""
        self.reviewer_model.set_reviewers(self.workspace.project.settings.reviewers())
        if not self.dirty:
            self.load()

    def load(self) -> None:
        info = self.workspace.project.settings.info()
        self.title_edit.setText(info.title)
        self.question_edit.setPlainText(info.question)
        self.include_edit.setPlainText("\n".join(info.include_criteria))
        self.exclude_edit.setPlainText("\n".join(info.exclude_criteria))
        self.include_terms_edit.setPlainText("\n".join(info.include_terms))
        self.exclude_terms_edit.setPlainText("\n".join(info.exclude_terms))
        self.reasons_model.setStringList(info.reasons)
        for stage, combo in self.per_record.items():
            combo.setCurrentIndex(combo.findData(info.reviewers_per_record.get(stage, 1)))
        self.blind_check.setChecked(info.blind)
        self.resolve_combo.setCurrentIndex(max(0, self.resolve_combo.findData(info.resolve_policy)))
        self.ta_reason_check.setChecked(info.ta_reason_required)
        self.labels_edit.setPlainText("\n".join(self.workspace.project.labels.labels()))
        self.reviewer_model.set_reviewers(self.workspace.project.settings.reviewers())
        # a strict project's settings are its owner's; it is always blind
        self.read_only = info.strict and self.workspace.project.settings.bound_reviewer() is not None
        self.owner_note.setVisible(self.read_only)
        self.blind_check.setEnabled(not info.strict)
        self.add_reviewer_button.setEnabled(not self.read_only)
        self._set_dirty(False)

    def _changed(self, *_: object) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty and not self.read_only)
        self.revert_button.setEnabled(dirty)
        self.state_label.setText(self.tr("Unsaved changes") if dirty else "")

    def save(self) -> None:
        labels = lines(self.labels_edit)
        project = self.workspace.project
        dropped = {name: n for name, n in project.labels.usage().items() if name not in labels and n}
        if dropped:
            answer = QMessageBox.question(self, self.tr("Remove labels"), self.tr(
                "Taking these labels off the list also takes them off their records: {0}. Go on?").format(
                    "; ".join(self.tr("{name} ({n} records)").format(name=k, n=v) for k, v in dropped.items())))
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            project.labels.set_labels(labels, self.workspace.reviewer)
            self.workspace.project.settings.update(
                title=self.title_edit.text(),
                question=self.question_edit.toPlainText(),
                include_criteria=lines(self.include_edit),
                exclude_criteria=lines(self.exclude_edit),
                reasons=[r.strip() for r in self.reasons_model.stringList() if r.strip()],
                include_terms=lines(self.include_terms_edit),
                exclude_terms=lines(self.exclude_terms_edit),
                reviewers_per_record={s: int(c.currentData()) for s, c in self.per_record.items()},
                blind=self.blind_check.isChecked(),
                resolve_policy=str(self.resolve_combo.currentData()),
                ta_reason_required=self.ta_reason_check.isChecked(),
            )
        except ScreenerError as e:
            QMessageBox.warning(self, self.tr("Cannot save settings"), str(e))
            return
        self._set_dirty(False)
        self.workspace.data_changed.emit()
        self.workspace.notify(self.tr("Settings saved."))

    # reasons
    def add_reason(self) -> None:
        text = self.reason_edit.text().strip()
        if not text or text in self.reasons_model.stringList():
            return
        row = self.reasons_model.rowCount()
        self.reasons_model.insertRows(row, 1)
        self.reasons_model.setData(self.reasons_model.index(row), text)
        self.reason_edit.clear()

    def remove_reason(self) -> None:
        row = self.reasons_view.currentIndex().row()
        if row >= 0:
            self.reasons_model.removeRows(row, 1)

    def move_reason(self, step: int) -> None:
        row = self.reasons_view.currentIndex().row()
        target = row + step
        if row < 0 or not 0 <= target < self.reasons_model.rowCount():
            return
        items = self.reasons_model.stringList()
        items.insert(target, items.pop(row))
        self.reasons_model.setStringList(items)
        self.reasons_view.setCurrentIndex(self.reasons_model.index(target))
        self._changed()

    # reviewers: added at once, like on the command line
    def add_reviewer(self) -> None:
        try:
            r = self.workspace.project.settings.add_reviewer(
                self.reviewer_name_edit.text(), str(self.reviewer_role_combo.currentData()))
        except ScreenerError as e:
            QMessageBox.warning(self, self.tr("Cannot add reviewer"), str(e))
            return
        self.reviewer_name_edit.clear()
        self.workspace.data_changed.emit()
        self.workspace.notify(self.tr("Added {0} as {1}.").format(r.name, r.role))
