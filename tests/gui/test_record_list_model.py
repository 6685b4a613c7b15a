"""The record list model: ids only, rows built in blocks as painted, a bounded cache."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from screener.core.project import Project
from screener.gui.record_list_model import RECORD_ID_ROLE, RecordListModel

from .conftest import parsed

N = 3000


def model_over(project: Project, viewer: str = "ana", calls: list[int] | None = None, **kw) -> RecordListModel:  # type: ignore[no-untyped-def]
    def rows(ids: list[int]):  # type: ignore[no-untyped-def]
        if calls is not None:
            calls.append(len(ids))
        return project.records.summaries(ids, "title_abstract", viewer=viewer)

    m = RecordListModel(lambda sort, desc: project.records.ids("title_abstract", sort=sort, descending=desc), rows, **kw)
    m.reload()
    return m


def test_rows_are_built_in_blocks_only_when_asked_for(make_screen_project):
    project = make_screen_project([parsed(i, f"Record {i:05d}") for i in range(1, N + 1)], reviewers=("ana",))
    calls: list[int] = []
    m = model_over(project, calls=calls, block=50, cache_rows=300)
    assert m.rowCount() == N and m.columnCount() == 5
    assert calls == [] and m.cache_size == 0  # nothing built yet
    assert m.index(1234, 1).data() == "Record 01235"
    assert calls == [50]  # the block around the row
    for r in range(1200, 1250):
        m.index(r, 1).data()
        m.index(r, 2).data()
    assert calls == [50]  # served from the cache
    for r in range(0, N, 7):  # a walk over everything
        assert m.index(r, 1).data() == f"Record {r + 1:05d}"
        assert m.cache_size <= 300
    assert len(calls) <= N // 50 + 1
    assert m.rows_built <= N + 50
    assert m.index(5, 0).data(RECORD_ID_ROLE) == 6


def test_scrolling_a_table_through_thousands_of_records_keeps_the_cache_bounded(qtbot, make_screen_project):
    project = make_screen_project([parsed(i, f"Record {i:05d}") for i in range(1, N + 1)], reviewers=("ana",))
    calls: list[int] = []
    m = model_over(project, calls=calls, block=64, cache_rows=512)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.resize(620, 600)  # five columns of 100 px without a horizontal scroll bar
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    visible = view.viewport().height() // view.rowHeight(0) + 1
    step = max(1, visible // 2)
    largest = 0
    for value in range(0, bar.maximum() + 1, step):
        bar.setValue(value)
        view.viewport().repaint()
        largest = max(largest, m.cache_size)
    assert view.indexAt(view.viewport().rect().topLeft()).row() > N - visible - 2  # reached the end
    assert largest <= 512
    assert len(calls) <= N // 64 + 4  # each block fetched about once on the way down
    assert m.rows_built <= N + 2 * 64


def test_remove_refresh_and_sort(make_screen_project):
    records = [parsed(1, "Banana", year=2001), parsed(2, "apple", year=1999), parsed(3, "Cherry", year=2010)]
    project = make_screen_project(records, reviewers=("ana",), required=1)
    m = model_over(project)
    m.sort(1, Qt.SortOrder.AscendingOrder)
    assert m.ids == [2, 1, 3]  # by title, ignoring case
    m.sort(2, Qt.SortOrder.DescendingOrder)
    assert m.ids == [3, 1, 2]
    m.sort(0)  # the status column does not sort: back to import order
    assert m.ids == [1, 2, 3]
    assert m.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Not decided by you"
    project.screening.decide(2, "ana", "include")
    assert m.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Not decided by you"  # cached until refreshed
    m.refresh_id(2)
    assert m.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Your decision: include"
    calls_before = m.fetch_calls
    assert m.remove_id(2) == 1
    assert m.ids == [1, 3] and m.rowCount() == 2
    assert m.index(1, 1).data() == "Cherry"
    assert m.fetch_calls == calls_before  # removing a row queries nothing
    assert m.remove_id(99) == -1
    assert m.insert_id(2) == 1  # an undo puts it back where it belongs
    assert m.ids == [1, 2, 3]
    m.sort(0, Qt.SortOrder.DescendingOrder)
    m.remove_id(2)
    assert m.insert_id(2) == 1 and m.ids == [3, 2, 1]


def test_an_undo_does_not_list_twice_a_record_kept_out_of_its_ranked_place(qapp):  # type: ignore[no-untyped-def]
    m = RecordListModel(lambda sort, desc: [10, 20, 30, 40], lambda ids: [])
    place = {10: 0, 20: 1, 30: 2, 40: 3}
    m.order_key = place.__getitem__
    m.reload()
    assert m.ids == [10, 20, 30, 40]
    # a new ranking puts 40 (the record being read) first; it is kept at its row meanwhile
    place.update({40: 0, 10: 1, 20: 2, 30: 3})
    m.apply_order([40, 10, 20, 30], keep=40)
    assert m.ids == [10, 20, 30, 40]
    assert m.insert_id(40) == 3  # undone while still listed: found, not added again
    assert m.ids == [10, 20, 30, 40] and m.rowCount() == 4
    m.remove_id(20)
    assert m.insert_id(20) == 1 and m.ids == [10, 20, 30, 40]  # one that left comes back once
