"""Who is at the keyboard: pick one of the project's reviewers, or add one."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from screener.core.project import Project
from screener.core.services.settings import ReviewerInfo
from screener.gui.widgets import heading, muted
from screener.types import ScreenerError

Index = QModelIndex | QPersistentModelIndex
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class ReviewerModel(QAbstractListModel):
    """The project's reviewers: "name (role)" shown, the name as data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reviewers: list[ReviewerInfo] = []

    def set_reviewers(self, reviewers: list[ReviewerInfo]) -> None:
        self.beginResetModel()
        self.reviewers = list(reviewers)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.reviewers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r = self.reviewers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return r.name if r.role == "reviewer" else f"{r.name}  ({r.role})"
        if role == NAME_ROLE:
            return r.name
        return None

    def row_of(self, name: str) -> int:
        return next((i for i, r in enumerate(self.reviewers) if r.name == name), -1)


class ReviewerDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None, current: str = "") -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(self.tr("Who is screening?"))
        self.setAccessibleName(self.tr("Choose reviewer"))
        self.setMinimumWidth(420)

        self.model = ReviewerModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Reviewers"))
        self.view.doubleClicked.connect(self.accept)

        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("New reviewer's name"))
        self.name_edit.setAccessibleName(self.tr("New reviewer's name"))
        self.role_combo = QComboBox(self)
        self.role_combo.addItem(self.tr("Reviewer"), "reviewer")
        self.role_combo.addItem(self.tr("Resolver"), "resolver")
        self.role_combo.setAccessibleName(self.tr("Role"))
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.setAccessibleName(self.tr("Add reviewer"))
        self.add_button.clicked.connect(self.add_reviewer)
        self.name_edit.returnPressed.connect(self.add_reviewer)
        add_row = QHBoxLayout()
        add_row.addWidget(self.name_edit, 1)
        add_row.addWidget(self.role_combo)
        add_row.addWidget(self.add_button)

        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #b45309;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start screening"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        hint = muted(QLabel(self.tr(
            "Every decision is signed with your name. A resolver settles conflicts "
            "between reviewers."), self))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        layout.addWidget(heading(self.tr("Who is at the keyboard?"), self, 1.2))
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(QLabel(self.tr("Not listed? Add yourself:"), self))
        layout.addLayout(add_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._load(current)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_ok())
        self._update_ok()

    def _load(self, select: str = "") -> None:
        self.model.set_reviewers(self.project.settings.reviewers())
        row = self.model.row_of(select)
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))
            self.view.setFocus()
        else:
            self.name_edit.setFocus()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.view.currentIndex().isValid())

    def add_reviewer(self) -> None:
        try:
            added = self.project.settings.add_reviewer(
                self.name_edit.text(), str(self.role_combo.currentData())
            )
        except ScreenerError as e:
            self.error_label.setText(str(e))
            self.error_label.show()
            return
        self.error_label.hide()
        self.name_edit.clear()
        self._load(added.name)
        self._update_ok()

    def chosen(self) -> str:
        index = self.view.currentIndex()
        return str(index.data(NAME_ROLE)) if index.isValid() else ""

    def accept(self) -> None:
        if self.chosen():
            super().accept()


def choose_reviewer(
    project: Project, parent: QWidget | None, remembered: str | None = None, *, ask: bool = False
) -> str | None:
    """The reviewer to work as: the only one, or the one remembered for this project,
    unless ``ask``; otherwise the reviewer dialog decides. None when it is cancelled."""
    names = [r.name for r in project.settings.reviewers()]
    if not ask:
        if len(names) == 1:
            return names[0]
        if remembered and remembered in names:
            return remembered
    dialog = ReviewerDialog(project, parent, current=remembered or "")
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.chosen()
    return None
