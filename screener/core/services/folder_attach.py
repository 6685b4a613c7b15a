"""Attaching the PDFs of a folder (a Zotero ``storage/``, an EndNote ``.Data/PDF``, any
folder of downloads) to the records at full text, in one go.

Work in three steps, each cancellable until the last: read every PDF (in worker
processes, ``core.pdf.pool``), match them (``core.pdf.matching``), then copy the matched
ones in and record them in one transaction. Nothing is attached twice, and a record's
existing PDF is never replaced: such files are reported, not attached.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from screener.core.pdf.facts import PdfFacts
from screener.core.pdf.matching import AMBIGUOUS, MATCHED, RecordIndex, RecordKey, match_all
from screener.core.pdf.pool import read_many
from screener.core.services.base import log_event, now
from screener.core.services.pdf_files import remove_new, write_pdf
from screener.core.services.status import lock_records, recompute
from screener.store.models import Record, Retrieval, StageStatus, StoredPdf
from screener.types import Progress, ScreenerError, Stage, Status, Work

if TYPE_CHECKING:
    from screener.core.services.retrieval import RetrievalService


@dataclass
class FolderMatch:
    file: str
    record_id: int
    by: str  # doi | title | filename
    attached: bool
    note: str = ""  # why it was not attached, or what attaching it changed
    restore: bool = False  # the record's own PDF, missing from the project: put back


@dataclass
class FolderReport:
    folder: str
    files: int = 0
    matched: list[FolderMatch] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # file -> why unmatched or ambiguous
    seconds: float = 0.0

    @property
    def attached(self) -> int:
        return sum(1 for m in self.matched if m.attached)

    def to_json(self) -> dict[str, Any]:
        return {
            "matched": [{"file": m.file, "record_id": m.record_id, "by": m.by, "attached": m.attached,
                         "note": m.note} for m in self.matched],
            "unmatched": list(self.unmatched),
            "ambiguous": list(self.ambiguous),
            "attached": self.attached,
            "files": self.files,
            "why": dict(self.why),
            "seconds": round(self.seconds, 3),
        }


def pdf_files(folder: Path) -> list[Path]:
    """Every ``*.pdf`` under ``folder``, in a stable order (symbolic links to folders are
    not followed, so a link loop cannot trap the walk; macOS ``._`` shadow files are skipped)."""
    if not folder.is_dir():
        raise ScreenerError(f"{folder}: no such folder")
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(".pdf") and not name.startswith("._"):
                found.append(Path(root) / name)
    return found


def _lost(service: RetrievalService, record_id: int) -> bool:
    """The record's PDF is recorded but its file (or database copy) is gone."""
    info = service.pdf(record_id)
    if info is None:
        return False
    if info.in_database:
        with service.reading() as s:
            return s.get(StoredPdf, record_id) is None
    return bool(info.problem) and "missing" in info.problem


def records_at_full_text(service: RetrievalService) -> list[RecordKey]:
    ta = aliased(StageStatus)
    with service.reading() as s:
        rows = s.execute(
            select(Record.id, Record.doi, Record.title, Record.pmid)
            .join(ta, and_(ta.record_id == Record.id, ta.stage == Stage.TITLE_ABSTRACT.value))
            .where(ta.status == Status.INCLUDED.value, Record.duplicate_of.is_(None))
        ).all()
    return [RecordKey(rid, doi or "", title or "", pmid or "") for rid, doi, title, pmid in rows]


def attach_folder(service: RetrievalService, folder: str | Path, reviewer: str = "",
                  workers: int | None = None) -> Work[FolderReport]:
    start = time.monotonic()
    folder = Path(folder)
    files = pdf_files(folder)
    report = FolderReport(str(folder), len(files))
    total = len(files) * 2 + 1
    yield Progress(0, total, f"Reading {len(files):,} PDFs")
    facts: dict[str, PdfFacts] = {}
    reader: Iterator[PdfFacts] = read_many(files, **({"workers": workers} if workers is not None else {}))
    try:
        for f in reader:
            facts[f.path] = f
            yield Progress(len(facts), total, Path(f.path).name)
    finally:
        close = getattr(reader, "close", None)
        if close is not None:
            close()  # on Cancel: the reading processes stop now
    ordered = [facts[str(p)] for p in files]
    index = RecordIndex(records_at_full_text(service))
    matches = match_all(index, ordered)
    attached_sha = service.attached_checksums()
    plan: list[tuple[FolderMatch, PdfFacts]] = []
    taken: dict[str, str] = {}  # checksum -> file attached in this run
    with service.reading() as s:
        having = {rid: (sha, name or path) for rid, sha, name, path in s.execute(
            select(Retrieval.record_id, Retrieval.pdf_sha256, Retrieval.pdf_name, Retrieval.pdf_path)
            .where((Retrieval.pdf_sha256 != "") | (Retrieval.pdf_path != "")))}
    for m, f in zip(matches, ordered, strict=True):
        if m.outcome == MATCHED and m.record_id is not None:
            fm = FolderMatch(m.path, m.record_id, m.by, False)
            owner = attached_sha.get(f.sha256)
            if owner == m.record_id and f.sha256 not in taken and _lost(service, m.record_id):
                fm.restore = True  # the project's copy went missing: this is the very same PDF
                taken[f.sha256] = m.path
                plan.append((fm, f))
            elif owner == m.record_id:
                fm.note = "already attached to this record"
            elif owner is not None:
                fm.note = f"the same PDF is already attached to record {owner}; not attached twice"
            elif f.sha256 in taken:
                fm.note = f"the same PDF as {Path(taken[f.sha256]).name}"
            elif m.record_id in having:
                fm.note = f"the record already has a PDF ({having[m.record_id][1]}); it was kept"
            else:
                taken[f.sha256] = m.path
                plan.append((fm, f))
            report.matched.append(fm)
        elif m.outcome == AMBIGUOUS:
            report.ambiguous.append(m.path)
            report.why[m.path] = m.why
        else:
            report.unmatched.append(m.path)
            report.why[m.path] = m.why
    yield from _attach(service, plan, report, reviewer, total)
    report.seconds = time.monotonic() - start
    return report


def _attach(service: RetrievalService, plan: list[tuple[FolderMatch, PdfFacts]], report: FolderReport,
            reviewer: str, total: int) -> Iterator[Progress]:
    """Copy the PDFs in, then record them all in one transaction; on any failure or Cancel
    before the commit, the files copied in are taken back."""
    folder = service.store.folder
    written: list[str] = []
    blobs: dict[int, tuple[str, bytes]] = {}
    done = report.files
    try:
        for fm, f in plan:
            try:
                data = Path(f.path).read_bytes()
            except OSError as e:
                fm.note = f"the file could not be read again ({e.strerror or e}); not attached"
                continue
            if hashlib.sha256(data).hexdigest() != f.sha256:
                fm.note = "the file changed while it was being matched; not attached"
                continue
            if folder is not None:
                relative, created = write_pdf(folder, fm.record_id, data, f.sha256)
                if created:
                    written.append(relative)
                blobs[fm.record_id] = (relative, b"")
            else:
                blobs[fm.record_id] = ("", data)
            done += 1
            yield Progress(done, total, Path(f.path).name)
        with service.writing() as s:
            lock_records(s, list(blobs))
            changed = []
            for fm, f in plan:
                if fm.record_id not in blobs:
                    continue
                relative, data = blobs[fm.record_id]
                row = s.get(Retrieval, fm.record_id)
                if fm.restore and row is not None and row.pdf_sha256 == f.sha256:
                    fm.note = "the project's copy of this PDF was missing; it is back"
                elif row is not None and (row.pdf_sha256 or row.pdf_path):
                    fm.note = "a PDF was attached to the record meanwhile; it was kept"
                    continue
                if row is None:
                    row = Retrieval(record_id=fm.record_id, retrieved=True, pdf_path="", updated_at=now(),
                                    pdf_sha256="", pdf_name="")
                    s.add(row)
                elif row.retrieved is False:
                    fm.note = "it was marked not retrieved; now retrieved"
                row.retrieved, row.updated_at = True, now()
                row.pdf_sha256, row.pdf_path = f.sha256, relative
                if not fm.restore:
                    row.pdf_name = Path(f.path).name
                if folder is None:
                    s.merge(StoredPdf(record_id=fm.record_id, sha256=f.sha256, size=len(data), data=data,
                                      added_at=now()))
                fm.attached = True
                changed.append(fm.record_id)
                log_event(s, "retrieval", record_id=fm.record_id, reviewer=reviewer, stage=Stage.FULL_TEXT.value,
                          retrieved=True, pdf=row.pdf_name, sha256=f.sha256, path=relative,
                          matched_by=fm.by, source=f.path)
            s.flush()
            recompute(s, changed, stages=(Stage.FULL_TEXT.value,))
            log_event(s, "pdfs_from_folder", reviewer=reviewer, folder=report.folder, files=report.files,
                      attached=len(changed))
        if folder is not None:  # copies for records that got a PDF meanwhile are not kept
            used = {blobs[rid][0] for rid in changed}
            for relative in written:
                if relative not in used:
                    remove_new(folder, relative)
    except BaseException:
        for fm, _f in plan:
            fm.attached = False
        if folder is not None:
            for relative in written:
                remove_new(folder, relative)
        raise
    yield Progress(total, total, "Done")
