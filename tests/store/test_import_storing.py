"""What an import stores, across the chunks it stores in: every record findable by its own
words under its own id, both stages undecided, the original tags kept; and a deleted
batch leaves nothing behind in the search index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from screener.core.project import Project
from screener.core.read_ahead import CHUNK
from screener.store.bulk import DEFER_INDEXES_FROM
from screener.store.models import Record, StageStatus
from screener.store.rows import ABSTRACT_MARK, decode_tags, encode_tags
from screener.types import ParsedRecord
from tests.factories import add_batch, make_record

# Three chunks, ids that do not start at 1, and (SQLite) enough records that the import
# drops the record indexes and builds them again at the end.
N = max(2 * CHUNK, DEFER_INDEXES_FROM) + 300


@pytest.fixture
def project(project_target: str) -> Iterator[Project]:
    with Project.create(project_target, title="Storing") as p:
        yield p


def _records(n: int, tag: str) -> list[ParsedRecord]:
    return [make_record(i, title=f"Trial {tag}t{i}z of peer support",
                        authors=[f"Author{tag}a{i}z, A.", "Second, B."],
                        keywords=[f"{tag}k{i}z", "mental health"],
                        abstract=f"Background: {tag}b{i}z. Methods: a trial.") for i in range(1, n + 1)]


def test_records_stored_in_chunks_are_found_by_their_own_words_and_start_undecided(
        project: Project, tmp_path: Path) -> None:
    first = add_batch(project, _records(300, "one"), file_name="one.ris", tmp=tmp_path)
    second = add_batch(project, _records(N, "two"), file_name="two.ris", tmp=tmp_path)
    with project.store.Session() as s:
        ids = dict(s.execute(select(Record.position, Record.id).where(Record.batch_id == second)).all())
        statuses = s.execute(
            select(StageStatus.stage, StageStatus.status, func.count())
            .where(StageStatus.record_id.in_(select(Record.id).where(Record.batch_id == second)))
            .group_by(StageStatus.stage, StageStatus.status)).all()
    assert len(ids) == N
    assert sorted(statuses) == [("full_text", "undecided", N), ("title_abstract", "undecided", N)]
    for i in (1, 2, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 1, N):  # both sides of each chunk boundary
        # title, abstract, author, keyword ("z" ends each: the last word of a search is a prefix)
        for word in (f"twot{i}z", f"twob{i}z", f"authortwoa{i}z", f"twok{i}z"):
            assert project.records.ids(search=word) == [ids[i]], word
    assert project.records.ids(search="onet300z") != []
    assert project.imports.delete_batch(second) == N
    assert project.records.ids(search=f"twob{CHUNK}z") == []
    with project.store.Session() as s:
        kept = set(s.scalars(select(Record.id).where(Record.batch_id == first)))
    assert set(project.records.ids(search="peer")) == kept and len(kept) == 300


def test_the_abstract_is_marked_in_its_ab_pair_even_after_an_n2_copy() -> None:
    abstract = "Background: the abstract."
    pairs = [("TY", "JOUR"), ("N2", abstract), ("AB", abstract), ("KW", "x")]
    stored = encode_tags(pairs, abstract)
    assert stored.split("\x1e")[2] == f"AB\x1f{ABSTRACT_MARK}"  # the AB pair, as schema 0002 stores
    assert decode_tags(stored, abstract) == pairs


def test_pairs_given_as_lists_are_stored_as_tuples_are() -> None:
    abstract = "An abstract."
    as_lists = [["TY", "JOUR"], ["AB", abstract], ["TI", "A title"]]
    assert encode_tags(as_lists, abstract) == encode_tags([tuple(p) for p in as_lists], abstract)
    assert ABSTRACT_MARK in encode_tags(as_lists, abstract)
