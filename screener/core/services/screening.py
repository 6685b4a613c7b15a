"""Deciding on records: one reviewer, one record, one stage at a time; and undo."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from screener.core.services.base import Service, connection_errors, get_reviewer, log_event, now
from screener.core.services.decide_fast import decide_title_abstract
from screener.core.services.decide_server import decide_on_server
from screener.core.services.status import lock_records, recompute
from screener.core.services.team import check_acting_as
from screener.core.services.undo_fast import undo_title_abstract
from screener.store.models import (
    Decision,
    Event,
    ExclusionReason,
    Record,
    Resolution,
    Retrieval,
    Reviewer,
    StageStatus,
)
from screener.types import Choice, ScreenerError, Stage, Status


@dataclass(frozen=True)
class DecisionInfo:
    record_id: int
    reviewer: str
    stage: str
    decision: str
    reason: str = ""
    note: str = ""
    decided_at: str = ""
    warning: str = ""  # what else the decision changed, for the reviewer to know
    undone: int = 1  # after an undo: how many decisions it took back (a whole bulk step)


@dataclass(frozen=True)
class UndoInfo(DecisionInfo):
    """An undone decision; ``restored`` is the reviewer's decision in force on the record at
    that stage after the undo ('' when none: the record is back in their queue)."""

    restored: str = ""


def check_stage(stage: str) -> str:
    try:
        return Stage(stage).value
    except ValueError:
        raise ScreenerError(
            f"stage must be title_abstract or full_text, not {stage!r}"
        ) from None


def check_choice(decision: str, allowed: tuple[str, ...] = ("include", "exclude", "maybe")) -> str:
    if decision not in allowed:
        raise ScreenerError(f"decision must be one of {', '.join(allowed)}, not {decision!r}")
    return decision


def status_at(s: Session, record_id: int, stage: str) -> str:
    row = s.get(StageStatus, (record_id, stage))
    return row.status if row is not None else Status.UNDECIDED.value


def check_record_at_stage(s: Session, record_id: int, stage: str) -> Record:
    record = s.get(Record, record_id)
    if record is None:
        raise ScreenerError(f"no record {record_id}")
    if record.duplicate_of is not None:
        raise ScreenerError(
            f"record {record_id} is a duplicate of record {record.duplicate_of}; decide on that one"
        )
    if stage == Stage.FULL_TEXT and status_at(s, record_id, Stage.TITLE_ABSTRACT) != Status.INCLUDED:
        raise ScreenerError(
            f"record {record_id} is not included at title/abstract, so it is not at full text"
        )
    return record


def check_reason(s: Session, stage: str, decision: str, reason: str) -> str:
    """The reason as the project's list spells it (matched regardless of case), or the
    list's reason of that number (1 for the first, as keys 1–9 pick them in the GUI)."""
    reason = (reason or "").strip()
    if decision == Choice.EXCLUDE and stage == Stage.TITLE_ABSTRACT:
        from screener.core.services.reasons import check_ta_reason

        return check_ta_reason(s, reason)
    if stage == Stage.FULL_TEXT and decision == Choice.EXCLUDE:
        reasons = list(s.scalars(select(ExclusionReason.text).order_by(ExclusionReason.position)))
        reason = next((r for r in reasons if r.casefold() == reason.casefold()), reason)
        if reason not in reasons and reason.isdigit() and 1 <= int(reason) <= len(reasons):
            reason = reasons[int(reason) - 1]
        if not reason:
            raise ScreenerError(
                "a full-text exclusion needs a reason: one of " + "; ".join(reasons)
                if reasons
                else "a full-text exclusion needs a reason; add reasons in the project settings"
            )
        if reason not in reasons:
            raise ScreenerError(
                f"reason {reason!r} is not in the project's list: "
                + "; ".join(f"{i} {r}" for i, r in enumerate(reasons, 1))
            )
    return reason


class ScreeningService(Service):
    def decide(
        self,
        record_id: int,
        reviewer: str,
        decision: str,
        stage: str = Stage.TITLE_ABSTRACT.value,
        reason: str = "",
        note: str = "",
    ) -> DecisionInfo:
        """Record one reviewer's decision; committed before this returns."""
        stage = check_stage(stage)
        check_choice(decision)
        if stage == Stage.TITLE_ABSTRACT.value:  # on a server: one statement (core.services.decide_server)
            with connection_errors(self.store):
                done = decide_on_server(self.store, record_id, reviewer, decision, reason, note)
            if done is not None:
                return DecisionInfo(record_id, reviewer, stage, decision, done[1], note, done[0].isoformat())
        with self.writing() as s:
            fast = decide_title_abstract(s, record_id, reviewer, decision, reason, note) \
                if stage == Stage.TITLE_ABSTRACT.value else None
            if fast is not None:  # the common case, a few statements (core.services.decide_fast)
                return DecisionInfo(record_id, reviewer, stage, decision, fast[1], note, fast[0].isoformat())
            info = apply_decision(s, record_id, reviewer, decision, stage, reason, note)
        return info

    def decide_many(self, rows: list[dict[str, str]], source: str = "") -> int:
        """Apply many decisions in one transaction: all of them, or none.

        Each row has record_id, reviewer, stage, decision, reason, note and, optionally,
        ``line`` (for the error message)."""
        parsed = []
        for row in rows:
            try:
                parsed.append((int(str(row.get("record_id", "")).strip()), row))
            except ValueError:
                where = f"{source}, line {row.get('line', '?')}: " if source else ""
                raise ScreenerError(f"{where}record_id {row.get('record_id')!r} is not a number") from None
        # in record id order (stable: a record's rows keep the file's order), every status
        # lock taken first, as a dedup run takes them: so the two never deadlock
        parsed.sort(key=lambda x: x[0])
        with self.writing() as s:
            lock_records(s, [rid for rid, _row in parsed])
            for rid, row in parsed:
                where = f"{source}, line {row.get('line', '?')}: " if source else ""
                try:
                    stage = check_stage(row.get("stage") or Stage.TITLE_ABSTRACT.value)
                    check_choice((row.get("decision") or "").strip())
                    apply_decision(
                        s,
                        rid,
                        (row.get("reviewer") or "").strip(),
                        (row.get("decision") or "").strip(),
                        stage,
                        row.get("reason") or "",
                        row.get("note") or "",
                    )
                    s.flush()
                except ScreenerError as e:
                    raise ScreenerError(f"{where}{e}") from None
        return len(rows)

    def undo_last(self, reviewer: str) -> DecisionInfo | None:
        """Undo this reviewer's most recent decision still in force; None if nothing to undo."""
        with self.writing() as s:
            fast = undo_title_abstract(s, reviewer)
            if fast is not None:  # the common case, a few statements (core.services.undo_fast)
                return UndoInfo(fast[0], reviewer, Stage.TITLE_ABSTRACT.value, fast[1], restored=fast[2])
            check_acting_as(s, get_reviewer(s, reviewer))
            target = last_decision_in_force(s, reviewer)
            if target is None or target.record_id is None:
                return None
            if target.detail.get("bulk") and isinstance(target.detail.get("step"), int):
                from screener.core.services.bulk_undo import undo_bulk_decisions

                whole = undo_bulk_decisions(s, target.detail["step"], reviewer)
                if whole is not None:  # the whole step at once
                    return whole
            r = get_reviewer(s, reviewer)
            lock_records(s, [target.record_id])
            row = s.scalar(
                select(Decision).where(
                    Decision.record_id == target.record_id,
                    Decision.reviewer_id == r.id,
                    Decision.stage == target.stage,
                )
            )
            previous = target.detail.get("previous")
            restored = ""
            if previous is None:
                if row is not None:
                    s.delete(row)
            elif row is not None:
                restored = previous["decision"]
                changed = (row.decision, row.reason) != (previous["decision"], previous.get("reason", ""))
                row.decision = previous["decision"]
                row.reason = previous.get("reason", "")
                row.note = previous.get("note", "")
                row.decided_at = now()
                if changed:
                    reopen_resolved(s, target.record_id, reviewer, target.stage)
            log_event(
                s,
                "undo",
                record_id=target.record_id,
                reviewer=reviewer,
                stage=target.stage,
                undoes=target.id,
                decision=target.detail.get("decision"),
                restored=previous,
            )
            s.flush()
            recompute(s, [target.record_id], stages=(target.stage,))
            return UndoInfo(target.record_id, reviewer, target.stage, target.detail.get("decision", ""),
                            restored=restored)

    def decisions_of(self, record_id: int, viewer: str | None = None) -> list[DecisionInfo]:
        """The current decisions on a record. With a ``viewer`` in a blind project, other
        reviewers' decisions at a stage are hidden until the record's required
        reviewers have all decided there."""
        with self.reading() as s:
            return visible_decisions(s, record_id, viewer)


def last_decision_in_force(s: Session, reviewer: str, within: int = 500) -> Event | None:
    """The reviewer's latest decision event not undone, among their last ``within`` decision
    and undo events; read a few at a time, newest first (usually the first is the one)."""
    undone: set[int | None] = set()
    seen = 0
    before: int | None = None
    while seen < within:
        q = (select(Event.id, Event.kind, Event.detail).where(Event.reviewer == reviewer, Event.kind.in_(("decision", "undo")))
             .order_by(Event.id.desc()).limit(min(20, within - seen)))
        if before is not None:
            q = q.where(Event.id < before)
        rows = s.execute(q).all()
        if not rows:
            return None
        for event_id, kind, detail in rows:
            if kind == "decision" and event_id not in undone:
                return s.get(Event, event_id)
            undoes = (detail if isinstance(detail, dict) else {}).get("undoes")
            if kind == "undo" and type(undoes) is int:  # anything else undoes no event here
                undone.add(undoes)
        seen += len(rows)
        before = rows[-1][0]
    return None


def apply_decision(
    s: Session,
    record_id: int,
    reviewer: str,
    decision: str,
    stage: str,
    reason: str = "",
    note: str = "",
) -> DecisionInfo:
    r = get_reviewer(s, reviewer)
    check_acting_as(s, r)
    lock_records(s, [record_id])
    check_record_at_stage(s, record_id, stage)
    if stage == Stage.FULL_TEXT:
        retrieval = s.get(Retrieval, record_id)
        if retrieval is not None and not retrieval.retrieved:
            raise ScreenerError(
                f"record {record_id} is marked 'report not retrieved'; mark it retrieved to assess it"
            )
    reason = check_reason(s, stage, decision, reason)
    was_at_full_text = stage == Stage.TITLE_ABSTRACT and status_at(s, record_id, stage) == Status.INCLUDED
    if decision != Choice.EXCLUDE and stage == Stage.FULL_TEXT:
        reason = ""
    row = s.scalar(
        select(Decision).where(
            Decision.record_id == record_id, Decision.reviewer_id == r.id, Decision.stage == stage
        )
    )
    previous = None
    if row is None:
        row = Decision(record_id=record_id, reviewer_id=r.id, stage=stage)
        s.add(row)
    else:
        previous = {"decision": row.decision, "reason": row.reason, "note": row.note}
    row.decision, row.reason, row.note, row.decided_at = decision, reason, note, now()
    log_event(
        s,
        "decision",
        record_id=record_id,
        reviewer=reviewer,
        stage=stage,
        decision=decision,
        reason=reason,
        note=note,
        previous=previous,
    )
    changed = previous is not None and (previous["decision"], previous["reason"]) != (decision, reason)
    if changed:
        resolution = s.scalar(
            select(Resolution).where(Resolution.record_id == record_id, Resolution.stage == stage)
        )
        if resolution is not None:
            s.execute(delete(Resolution).where(Resolution.id == resolution.id))
            log_event(
                s,
                "reopened",
                record_id=record_id,
                reviewer=reviewer,
                stage=stage,
                why="a reviewer changed a decision after the conflict was resolved",
                resolution=resolution.decision,
            )
    s.flush()
    recompute(s, [record_id], stages=(stage,))  # a decision changes its own stage only
    warning = ""
    if was_at_full_text and status_at(s, record_id, stage) != Status.INCLUDED:
        done = s.scalar(select(func.count()).select_from(Decision).where(
            Decision.record_id == record_id, Decision.stage == Stage.FULL_TEXT.value))
        if done:
            warning = (f"record {record_id} is no longer included at title/abstract, so its "
                       f"{done} full-text decision(s) no longer count (they are kept)")
            log_event(s, "left_full_text", record_id=record_id, reviewer=reviewer,
                      stage=Stage.FULL_TEXT.value, decisions=done)
    return DecisionInfo(record_id, reviewer, stage, decision, reason, note, row.decided_at.isoformat(),
                        warning)


def reopen_resolved(s: Session, record_id: int, reviewer: str, stage: str) -> None:
    """A party's decision changed after its conflict was resolved: the resolution no longer
    stands. (On a strict server project a trigger does this when the row is written.)"""
    resolution = s.scalar(
        select(Resolution).where(Resolution.record_id == record_id, Resolution.stage == stage)
    )
    if resolution is not None:
        s.execute(delete(Resolution).where(Resolution.id == resolution.id))
        log_event(s, "reopened", record_id=record_id, reviewer=reviewer, stage=stage,
                  why="a reviewer changed a decision after the conflict was resolved",
                  resolution=resolution.decision)


def visible_decisions(s: Session, record_id: int, viewer: str | None) -> list[DecisionInfo]:
    from screener.store.models import Project

    rows = s.execute(
        select(Decision, Reviewer.name)
        .join(Reviewer, Reviewer.id == Decision.reviewer_id)
        .where(Decision.record_id == record_id)
        .order_by(Decision.stage, Reviewer.name)
    ).all()
    project = s.get(Project, 1)
    blind = project.blind if project is not None else True
    out = []
    for d, name in rows:
        if viewer is not None and blind and name != viewer:
            status = status_at(s, record_id, d.stage)
            mine = any(n == viewer and dd.stage == d.stage for dd, n in rows)
            if not mine or status == Status.UNDECIDED:
                continue
        out.append(
            DecisionInfo(record_id, name, d.stage, d.decision, d.reason, d.note, d.decided_at.isoformat())
        )
    return out
