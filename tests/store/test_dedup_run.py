"""A deduplication run on a project file, in Core (core/services/dedup_run.py), leaves
exactly the rows the ORM way leaves (``DedupService.run_with_sessions``, what a server
project runs): the links, the pairs and their statuses, the audit trail and every
record's status, on the same project copied twice. Covered: notices, decisions that
disagree, a pair a reviewer rejected, a pending pair now certain, groups merged before,
a group moved into a newer record reviewers decided on, and a record missing a status
row (worked out from its decisions in the same transaction). Both ways write the plan
of core/dedup/merge_plan.py (tests/core/test_merge_plan.py tests it on its own)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import run_work
from tests.factories import add_batch, make_record, new_project
from tests.store.races import pair_project
from tests.store.test_dedup_service import TITLE, article, erratum_in_embase


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            "links": conn.execute("SELECT id, duplicate_of FROM record ORDER BY id").fetchall(),
            "pairs": conn.execute("SELECT record_a, record_b, score, status FROM duplicate_pair "
                                  "ORDER BY record_a, record_b").fetchall(),
            # every column but the time, and how each is stored (text, JSON text)
            "events": conn.execute("SELECT kind, record_id, reviewer, stage, detail, typeof(at), length(at) "
                                   "FROM event ORDER BY id").fetchall(),
            "statuses": conn.execute("SELECT record_id, stage, status, reason FROM stage_status "
                                     "ORDER BY record_id, stage").fetchall(),
        }


def _edit(path: Path, *statements: str) -> None:
    """Change a project by hand, everything written into the file itself (not left in its
    write-ahead log, which a copy of the file would miss)."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            for statement in statements:
                conn.execute(statement)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _both_ways(path: Path, tmp_path: Path) -> tuple[object, object]:
    """Run the Core way on ``path`` and the ORM way on a copy; return both summaries."""
    _edit(path)
    copy = tmp_path / "orm.screener"
    shutil.copy(path, copy)
    with Project.open(path) as p:
        core = run_work(p.dedup.run())
    with Project.open(copy) as p:
        orm = run_work(p.dedup.run_with_sessions())
    assert _rows(path) == _rows(copy)
    return core, orm


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "p.screener"
    project = new_project(str(target), per_record=1)
    add_batch(project, [
        article(1, doi="10.1/original"),
        article(2, title=TITLE.upper() + ".", authors=["Moran GS", "Russinova Z", "Gidugu V"], pages="1002-10"),
        article(3, title="Correction to: " + TITLE, pages="1300", issue="12", doi="10.1/erratum"),
        erratum_in_embase(4),
        article(5, title=TITLE + " (vol 63, pg 1002, 2012)", pages="1300", issue="12"),
        make_record(6), make_record(7), make_record(8, title=make_record(7).title), make_record(9),
        make_record(10, title=make_record(9).title, authors=make_record(9).authors, year=make_record(9).year),
    ], tmp=tmp_path)
    project.screening.decide(1, "ana", "include")
    project.screening.decide(2, "ana", "exclude", reason="Wrong population")
    project.close()
    return target


def test_a_first_run_writes_the_same_rows_both_ways(path: Path, tmp_path: Path) -> None:
    core, orm = _both_ways(path, tmp_path)
    assert core == orm
    assert core.merged >= 3 and core.flagged == [1]  # 1 and 2 were decided differently
    assert _rows(path)["links"][1] == (2, 1)


def test_later_runs_with_verdicts_merges_and_a_promoted_pair_write_the_same_rows(path: Path, tmp_path: Path) -> None:
    with Project.open(path) as p:
        run_work(p.dedup.run())
        p.dedup.unmerge(2)  # 1 and 2 apart again: their pair now says not_duplicate
        p.dedup.mark(7, 8, True)  # a reviewer's merge
    _edit(path,
          # a pair an earlier run queued, certain now; 4 and 5 apart again (by hand)
          "UPDATE duplicate_pair SET status = 'pending', score = 0.5 WHERE record_a = 3 AND record_b = 4",
          "UPDATE record SET duplicate_of = NULL WHERE id IN (4, 5)",
          # a record about to be merged lost its status row at full text
          "DELETE FROM stage_status WHERE record_id = 5 AND stage = 'full_text'")
    core, orm = _both_ways(path, tmp_path)
    assert core == orm
    rows = _rows(path)
    assert (3, 4, 1.0, "auto") in [(a, b, round(s, 4), st) for a, b, s, st in rows["pairs"]]
    links = dict(rows["links"])
    assert (links[4], links[5]) == (3, 3)
    assert links[2] is None  # a rejected pair is never merged again
    assert (5, "full_text", "duplicate", "") in rows["statuses"]  # made again, in the same run


def test_screener_dedup_on_a_file_never_loads_the_orm(path: Path) -> None:
    script = ("import sys, io, contextlib\nfrom screener.cli.main import main\n"
              "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['dedup', sys.argv[1], '--json']) == 0\n"
              "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy.orm', 'screener.store.models'))))")
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
    with Project.open(path) as p:  # and it did merge, reviewably
        assert {m.record_id for m in p.dedup.merged()} >= {2}


def _finish(work, meanwhile):  # type: ignore[no-untyped-def]
    """Run a dedup ``work``; once it has read the project and found its groups (its
    "Merging" progress), ``meanwhile`` happens (another window), then the run writes."""
    from screener.types import Progress

    while True:
        try:
            message = next(work)
        except StopIteration as stop:
            return stop.value
        if isinstance(message, Progress) and message.message == "Merging":
            meanwhile()


@pytest.mark.parametrize("way", ["core", "orm"])
def test_a_batch_deleted_while_dedup_runs_is_left_out_and_the_rest_merged(tmp_path: Path, way: str) -> None:
    target = tmp_path / "p.screener"
    project = new_project(str(target), per_record=1)
    add_batch(project, [article(1, doi="10.1/original"),
                        article(2, title=TITLE.upper() + ".", authors=["Moran GS", "Russinova Z", "Gidugu V"],
                                pages="1002-10"),
                        make_record(7)], tmp=tmp_path)
    second = add_batch(project, [article(4, doi="10.1/original"), make_record(8, title=make_record(7).title)],
                       source="Embase", file_name="second.ris", tmp=tmp_path)
    project.close()
    with Project.open(target) as a, Project.open(target) as b:
        work = a.dedup.run() if way == "core" else a.dedup.run_with_sessions()
        summary = _finish(work, lambda: b.imports.delete_batch(second))
    rows = _rows(target)
    assert [i for i, _ in rows["links"]] == [1, 2, 3]  # the second search's records are gone
    assert dict(rows["links"])[2] == 1  # and the first search's duplicates are merged still
    assert summary.merged == 1
    assert all(a in (1, 2, 3) and b in (1, 2, 3) for a, b, *_ in rows["pairs"])
    assert all(a in (1, 2, 3) and b in (1, 2, 3) for a, b, _ in summary.candidates)


def _pair_project(tmp_path: Path) -> Path:
    return Path(pair_project(None, tmp_path))


@pytest.mark.parametrize("way", ["core", "orm"])
def test_a_pair_said_not_duplicate_while_dedup_runs_is_not_merged(tmp_path: Path, way: str) -> None:
    target = _pair_project(tmp_path)
    with Project.open(target) as a, Project.open(target) as b:
        work = a.dedup.run() if way == "core" else a.dedup.run_with_sessions()
        summary = _finish(work, lambda: b.dedup.mark(1, 2, False, reviewer="ana"))
    rows = _rows(target)
    assert rows["links"] == [(1, None), (2, None), (3, None)]  # the reviewer's verdict holds
    assert [(a, b, st) for a, b, _, st in rows["pairs"]] == [(1, 2, "not_duplicate")]
    assert summary.merged == 0 and summary.candidates == []


@pytest.mark.parametrize("way", ["core", "orm"])
def test_an_unmerge_while_dedup_runs_is_not_undone_by_it(tmp_path: Path, way: str) -> None:
    target = _pair_project(tmp_path)
    with Project.open(target) as p:
        run_work(p.dedup.run())
        assert dict(_rows(target)["links"])[2] == 1
        add_batch(p, [article(4, doi="10.1/original")], source="Embase", file_name="second.ris", tmp=tmp_path)
    with Project.open(target) as a, Project.open(target) as b:
        work = a.dedup.run() if way == "core" else a.dedup.run_with_sessions()
        summary = _finish(work, lambda: b.dedup.unmerge(2, reviewer="ana"))
    rows = _rows(target)
    links = dict(rows["links"])
    assert links[2] is None  # still apart, as the reviewer left it
    assert (1, 2, "not_duplicate") in [(a, b, st) for a, b, _, st in rows["pairs"]]
    # 4 looks like both 1 and 2, which a reviewer keeps apart: that is a reviewer's call
    assert links[4] is None and (1, 4) in [(a, b) for a, b, _ in summary.candidates]


def test_a_group_moved_into_a_new_record_reviewers_decided_on_writes_the_same_rows_both_ways(
        tmp_path: Path) -> None:
    target = _pair_project(tmp_path)
    with Project.open(target) as p:
        run_work(p.dedup.run())  # 2 into 1
        add_batch(p, [article(4, doi="10.1/original")], source="Embase", file_name="second.ris", tmp=tmp_path)
        p.screening.decide(4, "ana", "include")  # 4 is screened first: the group keeps it
    core, orm = _both_ways(target, tmp_path)
    assert core == orm
    assert dict(_rows(target)["links"]) == {1: 4, 2: 4, 3: None, 4: None}
    assert core.merged == 1  # 1 newly merged; 2 only moved with its group
