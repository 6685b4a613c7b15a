"""A strict team project in the window: you are the reviewer your login role is."""

from __future__ import annotations

from pathlib import Path

from screener.gui import reviewer_dialog
from tests.team import strict_team

pytest_plugins = ["tests.gui.shell_support"]


def test_the_window_screens_as_the_reviewer_the_login_is(qtbot, window, postgres, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         monkeypatch) -> None:
    team = strict_team(postgres, tmp_path)

    def no_dialog(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a strict project must not ask who is screening")

    monkeypatch.setattr(reviewer_dialog, "choose_reviewer", no_dialog)
    assert window.start_workspace(team.open("bob"), team["ana"])  # a stale name is not taken
    assert window.workspace.reviewer == team["bob"]
    window.workspace.project.screening.decide(1, window.workspace.reviewer, "include")
    with team.open() as owner:
        assert [d.reviewer for d in owner.screening.decisions_of(1)] == [team["bob"]]


def test_switching_reviewer_on_a_strict_project_says_why_it_cannot(qtbot, window, postgres, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    team = strict_team(postgres, tmp_path)
    assert window.start_workspace(team.open("ana"))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: said.append(text))
    monkeypatch.setattr(reviewer_dialog, "choose_reviewer", lambda *a, **k: team["bob"])
    window.switch_reviewer()
    assert window.workspace.reviewer == team["ana"]
    assert said and f"you are {team['ana']}, the reviewer you logged in as" in said[0]
