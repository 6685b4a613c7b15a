"""Packages that cannot be forged: hand-edited packages are refused whole, with one line
saying what is wrong, and the project is left exactly as it was."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The main project: a file, or (for the tests that are not about the package's own
    shape, which is checked before the project is looked at) also a database on a server."""
    backend = getattr(request, "param", "sqlite")
    target = str(tmp_path / "main.screener") if backend == "sqlite" else request.getfixturevalue(
        "postgres").new_database()
    p = new_project(target)
    add_batch(p, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
    p.screening.decide(1, "ben", "include", note="ben's own")
    yield p
    p.close()


BOTH = pytest.mark.parametrize("project", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def package(project: Project, tmp_path: Path) -> Path:
    """ana's package, screened: three decisions and a note."""
    path = tmp_path / "ana.screener"
    project.packages.create_package("ana", path)
    with Project.open(path) as pkg:
        pkg.screening.decide(1, "ana", "exclude", note="off topic")
        pkg.screening.decide(2, "ana", "include")
        pkg.screening.decide(3, "ana", "maybe")
        pkg.records.set_note(2, "ana", "check the dose")
    return path


def edit(path: Path, *statements: str | tuple[str, list[object]]) -> None:
    """Change a package as its holder could, with sqlite3 and no constraints."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for st in statements:
            sql, args = (st, []) if isinstance(st, str) else st
            conn.execute(sql, args)


def edit_header(path: Path, change: Callable[[dict], object]) -> None:
    with sqlite3.connect(path) as conn:
        (raw,) = conn.execute("SELECT detail FROM event WHERE kind = 'package_created'").fetchone()
        header = json.loads(raw)
        header = change(header) or header
        conn.execute("UPDATE event SET detail = ? WHERE kind = 'package_created'",
                     [header if isinstance(header, str) else json.dumps(header)])


def state(project: Project) -> list[object]:
    with project.store.engine.connect() as conn:
        return [conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1, 2").all()
                for t in ("decision", "record_note", "event", "stage_status", "resolution", "package_token")]


def refused(project: Project, package: Path, message: str) -> None:
    before = state(project)
    with pytest.raises(ScreenerError, match=message) as caught:
        project.packages.merge_package(package)
    assert "\n" not in str(caught.value) and str(package) in str(caught.value)
    assert state(project) == before


@BOTH
def test_the_project_keeps_only_a_hash_of_the_packages_secret(project: Project, package: Path) -> None:
    with sqlite3.connect(package) as conn:
        (raw,) = conn.execute("SELECT detail FROM event WHERE kind = 'package_created'").fetchone()
    secret = json.loads(raw)["secret"]
    assert len(secret) == 64 and secret not in repr(state(project))
    assert project.packages.merge_package(package).applied == 3
    assert project.packages.merge_package(package).applied == 0  # merging again changes nothing


@BOTH
def test_a_renamed_reviewer_is_refused(project: Project, package: Path) -> None:
    edit(package, "UPDATE reviewer SET name = 'ben' WHERE name = 'ana'")
    edit_header(package, lambda h: h.update(reviewer="ben"))
    refused(project, package, "it was written for 'ana', but says it is for 'ben'")


@BOTH
def test_a_header_naming_someone_not_in_the_package_is_refused(project: Project, package: Path) -> None:
    edit_header(package, lambda h: h.update(reviewer="ben"))
    refused(project, package, "names reviewer 'ben', who is not in it")


@BOTH
def test_a_decision_added_in_another_reviewers_name_is_refused(project: Project, package: Path) -> None:
    edit(package, "INSERT INTO reviewer (name, role) VALUES ('ben', 'reviewer')",
         "INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, note, decided_at) "
         "SELECT 4, id, 'title_abstract', 'exclude', '', '', '2030-01-01' FROM reviewer WHERE name = 'ben'")
    refused(project, package, "a decision on record 4 is in the name of 'ben', not of 'ana'")


@pytest.mark.parametrize("sql, message", [
    ("UPDATE decision SET decision = 'banana' WHERE record_id = 3", "decision 'banana'; a decision is include"),
    ("UPDATE decision SET decision = 5 WHERE record_id = 3", "decision '5'"),
    ("UPDATE decision SET stage = 'abstracts' WHERE record_id = 3", "at stage 'abstracts'"),
    ("UPDATE decision SET record_id = 999 WHERE record_id = 3", "record 999 is not in this project"),
    ("UPDATE decision SET record_id = 'three' WHERE record_id = 3", "record id 'three', not a record number"),
    ("UPDATE decision SET record_id = -3 WHERE record_id = 3", "record id -3"),
    ("UPDATE decision SET note = x'00ff' WHERE record_id = 3", "note is bytes, not text"),
    ("UPDATE decision SET note = 'a' || char(0) || 'b' WHERE record_id = 3", "holds a NUL character"),
    ("UPDATE decision SET note = printf('%.200000c', 'x') WHERE record_id = 3", "longer than 100,000"),
    ("UPDATE record_note SET record_id = 999", "record 999 is not in this project"),
    ("UPDATE record_note SET text = x'ff'", "a note on record 2 is bytes, not text"),
    ("UPDATE decision SET stage = 'full_text', decision = 'exclude', reason = 'Wrong design' WHERE record_id = 1",
     None),  # valid in the package, but record 1 is not at full text in the project
    ("UPDATE decision SET stage = 'full_text', decision = 'exclude', reason = 'Too short' WHERE record_id = 2",
     "reason 'Too short', which is not in this project's list"),
])
def test_a_foreign_or_broken_decision_or_note_is_refused_whole(project: Project, package: Path,
                                                                sql: str, message: str | None) -> None:
    edit(package, sql)
    refused(project, package, message or "record 1 is not included at title/abstract.*nothing was merged")


@pytest.mark.parametrize("change, message", [
    (lambda h: "{not json", "its header is not valid JSON"),
    (lambda h: h.pop("reviewer") and None, "names no reviewer"),
    (lambda h: h.update(reviewer=5), "names no reviewer \\(reviewer is 5\\)"),
    (lambda h: h.update(reviewer=["ana"]), "names no reviewer"),
    (lambda h: h.update(base=[]), "'base' is list, not a mapping"),
    (lambda h: h.update(base={"x:title_abstract": None}), "has key 'x:title_abstract', not RECORD:STAGE"),
    (lambda h: h.update(base={"1:elsewhere": None}), "has key '1:elsewhere'"),
    (lambda h: h.update(base={"1": None}), "has key '1'"),
    (lambda h: h.update(base={"1:title_abstract": "include"}), "is 'include', not \\[decision, reason, note\\]"),
    (lambda h: h.update(base={"1:title_abstract": {"decision": "include"}}), "not \\[decision, reason, note\\]"),
    (lambda h: h.update(base={"1:title_abstract": ["yes", "", ""]}), "decision 'yes'"),
    (lambda h: h.update(base={"1:title_abstract": ["include", 3, ""]}), "reason is int, not text"),
    (lambda h: h.update(base={"999:title_abstract": None}), "record 999 is not in this project"),
    (lambda h: h.pop("secret") and None, "carries no secret"),
    (lambda h: h.update(secret="0" * 64), "this project never wrote it"),
    (lambda h: h.update(secret="zz"), "its secret is not one Screener writes"),
    (lambda h: h.update(secret=None), "carries no secret"),
    (lambda h: [h], "it is not a screening package"),
])
def test_broken_package_metadata_of_every_kind_is_refused(project: Project, package: Path,
                                                           change: Callable[[dict], object], message: str) -> None:
    edit_header(package, change)
    refused(project, package, message)


@BOTH
def test_two_headers_or_none_are_refused(project: Project, package: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.screener"
    shutil.copy(package, other)
    edit(package, "INSERT INTO event (at, kind, reviewer, stage, detail) SELECT at, kind, reviewer, stage, "
                  "detail FROM event WHERE kind = 'package_created'")
    refused(project, package, "it has 2 package headers, not one")
    edit(other, "DELETE FROM event")
    refused(project, other, "it is not a screening package")


@BOTH
def test_a_package_from_another_project_or_merged_as_someone_else_is_refused(
        project: Project, package: Path, tmp_path: Path) -> None:
    with new_project(str(tmp_path / "elsewhere.screener")) as other:
        add_batch(other, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
        other.packages.create_package("ana", tmp_path / "foreign.screener")
    refused(project, tmp_path / "foreign.screener", "this project never wrote it")
    with project.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE package_token SET merged_as = 'ben'")
    refused(project, package, "it was already merged for 'ben'")


@BOTH
def test_files_that_are_not_packages_are_refused_in_one_line(project: Project, tmp_path: Path) -> None:
    text = tmp_path / "notes.screener"
    text.write_text("hello\n")
    broken = tmp_path / "broken.screener"
    project.packages.create_package("ana", broken)
    broken.write_bytes(broken.read_bytes()[:5000])
    new_project(str(tmp_path / "elsewhere-project.screener")).close()
    dropped = tmp_path / "dropped.screener"
    project.packages.create_package("ana", dropped)
    edit(dropped, "DROP TABLE decision")
    for path, message in ((text, "not a Screener project file"), (broken, "not a"),
                          (dropped, "not a readable screening package \\(no such table: decision\\)"),
                          (tmp_path / "elsewhere-project.screener", "it is not a screening package"),
                          (tmp_path / "missing.screener", "no such package file")):
        refused(project, path, message)


@BOTH
def test_a_package_merged_by_its_reviewer_applies_only_in_their_name(project: Project, package: Path) -> None:
    report = project.packages.merge_package(package)
    assert (report.reviewer, report.applied) == ("ana", 3)
    mine = {(d.record_id, d.reviewer, d.decision) for r in (1, 2, 3) for d in project.screening.decisions_of(r)}
    assert mine == {(1, "ben", "include"), (1, "ana", "exclude"), (2, "ana", "include"), (3, "ana", "maybe")}
    assert project.records.detail(2, viewer="ana").note == "check the dose"
