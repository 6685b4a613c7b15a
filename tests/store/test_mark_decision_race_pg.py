"""On a PostgreSQL server, a reviewer's decision and a manual merge ("mark as duplicate",
``DedupService.mark``) follow each other: the merge locks both groups' statuses
(``merging.lock_for_merge``, in id order) before it reads which of them reviewers decided
on to pick the record it keeps. Without that, a decision committed between that read and
the merge left its record merged away into an undecided one.

Two real connections in two threads on a real server, held and watched as
``tests.store.races`` does: never waiting on a clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ScreenerError
from tests.pg import PostgresServer
from tests.store.races import Worker, pair_project, race
from tests.store.test_dedup_decision_race_pg import _state


def test_a_decision_made_while_a_manual_merge_writes_waits_and_is_refused_plainly(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """Bob marks 2 a duplicate of 1; the merge has picked 1 (nobody decided on either) and
    is about to link 2 to it when ana includes 2: her decision waits, then is refused."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as merger, Project.open(url) as reviewer:
        mark = Worker("mark", lambda: merger.dedup.mark(1, 2, True, reviewer="bob"))
        decision = Worker("reviewer", lambda: reviewer.screening.decide(2, "ana", "include"))
        waited = race(merger.store.write_engine, mark, "UPDATE record SET duplicate_of", decision, url)
        mark.outcome()
        with pytest.raises(ScreenerError, match="record 2 is a duplicate of record 1; decide on that one"):
            decision.outcome()
        links, status, decisions = _state(merger)
    assert waited  # the decision waited for the merge to commit
    assert links == {1: None, 2: 1, 3: None}
    assert status == {1: "undecided", 2: "duplicate", 3: "undecided"}
    assert decisions == []


def test_a_decision_being_written_when_a_manual_merge_starts_is_waited_for_and_keeps_its_record(
        postgres: PostgresServer, tmp_path: Path) -> None:
    """Ana's exclusion of 2 (with a reason: several statements) is being written when bob
    marks 2 a duplicate of 1: the merge waits, then sees 2 decided and keeps it."""
    url = pair_project(postgres, tmp_path)
    with Project.open(url) as merger, Project.open(url) as reviewer:
        decision = Worker("reviewer", lambda: reviewer.screening.decide(2, "ana", "exclude", reason="Wrong design"))
        mark = Worker("mark", lambda: merger.dedup.mark(1, 2, True, reviewer="bob"))
        waited = race(reviewer.store.write_engine, decision, "INSERT INTO decision", mark, url)
        decision.outcome()
        mark.outcome()
        links, status, decisions = _state(merger)
    assert waited  # the merge waited for the decision to commit
    assert links == {1: 2, 2: None, 3: None}  # the decided record is the one kept
    assert status == {1: "duplicate", 2: "excluded", 3: "undecided"}
    assert decisions == [(2, "exclude")]
