"""find_duplicates: normalise, block, compare, and sort pairs into certain and candidate."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from screener.types import DedupRecord, DedupResult, Progress, Work

from .blocking import block_pairs
from .clusters import group_roots
from .compare import Match, classify
from .features import Prepared, Preparer

# Yield progress every this many records or pairs.
PROGRESS_EVERY = 2000


def find_duplicates(
    records: Sequence[DedupRecord],
    known_not_duplicate: AbstractSet[tuple[int, int]] = frozenset(),
) -> Work[DedupResult]:
    """Find duplicate records.

    A generator: it yields :class:`Progress` as it goes (closing it cancels the work)
    and returns a :class:`DedupResult` whose pairs are ``(id_a, id_b, score)`` with
    ``id_a < id_b``. ``certain`` pairs can be merged without asking; ``candidates`` are
    for a reviewer. Pairs listed in ``known_not_duplicate`` (either order) never appear.

    Progress runs from 0 to ``3 * len(records)``: one third normalising, one third
    blocking, one third comparing.
    """
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
    seen: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for first, second in block_pairs(prepared):
        code = first * count + second
        if code not in seen:
            seen.add(code)
            pairs.append((first, second))
            if len(pairs) % (10 * PROGRESS_EVERY) == 0:
                yield Progress(count, total, "Finding pairs to compare")
    del seen

    not_duplicate = {(min(a, b), max(a, b)) for a, b in known_not_duplicate}
    result = DedupResult()
    pair_count = len(pairs)
    yield Progress(2 * count, total, f"Comparing {pair_count} pairs")
    for done, (first, second) in enumerate(pairs):
        if done % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            yield Progress(2 * count + count * done // pair_count, total, "Comparing records")
        a, b = prepared[first], prepared[second]
        id_a, id_b = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if id_a == id_b or (id_a, id_b) in not_duplicate:
            continue
        verdict, score = classify(a, b)
        if verdict is Match.CERTAIN:
            result.certain.append((id_a, id_b, score))
        elif verdict is Match.CANDIDATE:
            result.candidates.append((id_a, id_b, score))
    result.certain.sort()
    result.candidates = _outside_merged_groups(result.candidates, result.certain)
    result.candidates.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    yield Progress(total, total, "Done")
    return result


def _outside_merged_groups(
    candidates: list[tuple[int, int, float]], certain: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """Drop candidates whose records the certain pairs already join, directly or through
    other records: merging settles them, a reviewer need not see them."""
    roots = group_roots((a, b) for a, b, _ in certain)
    return [
        pair for pair in candidates if pair[0] not in roots or roots[pair[0]] != roots.get(pair[1])
    ]
