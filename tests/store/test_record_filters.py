"""Filters on the record list, on both backends, over real exports: each filter alone
against the records' own data, filters combined, the counts beside each filter's values,
and what a blind reviewer may see of final status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.core.services.record_filters import RecordFilter, shown_status
from screener.types import ScreenerError, run_work
from tests.factories import new_project

DATA = Path(__file__).parent.parent / "data" / "ris"
BATCHES = [
    ("scopus__asreview.ris", "Scopus"),
    ("embase__asreview.ris", "Embase"),
    ("wos__asreview.ris", "Web of Science"),
    ("scopus_issue1099__asreview.ris", "Scopus"),
    ("jstor_anonymised__colrev.ris", "JSTOR"),
]


@pytest.fixture
def project(project_target: str, tmp_path: Path) -> Project:  # type: ignore[misc]
    p = new_project(project_target)  # ana and ben, two per record, blind
    for name, source in BATCHES:
        run_work(p.imports.import_files([DATA / name], source=source))
    ids = p.records.ids()
    # final statuses of every kind among the first records
    for rid, (a, b) in zip(ids, [("include", "include"), ("exclude", "exclude"), ("include", "exclude"),
                                 ("maybe", None), ("exclude", None), (None, "include")], strict=False):
        if a:
            p.screening.decide(rid, "ana", a)
        if b:
            p.screening.decide(rid, "ben", b)
    p.labels.set_labels(["RCT", "Adults", "Check later"])
    p.labels.toggle(ids[0], "ana", "RCT")
    p.labels.toggle(ids[7], "ana", "RCT")
    p.labels.toggle(ids[8], "ben", "RCT")  # ben's own: ana does not see it in a blind project
    p.labels.toggle(ids[9], "ana", "Adults")
    p.records.set_tags(ids[2], ["to discuss"])
    p.records.set_tags(ids[12], ["to discuss", "methods"])
    yield p
    p.close()


def details(p: Project, viewer: str = "ana") -> list:  # type: ignore[type-arg]
    return [p.records.detail(rid, viewer=viewer) for rid in p.records.ids()]


def only(p: Project, viewer: str = "ana", view: str = "all", **parts: object) -> list[int]:
    return p.records.ids(view=view, reviewer=viewer, filters=RecordFilter(**parts))  # type: ignore[arg-type]


def test_batch_and_source_filters_keep_exactly_those_records(project: Project) -> None:
    every = details(project)
    batches = {b.source: b.id for b in project.imports.batches()}  # the last of each source
    assert only(project, batches=(batches["Embase"],)) == [d.record_id for d in every if d.source == "Embase"]
    both = only(project, sources=("Scopus", "Web of Science"))
    assert both == [d.record_id for d in every if d.source in ("Scopus", "Web of Science")]
    assert len(both) == 6 + 7 + 10  # two Scopus batches, one Web of Science
    assert only(project, batches=(batches["JSTOR"], batches["Embase"])) == [
        d.record_id for d in every if d.source in ("JSTOR", "Embase")]


def test_year_range_is_inclusive_at_both_ends_and_leaves_out_records_without_a_year(project: Project) -> None:
    every = details(project)
    assert only(project, year_from=2014, year_to=2019) == [
        d.record_id for d in every if d.year is not None and 2014 <= d.year <= 2019]
    assert only(project, year_from=2020) == [d.record_id for d in every if d.year is not None and d.year >= 2020]
    assert only(project, year_to=2004) == [d.record_id for d in every if d.year is not None and d.year <= 2004]
    with pytest.raises(ScreenerError, match="empty"):
        RecordFilter(year_from=2020, year_to=2010)


def test_record_type_filter_takes_any_of_the_types_given(project: Project) -> None:
    every = details(project)
    got = only(project, types=("BOOK", "CHAP", "RPRT"))
    assert got == [d.record_id for d in every if d.type in ("BOOK", "CHAP", "RPRT")]
    assert len(got) == 3


def test_my_decision_filter_is_my_own_decision_only(project: Project) -> None:
    every = details(project)
    mine = {d.record_id: next((x.decision for x in d.decisions if x.reviewer == "ana"), "none") for d in every}
    for word in ("include", "exclude", "maybe", "none"):
        assert only(project, mine=(word,)) == [rid for rid, m in mine.items() if m == word], word
    assert only(project, mine=("include", "maybe")) == [rid for rid, m in mine.items() if m in ("include", "maybe")]
    # ben's decision on a record ana has not decided is not "mine" for ana
    ids = project.records.ids()
    assert ids[5] in only(project, mine=("none",))


def test_final_status_filter_and_what_a_blind_reviewer_may_see(project: Project) -> None:
    ids = project.records.ids()
    expected_ana = {"included": [ids[0]], "excluded": [ids[1]], "conflict": [ids[2]],
                    "pending": [ids[3], ids[4]]}
    for word, want in expected_ana.items():
        assert only(project, final=(word,)) == want, word
    # ben decided nothing on records 4 and 5: for him they are undecided, not pending
    assert only(project, "ben", final=("pending",)) == [ids[5]]
    assert ids[3] in only(project, "ben", final=("undecided",))
    assert ids[5] in only(project, final=("undecided",))  # ana has not decided it; ben has
    # nobody's viewer (the owner's tables): pending means someone decided
    assert project.records.ids(filters=RecordFilter(final=("pending",))) == [ids[3], ids[4], ids[5]]
    assert shown_status("undecided", 1, None, blind=True) == "undecided"
    assert shown_status("conflict", 2, None, blind=True) == "undecided"
    assert shown_status("conflict", 2, "include", blind=True) == "conflict"
    assert shown_status("undecided", 1, None, blind=False) == "pending"


def test_tag_and_label_filters(project: Project) -> None:
    ids = project.records.ids()
    assert only(project, tags=("to discuss",)) == [ids[2], ids[12]]
    assert only(project, tags=("methods", "nonexistent")) == [ids[12]]
    assert only(project, labels=("RCT",)) == [ids[0], ids[7]]  # not ben's
    assert only(project, "ben", labels=("RCT",)) == [ids[8]]
    project.settings.update(blind=False)
    assert only(project, labels=("RCT",)) == [ids[0], ids[7], ids[8]]


def test_full_text_search_filter(project: Project) -> None:
    every = details(project)
    # every word of the search, the last one as a prefix, in title, abstract, authors or keywords
    want = [d.record_id for d in every
            if re.search(r"\bbowel", " ".join([d.title, d.abstract, *d.authors, *d.keywords]).lower())]
    assert want and only(project, search="bowel") == want


def test_filters_combine_with_each_other_with_my_queue_and_with_sorting(project: Project) -> None:
    every = {d.record_id: d for d in details(project)}
    got = only(project, sources=("Web of Science", "Embase"), year_from=2016)
    assert got == [rid for rid, d in every.items()
                   if d.source in ("Web of Science", "Embase") and d.year is not None and d.year >= 2016]
    queue = project.records.ids(view="my_queue", reviewer="ana")
    in_queue = only(project, view="my_queue", sources=("Scopus",))
    assert in_queue == [rid for rid in queue if every[rid].source == "Scopus"]
    by_year = project.records.ids(reviewer="ana", sort="year", filters=RecordFilter(sources=("Web of Science",)))
    assert sorted(by_year) == only(project, sources=("Web of Science",))
    years = [every[rid].year for rid in by_year]
    assert years == sorted(years)


def test_counts_beside_each_filter_follow_the_other_filters(project: Project) -> None:
    f = RecordFilter(sources=("Web of Science",), final=("undecided",))
    counts = project.records.filter_counts("title_abstract", f, reviewer="ana")
    # the source counts ignore the source filter itself but keep the status filter
    for source, n in counts["sources"].items():
        assert n == len(only(project, sources=(source,), final=("undecided",))), source
    for word, n in counts["final"].items():
        assert n == len(only(project, sources=("Web of Science",), final=(word,))), word
    for year, n in counts["year"].items():
        if year is not None:
            assert n == len(only(project, sources=("Web of Science",), final=("undecided",),
                                 year_from=year, year_to=year))
    assert sum(counts["mine"].values()) == len(only(project, sources=("Web of Science",), final=("undecided",)))


def test_filters_kept_as_settings_are_checked_not_believed() -> None:
    f = RecordFilter(batches=(1, 2), year_from=2010, final=("pending",), search="peer")
    assert RecordFilter.from_dict(f.to_dict()) == f
    hostile = {"batches": [1, "2; DROP TABLE record", True], "final": ["pending", "everything"],
               "year_from": "2010", "year_to": 1999, "tags": "not a list", "unknown": 1}
    clean = RecordFilter.from_dict(hostile)
    assert clean == RecordFilter(batches=(1,), final=("pending",), year_to=1999)
    assert RecordFilter.from_dict({"year_from": 2020, "year_to": 2010}) == RecordFilter()


@pytest.mark.parametrize("view", ["all", "my_queue"])
def test_every_count_agrees_with_the_list_when_every_filter_is_in_use(project: Project, view: str) -> None:
    ids = project.records.ids()
    project.bulk.tag(ids[:9], "checked", "ana")
    broad = RecordFilter(sources=("Scopus", "Embase", "Web of Science", "JSTOR"), year_from=1990, year_to=2030,
                         types=("JOUR", "BOOK", "CHAP", "RPRT"), mine=("include", "exclude", "maybe", "none"),
                         final=("undecided", "pending", "conflict", "included", "excluded"),
                         batches=tuple(b.id for b in project.imports.batches()))
    narrow = RecordFilter(tags=("checked", "to discuss"), labels=("RCT", "Adults"), search="the",
                          final=("undecided", "pending", "included"))
    for f in (broad, narrow):
        counts = project.records.filter_counts("title_abstract", f, view=view, reviewer="ana")
        for part, values in counts.items():
            for value, n in values.items():
                if part == "year":
                    if value is None:
                        continue
                    alone = RecordFilter.from_dict({**f.to_dict(), "year_from": value, "year_to": value})
                else:
                    alone = RecordFilter.from_dict({**f.to_dict(), part: [value]})
                assert n == len(project.records.ids(view=view, reviewer="ana", filters=alone)), (part, value)
        listed = project.records.ids(view=view, reviewer="ana", filters=f)
        assert sum(counts["final"].get(w, 0) for w in f.final) == len(listed)
