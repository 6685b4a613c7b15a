"""Importing search exports as batches: all of a batch or none of it."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from screener.core.readers.gc_pause import gc_paused
from screener.core.services.base import Service, log_event, now
from screener.core.types import (
    BatchKind,
    Progress,
    ReadResult,
    ScreenerError,
    Stage,
    Status,
    Work,
)
from screener.store.bulk import PreparedRows, insert_records, prepare_rows
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
from screener.store.search import unindex_records

CHUNK = 5000
STAGES = (Stage.TITLE_ABSTRACT.value, Stage.FULL_TEXT.value)
READ_AHEAD_BYTES = 20_000_000  # below this, a second process costs more than it saves
READERS = 2  # reading processes; with the writer they keep both cores busy


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


def add_stage_status(s: Session, ids: Sequence[int]) -> None:
    """Every new record starts undecided at both stages."""
    undecided = Status.UNDECIDED.value
    rows = [(rid, stage, undecided, "", 0) for rid in ids for stage in STAGES]
    marker = "?" if s.get_bind().dialect.name == "sqlite" else "%s"
    s.connection().exec_driver_sql(
        "INSERT INTO stage_status (record_id, stage, status, reason, n_decisions) "
        f"VALUES ({', '.join([marker] * 5)})",
        rows,
    )


def _refusing_skipped(files: Iterable[PreparedFile]) -> Iterator[PreparedFile]:
    """Pass files on, refusing the first one that has skipped records."""
    for prepared in files:
        result = prepared.result
        if result.skipped:
            problems = result_warnings(result)
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ScreenerError(problems[-len(result.skipped)] + more)
        yield prepared


@dataclass
class PreparedFile:
    """A file read and turned into insert parameters; ``result.records`` is emptied once
    prepared (``count`` says how many there were)."""

    result: ReadResult
    rows: PreparedRows
    count: int
    sha256: str


def prepare(result: ReadResult) -> PreparedFile:
    with gc_paused():  # millions of short-lived containers, no cycles
        rows = prepare_rows(result.records)
    count = len(result.records)
    result.records = []
    return PreparedFile(result, rows, count, _sha256(str(result.path)))


def read_and_prepare(path: str, fmt: str) -> PreparedFile:
    from screener.core.readers import read_file

    return prepare(read_file(path, fmt))


def read_ahead(paths: Sequence[str | os.PathLike[str]], fmt: str) -> Iterator[PreparedFile]:
    """Read and prepare files in worker processes, handing them over in order, so that
    the caller stores one file while the next ones are read. At most ``READERS`` files
    are read ahead, which bounds the memory held."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=READERS, mp_context=context) as pool:
            pending = [pool.submit(read_and_prepare, str(p), fmt) for p in paths[:READERS]]
            try:
                while pending:
                    prepared = pending.pop(0).result()
                    if done + READERS < len(paths):
                        pending.append(pool.submit(read_and_prepare, str(paths[done + READERS]), fmt))
                    done += 1
                    yield prepared
            finally:
                for future in pending:
                    future.cancel()
    except BrokenProcessPool:  # no second process here (an embedded interpreter, say)
        for path in paths[done:]:
            yield read_and_prepare(str(path), fmt)


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
            files: Iterable[PreparedFile] = read_ahead(paths, fmt)
        else:
            results = yield from self.read(paths, fmt)
            files = (prepare(r) for r in results)
        if strict:
            files = _refusing_skipped(files)
        return (yield from self._store(files, sizes, source, kind, search_date, search_string, batch_id))

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
        files = (prepare(r) for r in results)
        return (yield from self._store(files, sizes, source, kind, search_date, search_string, batch_id))

    def _store(
        self,
        files: Iterable[PreparedFile],
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
            for prepared, weight in zip(files, weights, strict=True):
                result = prepared.result
                name = os.path.basename(result.path)
                file_warnings = result_warnings(result)
                report.warnings += file_warnings
                sf = SourceFile(
                    batch_id=batch.id,
                    name=name,
                    sha256=prepared.sha256,
                    format=result.format,
                    encoding=result.encoding,
                    n_records=prepared.count,
                    n_skipped=len(result.skipped),
                    warnings=file_warnings,
                    imported_at=now(),
                )
                s.add(sf)
                s.flush()
                n = prepared.count
                for start in range(0, n, CHUNK):
                    chunk = PreparedRows(prepared.rows.rows[start : start + CHUNK],
                                         prepared.rows.search[start : start + CHUNK])
                    ids = insert_records(s, batch.id, sf.id, chunk)
                    add_stage_status(s, ids)
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
