"""``screener copy``: lossless, history included, file to server, server to file, file to file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, select

from screener.core.project import Project
from screener.core.services.copying import copy_project
from screener.store.engine import project_url
from screener.store.models import Base
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project
from tests.team import strict_team


def rows_of(target: str) -> dict[str, list[tuple]]:
    """Every row of every table, in key order."""
    engine = create_engine(project_url(target))
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def full_review(target: str, tmp: Path) -> None:
    """A project that has been through everything: two batches, a merged duplicate, decisions
    at both stages, changes, an undo, a resolution, notes, tags, retrieval, settings, a package."""
    with new_project(target) as p:
        p.settings.add_reviewer("carla", "resolver")
        add_batch(p, [make_record(i) for i in range(1, 9)], tmp=tmp)
        add_batch(p, [make_record(9, title="Randomised trial 1 of peer support in mental health services",
                                  doi="10.1/x", abstract="ünïcödé \u2028 and a\ttab")], source="Embase",
                  file_name="embase.ris", tmp=tmp)
        p.dedup.mark(1, 9, True)
        for rid in range(2, 8):
            p.screening.decide(rid, "ana", "include" if rid % 3 else "exclude", note=f"ana {rid}")
            p.screening.decide(rid, "ben", "include" if rid % 2 else "maybe")
        p.screening.decide(2, "ana", "exclude")
        p.screening.undo_last("ana")
        for c in p.conflicts.conflicts():
            p.conflicts.resolve(c.record_id, "include", "carla", note="discussed")
        p.screening.decide(5, "ana", "exclude", stage="full_text", reason="Wrong design")
        p.records.set_note(3, "ben", "ben's private note")
        p.records.set_tags(4, ["peer", "rct"])
        p.retrieval.set_retrieval(5, True)
        p.settings.update(include_terms=["peer"], exclude_terms=["child"], resolve_policy="resolver")
        p.prisma.set_manual("excluded_automatic", 3)
        p.packages.create_package("ben", tmp / f"ben-{os.getpid()}-{time.monotonic_ns()}.screener")


def test_a_round_trip_file_server_file_keeps_every_row(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = str(tmp_path / "review.screener")
    full_review(source, tmp_path)
    server, back, twin = postgres.new_database(), str(tmp_path / "back.screener"), str(tmp_path / "twin.screener")
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("DROP SCHEMA public CASCADE")  # a database really empty: CREATE DATABASE gives
        conn.execute("CREATE SCHEMA public")  # an empty public schema, so this only checks the habit
    report = copy_project(source, server)
    copy_project(server, back)
    copy_project(source, twin)
    expected = rows_of(source)
    assert sum(report.rows.values()) == sum(len(r) for r in expected.values())
    assert report.rows["event"] == len(expected["event"]) > 20
    for target in (server, back, twin):
        assert rows_of(target) == expected, target
    with Project.open(back) as p, Project.open(source) as q:  # and it works: search, history, new ids
        assert p.records.ids(search="peer supp") == q.records.ids(search="peer supp") != []
        assert [e.kind for e in p.history.history(2)] == [e.kind for e in q.history.history(2)]
    with Project.open(server) as p:
        p.screening.decide(8, "ana", "include")  # new rows get new ids on the server too
        assert [e.kind for e in p.history.history(8)][-1] == "decision"


def test_a_copy_goes_only_where_nothing_is(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = str(tmp_path / "review.screener")
    new_project(source).close()
    taken = tmp_path / "taken.screener"
    taken.write_text("mine")
    with pytest.raises(ScreenerError, match="a file already exists there"):
        copy_project(source, str(taken))
    assert taken.read_text() == "mine"
    with pytest.raises(ScreenerError, match="that is the project being copied"):
        copy_project(source, source)
    with pytest.raises(ScreenerError, match="--strict needs a PostgreSQL server"):
        copy_project(source, str(tmp_path / "new.screener"), strict=True)
    server = postgres.new_database()
    copy_project(source, server)
    with pytest.raises(ScreenerError, match="that database is not empty"):
        copy_project(source, server)
    with pytest.raises(ScreenerError, match="no such project file"):
        copy_project(str(tmp_path / "missing.screener"), str(tmp_path / "x.screener"))
    assert not (tmp_path / "x.screener").exists()


def test_a_strict_project_copies_whole_only_for_its_owner(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = strict_team(postgres, tmp_path)
    with team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "include", note="blind")
    with pytest.raises(ScreenerError, match="only the project's owner can copy it whole"):
        copy_project(team.url(team["ana"]), str(tmp_path / "leak.screener"))
    assert not (tmp_path / "leak.screener").exists()
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{team.database}_copy" OWNER "{team.owner}"')
    copy = team.url().replace(team.database, f"{team.database}_copy")
    report = copy_project(team.url(), copy)
    assert report.strict and report.warnings == []  # the same server: the reviewers' roles carry over
    file = str(tmp_path / "file.screener")
    assert not copy_project(copy, file).strict
    assert rows_of(file)["decision"] == rows_of(team.url())["decision"]
    with Project.open(copy.replace(team.owner, team["bob"])) as bob:
        assert bob.settings.bound_reviewer() == team["bob"] and bob.screening.decisions_of(1) == []


def test_a_copy_killed_midway_leaves_an_empty_database(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = str(tmp_path / "big.screener")
    with new_project(source) as p:
        add_batch(p, [make_record(i, abstract="long " * 400) for i in range(1, 6001)], tmp=tmp_path)
    dest = postgres.new_database()
    name = dest.rsplit("/", 1)[1]
    proc = subprocess.Popen([sys.executable, "-m", "screener", "copy", source, dest],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user, dbname="postgres",
                         autocommit=True) as watch:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:  # wait for it to write records
            if watch.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s AND query LIKE 'INSERT INTO record %%'",
                             [name]).fetchone():
                break
        else:
            pytest.fail("the copy never started writing records")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 60
        while watch.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s", [name]).fetchone():
            assert time.monotonic() < deadline, "the server kept the killed copy's session"
    with psycopg.connect(dest.replace("postgresql+psycopg", "postgresql")) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    copy_project(source, dest)  # so it can simply be run again
    assert len(rows_of(dest)["record"]) == 6000
