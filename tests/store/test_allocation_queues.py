"""Allocation on both backends: who is assigned what, what each queue then holds, the
calibration overlap waiting for every reviewer, and the team's progress."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError, run_work
from tests.factories import add_batch, make_record, new_project

RIS = Path(__file__).parent.parent / "data" / "ris"
TEAM = ("ana", "ben", "cara", "dan")


@pytest.fixture
def project(project_target: str) -> Project:  # type: ignore[misc]
    p = new_project(project_target, reviewers=TEAM)
    run_work(p.imports.import_files([RIS / "lens_baseline__asreview.ris"], source="Lens"))
    yield p
    p.close()


def queues(p: Project) -> dict[str, list[int]]:
    return {name: p.records.ids(view="my_queue", reviewer=name) for name in TEAM}


def test_four_reviewers_in_pairs_with_a_tenth_for_everyone(project: Project) -> None:
    ids = project.records.ids()
    report = project.allocation.assign(list(TEAM), per_record=2, overlap=0.1, seed=42)
    assert report.records == len(ids) == 100
    assert report.overlap == 10
    assert sum(report.assignments.values()) == 10 * 4 + 90 * 2
    assert max(report.assignments.values()) - min(report.assignments.values()) <= 1
    q = queues(project)
    assert {name: len(v) for name, v in q.items()} == report.assignments  # each queue is what is assigned
    per_record = Counter(rid for v in q.values() for rid in v)
    assert set(per_record) == set(ids)
    assert sorted(Counter(per_record.values()).items()) == [(2, 90), (4, 10)]
    # the same seed gives the same allocation
    again = project.allocation.assign(list(TEAM), per_record=2, overlap=0.1, seed=42)
    assert again.assignments == report.assignments and queues(project) == q


def test_a_calibration_record_waits_for_everyone_and_stays_blind(project: Project) -> None:
    project.allocation.assign(list(TEAM), per_record=2, overlap=0.1, seed=1)
    q = queues(project)
    shared = sorted(set.intersection(*(set(v) for v in q.values())))
    rid = shared[0]
    project.screening.decide(rid, "ana", "include")
    project.screening.decide(rid, "ben", "include")
    assert project.records.detail(rid).status["title_abstract"] == "undecided"
    assert rid in project.records.ids(view="my_queue", reviewer="cara")
    assert project.records.detail(rid, viewer="cara").decisions == []
    project.screening.decide(rid, "cara", "include")
    project.screening.decide(rid, "dan", "exclude")
    assert project.records.detail(rid).status["title_abstract"] == "conflict"
    assert len(project.records.detail(rid, viewer="cara").decisions) == 4
    # a record of the split is final with its pair alone
    split = next(r for r in q["ana"] if r not in shared)
    pair = [name for name in TEAM if split in q[name]]
    for name in pair:
        project.screening.decide(split, name, "exclude")
    assert project.records.detail(split).status["title_abstract"] == "excluded"


def test_per_record_follows_the_assignment_until_decisions_exist(project_target: str, tmp_path: Path) -> None:
    with new_project(project_target, reviewers=("ana", "ben"), per_record=1) as p:
        add_batch(p, [make_record(i) for i in range(1, 11)], tmp=tmp_path)
        p.allocation.assign(["ana", "ben"], per_record=2)
        assert p.settings.info().reviewers_per_record["title_abstract"] == 2
        p.screening.decide(1, "ana", "include")
        assert p.records.detail(1).status["title_abstract"] == "undecided"  # ben's decision is needed
        with pytest.raises(ScreenerError, match="assign with --per-record 2"):
            p.allocation.assign(["ana", "ben"], per_record=1)


def test_a_decided_reviewer_keeps_the_record_and_later_imports_reach_everyone(project: Project, tmp_path: Path) -> None:
    project.allocation.assign(["ana", "ben"], per_record=2, seed=3)
    first = queues(project)
    rid = first["ana"][0]
    project.screening.decide(rid, "ana", "maybe")
    project.allocation.assign(list(TEAM), per_record=2, seed=9)
    assert rid not in queues(project)["ana"]
    team = {r.name: r for r in project.allocation.team().reviewers}
    assert team["ana"].decided == 1 and team["ana"].decided_all == 1
    assert sum(rid in queues(project)[n] for n in TEAM) == 1  # ana decided: one other reviewer left
    # records imported after the assignment are assigned to no one: every queue has them
    new = add_batch(project, [make_record(i, title=f"A later record {i}", doi=f"10.1/later.{i}")
                              for i in range(1, 4)], source="Embase", tmp=tmp_path)
    later = [r for r in project.records.ids() if project.records.detail(r).batch_id == new]
    for name in TEAM:
        assert set(later) <= set(project.records.ids(view="my_queue", reviewer=name))
    progress = project.allocation.team()
    assert progress.unassigned == 3 and progress.allocated
    assert {r.name: r.queue for r in progress.reviewers} == {n: len(v) for n, v in queues(project).items()}
    # taking the assignments back: every undecided record is in every queue again
    project.allocation.clear()
    assert len(project.records.ids(view="my_queue", reviewer="cara")) == 103


def test_allocation_checks_its_input(project: Project) -> None:
    with pytest.raises(ScreenerError, match="unknown reviewer 'zoe'"):
        project.allocation.assign(["ana", "zoe"], per_record=1)
    with pytest.raises(ScreenerError, match="between 1 and the number of reviewers"):
        project.allocation.assign(["ana"], per_record=2)
    with pytest.raises(ScreenerError, match="from 0 to 1"):
        project.allocation.assign(list(TEAM), per_record=2, overlap=1.5)
    project.screening.decide(1, "ana", "include")
    with pytest.raises(ScreenerError, match="already decided by ana"):
        project.allocation.assign(["ben", "cara"], per_record=2)
    assert project.allocation.team().allocated is False


def test_a_screening_package_holds_what_is_assigned_to_its_reviewer(project: Project, tmp_path: Path) -> None:
    project.allocation.assign(list(TEAM), per_record=2, seed=4)
    package = tmp_path / "ana.screener"
    report = project.packages.create_package("ana", package)
    assert report.records == len(queues(project)["ana"])
    with Project.open(package) as p:
        assert set(p.records.ids()) == set(queues(project)["ana"])
