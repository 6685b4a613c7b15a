"""Sharing the work out: assigning records to reviewers, and the team's progress.

After ``assign``, a reviewer's queue holds the records assigned to them (and any record
assigned to no one, such as those of a later import, until the next ``assign``). A record
assigned to more reviewers than the project requires (the overlap screened by everyone,
for calibration) needs every one of their decisions before it is final.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_, select
from sqlalchemy.orm import Session

from screener.core.allocation import allocate
from screener.core.services.base import Service, get_reviewer, log_event, now
from screener.core.services.status import recompute, required_reviewers
from screener.store.models import Assignment, Decision, Project, Record, Reviewer, StageStatus
from screener.types import ScreenerError, Stage, Status


def assigned_to(reviewer_id: int, stage: str) -> ColumnElement[bool]:
    """The StageStatus rows of records assigned to this reviewer, or to no one."""
    return or_(
        StageStatus.record_id.in_(
            select(Assignment.record_id).where(Assignment.reviewer_id == reviewer_id, Assignment.stage == stage)
            .correlate(None)
        ),
        ~select(Assignment.record_id).where(Assignment.record_id == StageStatus.record_id,
                                            Assignment.stage == stage).correlate(StageStatus).exists(),
    )


def assigned_to_others(s: Session, reviewer_id: int, stage: str) -> set[int]:
    """Records assigned at ``stage`` to other reviewers and not to this one."""
    anyone = set(s.scalars(select(Assignment.record_id).where(Assignment.stage == stage).distinct()))
    if not anyone:
        return set()
    mine = set(s.scalars(select(Assignment.record_id).where(
        Assignment.stage == stage, Assignment.reviewer_id == reviewer_id)))
    return anyone - mine


def assigned_counts(s: Session, ids: list[int], stage: str) -> dict[int, int]:
    """How many reviewers each of these records is assigned to at ``stage``."""
    if not ids:
        return {}
    return dict(
        s.execute(
            select(Assignment.record_id, func.count())
            .where(Assignment.stage == stage, Assignment.record_id.in_(ids))
            .group_by(Assignment.record_id)
        ).all()
    )


@dataclass
class AllocationReport:
    assignments: dict[str, int]  # reviewer -> records assigned to them by this run
    overlap: int  # records assigned to every reviewer (calibration)
    records: int  # records allocated
    stage: str = Stage.TITLE_ABSTRACT.value


@dataclass
class ReviewerProgress:
    name: str
    role: str
    assigned: int  # records assigned to them at the stage
    decided: int  # of those, decided by them
    queue: int  # what their queue holds now
    decided_all: int  # their decisions at the stage, assigned or not


@dataclass
class TeamProgress:
    stage: str
    total: int  # records at the stage
    final: int  # records with a final decision
    unassigned: int  # undecided records assigned to no one
    allocated: bool  # whether any record is assigned at this stage
    reviewers: list[ReviewerProgress] = field(default_factory=list)
    shared: int = 0  # records assigned to more reviewers than the project requires (calibration)


class AllocationService(Service):
    def assign(
        self,
        reviewers: list[str],
        per_record: int,
        overlap: float = 0.0,
        seed: int | None = None,
        *,
        stage: str = Stage.TITLE_ABSTRACT.value,
        batches: list[int] | None = None,
        whole_batches: bool = False,
    ) -> AllocationReport:
        """Allocate the undecided records at ``stage`` (of ``batches``, if given):
        ``per_record`` reviewers each, evenly, and a share ``overlap`` (0 to 1) to every
        reviewer. With ``whole_batches`` each batch goes whole to the same reviewers.
        A reviewer who already decided on a record keeps it. Earlier assignments of
        these records are replaced; those of decided records are kept."""
        from screener.core.services.screening import check_stage

        stage = check_stage(stage)
        names = list(dict.fromkeys(n.strip() for n in reviewers if n.strip()))
        if not names:
            raise ScreenerError("name the reviewers to assign records to (--reviewers a,b,c)")
        if per_record < 1 or per_record > len(names):
            raise ScreenerError(
                f"--per-record must be between 1 and the number of reviewers ({len(names)}), not {per_record}"
            )
        if per_record > 2:
            raise ScreenerError("a record is screened by 1 or 2 reviewers (--per-record 1 or 2)")
        if not 0.0 <= overlap <= 1.0:
            raise ScreenerError(f"--overlap is a share of the records, from 0 to 1, not {overlap}")
        with self.writing() as s:
            people = [get_reviewer(s, n) for n in names]
            by_name = {r.name: r.id for r in people}
            self._match_required(s, stage, per_record)
            q = (
                select(StageStatus.record_id, Record.batch_id)
                .join(Record, Record.id == StageStatus.record_id)
                .where(StageStatus.stage == stage, StageStatus.status == Status.UNDECIDED.value)
            )
            if stage == Stage.FULL_TEXT:
                from screener.core.services.records import reached_stage

                q = q.where(reached_stage(stage))
            if batches:
                q = q.where(Record.batch_id.in_(batches))
            rows = s.execute(q.order_by(StageStatus.record_id)).all()
            ids = [rid for rid, _ in rows]
            keep: dict[int, set[str]] = {}
            names_by_id = {rid: name for name, rid in by_name.items()}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for rid, who in s.execute(
                    select(Decision.record_id, Decision.reviewer_id).where(
                        Decision.stage == stage, Decision.record_id.in_(chunk)
                    )
                ):
                    if who not in names_by_id:
                        name = s.get(Reviewer, who)
                        raise ScreenerError(
                            f"record {rid} is already decided by {name.name if name else who}, who is not "
                            "among --reviewers; add them, or leave that record out (--batch)"
                        )
                    keep.setdefault(rid, set()).add(names_by_id[who])
            plan = allocate(
                ids, names, per_record, overlap, seed, keep,
                groups={rid: bid for rid, bid in rows} if whole_batches else None,
            )
            for start in range(0, len(ids), 500):
                s.execute(delete(Assignment).where(Assignment.stage == stage,
                                                   Assignment.record_id.in_(ids[start : start + 500])))
            at = now()
            values = [
                {"record_id": rid, "reviewer_id": by_name[name], "stage": stage, "assigned_at": at}
                for rid, who in plan.assigned.items()
                for name in who
            ]
            for start in range(0, len(values), 5000):
                s.execute(insert(Assignment), values[start : start + 5000])
            counts = Counter(name for who in plan.assigned.values() for name in who)
            report = AllocationReport({n: counts.get(n, 0) for n in names}, len(plan.overlap), len(ids), stage)
            log_event(s, "assign", stage=stage, reviewers=names, per_record=per_record, overlap=overlap,
                      seed=seed, batches=batches or [], whole_batches=whole_batches,
                      assignments=report.assignments, overlap_records=report.overlap, records=len(ids))
            s.flush()
            recompute(s, keep, stages=(stage,))  # only a record with decisions can change status
            return report

    @staticmethod
    def _match_required(s: Session, stage: str, per_record: int) -> None:
        """The project's reviewers per record follow ``per_record`` while nothing is
        decided at the stage; after that, a different number is refused."""
        required = required_reviewers(s, stage)
        if required == per_record:
            return
        decided = s.scalar(select(func.count()).select_from(Decision).where(Decision.stage == stage)) or 0
        if decided:
            raise ScreenerError(
                f"the project has {required} reviewer(s) per record at {stage.replace('_', '/')} and "
                f"{decided} decision(s) are made; assign with --per-record {required}"
            )
        p = s.get(Project, 1)
        assert p is not None
        if stage == Stage.TITLE_ABSTRACT:
            p.reviewers_per_record_ta = per_record
        else:
            p.reviewers_per_record_ft = per_record
        log_event(s, "settings_changed", stage=stage, reviewers_per_record=per_record, by="assign")
        s.flush()

    def clear(self, stage: str = Stage.TITLE_ABSTRACT.value) -> int:
        """Take back every assignment of undecided records: queues hold all records again."""
        with self.writing() as s:
            undecided = select(StageStatus.record_id).where(
                StageStatus.stage == stage, StageStatus.status == Status.UNDECIDED.value
            )
            ids = list(s.scalars(select(Assignment.record_id).where(
                Assignment.stage == stage, Assignment.record_id.in_(undecided)).distinct()))
            s.execute(delete(Assignment).where(Assignment.stage == stage, Assignment.record_id.in_(undecided)))
            log_event(s, "unassign", stage=stage, records=len(ids))
            s.flush()
            recompute(s, ids, stages=(stage,))
            return len(ids)

    def undecided_by_batch(self, stage: str = Stage.TITLE_ABSTRACT.value) -> dict[int, int]:
        """How many undecided records each batch has at the stage (what ``assign`` shares)."""
        from screener.core.services.records import reached_stage

        with self.reading() as s:
            return dict(s.execute(
                select(Record.batch_id, func.count()).join(StageStatus, StageStatus.record_id == Record.id)
                .where(StageStatus.stage == stage, StageStatus.status == Status.UNDECIDED.value,
                       reached_stage(stage))
                .group_by(Record.batch_id)).all())

    def team(self, stage: str = Stage.TITLE_ABSTRACT.value) -> TeamProgress:
        """Each reviewer's progress at a stage: what they are assigned, have decided and
        have left. Counts only, never what anyone decided."""
        from screener.core.services.records import in_my_queue, reached_stage
        from screener.core.services.screening import check_stage

        stage = check_stage(stage)
        with self.reading() as s:
            at_stage = and_(StageStatus.stage == stage, reached_stage(stage))
            total = s.scalar(select(func.count()).select_from(StageStatus).where(at_stage)) or 0
            final = s.scalar(select(func.count()).select_from(StageStatus).where(
                at_stage, StageStatus.status.in_((Status.INCLUDED.value, Status.EXCLUDED.value)))) or 0
            allocated = s.scalar(select(func.count()).select_from(Assignment).where(Assignment.stage == stage)) or 0
            unassigned = s.scalar(select(func.count()).select_from(StageStatus).where(
                at_stage, StageStatus.status == Status.UNDECIDED.value,
                ~exists().where(Assignment.record_id == StageStatus.record_id, Assignment.stage == stage))) or 0
            assigned = dict(s.execute(
                select(Assignment.reviewer_id, func.count()).join(
                    StageStatus, and_(StageStatus.record_id == Assignment.record_id, StageStatus.stage == stage))
                .where(Assignment.stage == stage, reached_stage(stage)).group_by(Assignment.reviewer_id)).all())
            done_assigned = dict(s.execute(
                select(Assignment.reviewer_id, func.count())
                .join(Decision, and_(Decision.record_id == Assignment.record_id,
                                     Decision.reviewer_id == Assignment.reviewer_id, Decision.stage == stage))
                .join(StageStatus, and_(StageStatus.record_id == Assignment.record_id, StageStatus.stage == stage))
                .where(Assignment.stage == stage, reached_stage(stage)).group_by(Assignment.reviewer_id)).all())
            done_all = dict(s.execute(
                select(Decision.reviewer_id, func.count())
                .join(StageStatus, and_(StageStatus.record_id == Decision.record_id, StageStatus.stage == stage))
                .where(Decision.stage == stage, reached_stage(stage)).group_by(Decision.reviewer_id)).all())
            per_record = (select(Assignment.record_id).where(Assignment.stage == stage)
                          .group_by(Assignment.record_id)
                          .having(func.count() > required_reviewers(s, stage)).subquery())
            shared = s.scalar(select(func.count()).select_from(per_record)) or 0
            people = []
            for r in s.scalars(select(Reviewer).order_by(Reviewer.id)):
                queue = s.scalar(select(func.count()).select_from(StageStatus).where(
                    at_stage, *in_my_queue(r.id, stage))) or 0
                people.append(ReviewerProgress(r.name, r.role, assigned.get(r.id, 0), done_assigned.get(r.id, 0),
                                               queue, done_all.get(r.id, 0)))
            return TeamProgress(stage, total, final, unassigned if allocated else 0, bool(allocated), people, shared)
