"""Full text: was the report obtained, and its PDF.

A project file keeps its PDFs in ``<project>_files/pdfs/``; a server project keeps them
in the database (``stored_pdf``), so every reviewer sees them. A report marked not
retrieved has the full-text status ``not_retrieved``: it leaves every queue, counts as
done, and can be marked retrieved again, which brings back what was decided on it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from screener.core.pdf.engine import PdfError, check_pdf_bytes, read_bytes
from screener.core.services.base import Service, log_event, now
from screener.core.services.pdf_files import PdfPathError, confined, remove_new, write_pdf
from screener.core.services.screening import check_record_at_stage
from screener.core.services.status import lock_records, recompute
from screener.store.models import Decision, Retrieval, StoredPdf
from screener.types import ScreenerError, Stage, Work

if TYPE_CHECKING:
    from screener.core.services.folder_attach import FolderReport

MAX_DATABASE_PDF = 200 * 1024 * 1024  # bytes; larger PDFs are refused on a server project


@dataclass(frozen=True)
class RetrievalChange:
    pdf: str = ""  # where the PDF is now: its path in the project folder, or "database"
    warning: str = ""  # what else changed, for the reviewer to know


@dataclass(frozen=True)
class AttachedPdf:
    """A record's PDF as the viewer and "Open PDF" see it."""

    record_id: int
    name: str  # the attached file's own name
    sha256: str
    in_database: bool  # a server project's PDF (else a file in the project folder)
    path: Path | None = None  # the file, checked to lie inside the project's PDF folder
    problem: str = ""  # why it cannot be shown: refused path, missing file ("" if fine)


@dataclass(frozen=True)
class NewPdf:
    data: bytes
    sha256: str
    name: str


def load_pdf(path: str | Path) -> NewPdf:
    """Read a PDF to attach, refusing what is not one."""
    data = read_bytes(path)
    check_pdf_bytes(data, str(path))
    return NewPdf(data, hashlib.sha256(data).hexdigest(), Path(path).name)


class RetrievalService(Service):
    @property
    def in_database(self) -> bool:
        return self.store.folder is None

    def set_retrieval(self, record_id: int, retrieved: bool, pdf: str | Path | None = None,
                      reviewer: str = "", replace: bool = False) -> RetrievalChange:
        """Record whether the report was retrieved; with ``pdf``, attach it (a copy). An
        attached PDF is replaced only with ``replace``; one PDF is never attached to two
        records."""
        new = load_pdf(pdf) if pdf is not None else None
        if new is not None and not retrieved:
            raise ScreenerError("a PDF can be attached only to a report marked retrieved")
        if new is not None and self.in_database and len(new.data) > MAX_DATABASE_PDF:
            raise ScreenerError(f"{pdf}: too large to keep in the project database "
                                f"({len(new.data) // (1024 * 1024)} MB; at most {MAX_DATABASE_PDF // (1024 * 1024)} MB)")
        written = ""
        try:
            with self.writing() as s:
                lock_records(s, [record_id])
                check_record_at_stage(s, record_id, Stage.FULL_TEXT.value)
                row = s.get(Retrieval, record_id)
                was = row.retrieved if row is not None else None
                if new is not None:
                    self._check_attach(s, record_id, row, new, replace)
                if row is None:
                    row = Retrieval(record_id=record_id, retrieved=retrieved, pdf_path="", updated_at=now(),
                                    pdf_sha256="", pdf_name="")
                    s.add(row)
                row.retrieved = retrieved
                row.updated_at = now()
                where = ""
                if new is not None and new.sha256 != row.pdf_sha256:
                    where, written = self._store(s, record_id, row, new)
                log_event(s, "retrieval", record_id=record_id, reviewer=reviewer, stage=Stage.FULL_TEXT.value,
                          retrieved=retrieved, pdf=row.pdf_name, sha256=row.pdf_sha256, path=row.pdf_path)
                s.flush()
                recompute(s, [record_id], stages=(Stage.FULL_TEXT.value,))
                warning = self._warning(s, record_id, was, retrieved)
        except IntegrityError:  # another writer attached this very PDF to another record meanwhile
            if written and self.store.folder is not None:
                remove_new(self.store.folder, written)
            raise ScreenerError(f"this PDF was attached to another record meanwhile; one PDF is never "
                                f"attached to two records (record {record_id} is unchanged)") from None
        except BaseException:
            if written and self.store.folder is not None:
                remove_new(self.store.folder, written)
            raise
        return RetrievalChange(where or ("database" if self.in_database and row.pdf_sha256 else row.pdf_path), warning)

    @staticmethod
    def _warning(s: Session, record_id: int, was: bool | None, retrieved: bool) -> str:
        if retrieved == was or not (retrieved is False or was is False):
            return ""
        n = s.scalar(select(func.count()).select_from(Decision).where(
            Decision.record_id == record_id, Decision.stage == Stage.FULL_TEXT.value)) or 0
        if not n:
            return ""
        if not retrieved:
            return (f"record {record_id}'s {n} full-text decision(s) no longer count while the report "
                    "is not retrieved (they are kept)")
        return f"record {record_id}'s {n} full-text decision(s) count again"

    def _check_attach(self, s: Session, record_id: int, row: Retrieval | None, new: NewPdf, replace: bool) -> None:
        other = s.scalar(select(Retrieval.record_id).where(
            Retrieval.pdf_sha256 == new.sha256, Retrieval.record_id != record_id).limit(1))
        if other is not None:
            raise ScreenerError(f"this PDF ({new.name}) is already attached to record {other}; one PDF is "
                                "never attached to two records (are they duplicates?)")
        if row is None or not (row.pdf_sha256 or row.pdf_path):
            return
        if not row.pdf_sha256 and self.store.folder is not None:  # attached before checksums were kept
            try:
                row.pdf_sha256 = hashlib.sha256(read_bytes(confined(self.store.folder, row.pdf_path))).hexdigest()
            except (PdfPathError, PdfError):
                pass
        if row.pdf_sha256 != new.sha256 and not replace:
            raise ScreenerError(f"record {record_id} already has a PDF ({row.pdf_name or row.pdf_path}); "
                                "replace it explicitly to attach another one")

    def _store(self, s: Session, record_id: int, row: Retrieval, new: NewPdf) -> tuple[str, str]:
        """Put the PDF where the project keeps PDFs; returns (where, a file written now)."""
        row.pdf_sha256, row.pdf_name = new.sha256, new.name
        if self.store.folder is None:
            stored = s.get(StoredPdf, record_id)
            if stored is None:
                s.add(StoredPdf(record_id=record_id, sha256=new.sha256, size=len(new.data), data=new.data,
                                added_at=now()))
            else:
                stored.sha256, stored.size, stored.data, stored.added_at = new.sha256, len(new.data), new.data, now()
            row.pdf_path = ""
            return "database", ""
        relative, created = write_pdf(self.store.folder, record_id, new.data, new.sha256)
        row.pdf_path = relative
        return relative, relative if created else ""

    def remove_pdf(self, record_id: int, reviewer: str = "") -> bool:
        """Take a PDF off its record (a wrong match, say). The file itself stays in the project
        folder, and the history says which it was. False if the record had none."""
        with self.writing() as s:
            lock_records(s, [record_id])
            row = s.get(Retrieval, record_id)
            if row is None or not (row.pdf_sha256 or row.pdf_path):
                return False
            log_event(s, "pdf_removed", record_id=record_id, reviewer=reviewer, stage=Stage.FULL_TEXT.value,
                      pdf=row.pdf_name, sha256=row.pdf_sha256, path=row.pdf_path)
            row.pdf_sha256, row.pdf_name, row.pdf_path, row.updated_at = "", "", "", now()
            stored = s.get(StoredPdf, record_id)
            if stored is not None:
                s.delete(stored)
            return True

    def retrieval(self, record_id: int) -> tuple[bool | None, Path | None]:
        """(retrieved or None if not yet said, the PDF's file or None). A stored path that
        leads out of the project's PDF folder is never returned (see ``pdf``)."""
        with self.reading() as s:
            row = s.get(Retrieval, record_id)
            if row is None:
                return None, None
            info = self._info(row)
            return row.retrieved, info.path if info is not None and not info.problem else None

    def pdf(self, record_id: int) -> AttachedPdf | None:
        """The record's PDF, or None if it has none. ``problem`` says why it cannot be shown."""
        with self.reading() as s:
            row = s.get(Retrieval, record_id)
            return self._info(row) if row is not None else None

    def _info(self, row: Retrieval) -> AttachedPdf | None:
        folder = self.store.folder
        if folder is None:
            if not row.pdf_sha256:
                return None
            return AttachedPdf(row.record_id, row.pdf_name or "report.pdf", row.pdf_sha256, True)
        if not row.pdf_path:
            return None
        name = row.pdf_name or Path(row.pdf_path.replace("\\", "/")).name
        try:
            path = confined(folder, row.pdf_path)
        except PdfPathError as e:
            return AttachedPdf(row.record_id, name, row.pdf_sha256, False, None, str(e))
        if not path.is_file():
            return AttachedPdf(row.record_id, name, row.pdf_sha256, False, path,
                               f"the PDF of record {row.record_id} is missing: {path} is not there any more")
        return AttachedPdf(row.record_id, name, row.pdf_sha256, False, path)

    def pdf_bytes(self, record_id: int) -> bytes:
        """The PDF itself, checked to be one. Raises with a clear message otherwise."""
        with self.reading() as s:
            row = s.get(Retrieval, record_id)
            info = self._info(row) if row is not None else None
            if info is None:
                raise ScreenerError(f"record {record_id} has no PDF attached")
            if info.problem:
                raise ScreenerError(info.problem)
            if info.in_database:
                stored = s.get(StoredPdf, record_id)
                if stored is None:
                    raise ScreenerError(f"the PDF of record {record_id} is missing from the project database")
                data = bytes(stored.data)
            else:
                assert info.path is not None
                try:
                    data = read_bytes(info.path)
                except PdfError as e:
                    raise ScreenerError(f"the PDF of record {record_id} cannot be read: {e}") from None
        try:
            check_pdf_bytes(data, info.name)
        except PdfError as e:
            raise ScreenerError(f"the PDF of record {record_id} cannot be shown: {e}") from None
        return data

    def open_path(self, record_id: int) -> Path:
        """A file another program may open: the PDF itself in a project folder, or a
        private copy of a server project's PDF."""
        info = self.pdf(record_id)
        if info is None:
            raise ScreenerError(f"record {record_id} has no PDF attached")
        if info.problem:
            raise ScreenerError(info.problem)
        if info.path is not None:
            return info.path
        data = self.pdf_bytes(record_id)
        folder = Path(tempfile.mkdtemp(prefix="screener-pdf-"))  # private to this user (0700)
        safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in info.name)[:120] or "report.pdf"
        target = folder / f"{record_id}-{safe}"
        if not target.name.lower().endswith(".pdf"):
            target = target.with_name(target.name + ".pdf")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return target

    def attach_folder(self, folder: str | Path, reviewer: str = "", workers: int | None = None) -> Work[FolderReport]:
        """Match the PDFs in ``folder`` (recursively) to the records at full text and
        attach the matched ones (see ``folder_attach``)."""
        from screener.core.services.folder_attach import attach_folder

        return attach_folder(self, folder, reviewer, workers)

    def attached_checksums(self) -> dict[str, int]:
        """The checksum of every attached PDF -> its record (files without a recorded
        checksum are read to find it)."""
        with self.reading() as s:
            rows = s.execute(select(Retrieval.record_id, Retrieval.pdf_sha256, Retrieval.pdf_path)).all()
        out: dict[str, int] = {}
        for rid, sha, path in rows:
            if not sha and path and self.store.folder is not None:
                try:
                    sha = hashlib.sha256(read_bytes(confined(self.store.folder, path))).hexdigest()
                except (PdfPathError, PdfError):
                    continue
            if sha:
                out.setdefault(sha, rid)
        return out
