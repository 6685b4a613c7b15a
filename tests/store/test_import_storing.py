"""What an import stores, across the chunks it stores in: every record findable by its own
words under its own id, both stages undecided, the original tags kept; and a deleted
batch leaves nothing behind in the search index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

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


def test_the_abstract_is_stored_once_whether_its_n2_or_its_ab_copy_comes_first() -> None:
    abstract = "Background: the abstract."
    for pairs in ([("TY", "JOUR"), ("N2", abstract), ("AB", abstract), ("KW", "x")],
                  [("TY", "JOUR"), ("AB", abstract), ("N2", abstract), ("KW", "x")]):
        stored = encode_tags(pairs, abstract)
        assert stored.count("Background") == 1 and stored.count(ABSTRACT_MARK) == 2  # the form's mark and the abstract's
        assert decode_tags(stored, abstract) == pairs
    # as schema 0002 stored them (the mark in the AB pair): read as before
    assert decode_tags(f"TY\x1fJOUR\x1eN2\x1f{abstract}\x1eAB\x1f{ABSTRACT_MARK}\x1eKW\x1fx", abstract) == [
        ("TY", "JOUR"), ("N2", abstract), ("AB", abstract), ("KW", "x")]


def test_pairs_given_as_lists_are_stored_as_tuples_are() -> None:
    abstract = "An abstract."
    as_lists = [["TY", "JOUR"], ["AB", abstract], ["TI", "A title"]]
    assert encode_tags(as_lists, abstract) == encode_tags([tuple(p) for p in as_lists], abstract)
    assert ABSTRACT_MARK in encode_tags(as_lists, abstract)


def test_a_large_import_into_a_batch_beside_merged_records_keeps_every_index_whole(
        project: Project, tmp_path: Path) -> None:
    """The indexes an import keeps up while it stores (batch, duplicate_of, type, the
    status list) and those it builds again at the end agree with the rows, whatever the
    project held before: other batches, other types, merged records."""
    first = add_batch(project, [make_record(i, type="BOOK" if i % 2 else "JOUR") for i in range(1, 301)],
                      file_name="one.ris", tmp=tmp_path)
    with project.store.Session() as s:
        old = list(s.scalars(select(Record.id).where(Record.batch_id == first).order_by(Record.id)))
    with project.store.WriteSession() as s, s.begin():  # two records merged into a third
        s.execute(update(Record).where(Record.id.in_(old[1:3])).values(duplicate_of=old[0]))
    second = add_batch(project, _records(N, "two"), file_name="two.ris", tmp=tmp_path)
    with project.store.Session() as s:
        if project.store.is_sqlite:  # every row in every index, and nothing more
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert s.scalar(select(func.count()).where(Record.batch_id == second)) == N
        assert s.scalar(select(func.count()).where(Record.batch_id == first)) == 300
        assert sorted(s.scalars(select(Record.id).where(Record.duplicate_of == old[0]))) == old[1:3]
        assert s.scalar(select(func.count()).where(Record.type == "BOOK")) == 150
        undecided = s.scalar(select(func.count()).select_from(StageStatus).where(
            StageStatus.status == "undecided", StageStatus.stage == "title_abstract"))
    assert undecided == 300 + N
    assert project.records.ids(search="twot7z") == [old[-1] + 7]  # found under its own id
