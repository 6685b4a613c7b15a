"""Search updates: a search re-run months later, imported as an update batch.

The update's records are matched against the records already in the project by the same
rules as deduplication (``core.dedup``). A record certainly the same as an earlier one is
linked to it (``duplicate_of``), so it keeps the earlier record's decisions and never
reaches a queue; records certainly the same as each other are linked too; possible
matches go to the Duplicates tab for a reviewer. Only new records reach the queue.

Batches carry an ``update_round``: 0 for the review's own searches, then 1, 2, ... for
each update. An update batch takes the round after the newest batch of the same source
(or the current round, for a source new to the update), so that each database re-run in
one update lands in the same round. PRISMA's updated-review flow counts the newest round
as the new search and the earlier rounds as the previous version of the review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from screener.core.services.base import now
from screener.core.services.status import recompute
from screener.store.models import Batch, Decision, DuplicatePair, Event, Record
from screener.types import DedupRecord, Progress, Stage, Work


@dataclass
class UpdateReport:
    round: int
    new: int  # records of the update that reach the queue
    linked: int  # records linked to a record already in the project, or to another new one
    already_screened: int  # linked to a record with a title/abstract decision
    candidates: int = 0  # possible matches left for a reviewer (Duplicates tab)
    previous_source: bool = True  # an earlier batch of the same source exists


def update_round_for(s: Session, source: str, batch_id: int) -> tuple[int, str | None]:
    """The round of a new update batch of ``source``, and the source as the earlier
    batches spell it (None if the source was not searched before). ``batch_id`` is the
    update's own batch, left out."""
    key = source.strip().lower()
    earlier = s.execute(select(Batch.update_round, Batch.source)
                        .where(func.lower(Batch.source) == key, Batch.id != batch_id)
                        .order_by(Batch.update_round.desc(), Batch.id.desc())).first()
    if earlier is not None:
        return int(earlier[0]) + 1, str(earlier[1])
    newest = s.scalar(select(func.max(Batch.update_round)).where(Batch.id != batch_id)) or 0
    return max(1, int(newest)), None


def _dedup_records(s: Session) -> list[DedupRecord]:
    return [
        DedupRecord(id=r.id, title=r.title, authors=list(r.authors or []), year=r.year, journal=r.journal,
                    volume=r.volume, issue=r.issue, pages=r.pages, doi=r.doi, pmid=r.pmid, type=r.type)
        for r in s.execute(
            select(Record.id, Record.title, Record.authors, Record.year, Record.journal, Record.volume,
                   Record.issue, Record.pages, Record.doi, Record.pmid, Record.type)
            .where(Record.duplicate_of.is_(None))
            .order_by(Record.id)
        )
    ]


def link_update(s: Session, new_ids: Iterable[int], round_: int, previous_source: bool) -> Work[UpdateReport]:
    """Match the update's records (``new_ids``, just stored) against the project and
    each other, and link the certain matches. Runs inside the import's transaction."""
    from screener.core.dedup import find_duplicates
    from screener.core.services.dedup_run import lock_merges

    new = set(new_ids)
    yield Progress(0, 1, "Matching the update against the records already in the project")
    # Links are merges: take the project's lock on merges before reading what to link to,
    # so that a dedup run, a reviewer's unmerge or a batch deletion on a server waits for
    # this import to commit (or this waits for them) instead of interleaving.
    lock_merges(s.connection())
    records = _dedup_records(s)
    rejected = {(a, b) for a, b in s.execute(
        select(DuplicatePair.record_a, DuplicatePair.record_b).where(DuplicatePair.status == "not_duplicate"))}
    result = yield from find_duplicates(records, rejected, only_with=new)  # only pairs with a new record
    certain = [(a, b, score) for a, b, score in result.certain if a in new or b in new]
    candidates = [(a, b, score) for a, b, score in result.candidates if a in new or b in new]
    links = _links(new, certain)
    screened = _screened(s, {c for c in links.values() if c not in new})
    at = now()
    if links:
        s.connection().execute(
            update(Record).where(Record.id == bindparam("rid")).values(duplicate_of=bindparam("canonical")),
            [{"rid": rid, "canonical": canonical} for rid, canonical in sorted(links.items())],
        )
        members: dict[int, list[int]] = {}
        for rid, canonical in links.items():
            members.setdefault(canonical, []).append(rid)
        events = [{"at": at, "kind": "merge", "record_id": rid, "reviewer": "", "stage": "",
                   "detail": {"into": canonical, "how": "update", "round": round_}}
                  for rid, canonical in sorted(links.items())]
        events += [{"at": at, "kind": "merge", "record_id": canonical, "reviewer": "", "stage": "",
                    "detail": {"merged": sorted(ids), "how": "update", "round": round_}}
                   for canonical, ids in sorted(members.items())]
        s.execute(insert(Event), events)
        s.flush()
        recompute(s, set(links) | set(links.values()))
    open_pairs = [(a, b, score) for a, b, score in candidates
                  if links.get(a, a) != links.get(b, b)]
    if open_pairs:
        existing = {(a, b) for a, b in s.execute(select(DuplicatePair.record_a, DuplicatePair.record_b))}
        rows = [{"record_a": a, "record_b": b, "score": score, "status": "pending"}
                for a, b, score in open_pairs if (a, b) not in existing]
        if rows:
            s.execute(insert(DuplicatePair), rows)
    report = UpdateReport(
        round=round_, new=len(new) - len(links), linked=len(links),
        already_screened=sum(1 for rid, c in links.items() if c in screened),
        candidates=len(open_pairs), previous_source=previous_source,
    )
    yield Progress(1, 1, "Matched")
    return report


def _links(new: set[int], certain: list[tuple[int, int, float]]) -> dict[int, int]:
    """new record -> the record it is linked to. A new record certainly matching an
    earlier one joins the best such match; new records matching only each other join the
    oldest of them. Two earlier records are never joined through a new one."""
    parent = {i: i for i in new}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best_old: dict[int, tuple[float, int]] = {}  # new id -> (score, earlier id)
    for a, b, score in certain:
        if a in new and b in new:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        else:
            rid, old = (a, b) if a in new else (b, a)
            if rid not in best_old or (score, -old) > (best_old[rid][0], -best_old[rid][1]):
                best_old[rid] = (score, old)
    groups: dict[int, list[int]] = {}
    for rid in new:
        groups.setdefault(root(rid), []).append(rid)
    out: dict[int, int] = {}
    for ids in groups.values():
        olds = [best_old[i] for i in ids if i in best_old]
        if olds:
            target = max(olds, key=lambda so: (so[0], -so[1]))[1]
            out.update({i: target for i in ids})
        elif len(ids) > 1:
            first = min(ids)
            out.update({i: first for i in ids if i != first})
    return out


def _screened(s: Session, ids: set[int]) -> set[int]:
    """Those of ``ids`` with any title/abstract decision."""
    out: set[int] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        out |= set(s.scalars(select(Decision.record_id).where(
            Decision.record_id.in_(chunk), Decision.stage == Stage.TITLE_ABSTRACT.value).distinct()))
    return out
