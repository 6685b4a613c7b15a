"""The review's settings: title, question, criteria, reasons, reviewers, highlight terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from screener.core.services.base import Service, log_event, now
from screener.core.services.team import DEFAULT_RESOLVE_POLICY, RESOLVE_POLICIES
from screener.store import security
from screener.store.identity import bind_identity, identity_of
from screener.store.models import (
    Criterion,
    ExclusionReason,
    HighlightTerm,
    Project,
    Reviewer,
)
from screener.text import strip_controls
from screener.types import ScreenerError, Stage

ROLES = ("reviewer", "resolver")


@dataclass
class ProjectInfo:
    title: str
    question: str
    include_criteria: list[str] = field(default_factory=list)
    exclude_criteria: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    include_terms: list[str] = field(default_factory=list)
    exclude_terms: list[str] = field(default_factory=list)
    reviewers_per_record: dict[str, int] = field(default_factory=dict)
    blind: bool = True
    strict: bool = False  # on a server: blinding and identity enforced by the database
    resolve_policy: str = DEFAULT_RESOLVE_POLICY  # who may resolve: see core.services.team
    ta_reason_required: bool = False  # title/abstract exclusions must name a reason


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    name: str
    role: str
    login: str | None = None  # the database login role that is this reviewer (strict)


class SettingsService(Service):
    def create(
        self,
        title: str,
        question: str = "",
        include_criteria: list[str] | None = None,
        exclude_criteria: list[str] | None = None,
        reasons: list[str] | None = None,
        reviewers_per_record: int = 1,
        strict: bool = False,
        resolve_policy: str = DEFAULT_RESOLVE_POLICY,
    ) -> list[str]:
        """Set the new project up; returns warnings for whoever runs the server."""
        if reviewers_per_record not in (1, 2):
            raise ScreenerError("reviewers per record must be 1 or 2")
        if not title.strip():
            raise ScreenerError("a project needs a title")
        check_resolve_policy(resolve_policy)
        if strict and self.store.is_sqlite:
            raise ScreenerError("strict mode needs a PostgreSQL server: a project file cannot "
                                "enforce it against whoever can edit the file")
        warnings: list[str] = []
        with self.writing() as s:
            if s.scalar(select(Project.id)) is not None:
                raise ScreenerError("this project is already set up")
            s.add(
                Project(
                    id=1,
                    title=title.strip(),
                    question=question.strip(),
                    reviewers_per_record_ta=reviewers_per_record,
                    reviewers_per_record_ft=reviewers_per_record,
                    blind=True,
                    ta_reason_required=False,
                    created_at=now(),
                    strict=strict,
                    resolve_policy=resolve_policy,
                    legacy_reason_asked=True,  # a new project chose its reasons knowingly
                )
            )
            for kind, texts in (("include", include_criteria), ("exclude", exclude_criteria)):
                for i, text in enumerate(texts or []):
                    s.add(Criterion(kind=kind, text=text.strip(), position=i))
            for i, text in enumerate(_unique(reasons or [])):
                s.add(ExclusionReason(text=text, position=i))
            log_event(s, "project_created", title=title, strict=strict)
            if strict:
                s.flush()
                warnings = security.install(s.connection())
        bind_identity(self.store)
        return warnings

    def info(self) -> ProjectInfo:
        with self.reading() as s:
            p = s.get(Project, 1)
            if p is None:
                raise ScreenerError(f"{self.store.target}: not a Screener project (no settings)")
            crits = s.scalars(select(Criterion).order_by(Criterion.kind, Criterion.position)).all()
            terms = s.scalars(select(HighlightTerm).order_by(HighlightTerm.id)).all()
            return ProjectInfo(
                title=p.title,
                question=p.question,
                include_criteria=[c.text for c in crits if c.kind == "include"],
                exclude_criteria=[c.text for c in crits if c.kind == "exclude"],
                reasons=self._reasons(s),
                include_terms=[t.term for t in terms if t.kind == "include"],
                exclude_terms=[t.term for t in terms if t.kind == "exclude"],
                reviewers_per_record={
                    Stage.TITLE_ABSTRACT.value: p.reviewers_per_record_ta,
                    Stage.FULL_TEXT.value: p.reviewers_per_record_ft,
                },
                blind=p.blind,
                strict=p.strict,
                resolve_policy=p.resolve_policy,
                ta_reason_required=bool(p.ta_reason_required),
            )

    def make_strict(self) -> list[str]:
        """Make a server project strict, or apply its security again (after a restore from
        pg_dump, say). Only its owner can. Returns warnings for whoever runs the server."""
        with self.writing() as s:
            p = s.get(Project, 1)
            assert p is not None
            if self.store.is_sqlite:
                raise ScreenerError("strict mode needs a PostgreSQL server: a project file cannot "
                                    "enforce it against whoever can edit the file")
            if not identity_of(s).owner:
                raise ScreenerError("only the project's owner can make it strict")
            if not p.strict:
                p.strict = True
                log_event(s, "settings_changed", strict=True)
            s.flush()
            warnings = security.install(s.connection())
        bind_identity(self.store)
        return warnings

    def bound_reviewer(self) -> str | None:
        """On a strict project, the reviewer this connection's login role is (None for the
        owner, or a role no reviewer is bound to); None for any other project."""
        return bind_identity(self.store).reviewer

    @staticmethod
    def _reasons(s) -> list[str]:  # type: ignore[no-untyped-def]
        return list(s.scalars(select(ExclusionReason.text).order_by(ExclusionReason.position)))

    def reasons(self) -> list[str]:
        with self.reading() as s:
            return self._reasons(s)

    def update(
        self,
        *,
        title: str | None = None,
        question: str | None = None,
        include_criteria: list[str] | None = None,
        exclude_criteria: list[str] | None = None,
        reasons: list[str] | None = None,
        include_terms: list[str] | None = None,
        exclude_terms: list[str] | None = None,
        reviewers_per_record: dict[str, int] | None = None,
        blind: bool | None = None,
        resolve_policy: str | None = None,
        ta_reason_required: bool | None = None,
    ) -> None:
        """Change any of the settings; what is not given stays as it is."""
        with self.writing() as s:
            _check_owner(s, "change the settings")
            p = s.get(Project, 1)
            assert p is not None
            if resolve_policy is not None:
                p.resolve_policy = check_resolve_policy(resolve_policy)
            if blind is False and p.strict:
                raise ScreenerError("a strict project is always blind: the database enforces it")
            if title is not None:
                if not title.strip():
                    raise ScreenerError("a project needs a title")
                p.title = title.strip()
            if question is not None:
                p.question = question.strip()
            if blind is not None:
                p.blind = blind
            if ta_reason_required is not None:
                p.ta_reason_required = ta_reason_required
            if reviewers_per_record:
                for stage, n in reviewers_per_record.items():
                    if n not in (1, 2):
                        raise ScreenerError("reviewers per record must be 1 or 2")
                    if Stage(stage) == Stage.TITLE_ABSTRACT:
                        p.reviewers_per_record_ta = n
                    else:
                        p.reviewers_per_record_ft = n
            for kind, texts in (("include", include_criteria), ("exclude", exclude_criteria)):
                if texts is not None:
                    s.execute(delete(Criterion).where(Criterion.kind == kind))
                    for i, text in enumerate(t.strip() for t in texts if t.strip()):
                        s.add(Criterion(kind=kind, text=text, position=i))
            for kind, terms in (("include", include_terms), ("exclude", exclude_terms)):
                if terms is not None:
                    s.execute(delete(HighlightTerm).where(HighlightTerm.kind == kind))
                    for term in _unique(terms):
                        s.add(HighlightTerm(kind=kind, term=term))
            if reasons is not None:
                self._set_reasons(s, _unique(reasons))
            log_event(s, "settings_changed")
        if reviewers_per_record:
            from screener.core.services.status import recompute_all

            with self.writing() as s:
                recompute_all(s)

    @staticmethod
    def _set_reasons(s, reasons: list[str]) -> None:  # type: ignore[no-untyped-def]
        existing = {r.text: r for r in s.scalars(select(ExclusionReason))}
        for text, row in existing.items():
            if text not in reasons:
                s.delete(row)
        s.flush()
        for i, text in enumerate(reasons):
            row = existing.get(text)
            if row is None:
                s.add(ExclusionReason(text=text, position=i))
            else:
                row.position = i

    # reviewers
    def add_reviewer(self, name: str, role: str = "reviewer", *, login: bool = False,
                     password: str | None = None) -> ReviewerInfo:
        """Add a reviewer. With ``login`` (a strict server project), the reviewer is also a
        database login role of that name: a new one with ``password``, or an existing role
        (no password: it keeps its own). A reviewer that exists without a login gets one."""
        name = " ".join(strip_controls(name).split())  # as stored (store.clean_text), for the look-up
        if not name:
            raise ScreenerError("a reviewer needs a name")
        if role not in ROLES:
            raise ScreenerError(f"role must be one of {', '.join(ROLES)}")
        with self.writing() as s:
            _check_owner(s, "add reviewers")
            existing = s.scalar(select(Reviewer).where(Reviewer.name == name))
            if existing is not None and (not login or existing.login):
                raise ScreenerError(f"reviewer {name!r} already exists")
            if login:
                _check_may_add_login(s, name)
            r = existing or Reviewer(name=name, role=role)
            if existing is None:
                s.add(r)
                s.flush()
                log_event(s, "reviewer_added", reviewer=name, role=role)
            if login:
                _bind_login(s, r, password)
            return ReviewerInfo(r.id, r.name, r.role, r.login)

    def reviewers(self) -> list[ReviewerInfo]:
        with self.reading() as s:
            return [
                ReviewerInfo(r.id, r.name, r.role, r.login)
                for r in s.scalars(select(Reviewer).order_by(Reviewer.id))
            ]


def check_resolve_policy(policy: str) -> str:
    if policy not in RESOLVE_POLICIES:
        raise ScreenerError(f"who may resolve must be one of {', '.join(RESOLVE_POLICIES)}, not {policy!r}")
    return policy


def _check_owner(s, what: str) -> None:  # type: ignore[no-untyped-def]
    me = identity_of(s)
    if me.strict and not me.owner:
        raise ScreenerError(f"only the project's owner can {what} on this strict project; "
                            f"you logged in as {me.db_user!r}")


def _check_may_add_login(s, name: str) -> None:  # type: ignore[no-untyped-def]
    p = s.get(Project, 1)
    if s.get_bind().dialect.name == "sqlite" or p is None or not p.strict:
        raise ScreenerError("--login needs a strict project on a PostgreSQL server "
                            "(create one with 'screener new URL --title T --strict')")
    if len(name.encode()) > 63 or name.startswith("pg_") or "\x00" in name:
        raise ScreenerError(f"{name!r} cannot be a database role: at most 63 bytes, not starting with pg_")


def _bind_login(s, reviewer: Reviewer, password: str | None) -> None:  # type: ignore[no-untyped-def]
    conn = s.connection()
    exists = security.role_exists(conn, reviewer.name)
    if exists and password is not None:
        raise ScreenerError(
            f"a database role {reviewer.name!r} already exists on this server: leave out "
            "--password-file to let that role be this reviewer (it keeps its password)")
    if not exists and not password:
        raise ScreenerError(f"a new login role {reviewer.name!r} needs a password (--password-file)")
    if s.scalar(select(Reviewer.id).where(Reviewer.login == reviewer.name)) is not None:
        raise ScreenerError(f"role {reviewer.name!r} is already another reviewer of this project")
    if not exists:
        assert password is not None
        try:
            with conn.begin_nested():
                security.create_login(conn, reviewer.name, password)
        except Exception as e:
            if "permission denied" not in str(e):
                raise
            raise ScreenerError(
                f"you may not create login roles on this server; ask its admin to create role "
                f"{reviewer.name!r}, then run 'reviewer add' with --login and no --password-file"
            ) from None
    reviewer.login = reviewer.name
    s.flush()
    for warning in security.grant_reviewer(conn, reviewer.name):
        raise ScreenerError(warning)
    log_event(s, "reviewer_login", reviewer=reviewer.name, role=reviewer.role)


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = strip_controls(item).strip()  # as stored (store.clean_text), so duplicates are seen
        if item:
            seen.setdefault(item, None)
    return list(seen)
