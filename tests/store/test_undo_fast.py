"""The hot path of Ctrl+Z (core.services.undo_fast) leaves exactly the rows the general way
leaves — decisions, statuses, the history, counts and the PRISMA figures — on SQLite and
PostgreSQL, and hands the general way what it does not take."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.core.services import screening
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project
from tests.store.test_decide_fast import _rows

# (reviewer, record, decision), with undos ("undo", reviewer): a first decision undone, a
# change of mind undone (the earlier decision comes back), a conflict undone, two undos in
# a row (the second takes the decision before), an undo after an undo's redo
STEPS = [("ana", 1, "include"), ("ben", 1, "exclude"), ("undo", "ben"), ("ana", 2, "maybe"),
         ("ana", 2, "exclude"), ("undo", "ana"), ("ben", 3, "include"), ("ana", 3, "include"),
         ("undo", "ana"), ("undo", "ana"), ("ana", 4, "exclude"), ("undo", "ana"), ("ana", 4, "include"),
         ("cy", 5, "exclude"), ("ana", 5, "exclude"), ("ben", 5, "include"), ("undo", "ben"), ("undo", "cy")]


def _project(target: str, tmp_path: Path) -> Project:
    project = new_project(target, reviewers=("ana", "ben", "cy"))
    add_batch(project, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
    return project


def _play(project: Project) -> list[tuple[int, str, str, str]]:
    out = []
    for step in STEPS:
        if step[0] == "undo":
            info = project.screening.undo_last(step[1])
            assert info is not None
            out.append((info.record_id, info.reviewer, info.decision, getattr(info, "restored", None)))
        else:
            project.screening.decide(step[1], step[0], step[2])
    return out


def _figures(project: Project) -> tuple[object, ...]:
    return (project.records.counts("title_abstract", "ana"), project.records.counts("title_abstract", "ben"),
            project.records.ids("title_abstract", view="my_queue", reviewer="ana"),
            project.prisma.counts())


def test_the_fast_undo_leaves_the_rows_the_general_way_leaves(
        project_target: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _project(project_target, tmp_path)
    used = []
    real = screening.undo_title_abstract

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)
        used.append(out is not None)
        return out

    monkeypatch.setattr(screening, "undo_title_abstract", counting)
    fast_infos = _play(fast)
    assert used and all(used), "every undo here is the common case"

    other = str(tmp_path / "general.screener") if project_target.endswith(".screener") \
        else request.getfixturevalue("postgres").new_database()
    general = _project(other, tmp_path)
    monkeypatch.setattr(screening, "undo_title_abstract", lambda *a, **k: None)
    general_infos = _play(general)

    assert fast_infos == general_infos
    assert fast_infos[0] == (1, "ben", "exclude", "")  # a first decision undone: none left
    assert fast_infos[1] == (2, "ana", "exclude", "maybe")  # a change of mind undone: maybe again
    assert _rows(fast) == _rows(general)
    assert _figures(fast) == _figures(general)
    statuses = {(rid, st): status for rid, st, status, _r, _n in _rows(fast)[1]}
    assert statuses[(1, "title_abstract")] == "undecided"
    assert statuses[(5, "title_abstract")] == "undecided"  # only ana's exclude is left
    fast.close()
    general.close()


def test_an_undo_the_fast_way_does_not_take_is_done_the_general_way(project_target: str, tmp_path: Path) -> None:
    project = _project(project_target, tmp_path)
    project.screening.decide(1, "ana", "include")
    project.screening.decide(1, "ben", "exclude")
    project.conflicts.resolve(1, "include", "cy")
    project.screening.decide(1, "ben", "include")  # reopens the resolution, then agreement
    project.screening.decide(2, "ana", "include")
    project.screening.decide(2, "ben", "include")  # included: at full text
    project.screening.decide(2, "ana", "include", stage="full_text")
    info = project.screening.undo_last("ana")  # a full-text decision
    assert info is not None and (info.record_id, info.stage) == (2, "full_text")
    info = project.screening.undo_last("ben")  # record 2 leaves full text (its decision is kept)
    assert info is not None and info.record_id == 2
    assert project.records.detail(2).status["title_abstract"] == "undecided"
    assert project.screening.undo_last("cy") is None  # a resolution is not a decision
    with pytest.raises(ScreenerError, match="nobody"):
        project.screening.undo_last("nobody")
    project.close()


def test_an_undone_decision_survives_a_crash(tmp_path: Path) -> None:
    """The app is killed (SIGKILL, no close, no checkpoint) right after the undo returned:
    the undo is in the file."""
    target = str(tmp_path / "review.screener")
    _project(target, tmp_path).close()
    child = subprocess.run([sys.executable, "-c", (
        "import os, signal, sys\n"
        "from screener.core.project import Project\n"
        "p = Project.open(sys.argv[1])\n"
        "p.screening.decide(3, 'ana', 'exclude')\n"
        "p.screening.decide(4, 'ana', 'include')\n"
        "info = p.screening.undo_last('ana')\n"
        "print(info.record_id, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"), target], capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == ["4"]
    again = Project.open(target)
    assert again.records.detail(4).status["title_abstract"] == "undecided"
    assert 4 in again.records.ids("title_abstract", view="my_queue", reviewer="ana")
    assert 3 not in again.records.ids("title_abstract", view="my_queue", reviewer="ana")
    assert [e.kind for e in again.history.history(4)][-2:] == ["decision", "undo"]
    again.close()
