"""SQLAlchemy models: the project file's schema.

One schema for SQLite and PostgreSQL. Migrations in ``store/migrations`` build it;
``Base.metadata`` is the reference they are checked against in the tests.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Project(Base):
    """The single row that describes the review."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text, default="")
    reviewers_per_record_ta: Mapped[int] = mapped_column(Integer, default=1)
    reviewers_per_record_ft: Mapped[int] = mapped_column(Integer, default=1)
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


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


class Batch(Base):
    """One search: a database export (or other source) loaded as a unit."""

    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="database")
    search_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    search_string: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SourceFile(Base):
    __tablename__ = "source_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)  # base name
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str] = mapped_column(String(40))
    n_records: Mapped[int] = mapped_column(Integer)
    n_skipped: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class Record(Base):
    __tablename__ = "record"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("source_file.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1-based within its file
    line: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list] = mapped_column(JSON, default=list)
    first_author: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    journal: Mapped[str] = mapped_column(Text, default="")
    volume: Mapped[str] = mapped_column(Text, default="")
    issue: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[str] = mapped_column(Text, default="")
    doi: Mapped[str] = mapped_column(Text, default="")
    pmid: Mapped[str] = mapped_column(String(40), default="")
    abstract: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    urls: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Every (tag, value) of the record as exported, in order, for lossless export: see
    # store.rows.encode_tags (the abstract's own copy is not repeated).
    source_tags: Mapped[str] = mapped_column(Text, default="")
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("record.id"), nullable=True, index=True
    )
    __table_args__ = (Index("ix_record_doi", "doi"),)


class StageStatus(Base):
    """A record's current status at a stage, derived from decisions and resolutions.

    Kept up to date in the same transaction as every write that can change it, so
    queues and PRISMA counts are plain indexed queries.
    """

    __tablename__ = "stage_status"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # final full-text exclusion reason
    n_decisions: Mapped[int] = mapped_column(Integer, default=0)


class Decision(Base):
    """A reviewer's current decision on a record at a stage (one row per triple).

    Every change is also appended to ``event``; this table holds only the latest.
    """

    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    stage: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("record_id", "reviewer_id", "stage", name="uq_decision"),
        Index("ix_decision_reviewer_stage", "reviewer_id", "stage"),
    )


class Resolution(Base):
    """The final decision on a conflict. Reviewers' decisions are never overwritten."""

    __tablename__ = "resolution"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    resolved_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("record_id", "stage", name="uq_resolution"),)


class Retrieval(Base):
    """Full text: whether the report was obtained, and its PDF (relative path)."""

    __tablename__ = "retrieval"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    retrieved: Mapped[bool] = mapped_column(Boolean)
    pdf_path: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class DuplicatePair(Base):
    """A candidate pair from dedup, and what a reviewer said about it."""

    __tablename__ = "duplicate_pair"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_a: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    record_b: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # pending | duplicate | not_duplicate | auto
    __table_args__ = (UniqueConstraint("record_a", "record_b", name="uq_duplicate_pair"),)


class RecordTag(Base):
    __tablename__ = "record_tag"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)


class RecordNote(Base):
    __tablename__ = "record_note"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")


class PrismaManual(Base):
    """PRISMA boxes Screener cannot know, entered by hand."""

    __tablename__ = "prisma_manual"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Event(Base):
    """The append-only audit trail: imports, merges, decisions, resolutions."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(20), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
