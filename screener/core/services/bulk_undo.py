"""Undoing a bulk step whole: every record it changed goes back to what it was, except
records changed again since (left as they are now, and counted)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from screener.core.services.screening import DecisionInfo

from screener.core.services.base import get_reviewer, log_event, now
from screener.core.services.bulk import BulkResult, BulkService, chunks
from screener.core.services.status import lock_records, recompute
from screener.core.services.team import check_acting_as
from screener.store.models import Decision, Event, Label
from screener.types import ScreenerError, Stage


class StepEvent(NamedTuple):
    id: int
    record_id: int
    detail: dict[str, Any]


def _step_events(s: Session, step: Event, kinds: tuple[str, ...]) -> list[StepEvent]:
    """The per-record events of a step: they follow it, carry its id, and are as many as
    the step says. Read as plain rows: the unit of work holds no ORM object per record."""
    wanted = int(step.detail.get("records", 0))
    out: list[StepEvent] = []
    q = (select(Event.id, Event.record_id, Event.detail)
         .where(Event.id > step.id, Event.kind.in_(kinds), Event.reviewer == step.reviewer)
         .order_by(Event.id).execution_options(yield_per=2000))
    for eid, rid, detail in s.execute(q):
        if rid is not None and detail.get("step") == step.id and not detail.get("undo"):
            out.append(StepEvent(int(eid), int(rid), detail))
            if len(out) >= wanted:
                break
    return out


def _changed_since(s: Session, ids: list[int], after: int, kinds: tuple[str, ...], reviewer: str | None,
                   stage: str | None = None) -> set[int]:
    out: set[int] = set()
    for chunk in chunks(ids):
        q = select(Event.record_id).where(Event.id > after, Event.record_id.in_(chunk), Event.kind.in_(kinds))
        if reviewer is not None:
            q = q.where(Event.reviewer == reviewer)
        if stage is not None:
            q = q.where(Event.stage == stage)
        out |= {rid for rid in s.scalars(q) if rid is not None}
    return out


def undo_step_in(s: Session, step_id: int, reviewer: str) -> BulkResult:
    """Undo bulk step ``step_id`` inside an open unit of work."""
    step = s.get(Event, step_id)
    if step is None or step.kind != "bulk":
        raise ScreenerError(f"no bulk step {step_id}")
    if step.reviewer != reviewer:
        raise ScreenerError(f"bulk step {step_id} was {step.reviewer or 'no one'}'s; only they can undo it")
    later_undos = s.scalars(select(Event).where(Event.kind == "bulk_undo", Event.id > step_id))
    if any(e.detail.get("undoes") == step_id for e in later_undos):
        raise ScreenerError(f"bulk step {step_id} is already undone")
    action, stage, value = step.detail.get("action", ""), step.stage, step.detail.get("value", "")
    kinds = {"decide": ("decision",), "tag": ("tags",), "untag": ("tags",), "label": ("label",),
             "unlabel": ("unlabel",)}[action]
    events = _step_events(s, step, kinds)
    ids = [e.record_id for e in events if e.record_id is not None]
    last = max((e.id for e in events), default=step.id)
    skipped: Counter[str] = Counter()
    if action == "decide":
        since = _changed_since(s, ids, last, ("decision", "undo"), reviewer, stage)
        me = get_reviewer(s, reviewer)
        check_acting_as(s, me)  # on a strict project, only as oneself
        lock_records(s, ids)
        back = [e for e in events if e.record_id not in since]
        skipped["changed_since"] = len(events) - len(back)
        was_in = BulkService._ta_included(s, [e.record_id for e in back]) if stage == Stage.TITLE_ABSTRACT else set()
        at = now()
        rows = []
        deleted: list[int] = []
        restored: list[dict[str, Any]] = []
        for e in back:
            previous = e.detail.get("previous")
            if previous is None:
                deleted.append(e.record_id)
            else:
                restored.append({"b_rid": e.record_id, "b_decision": previous["decision"],
                                 "b_reason": previous.get("reason", ""), "b_note": previous.get("note", ""),
                                 "b_at": at})
            rows.append({"at": at, "kind": "undo", "record_id": e.record_id, "reviewer": reviewer, "stage": stage,
                         "detail": {"undoes": e.id, "decision": e.detail.get("decision"), "restored": previous,
                                    "bulk": True, "step": step_id}})
        for chunk in chunks(deleted):  # set-based: one statement per 500 records, not one per record
            s.execute(delete(Decision).where(Decision.record_id.in_(chunk), Decision.reviewer_id == me.id,
                                             Decision.stage == stage))
        if restored:
            s.connection().execute(
                update(Decision).where(Decision.record_id == bindparam("b_rid"), Decision.reviewer_id == me.id,
                                       Decision.stage == stage)
                .values(decision=bindparam("b_decision"), reason=bindparam("b_reason"), note=bindparam("b_note"),
                        decided_at=bindparam("b_at")),
                restored)
        if rows:
            s.execute(insert(Event), rows)
        s.flush()
        changed = [e.record_id for e in back]
        recompute(s, changed, stages=(stage,))
        BulkService._left_full_text(s, was_in, reviewer)
    elif action in ("tag", "untag"):
        since = _changed_since(s, ids, last, ("tags",), None)
        changed = [rid for rid in ids if rid not in since]
        skipped["changed_since"] = len(ids) - len(changed)
        BulkService._apply_tag(s, changed, value, remove=action == "tag")
        BulkService._tag_events(s, changed, value, action == "tag", reviewer, step_id, undo=True)
    else:
        me = get_reviewer(s, reviewer)
        check_acting_as(s, me)  # on a strict project, only as oneself
        lid = s.scalar(select(Label.id).where(Label.name == value))
        if lid is None:
            raise ScreenerError(f"label {value!r} is no longer in the project's list")
        since = _changed_since(s, ids, last, ("label", "unlabel", "labels"), reviewer)
        changed = [rid for rid in ids if rid not in since]
        skipped["changed_since"] = len(ids) - len(changed)
        BulkService._apply_label(s, changed, lid, me.id, action == "label", value, reviewer, step_id, undo=True)
    log_event(s, "bulk_undo", reviewer=reviewer, stage=stage, undoes=step_id, action=action, value=value,
              records=len(changed), skipped=dict(skipped))
    return BulkResult(step_id, action, stage, value, len(changed), 0, {k: n for k, n in skipped.items() if n},
                      changed[0] if changed else None)


def undo_bulk_decisions(s: Session, step_id: int, reviewer: str) -> DecisionInfo | None:
    """``undo_last`` met a decision of a bulk step: undo the whole step (None if that
    step was undone already, leaving the one decision to undo on its own)."""
    from screener.core.services.screening import DecisionInfo

    step = s.get(Event, step_id)
    if step is None or step.kind != "bulk" or step.reviewer != reviewer:
        return None
    later_undos = s.scalars(select(Event).where(Event.kind == "bulk_undo", Event.id > step_id))
    if any(e.detail.get("undoes") == step_id for e in later_undos):
        return None
    result = undo_step_in(s, step_id, reviewer)
    return DecisionInfo(result.first_record or 0, reviewer, result.stage, result.value,
                        warning=f"{result.changed} decisions of one bulk step undone", undone=result.changed)
