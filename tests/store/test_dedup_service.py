"""Deduplication through the service, on both backends: automatic merges in which every
pair is certain, across runs too; manual merges and their undoing; bulk verdicts and
their undoing; inspecting a merge; the Duplicates tab's overview; matching new records."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ParsedRecord, ScreenerError, run_work
from tests.factories import add_batch, make_record, new_project

TITLE = "Peer support for people with psychosis in community mental health services"
AUTHORS = ["Moran, Galia S.", "Russinova, Zlatka", "Gidugu, Vasudha"]


def article(i: int, **fields: object) -> ParsedRecord:
    values: dict[str, object] = {"title": TITLE, "authors": AUTHORS, "year": 2012, "journal": "Psychiatric Services",
                                 "volume": "63", "issue": "10", "pages": "1002-1010"}
    values.update(fields)
    return make_record(i, **values)


def erratum_in_embase(i: int) -> ParsedRecord:
    """Embase indexes an erratum under the article's own title, type Erratum (in M3)."""
    record = article(i, pages="1300", issue="12", doi="10.1/erratum")
    record.raw = [("TY", "JOUR"), ("T1", TITLE), ("M3", "Erratum"), ("DO", "10.1/erratum")]
    return record


@pytest.fixture
def project(project_target: str):  # type: ignore[no-untyped-def]
    p = new_project(project_target, per_record=1)
    yield p
    p.close()


def groups(project: Project) -> list[list[int]]:
    found: dict[int, list[int]] = {}
    for m in project.dedup.merged():
        found.setdefault(m.canonical_id, [m.canonical_id]).append(m.record_id)
    return sorted(sorted(g) for g in found.values())


def test_certain_duplicates_merge_and_a_notice_never_joins_its_article(project: Project, tmp_path: Path) -> None:
    add_batch(project, [
        article(1, doi="10.1/original"),
        article(2, title=TITLE.upper() + ".", authors=["Moran GS", "Russinova Z", "Gidugu V"], pages="1002-10"),
        article(3, title="Correction to: " + TITLE, pages="1300", issue="12", doi="10.1/erratum"),
        erratum_in_embase(4),
        article(5, title=TITLE + " (vol 63, pg 1002, 2012)", pages="1300", issue="12"),
        make_record(6),
    ], tmp=tmp_path)
    summary = run_work(project.dedup.run())
    assert summary.merged == 3
    assert groups(project) == [[1, 2], [3, 4, 5]]
    for rid in (1, 2, 3, 4, 5, 6):  # merged records are duplicates at every stage, the others not
        status = project.records.detail(rid).status
        assert (status["title_abstract"] == "duplicate") == (rid in (2, 4, 5)), (rid, status)
        assert (status["full_text"] == "duplicate") == (rid in (2, 4, 5)), (rid, status)
    assert [r.record_id for r in project.records.listing(status="duplicate")] == [2, 4, 5]
    assert run_work(project.dedup.run()).merged == 0  # a second run changes nothing
    assert groups(project) == [[1, 2], [3, 4, 5]]
    history = [e.kind for e in project.history.history(2)]
    assert history.count("merge") == 1


def test_a_new_record_joins_a_group_only_if_certain_with_every_member(project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1), article(2, pages="")], tmp=tmp_path)
    run_work(project.dedup.run())
    assert groups(project) == [[1, 2]]
    # certain with 2 (no pages there) but not with 1 (other pages, no journal)
    add_batch(project, [article(3, pages="1100", journal="")], file_name="second.ris", tmp=tmp_path)
    summary = run_work(project.dedup.run())
    assert summary.merged == 0
    assert groups(project) == [[1, 2]]
    assert any(3 in (a, b) for a, b, _ in summary.candidates)


def test_two_merged_groups_joined_later_keep_pointing_at_one_canonical_record(
        project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1), article(2), article(3, title=TITLE + ": a qualitative study"),
                        article(4, title=TITLE + ": a qualitative study")], tmp=tmp_path)
    project.dedup.mark(1, 2, True)
    project.dedup.mark(3, 4, True)
    project.dedup.mark(2, 4, True)
    merged = {m.record_id: m.canonical_id for m in project.dedup.merged()}
    assert merged == {2: 1, 3: 1, 4: 1}


def test_mark_as_duplicate_of_keeps_the_chosen_record_and_an_unmerged_pair_merges_again(
        project: Project, tmp_path: Path) -> None:
    add_batch(project, [make_record(1), make_record(2), make_record(3)], tmp=tmp_path)
    project.dedup.mark(1, 3, True, keep=3)
    assert project.records.detail(1).duplicate_of == 3
    assert project.records.detail(1).status["title_abstract"] == "duplicate"
    assert project.dedup.unmerge(1) == [1]
    assert project.records.detail(1).duplicate_of is None
    project.dedup.mark(3, 1, True, keep=3)  # separated before, merged again
    assert project.records.detail(1).duplicate_of == 3
    with pytest.raises(ScreenerError, match="not one of the pair"):
        project.dedup.mark(1, 2, True, keep=3)
    with pytest.raises(ScreenerError, match="no record 99"):
        project.dedup.mark(1, 99, True)


def test_unmerge_of_a_canonical_record_is_undone_by_remerge(project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1), article(2), article(3, pages="1002"), make_record(4)], tmp=tmp_path)
    run_work(project.dedup.run())
    assert groups(project) == [[1, 2, 3]]
    separated = project.dedup.unmerge(1)
    assert separated == [2, 3] and groups(project) == []
    run_work(project.dedup.run())  # the separated pairs are remembered: 1 stays apart
    assert groups(project) == [[2, 3]]
    project.dedup.remerge(1, separated)
    assert groups(project) == [[1, 2, 3]]
    assert [m.how for m in project.dedup.merged()] == ["manual", "manual"]


def test_bulk_accept_and_reject_by_score_are_undone_exactly(project: Project, tmp_path: Path) -> None:
    add_batch(project, [
        article(1, pages="", journal=""), article(2, pages="", journal="", volume="", issue="", year=2013),
        article(3, title="Housing first for adults with psychosis", authors=["Kim C"], doi="10.1/c"),
        article(4, title="A randomised trial of supported housing", authors=["Kim C"], doi="10.1/c"),
        make_record(5),
    ], tmp=tmp_path)
    run_work(project.dedup.run())
    pairs = {(p.record_a, p.record_b): p.score for p in project.dedup.candidates()}
    assert set(pairs) == {(1, 2), (3, 4)}
    threshold = (pairs[(1, 2)] + pairs[(3, 4)]) / 2
    high, low = ((1, 2), (3, 4)) if pairs[(1, 2)] > pairs[(3, 4)] else ((3, 4), (1, 2))

    accepted = project.dedup.accept_from(threshold)
    assert accepted.pairs == (high,) and accepted.merged == 1
    assert [(m.record_id, m.canonical_id) for m in project.dedup.merged()] == [(high[1], high[0])]
    rejected = project.dedup.reject_below(threshold)
    assert rejected.pairs == (low,)
    assert project.dedup.candidates() == []

    project.dedup.undo_bulk(rejected)
    project.dedup.undo_bulk(accepted)
    assert project.dedup.merged() == []
    assert {(p.record_a, p.record_b) for p in project.dedup.candidates()} == {(1, 2), (3, 4)}
    assert project.records.detail(high[1]).status["title_abstract"] == "undecided"


def test_undoing_a_bulk_accept_is_refused_once_those_records_changed(project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1, pages="", journal=""),
                        article(2, pages="", journal="", volume="", issue="", year=2013)], tmp=tmp_path)
    run_work(project.dedup.run())
    accepted = project.dedup.accept_from(0.0)
    project.dedup.unmerge(2)
    with pytest.raises(ScreenerError, match="since"):
        project.dedup.undo_bulk(accepted)


def test_a_merge_can_be_inspected(project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1, doi="10.1/x"), article(2, doi="10.1/x", title=TITLE + "."), make_record(3),
                        make_record(4)], tmp=tmp_path)
    run_work(project.dedup.run())
    detail = project.dedup.merge_detail(2, 1)
    assert (detail.record_id, detail.canonical_id, detail.verdict, detail.how) == (2, 1, "certain", "auto")
    assert detail.score >= 0.95 and detail.rule and detail.at is not None
    (merged,) = project.dedup.merged()
    assert merged.how == "auto" and merged.score is not None and merged.score >= 0.95
    project.dedup.mark(3, 4, True, reviewer="ana")
    manual = project.dedup.merge_detail(4, 3)
    assert (manual.how, manual.reviewer) == ("manual", "ana") and manual.verdict != "certain"


def test_overview_counts_the_automatic_merges_since_the_last_import(project: Project, tmp_path: Path) -> None:
    assert project.dedup.overview().imported is False
    add_batch(project, [article(1), article(2), make_record(3), make_record(4)], tmp=tmp_path)
    run_work(project.dedup.run())
    project.dedup.mark(3, 4, True)
    overview = project.dedup.overview()
    assert (overview.merged_since_import, overview.merged_total, overview.open_pairs) == (1, 2, 0)
    add_batch(project, [make_record(5)], file_name="second.ris", tmp=tmp_path)
    assert project.dedup.overview().merged_since_import == 0


def test_pick_finds_records_by_words_or_id(project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1), make_record(2), make_record(3)], tmp=tmp_path)
    assert [h.record_id for h in project.dedup.pick("psychosis community")] == [1]
    assert [h.record_id for h in project.dedup.pick("#3")] == [3]
    assert [h.record_id for h in project.dedup.pick("2")] == [2]
    assert project.dedup.pick("   ") == []


def test_new_records_are_matched_against_existing_ones_only(project: Project, tmp_path: Path) -> None:
    add_batch(project, [article(1), article(2), make_record(3)], tmp=tmp_path)  # 1 and 2: never compared yet
    add_batch(project, [make_record(4), make_record(5)], file_name="update.ris", tmp=tmp_path)
    assert run_work(project.dedup.run(only_with={4, 5})).merged == 0
    add_batch(project, [article(6)], file_name="update2.ris", tmp=tmp_path)
    summary = run_work(project.dedup.run(only_with={6}))
    assert summary.merged == 2 and groups(project) == [[1, 2, 6]]  # 6 is certain with each of 1 and 2


def test_merges_written_from_a_stale_read_still_name_canonical_records(project: Project, tmp_path: Path) -> None:
    # Another process merged 2 into 1 and 4 into 3 after this run read the records; the run
    # then joins 2 and 4. Each stands for its group: every link names a canonical record.
    from screener.core.services.merging import merge_groups

    add_batch(project, [make_record(i) for i in range(1, 6)], tmp=tmp_path)
    project.dedup.mark(1, 2, True)
    project.dedup.mark(3, 4, True)
    with project.dedup.writing() as s:
        merge_groups(s, [[2, 4]], {})
    links = {m.record_id: m.canonical_id for m in project.dedup.merged()}
    assert set(links) == {2, 3, 4} and set(links.values()) == {1}
    assert all(project.records.detail(c).duplicate_of is None for c in links.values())
    assert project.records.detail(3).status["title_abstract"] == "duplicate"
