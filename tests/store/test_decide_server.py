"""The one-statement decision on a server (core.services.decide_server, the function
``screener_decide`` of store/server_functions.py) leaves exactly what the general (ORM) way
leaves, on a plain and on a strict project: decisions, history, statuses, conflicts and
PRISMA. On a strict project it is no way around the database's rules: as a reviewer's
role, with plain SQL through psycopg, it writes only in that reviewer's own name. And a
decision made while the server is stopped is reported as not saved, never lost in silence."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg
import pytest

from screener.core.project import Project
from screener.core.services import decide_server, screening
from screener.types import ConnectionLost
from tests.pg import PostgresServer, pg_bin_dir
from tests.team import Team, strict_team, superuser

# (reviewer, record, decision, note): a conflict, a change of mind, agreement, maybe, a note
# with a control character; then a resolution, a change of mind that reopens it, an undo,
# and a decision on a record already at full text (these three go the general way)
STEPS = [("ana", 1, "include", ""), ("bob", 1, "exclude", "bob's note"), ("ana", 1, "exclude", ""),
         ("ana", 2, "maybe", ""), ("bob", 2, "maybe", ""), ("ana", 3, "include", ""),
         ("bob", 3, "include", ""), ("ana", 4, "exclude", "a\x07b"), ("bob", 4, "include", ""),
         ("ana", 5, "include", ""), ("bob", 6, "exclude", "")]
REVIEWERS = {"ana": "reviewer", "bob": "reviewer", "carla": "resolver"}


def _open(team: Team, strict: bool, short: str | None) -> Project:
    return team.open(short) if strict and short else Project.open(team.url())


def _play(team: Team, strict: bool) -> None:
    for short, rid, choice, note in STEPS:
        with _open(team, strict, short) as p:
            p.screening.decide(rid, team[short], choice, note=note)
    with _open(team, strict, "carla") as p:
        p.conflicts.resolve(4, "include", team["carla"])
    with _open(team, strict, "bob") as p:
        p.screening.decide(4, team["bob"], "exclude")  # reopens the resolved conflict
    with _open(team, strict, "ana") as p:
        p.screening.undo_last(team["ana"])  # takes back record 5
        p.screening.decide(3, team["ana"], "exclude")  # record 3 was included: it leaves full text
        p.screening.decide(6, team["ana"], "exclude")


def _state(team: Team) -> dict:
    """Everything the decisions leave, as the owner sees it, reviewers by their short names."""
    short = {name: s for s, name in team.names.items()}
    with team.sql() as conn:
        decisions = conn.execute(
            "SELECT d.record_id, r.name, d.stage, d.decision, d.reason, d.note FROM decision d "
            "JOIN reviewer r ON r.id = d.reviewer_id ORDER BY 1, 2, 3").fetchall()
        statuses = conn.execute("SELECT record_id, stage, status, reason, n_decisions FROM stage_status "
                                "ORDER BY 1, 2").fetchall()
        events = conn.execute("SELECT kind, record_id, reviewer, stage, detail::text FROM event "
                              "WHERE kind NOT IN ('import', 'reviewer_added', 'reviewer_login', "
                              "'project_created', 'settings_changed') ORDER BY id").fetchall()
    with Project.open(team.url()) as p:
        conflicts = [(c.record_id, c.stage) for c in p.conflicts.conflicts()]
        prisma = p.prisma.counts()
    return {
        "decisions": [(rid, short[n], st, d, r, note) for rid, n, st, d, r, note in decisions],
        "statuses": statuses,
        "events": [(k, rid, short.get(who, who), st, json.loads(detail)) for k, rid, who, st, detail in events],
        "conflicts": conflicts,
        "prisma": prisma,
    }


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_one_statement_leaves_what_the_general_way_leaves(
        postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strict: bool) -> None:
    used: list[bool] = []
    real = screening.decide_on_server

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)
        used.append(out is not None)
        return out

    fast = strict_team(postgres, tmp_path, strict=strict, reviewers=REVIEWERS)
    monkeypatch.setattr(screening, "decide_on_server", counting)
    _play(fast, strict)
    # every step of STEPS went in one statement; the reopening, the undo's neighbour on a
    # record at full text and nothing else went the general way
    assert used.count(True) == len(STEPS) + 1 and used.count(False) == 2

    general = strict_team(postgres, tmp_path, strict=strict, reviewers=REVIEWERS)
    monkeypatch.setattr(decide_server, "ENABLED", False)
    monkeypatch.setattr(screening, "decide_title_abstract", lambda *a, **k: None)  # the ORM's way
    _play(general, strict)

    got, expected = _state(fast), _state(general)
    assert got == expected
    statuses = {(rid, st): status for rid, st, status, _r, _n in got["statuses"]}
    assert statuses[(1, "title_abstract")] == "excluded" and statuses[(2, "title_abstract")] == "conflict"
    assert statuses[(4, "title_abstract")] == "excluded"  # reopened, then agreed
    assert got["conflicts"] == [(2, "title_abstract"), (3, "title_abstract")]
    assert ("reopened", 4, "bob", "title_abstract") in [e[:4] for e in got["events"]]
    assert got["decisions"][-1] == (6, "bob", "title_abstract", "exclude", "", "")
    assert (4, "ana", "title_abstract", "exclude", "", "ab") in got["decisions"]  # the control character went


def test_through_the_function_a_reviewer_role_still_writes_only_in_its_own_name(
        postgres: PostgresServer, tmp_path: Path) -> None:
    team = strict_team(postgres, tmp_path, reviewers=REVIEWERS)
    with team.open("bob") as bob:
        bob.screening.decide(2, team["bob"], "include", note="bob on 2")
    with team.open("ana") as ana:
        ana.screening.decide(2, team["ana"], "maybe")  # record 2: a conflict, so readable
    before = _state(team)
    with team.sql("ana", autocommit=True) as conn:
        for rid in (1, 2):  # bob has not decided 1 (his row is hidden); he has decided 2 (shown)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT screener_decide(%s, %s, 'maybe', 'forged')", (rid, team["bob"]))
        # her own decision goes, in her name, at the server's time, whatever she claims
        at = conn.execute("SELECT screener_decide(1, %s, 'maybe', '')", (team["ana"],)).fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the history stays append-only
            conn.execute("DELETE FROM event WHERE reviewer = %s", (team["ana"],))
    after = _state(team)
    assert after["decisions"] == [(1, "ana", "title_abstract", "maybe", "", ""),
                                  *before["decisions"]]
    assert after["events"][:-1] == before["events"] and after["events"][-1][:3] == ("decision", 1, "ana")
    with team.sql() as owner:
        assert owner.execute("SELECT decided_at FROM decision WHERE record_id = 1").fetchone()[0] == at


def test_a_decision_while_the_server_is_stopped_is_reported_not_saved(tmp_path: Path) -> None:
    bindir = pg_bin_dir()
    assert bindir is not None, "PostgreSQL server binaries are needed"
    server = PostgresServer(bindir)
    server.start()
    try:
        team = strict_team(server, tmp_path, reviewers=REVIEWERS)
        with team.open("ana") as ana:
            ana.screening.decide(1, team["ana"], "include")
            server.halt()
            try:
                with pytest.raises(ConnectionLost, match="the server cannot be reached, so this was not saved"):
                    ana.screening.decide(2, team["ana"], "include")
            finally:
                server.resume()
            ana.screening.decide(3, team["ana"], "exclude")  # the pool reconnects by itself
            assert [d.record_id for d in ana.screening.decisions_of(2)] == []
        assert [(rid, d) for rid, _n, _s, d, _r, _note in _state(team)["decisions"]] == [(1, "include"),
                                                                                        (3, "exclude")]
    finally:
        server.stop()


def test_a_connection_the_server_closed_is_replaced_before_anything_is_sent(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """No ping before each unit of work (store/liveness.py): a pooled connection whose backend
    the server ended is seen closed at checkout, and the decision goes on a new one."""
    team = strict_team(postgres, tmp_path, reviewers=REVIEWERS)
    with team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "include")
        with superuser(postgres) as su:
            ended = su.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = %s AND usename = %s", (team.database, team["ana"])).fetchall()
            assert ended and all(ok for (ok,) in ended)
            deadline = time.monotonic() + 30  # the backends have gone (their sockets closed)
            while su.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND usename = %s",
                             (team.database, team["ana"])).fetchone()[0] and time.monotonic() < deadline:
                time.sleep(0.01)
        ana.screening.decide(2, team["ana"], "exclude")  # no error: a new connection
        assert [d.decision for d in ana.screening.decisions_of(2)] == ["exclude"]
