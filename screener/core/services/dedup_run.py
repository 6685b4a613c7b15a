"""A deduplication run on a project file, in SQLAlchemy Core: no ORM to load.

``screener dedup`` is timed as a user feels it, process start-up included, so the run
reads the records, and writes the merges, the pairs and the audit trail, as Core
statements on the store's engines: one read, then one unit of work on the writing
engine (which takes the write lock, waiting as every unit of work does). It writes
exactly the rows ``merging.merge_groups`` and ``merging.store_pairs`` write
(tests/store/test_dedup_run.py runs both ways on the same projects and compares every
row). The rare cases that need a record's status worked out from its decisions (a
canonical record that was merged before, a record without a status row) do that with
``status.recompute`` in the same transaction.

A project on a server runs ``DedupService.run_with_sessions`` (strict projects keep their
statuses by triggers, and identity decides who writes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Float,
    Integer,
    String,
    bindparam,
    column,
    func,
    select,
    table,
)

from screener.core.dedup.merge_plan import plan_merges, regroup, settle
from screener.core.dedup.records import TYPE_TAGS, publication_type
from screener.store.engine import Store
from screener.store.source_tags import FIELD, FLAT, PAIR, decode_tags, type_tag_values
from screener.types import DedupRecord, DedupResult, Progress, Stage, Status, Work

CHUNK = 500  # ids per IN (…): well under SQLite's and PostgreSQL's limits on parameters
TA = Stage.TITLE_ABSTRACT.value
STAGE_COUNT = 2  # a status row per record at title/abstract and at full text

# The tables as Core sees them: only the columns a run reads or writes, with the types the
# models give them (JSON and DateTime are converted as the ORM converts them).
RECORD = table(
    "record", column("id", Integer), column("title", String), column("authors", JSON),
    column("year", Integer), column("journal", String), column("volume", String),
    column("issue", String), column("pages", String), column("doi", String), column("pmid", String),
    column("type", String), column("urls", JSON), column("notes", String), column("source_tags", String),
    column("duplicate_of", Integer),
)
PAIRS = table("duplicate_pair", column("record_a", Integer), column("record_b", Integer),
              column("score", Float), column("status", String))
EVENT = table("event", column("at", DateTime), column("kind", String), column("record_id", Integer),
              column("reviewer", String), column("stage", String), column("detail", JSON))
STATUS = table("stage_status", column("record_id", Integer), column("stage", String),
               column("status", String), column("reason", String))
DECISION = table("decision", column("record_id", Integer))

# The type tags inside a record's stored original tags ("…\x1eM3\x1fErratum\x1e…"), made
# the first time a record holds one.
_TYPE_TAG: re.Pattern[str] | None = None


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


def now() -> datetime:
    """Timestamps are stored as naive UTC (as ``services.base.now``)."""
    return datetime.now(UTC).replace(tzinfo=None)


def stored_publication_type(source_tags: str | None) -> str:
    """The document/publication types among a record's stored original tags."""
    if not source_tags:
        return ""
    if source_tags.startswith(FLAT):  # the form written now (see store.source_tags)
        if not any(f"{PAIR}{tag}{PAIR}" in source_tags for tag in TYPE_TAGS):
            return ""
        return publication_type(type_tag_values(source_tags, TYPE_TAGS))
    if source_tags.startswith("["):  # the JSON form
        return publication_type(decode_tags(source_tags, ""))
    if not any(f"{tag}{FIELD}" in source_tags for tag in TYPE_TAGS):
        return ""
    global _TYPE_TAG
    if _TYPE_TAG is None:
        _TYPE_TAG = re.compile(f"(?:^|{PAIR})({'|'.join(sorted(TYPE_TAGS))}){FIELD}([^{PAIR}]*)")
    return publication_type(_TYPE_TAG.findall(source_tags))


def read_input(conn: Connection, ids: Iterable[int] | None = None) -> tuple[list[DedupRecord], list[list[int]]]:
    """Records as deduplication reads them (all, or those ``ids``), and the groups already
    merged among them (each a canonical record with its duplicates)."""
    c = RECORD.c
    query = select(c.id, c.title, c.authors, c.year, c.journal, c.volume, c.issue, c.pages, c.doi, c.pmid,
                   c.type, c.urls, c.notes, c.source_tags, c.duplicate_of).order_by(c.id)
    if ids is not None:
        query = query.where(c.id.in_(sorted(set(ids))))
    records: list[DedupRecord] = []
    groups: dict[int, list[int]] = {}
    for (rid, title, authors, year, journal, volume, issue, pages, doi, pmid, kind, urls, notes, tags,
         duplicate_of) in conn.execute(query):
        records.append(DedupRecord(
            id=rid, title=title, authors=list(authors or []), year=year, journal=journal, volume=volume,
            issue=issue, pages=pages, doi=doi, pmid=pmid, type=kind, urls=list(urls or []), notes=notes or "",
            publication_type=stored_publication_type(tags),
        ))
        if duplicate_of is not None:
            groups.setdefault(duplicate_of, [duplicate_of]).append(rid)
    return records, list(groups.values())


def rejected(conn: Connection) -> set[tuple[int, int]]:
    """The pairs a reviewer said are not duplicates."""
    return {(a, b) for a, b in conn.execute(
        select(PAIRS.c.record_a, PAIRS.c.record_b).where(PAIRS.c.status == "not_duplicate"))}


def current_groups(conn: Connection) -> list[list[int]]:
    """The groups merged now (each a canonical record with its duplicates)."""
    groups: dict[int, list[int]] = {}
    for rid, canonical in conn.execute(select(RECORD.c.id, RECORD.c.duplicate_of)
                                       .where(RECORD.c.duplicate_of.is_not(None)).order_by(RECORD.c.id)):
        groups.setdefault(canonical, [canonical]).append(rid)
    return list(groups.values())


def recheck(conn: Connection, certain: list[tuple[int, int, float]], groups: list[list[int]],
            known_not: set[tuple[int, int]]) -> tuple[list[list[int]], list[tuple[int, int, float]],
                                                      list[tuple[int, int, float]]]:
    """What a run found, against what reviewers did since it read the project, in the
    writing transaction (after ``lock_merges``): a pair said to be "not duplicate"
    meanwhile (an unmerge says so of the pairs it separates) is not merged, and a group
    that then holds such a pair is not merged either: its pairs go to a reviewer
    (``merge_plan.settle``). Returns the groups to merge (with the groups merged now),
    the certain pairs kept and those queued."""
    fresh = rejected(conn) - known_not
    settled = settle(certain, current_groups(conn) if fresh else groups, fresh)
    return settled.groups, settled.certain, settled.queued


# The merge lock's key: the two-int form, this constant (``hashtext('screener merges')``,
# so it meets no other lock of Screener's: the migrations lock is a one-bigint key) and
# the oid of the ``record`` table the connection resolves. Keyed by the table actually
# written, not by ``current_schema()``: two roles on one project can have different
# current schemas (PostgreSQL 15's pattern of a schema per user, searched first, empty,
# then ``public``) yet write the same table; a key from the schema name would give them
# different locks, and nothing would serialise. Two projects in two schemas of one
# database have two tables, two oids, two locks. An oid is an unsigned 32-bit number:
# shifted by 2**31 it fits int4 exactly (no overflow error, no two oids share a key).
MERGE_LOCK_SQL = ("SELECT pg_advisory_xact_lock(hashtext('screener merges'), "
                  "('record'::regclass::oid::bigint - 2147483648)::int)")


def lock_merges(conn: Connection) -> None:
    """Take the project's lock on merges and verdicts about duplicates, until the
    transaction ends. A dedup run's writing transaction and every verdict, unmerge or
    merge a reviewer makes (``DedupService._merging``) take it first, so that the two
    follow each other: the verdict commits before the run re-reads the verdicts
    (``recheck``), or waits until the run has committed and then reads its merges.

    On PostgreSQL a transaction-level advisory lock (advisory locks belong to one
    database) keyed by the ``record`` table this connection uses (``MERGE_LOCK_SQL``).
    Not row locks (``SELECT … FOR UPDATE``):
    a verdict on a pair that has no row yet is an INSERT, which no row lock makes wait,
    and a reviewer's transaction must wait before it reads, not at its first write;
    one lock taken first by both sides cannot deadlock. Screening and reading never
    take it. A project file needs none: its writing transactions already exclude each
    other (BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(MERGE_LOCK_SQL)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def run_on_file(store: Store, only_with: set[int] | None = None) -> Work[DedupSummary]:
    """``DedupService.run`` on a project file: find duplicates among all records, merge the
    certain ones, queue the rest (``only_with``: pairs with at least one of these)."""
    yield Progress(0, 1, "Loading records")
    from screener.core.dedup import find_duplicates
    from screener.core.gc_pause import gc_paused

    with gc_paused(), store.engine.connect() as conn, conn.begin():  # many records, no cycles
        records, groups = read_input(conn)
        known_not = rejected(conn)
    result: DedupResult = yield from find_duplicates(records, known_not, groups, only_with)
    del records
    yield Progress(1, 1, "Merging")
    scores = {(a, b): score for a, b, score in result.certain}
    with store.write_engine.connect() as conn, conn.begin():
        lock_merges(conn)
        clusters, certain, queued = recheck(conn, result.certain, groups, known_not)
        merged, flagged = merge_groups(conn, store, clusters, scores)
        store_pairs(conn, certain, result.candidates + queued)
        candidates = open_candidates(conn)
    return DedupSummary(merged, [(p.record_a, p.record_b, p.score) for p in candidates], flagged)


def merge_groups(conn: Connection, store: Store, clusters: list[list[int]],
                 scores: dict[tuple[int, int], float]) -> tuple[int, list[int]]:
    """``merging.merge_groups`` in Core: each cluster (which may hold records merged before)
    gets one canonical record, and every other member links to it, with its events.
    Returns the number of records newly merged and the canonical records whose members'
    decisions disagree."""
    if not clusters:
        return 0, []
    clusters = _with_current_groups(conn, clusters)
    decided: set[int] = set()
    final: dict[int, str] = {}
    current: dict[int, int | None] = {}
    for chunk in _chunks(i for c in clusters for i in c):
        decided |= set(conn.scalars(select(DECISION.c.record_id).where(DECISION.c.record_id.in_(chunk))))
        current.update(conn.execute(select(RECORD.c.id, RECORD.c.duplicate_of)
                                    .where(RECORD.c.id.in_(chunk))).all())
        final.update(conn.execute(
            select(STATUS.c.record_id, STATUS.c.status).where(
                STATUS.c.record_id.in_(chunk), STATUS.c.stage == TA,
                STATUS.c.status.in_((Status.INCLUDED.value, Status.EXCLUDED.value)))).all())
    plan = plan_merges(clusters, current, decided, final, scores, now())
    if plan.links:
        conn.execute(RECORD.update().where(RECORD.c.id == bindparam("rid"))
                     .values(duplicate_of=bindparam("canonical")),
                     [{"rid": rid, "canonical": canonical} for rid, canonical in plan.links])
        conn.execute(EVENT.insert(), plan.events)
        missing = _mark_duplicates(conn, {rid for rid, _ in plan.links})
        # A canonical record that was itself merged before (kept because reviewers decided
        # on it) is screened again: its status follows its decisions.
        if missing or plan.rescreened:
            _recompute(conn, store, missing, set(plan.rescreened))
    return plan.merged, plan.flagged


def _mark_duplicates(conn: Connection, ids: set[int]) -> list[int]:
    """Records just merged into another are "duplicate" at every stage, whatever their
    decisions. Returns those that lack a status row at some stage."""
    missing: list[int] = []
    for chunk in _chunks(ids):
        done = conn.execute(STATUS.update().where(STATUS.c.record_id.in_(chunk))
                            .values(status=Status.DUPLICATE.value, reason="")).rowcount
        if done != len(chunk) * STAGE_COUNT:
            missing += chunk
    return missing


def _recompute(conn: Connection, store: Store, missing: list[int], again: set[int]) -> None:
    """Statuses worked out from decisions (``status.recompute``, which needs the ORM), in
    this transaction: a session joined to the connection never commits it."""
    from sqlalchemy.orm import Session

    from screener.core.services.status import recompute

    with Session(bind=conn, info={"identity": store.identity} if store.identity is not None else {}) as s:
        if missing:
            recompute(s, missing)
        if again:
            recompute(s, again)
        s.flush()


def _with_current_groups(conn: Connection, clusters: list[list[int]]) -> list[list[int]]:
    """Each cluster with the groups its members belong to now, joined where they overlap
    (another process may have merged some of these records meanwhile): ``merge_plan.regroup``."""
    root: dict[int, int] = {}  # record -> its canonical record
    for chunk in _chunks(i for c in clusters for i in c):
        for rid, canonical in conn.execute(select(RECORD.c.id, RECORD.c.duplicate_of).where(RECORD.c.id.in_(chunk))):
            root[rid] = canonical or rid
    canonicals = sorted(set(root.values()))
    members: dict[int, set[int]] = {c: {c} for c in canonicals}
    for chunk in _chunks(canonicals):
        for rid, canonical in conn.execute(
                select(RECORD.c.id, RECORD.c.duplicate_of).where(RECORD.c.duplicate_of.in_(chunk))):
            if canonical is not None:
                members[canonical].add(rid)
    return regroup(clusters, root, members)


def store_pairs(conn: Connection, certain: list[tuple[int, int, float]],
                candidates: list[tuple[int, int, float]]) -> None:
    """Remember the pairs of a run: certain ones as "auto", the others as "pending" (a
    reviewer's verdict on a pair is never overwritten; a pending pair now certain becomes
    "auto" with its new score)."""
    alive: set[int] = set()  # a record deleted meanwhile (its batch removed) has no pairs
    for chunk in _chunks(x for pairs in (certain, candidates) for a, b, _ in pairs for x in (a, b)):
        alive.update(conn.scalars(select(RECORD.c.id).where(RECORD.c.id.in_(chunk))))
    certain = [p for p in certain if p[0] in alive and p[1] in alive]
    candidates = [p for p in candidates if p[0] in alive and p[1] in alive]
    existing = {(a, b): status for a, b, status in conn.execute(
        select(PAIRS.c.record_a, PAIRS.c.record_b, PAIRS.c.status))}
    new_rows = []
    promoted = []
    for pairs, status in ((certain, "auto"), (candidates, "pending")):
        for a, b, score in pairs:
            a, b = sorted((a, b))
            if (a, b) in existing:
                if status == "auto" and existing[(a, b)] == "pending":
                    promoted.append({"a": a, "b": b, "score": score})
                continue
            existing[(a, b)] = status
            new_rows.append({"record_a": a, "record_b": b, "score": score, "status": status})
    if promoted:
        conn.execute(PAIRS.update().where(PAIRS.c.record_a == bindparam("a"), PAIRS.c.record_b == bindparam("b"))
                     .values(score=bindparam("score"), status="auto"), promoted)
    if new_rows:
        conn.execute(PAIRS.insert(), new_rows)


def open_candidates(conn: Connection) -> list[PairInfo]:
    """Pending pairs whose records are not (yet) in one group, best score first."""
    rows = conn.execute(
        select(PAIRS.c.record_a, PAIRS.c.record_b, PAIRS.c.score, PAIRS.c.status)
        .where(PAIRS.c.status == "pending")
        .order_by(PAIRS.c.score.desc(), PAIRS.c.record_a, PAIRS.c.record_b)).all()
    canon: dict[int, int] = {}
    for chunk in _chunks(x for p in rows for x in (p[0], p[1])):
        canon.update(conn.execute(select(RECORD.c.id, func.coalesce(RECORD.c.duplicate_of, RECORD.c.id))
                                  .where(RECORD.c.id.in_(chunk))).all())
    return [PairInfo(a, b, score, status) for a, b, score, status in rows if canon.get(a) != canon.get(b)]


class DedupRunService:
    """What ``screener dedup`` needs of the dedup service, without loading the ORM on a
    project file (``Project.dedup_run``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def run(self, only_with: set[int] | None = None) -> Work[DedupSummary]:
        if self.store.is_sqlite:
            return (yield from run_on_file(self.store, only_with))
        from screener.core.services.dedup import DedupService

        return (yield from DedupService(self.store).run_with_sessions(only_with))
