"""Strict mode through the services: who you are is the role you log in as, blinding holds,
the database keeps statuses by the same rules as the Python path, and the server's schema
is guarded."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import psycopg
import pytest

from screener.core.project import Project
from screener.core.screening_rules import Vote, stage_outcome
from screener.store import security
from screener.store.engine import ProjectVersionError, head_revision
from screener.store.models import Base
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project
from tests.team import Team, strict_team


@pytest.fixture
def team(postgres, tmp_path: Path) -> Team:  # type: ignore[no-untyped-def]
    return strict_team(postgres, tmp_path)


def test_who_you_are_is_the_role_you_log_in_as(team: Team) -> None:
    with team.open("ana") as ana, team.open() as owner:
        assert ana.settings.info().strict and owner.settings.info().strict
        assert ana.settings.bound_reviewer() == team["ana"]
        assert owner.settings.bound_reviewer() is None
        with pytest.raises(ScreenerError, match=f"you are '{team['ana']}'.*cannot act as '{team['bob']}'"):
            ana.screening.decide(1, team["bob"], "include")
        with pytest.raises(ScreenerError, match="is not a reviewer here"):
            owner.screening.decide(1, team["ana"], "include")
        for act in (lambda: ana.records.set_note(1, team["bob"], "x"),
                    lambda: ana.screening.undo_last(team["bob"]),
                    lambda: ana.packages.create_package(team["bob"], Path("/nonexistent/x.screener"))):
            with pytest.raises(ScreenerError, match="cannot act as"):
                act()
        ana.screening.decide(1, team["ana"], "include", note="mine")
        ana.records.set_tags(1, ["peer"])  # tags are shared; the event is in ana's name
        assert [e.reviewer for e in owner.history.history(1) if e.kind == "tags"] == [team["ana"]]
        assert [(d.reviewer, d.decision) for d in owner.screening.decisions_of(1)] == [(team["ana"], "include")]


def test_a_reviewer_sees_the_others_work_only_once_every_needed_reviewer_decided(team: Team) -> None:
    with team.open("ana") as ana, team.open("bob") as bob, team.open("carla") as carla:
        ana.screening.decide(1, team["ana"], "include", note="ana thinks yes")
        ana.records.set_note(1, team["ana"], "ana's private note")
        assert bob.screening.decisions_of(1) == [] and carla.conflicts.conflicts() == []
        assert [e.kind for e in bob.history.history(1)] == ["import"]
        assert bob.records.detail(1).status == {"title_abstract": "undecided", "full_text": "undecided"}
        assert bob.conflicts.agreement() == []
        bob.screening.decide(1, team["bob"], "exclude", note="bob thinks no")
        seen = {(d.reviewer, d.decision, d.note) for d in bob.screening.decisions_of(1)}
        assert seen == {(team["ana"], "include", "ana thinks yes"), (team["bob"], "exclude", "bob thinks no")}
        assert [c.record_id for c in carla.conflicts.conflicts()] == [1]
        assert bob.records.detail(1, viewer=team["bob"]).note == ""  # private notes stay private
        assert "ana's private note" not in repr(bob.history.history(1))
        assert [a.n for a in bob.conflicts.agreement()] == [1]


def test_the_database_keeps_statuses_by_the_same_rules_as_python(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One scripted review, then random decisions, on a file, on a server (Python keeps the
    statuses) and on a strict server (triggers keep them): every status the same."""
    names = {"ana": "reviewer", "bob": "reviewer", "carla": "resolver"}
    runs = {}
    with new_project(str(tmp_path / "r.screener"), reviewers=()) as p:
        add_batch(p, [make_record(i) for i in range(1, 41)], tmp=tmp_path)
        for n, role in names.items():
            p.settings.add_reviewer(n, role)
    runs["sqlite"] = _play(lambda who: Project.open(tmp_path / "r.screener"), lambda short: short)
    for kind in ("postgresql", "strict"):
        team = strict_team(postgres, tmp_path, records=40, strict=kind == "strict", reviewers=names)
        act = team.open if kind == "strict" else (lambda who, t=team: t.open())
        runs[kind] = _play(act, team.names.__getitem__)
    assert runs["strict"] == runs["postgresql"] == runs["sqlite"]
    assert {status for (_, _, status, _, _) in runs["strict"]} >= {"included", "excluded", "conflict",
                                                                   "undecided", "duplicate", "not_retrieved"}


def _play(act, name) -> list[tuple[int, str, str, str, int]]:  # type: ignore[no-untyped-def]
    rng = random.Random(12)
    ana, bob, carla = (act(w) for w in ("ana", "bob", "carla"))
    owner = act(None)
    try:
        for rid in range(1, 31):  # random title/abstract decisions, some by a third reviewer
            for who, p in (("ana", ana), ("bob", bob), ("carla", carla)):
                if rng.random() < (0.9 if who != "carla" else 0.2):
                    p.screening.decide(rid, name(who), rng.choice(["include", "exclude", "maybe"]))
        conflicts = [c.record_id for c in carla.conflicts.conflicts()]
        for rid in conflicts[:3]:
            carla.conflicts.resolve(rid, "include", name("carla"))
        for rid in conflicts[3:5]:
            carla.conflicts.resolve(rid, "exclude", name("carla"), note="by the resolver")
        bob.screening.decide(conflicts[0], name("bob"), "maybe")  # reopens the resolution
        ana.screening.decide(31, name("ana"), "include")
        ana.screening.decide(31, name("ana"), "exclude")
        ana.screening.undo_last(name("ana"))
        included = [r.record_id for r in owner.records.listing(status="included")]
        reasons = ["Wrong population", "Wrong design"]
        ana.retrieval.set_retrieval(included[0], False)  # a report not obtained is not assessed
        ana.retrieval.set_retrieval(included[1], False)
        ana.retrieval.set_retrieval(included[1], True)  # until it is found after all
        included = included[1:]
        for rid in included:  # full text: agreeing and disagreeing reasons
            for who, p in (("ana", ana), ("bob", bob)):
                choice = rng.choice(["include", "exclude", "exclude"])
                p.screening.decide(rid, name(who), choice, stage="full_text",
                                   reason=rng.choice(reasons) if choice == "exclude" else "")
        owner.dedup.mark(38, 39, True)  # a duplicate, and records decided before it was one
        owner.settings.update(reviewers_per_record={"full_text": 1})
        with owner.store.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(
                "SELECT record_id, stage, status, reason, n_decisions FROM stage_status "
                "ORDER BY record_id, stage")]
    finally:
        for p in (ana, bob, carla, owner):
            p.close()


def test_the_status_function_agrees_with_the_rules_on_random_votes(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The database's rules against ``stage_outcome`` on many random sets of votes, written
    straight into the tables by the owner (so every combination is reached)."""
    rng = random.Random(7)
    team = strict_team(postgres, tmp_path, records=150)
    with team.sql() as conn:
        ids = {n: conn.execute("SELECT id FROM reviewer WHERE name = %s", [team[n]]).fetchone()[0]
               for n in ("ana", "bob", "carla")}
        records = [r for (r,) in conn.execute("SELECT id FROM record ORDER BY id")]
        expected = {}
        for rid in records:
            for stage in ("title_abstract", "full_text"):
                votes = []
                for who in rng.sample(sorted(ids), rng.randint(0, 3)):
                    decision = rng.choice(["include", "exclude", "maybe"])
                    reason = rng.choice(["Wrong population", "Wrong design"]) if decision == "exclude" else ""
                    conn.execute("INSERT INTO decision (record_id, reviewer_id, stage, decision, reason, "
                                 "note, decided_at) VALUES (%s, %s, %s, %s, %s, '', now())",
                                 [rid, ids[who], stage, decision, reason])
                    votes.append(Vote(team[who], decision, reason))
                resolution = None
                if votes and rng.random() < 0.15:
                    resolution = Vote(team["carla"], rng.choice(["include", "exclude"]), "Wrong design")
                    conn.execute("INSERT INTO resolution (record_id, stage, decision, reason, note, "
                                 "reviewer_id, resolved_at) VALUES (%s, %s, %s, %s, '', %s, now())",
                                 [rid, stage, resolution.decision,
                                  resolution.reason if resolution.decision == "exclude" else "", ids["carla"]])
                votes.sort(key=lambda v: v.reviewer)
                if resolution is not None and resolution.decision == "include":
                    resolution = Vote(resolution.reviewer, "include", "")
                outcome = stage_outcome(stage, 2, votes, resolution)
                expected[(rid, stage)] = (outcome.status.value, outcome.reason, len(votes))
        got = {(rid, stage): (status, reason, n) for rid, stage, status, reason, n in conn.execute(
            "SELECT record_id, stage, status, reason, n_decisions FROM stage_status")}
    assert got == expected
    assert len(expected) == 2 * len(records) == 300


def test_two_reviewers_deciding_on_the_same_records_at_once_leave_every_status_right(team: Team) -> None:
    choices = {"ana": ["include", "exclude"] * 3, "bob": ["include"] * 6}
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def screen(who: str) -> None:
        try:
            with team.open(who) as p:
                start.wait()
                for rid, choice in enumerate(choices[who], start=1):
                    p.screening.decide(rid, team[who], choice)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=screen, args=(w,)) for w in choices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with team.open() as owner:
        assert [(r.record_id, r.status) for r in owner.records.listing()] == [
            (i, "included" if i % 2 else "conflict") for i in range(1, 7)]


def test_a_client_older_than_the_servers_schema_is_refused_naming_both_versions(team: Team) -> None:
    with team.sql(autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    for who in (None, "ana"):
        with pytest.raises(ProjectVersionError, match=f"schema 0099; this version reads schema {head_revision()}"):
            team.open(who)


def test_only_the_owner_can_upgrade_the_servers_schema(team: Team) -> None:
    with team.sql(autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
    with pytest.raises(ProjectVersionError,
                       match=f"at schema 0002 and this Screener uses schema {head_revision()}; its owner must"):
        team.open("ana")


def test_every_table_with_a_reviewers_rows_has_a_rule_in_strict_mode() -> None:
    """A new table holding something of a reviewer's must be given its row-level security in
    store/security.py (until then reviewers cannot read it at all)."""
    assert set(security.private_tables()) <= set(security.RLS_TABLES)
    assert set(security.readable_tables()) - {"alembic_version"} == {t.name for t in Base.metadata.sorted_tables}


def test_strict_mode_needs_a_server(tmp_path: Path) -> None:
    with pytest.raises(ScreenerError, match="strict mode needs a PostgreSQL server"):
        Project.create(tmp_path / "x.screener", title="T", strict=True)
    assert not (tmp_path / "x.screener").exists()
    with new_project(str(tmp_path / "y.screener")) as p, pytest.raises(ScreenerError, match="--login needs a strict"):
        p.settings.add_reviewer("dan", login=True, password="x")


def test_a_strict_project_is_always_blind_and_reviewers_cannot_change_settings(team: Team) -> None:
    with team.open() as owner, pytest.raises(ScreenerError, match="always blind"):
        owner.settings.update(blind=False)
    with team.open("ana") as ana:
        with pytest.raises(ScreenerError, match="only the project's owner can change the settings"):
            ana.settings.update(resolve_policy="third-party")
        with pytest.raises(ScreenerError, match="only the project's owner can add reviewers"):
            ana.settings.add_reviewer("eve", login=True, password="x")
        with pytest.raises(ScreenerError, match="only the project's owner can make it strict"):
            ana.settings.make_strict()


def test_a_role_that_exists_becomes_a_reviewer_without_touching_its_password(team: Team, postgres) -> None:  # type: ignore[no-untyped-def]
    role = f"dan_{team.owner[-6:]}"
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'his own'")
        before = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role]).fetchone()
    with team.open() as owner:
        with pytest.raises(ScreenerError, match="already exists on this server: leave out --password-file"):
            owner.settings.add_reviewer(role, login=True, password="another")
        assert owner.settings.add_reviewer(role, login=True).login == role
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user, dbname="postgres") as conn:
        assert conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role]).fetchone() == before
    team.names["dan"] = role
    with team.open("dan") as dan:
        assert dan.settings.bound_reviewer() == role
        dan.screening.decide(2, role, "maybe")


def test_packages_on_a_strict_project_merge_only_for_their_own_reviewer(team: Team, tmp_path: Path) -> None:
    with team.open("ana") as ana:
        ana.packages.create_package(team["ana"], tmp_path / "ana.screener")
        ana.packages.create_package(team["ana"], tmp_path / "ana2.screener")
    for name in ("ana", "ana2"):
        with Project.open(tmp_path / f"{name}.screener") as pkg:
            assert not pkg.settings.info().strict
            pkg.screening.decide(3, team["ana"], "exclude", note="offline")
    with team.open("bob") as bob, pytest.raises(ScreenerError, match="nothing was merged"):
        bob.packages.merge_package(tmp_path / "ana.screener")
    with team.open("ana") as ana:
        assert ana.packages.merge_package(tmp_path / "ana.screener").applied == 1
    with team.open() as owner:  # the owner may merge a reviewer's package, in that reviewer's name
        assert owner.packages.merge_package(tmp_path / "ana2.screener").unchanged == 1
        assert [(d.reviewer, d.note) for d in owner.screening.decisions_of(3)] == [(team["ana"], "offline")]
        assert [e.kind for e in owner.history.history(3)] == ["import", "decision"]
