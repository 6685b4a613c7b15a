"""Stopping screening early: the random samples drawn for the stopping test, and the team's
decisions to stop (or to withdraw a stop), each with the method and figures it rested on.

Both are append-only: a stop is withdrawn by a new row that names it, never by changing or
deleting it, so the history of what was decided, when and by whom stays whole.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


class StoppingSample(Base):
    """A random sample of the records unscreened at ``started_at`` (the urn), drawn for
    Callaghan & Müller-Hansen's test; its records, in drawn order, are in
    ``stopping_sample_record``."""

    __tablename__ = "stopping_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int] = mapped_column(Integer)
    urn_size: Mapped[int] = mapped_column(Integer)
    relevant_before: Mapped[int] = mapped_column(Integer)  # final includes when it was drawn
    screened_before: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime)


class StoppingSampleRecord(Base):
    __tablename__ = "stopping_sample_record"
    sample_id: Mapped[int] = mapped_column(
        ForeignKey("stopping_sample.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1-based, drawn order
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id", ondelete="CASCADE"))
    __table_args__ = (Index("ix_stopping_sample_record", "record_id"),)


class StoppingDecision(Base):
    """A decision to stop screening at a stage (``action`` 'stop'), or to withdraw one
    ('withdraw', naming it in ``withdraws_id``). ``figures`` is the JSON of what the method
    showed when the decision was made."""

    __tablename__ = "stopping_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    withdraws_id: Mapped[int | None] = mapped_column(ForeignKey("stopping_decision.id"), nullable=True)
    method: Mapped[str] = mapped_column(String(40), default="")
    figures: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint("action IN ('stop', 'withdraw')", name="ck_stopping_action"),
        CheckConstraint("stage IN ('title_abstract', 'full_text')", name="ck_stopping_stage"),
    )


class StoppingLeft(Base):
    """A record left without a final decision (and not in conflict) when screening stopped:
    PRISMA counts it as marked ineligible by automation tools while the stop stands and it
    still has no final decision."""

    __tablename__ = "stopping_left"
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("stopping_decision.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
