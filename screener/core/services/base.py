"""What every service shares: the store, units of work, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.store.engine import Store
from screener.store.identity import identity_of
from screener.store.models import Event, Reviewer
from screener.types import ScreenerError


def now() -> datetime:
    """Timestamps are stored as naive UTC, the same on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Service:
    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.store.Session() as s, s.begin():
            yield s

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.store.WriteSession() as s, s.begin():
            yield s


def log_event(
    s: Session,
    kind: str,
    *,
    record_id: int | None = None,
    reviewer: str = "",
    stage: str = "",
    **detail: Any,
) -> None:
    # On a strict project an event is always in the name of the reviewer acting.
    reviewer = reviewer or (identity_of(s).reviewer or "")
    s.add(
        Event(
            at=now(),
            kind=kind,
            record_id=record_id,
            reviewer=reviewer,
            stage=stage,
            detail=detail,
        )
    )


def get_reviewer(s: Session, name: str) -> Reviewer:
    reviewer = s.scalar(select(Reviewer).where(Reviewer.name == name))
    if reviewer is None:
        known = ", ".join(s.scalars(select(Reviewer.name).order_by(Reviewer.id))) or "none yet"
        raise ScreenerError(
            f"unknown reviewer {name!r} (reviewers: {known}); add one with 'reviewer add'"
        )
    return reviewer
