"""Reasons at title/abstract: optional (or required, if the project says so), from the
same list as full-text reasons, and reported in a table of their own, never in the
PRISMA boxes (PRISMA 2020 reports reasons only for reports excluded at full text)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from screener.store.models import (
    Batch,
    Decision,
    ExclusionReason,
    Project,
    Record,
    Resolution,
    StageStatus,
)
from screener.types import Choice, ScreenerError, Stage, Status

NO_REASON = "No reason recorded"


def ta_reason_required(s: Session) -> bool:
    p = s.get(Project, 1)
    return bool(p is not None and p.ta_reason_required)


def check_ta_reason(s: Session, reason: str) -> str:
    """A title/abstract exclusion's reason as the list spells it (by text regardless of
    case, or by number). Required if the project says so; otherwise a reason not on the
    list is kept as typed."""
    if not reason and not ta_reason_required(s):
        return ""  # the common case, at every key press: no reason, none required
    reasons = list(s.scalars(select(ExclusionReason.text).order_by(ExclusionReason.position)))
    reason = next((r for r in reasons if r.casefold() == reason.casefold()), reason)
    if reason not in reasons and reason.isdigit() and 1 <= int(reason) <= len(reasons):
        reason = reasons[int(reason) - 1]
    if not ta_reason_required(s):
        return reason
    if not reason:
        raise ScreenerError(
            "this project requires a reason for title/abstract exclusions: one of "
            + "; ".join(f"{i} {r}" for i, r in enumerate(reasons, 1))
            if reasons
            else "this project requires a reason for title/abstract exclusions; add reasons in the settings"
        )
    if reason not in reasons:
        raise ScreenerError(
            f"reason {reason!r} is not in the project's list: "
            + "; ".join(f"{i} {r}" for i, r in enumerate(reasons, 1))
        )
    return reason


def ta_reason_table(s: Session, round_: int | None = None) -> list[tuple[str, int]]:
    """Records finally excluded at title/abstract, by reason: the resolution's reason
    where a resolution gave one, otherwise each reason the excluding reviewers gave (a
    record whose reviewers gave different reasons counts under each). Largest first.
    With ``round_``, only the records of that update round."""
    ta = Stage.TITLE_ABSTRACT.value
    excluded = (
        select(StageStatus.record_id)
        .join(Record, Record.id == StageStatus.record_id)
        .where(StageStatus.stage == ta, StageStatus.status == Status.EXCLUDED.value, Record.duplicate_of.is_(None))
    )
    if round_ is not None:
        excluded = excluded.where(Record.batch_id.in_(select(Batch.id).where(Batch.update_round == round_)))
    resolved = dict(s.execute(select(Resolution.record_id, Resolution.reason).where(
        Resolution.stage == ta, Resolution.record_id.in_(excluded))).all())
    given: dict[int, set[str]] = {}
    for rid, reason in s.execute(
        select(Decision.record_id, Decision.reason).where(
            and_(Decision.stage == ta, Decision.decision == Choice.EXCLUDE.value, Decision.record_id.in_(excluded))
        )
    ):
        given.setdefault(rid, set()).add((reason or "").strip())
    counts: Counter[str] = Counter()
    for rid in s.scalars(excluded):
        if resolved.get(rid, "").strip():
            counts[resolved[rid].strip()] += 1
            continue
        reasons = {r for r in given.get(rid, set()) if r}
        for r in reasons or {NO_REASON}:
            counts[r] += 1
    return sorted(counts.items(), key=lambda item: (item[0] == NO_REASON, -item[1], item[0]))
