"""Deduplication across batches: links to a canonical record, never deletions."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from screener.core.services.base import Service, log_event, now
from screener.core.services.status import recompute
from screener.store.models import Decision, DuplicatePair, Event, Record, StageStatus
from screener.types import DedupRecord, Progress, ScreenerError, Stage, Status, Work


@dataclass
class DedupSummary:
    merged: int  # records linked to a canonical record by this run
    candidates: list[tuple[int, int, float]] = field(default_factory=list)  # open for review
    flagged: list[int] = field(default_factory=list)  # canonical ids whose merged records had different decisions


@dataclass(frozen=True)
class PairInfo:
    record_a: int
    record_b: int
    score: float
    status: str


@dataclass(frozen=True)
class MergedInfo:
    record_id: int  # the duplicate
    title: str
    canonical_id: int  # the record it is merged into (the one screened)
    canonical_title: str


class DedupService(Service):
    def run(self) -> Work[DedupSummary]:
        """Find duplicates among canonical records, merge the certain ones, queue the rest."""
        yield Progress(0, 1, "Loading records")
        with self.reading() as s:
            records = [
                DedupRecord(
                    id=r.id, title=r.title, authors=list(r.authors or []), year=r.year,
                    journal=r.journal, volume=r.volume, issue=r.issue, pages=r.pages,
                    doi=r.doi, pmid=r.pmid, type=r.type,
                )
                for r in s.scalars(select(Record).where(Record.duplicate_of.is_(None)))
            ]
            rejected = {
                (a, b)
                for a, b in s.execute(
                    select(DuplicatePair.record_a, DuplicatePair.record_b).where(
                        DuplicatePair.status == "not_duplicate"
                    )
                )
            }
        from screener.core.dedup import find_duplicates

        result = yield from find_duplicates(records, rejected)
        yield Progress(1, 1, "Merging")
        with self.writing() as s:
            merged, flagged = merge_clusters(s, _clusters(result.certain))
            existing = {
                (a, b): status
                for a, b, status in s.execute(
                    select(DuplicatePair.record_a, DuplicatePair.record_b, DuplicatePair.status)
                )
            }
            new_rows = []
            for pairs, status in ((result.certain, "auto"), (result.candidates, "pending")):
                for a, b, score in pairs:
                    a, b = sorted((a, b))
                    if (a, b) in existing:
                        if status == "auto" and existing[(a, b)] == "pending":
                            _upsert_pair(s, a, b, score, "auto")
                        continue
                    existing[(a, b)] = status
                    new_rows.append({"record_a": a, "record_b": b, "score": score, "status": status})
            if new_rows:
                s.execute(insert(DuplicatePair), new_rows)
            candidates = open_candidates(s)
        return DedupSummary(merged, [(p.record_a, p.record_b, p.score) for p in candidates], flagged)

    def candidates(self) -> list[PairInfo]:
        with self.reading() as s:
            return open_candidates(s)

    def mark(self, record_a: int, record_b: int, is_duplicate: bool, reviewer: str = "") -> None:
        """A reviewer's verdict on a pair. A duplicate is merged; 'not duplicate' is remembered."""
        a, b = sorted((record_a, record_b))
        if a == b:
            raise ScreenerError("a record cannot be a duplicate of itself")
        with self.writing() as s:
            for rid in (a, b):
                if s.get(Record, rid) is None:
                    raise ScreenerError(f"no record {rid}")
            if is_duplicate:
                ca, cb = canonical_of(s, a), canonical_of(s, b)
                if ca != cb:
                    keep = _pick_canonical(s, [ca, cb])
                    merge_into(s, keep, [cb if keep == ca else ca], "manual", reviewer)
                _upsert_pair(s, a, b, None, "duplicate")
            else:
                if canonical_of(s, a) == canonical_of(s, b):
                    raise ScreenerError(
                        f"records {a} and {b} are merged; unmerge one of them to separate them"
                    )
                _upsert_pair(s, a, b, None, "not_duplicate")
                log_event(s, "not_duplicate", record_id=a, reviewer=reviewer, other=b)
                log_event(s, "not_duplicate", record_id=b, reviewer=reviewer, other=a)

    def unmerge(self, record_id: int, reviewer: str = "") -> list[int]:
        """Undo a merge: a duplicate leaves its cluster; for a canonical record, all its
        duplicates leave. The separated pairs are remembered as not duplicates."""
        with self.writing() as s:
            r = s.get(Record, record_id)
            if r is None:
                raise ScreenerError(f"no record {record_id}")
            if r.duplicate_of is not None:
                pairs = [(record_id, r.duplicate_of)]
            else:
                pairs = [(d, record_id) for d in s.scalars(select(Record.id).where(Record.duplicate_of == record_id))]
            if not pairs:
                raise ScreenerError(f"record {record_id} is not merged with any other record")
            for dup, canonical in pairs:
                s.execute(update(Record).where(Record.id == dup).values(duplicate_of=None))
                _upsert_pair(s, dup, canonical, None, "not_duplicate")
                for rid, other in ((dup, canonical), (canonical, dup)):
                    log_event(s, "unmerge", record_id=rid, reviewer=reviewer, other=other)
            s.flush()
            changed = sorted({x for p in pairs for x in p})
            recompute(s, changed)
            return [d for d, _ in pairs]

    def reset_pair(self, record_a: int, record_b: int, reviewer: str = "") -> None:
        """Put a pair back among the candidates (undo of a reviewer's verdict). The records
        must not be merged; unmerge first."""
        a, b = sorted((record_a, record_b))
        with self.writing() as s:
            for rid in (a, b):
                if s.get(Record, rid) is None:
                    raise ScreenerError(f"no record {rid}")
            if canonical_of(s, a) == canonical_of(s, b):
                raise ScreenerError(f"records {a} and {b} are merged; unmerge one of them first")
            _upsert_pair(s, a, b, None, "pending")
            log_event(s, "pair_reopened", record_id=a, reviewer=reviewer, other=b)
            log_event(s, "pair_reopened", record_id=b, reviewer=reviewer, other=a)

    def merged(self) -> list[MergedInfo]:
        """Every record linked to another as its duplicate, by canonical record."""
        with self.reading() as s:
            canonical = aliased(Record)
            return [
                MergedInfo(rid, title, cid, ctitle)
                for rid, title, cid, ctitle in s.execute(
                    select(Record.id, Record.title, canonical.id, canonical.title)
                    .join(canonical, canonical.id == Record.duplicate_of)
                    .order_by(canonical.id, Record.id)
                )
            ]

    def duplicate_count(self) -> int:
        with self.reading() as s:
            return s.scalar(select(func.count()).select_from(Record).where(Record.duplicate_of.is_not(None))) or 0


def canonical_of(s: Session, record_id: int) -> int:
    r = s.get(Record, record_id)
    assert r is not None
    return r.duplicate_of or r.id


def merge_into(s: Session, canonical: int, others: list[int], how: str, reviewer: str = "") -> tuple[int, bool]:
    """Link ``others`` (and anything linked to them) to ``canonical``. Returns the number
    of records linked and whether their final decisions disagreed (then flagged)."""
    if not others:
        return 0, False
    members = set(others) | set(s.scalars(select(Record.id).where(Record.duplicate_of.in_(others))))
    members.discard(canonical)
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
        log_event(s, "merge", record_id=rid, reviewer=reviewer, into=canonical, how=how)
    log_event(s, "merge", record_id=canonical, reviewer=reviewer, merged=sorted(members), how=how,
              conflicting_decisions=conflict)
    s.flush()
    recompute(s, members | {canonical})
    return len(members), conflict


def merge_clusters(s: Session, clusters: list[list[int]]) -> tuple[int, list[int]]:
    """Merge many clusters of canonical records at once (the automatic path)."""
    if not clusters:
        return 0, []
    all_ids = [i for c in clusters for i in c]
    decided = set()
    final: dict[int, str] = {}
    for start in range(0, len(all_ids), 500):
        chunk = all_ids[start : start + 500]
        decided |= set(s.scalars(select(Decision.record_id).where(Decision.record_id.in_(chunk))))
        final.update(
            s.execute(
                select(StageStatus.record_id, StageStatus.status).where(
                    StageStatus.record_id.in_(chunk),
                    StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                    StageStatus.status.in_((Status.INCLUDED.value, Status.EXCLUDED.value)),
                )
            ).all()
        )
    links: list[dict[str, int]] = []
    flagged: list[int] = []
    events = []
    at = now()
    for cluster in clusters:
        canonical = min(cluster, key=lambda i: (i not in decided, i))
        members = [i for i in cluster if i != canonical]
        if len({final[i] for i in cluster if i in final}) > 1:
            flagged.append(canonical)
        links += [{"rid": m, "canonical": canonical} for m in members]
        events += [
            {"at": at, "kind": "merge", "record_id": m, "reviewer": "", "stage": "",
             "detail": {"into": canonical, "how": "auto"}}
            for m in members
        ]
        events.append(
            {"at": at, "kind": "merge", "record_id": canonical, "reviewer": "", "stage": "",
             "detail": {"merged": members, "how": "auto", "conflicting_decisions": canonical in flagged}}
        )
    s.connection().execute(
        update(Record).where(Record.id == bindparam("rid")).values(duplicate_of=bindparam("canonical")),
        links,
    )
    s.execute(insert(Event), events)
    recompute(s, all_ids)
    return len(links), flagged


def _pick_canonical(s: Session, ids: list[int]) -> int:
    """Keep the record that reviewers have already decided on, else the oldest."""
    decided = set(s.scalars(select(Decision.record_id).where(Decision.record_id.in_(ids))))
    return min(ids, key=lambda i: (i not in decided, i))


def _clusters(pairs: list[tuple[int, int, float]]) -> list[list[int]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _merged_pairs(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    return [(a, b) for a, b, _ in pairs] + [(b, a) for a, b, _ in pairs]


def _upsert_pair(s: Session, a: int, b: int, score: float | None, status: str | None) -> None:
    a, b = sorted((a, b))
    row = s.scalar(select(DuplicatePair).where(DuplicatePair.record_a == a, DuplicatePair.record_b == b))
    if row is None:
        s.add(DuplicatePair(record_a=a, record_b=b, score=score or 0.0, status=status or "pending"))
        return
    if score is not None:
        row.score = score
    if status is not None and not (status == "auto" and row.status in ("duplicate", "not_duplicate")):
        row.status = status


def open_candidates(s: Session) -> list[PairInfo]:
    """Pending pairs whose records are not (yet) in one cluster, best score first."""
    rows = s.scalars(
        select(DuplicatePair).where(DuplicatePair.status == "pending").order_by(DuplicatePair.score.desc())
    ).all()
    ids = {x for p in rows for x in (p.record_a, p.record_b)}
    canon = dict(
        s.execute(
            select(Record.id, func.coalesce(Record.duplicate_of, Record.id)).where(Record.id.in_(ids))
        ).all()
    ) if ids else {}
    return [
        PairInfo(p.record_a, p.record_b, p.score, p.status)
        for p in rows
        if canon.get(p.record_a) != canon.get(p.record_b)
    ]


