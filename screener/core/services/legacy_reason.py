"""The old default reason "Not available in full text".

Earlier projects offered it beside the "Report not retrieved" button, and choosing it
counted the report as *excluded* (assessed), where PRISMA wants it counted as *not
retrieved*. Each such project is asked once what it meant there:

- ``not retrieved``: every full-text decision or resolution giving that reason is
  withdrawn (kept in the history), those reports are marked not retrieved, and the
  reason leaves the list;
- ``keep``: it stays an exclusion reason like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from screener.core.services.base import Service, log_event, now
from screener.core.services.status import lock_records, recompute
from screener.store.models import (
    Decision,
    ExclusionReason,
    Project,
    Resolution,
    Retrieval,
    Reviewer,
)
from screener.types import ScreenerError, Stage

# The old default, and the other ways reviewers write the same thing.
LEGACY_REASONS = {"not available in full text", "full text not available", "no full text available",
                  "full text not retrieved", "report not retrieved", "full text unavailable"}


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split()).strip(" .")


@dataclass(frozen=True)
class LegacyReason:
    reason: str  # as the project's list spells it
    decisions: int  # full-text decisions giving it
    records: int  # the reports those decisions (and resolutions) are about


class LegacyReasonService(Service):
    def question(self) -> LegacyReason | None:
        """The reason to ask about, if the project has one and was not asked yet."""
        with self.reading() as s:
            project = s.get(Project, 1)
            if project is None or project.legacy_reason_asked:
                return None
            reason = next((r for r in s.scalars(select(ExclusionReason.text).order_by(ExclusionReason.position))
                           if _normal(r) in LEGACY_REASONS), None)
            if reason is None:
                return None
            decisions = s.execute(select(Decision.record_id).where(
                Decision.stage == Stage.FULL_TEXT.value, Decision.reason == reason)).all()
            resolved = s.execute(select(Resolution.record_id).where(
                Resolution.stage == Stage.FULL_TEXT.value, Resolution.reason == reason)).all()
            records = {r for (r,) in decisions} | {r for (r,) in resolved}
            return LegacyReason(reason, len(decisions), len(records))

    def answer(self, as_not_retrieved: bool, reviewer: str = "") -> int:
        """Record the answer (once); returns how many reports became not retrieved."""
        with self.writing() as s:
            project = s.get(Project, 1)
            if project is None:
                raise ScreenerError("not a Screener project")
            if project.legacy_reason_asked:
                return 0
            project.legacy_reason_asked = True
            row = next((r for r in s.scalars(select(ExclusionReason)) if _normal(r.text) in LEGACY_REASONS), None)
            if row is None or not as_not_retrieved:
                log_event(s, "legacy_reason", reviewer=reviewer, reason=row.text if row else "", mapped_to="kept")
                return 0
            reason = row.text
            decisions = s.scalars(select(Decision).where(
                Decision.stage == Stage.FULL_TEXT.value, Decision.reason == reason)).all()
            resolutions = s.scalars(select(Resolution).where(
                Resolution.stage == Stage.FULL_TEXT.value, Resolution.reason == reason)).all()
            ids = sorted({d.record_id for d in decisions} | {r.record_id for r in resolutions})
            lock_records(s, ids)
            names = dict(s.execute(select(Reviewer.id, Reviewer.name)).all())
            for d in decisions:
                log_event(s, "decision_withdrawn", record_id=d.record_id, reviewer=names.get(d.reviewer_id, ""),
                          stage=Stage.FULL_TEXT.value, decision=d.decision, reason=reason,
                          why="the reason meant the report was not retrieved")
                s.delete(d)
            for r in resolutions:
                log_event(s, "resolution_withdrawn", record_id=r.record_id, reviewer=names.get(r.reviewer_id, ""),
                          stage=Stage.FULL_TEXT.value, decision=r.decision, reason=reason,
                          why="the reason meant the report was not retrieved")
                s.delete(r)
            for rid in ids:
                ret = s.get(Retrieval, rid)
                if ret is None:
                    s.add(Retrieval(record_id=rid, retrieved=False, pdf_path="", updated_at=now(), pdf_sha256="",
                                    pdf_name=""))
                else:
                    ret.retrieved, ret.updated_at = False, now()
                log_event(s, "retrieval", record_id=rid, reviewer=reviewer, stage=Stage.FULL_TEXT.value,
                          retrieved=False, why=f"mapped from the reason {reason!r}")
            s.delete(row)
            s.flush()
            for i, other in enumerate(s.scalars(select(ExclusionReason).order_by(ExclusionReason.position))):
                other.position = i
            recompute(s, ids, stages=(Stage.FULL_TEXT.value,))
            log_event(s, "legacy_reason", reviewer=reviewer, reason=reason, mapped_to="not_retrieved",
                      records=len(ids))
            return len(ids)
