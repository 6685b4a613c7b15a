"""The Settings tab: edits are saved to the project file and read back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from screener.core.project import Project
from screener.gui.settings_view import SettingsView

pytest_plugins = ["tests.gui.shell_support"]


def test_settings_round_trip_through_the_project_file(qtbot, shell_workspace, shell_project):  # type: ignore[no-untyped-def]
    ws = shell_workspace
    view = SettingsView(ws)
    qtbot.addWidget(view)
    changed: list[int] = []
    ws.data_changed.connect(lambda: changed.append(1))
    assert view.title_edit.text() == "Peer roles review"
    assert not view.save_button.isEnabled()

    view.title_edit.selectAll()
    qtbot.keyClicks(view.title_edit, "Peer roles: scoping review")
    assert view.save_button.isEnabled() and view.state_label.text() == "Unsaved changes"
    view.question_edit.setPlainText("What helps peer workers?")
    view.include_edit.setPlainText("Peer support workers\nAdults")
    view.exclude_edit.setPlainText("Not mental health\nChildren only")
    view.include_terms_edit.setPlainText("peer\nlived experience")
    view.exclude_terms_edit.setPlainText("mice")
    qtbot.keyClicks(view.reason_edit, "Wrong setting")
    qtbot.mouseClick(view.add_reason_button, Qt.MouseButton.LeftButton)
    view.reasons_view.setCurrentIndex(view.reasons_model.index(2))
    qtbot.mouseClick(view.up_button, Qt.MouseButton.LeftButton)  # now second
    view.per_record["title_abstract"].setCurrentIndex(1)
    view.per_record["title_abstract"].activated.emit(1)
    view.blind_check.setChecked(False)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    assert changed and not view.save_button.isEnabled()
    with Project.open(shell_project) as other:  # what another window would read
        info = other.settings.info()
    assert info.title == "Peer roles: scoping review"
    assert info.question == "What helps peer workers?"
    assert info.include_criteria == ["Peer support workers", "Adults"]
    assert info.exclude_criteria == ["Not mental health", "Children only"]
    assert info.include_terms == ["peer", "lived experience"]
    assert info.exclude_terms == ["mice"]
    assert info.reasons == ["Wrong population", "Wrong setting", "Wrong outcome"]
    assert info.reviewers_per_record == {"title_abstract": 2, "full_text": 1}
    assert info.blind is False
    assert view.reasons_model.index(1).data() == "2   Wrong setting"  # its number key shows


def test_revert_drops_unsaved_edits(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    view = SettingsView(shell_workspace)
    qtbot.addWidget(view)
    view.reasons_view.setCurrentIndex(view.reasons_model.index(0))
    qtbot.mouseClick(view.remove_reason_button, Qt.MouseButton.LeftButton)
    assert view.reasons_model.stringList() == ["Wrong outcome"] and view.dirty
    shell_workspace.data_changed.emit()  # another view's change must not wipe the edit
    assert view.reasons_model.stringList() == ["Wrong outcome"]
    qtbot.mouseClick(view.revert_button, Qt.MouseButton.LeftButton)
    assert view.reasons_model.stringList() == ["Wrong population", "Wrong outcome"]
    assert shell_workspace.project.settings.reasons() == ["Wrong population", "Wrong outcome"]


def test_an_empty_title_is_refused_and_nothing_is_saved(qtbot, monkeypatch, shell_workspace):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: warnings.append(text))
    view = SettingsView(shell_workspace)
    qtbot.addWidget(view)
    view.title_edit.selectAll()
    qtbot.keyClick(view.title_edit, Qt.Key.Key_Delete)
    view.question_edit.setPlainText("changed")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert warnings == ["a project needs a title"]
    info = shell_workspace.project.settings.info()
    assert (info.title, info.question) == ("Peer roles review", "Do peer roles help?")
    assert view.dirty


def test_add_a_reviewer(qtbot, shell_workspace):  # type: ignore[no-untyped-def]
    view = SettingsView(shell_workspace)
    qtbot.addWidget(view)
    qtbot.keyClicks(view.reviewer_name_edit, "carla")
    view.reviewer_role_combo.setCurrentIndex(view.reviewer_role_combo.findData("resolver"))
    qtbot.keyClick(view.reviewer_name_edit, Qt.Key.Key_Return)
    assert [(r.name, r.role) for r in shell_workspace.project.settings.reviewers()] == [
        ("ana", "reviewer"), ("carla", "resolver")]
    assert [view.reviewer_model.index(i).data() for i in range(2)] == ["ana", "carla  (resolver)"]
    assert view.reviewer_name_edit.text() == ""


def test_who_may_resolve_is_a_setting_with_cochranes_advice_at_hand(qtbot, shell_workspace, shell_project):  # type: ignore[no-untyped-def]
    view = SettingsView(shell_workspace)
    qtbot.addWidget(view)
    assert view.resolve_combo.currentData() == "consensus"
    assert "Cochrane" in view.resolve_combo.toolTip()
    view.resolve_combo.setCurrentIndex(view.resolve_combo.findData("resolver"))
    view.resolve_combo.activated.emit(view.resolve_combo.currentIndex())
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    with Project.open(shell_project) as other:
        assert other.settings.info().resolve_policy == "resolver"
    assert not view.owner_note.isVisibleTo(view)


def test_a_reviewer_on_a_strict_server_project_cannot_edit_its_settings(qtbot, postgres, tmp_path):  # type: ignore[no-untyped-def]
    from screener.gui.context import Workspace
    from tests.team import strict_team

    team = strict_team(postgres, tmp_path)
    with team.open("ana") as project:
        view = SettingsView(Workspace(project, team["ana"]))
        qtbot.addWidget(view)
        assert view.owner_note.isVisibleTo(view) and not view.blind_check.isEnabled()
        view.title_edit.setText("Mine now")
        view.title_edit.textEdited.emit("Mine now")
        assert view.dirty and not view.save_button.isEnabled() and not view.add_reviewer_button.isEnabled()
