"""What every service shares: the store, units of work, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from screener.store.engine import IMPORT_OPTION, Store
from screener.store.identity import REFUSED, identity_of
from screener.store.models import Event, Reviewer
from screener.types import ConnectionLost, ScreenerError


def now() -> datetime:
    """Timestamps are stored as naive UTC, the same on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Service:
    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with connection_errors(self.store, writing=False), self.store.Session() as s, s.begin():
            yield s

    @contextmanager
    def writing(self, importing: bool = False) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error. An import
        (``importing``) takes the write lock at once and marks that it holds it, so that
        another window waiting to write can say what it waits for; on a project file its
        transaction runs without foreign-key checks or an automatic checkpoint at its
        commit (``store.engine.IMPORT_OPTION``)."""
        with connection_errors(self.store), self.store.WriteSession() as s, s.begin():
            if not importing:
                yield s
                return
            s.connection(execution_options={IMPORT_OPTION: True})
            with self.store.importing():
                yield s


@contextmanager
def connection_errors(store: Store, writing: bool = True) -> Iterator[None]:
    """A server that cannot be reached raises ``ConnectionLost``, saying plainly that what
    was being written is not saved (a project file's errors pass through as they are). A
    strict project's trigger that refuses in the services' own words (SQLSTATE
    ``identity.REFUSED``) raises ``ScreenerError`` with them."""
    try:
        yield
    except DBAPIError as e:
        if getattr(e.orig, "sqlstate", None) == REFUSED:
            raise ScreenerError(str(e.orig).strip().splitlines()[0]) from None
        if store.is_sqlite or not is_connection_error(e):
            raise
        why = str(e.orig).strip().splitlines()[0] if str(e.orig).strip() else "no connection"
        raise ConnectionLost("the server cannot be reached" + (", so this was not saved"
                                                              if writing else "") + f" ({why})") from None


def is_connection_error(e: DBAPIError) -> bool:
    """The connection failed or broke (rather than the statement being refused)."""
    if e.connection_invalidated:
        return True
    state = getattr(e.orig, "sqlstate", None)
    if state is None:  # the driver's own failure: no connection, or it broke
        return isinstance(e, OperationalError | InterfaceError)
    return state.startswith("08") or state in ("57P01", "57P02", "57P03")


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
