"""A record as the reading pane shows it, read in three statements.

The reading pane asks for a record after every decision, undo, sort and search, so its
detail is one row (the record, its source, its status at each stage, the viewer and their
note, read through scalar subqueries), the decisions and resolutions on it (one UNION),
and its tags and labels (another). The statements are built once and run on the session's
connection as Core rows. Who may see what is decided here from those rows just as
``visible_decisions``, ``visible_labels`` and ``visible_resolutions`` decide it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, and_, bindparam, literal, select, true, union_all
from sqlalchemy.orm import Session

from screener.core.services.base import get_reviewer
from screener.core.services.screening import DecisionInfo
from screener.store.models import (
    Batch,
    Decision,
    Label,
    Project,
    Record,
    RecordLabel,
    RecordNote,
    RecordTag,
    Resolution,
    Reviewer,
    SourceFile,
    StageStatus,
)
from screener.types import ScreenerError, Stage, Status

if TYPE_CHECKING:
    from screener.core.services.records import RecordDetail

STAGES = sorted(s.value for s in Stage)  # in the order of the stage_status key


@cache
def _statements(own_labels_only: bool) -> tuple[Any, Any, Any]:
    """The three statements, built once (building one costs more than running it)."""
    rid, viewer = bindparam("rid", type_=Integer), bindparam("viewer", type_=String)
    r = Record.__table__.c
    me = select(Reviewer.id).where(Reviewer.name == viewer).scalar_subquery()
    record = (
        select(
            r.id, r.type, r.title, r.authors, r.year, r.journal, r.volume, r.issue, r.pages, r.doi, r.pmid,
            r.abstract, r.keywords, r.urls, r.batch_id, r.position, r.duplicate_of,
            Batch.source, SourceFile.name,
            select(Project.blind).where(Project.id == 1).scalar_subquery(),
            me,
            select(Reviewer.role).where(Reviewer.name == viewer).scalar_subquery(),
            select(RecordNote.text).where(RecordNote.record_id == rid, RecordNote.reviewer_id == me)
            .scalar_subquery(),
            *(select(StageStatus.status).where(StageStatus.record_id == rid, StageStatus.stage == stage)
              .scalar_subquery() for stage in STAGES),
        )
        .select_from(Record.__table__)
        .outerjoin(Batch, Batch.id == r.batch_id)
        .outerjoin(SourceFile, SourceFile.id == r.file_id)
        .where(r.id == rid)
    )
    made = union_all(
        select(literal(0).label("kind"), Decision.stage, Reviewer.name, Decision.decision, Decision.reason,
               Decision.note, Decision.decided_at)
        .join(Reviewer, Reviewer.id == Decision.reviewer_id).where(Decision.record_id == rid),
        select(literal(1).label("kind"), Resolution.stage, Reviewer.name, Resolution.decision, Resolution.reason,
               Resolution.note, Resolution.resolved_at)
        .join(Reviewer, Reviewer.id == Resolution.reviewer_id).where(Resolution.record_id == rid),
    ).order_by("kind", "stage", "name")
    own = RecordLabel.reviewer_id == bindparam("me") if own_labels_only else true()
    words = union_all(
        select(literal(0).label("kind"), literal(0).label("pos"), literal(0).label("lid"),
               RecordTag.tag.label("word")).where(RecordTag.record_id == rid),
        select(literal(1), Label.position, Label.id, Label.name)
        .join(RecordLabel, and_(RecordLabel.label_id == Label.id, RecordLabel.record_id == rid))
        .where(own).group_by(Label.id, Label.name, Label.position),
    ).order_by("kind", "pos", "lid", "word")
    return record, made, words


def load_detail(s: Session, record_id: int, viewer: str | None) -> RecordDetail:
    from screener.core.services.records import RecordDetail, blind_status

    record, made, words_of = _statements(False)
    conn = s.connection()  # Core rows on the session's connection: no ORM work per row
    row = conn.execute(record, {"rid": record_id, "viewer": viewer or ""}).one_or_none()
    if row is None:
        raise ScreenerError(f"no record {record_id}")
    (rid, rtype, title, authors, year, journal, volume, issue, pages, doi, pmid, abstract, keywords, urls,
     batch_id, position, duplicate_of, source, file_name, project_blind, my_id, my_role, note_text) = row[:23]
    statuses = {stage: st for stage, st in zip(STAGES, row[23:], strict=True) if st is not None}
    if viewer and my_id is None:
        get_reviewer(s, viewer)  # raises, naming the reviewers there are
    blind = True if project_blind is None else bool(project_blind)

    made_rows = conn.execute(made, {"rid": record_id}).all()
    rows = [(stage, name, dec, reason, note, at) for kind, stage, name, dec, reason, note, at in made_rows
            if kind == 0]
    decisions = []
    for stage, name, dec, reason, note, at in rows:
        if viewer is not None and blind and name != viewer:
            mine = any(n == viewer and st == stage for st, n, *_ in rows)
            if not mine or statuses.get(stage, Status.UNDECIDED.value) == Status.UNDECIDED:
                continue
        decisions.append(DecisionInfo(record_id, name, stage, dec, reason, note, at.isoformat()))
    resolutions = [DecisionInfo(record_id, name, stage, dec, reason, note, at.isoformat())
                   for kind, stage, name, dec, reason, note, at in made_rows if kind == 1]
    if viewer and resolutions and blind and my_role != "resolver":
        decided = {d.stage for d in decisions if d.reviewer == viewer}
        resolutions = [d for d in resolutions if d.stage in decided]

    status = {}
    for stage, st in statuses.items():
        mine_d = next((d.decision for d in decisions if d.stage == stage and d.reviewer == viewer), None)
        status[stage] = blind_status(st, mine_d) if viewer else st

    if viewer and blind:
        words_of = _statements(True)[2]
    words = conn.execute(words_of, {"rid": record_id, "me": my_id}).all()
    return RecordDetail(
        record_id=rid, type=rtype, title=title, authors=list(authors or []), year=year, journal=journal,
        volume=volume, issue=issue, pages=pages, doi=doi, pmid=pmid, abstract=abstract,
        keywords=list(keywords or []), urls=list(urls or []), batch_id=batch_id, source=source or "",
        source_file=file_name or "", source_position=position, duplicate_of=duplicate_of, status=status,
        decisions=decisions, tags=[w for kind, _, _, w in words if kind == 0],
        note=(note_text or "") if viewer else "",
        labels=[w for kind, _, _, w in words if kind == 1], resolutions=resolutions,
    )
