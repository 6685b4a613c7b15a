"""Working apart: a reviewer's screening package, and merging it back.

A package is an ordinary project file holding what one reviewer must screen (their
queue at both stages, and the records they already decided) with only their own
decisions in it: other reviewers' decisions are withheld. Merging applies the
decisions the reviewer made in the package; it is idempotent, and a decision that
changed both in the package and in the main project is reported, never overwritten.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from screener.core.services.base import Service, get_reviewer, log_event, now
from screener.core.services.package_check import Key, Value, check_against, read_package
from screener.core.services.screening import apply_decision
from screener.core.services.status import lock_records, recompute
from screener.core.services.team import PACKAGE_MERGE, check_acting_as
from screener.store.engine import is_url, open_store
from screener.store.models import (
    Batch,
    Criterion,
    Decision,
    Event,
    ExclusionReason,
    HighlightTerm,
    PackageToken,
    Project,
    Record,
    RecordNote,
    Resolution,
    Reviewer,
    SourceFile,
    StageStatus,
)
from screener.store.search import index_records
from screener.types import ScreenerError, Stage, Status

MAIN = "(main project)"  # the resolver standing for the main project's final decisions


@dataclass
class PackageReport:
    path: str
    reviewer: str
    records: int


@dataclass
class MergeReport:
    reviewer: str
    applied: int = 0
    unchanged: int = 0
    changed_in_both: list[dict[str, str | int | None]] = field(default_factory=list)


def _decisions_of(s: Session, reviewer_id: int, ids: list[int] | None = None) -> dict[Key, Value]:
    q = select(Decision).where(Decision.reviewer_id == reviewer_id)
    out: dict[Key, Value] = {}
    for d in s.scalars(q):
        if ids is None or d.record_id in ids:
            out[(d.record_id, d.stage)] = (d.decision, d.reason, d.note)
    return out


class PackageService(Service):
    def create_package(self, reviewer: str, path: str | Path) -> PackageReport:
        path = Path(path)
        if is_url(str(path)) or path.exists():
            raise ScreenerError(f"{path}: choose a new file for the package")
        secret = secrets.token_hex(32)  # the package carries it; the project keeps its SHA-256
        with self.reading() as s:
            me = get_reviewer(s, reviewer)
            check_acting_as(s, me)
            me_id = me.id
            mine = _decisions_of(s, me.id)
            statuses = {(st.record_id, st.stage): st.status for st in s.scalars(select(StageStatus))}
            wanted = sorted(
                rid
                for (rid, stage), status in statuses.items()
                if stage == Stage.TITLE_ABSTRACT
                and status != Status.DUPLICATE
                and (status == Status.UNDECIDED or (rid, stage) in mine
                     or statuses.get((rid, Stage.FULL_TEXT.value)) == Status.UNDECIDED
                     and status == Status.INCLUDED)
            )
            from screener.core.services.allocation import assigned_to_others

            others = assigned_to_others(s, me.id, Stage.TITLE_ABSTRACT.value)  # after assign: not theirs
            wanted = [rid for rid in wanted if rid not in others or (rid, Stage.TITLE_ABSTRACT.value) in mine
                      or statuses[(rid, Stage.TITLE_ABSTRACT.value)] != Status.UNDECIDED]
            ta_included = [rid for rid in wanted if statuses[(rid, Stage.TITLE_ABSTRACT.value)] == Status.INCLUDED]
            rows = _copy_rows(s, wanted)
            notes = [n for n in s.scalars(select(RecordNote).where(RecordNote.reviewer_id == me.id))
                     if n.record_id in set(wanted)]
            role = me.role
        # Written under another name and renamed when complete: the package's name never
        # shows a half-written file (to a reviewer opening it, or to a copy being made).
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        package = open_store(partial, create=True)
        try:
            with package.WriteSession() as t, t.begin():
                _write_package(t, rows, reviewer, role, mine, ta_included, notes, self.store.target, secret)
            package.close()
            _publish(partial, path)
        except BaseException:
            package.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(partial) + suffix).unlink(missing_ok=True)
            raise
        try:
            with self.writing() as s:
                s.add(PackageToken(reviewer_id=me_id, secret_sha256=_digest(secret), file=path.name,
                                   created_at=now(), merged_as=""))
                log_event(s, "package_created", reviewer=reviewer, file=path.name, records=len(wanted))
        except BaseException:  # a package whose secret the project does not know is no use
            path.unlink(missing_ok=True)
            raise
        return PackageReport(str(path), reviewer, len(wanted))

    def merge_package(self, path: str | Path) -> MergeReport:
        """Merge a returned package: all of it or, if anything in it is not valid here,
        none of it. Its secret must be one this project issued to its reviewer."""
        package = read_package(path)
        reviewer = package.reviewer
        theirs, base = package.decisions, package.base
        report = MergeReport(reviewer)
        with self.writing() as s:
            me = check_against(s, path, package)
            s.info[PACKAGE_MERGE] = reviewer  # the owner may merge it in the reviewer's name
            check_acting_as(s, me)
            current = _decisions_of(s, me.id)
            keys = sorted(set(theirs) | set(base), key=lambda k: (k[1] != Stage.TITLE_ABSTRACT, k[0]))
            try:
                for key in keys:
                    rid, stage = key
                    p, b, m = theirs.get(key), base.get(key), current.get(key)
                    if p == m:
                        report.unchanged += 1
                    elif p == b:
                        report.unchanged += 1  # not touched in the package
                    elif m == b:
                        _apply(s, rid, reviewer, stage, p, me.id)
                        report.applied += 1
                    else:
                        report.changed_in_both.append({
                            "record_id": rid, "stage": stage,
                            "package": p[0] if p else None, "project": m[0] if m else None,
                        })
            except ScreenerError as e:
                raise ScreenerError(f"{path}: {e}; nothing was merged") from None
            for rid, text in package.notes.items():
                row = s.get(RecordNote, (rid, me.id))
                if row is None:
                    s.add(RecordNote(record_id=rid, reviewer_id=me.id, text=text))
                else:
                    row.text = text
            _mark_merged(s, package.secret, reviewer)
            log_event(s, "package_merged", reviewer=reviewer, file=Path(path).name,
                      applied=report.applied, changed_in_both=len(report.changed_in_both))
        return report


def _mark_merged(s: Session, secret: str, reviewer: str) -> None:
    token = s.scalar(select(PackageToken).where(PackageToken.secret_sha256 == _digest(secret)))
    if token is not None and not token.merged_as:
        token.merged_as, token.merged_at = reviewer, now()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _apply(s: Session, rid: int, reviewer: str, stage: str, value: Value, reviewer_id: int) -> None:
    if value is not None:
        apply_decision(s, rid, reviewer, value[0], stage, value[1], value[2])
        return
    lock_records(s, [rid])
    s.execute(delete(Decision).where(Decision.record_id == rid, Decision.reviewer_id == reviewer_id,
                                     Decision.stage == stage))
    log_event(s, "undo", record_id=rid, reviewer=reviewer, stage=stage, why="undone in a screening package")
    s.flush()
    recompute(s, [rid])


def _publish(partial: Path, path: Path) -> None:
    """Give the complete package its name, never replacing a file that appeared there."""
    for suffix in ("-wal", "-shm"):  # closed cleanly, SQLite has folded the log in already
        if Path(str(partial) + suffix).exists():
            raise ScreenerError(f"{path}: the package could not be closed cleanly; nothing was written")
    try:
        os.link(partial, path)  # fails if the name is taken
    except FileExistsError:
        raise ScreenerError(f"{path}: choose a new file for the package") from None
    except OSError:  # a file system without hard links (FAT on a USB stick)
        if path.exists():
            raise ScreenerError(f"{path}: choose a new file for the package") from None
        os.replace(partial, path)
        return
    partial.unlink()


def _copy_rows(s: Session, ids: list[int]) -> dict[str, list[dict[str, object]]]:
    def plain(obj: object, columns: list[str]) -> dict[str, object]:
        return {c: getattr(obj, c) for c in columns}

    rows: dict[str, list[dict[str, object]]] = {}
    for model in (Project, Criterion, HighlightTerm, ExclusionReason):
        cols = [c.key for c in model.__table__.columns]
        rows[model.__tablename__] = [plain(o, cols) for o in s.scalars(select(model))]
    records = []
    rcols = [c.key for c in Record.__table__.columns]
    for start in range(0, len(ids), 500):
        records += [plain(r, rcols) for r in s.scalars(select(Record).where(Record.id.in_(ids[start:start + 500])))]
    for r in records:
        r["duplicate_of"] = None
    batch_ids = {r["batch_id"] for r in records}
    file_ids = {r["file_id"] for r in records}
    rows["batch"] = [plain(b, [c.key for c in Batch.__table__.columns])
                     for b in s.scalars(select(Batch)) if b.id in batch_ids]
    rows["source_file"] = [plain(f, [c.key for c in SourceFile.__table__.columns])
                           for f in s.scalars(select(SourceFile)) if f.id in file_ids]
    rows["record"] = records
    return rows


def _write_package(t: Session, rows: dict[str, list[dict[str, object]]], reviewer: str, role: str,
                   mine: dict[Key, Value], ta_included: list[int], notes: list[RecordNote], source: str,
                   secret: str) -> None:
    for model in (Project, Criterion, HighlightTerm, ExclusionReason, Batch, SourceFile, Record):
        if rows.get(model.__tablename__):
            t.execute(insert(model), rows[model.__tablename__])
    ids = [int(r["id"]) for r in rows["record"]]  # type: ignore[call-overload]
    t.execute(insert(StageStatus), [
        {"record_id": rid, "stage": st, "status": Status.UNDECIDED.value, "reason": "", "n_decisions": 0}
        for rid in ids for st in (Stage.TITLE_ABSTRACT.value, Stage.FULL_TEXT.value)
    ])
    index_records(t, ((int(r["id"]), str(r["title"]), str(r["abstract"]), list(r["authors"]),  # type: ignore[call-overload, arg-type]
                       list(r["keywords"])) for r in rows["record"]))  # type: ignore[call-overload, arg-type]
    me = Reviewer(name=reviewer, role=role)
    main = Reviewer(name=MAIN, role="resolver")
    t.add_all([me, main])
    t.flush()
    at = now()
    project = t.get(Project, 1)
    assert project is not None
    required_ta = project.reviewers_per_record_ta
    # The package's reviewer is its only reviewer: their own decision is what counts there.
    project.reviewers_per_record_ta = project.reviewers_per_record_ft = 1
    project.strict = False  # a file cannot be strict, even when its project is
    for rid in ta_included:  # final at title/abstract in the main project: on to full text
        t.add(Resolution(record_id=rid, stage=Stage.TITLE_ABSTRACT.value, decision="include", reason="",
                         note="included in the main project", reviewer_id=main.id, resolved_at=at))
    in_package = set(ids)
    base = {}
    for (rid, stage), value in mine.items():
        if rid in in_package and value is not None:
            t.add(Decision(record_id=rid, reviewer_id=me.id, stage=stage, decision=value[0], reason=value[1],
                           note=value[2], decided_at=at))
            base[f"{rid}:{stage}"] = list(value)
    for n in notes:
        t.add(RecordNote(record_id=n.record_id, reviewer_id=me.id, text=n.text))
    t.add(Event(at=at, kind="package_created", reviewer=reviewer,
                detail={"reviewer": reviewer, "source": source, "base": base,
                        "reviewers_per_record": required_ta, "secret": secret}))
    t.flush()
    recompute(t, ids)
