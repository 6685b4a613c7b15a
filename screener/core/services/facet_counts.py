"""How many records each value of each filter would leave, given the other filters: the
numbers beside the values in the Filters panel.

One statement: the view's rows are read once into a common table expression holding, per
record, the values filtered on (batch, year, type, final status as the viewer may see it,
the viewer's decision) and one flag per filter in use; every filter's counts are then a
GROUP BY over those rows with the other filters' flags, all in one UNION ALL. A table
expression used more than once is computed once (SQLite 3.35+, PostgreSQL 12+), so the
record table is read once however many filters there are; the work is the database's, off
the Python interpreter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from screener.core.services.record_filters import (
    PARTS,
    RecordFilter,
    Viewer,
    final_case,
    label_owner,
    part_condition,
)
from screener.store.models import (
    Batch,
    Decision,
    Label,
    Record,
    RecordLabel,
    RecordTag,
    StageStatus,
)

# the parts whose flag is a plain condition on the joined row (others come from part_condition)
ROW_PARTS = ("batches", "sources", "year", "types", "mine")


def _row_flag(s: Session, name: str, f: RecordFilter, mine: Any) -> ColumnElement[bool] | None:
    if name == "batches" and f.batches:
        return Record.batch_id.in_(f.batches)
    if name == "sources" and f.sources:
        ids = list(s.scalars(select(Batch.id).where(Batch.source.in_(f.sources))))
        return Record.batch_id.in_(ids)
    if name == "year" and (f.year_from is not None or f.year_to is not None):
        lo = f.year_from if f.year_from is not None else -10**6
        hi = f.year_to if f.year_to is not None else 10**6
        return and_(Record.year.is_not(None), Record.year.between(lo, hi))
    if name == "types" and f.types:
        return Record.type.in_(f.types)
    if name == "mine" and f.mine:
        chosen = [w for w in f.mine if w != "none"]
        parts = [mine.decision.in_(chosen)] if chosen else []
        if "none" in f.mine:
            parts.append(mine.decision.is_(None))
        return or_(*parts)
    return None


def facet_counts(
    s: Session, base: list[ColumnElement[bool]], f: RecordFilter, stage: str, viewer: Viewer
) -> dict[str, dict[Any, int]]:
    """For each filter, how many records each of its values leaves, under ``base`` (the
    view's own conditions) and every other filter in use."""
    mine = aliased(Decision)
    flags: dict[str, ColumnElement[bool]] = {}
    for name in PARTS:
        if name in ROW_PARTS:
            cond = _row_flag(s, name, f, mine)
        else:
            cond = part_condition(s, name, f, stage, viewer)
        if cond is not None:
            flags[name] = cond
    mine_on = and_(mine.record_id == StageStatus.record_id, mine.stage == stage,
                   mine.reviewer_id == (viewer.reviewer_id if viewer.reviewer_id is not None else -1))
    rows = (
        select(
            StageStatus.record_id.label("rid"), Record.batch_id.label("b"), Record.year.label("y"),
            Record.type.label("ty"), final_case(stage, viewer).label("st"),
            func.coalesce(mine.decision, "none").label("me"),
            *(case((cond, 1), else_=0).label(f"f_{name}") for name, cond in flags.items()),
        )
        .select_from(StageStatus)
        .join(Record, Record.id == StageStatus.record_id)
        .outerjoin(mine, mine_on)
        .where(StageStatus.stage == stage, *base)
        .cte("facts")
    )

    def others(skip: str) -> list[ColumnElement[bool]]:
        return [rows.c[f"f_{name}"] == 1 for name in flags if name != skip]

    def grouped(facet: str, value: Any, skip: str, *joins: tuple[Any, Any], where: tuple[Any, ...] = ()) -> Any:
        q = select(literal(facet).label("facet"), value.label("value"), func.count(func.distinct(rows.c.rid)))
        q = q.select_from(rows)
        for table, on in joins:
            q = q.join(table, on)
        return q.where(*others(skip), *where).group_by(literal_column("1"), literal_column("2"))

    parts = [
        grouped("batches", func.cast(rows.c.b, Record.type.type), "batches"),
        grouped("sources", Batch.source, "sources", (Batch, Batch.id == rows.c.b)),
        grouped("year", func.cast(rows.c.y, Record.type.type), "year"),
        grouped("types", rows.c.ty, "types"),
        grouped("final", rows.c.st, "final"),
        grouped("mine", rows.c.me, "mine"),
        grouped("tags", RecordTag.tag, "tags", (RecordTag, RecordTag.record_id == rows.c.rid)),
        grouped("labels", Label.name, "labels", (RecordLabel, RecordLabel.record_id == rows.c.rid),
                (Label, Label.id == RecordLabel.label_id), where=(label_owner(viewer),)),
    ]
    out: dict[str, dict[Any, int]] = {name: {} for name in
                                      ("batches", "sources", "year", "types", "final", "mine", "tags", "labels")}
    for facet, value, n in s.execute(union_all(*parts)):
        if facet in ("batches", "year"):
            value = int(value) if value is not None else None
        out[facet][value] = int(n)
    if viewer.reviewer_id is None:
        out["mine"] = {}
    return out
