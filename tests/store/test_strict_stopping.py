"""Stopping screening early on a strict server project: who may record a stop is enforced
by the database itself, the history of stops is append-only, and a reviewer with plain SQL
can neither stop in another's name nor change or delete a stop."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from screener.types import ScreenerError
from tests.team import Team, strict_team


@pytest.fixture
def team(postgres, tmp_path: Path) -> Team:  # type: ignore[no-untyped-def]
    # ana and bob are reviewers, carla the resolver: only carla may stop
    return strict_team(postgres, tmp_path, records=8, per_record=1)


def test_the_resolver_stops_the_others_cannot_even_with_plain_sql(team: Team) -> None:
    with team.open("ana") as ana:
        for rid in (1, 2):
            ana.screening.decide(rid, team["ana"], "exclude")
        with pytest.raises(ScreenerError, match="resolver role"):
            ana.stopping.stop(team["ana"], "judgement")
        drawn = ana.stopping.draw_sample(team["ana"], seed=3)  # anyone may draw the sample
        assert drawn["urn_size"] == 6
        with pytest.raises(ScreenerError, match="cannot act as"):
            ana.stopping.draw_sample(team["bob"], seed=3)
    with team.open("carla") as carla:
        stop = carla.stopping.stop(team["carla"], "judgement", note="agreed at the team meeting")
        assert stop.left == 6 and stop.decided_by == team["carla"]
        counts = carla.prisma.counts()
        assert counts["excluded_automatic"] == 6 and counts["pending"]["title_abstract"] == 0
    with team.sql("ana") as conn:  # every member sees the stop and what it rested on
        assert conn.execute("SELECT action, method FROM stopping_decision").fetchall() == [("stop", "judgement")]
        assert conn.execute("SELECT count(*) FROM stopping_left").fetchone() == (6,)
        me = conn.execute("SELECT id FROM reviewer WHERE login = current_user").fetchone()
        assert me is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # not a resolver
            conn.execute("INSERT INTO stopping_decision (stage, action, withdraws_id, method, figures, "
                         "note, reviewer_id, decided_at) VALUES ('title_abstract', 'withdraw', %s, "
                         "'judgement', '{}', '', %s, now())", [stop.stop_id, me[0]])
    with team.sql("ana") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE stopping_decision SET note = 'never mind'")
    with team.sql("carla") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM stopping_decision")  # not even the resolver deletes a stop
    with team.sql("carla") as conn:
        ana_id = conn.execute("SELECT id FROM reviewer WHERE name = %s", [team["ana"]]).fetchone()
        assert ana_id is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # not in another's name
            conn.execute("INSERT INTO stopping_decision (stage, action, withdraws_id, method, figures, "
                         "note, reviewer_id, decided_at) VALUES ('title_abstract', 'withdraw', %s, "
                         "'judgement', '{}', '', %s, now())", [stop.stop_id, ana_id[0]])
    with team.sql("carla") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        # nor add records to a stop made earlier (only in the transaction that made it)
        conn.execute("INSERT INTO stopping_left (stop_id, record_id) VALUES (%s, 1)", [stop.stop_id])
    with team.sql("bob") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO stopping_sample_record (sample_id, position, record_id) "
                     "VALUES (%s, 99, 1)", [drawn["sample_id"]])  # nor to another's sample
    with team.open("carla") as carla:
        carla.stopping.withdraw(team["carla"], note="new search results arrived")
        assert carla.prisma.counts()["excluded_automatic"] == 0
        assert [d.action for d in carla.stopping.decisions()] == ["stop", "withdraw"]


def test_a_reviewer_reads_the_figures_without_seeing_undisclosed_decisions(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = strict_team(postgres, tmp_path, records=6, per_record=2)
    with team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "include")
    with team.open("bob") as bob:
        f = bob.stopping.figures(team["bob"])
        # ana's decision is not final (bob has not decided): nothing screened, nothing leaks
        assert (f.screened, f.relevant, f.decided_by_streak_owner) == (0, 0, 0)
        bob.screening.decide(1, team["bob"], "include")
        f = bob.stopping.figures(team["bob"])
        assert (f.screened, f.relevant) == (1, 1)
