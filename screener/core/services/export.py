"""Exports: records in RIS, CSV, BibTeX or ASReview CSV, and the screening log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from screener.core.export.atomic import atomic_write
from screener.core.export.bibtex import write_bibtex
from screener.core.export.tabular import write_asreview_csv, write_csv
from screener.core.services.base import Service
from screener.core.services.export_extras import csv_rows, record_extras, with_screening_note
from screener.core.services.screening import check_stage
from screener.store.models import (
    Batch,
    Decision,
    Record,
    Resolution,
    Reviewer,
    SourceFile,
    StageStatus,
)
from screener.store.rows import decode_tags
from screener.types import ParsedRecord, ScreenerError, Stage, Status

WHATS = ("included", "excluded", "all", "decisions")
ALIASES = {"log": "decisions"}  # the screening log, by the name reviewers give it
FORMATS = ("ris", "csv", "bibtex", "asreview")
RECORD_COLUMNS = [
    "record_id", "batch_id", "source", "source_file", "source_position", "duplicate_of",
    "type", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
    "abstract", "keywords", "ta_decision", "ft_decision", "ft_reason",
]
FINAL_WORD = {Status.INCLUDED.value: "include", Status.EXCLUDED.value: "exclude"}


class ExportService(Service):
    def export(self, what: str, fmt: str, path: str | Path, stage: str | None = None, *,
               bom: bool = False, with_decisions: bool = False, ids: list[int] | None = None) -> int:
        """Write records (or the decision log) to ``path`` atomically; returns rows written.

        ``bom`` starts a CSV with a UTF-8 byte-order mark (Excel on Windows then reads
        it as UTF-8); ``with_decisions`` adds each record's decisions, labels and tags
        to a RIS export as a note (``N1``), which Zotero and EndNote keep; ``ids``
        limits the records to those (a list's selection)."""
        what = ALIASES.get(what, what)
        if what not in WHATS:
            raise ScreenerError(f"--what must be one of {', '.join(WHATS)}")
        if fmt not in FORMATS:
            raise ScreenerError(f"--format must be one of {', '.join(FORMATS)}")
        if what == "decisions":
            if fmt != "csv":
                raise ScreenerError("the decision log is written as CSV (--format csv)")
            return self.export_decisions(path, bom=bom)
        stage = check_stage(stage or Stage.FULL_TEXT.value)
        rows = list(self.record_rows(what, stage))
        if ids is not None:
            wanted = set(ids)
            rows = [r for r in rows if r["record_id"] in wanted]
        extras = None
        if fmt == "csv" or with_decisions:
            with self.reading() as s:
                extras = record_extras(s, [r["record_id"] for r in rows])
        with atomic_write(path, encoding="utf-8-sig" if bom and fmt != "ris" else "utf-8") as out:
            fp = cast(TextIO, out)
            if fmt == "ris":
                from screener.core.export.ris_writer import write_ris

                if extras is not None:
                    write_ris([with_screening_note(_as_parsed(r), r, extras) for r in rows], fp)
                else:
                    write_ris([_as_parsed(r) for r in rows], fp)
            elif fmt == "csv":
                assert extras is not None
                write_csv(csv_rows(rows, extras), RECORD_COLUMNS + extras.columns(), fp)
            elif fmt == "bibtex":
                write_bibtex(rows, fp)
            else:
                write_asreview_csv(
                    [{**r, "label_included": 1 if r["_final"] == Status.INCLUDED else 0} for r in rows], fp
                )
        return len(rows)

    def record_rows(self, what: str, stage: str) -> Iterator[dict[str, Any]]:
        """Records as dicts, in id order. ``included``/``excluded`` are the final status at
        ``stage`` (pending records never appear); ``all`` is every imported record."""
        ta = aliased(StageStatus)
        ft = aliased(StageStatus)
        with self.reading() as s:
            q = (
                select(Record, Batch.source, SourceFile.name, ta.status, ft.status, ft.reason,
                       Batch.search_date, Batch.update_round)
                .join(Batch, Batch.id == Record.batch_id)
                .join(SourceFile, SourceFile.id == Record.file_id)
                .join(ta, and_(ta.record_id == Record.id, ta.stage == Stage.TITLE_ABSTRACT.value))
                .join(ft, and_(ft.record_id == Record.id, ft.stage == Stage.FULL_TEXT.value))
                .order_by(Record.id)
            )
            if what != "all":
                wanted = Status.INCLUDED.value if what == "included" else Status.EXCLUDED.value
                q = q.where(Record.duplicate_of.is_(None))
                if stage == Stage.TITLE_ABSTRACT:
                    q = q.where(ta.status == wanted)
                else:
                    q = q.where(ta.status == Status.INCLUDED.value, ft.status == wanted)
            for r, source, file_name, ta_status, ft_status, ft_reason, search_date, update_round in s.execute(
                q.execution_options(yield_per=2000)
            ):
                ft_final = FINAL_WORD.get(ft_status, "") if ta_status == Status.INCLUDED else ""
                yield {
                    "record_id": r.id,
                    "batch_id": r.batch_id,
                    "source": source,
                    "source_file": file_name,
                    "source_position": r.position,
                    "duplicate_of": r.duplicate_of or "",
                    "type": r.type,
                    "title": r.title,
                    "authors": list(r.authors or []),
                    "year": r.year if r.year is not None else "",
                    "journal": r.journal,
                    "volume": r.volume,
                    "issue": r.issue,
                    "pages": r.pages,
                    "doi": r.doi,
                    "pmid": r.pmid,
                    "abstract": r.abstract,
                    "keywords": list(r.keywords or []),
                    "urls": list(r.urls or []),
                    "raw": decode_tags(r.source_tags, r.abstract, r.title, r.authors or [], r.keywords or [],
                                       r.journal),
                    "line": r.line,
                    "notes": r.notes,
                    "ta_decision": "" if r.duplicate_of else FINAL_WORD.get(ta_status, ""),
                    "ft_decision": "" if r.duplicate_of else ft_final,
                    "ft_reason": ft_reason if ft_final == "exclude" else "",
                    "search_date": search_date.isoformat() if search_date else "",
                    "update_round": update_round or 0,
                    "_final": ta_status if stage == Stage.TITLE_ABSTRACT else ft_status,
                }

    def decision_log(self) -> tuple[list[str], list[dict[str, Any]]]:
        """One row per record per stage that has any decision: every reviewer's decision,
        reason and note, the resolution, and the final status."""
        with self.reading() as s:
            names = list(s.scalars(select(Reviewer.name).order_by(Reviewer.id)))
            table: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
            for d, name in s.execute(
                select(Decision, Reviewer.name).join(Reviewer, Reviewer.id == Decision.reviewer_id)
            ):
                row = table[(d.record_id, d.stage)]
                row[f"{name}_decision"] = d.decision
                row[f"{name}_reason"] = d.reason
                row[f"{name}_note"] = d.note
                row[f"{name}_at"] = d.decided_at.isoformat(timespec="seconds")
            for res, name in s.execute(
                select(Resolution, Reviewer.name).join(Reviewer, Reviewer.id == Resolution.reviewer_id)
            ):
                row = table[(res.record_id, res.stage)]
                row.update(
                    resolution=res.decision, resolution_reason=res.reason,
                    resolution_note=res.note, resolved_by=name,
                    resolved_at=res.resolved_at.isoformat(timespec="seconds"),
                )
            stage_order = {Stage.TITLE_ABSTRACT.value: 0, Stage.FULL_TEXT.value: 1}
            keys = sorted(table, key=lambda k: (k[0], stage_order.get(k[1], 2)))
            ids = sorted({k[0] for k in keys})
            titles: dict[int, str] = {}
            status: dict[tuple[int, str], tuple[str, str]] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                titles.update(s.execute(select(Record.id, Record.title).where(Record.id.in_(chunk))).all())
                for st in s.scalars(select(StageStatus).where(StageStatus.record_id.in_(chunk))):
                    status[(st.record_id, st.stage)] = (st.status, st.reason)
        columns = ["record_id", "stage", "title"]
        for name in names:
            columns += [f"{name}_decision", f"{name}_reason", f"{name}_note", f"{name}_at"]
        columns += ["resolution", "resolution_reason", "resolution_note", "resolved_by", "resolved_at",
                    "final_status", "final_reason"]
        rows = []
        for rid, stage in keys:
            final, reason = status.get((rid, stage), ("", ""))
            rows.append({"record_id": rid, "stage": stage, "title": titles.get(rid, ""),
                         **table[(rid, stage)], "final_status": final, "final_reason": reason})
        return columns, rows

    def export_decisions(self, path: str | Path, bom: bool = False) -> int:
        columns, rows = self.decision_log()
        with atomic_write(path, encoding="utf-8-sig" if bom else "utf-8") as out:
            fp = cast(TextIO, out)
            write_csv(rows, columns, fp)
        return len(rows)


def _as_parsed(row: dict[str, Any]) -> ParsedRecord:
    return ParsedRecord(
        position=row["source_position"], line=row["line"], type=row["type"], title=row["title"],
        authors=row["authors"], year=row["year"] or None, journal=row["journal"],
        volume=row["volume"], issue=row["issue"], pages=row["pages"], doi=row["doi"],
        pmid=row["pmid"], abstract=row["abstract"], keywords=row["keywords"],
        urls=row["urls"], notes=row["notes"], raw=row["raw"],
    )
