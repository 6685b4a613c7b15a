"""Working as a team: who a connection may act as, and who may resolve a conflict.

Both are checked here, in the service layer, for every backend; on a strict server
project the database enforces them as well (``store/security.py``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.store.identity import identity_of
from screener.store.models import Decision, Project, Reviewer
from screener.types import ScreenerError

# Who may resolve a conflict (the project's setting), and what each means.
RESOLVE_POLICIES = {
    "consensus": "any reviewer, recording what the two agreed by discussion",
    "resolver": "only reviewers with the resolver role",
    "third-party": "only someone who is not a party to the conflict",
}
DEFAULT_RESOLVE_POLICY = "consensus"
# Why consensus is the default: Cochrane expects disagreements to be resolved by discussion
# between the two reviewers, with a third person brought in only when that fails.
COCHRANE_NOTE = (
    "Cochrane Handbook (v5.1, section 7.2.4): disagreements can generally be resolved by "
    "discussion; one due to a difference in interpretation may need arbitration by another "
    "person. MECIR C40 asks that the process be defined in advance."
)
PACKAGE_MERGE = "package_merge"  # Session.info key: the reviewer a verified package stands for


def check_acting_as(s: Session, reviewer: Reviewer) -> None:
    """On a strict project, a connection acts only as the reviewer its login role is; the
    owner acts for a reviewer only to merge that reviewer's verified package."""
    me = identity_of(s)
    if not me.strict or me.reviewer == reviewer.name:
        return
    if me.owner and s.info.get(PACKAGE_MERGE) == reviewer.name:
        return
    if me.reviewer is None:
        raise ScreenerError(
            f"on this strict project you act as the role you log in as, and role {me.db_user!r} "
            f"is not a reviewer here, so it cannot act as {reviewer.name!r}; log in as that "
            "reviewer's role"
        )
    raise ScreenerError(
        f"on this strict project you are {me.reviewer!r} (you logged in as {me.db_user!r}); "
        f"you cannot act as {reviewer.name!r}"
    )


def resolve_policy(s: Session) -> str:
    p = s.get(Project, 1)
    policy = p.resolve_policy if p is not None else DEFAULT_RESOLVE_POLICY
    if policy not in RESOLVE_POLICIES:
        raise ScreenerError(
            f"this project's setting for who may resolve is {policy!r}, which this version of "
            f"Screener does not know ({', '.join(RESOLVE_POLICIES)})"
        )
    return policy


def check_may_resolve(s: Session, who: Reviewer, record_id: int, stage: str) -> bool:
    """Refuse a resolution (or reopening) the project's setting does not allow. Returns
    whether ``who`` is a party to the conflict (decided on the record at the stage)."""
    policy = resolve_policy(s)
    party = s.scalar(select(Decision.id).where(
        Decision.record_id == record_id, Decision.stage == stage, Decision.reviewer_id == who.id
    )) is not None
    if policy == "resolver" and who.role != "resolver":
        raise ScreenerError(
            f"in this project only reviewers with the resolver role may resolve conflicts, "
            f"and {who.name} is a {who.role} (change who may resolve in the project's settings)"
        )
    if policy == "third-party" and party:
        raise ScreenerError(
            f"{who.name} decided on record {record_id} at {stage}, and in this project only "
            "someone who is not a party to a conflict may resolve it"
        )
    return party
