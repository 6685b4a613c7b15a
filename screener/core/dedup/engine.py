"""find_duplicates: normalise, block, compare, and sort pairs into certain and candidate."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from screener.core.gc_pause import gc_paused
from screener.types import DedupRecord, DedupResult, Progress, Work

from .blocking import block_pairs
from .clusters import ConstrainedClusters
from .compare import Match, classify, compare
from .features import Prepared, Preparer

# Yield progress every this many records or pairs.
PROGRESS_EVERY = 2000


def find_duplicates(
    records: Sequence[DedupRecord],
    known_not_duplicate: AbstractSet[tuple[int, int]] = frozenset(),
    merged: Iterable[Iterable[int]] = (),
    only_with: AbstractSet[int] | None = None,
) -> Work[DedupResult]:
    """Find duplicate records.

    A generator: it yields :class:`Progress` as it goes (closing it cancels the work)
    and returns a :class:`DedupResult` whose pairs are ``(id_a, id_b, score)`` with
    ``id_a < id_b``. ``certain`` pairs can be merged without asking: every pair among
    the records they join is itself certain (see :class:`ConstrainedClusters`).
    ``candidates`` are for a reviewer, including certain pairs that would have joined
    groups holding a pair that is not.

    ``known_not_duplicate`` pairs (either order) never appear and no group joins them.
    ``merged`` are groups of ids already merged (by a reviewer or an earlier run): a record
    joins one only if it is a certain duplicate of each of its members.
    ``only_with``, if given, limits the comparison to pairs with at least one of these ids:
    new records matched against the existing ones and each other (a search update).

    Progress runs from 0 to ``3 * len(records)``: one third normalising, one third
    blocking, one third comparing.
    """
    with gc_paused():  # many records and pairs, no reference cycles
        return (yield from _find(records, known_not_duplicate, merged, only_with))


def _find(
    records: Sequence[DedupRecord],
    known_not_duplicate: AbstractSet[tuple[int, int]],
    merged: Iterable[Iterable[int]],
    only_with: AbstractSet[int] | None,
) -> Work[DedupResult]:
    count = len(records)
    total = max(3 * count, 1)
    yield Progress(0, total, "Normalising records")
    preparer = Preparer()
    prepared: list[Prepared] = []
    for index, record in enumerate(records):
        prepared.append(preparer.prepare(record))
        if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            yield Progress(index + 1, total, "Normalising records")

    yield Progress(count, total, "Finding pairs to compare")
    focus = None if only_with is None else {i for i, r in enumerate(prepared) if r.id in only_with}
    seen: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for first, second in block_pairs(prepared):
        if focus is not None and first not in focus and second not in focus:
            continue
        code = first * count + second
        if code not in seen:
            seen.add(code)
            pairs.append((first, second))
            if len(pairs) % (10 * PROGRESS_EVERY) == 0:
                yield Progress(count, total, "Finding pairs to compare")
    del seen

    index_of = {record.id: index for index, record in enumerate(prepared)}
    not_duplicate = {
        (min(index_of[a], index_of[b]), max(index_of[a], index_of[b]))
        for a, b in known_not_duplicate
        if a in index_of and b in index_of
    }
    verdicts: dict[tuple[int, int], tuple[bool, float]] = {}
    certain: list[tuple[int, int, float]] = []
    candidates: list[tuple[int, int, float]] = []
    pair_count = len(pairs)
    yield Progress(2 * count, total, f"Comparing {pair_count} pairs")
    for done, (first, second) in enumerate(pairs):
        if done % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            yield Progress(2 * count + count * done // pair_count, total, "Comparing records")
        pair = (first, second) if first < second else (second, first)
        if prepared[first].id == prepared[second].id or pair in not_duplicate:
            continue
        verdict, score = classify(prepared[first], prepared[second])
        verdicts[pair] = (verdict is Match.CERTAIN, score)
        if verdict is Match.CERTAIN:
            certain.append((pair[0], pair[1], score))
        elif verdict is Match.CANDIDATE:
            candidates.append((pair[0], pair[1], score))

    def directly(first: int, second: int) -> tuple[bool, float]:
        known = verdicts.get((first, second))
        if known is None:
            verdict, score = classify(prepared[first], prepared[second])
            known = verdicts[(first, second)] = (verdict is Match.CERTAIN, score)
        return known

    groups = [[index_of[i] for i in group if i in index_of] for group in merged]
    clusters = ConstrainedClusters(directly, groups, not_duplicate)
    for first, second, score in sorted(certain, key=lambda edge: (-edge[2], edge[0], edge[1])):
        clusters.offer(first, second, score)
    result = DedupResult()
    result.certain = sorted(_ids(prepared, clusters.joined))
    open_pairs = [
        (a, b, score)
        for a, b, score in candidates + clusters.ambiguous
        if clusters.root(a) != clusters.root(b)
    ]
    result.candidates = sorted(
        set(_ids(prepared, open_pairs)), key=lambda pair: (-pair[2], pair[0], pair[1])
    )
    yield Progress(total, total, "Done")
    return result


def _ids(
    prepared: list[Prepared], pairs: Iterable[tuple[int, int, float]]
) -> Iterator[tuple[int, int, float]]:
    for first, second, score in pairs:
        a, b = prepared[first].id, prepared[second].id
        yield (a, b, score) if a < b else (b, a, score)


@dataclass(frozen=True)
class Comparison:
    """What the rules say of two records compared directly."""

    verdict: str  # "certain", "candidate" or "none"
    score: float
    rule: str  # the rule that decided, in words ("" when none applies)


def explain(a: DedupRecord, b: DedupRecord) -> Comparison:
    """Compare two records on their own (for a reviewer inspecting a merge)."""
    preparer = Preparer()
    verdict, score, rule = compare(preparer.prepare(a), preparer.prepare(b))
    return Comparison(verdict.name.lower(), score, rule)
