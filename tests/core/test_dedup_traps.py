"""The trap corpus (tests/trap_corpus.py): look-alike publications written as PubMed,
Embase, Scopus and Web of Science export them, read back with Screener's readers.

Bar: pairwise precision >= 0.995 and recall >= 0.95 of the automatic merges, and not one
trap merged: no notice with its article, no two notices, no protocol with its results,
no conference abstract with the later article, no two items with a generic title that
are different items, no two versions of a Cochrane review, no two arms of a trial.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screener.core.dedup import clusters_from_pairs, find_duplicates
from screener.core.dedup.evaluation import pairwise_accuracy
from screener.types import run_work
from tests.trap_corpus import build, read_back, trapped, truth_clusters

PRECISION = 0.995
RECALL = 0.95
SEEDS = (14, 1, 27)


@pytest.mark.parametrize("seed", SEEDS)
def test_trap_corpus_meets_the_bar(seed: int, tmp_path: Path) -> None:
    corpus = build(seed)
    records, publication = read_back(corpus, tmp_path)
    result = run_work(find_duplicates(records))
    merged = clusters_from_pairs((a, b) for a, b, _ in result.certain)
    assert trapped(corpus, publication, merged) == []
    accuracy = pairwise_accuracy([(a, b) for a, b, _ in result.certain], truth_clusters(publication))
    assert accuracy.precision >= PRECISION, accuracy
    assert accuracy.recall >= RECALL, accuracy


def test_the_corpus_holds_every_kind_of_trap(tmp_path: Path) -> None:
    corpus = build(SEEDS[0])
    kinds = Counter(pub.kind for pub in corpus.pubs)
    for kind in ("correction", "retraction", "concern", "comment", "reply", "editorial", "protocol",
                 "abstract", "generic", "cochrane", "registration"):
        assert kinds[kind] >= 3, kind
    assert len(corpus.traps) >= 300
    records, publication = read_back(corpus, tmp_path)
    assert len(records) > 2 * len(corpus.pubs)  # many records per publication
    copies = Counter(publication.values())
    assert max(copies.values()) == 4  # some publications are in all four databases
    # notices really are written the ways databases write them, type and notes included
    titles = [r.title for r in records]
    assert any(t.startswith("Correction to: ") for t in titles)
    assert any("(vol " in t and ", pg " in t for t in titles)
    assert any(r.publication_type == "Erratum" and not r.title.lower().startswith(("err", "corr")) for r in records)
    assert any(r.notes.startswith("Erratum for: ") for r in records)
    assert any(t.startswith("RETRACTED: ") for t in titles)


def test_a_record_marked_retracted_is_merged_with_its_unmarked_copies(tmp_path: Path) -> None:
    corpus = build(SEEDS[0])
    records, publication = read_back(corpus, tmp_path)
    merged = clusters_from_pairs((a, b) for a, b, _ in run_work(find_duplicates(records)).certain)
    marked = {pub.pub_id for pub in corpus.pubs if pub.style == "marked retracted"}
    by_id = {r.id: r for r in records}
    joined = [c for c in merged if publication[c[0]] in marked]
    assert len(joined) == len(marked)  # one group each, all four databases
    assert all(len(c) == 4 for c in joined)
    assert all(any(by_id[i].title.startswith("RETRACTED") for i in c) for c in joined)
