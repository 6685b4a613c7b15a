"""Backing a strict project up with pg_dump and restoring it, as docs/team-server.md says:
the restored project is whole, and still strict."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from screener.core.project import Project
from tests.team import strict_team


def test_a_strict_project_restored_from_pg_dump_is_whole_and_still_strict(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = strict_team(postgres, tmp_path)
    with team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "include", note="ana, blind")
        ana.screening.decide(2, team["ana"], "exclude")
    with team.open("bob") as bob:
        bob.screening.decide(2, team["bob"], "include")
    dump = tmp_path / "review.dump"
    server = ["-h", "127.0.0.1", "-p", str(postgres.port), "-U", team.owner]
    subprocess.run([str(postgres.bindir / "pg_dump"), *server, "-Fc", "-f", str(dump), team.database],
                   check=True, capture_output=True)
    as_bob = subprocess.run([str(postgres.bindir / "pg_dump"), "-h", "127.0.0.1", "-p", str(postgres.port),
                             "-U", team["bob"], "-Fc", "-f", str(tmp_path / "bob.dump"), team.database],
                            capture_output=True, text=True)
    assert as_bob.returncode != 0  # a reviewer's dump fails rather than leave out the others' rows
    restored = f"{team.database}_restored"
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{restored}" OWNER "{team.owner}"')
    subprocess.run([str(postgres.bindir / "pg_restore"), *server, "--no-owner", "-d", restored, str(dump)],
                   check=True, capture_output=True)
    url = team.url().replace(team.database, restored)
    with Project.open(url) as owner:
        assert owner.settings.make_strict() == []  # the database's own privileges are not in a dump
        assert [(r.record_id, r.status) for r in owner.records.listing()][:2] == [(1, "undecided"), (2, "conflict")]
    with Project.open(url.replace(team.owner, team["bob"])) as bob:
        assert bob.settings.bound_reviewer() == team["bob"]
        assert bob.screening.decisions_of(1) == []  # still blind
        with pytest.raises(Exception, match="cannot act as"):
            bob.screening.decide(1, team["ana"], "include")
        bob.screening.decide(1, team["bob"], "exclude")  # the triggers still keep the statuses
        assert [(d.reviewer, d.note) for d in bob.screening.decisions_of(1)] == [
            (team["ana"], "ana, blind"), (team["bob"], "")]
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=team["bob"], dbname=restored) as conn:
        with pytest.raises(psycopg.Error):
            conn.execute("DELETE FROM event")
