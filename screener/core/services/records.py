"""Finding and reading records: queues, lists, search, the reading pane, tags, notes."""

from __future__ import annotations

import gc
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, exists, func, select, text
from sqlalchemy.orm import Session, aliased

from screener.core.gc_pause import gc_paused
from screener.core.services.allocation import assigned_to
from screener.core.services.base import Service, get_reviewer, log_event
from screener.core.services.facet_counts import facet_counts
from screener.core.services.record_detail import load_detail
from screener.core.services.record_filters import (
    RecordFilter,
    filter_conditions,
    record_conditions,
    shown_status,
    viewer_of,
)
from screener.core.services.screening import DecisionInfo, check_stage
from screener.core.services.team import check_acting_as
from screener.store.models import (
    Decision,
    Project,
    Record,
    RecordNote,
    RecordTag,
    Reviewer,
    StageStatus,
)
from screener.store.search import matching_ids, matching_ids_sql
from screener.types import ScreenerError, Stage, Status

VIEWS = ("my_queue", "all")

if TYPE_CHECKING:
    import numpy as np


def in_my_queue(reviewer_id: int, stage: str) -> tuple[Any, ...]:
    """Conditions on StageStatus rows for the records that still need this reviewer's
    decision at ``stage`` (the list's "My queue" and the progress figures alike): after
    ``assign``, those assigned to them, and any record assigned to no one."""
    return (
        StageStatus.status == Status.UNDECIDED.value,
        ~select(Decision.id).where(
            Decision.record_id == StageStatus.record_id,
            Decision.reviewer_id == reviewer_id,
            Decision.stage == stage,
        ).correlate(StageStatus).exists(),  # correlated to the list's rows only, whatever else is joined
        assigned_to(reviewer_id, stage),
    )


SORTS = {
    "id": Record.id,
    "title": func.lower(Record.title),
    "year": Record.year,
    "first_author": func.lower(Record.first_author),
}


@dataclass(frozen=True)
class RecordSummary:
    record_id: int
    title: str
    year: int | None
    first_author: str
    status: str
    mine: str = ""  # the viewer's own decision at the stage, if any
    final: str = ""  # the final status as the viewer may see it (record_filters.shown_status)


@dataclass
class RecordDetail:
    record_id: int
    type: str
    title: str
    authors: list[str]
    year: int | None
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    abstract: str
    keywords: list[str]
    urls: list[str]
    batch_id: int
    source: str
    source_file: str
    source_position: int
    duplicate_of: int | None
    status: dict[str, str] = field(default_factory=dict)  # stage -> status (blind-safe)
    decisions: list[DecisionInfo] = field(default_factory=list)  # visible to the viewer
    tags: list[str] = field(default_factory=list)
    note: str = ""
    labels: list[str] = field(default_factory=list)  # the labels the viewer may see
    resolutions: list[DecisionInfo] = field(default_factory=list)  # final decisions on conflicts, blind-safe


def reached_stage(stage: str):  # type: ignore[no-untyped-def]
    """The condition for a record to be screened at ``stage``."""
    if stage == Stage.TITLE_ABSTRACT:
        return StageStatus.status != Status.DUPLICATE.value
    ta = aliased(StageStatus)
    return exists().where(
        ta.record_id == StageStatus.record_id,
        ta.stage == Stage.TITLE_ABSTRACT.value,
        ta.status == Status.INCLUDED.value,
    )


SQLITE_SORTS = {  # as the sort indexes of migration 0006 hold them (SQLite's lower() is ASCII too)
    "title": Record.title.collate("NOCASE"),
    "year": Record.year,
    "first_author": Record.first_author.collate("NOCASE"),
}


def in_sort_order(s: Session, ids: Sequence[int], sort: str, descending: bool) -> list[int]:
    """``ids`` (a list) in the order of a record field, ties in record order, read from that
    field's index: every record's id in that order, of which those in the list are kept."""
    import numpy as np  # here: a command that never sorts or searches starts without it

    sqlite = s.get_bind().dialect.name == "sqlite"
    key = SQLITE_SORTS[sort] if sqlite else SORTS[sort]
    order = select(Record.id).order_by(key.desc() if descending else key, Record.id)
    if sqlite:  # one string of every id in order (from an ordered subquery, one row), parsed in C
        joined = s.execute(select(func.group_concat(order.subquery().c.id))).scalar()
        every = np.fromstring(joined or "", dtype=np.int64, sep=",")
    else:
        every = np.array(raw_ids(s, order), dtype=np.int64)
    kept: list[int] = every[np.isin(every, np.asarray(ids, dtype=np.int64), assume_unique=True)].tolist()
    return kept


def raw_ids(s: Session, q: Any) -> list[int]:
    """The first column of every row, as the driver returns it: integer ids need no result
    processing, and fetching 100,000 of them row by row through SQLAlchemy costs ten times more."""
    result = s.connection().execute(q)
    try:
        return [row[0] for row in result.cursor.fetchall()]  # type: ignore[union-attr]
    finally:
        result.close()


VIEWER = select(select(Reviewer.id).where(Reviewer.name == bindparam("name")).scalar_subquery(),
                select(Project.blind).where(Project.id == 1).scalar_subquery())
SUMMARY_ROWS = (
    select(Record.id, Record.title, Record.year, Record.first_author, StageStatus.status, StageStatus.n_decisions,
           Decision.decision)
    .join(StageStatus, and_(StageStatus.record_id == Record.id, StageStatus.stage == bindparam("stage")))
    .outerjoin(Decision, and_(Decision.record_id == Record.id, Decision.reviewer_id == bindparam("me"),
                              Decision.stage == bindparam("stage")))
    .where(Record.id.in_(bindparam("ids", expanding=True)))
)


class RecordService(Service):
    def ids(
        self,
        stage: str = Stage.TITLE_ABSTRACT.value,
        *,
        view: str = "all",
        reviewer: str | None = None,
        status: str | None = None,
        tag: str | None = None,
        search: str | None = None,
        sort: str = "id",
        descending: bool = False,
        among: Collection[int] | None = None,
        filters: RecordFilter | None = None,
    ) -> list[int]:
        """Record ids for a list, in order. ``my_queue`` needs a reviewer: the records
        that still need that reviewer's decision at this stage. With ``among``, only those
        of these records that are in the list (to update a list after a few changed)."""
        stage = check_stage(stage)
        if view not in VIEWS:
            raise ScreenerError(f"view must be one of {VIEWS}")
        with self.reading() as s:
            q = select(StageStatus.record_id).where(StageStatus.stage == stage)
            by_record = sort in SORTS and sort != "id"
            # On SQLite the list is read in record order and put in the sort's order from that
            # sort's index (migration 0006): no lookup of each record, no sort of wide rows.
            in_python = by_record and s.get_bind().dialect.name == "sqlite"
            if by_record and not in_python:  # only a sort needs the (wide) record rows
                q = q.join(Record, Record.id == StageStatus.record_id)
                by_record = True
            elif in_python:
                by_record = False
            if status == Status.DUPLICATE:
                q = q.where(StageStatus.status == Status.DUPLICATE.value)
            else:
                q = q.where(reached_stage(stage))
                if status:
                    q = q.where(StageStatus.status == Status(status).value)
            if view == "my_queue":
                if not reviewer:
                    raise ScreenerError("my queue needs a reviewer")
                q = q.where(*in_my_queue(get_reviewer(s, reviewer).id, stage))
            if among is not None:
                q = q.where(StageStatus.record_id.in_(list(among)))
            if tag:
                q = q.where(
                    exists().where(RecordTag.record_id == StageStatus.record_id, RecordTag.tag == tag)
                )
            if search:
                found = matching_ids_sql(s, search)
                if found is not None:
                    sql, params = found
                    q = q.where(StageStatus.record_id.in_(text(sql).bindparams(**params)))
            if filters is not None:
                on_record = record_conditions(s, filters)
                if on_record:
                    if not by_record:
                        q = q.join(Record, Record.id == StageStatus.record_id)
                    q = q.where(*on_record)
                q = q.where(*filter_conditions(s, filters, stage, viewer_of(s, reviewer), record_parts=False))
            order = SORTS[sort] if by_record else StageStatus.record_id
            q = q.order_by(order.desc() if descending and (by_record or sort == "id") else order)
            if by_record:
                q = q.order_by(StageStatus.record_id)
            was_enabled = gc.isenabled()
            gc.disable()  # 100,000 row tuples, all freed at once: no cycles to look for meanwhile
            try:
                ids = raw_ids(s, q)
                if in_python:
                    ids = in_sort_order(s, ids, sort, descending)
                return ids
            finally:
                if was_enabled:
                    gc.enable()

    def in_order(self, ids: Sequence[int], sort: str = "id", descending: bool = False) -> list[int]:
        """These records (a list's) in the order of ``sort`` (records.SORTS), ties in record
        order: read from the sort's index, so a list already read is put in order without
        being queried again."""
        if sort not in SORTS:
            raise ScreenerError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if sort == "id":
            return sorted(ids, reverse=descending)
        with self.reading() as s, gc_paused(settle=False):  # 100,000 row tuples, all freed at once
            return in_sort_order(s, ids, sort, descending)

    def matching(self, search: str) -> np.ndarray | None:
        """The ids of every record matching ``search`` (each word, the last as a prefix: as
        ``ids(search=...)`` does), from the full-text index alone, in no order, as an int64
        array; None for an empty query. A list already read is narrowed by them
        (``numpy.isin``) without being queried again."""
        with self.reading() as s:
            return matching_ids(s, search)

    def summaries(
        self, ids: list[int], stage: str = Stage.TITLE_ABSTRACT.value, viewer: str | None = None
    ) -> list[RecordSummary]:
        """Rows for a list, in the order of ``ids``. With a viewer the status is blind-safe.
        Core statements on the session's connection (a block of rows as the list is painted)."""
        stage = check_stage(stage)
        with self.reading() as s:
            conn = s.connection()
            me, blind = None, False
            if viewer is not None:
                me, blind = conn.execute(VIEWER, {"name": viewer}).one()
                if me is None:
                    get_reviewer(s, viewer)  # raises, naming the reviewers there are
                blind = True if blind is None else bool(blind)
            rows = {row[0]: row[1:] for row in conn.execute(SUMMARY_ROWS, {"ids": ids, "stage": stage, "me": me or 0})}
        if viewer is None:
            return [RecordSummary(rid, *rows[rid][:4], final=shown_status(rows[rid][3], rows[rid][4], None, False))
                    for rid in ids if rid in rows]
        out = []
        for rid in ids:
            row = rows.get(rid)
            if row is not None:
                title, year, fa, st, n, mine = row
                out.append(RecordSummary(rid, title, year, fa, blind_status(st, mine), mine or "",
                                         shown_status(st, n, mine, blind)))
        return out

    def listing(self, stage: str = Stage.TITLE_ABSTRACT.value, status: str | None = None, *,
                view: str = "all", reviewer: str | None = None,
                filters: RecordFilter | None = None) -> list[RecordSummary]:
        """Rows for the ``records`` command: a view (``my_queue`` is ``reviewer``'s queue),
        filtered; with a reviewer, statuses are what that reviewer may see."""
        ids = self.ids(stage, view=view, reviewer=reviewer, status=status, filters=filters)
        out: list[RecordSummary] = []
        for start in range(0, len(ids), 5000):
            out += self.summaries(ids[start : start + 5000], stage, viewer=reviewer)
        return out

    def detail(self, record_id: int, viewer: str | None = None) -> RecordDetail:
        """A record for the reading pane, blind-safe for ``viewer`` (three statements)."""
        with self.reading() as s:
            return load_detail(s, record_id, viewer)

    def counts(self, stage: str, reviewer: str | None = None) -> dict[str, int]:
        """Progress for a stage: records at the stage, how many of them are reports not
        retrieved (done, with nothing to decide), and (for a reviewer) how many they decided
        and how many remain in their queue (``queue``; the rest of ``total`` is done as far
        as they are concerned). Blind-safe: no other reviewer's counts."""
        stage = check_stage(stage)
        not_retrieved = StageStatus.status == Status.NOT_RETRIEVED.value
        with self.reading() as s:
            total = s.scalar(
                select(func.count()).select_from(StageStatus).where(StageStatus.stage == stage, reached_stage(stage))
            ) or 0
            out = {"total": total}
            if stage == Stage.FULL_TEXT:
                out["not_retrieved"] = s.scalar(
                    select(func.count()).select_from(StageStatus)
                    .where(StageStatus.stage == stage, not_retrieved, reached_stage(stage))
                ) or 0
            if reviewer:
                me = get_reviewer(s, reviewer)
                mine = s.scalar(
                    select(func.count())
                    .select_from(Decision)
                    .join(StageStatus, and_(StageStatus.record_id == Decision.record_id, StageStatus.stage == stage))
                    .where(Decision.reviewer_id == me.id, Decision.stage == stage, reached_stage(stage), ~not_retrieved)
                ) or 0
                out["decided_by_me"] = mine
                out["queue"] = s.scalar(
                    select(func.count()).select_from(StageStatus)
                    .where(StageStatus.stage == stage, reached_stage(stage), *in_my_queue(me.id, stage))
                ) or 0
            return out

    def filter_counts(
        self,
        stage: str,
        filters: RecordFilter,
        *,
        view: str = "all",
        reviewer: str | None = None,
    ) -> dict[str, dict[Any, int]]:
        """For each filter, how many records of the view each of its values would leave
        given the other filters in use (blind-safe for ``reviewer``)."""
        stage = check_stage(stage)
        with self.reading() as s:
            viewer = viewer_of(s, reviewer)
            base: list[Any] = [reached_stage(stage)]
            if view == "my_queue":
                if viewer.reviewer_id is None:
                    raise ScreenerError("my queue needs a reviewer")
                base += in_my_queue(viewer.reviewer_id, stage)
            return facet_counts(s, base, filters, stage, viewer)

    def queue_size(self, stage: str, reviewer: str) -> int:
        return self.counts(stage, reviewer)["queue"]

    def waiting_for_others(self, stage: str, reviewer: str) -> int:
        """Records this reviewer decided at ``stage`` that still wait for another
        reviewer's decision (status undecided). Says nothing about what others decided."""
        stage = check_stage(stage)
        with self.reading() as s:
            me = get_reviewer(s, reviewer)
            return s.scalar(
                select(func.count())
                .select_from(Decision)
                .join(StageStatus, and_(StageStatus.record_id == Decision.record_id, StageStatus.stage == stage))
                .where(
                    Decision.reviewer_id == me.id,
                    Decision.stage == stage,
                    StageStatus.status == Status.UNDECIDED.value,
                    reached_stage(stage),
                )
            ) or 0

    def any_records(self) -> bool:
        """Whether anything was imported yet (one row read, not a count)."""
        with self.reading() as s:
            return s.scalar(select(Record.id).limit(1)) is not None

    def record_types(self) -> list[str]:
        """The record types in the project (RIS type codes), for the type filter."""
        with self.reading() as s:
            return sorted(t or "" for t in s.scalars(select(Record.type).distinct()))

    # tags and notes
    def tags(self) -> list[str]:
        with self.reading() as s:
            return list(s.scalars(select(RecordTag.tag).distinct().order_by(RecordTag.tag)))

    def set_tags(self, record_id: int, tags: list[str], reviewer: str = "") -> None:
        with self.writing() as s:
            if s.get(Record, record_id) is None:
                raise ScreenerError(f"no record {record_id}")
            s.execute(delete(RecordTag).where(RecordTag.record_id == record_id))
            for tag in sorted({t.strip() for t in tags if t.strip()}):
                s.add(RecordTag(record_id=record_id, tag=tag))
            log_event(s, "tags", record_id=record_id, reviewer=reviewer, tags=tags)

    def set_note(self, record_id: int, reviewer: str, note: str) -> None:
        with self.writing() as s:
            me = get_reviewer(s, reviewer)
            check_acting_as(s, me)
            if s.get(Record, record_id) is None:
                raise ScreenerError(f"no record {record_id}")
            row = s.get(RecordNote, (record_id, me.id))
            if row is None:
                s.add(RecordNote(record_id=record_id, reviewer_id=me.id, text=note))
            else:
                row.text = note
            log_event(s, "note", record_id=record_id, reviewer=reviewer, note=note)


def blind_status(status: str, my_decision: str | None) -> str:
    """What a blind reviewer may see of a record's status: nothing beyond their own
    decision until every required reviewer has decided."""
    if status == Status.NOT_RETRIEVED:  # a fact about the report, not anyone's decision
        return status
    if status in (Status.DUPLICATE, Status.INCLUDED, Status.EXCLUDED, Status.CONFLICT):
        if my_decision is None and status == Status.CONFLICT:
            return Status.UNDECIDED.value
        return status
    return Status.UNDECIDED.value


def visible_resolutions(s: Session, record_id: int, viewer: str | None,
                        decisions: list[DecisionInfo]) -> list[DecisionInfo]:
    """The record's resolutions (the final decision on a conflict, and who made it). In a
    blind project a reviewer sees one only at a stage where they decided themselves (a
    conflict needs every decision first) or if they resolve conflicts."""
    from screener.store.models import Project, Resolution, Reviewer

    rows: list[tuple[Resolution, str]] = [(r, name) for r, name in s.execute(
        select(Resolution, Reviewer.name).join(Reviewer, Reviewer.id == Resolution.reviewer_id)
        .where(Resolution.record_id == record_id).order_by(Resolution.stage)
    )]
    if not rows:
        return []
    if viewer:
        project = s.get(Project, 1)
        me = get_reviewer(s, viewer)
        if (project is None or project.blind) and me.role != "resolver":
            mine = {d.stage for d in decisions if d.reviewer == viewer}
            rows = [(r, name) for r, name in rows if r.stage in mine]
    return [DecisionInfo(record_id, name, r.stage, r.decision, r.reason, r.note, r.resolved_at.isoformat())
            for r, name in rows]
