"""Who a connection is: on a strict server project, the reviewer bound to the login role.

Read once when a project is opened, and carried by every session (``Session.info``), so
that the services check identity and the status hooks know who keeps ``stage_status``
without asking the server again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from screener.store.engine import Store

if TYPE_CHECKING:  # the ORM is loaded by the services that use sessions, not on opening
    from sqlalchemy.orm import Session


# The SQLSTATE of a strict project's trigger refusing in the services' own words
# (store/security.py): core.services.base.connection_errors raises them as a ScreenerError.
REFUSED = "SCR01"


@dataclass(frozen=True)
class Identity:
    strict: bool = False  # blinding enforced by the database (PostgreSQL only)
    db_user: str = ""  # the login role ("" for a project file)
    owner: bool = True  # may manage the project: reviewers, criteria, batches, history
    reviewer: str | None = None  # the reviewer this login is, on a strict project


def read_identity(engine: Engine) -> Identity:
    if engine.dialect.name == "sqlite":
        return Identity()
    with engine.connect() as conn:
        user, owner = conn.execute(text(
            "SELECT current_user::text, pg_has_role(current_user, c.relowner, 'MEMBER') "
            "FROM pg_class c WHERE c.oid = to_regclass('project')"
        )).one_or_none() or (None, True)
        if user is None:  # a database that is still being set up
            return Identity(db_user=str(conn.execute(text("SELECT current_user::text")).scalar()))
        strict = bool(conn.execute(text("SELECT strict FROM project WHERE id = 1")).scalar())
        reviewer = conn.execute(
            text("SELECT name FROM reviewer WHERE login = current_user")).scalar()
    return Identity(strict, str(user), bool(owner), reviewer if strict else None)


def bind_identity(store: Store) -> Identity:
    """Read who this connection is, and hand it to every session of the store."""
    identity = read_identity(store.engine)
    store.set_identity(identity)
    return identity


def identity_of(s: Session) -> Identity:
    found = s.info.get("identity")
    return found if isinstance(found, Identity) else Identity()


def status_kept_by_database(s: Session) -> bool:
    """On a strict project, triggers keep ``stage_status`` (store/security.py): a reviewer
    role could neither read every decision it needs nor write the table."""
    return identity_of(s).strict


def refresh_statuses(s: Session) -> None:
    """Write pending changes, so the triggers run, and forget the statuses the session
    holds, so they are read again as the triggers left them."""
    from screener.store.models import StageStatus

    s.flush()
    for obj in list(s.identity_map.values()):
        if isinstance(obj, StageStatus):
            s.expire(obj)
