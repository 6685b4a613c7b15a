"""Past a cap, a retrain learns from every include and a fixed share of the excludes: the same
decisions give the same training set and ranking whatever order they came in, every include is
kept, the next decision moves the set by at most one record, below the cap (every shared
labelled set) nothing changes, and the retrain's memory stops growing with the decisions."""

from __future__ import annotations

import csv
import random
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from screener.core import ranking_subsample as rs
from screener.core.ranking import Ranker
from screener.core.services.queue_order import rank_ids

WORDS = ("peer support recovery mental health community trial cost surgery knee hip outcome "
         "rehabilitation older adults workers services randomised care quality school children "
         "diet exercise sleep anxiety depression smoking alcohol pain").split()


def texts(n: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    vocabulary = WORDS + [f"term{k}" for k in range(3_000)]
    return [" ".join(rng.choice(vocabulary) for _ in range(150)) + f" record{i}" for i in range(n)]


def decisions(ids: list[int], n: int, seed: int = 5) -> dict[int, int]:
    rng = random.Random(seed)
    return {rid: int(k % 10 == 0) for k, rid in enumerate(rng.sample(ids, n))}


def test_below_the_cap_every_decision_is_trained_on() -> None:
    labels = decisions(list(range(10_000)), rs.CAP)
    assert rs.training_labels(labels) == labels


DATA_CSV = Path(__file__).resolve().parent.parent / "data" / "csv"


def test_the_cap_leaves_every_shared_labelled_set_whole() -> None:
    # a set with every record decided is still trained on in full: its rankings are unchanged.
    # The labelled sets the repository carries (tests/data/csv, copied from the shared
    # fixtures), and the shared fixtures' full sets too where that folder is at hand.
    assert rs.CAP >= 5_000
    here = Path(__file__).resolve()
    sets = {path.name: path for path in DATA_CSV.glob("*.csv")}
    for folder in (p / "shared" / "fixtures" / "labelled" for p in here.parents):
        sets.update({path.name: path for path in folder.glob("*.csv")})
    checked = []
    for name, path in sorted(sets.items()):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows or "label_included" not in rows[0]:
            continue  # not a labelled set
        labels = {k: int(row["label_included"]) for k, row in enumerate(rows)}
        assert rs.training_labels(labels) == labels, path  # every decision kept
        checked.append(name)
    # the repository's own copies are always among them, so the check never passes on nothing
    assert {"Cohen_2006_ADHD.csv", "Cohen_2006_Antihistamines.csv", "Kitchenham_2010_sample400.csv"} <= set(checked)


def test_past_the_cap_every_include_is_kept_and_the_excludes_fill_it() -> None:
    labels = decisions(list(range(100_000)), 20_000)
    chosen = rs.training_labels(labels, cap=6_000)
    includes = {i for i, y in labels.items() if y}
    assert len(chosen) == 6_000
    assert {i for i, y in chosen.items() if y} == includes
    assert all(labels[i] == y for i, y in chosen.items())
    # more includes than the cap leaves room for: every include, and the excludes' minimum
    many = {i: int(i % 2 == 0) for i in range(10_000)}
    chosen = rs.training_labels(many, cap=4_000, min_excludes=500)
    assert sum(chosen.values()) == 5_000 and len(chosen) == 5_500


def test_the_same_decisions_in_any_order_give_the_same_training_set() -> None:
    labels = decisions(list(range(50_000)), 12_000)
    items = list(labels.items())
    random.Random(9).shuffle(items)
    assert rs.training_labels(dict(items), cap=5_000) == rs.training_labels(labels, cap=5_000)
    # and the keys are fixed: the same in every run (not Python's salted hash), splitmix64's
    ids = [0, 1, 2, 3, 2**40 + 7]
    assert rs.keys(np.array(ids, dtype=np.int64)).tolist() == [splitmix64(i) for i in ids]
    assert len(set(rs.keys(np.arange(100_000)).tolist())) == 100_000  # no two ids alike


def splitmix64(i: int) -> int:
    """Steele, Lea & Flood's SplitMix64, one step from state ``i`` (in Python's integers)."""
    m = (1 << 64) - 1
    z = (i + 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)


def test_one_more_decision_moves_the_training_set_by_at_most_one_record() -> None:
    ids = list(range(30_000))
    labels = decisions(ids, 9_000)
    before = set(rs.training_labels(labels, cap=5_000))
    moved = 0
    for rid in (i for i in ids if i not in labels):
        labels[rid] = 0
        after = set(rs.training_labels(labels, cap=5_000))
        assert len(after ^ before) in (0, 2) and len(after) == len(before)
        moved += after != before
        before = after
        if len(labels) == 9_200:
            break
    assert 0 < moved < 200  # a new exclude comes in only when its key is among the smallest


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return Ranker(texts(3_000))


def test_the_same_decisions_in_any_order_give_the_same_ranking_past_the_cap(
        ranker: Ranker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rs, "CAP", 300)
    monkeypatch.setattr(rs, "MIN_EXCLUDES", 100)
    ids = [1000 + i for i in range(ranker.n)]  # record ids, not rows
    index = {rid: row for row, rid in enumerate(ids)}
    labels = decisions(ids, 1_200)
    candidates = [rid for rid in ids if rid not in labels]
    first = rank_ids(ranker, index, labels, candidates)
    items = list(labels.items())
    random.Random(2).shuffle(items)
    assert rank_ids(ranker, index, dict(items), candidates) == first
    assert sorted(first) == sorted(candidates)  # every undecided record, none decided
    # trained on 300 of the 1,200: not the same model as on all of them
    monkeypatch.setattr(rs, "CAP", 10_000)
    assert rank_ids(ranker, index, labels, candidates) != first


def peak_of_a_retrain(ranker: Ranker, decided: int) -> int:
    ids = list(range(ranker.n))
    labels = decisions(ids, decided)
    index = {i: i for i in ids}
    candidates = [i for i in ids if i not in labels]
    tracemalloc.start()
    try:
        rank_ids(ranker, index, labels, candidates)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_past_the_cap_a_retrains_memory_stops_growing_with_the_decisions(
        ranker: Ranker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rs, "CAP", 400)
    monkeypatch.setattr(rs, "MIN_EXCLUDES", 100)
    fixed = peak_of_a_retrain(ranker, 40)  # what a retrain holds whatever its size (weights, scores)
    at_cap = peak_of_a_retrain(ranker, 400) - fixed
    past = peak_of_a_retrain(ranker, 2_400) - fixed  # six times the decisions
    monkeypatch.setattr(rs, "CAP", 10_000)
    uncapped = peak_of_a_retrain(ranker, 2_400) - fixed
    assert at_cap > 0 and past < 1.5 * at_cap, (fixed, at_cap, past)
    assert uncapped > 3 * past, (fixed, past, uncapped)


def test_past_the_cap_each_row_weighs_what_it_stands_for(ranker: Ranker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sample of 400 of 1,600 decisions is trained with each row weighing 4: the same model as
    the SVM with four times its C on that sample (the objective of all 1,600, in expectation)."""
    from screener.core import ranking_model as rm

    monkeypatch.setattr(rs, "CAP", 400)
    monkeypatch.setattr(rs, "MIN_EXCLUDES", 100)
    ids = list(range(ranker.n))
    labels = decisions(ids, 1_600)
    sample = rs.training_labels(labels)
    candidates = [i for i in ids if i not in labels]
    weighted = rank_ids(ranker, {i: i for i in ids}, labels, candidates)
    unweighted = [int(i) for i in np.asarray(candidates)[np.argsort(-ranker.scores(sample, candidates),
                                                                     kind="stable")]]
    monkeypatch.setattr(rm, "SVM_C", rm.SVM_C * 4)
    scaled = ranker.scores(sample, candidates)
    assert weighted == [int(i) for i in np.asarray(candidates)[np.argsort(-scaled, kind="stable")]]
    assert weighted != unweighted
