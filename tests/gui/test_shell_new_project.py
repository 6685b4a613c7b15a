"""Creating a project through the new-project dialog, and choosing who screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog

from screener.core.project import Project
from screener.gui.new_project_dialog import DEFAULT_REASONS, NewProjectDialog
from screener.gui.reviewer_dialog import ReviewerDialog, choose_reviewer

pytest_plugins = ["tests.gui.shell_support"]


def ok_button(dialog: QDialog):  # type: ignore[no-untyped-def]
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_create_a_project_by_filling_the_dialog(qtbot, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    chosen = tmp_path / "peer-roles"  # no suffix typed: .screener is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    dialog = NewProjectDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.reasons_edit.toPlainText().splitlines() == DEFAULT_REASONS

    qtbot.keyClicks(dialog.title_edit, "Peer roles in mental health services")
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(chosen) + ".screener"
    dialog.question_edit.setPlainText("How do peer support workers handle self-disclosure?")
    dialog.include_edit.setPlainText("Peer support workers\n\nMental health services\n")
    dialog.exclude_edit.setPlainText("Not mental health")
    dialog.reasons_edit.setPlainText("Wrong population\nWrong setting")
    qtbot.mouseClick(dialog.dual_radio, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.name_edit, "ana")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.reviewer == "ana"
    dialog.project.close()
    with Project.open(str(chosen) + ".screener") as project:
        info = project.settings.info()
        assert info.title == "Peer roles in mental health services"
        assert info.question.startswith("How do peer support workers")
        assert info.include_criteria == ["Peer support workers", "Mental health services"]
        assert info.exclude_criteria == ["Not mental health"]
        assert info.reasons == ["Wrong population", "Wrong setting"]
        assert info.reviewers_per_record == {"title_abstract": 2, "full_text": 2}
        assert [(r.name, r.role) for r in project.settings.reviewers()] == [("ana", "reviewer")]


def test_missing_fields_are_explained_and_nothing_is_created(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    dialog = NewProjectDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(tmp_path / "review.screener"))
    qtbot.keyClicks(dialog.title_edit, "A review")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    assert dialog.error_label.isVisible()
    assert "name" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.project is None
    assert not (tmp_path / "review.screener").exists()


def test_an_existing_file_is_never_overwritten(qtbot, shell_project):  # type: ignore[no-untyped-def]
    before = shell_project.read_bytes()
    dialog = NewProjectDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(shell_project))
    qtbot.keyClicks(dialog.title_edit, "Another review")
    qtbot.keyClicks(dialog.name_edit, "ben")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    assert "already exists" in dialog.error_label.text()
    assert dialog.project is None
    assert shell_project.read_bytes() == before


def test_new_project_from_the_window_opens_it(qtbot, monkeypatch, window, tmp_path):  # type: ignore[no-untyped-def]
    def fill_and_accept(self: NewProjectDialog) -> int:
        self.path_edit.setText(str(tmp_path / "fresh.screener"))
        self.title_edit.setText("Fresh review")
        self.name_edit.setText("ana")
        self.accept()
        return int(self.result())

    monkeypatch.setattr(NewProjectDialog, "exec", fill_and_accept)
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)

    assert window.workspace is not None
    assert window.windowTitle() == "Fresh review — ana"
    assert window.pane.tabs.currentWidget() is window.pane.batches  # a new project starts by importing
    assert window.recent.paths()[0] == str(tmp_path / "fresh.screener")


def test_the_only_reviewer_is_chosen_without_asking(qtbot, shell_project, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ReviewerDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError))
    with Project.open(shell_project) as project:
        assert choose_reviewer(project, None) == "ana"
        project.settings.add_reviewer("ben")
        assert choose_reviewer(project, None, remembered="ben") == "ben"


def test_reviewer_dialog_adds_a_resolver_and_picks_them(qtbot, shell_project):  # type: ignore[no-untyped-def]
    with Project.open(shell_project) as project:
        project.settings.add_reviewer("ben")
        dialog = ReviewerDialog(project, None, current="ben")
        qtbot.addWidget(dialog)
        assert dialog.chosen() == "ben"
        qtbot.keyClicks(dialog.name_edit, "carla")
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("resolver"))
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert dialog.chosen() == "carla"
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert ("carla", "resolver") in [(r.name, r.role) for r in project.settings.reviewers()]

        qtbot.keyClicks(dialog.name_edit, "carla")  # a second carla is refused, visibly
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert "already exists" in dialog.error_label.text()


def test_cancelling_the_reviewer_choice_leaves_the_project_closed(qtbot, monkeypatch, window, shell_project):  # type: ignore[no-untyped-def]
    with Project.open(shell_project) as project:
        project.settings.add_reviewer("ben")
    monkeypatch.setattr(ReviewerDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert window.open_project(str(shell_project)) is False
    assert window.workspace is None
    assert window.stack.currentWidget() is window.start_page
