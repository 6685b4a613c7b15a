"""The review's settings: title, question, criteria, reasons, reviewers, highlight terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from screener.core.services.base import Service, log_event, now
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
    ta_reason_required: bool = False  # title/abstract exclusions must name a reason


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    name: str
    role: str


class SettingsService(Service):
    def create(
        self,
        title: str,
        question: str = "",
        include_criteria: list[str] | None = None,
        exclude_criteria: list[str] | None = None,
        reasons: list[str] | None = None,
        reviewers_per_record: int = 1,
    ) -> None:
        if reviewers_per_record not in (1, 2):
            raise ScreenerError("reviewers per record must be 1 or 2")
        if not title.strip():
            raise ScreenerError("a project needs a title")
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
                    legacy_reason_asked=True,  # a new project chose its reasons knowingly
                )
            )
            for kind, texts in (("include", include_criteria), ("exclude", exclude_criteria)):
                for i, text in enumerate(texts or []):
                    s.add(Criterion(kind=kind, text=text.strip(), position=i))
            for i, text in enumerate(_unique(reasons or [])):
                s.add(ExclusionReason(text=text, position=i))
            log_event(s, "project_created", title=title)

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
                ta_reason_required=bool(p.ta_reason_required),
            )

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
        ta_reason_required: bool | None = None,
    ) -> None:
        """Change any of the settings; what is not given stays as it is."""
        with self.writing() as s:
            p = s.get(Project, 1)
            assert p is not None
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
    def add_reviewer(self, name: str, role: str = "reviewer") -> ReviewerInfo:
        name = " ".join(strip_controls(name).split())  # as stored (store.clean_text), for the look-up
        if not name:
            raise ScreenerError("a reviewer needs a name")
        if role not in ROLES:
            raise ScreenerError(f"role must be one of {', '.join(ROLES)}")
        with self.writing() as s:
            if s.scalar(select(Reviewer.id).where(Reviewer.name == name)) is not None:
                raise ScreenerError(f"reviewer {name!r} already exists")
            r = Reviewer(name=name, role=role)
            s.add(r)
            s.flush()
            log_event(s, "reviewer_added", reviewer=name, role=role)
            return ReviewerInfo(r.id, r.name, r.role)

    def reviewers(self) -> list[ReviewerInfo]:
        with self.reading() as s:
            return [
                ReviewerInfo(r.id, r.name, r.role)
                for r in s.scalars(select(Reviewer).order_by(Reviewer.id))
            ]


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = strip_controls(item).strip()  # as stored (store.clean_text), so duplicates are seen
        if item:
            seen.setdefault(item, None)
    return list(seen)
