"""Working apart: screening packages withhold other reviewers' decisions and merge back."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(str(tmp_path / "main.screener"))
    add_batch(p, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
    yield p
    p.close()


def test_a_package_holds_my_work_and_none_of_the_other_reviewers(project: Project, tmp_path: Path) -> None:
    project.screening.decide(1, "ben", "exclude", note="ben's secret")
    project.screening.decide(2, "ana", "include")
    report = project.packages.create_package("ana", tmp_path / "ana.screener")
    assert report.records == 6
    with Project.open(tmp_path / "ana.screener") as pkg:
        assert [r.name for r in pkg.settings.reviewers()] == ["ana", "(main project)"]
        assert pkg.screening.decisions_of(1) == []
        assert [d.decision for d in pkg.screening.decisions_of(2)] == ["include"]
        assert pkg.settings.info().reasons == ["Wrong population", "Wrong design"]
        assert pkg.records.ids(view="my_queue", reviewer="ana") == [1, 3, 4, 5, 6]


def test_merging_applies_new_decisions_once_and_reports_both_sided_changes(project: Project, tmp_path: Path) -> None:
    project.screening.decide(2, "ana", "include")
    project.packages.create_package("ana", tmp_path / "ana.screener")
    with Project.open(tmp_path / "ana.screener") as pkg:
        pkg.screening.decide(1, "ana", "include")
        pkg.screening.decide(3, "ana", "exclude", note="off topic")
        pkg.screening.decide(2, "ana", "exclude")
    project.screening.decide(2, "ana", "maybe")  # changed at home as well
    report = project.packages.merge_package(tmp_path / "ana.screener")
    assert report.applied == 2
    assert report.changed_in_both == [{"record_id": 2, "stage": "title_abstract",
                                       "package": "exclude", "project": "maybe"}]
    assert [d.note for d in project.screening.decisions_of(3)] == ["off topic"]
    assert [d.decision for d in project.screening.decisions_of(2)] == ["maybe"]
    again = project.packages.merge_package(tmp_path / "ana.screener")
    assert again.applied == 0 and len(again.changed_in_both) == 1
    assert [e.kind for e in project.history.history(1)][-1] == "decision"


def test_two_packages_screened_apart_give_the_same_conflicts(project: Project, tmp_path: Path) -> None:
    for name in ("ana", "ben"):
        project.packages.create_package(name, tmp_path / f"{name}.screener")
    for name, choices in (("ana", ["include"] * 6), ("ben", ["include", "exclude"] * 3)):
        with Project.open(tmp_path / f"{name}.screener") as pkg:
            for rid, choice in enumerate(choices, start=1):
                pkg.screening.decide(rid, name, choice)
    for name in ("ana", "ben"):
        project.packages.merge_package(tmp_path / f"{name}.screener")
    assert [c.record_id for c in project.conflicts.conflicts()] == [2, 4, 6]
    assert {r.record_id for r in project.records.listing(status="included")} == {1, 3, 5}


def test_a_full_text_package_carries_records_included_at_title_abstract(project: Project, tmp_path: Path) -> None:
    for name in ("ana", "ben"):
        project.screening.decide(1, name, "include")
    project.packages.create_package("ben", tmp_path / "ben.screener")
    with Project.open(tmp_path / "ben.screener") as pkg:
        pkg.screening.decide(1, "ben", "exclude", stage="full_text", reason="Wrong design")
    assert project.packages.merge_package(tmp_path / "ben.screener").applied == 1
    full_text = [d for d in project.screening.decisions_of(1) if d.stage == "full_text"]
    assert [(d.reviewer, d.reason) for d in full_text] == [("ben", "Wrong design")]


def test_a_package_must_be_a_new_file(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ScreenerError, match="choose a new file"):
        project.packages.create_package("ana", project.target)


def test_merging_a_project_that_is_not_a_package_is_refused(project: Project, tmp_path: Path) -> None:
    project.packages.create_package("ana", tmp_path / "ana.screener")  # the main project logs this
    with pytest.raises(ScreenerError, match="not a screening package"):
        project.packages.merge_package(project.target)
