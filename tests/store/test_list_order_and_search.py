"""A list already read is put in a column's order (``records.in_order``) and narrowed by a
search (``records.matching``) without being queried again: both give what a fresh query of
the list gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from screener.core.services.record_filters import RecordFilter
from tests.factories import add_batch, make_record, new_project

TITLES = ["zebra crossings and peer recovery", "Apple orchards", "apple Pie recovery", "Mental health peers",
          "", "Recovery colleges", "peer-led recovery groups", "Zebra stripes"]


def test_order_and_search_of_a_list_read_once_match_a_fresh_query(project_target: str, tmp_path: Path) -> None:
    project = new_project(project_target, reviewers=("ana", "ben"))
    add_batch(project, [make_record(i + 1, title=t, authors=[f"{'BcAa'[i % 4]}uthor{i}, A."], year=2000 + i % 3,
                                    abstract=f"Abstract {i}." + (" Recovery oriented." if i % 2 else ""))
                        for i, t in enumerate(TITLES)], tmp=tmp_path)
    project.screening.decide(2, "ana", "include")
    f = RecordFilter.from_dict({"year_from": 2001})
    listed = project.records.ids("title_abstract", view="my_queue", reviewer="ana", filters=f)
    assert 2 not in listed and listed
    for sort in ("title", "first_author", "year", "id"):
        for descending in (False, True):
            assert project.records.in_order(listed, sort, descending) == project.records.ids(
                "title_abstract", view="my_queue", reviewer="ana", filters=f, sort=sort,
                descending=descending), (sort, descending)
    for query in ("recov", "peer recovery", "zebra", "apple pie", "nothing here", "a"):
        hits = project.records.matching(query)
        assert hits is not None
        narrowed = [i for i in listed if i in set(hits.tolist())]
        assert narrowed == project.records.ids("title_abstract", view="my_queue", reviewer="ana", filters=f,
                                               search=query), query
    assert project.records.matching("  ") is None
    project.close()
