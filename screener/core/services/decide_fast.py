"""The hot path of screening: one reviewer's decision on one record at title/abstract, as a
few Core statements on one connection, and the record's status updated from what those
statements read (no ORM loads, no flushes, no recompute of the stage).

It takes the common case only: a title/abstract decision on a project whose status the
application keeps (a project file, or a plain server project), on a record that is not a
duplicate and not (or no longer) at full text, with no resolution to reopen. Anything
else returns ``None`` before writing a thing, and ``screening.apply_decision`` does it the
general way in the same unit of work. The rules are those of
``core.screening_rules.stage_outcome``; tests/core/test_decide_fast.py checks that both
ways leave the same rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.orm import Session

from screener.core.screening_rules import Vote, stage_outcome
from screener.core.services.base import now
from screener.core.services.status import lock_records
from screener.store.identity import status_kept_by_database
from screener.store.models import (
    Assignment,
    Decision,
    Event,
    Project,
    Record,
    Resolution,
    Reviewer,
    StageStatus,
)
from screener.types import Choice, Stage, Status

TA = Stage.TITLE_ABSTRACT.value
_D, _E, _S = Decision.__table__, Event.__table__, StageStatus.__table__


def _facts(conn: Connection, record_id: int, reviewer: str):  # type: ignore[no-untyped-def]
    """What the decision needs to know, in one round trip: the reviewer's id, whether the
    record exists and is a duplicate, its status, the project's rules, its assignments
    and any resolution at title/abstract."""
    status = select(StageStatus.status).where(StageStatus.record_id == record_id, StageStatus.stage == TA)
    return conn.execute(
        select(
            select(Reviewer.id).where(Reviewer.name == reviewer).scalar_subquery(),
            Record.duplicate_of,
            status.scalar_subquery(),
            select(Project.reviewers_per_record_ta).where(Project.id == 1).scalar_subquery(),
            select(Project.ta_reason_required).where(Project.id == 1).scalar_subquery(),
            select(func.count()).select_from(Assignment)
            .where(Assignment.record_id == record_id, Assignment.stage == TA).scalar_subquery(),
            select(Resolution.id).where(Resolution.record_id == record_id, Resolution.stage == TA)
            .limit(1).scalar_subquery(),
        ).where(Record.id == record_id)
    ).one_or_none()


def decide_title_abstract(
    s: Session, record_id: int, reviewer: str, decision: str, reason: str, note: str
) -> tuple[datetime, str] | None:
    """Record the decision and the record's new status; returns (decided at, reason as
    stored), or None (nothing written) when the general way must do it."""
    if status_kept_by_database(s):  # strict server project: triggers and policies do it
        return None
    if reason.strip():
        return None  # a reason to check against the project's list
    lock_records(s, [record_id])  # a server's row locks, in id order (as the general way)
    conn = s.connection()
    facts = _facts(conn, record_id, reviewer)
    if facts is None:
        return None  # no such record: the general way says so
    reviewer_id, duplicate_of, status, required, reason_required, assigned, resolution = facts
    if reviewer_id is None or duplicate_of is not None or status == Status.INCLUDED.value:
        return None  # unknown reviewer, a duplicate, or full-text work at stake
    if reason_required and decision == Choice.EXCLUDE:
        return None  # the general way says a reason is needed
    votes = conn.execute(
        select(Reviewer.id, Reviewer.name, Decision.id, Decision.decision, Decision.reason, Decision.note)
        .join(Reviewer, Reviewer.id == Decision.reviewer_id)
        .where(Decision.record_id == record_id, Decision.stage == TA)
        .order_by(Reviewer.name)
    ).all()
    mine = next((v for v in votes if v[0] == reviewer_id), None)
    previous = None if mine is None else {"decision": mine[3], "reason": mine[4], "note": mine[5]}
    if previous is not None and resolution is not None and (previous["decision"], previous["reason"]) != (decision, ""):
        return None  # a resolved conflict reopens: the general way logs it
    at = now()
    if mine is None:
        conn.execute(insert(_D).values(record_id=record_id, reviewer_id=reviewer_id, stage=TA,
                                       decision=decision, reason="", note=note, decided_at=at))
    else:
        conn.execute(update(_D).where(_D.c.id == mine[2])
                     .values(decision=decision, reason="", note=note, decided_at=at))
    conn.execute(insert(_E).values(
        at=at, kind="decision", record_id=record_id, reviewer=reviewer, stage=TA,
        detail={"decision": decision, "reason": "", "note": note, "previous": previous}))
    after = [Vote(name, d, r) for rid, name, _id, d, r, _n in votes if rid != reviewer_id]
    after.append(Vote(reviewer, decision, ""))
    if len({v.reason for v in after}) > 1:  # the first reviewer's reason counts: in the database's order
        after = [Vote(*row) for row in conn.execute(
            select(Reviewer.name, Decision.decision, Decision.reason)
            .join(Reviewer, Reviewer.id == Decision.reviewer_id)
            .where(Decision.record_id == record_id, Decision.stage == TA).order_by(Reviewer.name))]
    outcome = stage_outcome(TA, max(required or 1, assigned or 0), after, None if resolution is None else
                            _resolution_vote(conn, record_id))
    changed = conn.execute(
        update(_S).where(and_(_S.c.record_id == record_id, _S.c.stage == TA))
        .values(status=outcome.status.value, reason=outcome.reason, n_decisions=len(after))
    )
    if changed.rowcount == 0:
        conn.execute(insert(_S).values(record_id=record_id, stage=TA, status=outcome.status.value,
                                       reason=outcome.reason, n_decisions=len(after)))
    return at, ""


def _resolution_vote(conn: Connection, record_id: int) -> Vote | None:
    row = conn.execute(select(Resolution.decision, Resolution.reason)
                       .where(Resolution.record_id == record_id, Resolution.stage == TA)).one_or_none()
    return None if row is None else Vote("", row[0], row[1])
