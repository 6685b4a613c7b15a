"""Labels: the project's shared list (like Rayyan's labels, apart from exclusion reasons),
and who put which label on which record.

A reviewer's labels are their own: in a blind project each reviewer sees only theirs, so
that a label such as "wrong population" tells no one else how they decided. In a project
that is not blind everyone sees every label.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from screener.core.services.base import Service, get_reviewer, log_event
from screener.core.services.record_filters import label_owner, viewer_of
from screener.core.services.team import check_acting_as
from screener.store.models import Label, Record, RecordLabel
from screener.text import strip_controls
from screener.types import ScreenerError

MAX_LABEL = 200


def clean_label(name: str) -> str:
    name = " ".join(strip_controls(name).split())
    if len(name) > MAX_LABEL:
        raise ScreenerError(f"a label has at most {MAX_LABEL} characters")
    return name


def label_id(s: Session, name: str) -> int:
    """The id of a label by name (matched regardless of case) or by its number in the list."""
    rows = s.execute(select(Label.id, Label.name).order_by(Label.position, Label.id)).all()
    wanted = clean_label(name)
    for lid, text in rows:
        if text.casefold() == wanted.casefold():
            return int(lid)
    if wanted.isdigit() and 1 <= int(wanted) <= len(rows):
        return int(rows[int(wanted) - 1][0])
    known = "; ".join(f"{i} {t}" for i, (_, t) in enumerate(rows, 1)) or "none yet"
    raise ScreenerError(f"label {name!r} is not in the project's list: {known}")


def visible_labels(s: Session, record_id: int, viewer: str | None) -> list[str]:
    """The labels on a record that ``viewer`` may see, in the list's order."""
    q = (
        select(Label.name)
        .join(RecordLabel, RecordLabel.label_id == Label.id)
        .where(RecordLabel.record_id == record_id, label_owner(viewer_of(s, viewer)))
        .group_by(Label.id, Label.name, Label.position)
        .order_by(Label.position, Label.id)
    )
    return list(s.scalars(q))


class LabelService(Service):
    def labels(self) -> list[str]:
        """The project's labels, in order (label 1 first: Ctrl+1 puts it on a record)."""
        with self.reading() as s:
            return list(s.scalars(select(Label.name).order_by(Label.position, Label.id)))

    def usage(self) -> dict[str, int]:
        """How many records carry each label (anyone's), for the settings page."""
        with self.reading() as s:
            return dict(
                s.execute(
                    select(Label.name, func.count(func.distinct(RecordLabel.record_id)))
                    .join(RecordLabel, RecordLabel.label_id == Label.id)
                    .group_by(Label.name)
                ).all()
            )

    def set_labels(self, names: list[str], reviewer: str = "") -> None:
        """Make the project's list exactly ``names`` in that order. A label taken off the
        list is taken off every record too (the history keeps how many)."""
        wanted: dict[str, None] = {}
        for name in names:
            clean = clean_label(name)
            if clean and clean.casefold() not in {w.casefold() for w in wanted}:
                wanted[clean] = None
        with self.writing() as s:
            existing = {row.name: row for row in s.scalars(select(Label))}
            for name, row in existing.items():
                if name not in wanted:
                    used = s.scalar(select(func.count()).select_from(RecordLabel).where(RecordLabel.label_id == row.id))
                    s.execute(delete(RecordLabel).where(RecordLabel.label_id == row.id))
                    s.delete(row)
                    log_event(s, "label_removed", reviewer=reviewer, label=name, records=used or 0)
            s.flush()
            for i, name in enumerate(wanted):
                kept = existing.get(name)
                if kept is None:
                    s.add(Label(name=name, position=i))
                    log_event(s, "label_added", reviewer=reviewer, label=name)
                else:
                    kept.position = i

    def of(self, record_id: int, viewer: str | None = None) -> list[str]:
        with self.reading() as s:
            return visible_labels(s, record_id, viewer)

    def set_on(self, record_id: int, reviewer: str, names: list[str]) -> list[str]:
        """Make ``reviewer``'s labels on a record exactly ``names``; returns them."""
        with self.writing() as s:
            me = get_reviewer(s, reviewer)
            check_acting_as(s, me)  # on a strict project, only as oneself
            if s.get(Record, record_id) is None:
                raise ScreenerError(f"no record {record_id}")
            ids = sorted({label_id(s, n) for n in names})
            s.execute(delete(RecordLabel).where(RecordLabel.record_id == record_id, RecordLabel.reviewer_id == me.id))
            for lid in ids:
                s.add(RecordLabel(record_id=record_id, label_id=lid, reviewer_id=me.id))
            s.flush()
            mine = list(s.scalars(
                select(Label.name).join(RecordLabel, RecordLabel.label_id == Label.id)
                .where(RecordLabel.record_id == record_id, RecordLabel.reviewer_id == me.id)
                .order_by(Label.position, Label.id)))
            log_event(s, "labels", record_id=record_id, reviewer=reviewer, labels=mine)
            return mine

    def toggle(self, record_id: int, reviewer: str, name: str) -> bool:
        """Put a label on a record, or take it off if the reviewer had put it there.
        Returns whether the record now carries it (the reviewer's own)."""
        with self.writing() as s:
            me = get_reviewer(s, reviewer)
            check_acting_as(s, me)  # on a strict project, only as oneself
            if s.get(Record, record_id) is None:
                raise ScreenerError(f"no record {record_id}")
            lid = label_id(s, name)
            row = s.get(RecordLabel, (record_id, lid, me.id))
            if row is None:
                s.add(RecordLabel(record_id=record_id, label_id=lid, reviewer_id=me.id))
            else:
                s.delete(row)
            label = s.get(Label, lid)
            log_event(s, "label" if row is None else "unlabel", record_id=record_id, reviewer=reviewer,
                      label=label.name if label else name)
            return row is None
