"""What reviewers decided: decisions, resolutions, each record's status per stage, and full-text retrieval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


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
    status: Mapped[str] = mapped_column(String(20))  # (ix_stage_status_list leads with it)
    reason: Mapped[str] = mapped_column(Text, default="")  # final full-text exclusion reason
    n_decisions: Mapped[int] = mapped_column(Integer, default=0)
    # every list reads its rows from this index alone, in record order
    __table_args__ = (Index("ix_stage_status_list", "status", "stage", "record_id", "n_decisions"),)


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
        CheckConstraint("decision IN ('include', 'exclude', 'maybe')", name="ck_decision_value"),
        CheckConstraint("stage IN ('title_abstract', 'full_text')", name="ck_decision_stage"),
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
    __table_args__ = (
        UniqueConstraint("record_id", "stage", name="uq_resolution"),
        CheckConstraint("decision IN ('include', 'exclude')", name="ck_resolution_value"),
        CheckConstraint("stage IN ('title_abstract', 'full_text')", name="ck_resolution_stage"),
    )


class Retrieval(Base):
    """Full text: whether the report was obtained, and its PDF (a relative path in a
    project file; in a server project the PDF itself is in ``stored_pdf``)."""

    __tablename__ = "retrieval"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    retrieved: Mapped[bool] = mapped_column(Boolean)
    pdf_path: Mapped[str] = mapped_column(Text, default="")  # relative to <project>_files/
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")  # of the attached PDF
    pdf_name: Mapped[str] = mapped_column(Text, default="")  # the attached file's own name
    # One PDF is never attached to two records, even by two writers at once. The index is
    # partial, on both backends (migration 0003 says so for PostgreSQL too); naming only
    # SQLite's ``sqlite_where`` here spares every command loading SQLAlchemy's PostgreSQL
    # dialect (a quarter of the start-up) just to check the keyword.
    __table_args__ = (
        Index("uq_retrieval_pdf_sha256", "pdf_sha256", unique=True, sqlite_where=text("pdf_sha256 != ''")),
    )
