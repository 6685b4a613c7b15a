"""Whether screening has been stopped, and what that changes in PRISMA and in exports.

Kept apart from ``stopping.py`` (which needs scipy) so that ``screener prisma`` and
``screener export`` load nothing heavy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screener.store.models import Reviewer, StageStatus, StoppingDecision, StoppingLeft
from screener.types import Stage, Status

FINAL = (Status.INCLUDED.value, Status.EXCLUDED.value)
TA = Stage.TITLE_ABSTRACT.value


def iso(t: datetime | None) -> str:
    return t.isoformat(sep=" ", timespec="seconds") if t else ""


def stop_in_force(s: Session, stage: str = TA) -> StoppingDecision | None:
    """The newest stop at ``stage`` that no later row withdraws."""
    withdrawn = select(StoppingDecision.withdraws_id).where(
        StoppingDecision.action == "withdraw", StoppingDecision.withdraws_id.is_not(None))
    return s.scalar(
        select(StoppingDecision)
        .where(StoppingDecision.stage == stage, StoppingDecision.action == "stop",
               StoppingDecision.id.not_in(withdrawn))
        .order_by(StoppingDecision.id.desc()).limit(1))


def left_unscreened(s: Session, stage: str = TA) -> set[int]:
    """Records a standing stop left unscreened that still have no final decision."""
    stop = stop_in_force(s, stage)
    if stop is None:
        return set()
    return set(s.scalars(
        select(StoppingLeft.record_id)
        .join(StageStatus, (StageStatus.record_id == StoppingLeft.record_id)
              & (StageStatus.stage == stage))
        .where(StoppingLeft.stop_id == stop.id,
               StageStatus.status.not_in(FINAL + (Status.DUPLICATE.value,)))))


def apply_stop(s: Session, counts: dict[str, Any], update_round: int | None = None) -> dict[str, Any]:
    """PRISMA counts with a standing stop applied: the records it left unscreened that still
    have no final decision move from ``pending`` to ``excluded_automatic`` ("Records marked
    as ineligible by automation tools"). Records from other methods (websites,
    organisations, citations) have no such box, and stay pending. ``update_round``: only
    that round's records (the updated-review variant)."""
    stop = stop_in_force(s, TA)
    if stop is None:
        return counts
    from screener.core.services.prisma import DBR
    from screener.store.models import Batch, Record

    q = (select(func.count()).select_from(StoppingLeft)
         .join(Record, Record.id == StoppingLeft.record_id)
         .join(Batch, Batch.id == Record.batch_id)
         .join(StageStatus, (StageStatus.record_id == Record.id) & (StageStatus.stage == TA))
         .where(StoppingLeft.stop_id == stop.id, Record.duplicate_of.is_(None), Batch.kind.in_(DBR),
                StageStatus.status.not_in(FINAL + (Status.DUPLICATE.value,))))
    if update_round is not None:
        q = q.where(Batch.update_round == update_round)
    n = s.scalar(q) or 0
    counts["excluded_automatic"] = counts.get("excluded_automatic", 0) + n
    counts["pending"]["title_abstract"] = counts["pending"]["title_abstract"] - n
    who = s.get(Reviewer, stop.reviewer_id)
    counts["stopped"] = {"stop_id": stop.id, "method": stop.method, "decided_at": iso(stop.decided_at),
                         "decided_by": who.name if who else "?", "excluded_automatic": n}
    return counts
