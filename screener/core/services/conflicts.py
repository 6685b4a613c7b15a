"""Conflicts between reviewers, their resolution, and agreement statistics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import delete, select

from screener.core.agreement import PairAgreement, fleiss_kappa, pair_agreement
from screener.core.screening_rules import Vote, conflict_kind
from screener.core.services.base import Service, get_reviewer, log_event, now
from screener.core.services.screening import (
    check_choice,
    check_reason,
    check_record_at_stage,
    check_stage,
    status_at,
)
from screener.core.services.status import lock_records, recompute
from screener.store.models import Decision, Record, Resolution, Reviewer, StageStatus
from screener.types import Choice, ScreenerError, Stage, Status


@dataclass
class ConflictInfo:
    record_id: int
    stage: str
    title: str
    kind: str  # decision | maybe | reason
    decisions: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ResolutionInfo:
    record_id: int
    stage: str
    decision: str
    reason: str
    note: str
    reviewer: str
    resolved_at: str


class ConflictService(Service):
    def conflicts(self, stage: str = Stage.TITLE_ABSTRACT.value,
                  among: Collection[int] | None = None) -> list[ConflictInfo]:
        """The open (unresolved) conflicts at a stage, oldest record first (with ``among``,
        only those on these records)."""
        stage = check_stage(stage)
        with self.reading() as s:
            q = select(StageStatus.record_id).where(
                StageStatus.stage == stage, StageStatus.status == Status.CONFLICT.value)
            if among is not None:
                q = q.where(StageStatus.record_id.in_(list(among)))
            ids = list(s.scalars(q.order_by(StageStatus.record_id)))
            titles = dict(s.execute(select(Record.id, Record.title).where(Record.id.in_(ids))).all())
            by_record: dict[int, list[dict[str, str]]] = defaultdict(list)
            for d, name in s.execute(
                select(Decision, Reviewer.name)
                .join(Reviewer, Reviewer.id == Decision.reviewer_id)
                .where(Decision.stage == stage, Decision.record_id.in_(ids))
                .order_by(Reviewer.name)
            ):
                by_record[d.record_id].append(
                    {"reviewer": name, "decision": d.decision, "reason": d.reason, "note": d.note}
                )
            out = []
            for rid in ids:
                votes = [Vote(d["reviewer"], d["decision"], d["reason"]) for d in by_record[rid]]
                out.append(ConflictInfo(rid, stage, titles.get(rid, ""), conflict_kind(stage, votes), by_record[rid]))
            return out

    def resolve(
        self,
        record_id: int,
        decision: str,
        reviewer: str,
        stage: str = Stage.TITLE_ABSTRACT.value,
        reason: str = "",
        note: str = "",
    ) -> ResolutionInfo:
        """Record the final decision on a conflict. The reviewers' decisions stay as they were."""
        stage = check_stage(stage)
        check_choice(decision, (Choice.INCLUDE.value, Choice.EXCLUDE.value))
        with self.writing() as s:
            who = get_reviewer(s, reviewer)
            lock_records(s, [record_id])
            check_record_at_stage(s, record_id, stage)
            current = status_at(s, record_id, stage)
            if current != Status.CONFLICT:
                raise ScreenerError(
                    f"record {record_id} has no open conflict at {stage} (it is {current})"
                )
            reason = check_reason(s, stage, decision, reason)
            if decision == Choice.INCLUDE:
                reason = ""
            at = now()
            s.add(
                Resolution(
                    record_id=record_id,
                    stage=stage,
                    decision=decision,
                    reason=reason,
                    note=note,
                    reviewer_id=who.id,
                    resolved_at=at,
                )
            )
            log_event(
                s, "resolution", record_id=record_id, reviewer=reviewer, stage=stage,
                decision=decision, reason=reason, note=note,
            )
            s.flush()
            recompute(s, [record_id], stages=(stage,))
            return ResolutionInfo(record_id, stage, decision, reason, note, reviewer, at.isoformat())

    def reopen(self, record_id: int, reviewer: str, stage: str = Stage.TITLE_ABSTRACT.value) -> None:
        stage = check_stage(stage)
        with self.writing() as s:
            get_reviewer(s, reviewer)
            lock_records(s, [record_id])
            res = s.scalar(select(Resolution).where(Resolution.record_id == record_id, Resolution.stage == stage))
            if res is None:
                raise ScreenerError(f"record {record_id} has no resolution at {stage} to reopen")
            s.execute(delete(Resolution).where(Resolution.id == res.id))
            log_event(s, "reopened", record_id=record_id, reviewer=reviewer, stage=stage,
                      resolution=res.decision, why="reopened by hand")
            s.flush()
            recompute(s, [record_id], stages=(stage,))

    def resolutions(self, stage: str | None = None,
                    among: Collection[int] | None = None) -> list[ResolutionInfo]:
        with self.reading() as s:
            q = select(Resolution, Reviewer.name).join(Reviewer, Reviewer.id == Resolution.reviewer_id)
            if stage:
                q = q.where(Resolution.stage == check_stage(stage))
            if among is not None:
                q = q.where(Resolution.record_id.in_(list(among)))
            return [
                ResolutionInfo(r.record_id, r.stage, r.decision, r.reason, r.note, name, r.resolved_at.isoformat())
                for r, name in s.execute(q.order_by(Resolution.record_id))
            ]

    def agreement(self, stage: str = Stage.TITLE_ABSTRACT.value, record_ids: list[int] | None = None) -> list[PairAgreement]:
        """Agreement for each pair of reviewers over the records both decided at ``stage``
        (optionally only a calibration sample of ``record_ids``)."""
        stage = check_stage(stage)
        table = self._decision_table(stage, record_ids)
        names = sorted({n for decisions in table.values() for n in decisions})
        out = []
        for a, b in combinations(names, 2):
            pairs = [(d[a], d[b]) for d in table.values() if a in d and b in d]
            if pairs:
                out.append(pair_agreement((a, b), stage, pairs))
        return out

    def fleiss(self, stage: str = Stage.TITLE_ABSTRACT.value) -> tuple[int, float | None]:
        """Fleiss' kappa over the records every reviewer decided (for 3 or more reviewers)."""
        table = self._decision_table(check_stage(stage), None)
        names = sorted({n for decisions in table.values() for n in decisions})
        rows = [[d[n] for n in names] for d in table.values() if len(d) == len(names)]
        if len(names) < 3 or not rows:
            return len(rows), None
        return len(rows), fleiss_kappa(rows)

    def _decision_table(self, stage: str, record_ids: list[int] | None) -> dict[int, dict[str, str]]:
        with self.reading() as s:
            q = (
                select(Decision.record_id, Reviewer.name, Decision.decision)
                .join(Reviewer, Reviewer.id == Decision.reviewer_id)
                .join(Record, Record.id == Decision.record_id)
                .where(Decision.stage == stage, Record.duplicate_of.is_(None))
            )
            if record_ids is not None:
                q = q.where(Decision.record_id.in_(record_ids))
            table: dict[int, dict[str, str]] = defaultdict(dict)
            for rid, name, decision in s.execute(q):
                table[rid][name] = decision
            return table
