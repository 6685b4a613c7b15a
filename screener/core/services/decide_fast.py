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
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
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
from screener.text import has_controls, strip_controls
from screener.types import Choice, Stage, Status

TA = Stage.TITLE_ABSTRACT.value
_RID: Any = bindparam("rid")

# Built once: each decision only binds its values (SQLAlchemy caches their compiled form).
# What the decision needs to know, in one round trip: the reviewer's id, whether the record
# exists and is a duplicate, its status, the project's rules, its assignments and any
# resolution at title/abstract.
FACTS = select(
    select(Reviewer.id).where(Reviewer.name == bindparam("name")).scalar_subquery(),
    Record.duplicate_of,
    select(StageStatus.status).where(StageStatus.record_id == _RID, StageStatus.stage == TA).scalar_subquery(),
    select(Project.reviewers_per_record_ta).where(Project.id == 1).scalar_subquery(),
    select(Project.ta_reason_required).where(Project.id == 1).scalar_subquery(),
    select(func.count()).select_from(Assignment)
    .where(Assignment.record_id == _RID, Assignment.stage == TA).scalar_subquery(),
    select(Resolution.id).where(Resolution.record_id == _RID, Resolution.stage == TA).limit(1).scalar_subquery(),
).where(Record.id == _RID)
VOTES = (select(Reviewer.id, Reviewer.name, Decision.id, Decision.decision, Decision.reason, Decision.note)
         .join(Reviewer, Reviewer.id == Decision.reviewer_id)
         .where(Decision.record_id == _RID, Decision.stage == TA).order_by(Reviewer.name))
REASONS_IN_ORDER = (select(Reviewer.name, Decision.decision, Decision.reason)
                    .join(Reviewer, Reviewer.id == Decision.reviewer_id)
                    .where(Decision.record_id == _RID, Decision.stage == TA).order_by(Reviewer.name))
NEW_DECISION = insert(Decision).values(stage=TA, reason="")
CHANGED_DECISION = update(Decision).where(Decision.id == bindparam("decision_id")).values(reason="")
NEW_EVENT = insert(Event).values(kind="decision", stage=TA)
SET_STATUS = update(StageStatus).where(StageStatus.record_id == bindparam("rid_"), StageStatus.stage == TA)
NEW_STATUS = insert(StageStatus).values(stage=TA)
RESOLUTION = select(Resolution.decision, Resolution.reason).where(Resolution.record_id == _RID, Resolution.stage == TA)


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
    facts = conn.execute(FACTS, {"rid": record_id, "name": reviewer}).one_or_none()
    if facts is None:
        return None  # no such record: the general way says so
    reviewer_id, duplicate_of, status, required, reason_required, assigned, resolution = facts
    if reviewer_id is None or duplicate_of is not None or status == Status.INCLUDED.value:
        return None  # unknown reviewer, a duplicate, or full-text work at stake
    if reason_required and decision == Choice.EXCLUDE:
        return None  # the general way says a reason is needed
    votes = conn.execute(VOTES, {"rid": record_id}).all()
    mine = next((v for v in votes if v[0] == reviewer_id), None)
    previous = None if mine is None else {"decision": mine[3], "reason": mine[4], "note": mine[5]}
    if previous is not None and resolution is not None and (previous["decision"], previous["reason"]) != (decision, ""):
        return None  # a resolved conflict reopens: the general way logs it
    at = now()
    if has_controls(note):  # as the ORM's flush does for every row (store.clean_text)
        note = strip_controls(note)
    if mine is None:
        conn.execute(NEW_DECISION, {"record_id": record_id, "reviewer_id": reviewer_id, "decision": decision,
                                    "note": note, "decided_at": at})
    else:
        conn.execute(CHANGED_DECISION, {"decision_id": mine[2], "decision": decision, "note": note, "decided_at": at})
    conn.execute(NEW_EVENT, {"at": at, "record_id": record_id, "reviewer": reviewer,
                             "detail": {"decision": decision, "reason": "", "note": note, "previous": previous}})
    after = [Vote(name, d, r) for rid, name, _id, d, r, _n in votes if rid != reviewer_id]
    after.append(Vote(reviewer, decision, ""))
    if len({v.reason for v in after}) > 1:  # the first reviewer's reason counts: in the database's order
        after = [Vote(*row) for row in conn.execute(REASONS_IN_ORDER, {"rid": record_id})]
    outcome = stage_outcome(TA, max(required or 1, assigned or 0), after, None if resolution is None else
                            _resolution_vote(conn, record_id))
    values = {"status": outcome.status.value, "reason": outcome.reason, "n_decisions": len(after)}
    if conn.execute(SET_STATUS, {"rid_": record_id, **values}).rowcount == 0:
        conn.execute(NEW_STATUS, {"record_id": record_id, **values})
    return at, ""


def _resolution_vote(conn: Connection, record_id: int) -> Vote | None:
    row = conn.execute(RESOLUTION, {"rid": record_id}).one_or_none()
    return None if row is None else Vote("", row[0], row[1])
