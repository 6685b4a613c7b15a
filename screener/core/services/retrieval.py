"""Full text: was the report obtained, and its PDF (copied beside the project)."""

from __future__ import annotations

import shutil
from pathlib import Path

from screener.core.services.base import Service, log_event, now
from screener.core.services.screening import check_record_at_stage
from screener.store.models import Retrieval
from screener.types import ScreenerError, Stage


class RetrievalService(Service):
    def set_retrieval(self, record_id: int, retrieved: bool, pdf: str | Path | None = None, reviewer: str = "") -> str:
        """Record whether the report was retrieved; attach a PDF by copying it into the
        project's folder. Returns the attachment's path relative to that folder."""
        relative = ""
        if pdf is not None:
            pdf = Path(pdf)
            if not pdf.is_file():
                raise ScreenerError(f"{pdf}: no such file")
            folder = self.store.folder
            if folder is None:
                raise ScreenerError("PDFs can be attached only to a project file, not a server project")
            relative = f"pdfs/{record_id}{pdf.suffix.lower() or '.pdf'}"
        with self.writing() as s:
            check_record_at_stage(s, record_id, Stage.FULL_TEXT.value)
            row = s.get(Retrieval, record_id)
            if row is None:
                row = Retrieval(record_id=record_id, retrieved=retrieved, pdf_path="", updated_at=now())
                s.add(row)
            row.retrieved = retrieved
            row.updated_at = now()
            if relative:
                assert self.store.folder is not None and pdf is not None
                target = self.store.folder / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(pdf, target)
                row.pdf_path = relative
            log_event(s, "retrieval", record_id=record_id, reviewer=reviewer, stage=Stage.FULL_TEXT.value,
                      retrieved=retrieved, pdf=relative or row.pdf_path)
            return row.pdf_path

    def retrieval(self, record_id: int) -> tuple[bool | None, Path | None]:
        """(retrieved or None if not yet said, absolute path of the PDF or None)."""
        with self.reading() as s:
            row = s.get(Retrieval, record_id)
            if row is None:
                return None, None
            path = self.store.folder / row.pdf_path if row.pdf_path and self.store.folder else None
            return row.retrieved, path
