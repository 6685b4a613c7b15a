"""Finding records: search (full-text index), tag and status filters, sorting by header."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from screener.gui.context import Workspace
from screener.gui.screen_view import ScreenView

from .conftest import parsed

RECORDS = [
    parsed(1, "Peer support workers in psychiatric wards", authors=["Zed, A."], year=2019),
    parsed(2, "Nurse-led medication reviews", "Medication review by nurses in primary care.",
           authors=["Moran, G."], year=2021),
    parsed(3, "Self-disclosure by peer workers", authors=["Abel, B."], year=2015),
    parsed(4, "Housing first for homeless adults", "A trial of housing first.", authors=["Kim, C."], year=2023),
]


def test_slash_focuses_search_and_typing_filters_the_list(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    qtbot.keyClick(view.table, Qt.Key.Key_Slash)
    qtbot.keyClicks(view.filters.search, "medicat")  # a prefix, as the reviewer types
    view.filters.flush()
    assert view.model.ids == [2]
    assert view.pane.record_id == 2
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Return)  # back to the list to decide
    assert view.table.hasFocus()
    view.filters.search.setText("peer workers")
    view.filters.flush()
    assert view.model.ids == [1, 3]
    view.filters.search.setText("zebra")
    view.filters.flush()
    assert view.model.rowCount() == 0
    assert "No records match the filter" in view.empty_text()
    qtbot.mouseClick(view.empty.button, Qt.MouseButton.LeftButton)  # "Clear filter"
    assert view.filters.search.text() == ""
    assert view.model.ids == [1, 2, 3, 4]


def test_tag_and_status_filters(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.pane.tags.setText("peer, maybe later")
    view.pane.tags.editingFinished.emit()
    assert project.records.detail(1).tags == ["maybe later", "peer"]
    assert view.filters.tag_combo.findData("peer") > 0
    view.filters.tag_combo.setCurrentIndex(view.filters.tag_combo.findData("peer"))
    assert view.model.ids == [1]
    view.filters.tag_combo.setCurrentIndex(0)
    qtbot.keyClick(view.table, Qt.Key.Key_E)  # record 1 excluded, now gone from My queue
    view.filters.set_view("all", "excluded")
    assert view.model.ids == [1]
    view.filters.set_view("all", "undecided")
    assert view.model.ids == [2, 3, 4]


def test_header_click_sorts_by_year_title_and_first_author(qtbot, make_screen_project, show_view):
    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    header = view.table.horizontalHeader()

    def click(column: int) -> list[int]:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(column) + 5, 5))
        return list(view.model.ids)

    assert click(2) == [3, 1, 2, 4]  # year ascending
    assert click(2) == [4, 2, 1, 3]  # again: descending
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert click(1) == [4, 2, 1, 3]  # title: Housing, Nurse, Peer, Self
    assert click(3) == [3, 4, 2, 1]  # first author: Abel, Kim, Moran, Zed
    assert click(3) == [1, 2, 4, 3]
    assert click(3) == [1, 2, 3, 4]  # a third click: back to the order of import
    assert header.sortIndicatorSection() == -1
    assert view.pane.record_id == 1  # the record being read stays selected across sorts
    assert view.current_id() == 1


def test_a_search_narrows_the_list_as_the_project_would_list_it(qtbot, make_screen_project, show_view):
    """A search narrows the list already read (no query of the list): with filters, decisions
    made meanwhile and a sort, it shows what a fresh query shows; an undo brings a record back."""
    from screener.core.services.record_filters import RecordFilter

    project = make_screen_project(RECORDS, reviewers=("ana",), required=1)
    view = show_view(ScreenView(Workspace(project, "ana")))
    view.filter_panel.set_filter(RecordFilter.from_dict({"year_from": 2016}))
    view.filter_panel.changed.emit()
    assert view.model.ids == [1, 2, 4]

    def fresh(search: str) -> list[int]:
        return project.records.ids("title_abstract", view="my_queue", reviewer="ana", search=search or None,
                                   filters=view.list_filter(), sort=view.model.sort_key,
                                   descending=view.model.descending)

    for query in ("peer", "nurse", "a", "zebra", ""):
        view.filters.search.setText(query)
        view.filters.flush()
        assert view.model.ids == fresh(query), query
    view.filters.search.setText("")
    view.filters.flush()
    qtbot.keyClick(view.table, Qt.Key.Key_E)  # record 1 leaves My queue
    view.filters.search.setText("peer")
    view.filters.flush()
    assert view.model.ids == [] == fresh("peer")  # the decided record does not come back
    view.filters.search.setText("")
    view.filters.flush()
    assert view.model.ids == [2, 4] == fresh("")
    view._sort_clicked(1)  # by title: Housing, Nurse
    assert view.model.ids == [4, 2] == fresh("")
    assert view.pane.record_id == view.current_id()
    view.filters.search.setText("nurse")
    view.filters.flush()
    assert view.model.ids == [2] == fresh("nurse")
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # record 1 is back
    view.filters.search.setText("")
    view.filters.flush()
    assert view.model.ids == [4, 2, 1] == fresh("")  # Housing, Nurse, Peer
