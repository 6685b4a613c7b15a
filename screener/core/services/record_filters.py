"""Filters on the record list that combine: batch or source, year range, record type, my
decision, final status, tag, label and full-text search.

Every filter is a condition on ``stage_status`` rows (one per record at the stage), so
they compose with each other, with "My queue" and with any sort, and each one reads an
index: record ids by batch, by year, by type; decisions by reviewer; tags and labels by
name; the search index. ``FilterCounts`` gives, for each filter, how many records each
of its values would leave given all the other filters.

Final status is what the viewer may see of it (``shown_status``): in a blind project a
record is "pending" to a reviewer who has decided and waits for the others, and another
reviewer's decision never shows as anything but "undecided".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    false,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from screener.core.services.base import get_reviewer
from screener.store.models import (
    Batch,
    Decision,
    Label,
    Project,
    Record,
    RecordLabel,
    RecordTag,
    StageStatus,
)
from screener.store.search import matching_ids_sql, words
from screener.types import ScreenerError, Status

FINAL_WORDS = ("undecided", "pending", "conflict", "included", "excluded", "not_retrieved")
MY_WORDS = ("include", "exclude", "maybe", "none")  # "none": not decided by me yet


@dataclass(frozen=True)
class RecordFilter:
    """What the list shows. Values within one filter are alternatives (any of them);
    the filters themselves all apply (all of them). Empty means "no filter"."""

    batches: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    types: tuple[str, ...] = ()
    mine: tuple[str, ...] = ()  # MY_WORDS
    final: tuple[str, ...] = ()  # FINAL_WORDS
    tags: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    search: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):  # one order for the values: two filters that keep the same records are equal
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                object.__setattr__(self, f.name, tuple(sorted(set(value), key=lambda v: (str(type(v)), v))))
        for word in self.final:
            if word not in FINAL_WORDS:
                raise ScreenerError(f"final status must be one of {', '.join(FINAL_WORDS)}, not {word!r}")
        for word in self.mine:
            if word not in MY_WORDS:
                raise ScreenerError(f"my decision must be one of {', '.join(MY_WORDS)}, not {word!r}")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ScreenerError(f"the year range {self.year_from}–{self.year_to} is empty")

    def active(self) -> list[str]:
        """The names of the filters in use."""
        return [f.name for f in fields(self) if getattr(self, f.name) not in ((), None, "")]

    def without(self, name: str) -> RecordFilter:
        """This filter with one of its parts cleared (``year`` clears both ends)."""
        if name == "year":
            return replace(self, year_from=None, year_to=None)
        cleared: dict[str, Any] = {name: "" if name == "search" else ()}
        return replace(self, **cleared)

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordFilter:
        """From ``to_dict``'s output (or kept settings): unknown keys and values of the
        wrong kind are dropped, never believed."""
        out: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if f.name in ("year_from", "year_to"):
                if isinstance(value, int) and not isinstance(value, bool):
                    out[f.name] = value
            elif f.name == "search":
                if isinstance(value, str):
                    out[f.name] = value
            elif isinstance(value, list | tuple):
                kind = int if f.name == "batches" else str
                items = tuple(v for v in value if isinstance(v, kind) and not isinstance(v, bool))
                if f.name == "final":
                    items = tuple(v for v in items if v in FINAL_WORDS)
                elif f.name == "mine":
                    items = tuple(v for v in items if v in MY_WORDS)
                out[f.name] = items
        try:
            return cls(**out)
        except ScreenerError:
            return cls(**{k: v for k, v in out.items() if k not in ("year_from", "year_to")})


def search_words(query: str) -> list[str]:
    """The words a search matches (as the search index splits them): the reading pane
    marks them as hits."""
    return words(query)


def shown_status(status: str, n_decisions: int, mine: str | None, blind: bool) -> str:
    """A record's final status as a viewer may see it: one of FINAL_WORDS or duplicate.

    ``mine`` is the viewer's own decision (None if they have not decided); ``blind`` is
    whether the viewer is held blind (a blind project, and a reviewer looking)."""
    if status in (Status.DUPLICATE, Status.INCLUDED, Status.EXCLUDED, Status.NOT_RETRIEVED):
        return status  # final, or a fact about the report: no one's decision shows
    if blind:
        if status == Status.CONFLICT:
            return Status.CONFLICT.value if mine else Status.UNDECIDED.value
        return "pending" if mine else Status.UNDECIDED.value
    if status == Status.CONFLICT:
        return Status.CONFLICT.value
    return "pending" if n_decisions else Status.UNDECIDED.value


@dataclass(frozen=True)
class Viewer:
    """Who looks at the list: their reviewer id (None for no one in particular) and
    whether they are held blind."""

    reviewer_id: int | None
    blind: bool


def viewer_of(s: Session, reviewer: str | None) -> Viewer:
    if not reviewer:
        return Viewer(None, False)
    me = get_reviewer(s, reviewer)
    project = s.get(Project, 1)
    return Viewer(me.id, True if project is None else bool(project.blind))


def _records_where(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return StageStatus.record_id.in_(select(Record.id).where(*conditions).correlate(None))


def _mine_exists(stage: str, viewer: Viewer) -> ColumnElement[bool]:
    return StageStatus.record_id.in_(
        select(Decision.record_id).where(Decision.reviewer_id == viewer.reviewer_id, Decision.stage == stage)
        .correlate(None)
    )


def final_condition(word: str, stage: str, viewer: Viewer) -> ColumnElement[bool]:
    """The rows whose ``shown_status`` is ``word``, in SQL."""
    st = StageStatus.status
    if word in (Status.INCLUDED, Status.EXCLUDED, Status.NOT_RETRIEVED):
        return st == word
    if viewer.blind and viewer.reviewer_id is not None:
        mine = _mine_exists(stage, viewer)
        if word == Status.CONFLICT:
            return and_(st == Status.CONFLICT.value, mine)
        if word == "pending":
            return and_(st == Status.UNDECIDED.value, mine)
        return and_(st.in_((Status.UNDECIDED.value, Status.CONFLICT.value)), ~mine)
    if word == Status.CONFLICT:
        return st == Status.CONFLICT.value
    if word == "pending":
        return and_(st == Status.UNDECIDED.value, StageStatus.n_decisions > 0)
    return and_(st == Status.UNDECIDED.value, StageStatus.n_decisions == 0)


def label_owner(viewer: Viewer) -> ColumnElement[bool]:
    """Whose labels a viewer sees: their own in a blind project, everyone's otherwise."""
    if viewer.blind and viewer.reviewer_id is not None:
        return RecordLabel.reviewer_id == viewer.reviewer_id
    return true()


def part_condition(s: Session, name: str, f: RecordFilter, stage: str, viewer: Viewer) -> ColumnElement[bool] | None:
    """The condition of one part of a filter (None when that part is not in use)."""
    if name == "batches" and f.batches:
        return _records_where(Record.batch_id.in_(f.batches))
    if name == "sources" and f.sources:
        return _records_where(Record.batch_id.in_(
            select(Batch.id).where(Batch.source.in_(f.sources)).correlate(None)))
    if name == "year" and (f.year_from is not None or f.year_to is not None):
        lo = Record.year >= f.year_from if f.year_from is not None else Record.year.is_not(None)
        hi = Record.year <= f.year_to if f.year_to is not None else Record.year.is_not(None)
        return _records_where(lo, hi)
    if name == "types" and f.types:
        return _records_where(Record.type.in_(f.types))
    if name == "mine" and f.mine:
        chosen = [w for w in f.mine if w != "none"]
        if viewer.reviewer_id is None:
            return true() if "none" in f.mine else false()
        parts: list[ColumnElement[bool]] = []
        if chosen:
            parts.append(StageStatus.record_id.in_(select(Decision.record_id).where(
                Decision.reviewer_id == viewer.reviewer_id, Decision.stage == stage, Decision.decision.in_(chosen))
                .correlate(None)))
        if "none" in f.mine:
            parts.append(~_mine_exists(stage, viewer))
        return or_(*parts)
    if name == "final" and f.final:
        return or_(*(final_condition(w, stage, viewer) for w in f.final))
    if name == "tags" and f.tags:
        return StageStatus.record_id.in_(
            select(RecordTag.record_id).where(RecordTag.tag.in_(f.tags)).correlate(None))
    if name == "labels" and f.labels:
        return StageStatus.record_id.in_(
            select(RecordLabel.record_id)
            .join(Label, Label.id == RecordLabel.label_id)
            .where(Label.name.in_(f.labels), label_owner(viewer))
            .correlate(None)
        )
    if name == "search" and f.search.strip():
        found = matching_ids_sql(s, f.search)
        if found is not None:
            sql, params = found
            return StageStatus.record_id.in_(text(sql).bindparams(**params))
    return None


PARTS = ("batches", "sources", "year", "types", "mine", "final", "tags", "labels", "search")
RECORD_PARTS = ("batches", "sources", "year", "types")  # conditions on the record's own columns


def record_conditions(s: Session, f: RecordFilter | None) -> list[ColumnElement[bool]]:
    """The parts of ``f`` on the record's own columns, as conditions on ``record`` (for a
    query that joins it: cheaper than one id list per part)."""
    if f is None:
        return []
    out: list[ColumnElement[bool]] = []
    if f.batches:
        out.append(Record.batch_id.in_(f.batches))
    if f.sources:
        out.append(Record.batch_id.in_(list(s.scalars(select(Batch.id).where(Batch.source.in_(f.sources))))))
    if f.year_from is not None:
        out.append(Record.year >= f.year_from)
    if f.year_to is not None:
        out.append(Record.year <= f.year_to)
    if f.types:
        out.append(Record.type.in_(f.types))
    return out


def filter_conditions(
    s: Session, f: RecordFilter | None, stage: str, viewer: Viewer, skip: str = "",
    record_parts: bool = True,
) -> list[ColumnElement[bool]]:
    """Conditions on ``stage_status`` rows for every part of ``f`` in use (but ``skip``;
    without ``record_parts``, the parts ``record_conditions`` gives)."""
    if f is None:
        return []
    out: list[ColumnElement[bool]] = []
    for name in PARTS:
        if name in RECORD_PARTS and not record_parts:
            continue
        if name != skip:
            cond = part_condition(s, name, f, stage, viewer)
            if cond is not None:
                out.append(cond)
    return out


def final_case(stage: str, viewer: Viewer) -> ColumnElement[str]:
    """``shown_status`` as one SQL expression over a ``stage_status`` row."""
    words = [w for w in FINAL_WORDS if w != "undecided"]
    return case(
        (StageStatus.status == Status.DUPLICATE.value, literal(Status.DUPLICATE.value)),
        *((final_condition(w, stage, viewer), literal(w)) for w in words),
        else_=literal("undecided"),
    )
