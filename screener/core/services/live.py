"""What others changed since we last looked: the new entries of the append-only history.

Every write appends to ``event`` in its own transaction, so "what changed" is "the events
with an id above the last one seen". On PostgreSQL ids are handed out when a row is
inserted but become visible when its transaction commits, which need not be in id order:
an id skipped over is kept as a gap and asked for again until it shows up (or long
enough has passed that it was rolled back). Under row-level security a client sees only
the events it may see; the others never reach it, so nothing about them leaks either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from screener.core.services.base import Service
from screener.core.services.screening import check_stage
from screener.core.services.status import required_reviewers
from screener.store.models import Event, StageStatus
from screener.types import Status

# Kinds that change a whole list or the project's settings rather than a few records.
STRUCTURAL = frozenset({"import", "settings_changed", "reviewer_added", "project_created",
                        "package_merged", "prisma_manual", "assign", "unassign", "label_added",
                        "label_removed"})
GAP_SECONDS = 300.0  # how long an id skipped over may still turn up (a long import)
MAX_GAPS = 2000
MAX_EVENTS = 5000  # per poll; the rest comes with the next


@dataclass(frozen=True)
class EventStub:
    id: int
    kind: str
    record_id: int | None
    stage: str
    reviewer: str


@dataclass(frozen=True)
class Changes:
    """What changed: the records touched, and whether a whole list must be read again."""

    last_id: int
    record_ids: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()
    reviewers: frozenset[str] = frozenset()
    structural: bool = False
    more: bool = False  # more events are waiting: poll again at once

    def __bool__(self) -> bool:
        return bool(self.record_ids or self.kinds)


@dataclass(frozen=True)
class TeamProgress:
    """Blind-safe progress of the whole team at a stage: how many records have every
    decision they need, and how many decisions have been made of all that are needed.
    Nothing here says what anyone decided."""

    stage: str
    records: int
    complete: int  # records with every decision they need (final, conflict or resolved)
    decisions: int
    needed: int


class LiveService(Service):
    def last_event_id(self) -> int:
        with self.reading() as s:
            return int(s.scalar(select(func.max(Event.id))) or 0)

    def events_after(self, after: int, also: list[int] | None = None,
                     limit: int = MAX_EVENTS) -> list[EventStub]:
        """Events with an id above ``after`` (and those in ``also``), oldest first: only their
        kind, record, stage and reviewer, never what a decision was."""
        cond = Event.id > after
        if also:
            cond = or_(cond, Event.id.in_(also))
        with self.reading() as s:
            rows = s.execute(
                select(Event.id, Event.kind, Event.record_id, Event.stage, Event.reviewer)
                .where(cond).order_by(Event.id).limit(limit)
            ).all()
        return [EventStub(int(i), k, r, st or "", rv or "") for i, k, r, st, rv in rows]

    def team_progress(self, stage: str) -> TeamProgress:
        stage = check_stage(stage)
        from screener.core.services.records import reached_stage

        with self.reading() as s:
            at_stage = (StageStatus.stage == stage, reached_stage(stage))
            records, decisions = s.execute(
                select(func.count(), func.coalesce(func.sum(StageStatus.n_decisions), 0))
                .select_from(StageStatus).where(*at_stage)
            ).one()
            complete = s.scalar(
                select(func.count()).select_from(StageStatus)
                .where(*at_stage, StageStatus.status != Status.UNDECIDED.value)
            ) or 0
            needed = records * required_reviewers(s, stage)
        return TeamProgress(stage, int(records), int(complete), int(decisions), int(needed))


class ChangeCursor:
    """Remembers how far a client has read the history, and which ids it skipped over.

    ``poll()`` is cheap (an indexed range read) and safe to call from a worker thread:
    it touches nothing but the database and itself."""

    def __init__(self, live: LiveService, start: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.live = live
        self.last = live.last_event_id() if start is None else start
        self.gaps: dict[int, float] = {}  # id -> when it was first missed
        self._clock = clock

    def poll(self) -> Changes:
        now = self._clock()
        for gid, since in list(self.gaps.items()):
            if now - since > GAP_SECONDS:
                del self.gaps[gid]
        events = self.live.events_after(self.last, sorted(self.gaps))
        new = [e for e in events if e.id > self.last or e.id in self.gaps]
        for e in new:
            self.gaps.pop(e.id, None)
        top = max((e.id for e in events), default=self.last)
        if top > self.last:
            seen = {e.id for e in events}
            for gid in range(self.last + 1, top):
                if gid not in seen:
                    self.gaps[gid] = now
            self.last = top
        while len(self.gaps) > MAX_GAPS:
            del self.gaps[min(self.gaps)]
        return summarise(self.last, new, more=len(events) >= MAX_EVENTS)


def summarise(last_id: int, events: list[EventStub], more: bool = False) -> Changes:
    ids = frozenset(e.record_id for e in events if e.record_id is not None)
    kinds = frozenset(e.kind for e in events)
    return Changes(last_id, ids, kinds, frozenset(e.reviewer for e in events if e.reviewer),
                   structural=bool(kinds & STRUCTURAL), more=more)

