"""Linking duplicates in the database: what deduplication reads, and merges written as
links to a canonical record (never deletions), with their history.

A merged record's ``duplicate_of`` always names a canonical record (one that is not
itself a duplicate). Every change of a link is an event in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import CursorResult, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from screener.core.dedup.merge_plan import plan_merges, regroup
from screener.core.services.base import log_event, now
from screener.core.services.dedup_run import stored_publication_type
from screener.core.services.status import STAGES, lock_records, recompute
from screener.store.models import Decision, DuplicatePair, Event, Record, StageStatus
from screener.types import DedupRecord, Stage, Status

_COLUMNS = (
    Record.id, Record.title, Record.authors, Record.year, Record.journal, Record.volume,
    Record.issue, Record.pages, Record.doi, Record.pmid, Record.type, Record.urls, Record.notes,
    Record.source_tags, Record.duplicate_of,
)


def dedup_input(
    s: Session, ids: Iterable[int] | None = None
) -> tuple[list[DedupRecord], list[list[int]]]:
    """Records as deduplication reads them (all of them, or those ``ids``), and the groups
    already merged among them (each a canonical record with its duplicates)."""
    query = select(*_COLUMNS).order_by(Record.id)
    if ids is not None:
        query = query.where(Record.id.in_(sorted(set(ids))))
    records: list[DedupRecord] = []
    groups: dict[int, list[int]] = {}
    for row in s.execute(query.execution_options(yield_per=2000)):
        (rid, title, authors, year, journal, volume, issue, pages, doi, pmid, kind, urls, notes,
         tags, duplicate_of) = row
        records.append(
            DedupRecord(
                id=rid, title=title, authors=list(authors or []), year=year, journal=journal,
                volume=volume, issue=issue, pages=pages, doi=doi, pmid=pmid, type=kind,
                urls=list(urls or []), notes=notes or "",
                publication_type=stored_publication_type(tags),
            )
        )
        if duplicate_of is not None:
            groups.setdefault(duplicate_of, [duplicate_of]).append(rid)
    return records, list(groups.values())


def rejected_pairs(s: Session) -> set[tuple[int, int]]:
    return {
        (a, b)
        for a, b in s.execute(
            select(DuplicatePair.record_a, DuplicatePair.record_b).where(
                DuplicatePair.status == "not_duplicate"
            )
        )
    }


def canonical_of(s: Session, record_id: int) -> int:
    r = s.get(Record, record_id)
    assert r is not None
    return r.duplicate_of or r.id


def lock_for_merge(s: Session, ids: Iterable[int]) -> None:
    """Take the status row locks of records about to be merged (``status.lock_records``), in
    id order, a chunk at a time, before reading their decisions: a decision on one of them
    commits first (and is seen), or waits and then finds its record merged. The caller
    holds the lock on merges, so two merging units of work never hold rows of each other's."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 500):
        lock_records(s, ordered[start : start + 500])


def pick_canonical(s: Session, ids: list[int]) -> int:
    """Keep the record that reviewers have already decided on, else the oldest."""
    decided = set(s.scalars(select(Decision.record_id).where(Decision.record_id.in_(ids))))
    return min(ids, key=lambda i: (i not in decided, i))


def merge_into(
    s: Session, canonical: int, others: list[int], how: str, reviewer: str = "", **detail: Any
) -> tuple[list[int], bool]:
    """Link ``others`` (and anything linked to them) to ``canonical``. Returns the records
    linked and whether their final decisions disagreed."""
    if not others:
        return [], False
    members = set(others) | set(s.scalars(select(Record.id).where(Record.duplicate_of.in_(others))))
    members.discard(canonical)
    if not members:
        return [], False
    statuses = set(
        s.scalars(
            select(StageStatus.status).where(
                StageStatus.record_id.in_(members | {canonical}),
                StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                StageStatus.status.in_((Status.INCLUDED.value, Status.EXCLUDED.value)),
            )
        )
    )
    conflict = len(statuses) > 1
    s.execute(update(Record).where(Record.id.in_(members)).values(duplicate_of=canonical))
    for rid in sorted(members):
        log_event(s, "merge", record_id=rid, reviewer=reviewer, into=canonical, how=how, **detail)
    log_event(s, "merge", record_id=canonical, reviewer=reviewer, merged=sorted(members), how=how,
              conflicting_decisions=conflict, **detail)
    s.flush()
    recompute(s, members | {canonical})
    return sorted(members), conflict


def merge_groups(
    s: Session, clusters: list[list[int]], scores: dict[tuple[int, int], float]
) -> tuple[int, list[int]]:
    """Write the automatic merges: each cluster (which may hold records merged before)
    gets one canonical record, and every other member links to it. Returns the number of
    records newly merged and the canonical records whose members' decisions disagree."""
    if not clusters:
        return 0, []
    clusters = _with_current_groups(s, clusters)
    all_ids = [i for c in clusters for i in c]
    # A decision on one of these, being written or made now, commits before the decisions
    # are read (and is seen), or waits and then finds its record merged: never between.
    lock_for_merge(s, all_ids)
    decided: set[int] = set()
    final: dict[int, str] = {}
    current: dict[int, int | None] = {}
    for start in range(0, len(all_ids), 500):
        chunk = all_ids[start : start + 500]
        decided |= set(s.scalars(select(Decision.record_id).where(Decision.record_id.in_(chunk))))
        current.update(s.execute(select(Record.id, Record.duplicate_of).where(Record.id.in_(chunk))).all())
        final.update(
            s.execute(
                select(StageStatus.record_id, StageStatus.status).where(
                    StageStatus.record_id.in_(chunk),
                    StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                    StageStatus.status.in_((Status.INCLUDED.value, Status.EXCLUDED.value)),
                )
            ).all()
        )
    plan = plan_merges(clusters, current, decided, final, scores, now())
    if plan.links:
        s.connection().execute(
            update(Record).where(Record.id == bindparam("rid")).values(duplicate_of=bindparam("canonical")),
            [{"rid": rid, "canonical": canonical} for rid, canonical in plan.links],
        )
        s.execute(insert(Event), plan.events)
        mark_duplicates(s, {rid for rid, _ in plan.links})
        # A canonical record that was itself merged before (kept because reviewers decided
        # on it) is screened again: its status follows its decisions.
        recompute(s, plan.rescreened)
    return plan.merged, plan.flagged


def mark_duplicates(s: Session, ids: set[int]) -> None:
    """Records just merged into another are "duplicate" at every stage, whatever their
    decisions (what ``status.recompute`` gives them, in one statement per chunk)."""
    ordered = sorted(ids)
    missing: list[int] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        result: CursorResult[Any] = s.execute(  # type: ignore[assignment]
            update(StageStatus).where(StageStatus.record_id.in_(chunk))
            .values(status=Status.DUPLICATE.value, reason="")
            .execution_options(synchronize_session=False)
        )
        done = result.rowcount
        if done != len(chunk) * len(STAGES):  # a record without a status row at some stage
            missing += chunk
    if missing:
        recompute(s, missing)


def _with_current_groups(s: Session, clusters: list[list[int]]) -> list[list[int]]:
    """Each cluster with the groups its members belong to now, joined where they overlap.

    Usually a no-op: the groups were read with the records. But another process may have
    merged some of these records meanwhile; a record then stands for its whole group, so
    that every link still names a canonical record (``merge_plan.regroup``)."""
    ids = sorted({i for c in clusters for i in c})
    root: dict[int, int] = {}  # record -> its canonical record
    for start in range(0, len(ids), 500):
        for rid, canonical in s.execute(
            select(Record.id, Record.duplicate_of).where(Record.id.in_(ids[start : start + 500]))
        ):
            root[rid] = canonical or rid
    canonicals = sorted(set(root.values()))
    members: dict[int, set[int]] = {c: {c} for c in canonicals}
    for start in range(0, len(canonicals), 500):
        for rid, canonical in s.execute(
            select(Record.id, Record.duplicate_of).where(Record.duplicate_of.in_(canonicals[start : start + 500]))
        ):
            if canonical is not None:
                members[canonical].add(rid)
    return regroup(clusters, root, members)


def upsert_pair(s: Session, a: int, b: int, score: float | None, status: str | None) -> None:
    a, b = sorted((a, b))
    row = s.scalar(select(DuplicatePair).where(DuplicatePair.record_a == a, DuplicatePair.record_b == b))
    if row is None:
        s.add(DuplicatePair(record_a=a, record_b=b, score=score or 0.0, status=status or "pending"))
        return
    if score is not None:
        row.score = score
    if status is not None and not (status == "auto" and row.status in ("duplicate", "not_duplicate")):
        row.status = status


def store_pairs(
    s: Session, certain: list[tuple[int, int, float]], candidates: list[tuple[int, int, float]]
) -> None:
    """Remember the pairs of a run: certain ones as "auto", the others as "pending"
    (a reviewer's verdict on a pair is never overwritten)."""
    alive: set[int] = set()  # a record deleted meanwhile (its batch removed) has no pairs
    ids = sorted({x for pairs in (certain, candidates) for a, b, _ in pairs for x in (a, b)})
    for start in range(0, len(ids), 500):
        alive.update(s.scalars(select(Record.id).where(Record.id.in_(ids[start : start + 500]))))
    certain = [p for p in certain if p[0] in alive and p[1] in alive]
    candidates = [p for p in candidates if p[0] in alive and p[1] in alive]
    existing = {
        (a, b): status
        for a, b, status in s.execute(
            select(DuplicatePair.record_a, DuplicatePair.record_b, DuplicatePair.status)
        )
    }
    new_rows = []
    for pairs, status in ((certain, "auto"), (candidates, "pending")):
        for a, b, score in pairs:
            a, b = sorted((a, b))
            if (a, b) in existing:
                if status == "auto" and existing[(a, b)] == "pending":
                    upsert_pair(s, a, b, score, "auto")
                continue
            existing[(a, b)] = status
            new_rows.append({"record_a": a, "record_b": b, "score": score, "status": status})
    if new_rows:
        s.execute(insert(DuplicatePair), new_rows)


def canonical_map(s: Session, ids: Iterable[int]) -> dict[int, int]:
    """Each record's canonical record (itself when it is not merged)."""
    ids = sorted(set(ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        found.update(
            s.execute(
                select(Record.id, func.coalesce(Record.duplicate_of, Record.id)).where(
                    Record.id.in_(ids[start : start + 500])
                )
            ).all()
        )
    return found
