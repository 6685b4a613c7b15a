"""The hot path of Ctrl+Z: undoing one reviewer's latest title/abstract decision as a few Core
statements on one connection, and the record's status updated from the votes left (no ORM
loads, no flushes, no recompute) — the mirror of ``decide_fast``.

It takes the common case only: a single decision (not a bulk step) at title/abstract, on a
project whose status the application keeps, on a record that is not a duplicate, with no
resolution that the undo could reopen. (An undo that takes a record out of full text keeps
its full-text decisions, as the general way does: they no longer count.) Anything else returns ``None``
before writing a thing, and ``ScreeningService.undo_last`` does it the general way in the
same unit of work. tests/store/test_undo_fast.py checks that both ways leave the same rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from screener.core.screening_rules import Vote, stage_outcome
from screener.core.services.base import now
from screener.core.services.decide_fast import FACTS, NEW_STATUS, REASONS_IN_ORDER, SET_STATUS, TA
from screener.core.services.status import lock_records
from screener.store.identity import status_kept_by_database
from screener.store.models import Decision, Event

# decisions and undos, newest first: a few columns a row (of an undo's JSON only the value
# it undoes, no CAST that odd JSON could break), the detail read for the one decision found
LAST_EVENTS = (select(Event.id, Event.kind, Event.stage, Event.record_id, Event.detail["undoes"])
               .where(Event.reviewer == bindparam("name"), Event.kind.in_(("decision", "undo")),
                      Event.id < bindparam("before"))
               .order_by(Event.id.desc()).limit(bindparam("n")))
EVENT_DETAIL = select(Event.detail).where(Event.id == bindparam("event_id"))
MY_DECISION = select(Decision.id).where(Decision.record_id == bindparam("rid"), Decision.reviewer_id == bindparam("me"),
                                        Decision.stage == TA)
DROP_DECISION = delete(Decision).where(Decision.id == bindparam("decision_id"))
RESTORE_DECISION = update(Decision).where(Decision.id == bindparam("decision_id"))
UNDO_EVENT = insert(Event).values(kind="undo", stage=TA)
WITHIN = 500  # as screening.last_decision_in_force


def last_decision_event(s: Session, reviewer: str) -> tuple[int, str, int | None, dict[str, Any]] | None:
    """(event id, stage, record id, detail) of the reviewer's latest decision not undone,
    read a few events at a time, newest first (as ``screening.last_decision_in_force``)."""
    conn = s.connection()
    undone: set[int] = set()
    seen, before, n = 0, 2**31 - 1, 8  # above any event id (an INTEGER column); most undos look 1 back
    while seen < WITHIN:
        rows = conn.execute(LAST_EVENTS, {"name": reviewer, "before": before, "n": n}).all()
        if not rows:
            return None
        for event_id, kind, stage, record_id, undoes in rows[: WITHIN - seen]:
            if kind == "decision" and event_id not in undone:
                detail = conn.execute(EVENT_DETAIL, {"event_id": event_id}).scalar_one()
                return event_id, stage, record_id, detail if isinstance(detail, dict) else {}
            if kind == "undo" and type(undoes) is int:  # anything else undoes no event here
                undone.add(undoes)
        seen += len(rows)
        before, n = rows[-1][0], 64
    return None


def undo_title_abstract(s: Session, reviewer: str) -> tuple[int, str, str] | None:
    """Undo the reviewer's latest decision if it is the common case; returns (record id,
    decision undone, decision now in force or ''), or None (nothing written) when the general
    way must do it — including when there is nothing to undo."""
    if status_kept_by_database(s):  # strict server project: triggers and policies do it
        return None
    target = last_decision_event(s, reviewer)
    if target is None:
        return None
    event_id, stage, record_id, detail = target
    if stage != TA or record_id is None or detail.get("bulk"):
        return None
    lock_records(s, [record_id])
    conn = s.connection()
    facts = conn.execute(FACTS, {"rid": record_id, "name": reviewer}).one_or_none()
    if facts is None:
        return None
    reviewer_id, duplicate_of, _status, required, _reason_required, assigned, resolution = facts
    if reviewer_id is None or duplicate_of is not None or resolution is not None:
        return None  # a duplicate, or a resolution the undo may reopen: the general way
    mine = conn.execute(MY_DECISION, {"rid": record_id, "me": reviewer_id}).scalar_one_or_none()
    previous = detail.get("previous")
    at = now()
    restored = ""
    if previous is None:
        if mine is not None:
            conn.execute(DROP_DECISION, {"decision_id": mine})
    elif mine is not None:
        restored = previous["decision"]
        conn.execute(RESTORE_DECISION, {"decision_id": mine, "decision": restored,
                                        "reason": previous.get("reason", ""), "note": previous.get("note", ""),
                                        "decided_at": at})
    conn.execute(UNDO_EVENT, {"at": at, "record_id": record_id, "reviewer": reviewer,
                              "detail": {"undoes": event_id, "decision": detail.get("decision"),
                                         "restored": previous}})
    votes = [Vote(*row) for row in conn.execute(REASONS_IN_ORDER, {"rid": record_id})]
    outcome = stage_outcome(TA, max(required or 1, assigned or 0), votes, None)
    values = {"status": outcome.status.value, "reason": outcome.reason, "n_decisions": len(votes)}
    if conn.execute(SET_STATUS, {"rid_": record_id, **values}).rowcount == 0:
        conn.execute(NEW_STATUS, {"record_id": record_id, **values})
    return record_id, str(detail.get("decision", "")), restored
