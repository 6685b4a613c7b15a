"""Measuring deduplication against a labelled benchmark (used by tests and benchmarks).

The benchmark format is the one of the ASySD sets as stored by bib-dedupe: a
``records_pre_merged.csv`` (ID,title,year,author,pages,volume,number,ENTRYTYPE,journal,
authors joined by " and ") and a ``merged_record_ids.csv`` with one true duplicate
cluster per row (ids joined by ";").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from screener.types import DedupRecord

from .clusters import clusters_from_pairs

__all__ = [
    "Accuracy",
    "cluster_pairs",
    "clusters_from_pairs",
    "pairwise_accuracy",
    "read_benchmark_clusters",
    "read_benchmark_records",
    "read_disputed_pairs",
]


def _numeric_id(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        raise ValueError(f"record id without digits: {text!r}")
    return int(digits)


def _year(text: str) -> int | None:
    text = text.strip()
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def read_benchmark_records(path: str | Path) -> list[DedupRecord]:
    """Records of a ``records_pre_merged.csv``; ``id_0000042`` becomes id 42."""
    records = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            authors = [a.strip() for a in (row.get("author") or "").split(" and ")]
            records.append(
                DedupRecord(
                    id=_numeric_id(row["ID"]),
                    title=row.get("title") or "",
                    authors=[a for a in authors if a],
                    year=_year(row.get("year") or ""),
                    journal=row.get("journal") or "",
                    volume=row.get("volume") or "",
                    issue=row.get("number") or "",
                    pages=row.get("pages") or "",
                    doi=row.get("doi") or "",
                    type=row.get("ENTRYTYPE") or "",
                )
            )
    return records


def read_benchmark_clusters(path: str | Path) -> list[list[int]]:
    """True duplicate clusters of a ``merged_record_ids.csv``."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            [_numeric_id(part) for part in row["merged_ids"].split(";") if part.strip()]
            for row in csv.DictReader(handle)
        ]


def cluster_pairs(clusters: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Every pair of records within each cluster, as (smaller id, larger id)."""
    return {pair for cluster in clusters for pair in combinations(sorted(set(cluster)), 2)}


@dataclass(frozen=True)
class Accuracy:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0


def read_disputed_pairs(path: str | Path) -> set[tuple[int, int]]:
    """Pairs of a ``disputed_pairs.csv`` (id_a,id_b,reason): pairs that a benchmark's
    labels call duplicates but that an adjudication says are not."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [
            (_numeric_id(row["id_a"]), _numeric_id(row["id_b"])) for row in csv.DictReader(handle)
        ]
    return {(min(a, b), max(a, b)) for a, b in rows}


def pairwise_accuracy(
    predicted: Iterable[tuple[int, int]],
    true_clusters: Iterable[Iterable[int]],
    disputed: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset(),
) -> Accuracy:
    """Pairwise precision and recall of predicted duplicate pairs after transitive
    closure, against all pairs within the true clusters.

    ``disputed`` pairs (smaller id first) are taken out of the true pairs: predicting
    one of them then counts as a false positive, missing it costs no recall."""
    predicted_pairs = cluster_pairs(clusters_from_pairs(predicted))
    true_pairs = cluster_pairs(true_clusters) - disputed
    return Accuracy(len(predicted_pairs & true_pairs), len(predicted_pairs), len(true_pairs))
