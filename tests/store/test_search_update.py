"""Search updates on both backends, with real exports: the first 60 records of a Lens
export are the review's search; the same search re-run months later is the 100-record
Zotero export of the same collection. Records already screened are recognised and keep
their decisions; only new records reach the queue; PRISMA's updated-review flow takes
its "previous studies" from the project's own earlier rounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import Progress, ScreenerError, run_work
from tests.factories import new_project

RIS = Path(__file__).parent.parent / "data" / "ris"


def ris_records(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [r.strip("\r\n") + "\r\nER  - \r\n" for r in re.split(r"(?m)^ER  -.*$", text) if r.strip()]


def doi_of(record: str) -> str:
    match = re.search(r"(?m)^DO  - (.+?)\s*$", record)
    assert match
    return match.group(1).lower()


@pytest.fixture
def first_search(tmp_path: Path) -> tuple[Path, set[str]]:
    records = ris_records(RIS / "lens_baseline__asreview.ris")[:60]
    path = tmp_path / "lens_2024-01.ris"
    path.write_text("\r\n".join(records), encoding="utf-8")
    return path, {doi_of(r) for r in records}


@pytest.fixture
def project(project_target: str, first_search: tuple[Path, set[str]]) -> Project:  # type: ignore[misc]
    p = new_project(project_target)  # ana and ben, two per record
    run_work(p.imports.import_files([first_search[0]], source="Lens", search_date="2024-01-10"))
    yield p
    p.close()


def screen_some(p: Project) -> dict[int, list[tuple[str, str]]]:
    ids = p.records.ids()
    for rid in ids[:20]:
        for who in ("ana", "ben"):
            p.screening.decide(rid, who, "exclude")
    for rid in ids[20:25]:
        for who in ("ana", "ben"):
            p.screening.decide(rid, who, "include")
    for rid in ids[25:28]:
        p.screening.decide(rid, "ana", "maybe")
    return {rid: sorted((d.reviewer, d.decision) for d in p.screening.decisions_of(rid)) for rid in ids}


def test_an_update_links_screened_records_and_only_new_ones_reach_the_queue(
        project: Project, first_search: tuple[Path, set[str]]) -> None:
    before = screen_some(project)
    queue_before = set(project.records.ids(view="my_queue", reviewer="ana"))
    report = run_work(project.imports.import_files(
        [RIS / "zotero_baseline__asreview.ris"], source="lens", search_date="2024-07-01", update=True))
    assert report.update is not None
    assert (report.records, report.update.linked, report.update.new, report.update.already_screened) == (100, 60, 40, 28)
    batches = project.imports.batches()
    assert [(b.source, b.search_date, b.update_round) for b in batches] == [
        ("Lens", "2024-01-10", 0), ("Lens", "2024-07-01", 1)]
    old = {project.records.detail(rid).doi: rid for rid in project.records.ids() if rid in before}
    update_ids = [rid for rid in project.records.ids("title_abstract", status="duplicate")]
    for rid in update_ids:
        d = project.records.detail(rid)
        assert d.batch_id == batches[1].id and d.duplicate_of == old[d.doi]  # the same publication
    assert len(update_ids) == 60
    # the earlier records keep their decisions, untouched
    assert {rid: sorted((d.reviewer, d.decision) for d in project.screening.decisions_of(rid))
            for rid in before} == before
    new = set(project.records.ids(view="my_queue", reviewer="ana")) - queue_before
    assert len(new) == 40
    assert {project.records.detail(rid).doi for rid in new}.isdisjoint(first_search[1])
    merges = [e for e in project.history.history(update_ids[0]) if e.kind == "merge"]
    assert merges and merges[0].detail["how"] == "update"


def test_records_without_identifiers_are_matched_by_the_same_rules_as_dedup(
        project: Project, tmp_path: Path) -> None:
    screen_some(project)
    stripped = [re.sub(r"(?m)^(DO|UR|L2|AN|SN)  - .*\r?\n", "", r) for r in
                ris_records(RIS / "zotero_baseline__asreview.ris")]
    path = tmp_path / "rerun_without_dois.ris"
    path.write_text("\r\n".join(stripped), encoding="utf-8")
    report = run_work(project.imports.import_files([path], source="Lens", update=True))
    assert report.update is not None
    assert report.update.linked + report.update.candidates >= 58  # by title, authors, year, journal
    assert report.update.linked >= 55
    assert report.update.already_screened >= 25


def test_a_cancelled_update_leaves_the_project_as_it_was(project: Project) -> None:
    screen_some(project)
    work = project.imports.import_files([RIS / "zotero_baseline__asreview.ris"], source="Lens", update=True)
    for p in work:
        if isinstance(p, Progress) and "Matching" in p.message:
            work.close()  # Cancel while matching against the project
            break
    assert [b.update_round for b in project.imports.batches()] == [0]
    assert project.records.ids("title_abstract", status="duplicate") == []
    assert len(project.records.ids()) == 60


def test_updated_review_prisma_takes_previous_studies_from_earlier_rounds(project: Project, tmp_path: Path) -> None:
    screen_some(project)
    included = project.records.ids(status="included")
    assert len(included) == 5
    for rid in included[:3]:
        for who in ("ana", "ben"):
            project.screening.decide(rid, who, "include", stage="full_text")
    for rid in included[3:]:
        for who in ("ana", "ben"):
            project.screening.decide(rid, who, "exclude", stage="full_text", reason="Wrong design")
    whole_before = project.prisma.counts()
    assert "update" not in whole_before and whole_before["new_studies"] == 3
    run_work(project.imports.import_files([RIS / "zotero_baseline__asreview.ris"], source="Lens", update=True))
    new = sorted(set(project.records.ids(view="my_queue", reviewer="ana")) -
                 set(project.records.ids()[:60]))
    for rid in new[:30]:
        for who in ("ana", "ben"):
            project.screening.decide(rid, who, "exclude")
    for rid in new[30:32]:
        for who in ("ana", "ben"):
            project.screening.decide(rid, who, "include")
        for who in ("ana", "ben"):
            project.screening.decide(rid, who, "include", stage="full_text")
    c = project.prisma.counts()  # the updated variant, as the project holds an update
    assert c["update"]["round"] == 1
    assert c["database_results"] == 100 and c["database_specific_results"] == [("Lens", 100)]
    assert c["duplicates"] == 60 and c["update"]["duplicates_of_previous"] == 60
    assert (c["records_screened"], c["records_excluded"], c["pending"]["title_abstract"]) == (32, 30, 8)
    assert (c["previous_studies"], c["previous_reports"]) == (3, 3)
    assert (c["new_studies"], c["total_studies"], c["total_reports"]) == (2, 5, 5)
    assert c["update"]["previous_records"] == 60
    # a hand-entered previous count does not override the project's own
    project.prisma.set_manual("previous_studies", 99)
    assert project.prisma.counts()["previous_studies"] == 3
    whole = project.prisma.counts(updated=False)
    assert (whole["database_results"], whole["duplicates"], whole["new_studies"]) == (160, 60, 5)
    assert whole["previous_studies"] == 99  # the whole-review view keeps what was entered


def test_a_second_update_counts_both_earlier_rounds_as_previous(project: Project, tmp_path: Path) -> None:
    screen_some(project)
    run_work(project.imports.import_files([RIS / "zotero_baseline__asreview.ris"], source="Lens", update=True))
    round_two = run_work(project.imports.import_files(
        [RIS / "cff_baseline_asreview__citation-file-formatting.ris"], source="LENS", update=True))
    assert round_two.update is not None and round_two.update.round == 2
    # one record of this hand-corrected export is only a possible match: a reviewer decides
    assert (round_two.update.linked, round_two.update.new, round_two.update.candidates) == (99, 1, 1)
    open_pairs = project.dedup.candidates()
    assert any(p.record_b > 160 or p.record_a > 160 for p in open_pairs)
    c = project.prisma.counts()
    assert c["update"]["round"] == 2 and c["database_results"] == 100 and c["duplicates"] == 99
    assert c["update"]["previous_records"] == 160
    with pytest.raises(ScreenerError, match="search date"):
        run_work(project.imports.import_files([RIS / "scopus__asreview.ris"], source="Scopus",
                                              search_date="July", update=True))


def test_links_join_new_records_to_the_best_earlier_match_and_never_two_earlier_ones() -> None:
    from screener.core.services.updates import _links

    new = {101, 102, 103, 104, 105}
    certain = [
        (5, 101, 0.9), (7, 101, 0.99),  # two earlier matches: the better one wins
        (101, 102, 1.0), (9, 102, 0.8),  # 102 is one with 101: the group goes to the group's best match
        (8, 103, 0.95),  # a new record matching one earlier record only
        (104, 105, 1.0),  # new records matching only each other: the oldest is kept, the other linked
    ]
    assert _links(new, certain) == {101: 7, 102: 7, 103: 8, 105: 104}


def test_an_update_killed_midway_leaves_the_project_as_it_was(
        tmp_path: Path, first_search: tuple[Path, set[str]]) -> None:
    """SIGKILL at seeded moments of ``screener import --update`` (a project file: a killed
    process on a server rolls back the same way): the update is all there or not there."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    target = str(tmp_path / "killed.screener")
    with new_project(target) as p:
        run_work(p.imports.import_files([first_search[0]], source="Lens", search_date="2024-01-10"))
        screen_some(p)
    rerun = tmp_path / "rerun_ten_times.ris"  # big enough that a kill lands inside the work
    rerun.write_text((RIS / "zotero_baseline__asreview.ris").read_text(encoding="utf-8-sig") * 10, encoding="utf-8")
    command = [sys.executable, "-m", "screener", "import", target, str(rerun), "--source", "Lens", "--update"]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)  # one whole run: how long the work takes
    whole = time.perf_counter() - started
    with Project.open(target) as p:
        first = len(p.records.ids("title_abstract", status="duplicate"))
    rng = random.Random(18)
    seen = []
    while sum(killed for killed, _ in seen) < 3 and len(seen) < 20:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 0.98) * whole)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Project.open(target) as p:
            batches = p.imports.batches()
            rounds = [b.update_round for b in batches]
            assert rounds == list(range(len(rounds)))  # whole update rounds, nothing half-made
            assert [b.records for b in batches[1:]] == [1000] * (len(batches) - 1)
            # each later run finds all its records already in the project, and links them all
            assert len(p.records.ids("title_abstract", status="duplicate")) == first + 1000 * (len(rounds) - 2)
            seen.append((killed, len(rounds)))
    assert sum(killed for killed, _ in seen) >= 3, seen  # killed midway, three times at least
