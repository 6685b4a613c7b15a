"""What a deduplication run writes, worked out from what it found and what the project
holds when it writes: pure functions, no database, no Qt.

A run reads the project, finds duplicates (which takes a while), then writes in one
unit of work. Meanwhile reviewers may have said "not a duplicate" of a pair, unmerged
records, or merged some by hand. In the writing transaction the services read what the
project holds now and hand it to these functions:

* :func:`settle`: the run's certain pairs against the verdicts given since it read the
  project. A pair said to be "not a duplicate" meanwhile (an unmerge says so of the
  pairs it separates) is not merged, and a group that would still hold such a pair,
  through a chain of other pairs, is not merged either: its pairs go to a reviewer.
* :func:`regroup`: each group joined with the groups its records belong to now.
* :func:`plan_merges`: the links to write (each group keeps one canonical record), the
  audit trail, and the canonical records whose merged records' decisions disagree.

Both ways of writing a run use them: ``services.dedup_run`` in Core on a project file
and ``services.merging`` through the ORM on a server, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screener.core.dedup.clusters import certain_groups, clusters_from_pairs

Pair = tuple[int, int, float]  # two record ids and the score


@dataclass(frozen=True)
class Settled:
    """The groups a run merges, the certain pairs it stores as "auto", and those it
    queues for a reviewer instead."""

    groups: list[list[int]]
    certain: list[Pair]
    queued: list[Pair]


@dataclass(frozen=True)
class MergePlan:
    """The rows a run writes for its groups."""

    links: list[tuple[int, int]]  # (record, its canonical record), each a change
    events: list[dict[str, Any]]  # rows of the event table (the audit trail)
    flagged: list[int]  # canonical records whose merged records were decided differently
    merged: int  # records merged that were merged into nothing before
    rescreened: frozenset[int]  # canonical records that were themselves merged before


def settle(certain: list[Pair], groups: Iterable[Iterable[int]], fresh: AbstractSet[tuple[int, int]]) -> Settled:
    """The run's ``certain`` pairs, with the ``groups`` merged now, against the pairs
    said to be "not a duplicate" since the run read the project (``fresh``, each
    ``(low id, high id)``)."""
    if not fresh:
        return Settled(certain_groups(certain, groups), certain, [])
    kept = [p for p in certain if (min(p[0], p[1]), max(p[0], p[1])) not in fresh]
    clusters = certain_groups(kept, groups)
    where = {i: n for n, cluster in enumerate(clusters) for i in cluster}
    refused = {where[a] for a, b in fresh if a in where and where[a] == where.get(b)}
    if not refused:
        return Settled(clusters, kept, [])
    out = {i for n in refused for i in clusters[n]}
    return Settled([c for n, c in enumerate(clusters) if n not in refused],
                   [p for p in kept if p[0] not in out], [p for p in kept if p[0] in out])


def regroup(clusters: Iterable[Sequence[int]], root: Mapping[int, int],
            members: Mapping[int, AbstractSet[int]]) -> list[list[int]]:
    """Each cluster with the groups its records belong to now, joined where they overlap.
    ``root``: each record that still exists -> its canonical record (itself when not
    merged); ``members``: each canonical record -> its group, itself included. A record
    missing from ``root`` was deleted meanwhile (its batch removed): the rest still merge."""
    edges = []
    for cluster in clusters:
        here = [i for i in cluster if i in root]
        nodes = sorted({m for i in here for m in members[root[i]]} | set(here))
        edges += [(nodes[0], other) for other in nodes[1:]]
    return clusters_from_pairs(edges)


def plan_merges(clusters: Iterable[Sequence[int]], current: Mapping[int, int | None], decided: AbstractSet[int],
                final: Mapping[int, str], scores: Mapping[tuple[int, int], float], at: datetime) -> MergePlan:
    """The links and events that merge each cluster (which may hold records merged
    before) into one canonical record.

    ``current``: each record's canonical record now (``None`` when not merged);
    ``decided``: records some reviewer decided on; ``final``: records' final decision at
    title/abstract ("included" or "excluded"); ``scores``: the certain pairs' scores,
    keyed ``(low id, high id)``; ``at``: the events' time.

    The canonical record is one that is not merged itself, the one reviewers decided on,
    else the oldest. A cluster whose records all link to it already changes nothing."""
    links: list[tuple[int, int]] = []
    flagged: list[int] = []
    events: list[dict[str, Any]] = []
    merged = 0
    for cluster in clusters:
        canonical = min(cluster, key=lambda i: (current.get(i) is not None, i not in decided, i))
        moved = [i for i in cluster if i != canonical and current.get(i) != canonical]
        if not moved:
            continue
        conflict = len({final[i] for i in cluster if i in final}) > 1
        if conflict:
            flagged.append(canonical)
        merged += sum(1 for i in moved if current.get(i) is None)
        links += [(m, canonical) for m in moved]
        for m in moved:
            score = scores.get((min(m, canonical), max(m, canonical)))
            events.append({"at": at, "kind": "merge", "record_id": m, "reviewer": "", "stage": "",
                           "detail": {"into": canonical, "how": "auto", "score": score}})
        events.append({"at": at, "kind": "merge", "record_id": canonical, "reviewer": "", "stage": "",
                       "detail": {"merged": moved, "how": "auto", "conflicting_decisions": conflict}})
    rescreened = frozenset(c for c in {c for _, c in links} if current.get(c) is not None)
    return MergePlan(links, events, flagged, merged, rescreened)
