"""Transitive closure of duplicate pairs (union-find)."""

from __future__ import annotations

from collections.abc import Iterable


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
