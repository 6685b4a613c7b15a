"""Accuracy of automatic merges on the ASySD benchmark sets (haematology, stroke).

Score: pairwise precision and recall over record pairs, after the transitive closure of
the ``certain`` pairs, against every pair within each labelled duplicate cluster.
Candidates (queued for a reviewer) do not count as merges.

Targets: precision >= 0.995 and recall >= 0.95. On haematology, 26 of the 163 labelled
pairs contradict the rules this engine must follow (a letter and its reply, articles
and their correction or erratum notices, and distinct trial registrations that the
labels merge). They are listed with reasons in ``disputed_pairs.csv``. The recall
target is asserted against the labels without them; the recall against the raw labels
is asserted at the level these rules allow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.dedup import find_duplicates
from screener.core.dedup.evaluation import (
    Accuracy,
    cluster_pairs,
    clusters_from_pairs,
    pairwise_accuracy,
    read_benchmark_clusters,
    read_benchmark_records,
    read_disputed_pairs,
)
from screener.types import DedupResult, run_work

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup"
PRECISION = 0.995
RECALL = 0.95
# Raw-label recall on haematology once the disputed pairs are missed (137 - 4 of 163).
HAEMATOLOGY_RAW_RECALL = 0.81
MAX_CANDIDATE_SHARE = 0.03  # candidates per record


def _run(name: str) -> tuple[DedupResult, list[list[int]], int]:
    records = read_benchmark_records(DATA / name / "records_pre_merged.csv")
    clusters = read_benchmark_clusters(DATA / name / "merged_record_ids.csv")
    return run_work(find_duplicates(records)), clusters, len(records)


def _accuracy(
    result: DedupResult, clusters: list[list[int]], disputed: set[tuple[int, int]] | None = None
) -> Accuracy:
    return pairwise_accuracy(
        [(a, b) for a, b, _ in result.certain], clusters, disputed or frozenset()
    )


@pytest.fixture(scope="module")
def stroke() -> tuple[DedupResult, list[list[int]], int]:
    return _run("stroke")


@pytest.fixture(scope="module")
def haematology() -> tuple[DedupResult, list[list[int]], int]:
    return _run("haematology")


def test_stroke_meets_the_targets(stroke: tuple[DedupResult, list[list[int]], int]) -> None:
    result, clusters, _ = stroke
    accuracy = _accuracy(result, clusters)
    assert accuracy.true_pairs == 479
    assert accuracy.precision >= PRECISION, accuracy
    assert accuracy.recall >= RECALL, accuracy


def test_haematology_meets_the_targets_on_the_undisputed_labels(
    haematology: tuple[DedupResult, list[list[int]], int],
) -> None:
    result, clusters, _ = haematology
    disputed = read_disputed_pairs(DATA / "haematology" / "disputed_pairs.csv")
    accuracy = _accuracy(result, clusters, disputed)
    assert accuracy.true_pairs == 163 - len(disputed)
    assert accuracy.precision >= PRECISION, accuracy
    assert accuracy.recall >= RECALL, accuracy


def test_haematology_against_the_raw_labels(
    haematology: tuple[DedupResult, list[list[int]], int],
) -> None:
    result, clusters, _ = haematology
    accuracy = _accuracy(result, clusters)
    assert accuracy.true_pairs == 163
    assert accuracy.precision >= PRECISION, accuracy
    assert accuracy.recall >= HAEMATOLOGY_RAW_RECALL, accuracy


def test_disputed_pairs_are_labelled_pairs_the_engine_leaves_apart(
    haematology: tuple[DedupResult, list[list[int]], int],
) -> None:
    result, clusters, _ = haematology
    disputed = read_disputed_pairs(DATA / "haematology" / "disputed_pairs.csv")
    assert disputed <= cluster_pairs(clusters)
    assert len(disputed) <= 0.17 * len(cluster_pairs(clusters))
    merged = cluster_pairs(clusters_from_pairs((a, b) for a, b, _ in result.certain))
    assert not disputed & merged


@pytest.mark.parametrize("name", ["stroke", "haematology"])
def test_candidates_are_few(name: str, request: pytest.FixtureRequest) -> None:
    result, _, count = request.getfixturevalue(name)
    assert len(result.candidates) <= MAX_CANDIDATE_SHARE * count
    certain = {(a, b) for a, b, _ in result.certain}
    assert not certain & {(a, b) for a, b, _ in result.candidates}
