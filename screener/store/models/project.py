"""The review itself: its question, criteria, highlight terms, reasons, reviewers and hand-entered PRISMA boxes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


class Project(Base):
    """The single row that describes the review."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text, default="")
    reviewers_per_record_ta: Mapped[int] = mapped_column(Integer, default=1)
    reviewers_per_record_ft: Mapped[int] = mapped_column(Integer, default=1)
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    # a title/abstract exclusion must name a reason from the list (as at full text)
    ta_reason_required: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Asked (once) what the old default reason "Not available in full text" means here.
    legacy_reason_asked: Mapped[bool] = mapped_column(Boolean, default=False)
    # On a PostgreSQL server: blinding enforced by the database (store/security.py).
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who may resolve a conflict: consensus | resolver | third-party (core.services.settings).
    resolve_policy: Mapped[str] = mapped_column(String(20), default="consensus")


class Criterion(Base):
    __tablename__ = "criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # include | exclude
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class HighlightTerm(Base):
    __tablename__ = "highlight_term"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # include | exclude
    term: Mapped[str] = mapped_column(Text)


class ExclusionReason(Base):
    """The project's shared list of full-text exclusion reasons."""

    __tablename__ = "exclusion_reason"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text, unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Reviewer(Base):
    __tablename__ = "reviewer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="reviewer")  # reviewer | resolver
    # The database login role that is this reviewer on a strict server project.
    login: Mapped[str | None] = mapped_column(String(63), nullable=True, unique=True, index=True)


class PrismaManual(Base):
    """PRISMA boxes Screener cannot know, entered by hand."""

    __tablename__ = "prisma_manual"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
