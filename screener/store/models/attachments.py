"""The PDFs of a server project, kept in the database so that every reviewer sees them.

A project file keeps its PDFs as files in ``<project>_files/pdfs/`` instead (the path is
in ``retrieval.pdf_path``); both record the PDF's checksum in ``retrieval``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


class StoredPdf(Base):
    __tablename__ = "stored_pdf"
    record_id: Mapped[int] = mapped_column(
        ForeignKey("record.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime)
