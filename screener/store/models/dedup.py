"""Deduplication: candidate pairs and what a reviewer said about them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


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
