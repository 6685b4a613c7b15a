"""Acting on many records at once: decide, tag or label a selection in one step, and undo
the whole step at once.

A step is one ``bulk`` event naming what was done, at which stage, by whom and to how
many records; each record's own event (``decision``, ``tags``, ``label``) carries
``bulk: true`` and the step's id, so a record's history says the decision came from a
bulk step. A bulk decision is the acting reviewer's own decision on each record, exactly
as if made one by one: in blind dual screening it says nothing of anyone else's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from screener.core.services.base import Service, get_reviewer, log_event, now
from screener.core.services.labels import label_id
from screener.core.services.screening import check_choice, check_reason, check_stage
from screener.core.services.status import lock_records, recompute
from screener.core.services.team import check_acting_as
from screener.store.identity import identity_of, status_kept_by_database
from screener.store.models import (
    Decision,
    Event,
    Label,
    Record,
    RecordLabel,
    RecordTag,
    Resolution,
    Retrieval,
    StageStatus,
)
from screener.types import Choice, ScreenerError, Stage, Status

CHUNK = 500
SKIP_WORDS = {
    "duplicate": "duplicates (decide on the record they are merged into)",
    "not_at_stage": "not included at title/abstract, so not at full text",
    "not_retrieved": "marked 'report not retrieved'",
    "missing": "no longer in the project",
}


@dataclass
class BulkPlan:
    """What a bulk step would do, for the confirmation that names it."""

    action: str  # decide | tag | untag | label | unlabel
    stage: str
    value: str  # the decision, tag or label
    selected: int
    change: list[int] = field(default_factory=list)  # records the step changes
    unchanged: int = 0  # already so
    skipped: dict[str, int] = field(default_factory=dict)  # why -> how many (SKIP_WORDS)

    def skipped_text(self) -> str:
        return "; ".join(f"{n} {SKIP_WORDS.get(k, k)}" for k, n in self.skipped.items() if n)


@dataclass
class BulkResult:
    step: int  # the id of the step's event (undo takes it)
    action: str
    stage: str
    value: str
    changed: int
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    first_record: int | None = None


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _unique(ids: Iterable[int]) -> list[int]:
    return sorted({int(i) for i in ids})


def _decision_plan(s: Session, ids: list[int], reviewer_id: int, decision: str, stage: str,
                   reason: str) -> tuple[BulkPlan, dict[int, tuple[int, str, str, str]]]:
    plan = BulkPlan("decide", stage, decision, len(ids))
    skipped: Counter[str] = Counter()
    current: dict[int, tuple[int, str, str, str]] = {}
    for chunk in chunks(ids):
        found = dict(s.execute(select(Record.id, Record.duplicate_of).where(Record.id.in_(chunk))).all())
        ta_in = set(s.scalars(select(StageStatus.record_id).where(
            StageStatus.record_id.in_(chunk), StageStatus.stage == Stage.TITLE_ABSTRACT.value,
            StageStatus.status == Status.INCLUDED.value)))
        not_retrieved = set(s.scalars(select(Retrieval.record_id).where(
            Retrieval.record_id.in_(chunk), Retrieval.retrieved.is_(False)))) if stage == Stage.FULL_TEXT else set()
        for row in s.execute(select(Decision.record_id, Decision.id, Decision.decision, Decision.reason, Decision.note)
                             .where(Decision.record_id.in_(chunk), Decision.reviewer_id == reviewer_id,
                                    Decision.stage == stage)):
            current[row[0]] = (row[1], row[2], row[3], row[4])
        for rid in chunk:
            if rid not in found:
                skipped["missing"] += 1
            elif found[rid] is not None:
                skipped["duplicate"] += 1
            elif stage == Stage.FULL_TEXT and rid not in ta_in:
                skipped["not_at_stage"] += 1
            elif rid in not_retrieved:
                skipped["not_retrieved"] += 1
            elif rid in current and current[rid][1:3] == (decision, reason):
                plan.unchanged += 1
            else:
                plan.change.append(rid)
    plan.skipped = dict(skipped)
    return plan, current


class BulkService(Service):
    # deciding
    def plan_decision(self, ids: Iterable[int], reviewer: str, decision: str,
                      stage: str = Stage.TITLE_ABSTRACT.value, reason: str = "") -> BulkPlan:
        """What ``decide`` would do (changes nothing): for the confirmation."""
        stage = check_stage(stage)
        check_choice(decision)
        with self.reading() as s:
            me = get_reviewer(s, reviewer)
            reason = check_reason(s, stage, decision, reason)
            if decision != Choice.EXCLUDE and stage == Stage.FULL_TEXT:
                reason = ""
            return _decision_plan(s, _unique(ids), me.id, decision, stage, reason)[0]

    def decide(self, ids: Iterable[int], reviewer: str, decision: str,
               stage: str = Stage.TITLE_ABSTRACT.value, reason: str = "", note: str = "") -> BulkResult:
        """One reviewer's decision on many records, in one transaction. Records that
        cannot take it (duplicates, not at the stage, not retrieved) are skipped and
        counted; records already so are left alone."""
        stage = check_stage(stage)
        check_choice(decision)
        with self.writing() as s:
            me = get_reviewer(s, reviewer)
            check_acting_as(s, me)  # on a strict project, only as oneself
            reason = check_reason(s, stage, decision, reason)
            if decision != Choice.EXCLUDE and stage == Stage.FULL_TEXT:
                reason = ""
            wanted = _unique(ids)
            lock_records(s, wanted)
            plan, current = _decision_plan(s, wanted, me.id, decision, stage, reason)
            step = self._step(s, reviewer, "decide", stage, decision, plan, reason=reason)
            at = now()
            was_in = self._ta_included(s, plan.change) if stage == Stage.TITLE_ABSTRACT else set()
            new_rows, changed_rows, events, reopen = [], [], [], []
            for rid in sorted(plan.change):
                old = current.get(rid)
                previous = None if old is None else {"decision": old[1], "reason": old[2], "note": old[3]}
                if old is None:
                    new_rows.append({"record_id": rid, "reviewer_id": me.id, "stage": stage, "decision": decision,
                                     "reason": reason, "note": note, "decided_at": at})
                else:
                    changed_rows.append({"record_id": rid, "b_id": old[0], "b_decision": decision, "b_reason": reason,
                                         "b_note": note or old[3], "b_at": at})
                    reopen.append(rid)
                events.append({"at": at, "kind": "decision", "record_id": rid, "reviewer": reviewer, "stage": stage,
                               "detail": {"decision": decision, "reason": reason, "note": note or (old[3] if old else ""),
                                          "previous": previous, "bulk": True, "step": step}})
            _write_decisions(s, new_rows, changed_rows)
            if events:
                s.execute(insert(Event), events)
            self._reopen(s, reopen, stage, reviewer)
            s.flush()
            recompute(s, plan.change, stages=(stage,))
            self._left_full_text(s, was_in, reviewer)
            return BulkResult(step, "decide", stage, decision, len(plan.change), plan.unchanged, plan.skipped,
                              plan.change[0] if plan.change else None)

    @staticmethod
    def _ta_included(s: Session, ids: list[int]) -> set[int]:
        out: set[int] = set()
        for chunk in chunks(ids):
            out |= set(s.scalars(select(StageStatus.record_id).where(
                StageStatus.record_id.in_(chunk), StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                StageStatus.status == Status.INCLUDED.value)))
        return out

    @staticmethod
    def _reopen(s: Session, ids: list[int], stage: str, reviewer: str) -> None:
        """A changed decision reopens a resolved conflict, as one decision does."""
        for chunk in chunks(ids):
            for res in s.scalars(select(Resolution).where(Resolution.stage == stage, Resolution.record_id.in_(chunk))):
                log_event(s, "reopened", record_id=res.record_id, reviewer=reviewer, stage=stage,
                          why="a reviewer changed a decision after the conflict was resolved",
                          resolution=res.decision)
                s.execute(delete(Resolution).where(Resolution.id == res.id))

    @staticmethod
    def _left_full_text(s: Session, was_in: set[int], reviewer: str) -> None:
        if not was_in:
            return
        still = BulkService._ta_included(s, sorted(was_in))
        gone = sorted(was_in - still)
        for chunk in chunks(gone):
            counts = Counter(s.scalars(select(Decision.record_id).where(
                Decision.record_id.in_(chunk), Decision.stage == Stage.FULL_TEXT.value)))
            for rid, done in counts.items():
                log_event(s, "left_full_text", record_id=rid, reviewer=reviewer,
                          stage=Stage.FULL_TEXT.value, decisions=done)

    @staticmethod
    def _step(s: Session, reviewer: str, action: str, stage: str, value: str, plan: BulkPlan, **extra: Any) -> int:
        event = Event(at=now(), kind="bulk", record_id=None, reviewer=reviewer, stage=stage,
                      detail={"action": action, "value": value, "records": len(plan.change),
                              "selected": plan.selected, "unchanged": plan.unchanged,
                              "skipped": plan.skipped, **extra})
        s.add(event)
        s.flush()
        return int(event.id)

    # tags and labels
    def plan_tag(self, ids: Iterable[int], tag: str, remove: bool = False) -> BulkPlan:
        with self.reading() as s:
            return self._tag_plan(s, _unique(ids), _clean_tag(tag), remove)

    @staticmethod
    def _tag_plan(s: Session, ids: list[int], tag: str, remove: bool) -> BulkPlan:
        plan = BulkPlan("untag" if remove else "tag", "", tag, len(ids))
        skipped: Counter[str] = Counter()
        for chunk in chunks(ids):
            found = set(s.scalars(select(Record.id).where(Record.id.in_(chunk))))
            has = set(s.scalars(select(RecordTag.record_id).where(RecordTag.record_id.in_(chunk), RecordTag.tag == tag)))
            for rid in chunk:
                if rid not in found:
                    skipped["missing"] += 1
                elif (rid in has) != remove:
                    plan.unchanged += 1
                else:
                    plan.change.append(rid)
        plan.skipped = dict(skipped)
        return plan

    def tag(self, ids: Iterable[int], tag: str, reviewer: str = "", remove: bool = False) -> BulkResult:
        """Put a tag on many records (or take it off) in one step."""
        tag = _clean_tag(tag)
        with self.writing() as s:
            if reviewer:
                get_reviewer(s, reviewer)
            plan = self._tag_plan(s, _unique(ids), tag, remove)
            step = self._step(s, reviewer, plan.action, "", tag, plan)
            self._apply_tag(s, plan.change, tag, remove)
            self._tag_events(s, plan.change, tag, remove, reviewer, step)
            return BulkResult(step, plan.action, "", tag, len(plan.change), plan.unchanged, plan.skipped,
                              plan.change[0] if plan.change else None)

    @staticmethod
    def _apply_tag(s: Session, ids: list[int], tag: str, remove: bool) -> None:
        if remove:
            for chunk in chunks(ids):
                s.execute(delete(RecordTag).where(RecordTag.record_id.in_(chunk), RecordTag.tag == tag))
        elif ids:
            s.execute(insert(RecordTag), [{"record_id": rid, "tag": tag} for rid in ids])

    @staticmethod
    def _tag_events(s: Session, ids: list[int], tag: str, remove: bool, reviewer: str, step: int,
                    undo: bool = False) -> None:
        at = now()
        tags: dict[int, list[str]] = {}
        for chunk in chunks(ids):
            for rid, t in s.execute(select(RecordTag.record_id, RecordTag.tag)
                                    .where(RecordTag.record_id.in_(chunk)).order_by(RecordTag.tag)):
                tags.setdefault(rid, []).append(t)
        key = "removed" if remove else "added"
        rows = [{"at": at, "kind": "tags", "record_id": rid, "reviewer": reviewer, "stage": "",
                 "detail": {"tags": tags.get(rid, []), key: tag, "bulk": True, "step": step,
                            **({"undo": True} if undo else {})}} for rid in ids]
        if rows:
            s.execute(insert(Event), rows)

    def plan_label(self, ids: Iterable[int], label: str, reviewer: str, remove: bool = False) -> BulkPlan:
        with self.reading() as s:
            me = get_reviewer(s, reviewer)
            return self._label_plan(s, _unique(ids), label_id(s, label), me.id, remove)

    @staticmethod
    def _label_plan(s: Session, ids: list[int], lid: int, reviewer_id: int, remove: bool) -> BulkPlan:
        name = s.get(Label, lid)
        plan = BulkPlan("unlabel" if remove else "label", "", name.name if name else "", len(ids))
        skipped: Counter[str] = Counter()
        for chunk in chunks(ids):
            found = set(s.scalars(select(Record.id).where(Record.id.in_(chunk))))
            has = set(s.scalars(select(RecordLabel.record_id).where(
                RecordLabel.record_id.in_(chunk), RecordLabel.label_id == lid, RecordLabel.reviewer_id == reviewer_id)))
            for rid in chunk:
                if rid not in found:
                    skipped["missing"] += 1
                elif (rid in has) != remove:
                    plan.unchanged += 1
                else:
                    plan.change.append(rid)
        plan.skipped = dict(skipped)
        return plan

    def label(self, ids: Iterable[int], label: str, reviewer: str, remove: bool = False) -> BulkResult:
        """Put one of the project's labels on many records (or take it off), as
        ``reviewer``'s own labels, in one step."""
        with self.writing() as s:
            me = get_reviewer(s, reviewer)
            check_acting_as(s, me)  # on a strict project, only as oneself
            lid = label_id(s, label)
            plan = self._label_plan(s, _unique(ids), lid, me.id, remove)
            step = self._step(s, reviewer, plan.action, "", plan.value, plan)
            self._apply_label(s, plan.change, lid, me.id, remove, plan.value, reviewer, step)
            return BulkResult(step, plan.action, "", plan.value, len(plan.change), plan.unchanged, plan.skipped,
                              plan.change[0] if plan.change else None)

    @staticmethod
    def _apply_label(s: Session, ids: list[int], lid: int, reviewer_id: int, remove: bool, name: str,
                     reviewer: str, step: int, undo: bool = False) -> None:
        if remove:
            for chunk in chunks(ids):
                s.execute(delete(RecordLabel).where(RecordLabel.record_id.in_(chunk), RecordLabel.label_id == lid,
                                                    RecordLabel.reviewer_id == reviewer_id))
        elif ids:
            s.execute(insert(RecordLabel), [{"record_id": rid, "label_id": lid, "reviewer_id": reviewer_id}
                                            for rid in ids])
        at = now()
        extra = {"undo": True} if undo else {}
        if ids:
            s.execute(insert(Event), [
                {"at": at, "kind": "unlabel" if remove else "label", "record_id": rid, "reviewer": reviewer,
                 "stage": "", "detail": {"label": name, "bulk": True, "step": step, **extra}} for rid in ids])

    # undo
    def last_step(self, reviewer: str) -> int | None:
        """The reviewer's newest bulk step not yet undone."""
        with self.reading() as s:
            undone = {e.detail.get("undoes") for e in s.scalars(
                select(Event).where(Event.kind == "bulk_undo", Event.reviewer == reviewer))}
            for e in s.scalars(select(Event).where(Event.kind == "bulk", Event.reviewer == reviewer)
                               .order_by(Event.id.desc())):
                if e.id not in undone:
                    return int(e.id)
            return None

    def undo(self, step: int, reviewer: str) -> BulkResult:
        """Undo a whole bulk step. Records changed again since are left as they are now
        (counted as ``skipped['changed_since']``)."""
        from screener.core.services.bulk_undo import undo_step_in

        with self.writing() as s:
            return undo_step_in(s, step, reviewer)


def _clean_tag(tag: str) -> str:
    from screener.text import strip_controls

    tag = " ".join(strip_controls(tag).split())
    if not tag:
        raise ScreenerError("a tag needs some text")
    if len(tag) > 200:
        raise ScreenerError("a tag has at most 200 characters")
    return tag


def _write_decisions(s: Session, new_rows: list[dict[str, Any]], changed_rows: list[dict[str, Any]]) -> None:
    """Insert the new decisions and update the changed ones. On a strict project a reviewer
    role's rows lock their records' statuses one by one, in the database (store/security.py,
    ``screener_check_lock``): there they are written in one pass in record id order (runs
    of inserts and of updates), as a dedup run locks, so that the two never deadlock."""
    per_row_locks = status_kept_by_database(s) and not identity_of(s).owner
    rows = sorted([(r["record_id"], True, r) for r in new_rows] + [(r["record_id"], False, r) for r in changed_rows],
                  key=lambda x: x[0])
    runs = groupby(rows, key=lambda x: x[1]) if per_row_locks else \
        [(True, [x for x in rows if x[1]]), (False, [x for x in rows if not x[1]])]
    for is_new, run in runs:
        batch = [row for _rid, _new, row in run]
        if batch and is_new:
            s.execute(insert(Decision), batch)
        elif batch:
            s.connection().execute(
                update(Decision).where(Decision.id == bindparam("b_id")).values(
                    decision=bindparam("b_decision"), reason=bindparam("b_reason"),
                    note=bindparam("b_note"), decided_at=bindparam("b_at")),
                [{k: v for k, v in row.items() if k != "record_id"} for row in batch])
