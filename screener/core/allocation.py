"""Allocating records to reviewers, as a pure function.

``allocate`` draws a share of the records for everyone to screen (the overlap, for
calibration) and splits the rest so that each record has ``per_record`` reviewers and
every reviewer's load differs from any other's by at most one record (two when some
reviewers already decided on records they keep). With ``groups`` (record -> batch), each
group goes whole to the same reviewers, the largest groups first to the least loaded.
The same seed gives the same allocation.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Allocation:
    assigned: dict[int, list[str]] = field(default_factory=dict)  # record -> its reviewers
    overlap: list[int] = field(default_factory=list)  # records given to every reviewer


def allocate(
    records: Sequence[int],
    reviewers: Sequence[str],
    per_record: int,
    overlap: float = 0.0,
    seed: int | None = None,
    keep: Mapping[int, set[str]] | None = None,
    groups: Mapping[int, int] | None = None,
) -> Allocation:
    """Who screens which record. ``keep`` names reviewers who must stay on a record
    (they already decided on it); they count towards its ``per_record``."""
    if not reviewers:
        raise ValueError("no reviewers")
    if not 1 <= per_record <= len(reviewers):
        raise ValueError("per_record must be between 1 and the number of reviewers")
    keep = keep or {}
    rng = random.Random(seed)
    order = sorted(records)
    rng.shuffle(order)
    n_overlap = round(overlap * len(order))
    out = Allocation()
    out.overlap = sorted(order[:n_overlap])
    for rid in out.overlap:
        out.assigned[rid] = list(reviewers)
    rest = order[n_overlap:]
    load = {name: 0 for name in reviewers}
    turn = list(reviewers)
    rng.shuffle(turn)
    rank = {name: i for i, name in enumerate(turn)}

    def pick(must: set[str], weight: int) -> list[str]:
        chosen = [n for n in reviewers if n in must][:per_record]
        others = sorted((n for n in reviewers if n not in chosen), key=lambda n: (load[n], rank[n]))
        chosen += others[: per_record - len(chosen)]
        for n in chosen:
            load[n] += weight
        # the next record starts the tie-break one place further round the table
        turn.append(turn.pop(0))
        rank.update({name: i for i, name in enumerate(turn)})
        return chosen

    if groups is None:
        for rid in rest:
            out.assigned[rid] = pick(keep.get(rid, set()), 1)
        return out
    members: dict[int, list[int]] = {}
    for rid in rest:
        members.setdefault(groups[rid], []).append(rid)
    for _, ids in sorted(members.items(), key=lambda item: (-len(item[1]), item[0])):
        must = set().union(*(keep.get(rid, set()) for rid in ids))
        who = pick(must, len(ids))
        for rid in ids:
            out.assigned[rid] = sorted(set(who) | keep.get(rid, set()), key=list(reviewers).index)
    return out
