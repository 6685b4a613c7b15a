"""Importing search exports as batches: all of a batch or none of it."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, insert, select, update

from screener.core.services.base import Service, log_event, now
from screener.core.types import (
    BatchKind,
    ParsedRecord,
    Progress,
    ReadResult,
    ScreenerError,
    Stage,
    Status,
    Work,
)
from screener.store.bulk import allocate_record_ids, insert_records
from screener.store.models import (
    Batch,
    Decision,
    DuplicatePair,
    Event,
    Record,
    RecordNote,
    RecordTag,
    Retrieval,
    SourceFile,
    StageStatus,
)
from screener.store.search import index_records, unindex_records

CHUNK = 5000
READ_AHEAD_BYTES = 20_000_000  # below this, a second process costs more than it saves


@dataclass
class FileReport:
    file: str
    records: int
    skipped: int = 0


@dataclass
class ImportReport:
    batch_id: int
    records: int
    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchInfo:
    id: int
    source: str
    kind: str
    search_date: str
    search_string: str
    files: list[str]
    records: int
    screened: int  # records of the batch with any decision


def parse_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ScreenerError(f"search date {value!r} is not a date of the form YYYY-MM-DD") from None


def result_warnings(result: ReadResult) -> list[str]:
    name = os.path.basename(result.path)
    out = [f"{name}: {w}" for w in result.warnings]
    out += [
        f"{name}, line {sk.line}: record {sk.position} skipped: {sk.reason}" for sk in result.skipped
    ]
    return out


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _refuse_skipped(result: ReadResult) -> ReadResult:
    if result.skipped:
        problems = result_warnings(result)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScreenerError(problems[-len(result.skipped)] + more)
    return result


def read_ahead(paths: Sequence[str | os.PathLike[str]], fmt: str) -> Iterator[ReadResult]:
    """Read files one after another in a second process, handing each over in order, so
    that the caller can store one file while the next is being parsed."""
    from screener.core.readers import read_file

    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = [pool.submit(read_file, str(p), fmt) for p in paths]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


class ImportService(Service):
    def read(self, paths: Sequence[str | os.PathLike[str]], fmt: str = "auto") -> Work[list[ReadResult]]:
        """Parse every file; raises ImportFormatError naming a file that is not a bibliography."""
        from screener.core.readers import read_file

        results = []
        for i, path in enumerate(paths):
            yield Progress(i, len(paths), f"Reading {os.path.basename(path)}")
            results.append(read_file(path, fmt))
        yield Progress(len(paths), len(paths), "Read")
        return results

    def import_files(
        self,
        paths: Sequence[str | os.PathLike[str]],
        source: str,
        kind: str = BatchKind.DATABASE.value,
        search_date: str | date | None = None,
        search_string: str = "",
        fmt: str = "auto",
        batch_id: int | None = None,
        strict: bool = False,
    ) -> Work[ImportReport]:
        """Read and store files as one batch (or add them to ``batch_id``).

        Several large files are read ahead in a second process while the previous one
        is being stored, so both cores work. With ``strict``, any skipped record
        refuses the whole import."""
        self._check_batch_args(source, kind, search_date)
        sizes = [os.path.getsize(p) for p in paths]
        if len(paths) > 1 and sum(sizes) >= READ_AHEAD_BYTES:
            results: Iterable[ReadResult] = read_ahead(paths, fmt)
        else:
            results = yield from self.read(paths, fmt)
        if strict:
            results = (_refuse_skipped(r) for r in results)
        return (yield from self._store(results, sizes, source, kind, search_date, search_string, batch_id))

    @staticmethod
    def _check_batch_args(source: str, kind: str, search_date: str | date | None) -> None:
        if not source or not source.strip():
            raise ScreenerError("name the source of the batch (for example --source Scopus)")
        if kind not in {k.value for k in BatchKind}:
            raise ScreenerError(
                f"kind must be one of {', '.join(k.value for k in BatchKind)}, not {kind!r}"
            )
        parse_date(search_date)

    def store_batch(
        self,
        results: Sequence[ReadResult],
        source: str,
        kind: str = BatchKind.DATABASE.value,
        search_date: str | date | None = None,
        search_string: str = "",
        batch_id: int | None = None,
    ) -> Work[ImportReport]:
        """Write parsed files in one transaction. Closing the generator (Cancel) rolls back."""
        self._check_batch_args(source, kind, search_date)
        sizes = [max(1, len(r.records)) for r in results]
        return (yield from self._store(results, sizes, source, kind, search_date, search_string, batch_id))

    def _store(
        self,
        results: Iterable[ReadResult],
        weights: Sequence[int],
        source: str,
        kind: str,
        search_date: str | date | None,
        search_string: str,
        batch_id: int | None,
    ) -> Work[ImportReport]:
        """Progress is in ``weights`` units per file (bytes, or records)."""
        total = sum(weights)
        report = ImportReport(0, 0)
        with self.writing() as s:
            if batch_id is None:
                batch = Batch(
                    source=source.strip(),
                    kind=kind,
                    search_date=parse_date(search_date),
                    search_string=search_string,
                    created_at=now(),
                )
                s.add(batch)
                s.flush()
            else:
                found = s.get(Batch, batch_id)
                if found is None:
                    raise ScreenerError(f"no batch {batch_id}")
                batch = found
            done = 0
            for result, weight in zip(results, weights, strict=True):
                name = os.path.basename(result.path)
                file_warnings = result_warnings(result)
                report.warnings += file_warnings
                sf = SourceFile(
                    batch_id=batch.id,
                    name=name,
                    sha256=_sha256(str(result.path)),
                    format=result.format,
                    encoding=result.encoding,
                    n_records=len(result.records),
                    n_skipped=len(result.skipped),
                    warnings=file_warnings,
                    imported_at=now(),
                )
                s.add(sf)
                s.flush()
                n = len(result.records)
                for start in range(0, n, CHUNK):
                    self._insert_chunk(s, batch.id, sf.id, result.records[start : start + CHUNK])
                    yield Progress(done + weight * min(n, start + CHUNK) // max(n, 1), total, f"Storing {name}")
                done += weight
                report.files.append(FileReport(name, n, len(result.skipped)))
                report.records += n
            report.batch_id = batch.id
            log_event(
                s,
                "import",
                batch_id=batch.id,
                source=batch.source,
                files=[f.file for f in report.files],
                records=report.records,
            )
        yield Progress(total, total, "Imported")
        return report

    @staticmethod
    def _insert_chunk(s, batch_id: int, file_id: int, chunk: Sequence[ParsedRecord]) -> None:  # type: ignore[no-untyped-def]
        ids = allocate_record_ids(s, len(chunk))
        insert_records(
            s,
            [
                {
                    "id": rid, "batch_id": batch_id, "file_id": file_id, "position": r.position,
                    "line": r.line, "type": r.type, "title": r.title, "authors": r.authors,
                    "first_author": r.authors[0] if r.authors else "", "year": r.year,
                    "journal": r.journal, "volume": r.volume, "issue": r.issue, "pages": r.pages,
                    "doi": r.doi, "pmid": r.pmid, "abstract": r.abstract, "keywords": r.keywords,
                    "urls": r.urls, "notes": r.notes, "raw": r.raw,
                }
                for rid, r in zip(ids, chunk, strict=True)
            ],
        )
        s.connection().execute(
            insert(StageStatus.__table__),
            [
                {"record_id": rid, "stage": stage, "status": Status.UNDECIDED.value, "reason": "", "n_decisions": 0}
                for rid in ids
                for stage in (Stage.TITLE_ABSTRACT.value, Stage.FULL_TEXT.value)
            ],
        )
        index_records(s, ((rid, r.title, r.abstract, r.authors, r.keywords) for rid, r in zip(ids, chunk, strict=True)))

    def batches(self) -> list[BatchInfo]:
        with self.reading() as s:
            counts = dict(
                s.execute(select(Record.batch_id, func.count()).group_by(Record.batch_id)).all()
            )
            screened = dict(
                s.execute(
                    select(Record.batch_id, func.count(func.distinct(Decision.record_id)))
                    .join(Decision, Decision.record_id == Record.id)
                    .group_by(Record.batch_id)
                ).all()
            )
            files: dict[int, list[str]] = {}
            for bid, name in s.execute(select(SourceFile.batch_id, SourceFile.name).order_by(SourceFile.id)):
                files.setdefault(bid, []).append(name)
            return [
                BatchInfo(
                    id=b.id,
                    source=b.source,
                    kind=b.kind,
                    search_date=b.search_date.isoformat() if b.search_date else "",
                    search_string=b.search_string,
                    files=files.get(b.id, []),
                    records=counts.get(b.id, 0),
                    screened=screened.get(b.id, 0),
                )
                for b in s.scalars(select(Batch).order_by(Batch.id))
            ]

    def delete_batch(self, batch_id: int) -> int:
        """Delete a whole batch, allowed only before any of its records is screened."""
        with self.writing() as s:
            batch = s.get(Batch, batch_id)
            if batch is None:
                raise ScreenerError(f"no batch {batch_id}")
            ids = select(Record.id).where(Record.batch_id == batch_id)
            if s.scalar(select(func.count()).select_from(Decision).where(Decision.record_id.in_(ids))):
                raise ScreenerError(
                    f"batch {batch_id} ({batch.source}) has screened records and cannot be deleted"
                )
            linked = s.scalar(
                select(func.count()).select_from(Record).where(
                    Record.duplicate_of.in_(ids), Record.batch_id != batch_id
                )
            )
            if linked:
                raise ScreenerError(
                    f"{linked} records of other batches are merged into this batch's records; "
                    "unmerge them first"
                )
            records = s.execute(
                select(Record.id, Record.title, Record.abstract, Record.authors, Record.keywords).where(
                    Record.batch_id == batch_id
                )
            ).all()
            unindex_records(s, records)
            n = len(records)
            for model, column in (
                (StageStatus, StageStatus.record_id),
                (RecordTag, RecordTag.record_id),
                (RecordNote, RecordNote.record_id),
                (Retrieval, Retrieval.record_id),
                (DuplicatePair, DuplicatePair.record_a),
                (DuplicatePair, DuplicatePair.record_b),
            ):
                s.execute(delete(model).where(column.in_(ids)))
            s.execute(update(Record).where(Record.batch_id == batch_id).values(duplicate_of=None))
            s.execute(delete(Record).where(Record.batch_id == batch_id))
            s.execute(delete(SourceFile).where(SourceFile.batch_id == batch_id))
            s.delete(batch)
            s.add(Event(at=now(), kind="batch_deleted", detail={"batch_id": batch_id, "records": n}))
            return n
