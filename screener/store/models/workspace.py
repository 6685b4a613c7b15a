"""The team's workspace: the project's labels, who put them on which record, and who is
assigned which records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


class Label(Base):
    """One of the project's labels (a shared list, apart from exclusion reasons)."""

    __tablename__ = "label"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RecordLabel(Base):
    """A label a reviewer put on a record. In a blind project a reviewer sees only their own."""

    __tablename__ = "record_label"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"), primary_key=True)
    __table_args__ = (Index("ix_record_label_label", "label_id", "record_id"),)


class Assignment(Base):
    """A record given to a reviewer to screen at a stage (``screener assign``)."""

    __tablename__ = "assignment"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_assignment_reviewer", "reviewer_id", "stage", "record_id"),)
