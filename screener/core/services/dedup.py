"""Deduplication across batches: links to a canonical record, never deletions.

``run`` merges what is certain and queues the rest for a reviewer; reviewers then say
"duplicate" or "not a duplicate" pair by pair (``mark``) or in bulk by score
(``accept_from`` / ``reject_below``, each undoable with ``undo_bulk``), mark any record a
duplicate of another (``mark`` with ``keep``), and separate merged records again
(``unmerge``, undone with ``remerge``). Every merge can be inspected (``merge_detail``:
both records, the score and the rule that decided).

Matching new records against existing ones (a search update): ``run(only_with=ids)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select, text, update
from sqlalchemy.orm import Session, aliased

from screener.core.services.base import Service, log_event
from screener.core.services.dedup_run import (
    DedupSummary,
    PairInfo,
    lock_merges,
    recheck,
    run_on_file,
)
from screener.core.services.merging import (
    canonical_map,
    canonical_of,
    dedup_input,
    lock_for_merge,
    merge_groups,
    merge_into,
    pick_canonical,
    rejected_pairs,
    store_pairs,
    upsert_pair,
)
from screener.core.services.status import recompute
from screener.store.models import Batch, DuplicatePair, Event, Record
from screener.store.search import matching_ids_sql
from screener.types import Progress, ScreenerError, Work


@dataclass(frozen=True)
class MergedInfo:
    record_id: int  # the duplicate
    title: str
    canonical_id: int  # the record it is merged into (the one screened)
    canonical_title: str
    how: str = ""  # "auto" (found certain), "manual" (a reviewer said so) or "" (unknown)
    score: float | None = None


@dataclass(frozen=True)
class MergeDetail:
    """Why two records are (or would be) one: what the rules say of the pair now, and
    how the merge was made."""

    record_id: int
    canonical_id: int
    verdict: str  # "certain", "candidate" or "none", by today's rules
    score: float
    rule: str
    how: str  # "auto", "manual", "bulk" or "" (not merged)
    at: datetime | None = None
    reviewer: str = ""


@dataclass(frozen=True)
class BulkAction:
    """What a bulk verdict changed, so that it can be undone exactly."""

    kind: str  # "accept" or "reject"
    threshold: float
    pairs: tuple[tuple[int, int], ...]
    links_before: tuple[tuple[int, int | None], ...]  # (record, duplicate_of before)
    links_after: tuple[tuple[int, int | None], ...]

    @property
    def merged(self) -> int:
        return sum(1 for (_, before), (_, after) in zip(self.links_before, self.links_after, strict=True)
                   if before is None and after is not None)


@dataclass(frozen=True)
class RecordHit:
    record_id: int
    title: str
    year: int | None
    first_author: str
    duplicate_of: int | None


@dataclass(frozen=True)
class DedupOverview:
    """For the Duplicates tab's empty state: what the last run after an import did."""

    merged_since_import: int  # records merged automatically since the last import
    merged_total: int
    open_pairs: int
    imported: bool  # any batch at all


class DedupService(Service):
    def run(self, only_with: set[int] | None = None) -> Work[DedupSummary]:
        """Find duplicates among all records, merge the certain ones, queue the rest.
        ``only_with``: compare only pairs with at least one of these records (new records
        against the existing ones). On a project file, in Core (``dedup_run``)."""
        if self.store.is_sqlite:
            return (yield from run_on_file(self.store, only_with))
        return (yield from self.run_with_sessions(only_with))

    def run_with_sessions(self, only_with: set[int] | None = None) -> Work[DedupSummary]:
        """``run`` through the ORM's sessions: on a server (identity and the status
        triggers of a strict project), and the reference the Core way is tested against."""
        yield Progress(0, 1, "Loading records")
        from screener.core.dedup import find_duplicates
        from screener.core.gc_pause import gc_paused

        with gc_paused(), self.reading() as s:  # many records, no reference cycles
            records, groups = dedup_input(s)
            rejected = rejected_pairs(s)

        result = yield from find_duplicates(records, rejected, groups, only_with)
        del records
        yield Progress(1, 1, "Merging")
        scores = {(a, b): score for a, b, score in result.certain}
        with self._merging() as s:
            # reviewers' verdicts and unmerges since the read win over the run's findings
            clusters, certain, queued = recheck(s.connection(), result.certain, groups, rejected)
            merged, flagged = merge_groups(s, clusters, scores)
            store_pairs(s, certain, result.candidates + queued)
            candidates = open_candidates(s)
        return DedupSummary(merged, [(p.record_a, p.record_b, p.score) for p in candidates], flagged)

    @contextmanager
    def _merging(self) -> Iterator[Session]:
        """A unit of work that merges records or gives a verdict on a pair: it first takes
        the project's lock on merges (``dedup_run.lock_merges``), so that a dedup run and
        a reviewer's verdict or unmerge never interleave on a server."""
        with self.writing() as s:
            lock_merges(s.connection())
            yield s

    def candidates(self) -> list[PairInfo]:
        with self.reading() as s:
            return open_candidates(s)

    def mark(
        self, record_a: int, record_b: int, is_duplicate: bool, reviewer: str = "", keep: int | None = None
    ) -> None:
        """A reviewer's verdict on a pair. A duplicate is merged (into ``keep``'s group
        when given, else the group reviewers decided on or the oldest); 'not duplicate' is
        remembered. A pair separated before can be merged again."""
        a, b = sorted((record_a, record_b))
        if a == b:
            raise ScreenerError("a record cannot be a duplicate of itself")
        if keep is not None and keep not in (a, b):
            raise ScreenerError(f"record {keep} is not one of the pair")
        with self._merging() as s:
            _require(s, a, b)
            if is_duplicate:
                ca, cb = canonical_of(s, a), canonical_of(s, b)
                if ca != cb:
                    lock_for_merge(s, [ca, cb])  # a decision on either is seen, or sees the merge
                    target = canonical_of(s, keep) if keep is not None else pick_canonical(s, [ca, cb])
                    merge_into(s, target, [cb if target == ca else ca], "manual", reviewer)
                upsert_pair(s, a, b, None, "duplicate")
            else:
                if canonical_of(s, a) == canonical_of(s, b):
                    raise ScreenerError(
                        f"records {a} and {b} are merged; unmerge one of them to separate them"
                    )
                upsert_pair(s, a, b, None, "not_duplicate")
                log_event(s, "not_duplicate", record_id=a, reviewer=reviewer, other=b)
                log_event(s, "not_duplicate", record_id=b, reviewer=reviewer, other=a)

    def unmerge(self, record_id: int, reviewer: str = "") -> list[int]:
        """Undo a merge: a duplicate leaves its group; for a canonical record, all its
        duplicates leave. The separated pairs are remembered as not duplicates. Returns
        the records separated (``remerge`` puts them back)."""
        with self._merging() as s:
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
                upsert_pair(s, dup, canonical, None, "not_duplicate")
                for rid, other in ((dup, canonical), (canonical, dup)):
                    log_event(s, "unmerge", record_id=rid, reviewer=reviewer, other=other)
            s.flush()
            recompute(s, sorted({x for p in pairs for x in p}))
            return [d for d, _ in pairs]

    def remerge(self, canonical: int, duplicates: list[int], reviewer: str = "", was: str = "manual") -> None:
        """Merge records into ``canonical`` again (the undo of ``unmerge``); ``was`` says
        how they had been merged ("auto" or "manual"), which the pairs keep."""
        with self._merging() as s:
            _require(s, canonical, *duplicates)
            if canonical_of(s, canonical) != canonical:
                raise ScreenerError(f"record {canonical} is now merged into another record")
            merge_into(s, canonical, list(duplicates), "undo", reviewer)
            for dup in duplicates:
                row = s.scalar(select(DuplicatePair).where(
                    DuplicatePair.record_a == min(dup, canonical), DuplicatePair.record_b == max(dup, canonical)))
                if row is not None and was == "auto":
                    row.status = "auto"
                else:
                    upsert_pair(s, dup, canonical, None, "duplicate")

    def reset_pair(self, record_a: int, record_b: int, reviewer: str = "") -> None:
        """Put a pair back among the candidates (undo of a reviewer's verdict). The records
        must not be merged; unmerge first."""
        a, b = sorted((record_a, record_b))
        with self._merging() as s:
            _require(s, a, b)
            if canonical_of(s, a) == canonical_of(s, b):
                raise ScreenerError(f"records {a} and {b} are merged; unmerge one of them first")
            upsert_pair(s, a, b, None, "pending")
            log_event(s, "pair_reopened", record_id=a, reviewer=reviewer, other=b)
            log_event(s, "pair_reopened", record_id=b, reviewer=reviewer, other=a)

    # --- bulk verdicts ---------------------------------------------------------------------

    def accept_from(self, threshold: float, reviewer: str = "") -> BulkAction:
        """Every open pair scoring ``threshold`` or more is a duplicate: merged, best first."""
        with self._merging() as s:
            pairs = [p for p in open_candidates(s) if p.score >= threshold]
            before = _links(s, {x for p in pairs for x in (p.record_a, p.record_b)})
            lock_for_merge(s, {canonical_of(s, x) for p in pairs for x in (p.record_a, p.record_b)})
            for p in pairs:
                ca, cb = canonical_of(s, p.record_a), canonical_of(s, p.record_b)
                if ca != cb:
                    keep = pick_canonical(s, [ca, cb])
                    merge_into(s, keep, [cb if keep == ca else ca], "bulk", reviewer, score=p.score)
                upsert_pair(s, p.record_a, p.record_b, None, "duplicate")
            s.flush()
            return _bulk(s, "accept", threshold, pairs, before)

    def reject_below(self, threshold: float, reviewer: str = "") -> BulkAction:
        """Every open pair scoring below ``threshold`` is not a duplicate."""
        with self._merging() as s:
            pairs = [p for p in open_candidates(s) if p.score < threshold]
            for p in pairs:
                upsert_pair(s, p.record_a, p.record_b, None, "not_duplicate")
                log_event(s, "not_duplicate", record_id=p.record_a, reviewer=reviewer, other=p.record_b, bulk=True)
                log_event(s, "not_duplicate", record_id=p.record_b, reviewer=reviewer, other=p.record_a, bulk=True)
            return _bulk(s, "reject", threshold, pairs, {})

    def undo_bulk(self, action: BulkAction, reviewer: str = "") -> None:
        """Take a bulk verdict back: its pairs are open again and its merges undone. Refused
        when those records' links have changed since."""
        with self._merging() as s:
            now_links = _links(s, [rid for rid, _ in action.links_after])
            if any(now_links.get(rid) != after for rid, after in action.links_after):
                raise ScreenerError("those records were merged or separated since; undo that first")
            for rid, before in action.links_before:
                s.execute(update(Record).where(Record.id == rid).values(duplicate_of=before))
                if before is None:
                    log_event(s, "unmerge", record_id=rid, reviewer=reviewer, undo=action.kind)
                else:
                    log_event(s, "merge", record_id=rid, reviewer=reviewer, undo=action.kind, into=before)
            for a, b in action.pairs:
                upsert_pair(s, a, b, None, "pending")
                log_event(s, "pair_reopened", record_id=a, reviewer=reviewer, other=b, undo=action.kind)
            s.flush()
            recompute(s, [rid for rid, _ in action.links_before])

    # --- looking at merges -----------------------------------------------------------------

    def merged(self) -> list[MergedInfo]:
        """Every record linked to another as its duplicate, by canonical record, with how it
        was merged and the pair's score where one was stored."""
        with self.reading() as s:
            canonical = aliased(Record)
            low = case((Record.id < canonical.id, Record.id), else_=canonical.id)
            high = case((Record.id < canonical.id, canonical.id), else_=Record.id)
            rows = s.execute(
                select(Record.id, Record.title, canonical.id, canonical.title, DuplicatePair.status,
                       DuplicatePair.score)
                .join(canonical, canonical.id == Record.duplicate_of)
                .outerjoin(DuplicatePair, and_(DuplicatePair.record_a == low, DuplicatePair.record_b == high))
                .order_by(canonical.id, Record.id)
            )
            how = {"auto": "auto", "duplicate": "manual"}
            return [
                MergedInfo(rid, title, cid, ctitle, how.get(status or "", ""), score if status else None)
                for rid, title, cid, ctitle, status, score in rows
            ]

    def merge_detail(self, record_a: int, record_b: int) -> MergeDetail:
        """The rules' verdict, score and reason for two records, and how they were merged."""
        from screener.core.dedup import explain

        with self.reading() as s:
            _require(s, record_a, record_b)
            records, _ = dedup_input(s, [record_a, record_b])
            by_id = {r.id: r for r in records}
            found = explain(by_id[record_a], by_id[record_b])
            links = _links(s, [record_a, record_b])
            dup, canonical = (record_b, record_a) if links[record_b] == record_a else (record_a, record_b)
            event = None
            if links[dup] is not None and links[dup] in (canonical, links[canonical]):
                event = s.scalars(
                    select(Event).where(Event.kind == "merge", Event.record_id == dup).order_by(Event.id.desc())
                ).first()
            return MergeDetail(
                record_id=dup, canonical_id=canonical, verdict=found.verdict, score=found.score,
                rule=found.rule, how=str(event.detail.get("how", "")) if event else "",
                at=event.at if event else None, reviewer=event.reviewer if event else "",
            )

    def overview(self) -> DedupOverview:
        with self.reading() as s:
            last_import = s.scalar(select(func.max(Batch.created_at)))
            since = 0
            if last_import is not None:
                merged_now = set(s.scalars(select(Record.id).where(Record.duplicate_of.is_not(None))))
                for rid, detail in s.execute(
                    select(Event.record_id, Event.detail).where(Event.kind == "merge", Event.at >= last_import)
                ):
                    if rid in merged_now and detail.get("how") == "auto" and "into" in detail:
                        merged_now.discard(rid)  # counted once
                        since += 1
            total = s.scalar(select(func.count()).select_from(Record).where(Record.duplicate_of.is_not(None))) or 0
            return DedupOverview(since, total, len(open_candidates(s)), last_import is not None)

    def pick(self, query: str, limit: int = 50) -> list[RecordHit]:
        """Records whose title, authors, abstract or keywords hold every word of ``query``,
        or whose number it is: "#123" is that record only, "123" it first and then any
        record with that word. To pick the other record of a manual merge."""
        text_query = query.strip()
        number = text_query.lstrip("#")
        with self.reading() as s:
            columns = (Record.id, Record.title, Record.year, Record.first_author, Record.duplicate_of)
            hits: list[RecordHit] = []
            if number.isdigit():
                hits += [RecordHit(*row) for row in s.execute(select(*columns).where(Record.id == int(number)))]
                if text_query.startswith("#"):
                    return hits
            found = matching_ids_sql(s, text_query)
            if found is not None:
                sql, params = found
                rows = s.execute(
                    select(*columns).where(Record.id.in_(text(sql).bindparams(**params)))
                    .order_by(Record.id).limit(limit)
                )
                hits += [RecordHit(*row) for row in rows if not hits or row[0] != hits[0].record_id]
            return hits[:limit]

    def duplicate_count(self) -> int:
        with self.reading() as s:
            return s.scalar(select(func.count()).select_from(Record).where(Record.duplicate_of.is_not(None))) or 0


def _require(s: Session, *ids: int) -> None:
    known = set(s.scalars(select(Record.id).where(Record.id.in_(ids))))
    for rid in ids:
        if rid not in known:
            raise ScreenerError(f"no record {rid}")


def _links(s: Session, ids: object) -> dict[int, int | None]:
    ids = sorted(set(ids))  # type: ignore[call-overload]
    return dict(s.execute(select(Record.id, Record.duplicate_of).where(Record.id.in_(ids))).all())  # type: ignore[arg-type]


def _bulk(s: Session, kind: str, threshold: float, pairs: list[PairInfo],
          before: dict[int, int | None]) -> BulkAction:
    after = _links(s, before)
    changed = [rid for rid in sorted(before) if before[rid] != after[rid]]
    return BulkAction(
        kind, threshold, tuple((p.record_a, p.record_b) for p in pairs),
        tuple((rid, before[rid]) for rid in changed), tuple((rid, after[rid]) for rid in changed),
    )


def open_candidates(s: Session) -> list[PairInfo]:
    """Pending pairs whose records are not (yet) in one group, best score first."""
    rows = s.scalars(
        select(DuplicatePair).where(DuplicatePair.status == "pending")
        .order_by(DuplicatePair.score.desc(), DuplicatePair.record_a, DuplicatePair.record_b)
    ).all()
    canon = canonical_map(s, (x for p in rows for x in (p.record_a, p.record_b)))
    return [
        PairInfo(p.record_a, p.record_b, p.score, p.status)
        for p in rows
        if canon.get(p.record_a) != canon.get(p.record_b)
    ]
