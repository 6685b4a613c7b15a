"""Importing search exports as batches: all of a batch or none of it."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from screener.core.file_reads import FileHead, FileRead, chunks_of, sha256_of
from screener.core.read_ahead import read_files
from screener.core.services.base import Service, log_event, now
from screener.core.services.batch_rows import batch_to_add_to, batch_to_delete
from screener.core.services.updates import UpdateReport, link_update, update_round_for
from screener.paths import path_problem
from screener.store.bulk import create_indexes, drop_indexes_for_import, insert_records
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
from screener.store.rows import PreparedRows
from screener.store.search import unindex_records
from screener.types import (
    BatchKind,
    ImportFormatError,
    Progress,
    ReadResult,
    ScreenerError,
    Work,
)


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
    update: UpdateReport | None = None  # for an update of an earlier search


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
    update_round: int = 0  # 0: the review's own searches; 1, 2, ...: updates


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


BYTES_PER_RECORD = 2000  # about what a record with an abstract takes in an export


def _stream(result: ReadResult) -> Iterator[PreparedRows | FileHead]:
    """A file already read, as the rows and summary an import stores."""
    records = list(result.records)
    head = FileHead(ReadResult(result.path, result.format, result.encoding, [], result.skipped, result.warnings),
                    len(records), sha256_of(result.path) if os.path.exists(result.path) else "")
    yield from chunks_of(records)
    yield head


class SkippedRecordsError(ScreenerError):
    """A strict import met records that cannot be read, or no record at all could be read
    (``records`` is 0). Carries what the reviewer needs to decide whether to import the
    rest: every problem found (file, line and reason), and the counts."""

    def __init__(self, problems: list[str], first: str, records: int, skipped: int) -> None:
        self.problems = problems  # the warnings of every file with skipped records
        self.records = records  # records that can be read, in all the files
        self.skipped = skipped
        more = f" (and {skipped - 1} more)" if skipped > 1 else ""
        super().__init__(first + more)


class ImportService(Service):
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
        update: bool = False,
    ) -> Work[ImportReport]:
        """Read and store files as one batch (or add them to ``batch_id``), all or nothing.

        Large imports are read in worker processes while the main process stores what
        they have read, so both cores work (``core.read_ahead``). With ``strict``, any
        skipped record refuses the whole import with a SkippedRecordsError that lists
        every skipped record of every file. Raises ImportFormatError naming a file that
        is not a bibliography. Closing the generator (Cancel) rolls everything back.
        With ``update``, the batch is an update of an earlier search: its records are
        matched against the project's and only new ones reach the queue (``updates``)."""
        self._check_batch_args(source, kind, search_date)
        for path in paths:  # a named pipe would block the reading for ever
            if problem := path_problem(path):
                raise ImportFormatError(os.fspath(path), problem)
        sizes = [max(1, os.path.getsize(p)) for p in paths]
        files = read_files(paths, fmt)
        try:
            return (yield from self._store(files, sizes, source, kind, search_date, search_string,
                                           batch_id, strict, update=update))
        finally:
            files.close()  # stops the reading processes, whatever happened

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
        update: bool = False,
    ) -> Work[ImportReport]:
        """Store files already read (``ReadResult``s) as one batch, in one transaction."""
        self._check_batch_args(source, kind, search_date)
        sizes = [max(1, len(r.records)) for r in results]
        files = (FileRead(r.path, _stream(r)) for r in results)
        return (yield from self._store(files, sizes, source, kind, search_date, search_string,
                                       batch_id, strict=False, per_record=1, update=update))

    def _store(
        self,
        files: Iterable[FileRead],
        weights: Sequence[int],
        source: str,
        kind: str,
        search_date: str | date | None,
        search_string: str,
        batch_id: int | None,
        strict: bool,
        per_record: int = BYTES_PER_RECORD,
        update: bool = False,
    ) -> Work[ImportReport]:
        """Progress is in ``weights`` units per file (bytes, or records), a record counting
        ``per_record`` of them until the file's count is known."""
        total = sum(weights)
        report = ImportReport(0, 0)
        problems: list[str] = []  # strict: the warnings of files with skipped records
        skip_lines: list[str] = []  # every skipped record, file and line, for "nothing to import"
        first_skip = ""
        skipped = 0
        new_ids: list[int] = []
        with self.writing(importing=True) as s:
            if update and batch_id is not None:
                # An update's links are merges (``updates.link_update`` takes the lock on
                # merges). Adding to an existing batch, take it before the inserts lock that
                # batch's row, as ``delete_batch`` takes it before deleting the row: in one
                # order on both sides, the two wait for each other instead of deadlocking.
                from screener.core.services.dedup_run import lock_merges

                lock_merges(s.connection())
            batch = self._batch(s, batch_id, source, kind, search_date, search_string)
            previous_source = True
            if update and batch_id is None:
                batch.update_round, spelled = update_round_for(s, source, batch.id)
                previous_source = spelled is not None
                batch.source = spelled or batch.source  # one source, one name in PRISMA's list
            dropped = drop_indexes_for_import(s, total // per_record)
            done = 0
            for number, (file, weight) in enumerate(zip(files, weights, strict=True), 1):
                name = os.path.basename(file.path)
                progress = f"{name}, file {number} of {len(weights)}"
                if problems:  # refused already: read on only to list every skipped record
                    for _ in file.chunks():
                        pass
                else:
                    sf = SourceFile(batch_id=batch.id, name=name, sha256="", format="", encoding="",
                                    n_records=0, n_skipped=0, warnings=[], imported_at=now())
                    s.add(sf)
                    s.flush()
                    stored = 0
                    for rows in file.chunks():
                        new_ids.extend(insert_records(s, batch.id, sf.id, rows))
                        stored += len(rows)
                        # The count is known at the end; until then, progress goes by size.
                        yield Progress(done + min(weight - 1, stored * per_record), total, progress)
                assert file.head is not None
                result, n = file.head.result, file.head.count
                file_warnings = result_warnings(result)
                if result.skipped:
                    skip_lines += file_warnings[-len(result.skipped):]
                if strict and result.skipped:
                    problems += file_warnings
                    first_skip = first_skip or file_warnings[-len(result.skipped)]
                    skipped += len(result.skipped)
                done += weight
                yield Progress(done, total, progress)
                if problems:
                    report.records += n  # what could be imported, for the reviewer to weigh
                    continue
                if stored != n:
                    raise RuntimeError(f"{name}: {stored} records stored of {n} read")
                sf.sha256, sf.format, sf.encoding = file.head.sha256, result.format, result.encoding
                sf.n_records, sf.n_skipped, sf.warnings = n, len(result.skipped), file_warnings
                report.warnings += file_warnings
                report.files.append(FileReport(name, n, len(result.skipped)))
                report.records += n
            if problems:
                raise SkippedRecordsError(problems, first_skip, report.records, skipped)
            if report.records == 0 and skip_lines:
                raise SkippedRecordsError(skip_lines, "nothing to import: " + skip_lines[0], 0, len(skip_lines))
            if report.records == 0:
                raise ScreenerError("nothing to import: these files hold no records that can be read")
            if update:  # its links read the records back
                create_indexes(s, dropped)
                dropped = []
            report.batch_id = batch.id
            extra: dict[str, Any] = {}
            if update:
                report.update = yield from link_update(s, new_ids, batch.update_round, previous_source)
                if not previous_source:
                    report.warnings.append(f"no earlier batch from {batch.source}: its records are all matched "
                                           f"against the project as part of update {batch.update_round}")
                extra = {"update": True, "round": batch.update_round, "new": report.update.new,
                         "linked": report.update.linked, "already_screened": report.update.already_screened}
            log_event(s, "import", batch_id=batch.id, source=batch.source,
                      files=[f.file for f in report.files], records=report.records, **extra)
        if dropped:
            self._make_indexes(dropped, report)
        else:
            self._checkpoint()  # the import's commit made none (``IMPORT_OPTION``)
        yield Progress(total, total, "Imported")
        return report

    def _make_indexes(self, statements: list[str], report: ImportReport) -> None:
        """After the rows' commit, make the indexes the import dropped, in a short
        transaction of its own, while another connection copies the rows' write-ahead log
        into the project file on the other core (SQLite works with Python's lock released):
        the two used to follow each other, the checkpoint inside the commit. Killed between
        the two commits, the import is stored and the indexes are made by the project's next
        change (``Store.indexes_missing``); so they are if making them fails or is stopped
        here (an error, Ctrl-C while waiting for another window's write lock): the import
        is done all the same, and reports itself with a warning."""
        checkpoint = threading.Thread(target=self._checkpoint, name="screener-checkpoint", daemon=True)
        checkpoint.start()
        try:
            with self.writing(importing=True) as s:
                create_indexes(s, statements)
        except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - the rows are committed: say so
            why = "stopped" if isinstance(error, KeyboardInterrupt) else str(error) or type(error).__name__
            self.store.indexes_missing = True
            report.warnings.append(f"the records are imported, but their indexes were not made ({why}); "
                                   "they are made at the project's next change")
        finally:
            checkpoint.join()

    def _checkpoint(self) -> None:
        try:
            self.store.checkpoint()
        except Exception:  # noqa: BLE001 - the driver's own errors too: closing checkpoints all the same
            pass

    @staticmethod
    def _batch(
        s: Session, batch_id: int | None, source: str, kind: str, search_date: str | date | None,
        search_string: str,
    ) -> Batch:
        if batch_id is not None:
            return batch_to_add_to(s, batch_id)  # locked: a deletion of it waits, or came first
        batch = Batch(source=source.strip(), kind=kind, search_date=parse_date(search_date),
                      search_string=search_string, created_at=now())
        s.add(batch)
        s.flush()
        return batch

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
                    update_round=b.update_round or 0,
                )
                for b in s.scalars(select(Batch).order_by(Batch.id))
            ]

    def delete_batch(self, batch_id: int) -> int:
        """Delete a whole batch, allowed only before any of its records is screened.

        Takes the project's lock on merges first (``dedup_run.lock_merges``): on a server a
        dedup run, a reviewer's merge or an update's links written meanwhile would otherwise
        link to records this deletes (or be refused half-way by the database). With the
        lock, it waits for them to commit and then sees their links."""
        from screener.core.services.dedup_run import lock_merges  # not on an import's path

        with self.writing() as s:
            lock_merges(s.connection())
            batch = batch_to_delete(s, batch_id)  # an import into it commits first
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
