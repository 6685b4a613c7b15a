"""The team's workspace on a strict server project: labels stay each reviewer's own, a bulk
step is one reviewer's and is in the history, and records assigned to more reviewers than
the project asks for wait for all of them, by the database's own rules."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from screener.types import ScreenerError
from tests.team import Team, strict_team


@pytest.fixture
def team(postgres, tmp_path: Path) -> Team:  # type: ignore[no-untyped-def]
    return strict_team(postgres, tmp_path)


def test_a_reviewers_labels_are_their_own_even_with_plain_sql(team: Team) -> None:
    with team.open() as owner:
        owner.labels.set_labels(["RCT?", "ask author"])
    with team.open("ana") as ana, team.open("bob") as bob:
        assert ana.labels.toggle(1, team["ana"], "RCT?")
        assert ana.labels.of(1, viewer=team["ana"]) == ["RCT?"]
        assert bob.labels.of(1, viewer=team["bob"]) == []
        with pytest.raises(ScreenerError, match="cannot act as"):
            ana.labels.toggle(1, team["bob"], "ask author")
    with team.sql("bob") as conn:
        assert conn.execute("SELECT count(*) FROM record_label").fetchone() == (0,)
        ana_id = conn.execute("SELECT id FROM reviewer WHERE name = %s", [team["ana"]]).fetchone()
        assert ana_id is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO record_label (record_id, label_id, reviewer_id) "
                         "SELECT 2, id, %s FROM label LIMIT 1", [ana_id[0]])
    with team.sql("bob") as conn:  # nor can bob see that ana labelled anything in the history
        kinds = [k for (k,) in conn.execute("SELECT kind FROM event WHERE reviewer = %s", [team["ana"]])]
        assert "label" not in kinds
    with team.sql("ana") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO label (name, position) VALUES ('mine', 9)")  # the list is the owner's


def test_a_bulk_step_by_a_reviewer_role_is_theirs_in_the_history_and_undoes_whole(team: Team) -> None:
    with team.open("ana") as ana:
        result = ana.bulk.decide([1, 2, 3], team["ana"], "exclude", reason="Wrong design")
        assert result.changed == 3
        with pytest.raises(ScreenerError, match="cannot act as"):
            ana.bulk.decide([4], team["bob"], "exclude")
    with team.open("bob") as bob:
        assert bob.screening.decisions_of(1) == []  # blind: bob has not decided
        bob.screening.decide(1, team["bob"], "exclude", reason="Wrong design")
        assert {d.reviewer for d in bob.screening.decisions_of(1)} == {team["ana"], team["bob"]}
        assert bob.records.detail(1).status["title_abstract"] == "excluded"
    with team.open("ana") as ana:
        undone = ana.screening.undo_last(team["ana"])
        assert undone is not None and undone.undone == 3
    with team.open() as owner:
        assert owner.records.detail(1).status["title_abstract"] == "undecided"
        assert owner.screening.decisions_of(2) == []
        mine = [(e.kind, e.reviewer) for e in owner.history.history(2) if e.kind in ("decision", "undo")]
        assert mine == [("decision", team["ana"]), ("undo", team["ana"])]


def test_records_assigned_to_more_reviewers_wait_for_all_of_them_on_a_strict_project(postgres, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    team = strict_team(postgres, tmp_path, per_record=1)
    with team.open() as owner:
        report = owner.allocation.assign([team["ana"], team["bob"]], per_record=1, overlap=1.0, seed=1)
        assert report.overlap == 6  # every record to both: a calibration round
    with team.open("ana") as ana:
        ana.screening.decide(1, team["ana"], "include")
        # one decision is all the project asks for, but record 1 is assigned to bob as well
        assert ana.records.detail(1).status["title_abstract"] == "undecided"
    with team.open("bob") as bob:
        assert bob.screening.decisions_of(1) == []  # still blind to ana's
        bob.screening.decide(1, team["bob"], "include")
        assert bob.records.detail(1).status["title_abstract"] == "included"
        bob.screening.decide(2, team["bob"], "exclude", reason="Wrong design")
        assert bob.records.detail(2).status["title_abstract"] == "undecided"  # ana's is still due
    with team.open() as owner:
        owner.allocation.clear()  # the plan is taken back: one reviewer is enough again
        assert owner.records.detail(2).status["title_abstract"] == "excluded"
