"""Creating a review project: where it lives, the question, criteria, reasons, reviewers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.project import Project
from screener.gui.widgets import FILE_DIALOG_OPTIONS, heading, lines, list_edit, muted
from screener.types import ScreenerError

SUFFIX = ".screener"
DEFAULT_REASONS = [
    "Wrong population",
    "Wrong intervention",
    "Wrong comparator",
    "Wrong outcome",
    "Wrong study design",
    "Duplicate publication",
]


class NewProjectDialog(QDialog):
    """Creates the project file on OK; ``project`` and ``reviewer`` are then set."""

    def __init__(self, parent: QWidget | None = None, folder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New project"))
        self.setAccessibleName(self.tr("New project"))
        self.setMinimumWidth(720)
        self.project: Project | None = None
        self.reviewer = ""
        self._folder = folder or str(Path.home())

        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.tr("Where to save the project file"))
        self.path_edit.setAccessibleName(self.tr("Project file"))
        self.browse_button = QPushButton(self.tr("Choose…"), self)
        self.browse_button.setAccessibleName(self.tr("Choose the project file"))
        self.browse_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)

        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("e.g. Peer support roles in mental health"))
        self.title_edit.setAccessibleName(self.tr("Title"))
        self.question_edit = QPlainTextEdit(self)
        self.question_edit.setPlaceholderText(self.tr("The review question, as in the protocol"))
        self.question_edit.setAccessibleName(self.tr("Review question"))
        self.question_edit.setTabChangesFocus(True)
        self.question_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

        one = self.tr("One item per line")
        self.include_edit = list_edit(self, [], one, self.tr("Inclusion criteria"))
        self.exclude_edit = list_edit(self, [], one, self.tr("Exclusion criteria"))
        self.reasons_edit = list_edit(
            self, DEFAULT_REASONS, one, self.tr("Full-text exclusion reasons")
        )
        criteria = QGridLayout()
        criteria.setHorizontalSpacing(12)
        criteria.setVerticalSpacing(4)
        for col, (text, edit) in enumerate(
            (
                (self.tr("Inclusion criteria"), self.include_edit),
                (self.tr("Exclusion criteria"), self.exclude_edit),
                (self.tr("Full-text exclusion reasons"), self.reasons_edit),
            )
        ):
            label = QLabel(text, self)
            label.setBuddy(edit)
            criteria.addWidget(label, 0, col)
            criteria.addWidget(edit, 1, col)
            criteria.setColumnStretch(col, 1)
        reasons_hint = muted(QLabel(self.tr("The first nine get number keys at full text."), self))
        reasons_hint.setWordWrap(True)
        criteria.addWidget(reasons_hint, 2, 2)

        self.single_radio = QRadioButton(self.tr("One reviewer per record"), self)
        self.dual_radio = QRadioButton(self.tr("Two reviewers per record (blind)"), self)
        self.single_radio.setChecked(True)
        self._per_record = QButtonGroup(self)
        self._per_record.addButton(self.single_radio, 1)
        self._per_record.addButton(self.dual_radio, 2)
        per_record = QHBoxLayout()
        per_record.addWidget(self.single_radio)
        per_record.addWidget(self.dual_radio)
        per_record.addStretch(1)

        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("Your name or initials"))
        self.name_edit.setAccessibleName(self.tr("Your reviewer name"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        file_label = QLabel(self.tr("Project &file:"), self)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        form.addRow(self.tr("&Title:"), self.title_edit)
        form.addRow(self.tr("Review &question:"), self.question_edit)
        form.addRow(self.tr("Screening:"), per_record)
        form.addRow(self.tr("Your &name:"), self.name_edit)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b45309; font-weight: bold;")
        self.error_label.setAccessibleName(self.tr("Problem"))
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Create project"))
        ok.setAccessibleName(self.tr("Create project"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading(self.tr("Create a review project"), self, 1.3))
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addLayout(criteria, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.title_edit.setFocus()

    def choose_file(self) -> None:
        start = self.path_edit.text() or str(Path(self._folder) / (self._slug() + SUFFIX))
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the project as"),
            start,
            self.tr("Screener projects (*.screener)"),
            options=FILE_DIALOG_OPTIONS,
        )
        if path:
            self.path_edit.setText(path if path.endswith(SUFFIX) else path + SUFFIX)

    def _slug(self) -> str:
        words = "".join(c if c.isalnum() else " " for c in self.title_edit.text().lower()).split()
        return "-".join(words[:6]) or "review"

    @property
    def reviewers_per_record(self) -> int:
        return self._per_record.checkedId()

    def _problem(self) -> str:
        if not self.path_edit.text().strip():
            return self.tr("Choose where to save the project file.")
        if not self.title_edit.text().strip():
            return self.tr("Give the review a title.")
        if not self.name_edit.text().strip():
            return self.tr("Enter your name: every decision is signed by its reviewer.")
        return ""

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.show_problem(problem)
            return
        path = self.path_edit.text().strip()
        if "://" not in path and not path.endswith(SUFFIX):
            path += SUFFIX
        try:
            project = Project.create(
                path,
                title=self.title_edit.text(),
                question=self.question_edit.toPlainText(),
                include_criteria=lines(self.include_edit),
                exclude_criteria=lines(self.exclude_edit),
                reasons=lines(self.reasons_edit),
                reviewers_per_record=self.reviewers_per_record,
            )
        except ScreenerError as e:
            self.show_problem(str(e))
            return
        try:
            self.reviewer = project.settings.add_reviewer(self.name_edit.text()).name
        except ScreenerError as e:  # e.g. a name that is only spaces slipped through
            project.close()
            self.show_problem(str(e))
            return
        self.project = project
        super().accept()
