"""Keeping ``stage_status`` true: recomputed inside every unit of work that can change it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.core.screening_rules import Vote, stage_outcome
from screener.store.identity import identity_of, refresh_statuses, status_kept_by_database
from screener.store.models import (
    Decision,
    Project,
    Record,
    Resolution,
    Retrieval,
    Reviewer,
    StageStatus,
)
from screener.types import Stage, Status

STAGES = (Stage.TITLE_ABSTRACT.value, Stage.FULL_TEXT.value)


def required_reviewers(s: Session, stage: str) -> int:
    p = s.get(Project, 1)
    if p is None:
        return 1
    return p.reviewers_per_record_ta if stage == Stage.TITLE_ABSTRACT else p.reviewers_per_record_ft


def recompute(s: Session, record_ids: Iterable[int], stages: Iterable[str] = STAGES) -> None:
    if status_kept_by_database(s):  # strict PostgreSQL: triggers keep it (store/security.py)
        return refresh_statuses(s)
    ids = sorted(set(record_ids))
    if not ids:
        return
    for stage in stages:
        for chunk_start in range(0, len(ids), 500):
            _recompute_chunk(s, ids[chunk_start : chunk_start + 500], stage)
    s.flush()


def lock_records(s: Session, record_ids: Iterable[int]) -> None:
    """Take the row locks of these records' statuses (PostgreSQL; SQLite's write
    transactions are already exclusive), in id order so that writers never deadlock.
    Two reviewers deciding on one record at once then see each other's decision. On a
    strict project a reviewer role may not lock them: its decisions take them in the
    database (store/security.py, ``screener_check_lock``); the owner takes them here."""
    ids = sorted(set(record_ids))
    reviewer_role = status_kept_by_database(s) and not identity_of(s).owner
    if ids and s.get_bind().dialect.name != "sqlite" and not reviewer_role:
        s.execute(
            select(StageStatus.record_id)
            .where(StageStatus.record_id.in_(ids))
            .order_by(StageStatus.record_id, StageStatus.stage)
            .with_for_update()
        ).all()


def recompute_all(s: Session) -> None:
    recompute(s, s.scalars(select(Record.id)))


def _recompute_chunk(s: Session, ids: list[int], stage: str) -> None:
    from screener.core.services.allocation import assigned_counts

    required = required_reviewers(s, stage)
    # a record assigned to more reviewers (the calibration overlap) waits for them all
    assigned = assigned_counts(s, ids, stage)
    votes: dict[int, list[Vote]] = defaultdict(list)
    rows = s.execute(
        select(Decision.record_id, Reviewer.name, Decision.decision, Decision.reason)
        .join(Reviewer, Reviewer.id == Decision.reviewer_id)
        .where(Decision.stage == stage, Decision.record_id.in_(ids))
        .order_by(Decision.record_id, Reviewer.name)
    )
    for rid, name, decision, reason in rows:
        votes[rid].append(Vote(name, decision, reason))
    resolutions = {
        r.record_id: Vote("", r.decision, r.reason)
        for r in s.scalars(
            select(Resolution).where(Resolution.stage == stage, Resolution.record_id.in_(ids))
        )
    }
    duplicates = set(
        s.scalars(select(Record.id).where(Record.id.in_(ids), Record.duplicate_of.is_not(None)))
    )
    not_retrieved = not_retrieved_among(s, ids) if stage == Stage.FULL_TEXT else set()
    current = {
        row.record_id: row
        for row in s.scalars(
            select(StageStatus).where(StageStatus.stage == stage, StageStatus.record_id.in_(ids))
        )
    }
    for rid in ids:
        if rid in duplicates:
            status, reason = Status.DUPLICATE.value, ""
        elif rid in not_retrieved:  # not assessed, whatever was decided before
            status, reason = Status.NOT_RETRIEVED.value, ""
        else:
            outcome = stage_outcome(stage, max(required, assigned.get(rid, 0)), votes.get(rid, []),
                                    resolutions.get(rid))
            status, reason = outcome.status.value, outcome.reason
        row = current.get(rid)
        if row is None:
            s.add(
                StageStatus(
                    record_id=rid,
                    stage=stage,
                    status=status,
                    reason=reason,
                    n_decisions=len(votes.get(rid, [])),
                )
            )
        else:
            row.status = status
            row.reason = reason
            row.n_decisions = len(votes.get(rid, []))


def not_retrieved_among(s: Session, ids: list[int]) -> set[int]:
    """Those of ``ids`` whose report is marked not retrieved: they are not assessed at full text."""
    return set(s.scalars(select(Retrieval.record_id).where(Retrieval.record_id.in_(ids), Retrieval.retrieved.is_(False))))
