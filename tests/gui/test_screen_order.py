"""The Screen tab's order: relevance once there is an include and an exclude (retrained in
the background, decisions coalesced, the record being read never jumping), file order, random
order; in a blind project the model learns only from the reviewer's own decisions."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from screener.core.services.queue_order import random_order
from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView
from tests.gui.conftest import parsed

DATA = Path(__file__).parent.parent / "data" / "ranking"
INCLUDED = {int(x) for x in (DATA / "kitchenham_300_included.txt").read_text().split()}


def kitchenham(n: int = 300) -> list:  # type: ignore[type-arg]
    """The first ``n`` records of tests/data/ranking/kitchenham_300.ris (ids 1..n)."""
    out, fields = [], {}
    for line in (DATA / "kitchenham_300.ris").read_text(encoding="utf-8").splitlines():
        if line.startswith(("TI  - ", "AB  - ")):
            fields[line[:2]] = line[6:]
        elif line.startswith("ER  -"):
            out.append(parsed(len(out) + 1, fields.get("TI", ""), fields.get("AB", "")))
            fields = {}
    return out[:n]


@pytest.fixture
def open_view(qtbot, show_view):  # type: ignore[no-untyped-def]
    views: list[ScreenView] = []

    def open_(project, reviewer: str = "ana") -> ScreenView:  # type: ignore[no-untyped-def]
        view = show_view(ScreenView(Workspace(project, reviewer)))
        views.append(view)
        return view

    yield open_
    for view in views:
        view.workspace.runner.wait()
        view.order.process.close()


def settle(qtbot, view: ScreenView) -> None:  # type: ignore[no-untyped-def]
    """Wait until the ranking jobs started (and those coalesced behind them) have ended."""
    qtbot.waitUntil(lambda: not view.order.running and not view.order.pending, timeout=60_000)


def choose_by_keyboard(qtbot, view: ScreenView, label: str) -> None:  # type: ignore[no-untyped-def]
    """Alt+O reaches the order box; arrows pick an order, as a keyboard user does."""
    qtbot.keyClick(view.table, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    combo = view.order.bar.combo
    assert QApplication.focusWidget() is combo
    target = combo.findText(label)
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # back to the list
    assert QApplication.focusWidget() is view.table


def decide(qtbot, view: ScreenView, rid: int, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    view.select_row(view.model.row_of(rid))
    qtbot.keyClick(view.table, key)


def mean_place(ids: list[int]) -> float:
    return statistics.mean(i for i, rid in enumerate(ids) if rid in INCLUDED)


def test_relevance_starts_after_one_include_and_one_exclude_and_says_what_it_rests_on(
        qtbot, make_screen_project, open_view) -> None:  # type: ignore[no-untyped-def]
    view = open_view(make_screen_project(kitchenham()))
    assert view.order.bar.note.text() == "Not ranked: in the order the records were imported."
    assert view.order.status.text() == "file order"
    choose_by_keyboard(qtbot, view, "Relevance")
    settle(qtbot, view)
    assert view.order.bar.note.text() == ("Not ranked yet: relevance starts after one include and one exclude "
                                          "among your decisions (0 includes so far, 0 excludes).")
    assert view.order.status.text() == "not ranked yet: needs one include and one exclude"
    first = min(INCLUDED)
    decide(qtbot, view, first, Qt.Key.Key_I)
    settle(qtbot, view)
    assert "(1 include so far, 0 excludes)" in view.order.bar.note.text()
    assert view.model.ids == [i for i in range(1, 301) if i != first]  # not ranked: file order
    file_place = mean_place(view.model.ids)

    with qtbot.waitSignal(view.order.applied, timeout=60_000):
        decide(qtbot, view, 1, Qt.Key.Key_E)
        reading, row = view.pane.record_id, view.table.currentIndex().row()
    assert view.current_id() == view.pane.record_id == reading  # the first ranking moves nothing read
    assert view.table.currentIndex().row() == row
    settle(qtbot, view)
    assert view.order.status.text() == "ranked by relevance · trained on 2 decisions (1 include)"
    assert view.order.bar.note.text() == "Most likely relevant first."
    assert sorted(view.model.ids) == [i for i in range(1, 301) if i not in (first, 1)]
    assert mean_place(view.model.ids[1:]) < 0.75 * file_place  # the likely includes come first
    assert view.model.rowCount() == 298  # automation orders, it never decides


def test_decisions_made_while_it_trains_are_coalesced_and_the_record_read_never_jumps(
        qtbot, make_screen_project, open_view) -> None:  # type: ignore[no-untyped-def]
    view = open_view(make_screen_project(kitchenham()))
    decide(qtbot, view, min(INCLUDED), Qt.Key.Key_I)
    decide(qtbot, view, 1, Qt.Key.Key_E)
    view.order.set_mode("relevance")
    settle(qtbot, view)
    jobs = view.order.jobs
    view.select_row(0)
    for _ in range(10):  # back to back: the first starts a retrain, the other nine wait as one
        qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert view.order.running and view.order.pending
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.keyClick(view.table, Qt.Key.Key_J)  # reading the record two rows further down
    reading, row = view.current_id(), view.table.currentIndex().row()
    with qtbot.waitSignal(view.order.applied, timeout=60_000):
        pass
    assert view.current_id() == reading and view.pane.record_id == reading
    assert view.table.currentIndex().row() == row
    settle(qtbot, view)
    assert view.order.jobs - jobs == 2  # ten decisions, two retrains
    assert view.order.status.text() == "ranked by relevance · trained on 12 decisions (1 include)"
    assert view.current_id() == reading and view.table.currentIndex().row() == row
    qtbot.keyClick(view.table, Qt.Key.Key_I)  # the next record shown is the next in the new order
    assert view.pane.record_id == view.model.id_at(row)


def test_in_a_blind_project_the_model_learns_only_from_the_reviewers_own_decisions(
        qtbot, make_screen_project, open_view) -> None:  # type: ignore[no-untyped-def]
    project = make_screen_project(kitchenham(), reviewers=("ana", "ben"), required=1)
    ben = open_view(project, "ben")
    for rid in sorted(INCLUDED)[:4]:
        decide(qtbot, ben, rid, Qt.Key.Key_I)
    for rid in (1, 2, 4, 5):
        decide(qtbot, ben, rid, Qt.Key.Key_E)
    ben.close()

    ana = open_view(project, "ana")
    ana.filters.set_view("all")
    ana.order.set_mode("relevance")
    settle(qtbot, ana)
    assert ana.model.ids == list(range(1, 301))  # ben's decisions do not order ana's list
    assert "among your decisions (0 includes so far, 0 excludes)" in ana.order.bar.note.text()

    project.settings.update(blind=False)  # not blind: the final decisions (ben's, one needed) teach
    ana.workspace.data_changed.emit()
    settle(qtbot, ana)
    assert ana.order.status.text() == "ranked by relevance · trained on 8 decisions (4 includes)"
    assert ana.model.ids != list(range(1, 301))


def test_random_order_is_seeded_and_says_it_is_not_ranked(qtbot, make_screen_project, open_view) -> None:  # type: ignore[no-untyped-def]
    view = open_view(make_screen_project(40))
    choose_by_keyboard(qtbot, view, "Random")
    with qtbot.waitSignal(view.order.applied, timeout=20_000):
        pass
    assert view.model.ids == random_order(list(range(1, 41)), 1)  # as `records --order random`
    assert view.order.bar.note.text().startswith("Not ranked: random order (seed 1)")
    assert view.order.status.text() == "random order (seed 1)"
    assert view.pane.record_id == view.current_id()
    rid = view.current_id()
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.model.ids == random_order(list(range(1, 41)), 1)  # the undone record is back in its place
    assert view.pane.record_id == rid
    choose_by_keyboard(qtbot, view, "File order")
    assert view.model.ids == list(range(1, 41))


def test_each_reviewer_finds_the_order_they_chose_last_time(qtbot, make_screen_project, open_view) -> None:  # type: ignore[no-untyped-def]
    project = make_screen_project(20)
    view = open_view(project, "ana")
    choose_by_keyboard(qtbot, view, "Random")
    settle(qtbot, view)
    view.close()
    again = open_view(project, "ana")
    qtbot.waitUntil(lambda: again.order.mode == "random")
    assert again.order.bar.combo.currentText() == "Random"
    settle(qtbot, again)
    assert again.model.ids == random_order(list(range(1, 21)), 1)
    again.workspace.reviewer = "ben"  # ben never chose: file order
    assert again.order.mode == "file" and again.model.ids == list(range(1, 21))


def test_the_first_ranking_shows_its_progress_and_cancel_keeps_what_was_built(
        qtbot, make_screen_project, open_view) -> None:  # type: ignore[no-untyped-def]
    titles = [r.title for r in kitchenham()]
    project = make_screen_project([f"{titles[i % 300]} (study {i})" for i in range(5000)])
    project.screening.decide(1, "ana", "include", "title_abstract")
    project.screening.decide(2, "ana", "exclude", "title_abstract")
    view = open_view(project)
    view.order.set_mode("relevance")
    # the features are read and built in parts of 2,000 records, the status line says how far
    qtbot.waitUntil(lambda: view.order.status.text().startswith("preparing relevance ranking… "), timeout=60_000)
    assert view.order.cancel_button.isVisible()
    qtbot.mouseClick(view.order.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.order.running, timeout=60_000)
    assert view.order.mode == "file" and view.order.bar.combo.currentText() == "File order"
    assert view.order.status.text() == "file order" and not view.order.cancel_button.isVisible()
    assert view.order.bar.note.text().startswith("Relevance ranking cancelled")
    assert view.model.ids == list(range(3, 5001))
    assert 0 < view.order.process.built < 5000  # cancelled part way
    view.order.set_mode("relevance")
    with qtbot.waitSignal(view.order.applied, timeout=120_000):
        pass
    assert view.order.process.built == 5000  # then the rest only, not all again
    assert view.order.status.text() == "ranked by relevance · trained on 2 decisions (1 include)"
