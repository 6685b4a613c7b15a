"""What was imported: batches, their source files, and the records, with tags and notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


class Batch(Base):
    """One search: a database export (or other source) loaded as a unit."""

    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="database")
    search_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    search_string: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # 0 for the review's own searches; 1, 2, ... for the searches of each update
    update_round: Mapped[int] = mapped_column(Integer, default=0)


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
    # (the list's sorts by title and first author are backend-specific: migration 0006)
    __table_args__ = (Index("ix_record_doi", "doi"), Index("ix_record_type_key", "type", "id"),
                      Index("ix_record_year", "year"))


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
