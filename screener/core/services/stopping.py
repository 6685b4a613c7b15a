"""Stopping screening early: the figures (core/stopping.py's methods over the project's
decisions), the random sample for the stopping test, and the team's decision to stop.

Who may record a stop, or withdraw one: a reviewer with the resolver role; in a project
with no resolver, any reviewer (a review run by one or two people). On a strict server
project the database enforces the same (store/policies.py). Anyone may draw the random
sample: it decides nothing, it only fixes an order.

A stop hides and deletes nothing. The records without a final decision that are not in
conflict are listed with it (``stopping_left``): those nobody has screened, and in a dual
review those only one reviewer has (their decisions stay; ``partly_screened`` says how
many); while it stands, those still without a final decision count in
PRISMA's "Records marked as ineligible by automation tools" and are marked so in exports.
Screening them anyway is still possible: each then counts as screened, as usual.
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from screener.core.services.base import Service, get_reviewer, log_event, now
from screener.core.services.stopping_state import FINAL, TA, stop_in_force
from screener.core.services.stopping_state import iso as _iso
from screener.core.services.team import check_acting_as
from screener.core.stopping import (
    consecutive_irrelevant,
    knee_test,
    ranked_test,
    sample_test,
    screened_share,
)
from screener.core.stopping_report import (
    METHODS,
    SampleStatus,
    StopInfo,
    StoppingFigures,
    method_figures,
    method_ready,
)
from screener.store.models import (
    Decision,
    Resolution,
    Reviewer,
    StageStatus,
    StoppingDecision,
    StoppingLeft,
    StoppingSample,
    StoppingSampleRecord,
)
from screener.types import ScreenerError, Status


def check_may_stop(s: Session, who: Reviewer) -> None:
    """Refuse a stop (or its withdrawal) by someone the project does not allow."""
    check_acting_as(s, who)
    has_resolver = s.scalar(select(Reviewer.id).where(Reviewer.role == "resolver").limit(1))
    if has_resolver is not None and who.role != "resolver":
        raise ScreenerError(
            f"in this project only reviewers with the resolver role may decide to stop "
            f"screening, and {who.name} is a {who.role}"
        )


def _final_sequence(s: Session, stage: str) -> list[int]:
    """Final decisions as 1 (include) / 0 (exclude), in the order they became final: the
    newest of the record's decisions, or its resolution."""
    final = dict(s.execute(select(StageStatus.record_id, StageStatus.status).where(
        StageStatus.stage == stage, StageStatus.status.in_(FINAL))).all())
    when: dict[int, datetime] = {}
    for rid, t in s.execute(select(Decision.record_id, func.max(Decision.decided_at))
                            .where(Decision.stage == stage).group_by(Decision.record_id)):
        if rid in final and t is not None:
            when[rid] = t
    for rid, t in s.execute(select(Resolution.record_id, Resolution.resolved_at)
                            .where(Resolution.stage == stage)):
        if rid in final and t is not None:
            when[rid] = max(t, when.get(rid, t))
    order = sorted(final, key=lambda r: (when.get(r, datetime.min), r))
    return [1 if final[r] == Status.INCLUDED.value else 0 for r in order]


def _own_sequence(s: Session, who: Reviewer, stage: str) -> list[int]:
    """A reviewer's own decisions in the order made: 0 for exclude, 1 otherwise (a maybe
    ends a run of irrelevant records, as it may be relevant)."""
    rows = s.execute(select(Decision.decision).where(
        Decision.reviewer_id == who.id, Decision.stage == stage)
        .order_by(Decision.decided_at, Decision.id)).scalars()
    return [0 if d == "exclude" else 1 for d in rows]


class StoppingService(Service):
    def figures(self, reviewer: str | None = None, stage: str = TA, recall_target: float = 0.95,
                confidence: float = 0.95) -> StoppingFigures:
        """The stopping figures now. ``reviewer``: whose own run of irrelevant records to
        count (otherwise the final decisions')."""
        with self.reading() as s:
            return self._figures(s, reviewer, stage, recall_target, confidence)

    def _figures(self, s: Session, reviewer: str | None, stage: str, recall_target: float,
                 confidence: float) -> StoppingFigures:
        counts = dict(s.execute(select(StageStatus.status, func.count()).where(
            StageStatus.stage == stage).group_by(StageStatus.status)).all())
        total = sum(n for st, n in counts.items() if st != Status.DUPLICATE.value)
        screened = sum(counts.get(st, 0) for st in FINAL)
        relevant = counts.get(Status.INCLUDED.value, 0)
        sequence = _final_sequence(s, stage)
        own = sequence
        if reviewer:
            own = _own_sequence(s, get_reviewer(s, reviewer), stage)
        stop = stop_in_force(s, stage)
        return StoppingFigures(
            stage=stage,
            total=total,
            screened=screened,
            relevant=relevant,
            share_screened=screened_share(screened, total),
            streak_of=reviewer or "",
            decided_by_streak_owner=len(own),
            consecutive_irrelevant=consecutive_irrelevant(own),
            recall_target=recall_target,
            confidence=confidence,
            ranked=ranked_test(sequence, total, recall_target, confidence),
            knee=knee_test(sequence),
            sample=self._sample_status(s, stage, relevant, recall_target, confidence),
            stop=self._info(s, stop) if stop is not None else None,
        )

    def _sample_status(self, s: Session, stage: str, relevant_now: int, recall_target: float,
                       confidence: float) -> SampleStatus | None:
        sample = s.scalar(select(StoppingSample).where(StoppingSample.stage == stage)
                          .order_by(StoppingSample.id.desc()).limit(1))
        if sample is None:
            return None
        rows = s.execute(
            select(StoppingSampleRecord.record_id, StageStatus.status)
            .join(StageStatus, (StageStatus.record_id == StoppingSampleRecord.record_id)
                  & (StageStatus.stage == stage), isouter=True)
            .where(StoppingSampleRecord.sample_id == sample.id)
            .order_by(StoppingSampleRecord.position)).all()
        n = k = gone = 0
        next_id = None
        for rid, status in rows:
            if status == Status.DUPLICATE.value:  # merged since: no longer in the urn
                gone += 1
                continue
            if status not in FINAL:
                next_id = rid
                break
            n += 1
            k += status == Status.INCLUDED.value
        urn = max(n, sample.urn_size - gone)
        elsewhere = max(0, relevant_now - sample.relevant_before - k)
        test = sample_test(sample.relevant_before, urn, n, k, recall_target, confidence,
                           relevant_elsewhere=elsewhere)
        who = s.get(Reviewer, sample.reviewer_id)
        return SampleStatus(
            sample_id=sample.id, seed=sample.seed, started_at=_iso(sample.started_at),
            started_by=who.name if who else "?", urn_size=urn,
            relevant_before=sample.relevant_before, screened_before=sample.screened_before,
            screened=n, relevant=k, next_record_id=next_id, test=test)

    def draw_sample(self, reviewer: str, seed: int | None = None, stage: str = TA) -> dict[str, int]:
        """Draw the random sample for the stopping test: every record without a final
        decision now, in a random order (``seed``; the same seed, the same order). Screen
        them in that order: the test counts the sample from its first record up to the
        first one not yet screened."""
        seed = secrets.randbelow(2**31) if seed is None else seed
        with self.writing() as s:
            who = get_reviewer(s, reviewer)
            check_acting_as(s, who)
            urn = sorted(s.scalars(select(StageStatus.record_id).where(
                StageStatus.stage == stage,
                StageStatus.status.not_in(FINAL + (Status.DUPLICATE.value,)))))
            if not urn:
                raise ScreenerError("every record has a final decision: there is nothing to sample")
            random.Random(seed).shuffle(urn)
            relevant = s.scalar(select(func.count()).where(
                StageStatus.stage == stage, StageStatus.status == Status.INCLUDED.value)) or 0
            screened = s.scalar(select(func.count()).where(
                StageStatus.stage == stage, StageStatus.status.in_(FINAL))) or 0
            sample = StoppingSample(stage=stage, seed=seed, urn_size=len(urn), relevant_before=relevant,
                                    screened_before=screened, reviewer_id=who.id, started_at=now())
            s.add(sample)
            s.flush()
            s.execute(insert(StoppingSampleRecord), [
                {"sample_id": sample.id, "position": i, "record_id": rid}
                for i, rid in enumerate(urn, start=1)])
            log_event(s, "stopping_sample", reviewer=who.name, stage=stage, sample_id=sample.id,
                      seed=seed, urn_size=len(urn))
            return {"sample_id": sample.id, "seed": seed, "urn_size": len(urn)}

    def sample_queue(self, stage: str = TA) -> list[int]:
        """The current sample's records still without a final decision, in drawn order."""
        with self.reading() as s:
            sample_id = s.scalar(select(func.max(StoppingSample.id)).where(StoppingSample.stage == stage))
            if sample_id is None:
                return []
            return list(s.scalars(
                select(StoppingSampleRecord.record_id)
                .join(StageStatus, (StageStatus.record_id == StoppingSampleRecord.record_id)
                      & (StageStatus.stage == stage))
                .where(StoppingSampleRecord.sample_id == sample_id,
                       StageStatus.status.not_in(FINAL + (Status.DUPLICATE.value,)))
                .order_by(StoppingSampleRecord.position)))

    def stop(self, reviewer: str, method: str, stage: str = TA, recall_target: float = 0.95,
             confidence: float = 0.95, note: str = "") -> StopInfo:
        """Record the team's decision to stop screening at ``stage``, resting on ``method``
        (one of ``METHODS``) and its figures now. Refused while a stop stands, when the
        method's own figures do not say stop, or when nothing is left to screen."""
        if method not in METHODS:
            raise ScreenerError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
        with self.writing() as s:
            who = get_reviewer(s, reviewer)
            check_may_stop(s, who)
            if stop_in_force(s, stage) is not None:
                raise ScreenerError("screening has already been stopped at this stage; "
                                    "withdraw that stop first")
            f = self._figures(s, None, stage, recall_target, confidence)
            why_not = method_ready(f, method)
            if why_not:
                raise ScreenerError(f"the {method} method does not say stop: {why_not}")
            left_rows = s.execute(select(StageStatus.record_id, StageStatus.n_decisions).where(
                StageStatus.stage == stage, StageStatus.status == Status.UNDECIDED.value)).all()
            left = [rid for rid, _n in left_rows]
            if not left:
                raise ScreenerError("every record has a final decision or is in conflict: "
                                    "there is nothing to stop")
            figures = method_figures(f, method)
            figures["left"] = len(left)
            figures["partly_screened"] = sum(1 for _rid, n in left_rows if n)
            row = StoppingDecision(stage=stage, action="stop", method=method,
                                   figures=json.dumps(figures, sort_keys=True), note=note,
                                   reviewer_id=who.id, decided_at=now())
            s.add(row)
            s.flush()
            s.execute(insert(StoppingLeft),
                      [{"stop_id": row.id, "record_id": rid} for rid in left])
            log_event(s, "stopped", reviewer=who.name, stage=stage, stop_id=row.id, method=method,
                      left=len(left))
            return self._info(s, row)

    def withdraw(self, reviewer: str, stage: str = TA, note: str = "") -> StopInfo:
        """Withdraw the stop that stands at ``stage`` (recorded; the stop stays in the history)."""
        with self.writing() as s:
            who = get_reviewer(s, reviewer)
            check_may_stop(s, who)
            stop = stop_in_force(s, stage)
            if stop is None:
                raise ScreenerError("screening has not been stopped at this stage")
            row = StoppingDecision(stage=stage, action="withdraw", withdraws_id=stop.id,
                                   method=stop.method, figures="{}", note=note,
                                   reviewer_id=who.id, decided_at=now())
            s.add(row)
            s.flush()
            log_event(s, "stop_withdrawn", reviewer=who.name, stage=stage, stop_id=stop.id)
            return self._info(s, row)

    def decisions(self, stage: str | None = None) -> list[StopInfo]:
        """Every stop and withdrawal, oldest first."""
        with self.reading() as s:
            q = select(StoppingDecision).order_by(StoppingDecision.id)
            if stage:
                q = q.where(StoppingDecision.stage == stage)
            return [self._info(s, row) for row in s.scalars(q)]

    @staticmethod
    def _info(s: Session, row: StoppingDecision) -> StopInfo:
        who = s.get(Reviewer, row.reviewer_id)
        left = 0
        if row.action == "stop":
            left = s.scalar(select(func.count()).where(StoppingLeft.stop_id == row.id)) or 0
        return StopInfo(
            stop_id=row.id, action=row.action, stage=row.stage, method=row.method,
            figures=json.loads(row.figures or "{}"), note=row.note,
            decided_by=who.name if who else "?", decided_at=_iso(row.decided_at),
            withdraws_id=row.withdraws_id, left=left)

