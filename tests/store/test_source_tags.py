"""A record's original tags stored once: the values its columns hold (title, journal,
authors, keywords, abstract) are marked, not repeated, and come back in their own tags,
order and places; tags stored by earlier versions read as before; damaged tags (an
edited project file) are not believed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.core.dedup.records import TYPE_TAGS
from screener.core.project import Project
from screener.core.readers import read_file
from screener.core.services.dedup_run import stored_publication_type
from screener.store.source_tags import FLAT, UNMARKED_TAGS, decode_tags, encode_tags
from screener.types import ParsedRecord, run_work
from tests.factories import add_batch, make_record

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = DATA / "projects"
# As tests/core/test_ris_writer.py: RIS files with records to screen.
RIS_FILES = sorted(p for p in (DATA / "ris").glob("*.ris")
                   if p.name not in ("rispy_wos.ris", "endnote_reference_types__asreview.ris"))

TAGS = st.sampled_from(["TY", "AU", "A1", "TI", "T1", "AB", "N2", "KW", "JF", "T2", "M3", "PT", "DO"])
VALUES = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "\x1e", "\x1f", "\x1d", "\x1dT", "\x1dA", "\x1dK", "\x1dJ", "\x1d\x1e", "a\x1eKW\x1eb", "[", "Smith, A",
     "Doe, B", "A title", "Journal"])
PAIRS = st.lists(st.tuples(TAGS, VALUES), max_size=14)


def _columns(pairs: list[tuple[str, str]], data: st.DataObject) -> dict[str, object]:
    """Columns as a reader might make them from ``pairs``: often the very values of some
    pairs (all of a tag's, in order, for the lists), sometimes other text."""
    values = [v for _, v in pairs]

    def one() -> str:
        return data.draw(st.sampled_from(values) if values and data.draw(st.booleans()) else VALUES)

    def run() -> list[str]:
        if pairs and data.draw(st.booleans()):
            tag = data.draw(st.sampled_from([t for t, _ in pairs]))
            found = [v for t, v in pairs if t == tag]
            return found[: data.draw(st.integers(1, len(found)))]
        return data.draw(st.lists(VALUES, max_size=3))

    return {"abstract": one(), "title": one(), "authors": run(), "keywords": run(), "journal": one()}


@given(PAIRS, st.data())
def test_any_tags_come_back_whatever_the_columns_hold(pairs: list[tuple[str, str]], data: st.DataObject) -> None:
    columns = _columns(pairs, data)
    stored = encode_tags(pairs, **columns)  # type: ignore[arg-type]
    assert decode_tags(stored, **columns) == pairs  # type: ignore[arg-type]


def _scopus_like() -> tuple[list[tuple[str, str]], dict[str, object]]:
    abstract = "Background: peer workers. Methods: a trial. Results: fewer admissions."
    pairs = [("TY", "JOUR"), ("TI", "Peer support in psychosis"), ("T2", "Psychiatric Services"),
             ("AU", "García, M."), ("AU", "Smith, J."), ("AU", "Doe, A."), ("PY", "2020"), ("AB", abstract),
             ("KW", "peer support"), ("KW", "psychosis"), ("M3", "Article"), ("DO", "10.1/x")]
    columns = {"abstract": abstract, "title": "Peer support in psychosis", "journal": "Psychiatric Services",
               "authors": ["García, M.", "Smith, J.", "Doe, A."], "keywords": ["peer support", "psychosis"]}
    return pairs, columns


@pytest.mark.parametrize(("pairs", "columns"), [
    # a column value that looks like a mark the encoder placed (found by the property above)
    ([("TY", "000"), ("TY", "\x1d")], {"abstract": "", "title": "000", "authors": ["\x1dT"]}),
    ([("AU", "x"), ("AU", "000"), ("TY", "\x1d")], {"abstract": "", "title": "000", "authors": ["x", "\x1dT"]}),
    ([("TI", "A title"), ("JO", "\x1dT"), ("KW", "\x1d")], {"abstract": "", "title": "A title", "journal": "\x1dT"}),
])
def test_a_column_that_looks_like_a_mark_never_stands_in_for_one(
        pairs: list[tuple[str, str]], columns: dict[str, object]) -> None:
    stored = encode_tags(pairs, **columns)  # type: ignore[arg-type]
    assert decode_tags(stored, **columns) == pairs  # type: ignore[arg-type]


def test_the_values_the_columns_hold_are_stored_once() -> None:
    pairs, columns = _scopus_like()
    stored = encode_tags(pairs, **columns)  # type: ignore[arg-type]
    for text in ("Peer support in psychosis", "Psychiatric Services", "García", "Smith", "peer support",
                 "Background"):
        assert text not in stored
    assert "Article" in stored and "10.1/x" in stored and "2020" in stored
    pairs_form = "\x1e".join(f"{t}\x1f{v}" for t, v in pairs if v != columns["abstract"])
    assert len(stored) < len(pairs_form) / 2
    assert decode_tags(stored, **columns) == pairs  # type: ignore[arg-type]
    assert decode_tags(stored, columns["abstract"]) == []  # marks that the columns must fill: no guessing


def test_document_types_are_never_marked_and_deduplication_reads_them() -> None:
    pairs = [("TY", "JOUR"), ("TI", "Review"), ("M3", "Review"), ("PT", "Journal Article"), ("DT", "Review"),
             ("T2", "Journal Article"), ("AU", "Review")]
    stored = encode_tags(pairs, "", "Review", ["Review"], [], "Journal Article")
    assert stored.startswith(FLAT) and "TI\x1e\x1dT" in stored
    for pair in ("M3\x1eReview", "PT\x1eJournal Article", "DT\x1eReview"):
        assert pair in stored
    assert stored_publication_type(stored) == "Review; Journal Article"
    assert decode_tags(stored, "", "Review", ["Review"], [], "Journal Article") == pairs
    assert TYPE_TAGS <= UNMARKED_TAGS


def test_tags_written_by_earlier_versions_read_as_before() -> None:
    abstract = "The abstract."
    assert decode_tags("TY\x1fJOUR\x1eTI\x1fA title\x1eAB\x1f\x1d\x1eKW\x1fa", abstract) == [
        ("TY", "JOUR"), ("TI", "A title"), ("AB", abstract), ("KW", "a")]
    assert decode_tags('[["TY","JOUR"],["AB",null],["N1","a\\u001eb"]]', abstract) == [
        ("TY", "JOUR"), ("AB", abstract), ("N1", "a\x1eb")]
    # read the same whatever the columns hold: nothing in them was marked
    assert decode_tags("TY\x1fJOUR\x1eTI\x1fA title", "", "Other", ["x"], ["y"], "z") == [
        ("TY", "JOUR"), ("TI", "A title")]


DAMAGED = [
    "\x1d\x1eTY",  # a tag without its value
    "\x1d\x1eTY\x1eJOUR\x1eKW\x1e\x1dZ",  # a mark of nothing
    "\x1d\x1eTY\x1eJOUR\x1eAU\x1e\x1dA",  # the authors' mark, no authors
    "\x1d\x1eTY\x1eJOUR\x1eTI\x1e\x1dT",  # the title's mark, no title
    "\x1d\x1eTY\x1eJOUR\x1eAB\x1e\x1d",  # the abstract's mark, no abstract
    "\x1d\x1e\x1dT\x1eJOUR",  # a mark for a tag
    "TY\x1fJOUR\x1eno value",  # the pairs form, a pair without its separator
    "TY\x1fJOUR\x1eTI\x1f\x1dT",  # a mark the pairs form never held
    "[", "[1, 2]", '[["TY"]]', '[["TY", 5]]', '{"TY": "JOUR"}', '[["TY", "JOUR", "x"]]', "null",
]


@pytest.mark.parametrize("text", DAMAGED)
def test_damaged_tags_give_no_pairs_and_no_error(text: str) -> None:
    assert decode_tags(text, "", "", [], [], "") == []
    stored_publication_type(text)  # deduplication reads what it can, without an error


REPEATED_MARKS = [
    "\x1d\x1eTY\x1eJOUR" + "\x1eAU\x1e\x1dA" * 1000,  # the authors put back a thousand times
    "\x1d\x1eTY\x1eJOUR\x1eTI\x1e\x1dT\x1eT1\x1e\x1dT",  # the title twice
    "\x1d\x1eTY\x1eJOUR\x1eAB\x1e\x1d\x1eN2\x1e\x1d",  # the abstract twice
    "TY\x1fJOUR\x1eAB\x1f\x1d\x1eN2\x1f\x1d",  # the pairs form: its one abstract mark twice
    '[["TY","JOUR"],["AB",null],["N2",null]]',  # the JSON form: its one null twice
]


@pytest.mark.parametrize("text", REPEATED_MARKS)
def test_a_mark_written_more_than_once_is_an_edit_and_gives_no_pairs(text: str) -> None:
    # encode_tags writes each mark once: an edited project must not multiply a column
    # into an export many times the project's size (or out of memory)
    assert decode_tags(text, "An abstract", "A title", ["Smith, J.", "Lee, K."], ["care"], "J") == []


def test_each_mark_once_still_reads() -> None:
    columns = ("An abstract", "A title", ["Smith, J.", "Lee, K."], ["care"], "Journal of care")
    pairs = [("TY", "JOUR"), ("TI", "A title"), ("AU", "Smith, J."), ("AU", "Lee, K."), ("JO", "Journal of care"),
             ("KW", "care"), ("AB", "An abstract")]
    stored = encode_tags(pairs, *columns)
    assert stored.count("\x1d") == 6  # the form's mark and the five columns' marks
    assert decode_tags(stored, *columns) == pairs


def test_a_column_that_is_not_a_list_of_strings_fills_no_mark() -> None:
    stored = encode_tags([("TY", "JOUR"), ("AU", "Smith, J.")], "", authors=["Smith, J."])
    assert decode_tags(stored, "", authors=["Smith, J."]) == [("TY", "JOUR"), ("AU", "Smith, J.")]
    assert decode_tags(stored, "", authors=[1]) == []  # type: ignore[list-item]
    assert decode_tags(stored, "", authors="Smith, J.") == []


CRAFTED = """TY  - JOUR
TI  - Peer roles
T2  - Community care
JF  - Psychiatric Services
AU  - García, M.
AU  - Smith, J.
KW  - peer
KW  - roles
KW  - peer
AB  - Background: the first abstract.
ER  -

TY  - JOUR
TI  - Two titles
T1  - Two titles
T1  - Another title
A1  - First, A.
AU  - Second, B.
A1  - Third, C.
JO  - Pain
JF  - Pain
KW  -
KW  - pain
N2  - Background: a summary.
AB  - Background: a summary.
ER  -

TY  - CHAP
T1  - A title over
two lines
AU  - Shi,Yu
AU  - Lee, K.
T2  - A book
M3  - A book
N1  - a note
UR  - https://example.org/a
AB  -
ER  -

TY  - JOUR
TI  - Peer roles
AU  - Peer roles
KW  - Peer roles
PY  - 2021
ER  -
"""


def _stored_raw(project: Project) -> dict[tuple[str, int], list[tuple[str, str]]]:
    return {(row["source_file"], row["source_position"]): row["raw"]
            for row in project.export.record_rows("all", "full_text")}


def _parsed(path: Path) -> list[ParsedRecord]:
    return read_file(path).records


RATIO = 0.75  # 0.63 on these fixtures: the title, authors, keywords and journal are stored once


def test_awkward_records_are_stored_and_exported_with_every_tag_in_order(
        project_target: str, tmp_path: Path) -> None:
    path = tmp_path / "crafted.ris"
    path.write_text(CRAFTED, encoding="utf-8")
    records = _parsed(path)
    assert len(records) == 4
    assert records[0].title == "Peer roles: Community care" and records[0].keywords == ["peer", "roles"]
    assert records[1].authors == ["First, A.", "Second, B.", "Third, C."]
    assert records[2].authors[0] == "Shi, Yu" and records[2].title == "A title over two lines"
    with Project.create(project_target, title="Tags") as p:
        run_work(p.imports.import_files([path], source="Test"))
        stored = _stored_raw(p)
        assert [stored[("crafted.ris", r.position)] for r in records] == [r.raw for r in records]
        out = tmp_path / "out.ris"
        p.export.export("all", "ris", out)
    assert [r.raw for r in _parsed(out)] == [r.raw for r in records]


def test_values_with_control_characters_are_stored_whole(project_target: str, tmp_path: Path) -> None:
    """A RIS file's control characters are dropped as it is read; other readers' records
    may hold some, even the separators and marks of the stored form."""
    odd = ["a\x1eb", "\x1f", "\x1d", "\x1dT", "x\x1cy", "\x7f\x1b", ""]  # (no NUL: no reader lets one through)
    records = [make_record(i, title=value or "untitled", authors=[value, "B, C."], keywords=[value],
                           raw=[("TY", "JOUR"), ("TI", value or "untitled"), ("AU", value), ("AU", "B, C."),
                                ("KW", value), ("AB", f"Abstract {i}."), ("N1", value)])
               for i, value in enumerate(odd, start=1)]
    for r in records:
        r.abstract = f"Abstract {r.position}."
    with Project.create(project_target, title="Odd") as p:
        add_batch(p, records, tmp=tmp_path)
        stored = [row["raw"] for row in p.export.record_rows("all", "full_text")]
    assert stored == [r.raw for r in records]


def test_every_ris_fixture_keeps_its_tags_in_order_and_stores_less(tmp_path: Path) -> None:
    target = tmp_path / "all.screener"
    with Project.create(target, title="Fixtures") as p:
        run_work(p.imports.import_files(RIS_FILES, source="Test"))
        stored = _stored_raw(p)
    parsed = [r for f in RIS_FILES for r in _parsed(f)]
    assert stored == {(f.name, r.position): r.raw for f in RIS_FILES for r in _parsed(f)}
    with sqlite3.connect(target) as conn:
        texts = [t for (t,) in conn.execute("SELECT source_tags FROM record")]
    assert sum(t.startswith(FLAT) for t in texts) > 0.95 * len(texts)
    # what the form before took: each pair with two separators, the abstract once
    before = sum(len(t.encode()) + (1 if v == r.abstract else len(v.encode())) + 2 for r in parsed for t, v in r.raw)
    assert sum(len(t.encode()) for t in texts) < RATIO * before


def test_a_project_of_schema_0002_exports_the_tags_it_stored(tmp_path: Path) -> None:
    path = tmp_path / "old.screener"
    path.write_bytes((FIXTURES / "schema_0002.screener").read_bytes())
    with sqlite3.connect(path) as conn:
        assert not any(t.startswith(FLAT) for (t,) in conn.execute("SELECT source_tags FROM record"))
    source = _parsed(DATA / "ris" / "cff_scopus__citation-file-formatting.ris")
    with Project.open(path) as p:
        rows = list(p.export.record_rows("all", "full_text"))
    assert rows and all(row["raw"] == source[row["source_position"] - 1].raw for row in rows)
    assert source[0].position == 1


def test_damaged_tags_in_a_project_are_exported_from_the_record_s_columns(tmp_path: Path) -> None:
    path = tmp_path / "edited.screener"
    src = tmp_path / "in.ris"
    src.write_text(CRAFTED, encoding="utf-8")
    with Project.create(path, title="Edited") as p:
        run_work(p.imports.import_files([src], source="Test"))
    with sqlite3.connect(path) as conn:  # someone edits the file
        conn.execute("UPDATE record SET source_tags = ? WHERE position = 1", (DAMAGED[1],))
        conn.execute("UPDATE record SET authors = '[]' WHERE position = 4")
    out = tmp_path / "out.ris"
    with Project.open(path) as p:
        assert p.export.export("all", "ris", out) == 4
        run_work(p.dedup.run())  # reads every record's document types: no error
    again = _parsed(out)
    # record 1 from its columns (TY, TI, AU…, T2, KW…, AB), record 4 too (its authors' mark
    # cannot be filled from no authors); records 2 and 3 from their tags
    assert again[0].raw[:3] == [("TY", "JOUR"), ("TI", "Peer roles: Community care"), ("AU", "García, M.")]
    assert ("KW", "roles") in again[0].raw and ("JF", "Psychiatric Services") not in again[0].raw
    assert again[1].raw == _parsed(src)[1].raw
    assert again[3].raw == [("TY", "JOUR"), ("TI", "Peer roles"), ("PY", "2021"), ("KW", "Peer roles")]
