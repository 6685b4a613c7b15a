"""Groups of duplicates: the transitive closure of pairs (union-find), and groups built
under the weakest-pair constraint (:class:`ConstrainedClusters`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet


def group_roots(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Map every id that appears in a pair to one representative of its group: two ids
    share a representative when a chain of pairs joins them."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    for a, b in pairs:
        root_a, root_b = root(a), root(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: root(node) for node in parent}


def clusters_from_pairs(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The groups (each sorted, size >= 2) that a set of duplicate pairs forms."""
    groups: dict[int, list[int]] = {}
    for node, representative in group_roots(pairs).items():
        groups.setdefault(representative, []).append(node)
    return [sorted(group) for group in groups.values()]


def certain_groups(
    pairs: Iterable[tuple[int, int, float]], merged: Iterable[Iterable[int]] = ()
) -> list[list[int]]:
    """The groups that certain ``pairs`` make together with groups already ``merged``:
    only those that the pairs change (each sorted, size >= 2)."""
    edges = [(a, b) for a, b, _ in pairs]
    touched = {node for edge in edges for node in edge}
    for group in merged:
        members = list(group)
        edges += [(members[0], other) for other in members[1:]]
    return [group for group in clusters_from_pairs(edges) if touched.intersection(group)]


class ConstrainedClusters:
    """Groups of duplicates built so that a group is only as good as its weakest pair.

    Two groups are joined only when every record of one is a certain duplicate of every
    record of the other, compared directly (``verdict``), and no pair between them was
    judged "not a duplicate". So no chain of look-alike records can put together two
    records that would not be merged on their own (a correction notice and its article
    through an Embase record titled like both). An edge refused that way is ambiguous:
    it goes to a reviewer instead.

    Nodes are integers (record indexes). ``groups`` are joined from the start without
    checks: merges that already exist, made by a reviewer or by an earlier run.
    """

    def __init__(
        self,
        verdict: Callable[[int, int], tuple[bool, float]],
        groups: Iterable[Iterable[int]] = (),
        cannot_link: AbstractSet[tuple[int, int]] = frozenset(),
    ) -> None:
        self._verdict = verdict
        self._cannot = cannot_link
        self._root: dict[int, int] = {}
        self._members: dict[int, list[int]] = {}
        self.joined: list[tuple[int, int, float]] = []  # every pair checked and joined
        self.ambiguous: list[tuple[int, int, float]] = []
        for group in groups:
            nodes = list(dict.fromkeys(group))
            for node in nodes[1:]:
                self._union(nodes[0], node)

    def root(self, node: int) -> int:
        return self._root.get(node, node)

    def members(self, node: int) -> list[int]:
        return self._members.get(self.root(node), [node])

    def _union(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return
        big, small = (ra, rb) if len(self.members(ra)) >= len(self.members(rb)) else (rb, ra)
        moved = self.members(small)
        self._members[big] = self.members(big) + moved
        self._members.pop(small, None)
        for node in moved:
            self._root[node] = big
        self._root[big] = big

    def offer(self, a: int, b: int, score: float) -> bool:
        """Join the groups of ``a`` and ``b`` (a certain pair) if every pair across them
        is certain; otherwise remember the pair as ambiguous. True when joined."""
        if self.root(a) == self.root(b):
            return True
        checked: list[tuple[int, int, float]] = []
        for x in self.members(a):
            for y in self.members(b):
                pair = (x, y) if x < y else (y, x)
                if pair in self._cannot:
                    self.ambiguous.append((a, b, score))
                    return False
                certain, pair_score = (True, score) if pair == (min(a, b), max(a, b)) else self._verdict(*pair)
                if not certain:
                    self.ambiguous.append((a, b, score))
                    return False
                checked.append((pair[0], pair[1], pair_score))
        self._union(a, b)
        self.joined += checked
        return True
