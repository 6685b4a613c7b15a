"""CSV, ASReview CSV and BibTeX writers, and the atomic file replacement under them.

BibTeX output is parsed back with pybtex (a BibTeX-compatible parser that rejects
unbalanced braces and repeated keys), so "valid" means "a BibTeX reader accepts it".
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from screener.core.export.atomic import atomic_write
from screener.core.export.bibtex import write_bibtex
from screener.core.export.tabular import (
    ASREVIEW_COLUMNS,
    neutralise_cell,
    write_asreview_csv,
    write_csv,
)
from screener.types import ParsedRecord

# --- atomic_write --------------------------------------------------------------------


def test_atomic_write_replaces_target_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with atomic_write(target) as fp:
        fp.write("new")
        assert target.read_text() == "old"  # nothing visible until the block ends
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_atomic_write_failure_keeps_old_file_and_removes_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.ris"
    target.write_text("previous export")
    with pytest.raises(RuntimeError), atomic_write(target) as fp:
        fp.write("half of the new")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ris"]


def test_atomic_write_failure_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.bib"
    with pytest.raises(ValueError), atomic_write(target) as fp:
        fp.write("x")
        raise ValueError
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_binary_and_text_newlines(tmp_path: Path) -> None:
    with atomic_write(tmp_path / "b.bin", mode="wb") as fp:
        fp.write(b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    with atomic_write(tmp_path / "t.txt") as fp:  # newline="" keeps "\n" as written
        fp.write("a\nb")
    assert (tmp_path / "t.txt").read_bytes() == b"a\nb"
    with pytest.raises(ValueError):
        with atomic_write(tmp_path / "x", mode="a"):
            pass


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_atomic_write_keeps_permissions_of_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    target.write_text("x")
    os.chmod(target, 0o640)
    with atomic_write(target) as fp:
        fp.write("y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.csv"
    with atomic_write(fresh) as fp:
        fp.write("z")
    assert stat.S_IMODE(fresh.stat().st_mode) != 0o600  # not the temp file's mode


# --- neutralise_cell / write_csv -----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("http://x")', "+A1", "-1+1", "-", "@SUM(A1:A2)", "\t=1", "\rx"],
)
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Smoking cessation", "-3", "+44", "-0.25", "a=b", "'x"])
def test_ordinary_text_and_plain_numbers_are_untouched(value: str) -> None:
    assert neutralise_cell(value) == value


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_write_csv_cells_round_trip() -> None:
    buf = io.StringIO(newline="")
    rows = [
        {
            "id": 7,
            "title": 'Commas, "quotes"\nand a line break',
            "authors": ["Smith, J.", "Doe, A."],
            "score": -0.5,
            "note": None,
            "flag": True,
            "extra": "ignored",
        },
        {"id": -2, "title": "=cmd|' /C calc'!A0", "authors": [], "score": 3},
    ]
    n = write_csv(rows, ["id", "title", "authors", "score", "note", "flag"], buf)
    assert n == 2
    assert buf.getvalue().endswith("\r\n")
    header, first, second = read_csv(buf.getvalue())
    assert header == ["id", "title", "authors", "score", "note", "flag"]
    assert first == [
        "7",
        'Commas, "quotes"\nand a line break',
        "Smith, J.; Doe, A.",
        "-0.5",
        "",
        "1",
    ]
    # numbers stay numbers; the injection attempt is quoted; a missing key is empty
    assert second == ["-2", "'=cmd|' /C calc'!A0", "", "3", "", ""]


def test_write_csv_neutralises_joined_lists_and_can_be_turned_off() -> None:
    buf = io.StringIO(newline="")
    write_csv([{"k": ["@evil", "ok"]}], ["k"], buf)
    assert read_csv(buf.getvalue())[1] == ["'@evil; ok"]
    raw = io.StringIO(newline="")
    write_csv([{"k": "=1"}], ["k"], raw, neutralise=False)
    assert read_csv(raw.getvalue())[1] == ["=1"]


def test_write_csv_reads_dataclass_attributes() -> None:
    buf = io.StringIO(newline="")
    rec = ParsedRecord(position=1, line=1, title="T", authors=["A, B"], year=2001)
    write_csv([rec], ["title", "authors", "year", "doi"], buf)
    assert read_csv(buf.getvalue())[1] == ["T", "A, B", "2001", ""]


def test_asreview_csv_layout_and_labels(tmp_path: Path) -> None:
    records = [
        {"record_id": 1, "title": "Included one", "abstract": "Abs", "authors": ["Smith, J."],
         "year": 2001, "doi": "10.1/x", "keywords": ["adhd", "trial"], "label_included": True},
        {"record_id": 2, "title": "Excluded", "label_included": 0},
        {"record_id": 3, "title": "Not yet screened", "label_included": None},
    ]  # fmt: skip
    target = tmp_path / "asreview.csv"
    with atomic_write(target) as fp:
        assert write_asreview_csv(records, fp) == 3
    with open(target, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    assert tuple(rows[0].keys()) == ASREVIEW_COLUMNS
    assert ASREVIEW_COLUMNS == (
        "record_id", "title", "abstract", "authors", "year", "doi", "keywords", "label_included",
    )  # fmt: skip
    assert [r["label_included"] for r in rows] == ["1", "0", ""]
    assert rows[0]["authors"] == "Smith, J."
    assert rows[0]["keywords"] == "adhd; trial"
    assert rows[1]["abstract"] == "" and rows[1]["year"] == ""


def test_asreview_rejects_a_label_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="maybe"):
        write_asreview_csv([{"record_id": 1, "label_included": "maybe"}], io.StringIO())


# --- BibTeX --------------------------------------------------------------------------

_UNESCAPE = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\&": "&",
    r"\%": "%",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
_UNESCAPE_RE = re.compile("|".join(re.escape(k) for k in _UNESCAPE))


def unescape(value: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group(0)], value)


def bib(records: list[object]) -> tuple[str, list[str]]:
    buf = io.StringIO()
    keys = write_bibtex(records, buf)
    return buf.getvalue(), keys


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_string(text, "bibtex")


@pytest.mark.parametrize(
    ("ris", "bibtype"),
    [("JOUR", "article"), ("BOOK", "book"), ("CHAP", "incollection"), ("CONF", "inproceedings"),
     ("CPAPER", "inproceedings"), ("THES", "phdthesis"), ("RPRT", "techreport"), ("GEN", "misc"),
     ("", "misc"), ("jour", "article")],
)  # fmt: skip
def test_ris_types_map_to_bibtex_entry_types(ris: str, bibtype: str) -> None:
    text, keys = bib([{"type": ris, "title": "A title", "authors": ["Smith, J."], "year": 2020}])
    assert parse(text).entries[keys[0]].type == bibtype


def test_full_article_entry_parses_with_all_fields() -> None:
    rec = {
        "record_id": 42, "type": "JOUR", "title": "Effects of X on Y: a trial",
        "authors": ["Smith, John", "van der Berg, Anna", "World Health Organization"],
        "year": 2019, "journal": "J Med Res", "volume": "12", "issue": "3",
        "pages": "101-109", "doi": "10.1000/ab_c%20(d)", "pmid": "12345678",
        "abstract": "Background.\n\nMethods: 50% of...", "keywords": ["adhd", "children"],
    }  # fmt: skip
    text, keys = bib([rec])
    assert keys == ["smith2019effects"]
    entry = parse(text).entries["smith2019effects"]
    f = entry.fields
    assert f["journal"] == "J Med Res"
    assert (f["year"], f["volume"], f["number"], f["pages"]) == ("2019", "12", "3", "101--109")
    assert f["doi"] == "10.1000/ab_c%20(d)"  # verbatim field: not LaTeX-escaped
    assert f["pmid"] == "12345678" and f["screener-id"] == "42"
    assert unescape(f["abstract"]) == "Background. Methods: 50% of..."  # no blank line left
    assert f["keywords"] == "adhd, children"
    people = entry.persons["author"]
    assert len(people) == 3
    assert people[0].last_names == ["Smith"] and people[0].first_names == ["John"]
    assert people[1].last_names == ["Berg"] and people[1].prelast_names == ["van", "der"]
    assert people[2].last_names == ["{World Health Organization}"]  # kept whole


def test_awkward_names_stay_whole_and_parseable() -> None:
    names = ["Johnson and Johnson", "Anderson, Sandy", "a, b, c, d", ",", "Smith, J., Jr."]
    text, keys = bib([{"authors": names, "title": "T"}])
    people = parse(text).entries[keys[0]].persons["author"]
    assert [str(p) for p in people] == [
        "{Johnson and Johnson}",
        "Anderson, Sandy",
        "{a, b, c, d}",
        "Smith, J., Jr.",
    ]


def test_container_field_follows_entry_type() -> None:
    text, keys = bib([
        {"type": "CHAP", "title": "Ch", "journal": "The Big Book"},
        {"type": "CONF", "title": "Talk", "journal": "Proc. Conf."},
    ])  # fmt: skip
    entries = parse(text).entries
    assert entries[keys[0]].fields["booktitle"] == "The Big Book"
    assert entries[keys[1]].fields["booktitle"] == "Proc. Conf."


def test_special_characters_are_escaped_and_braces_balanced() -> None:
    title = r"50% of {unbalanced} } { C# & R_2 cost $3 ~ x^2 \alpha"
    text, keys = bib([{"title": title, "authors": ["O'Brien, P. & Q."], "journal": "A{"}])
    entry = parse(text).entries[keys[0]]  # pybtex rejects unbalanced braces
    assert unescape(entry.fields["title"]) == title
    assert unescape(entry.fields["howpublished"]) == "A{"
    raw_title = entry.fields["title"]
    assert raw_title.count("{") == raw_title.count("}")
    for ch in "%&#_$":
        assert re.search(r"(?<!\\)" + re.escape(ch), raw_title) is None


def test_keys_are_unique_with_letter_suffixes() -> None:
    same = {"title": "The effect of coffee", "authors": ["Müller, Jürgen"], "year": 2020}
    text, keys = bib([same, same, same, {**same, "title": "Other"}])
    assert keys == ["muller2020effect", "muller2020effecta", "muller2020effectb", "muller2020other"]
    assert len(parse(text).entries) == 4


def test_keys_fold_to_ascii_and_handle_missing_parts() -> None:
    _, keys = bib([
        {"title": "Über Ødegård", "authors": ["Ødegård, Åse"], "year": 1999},
        {"title": "", "authors": [], "year": None},
        {"title": "!!! -- ???", "authors": ["Łukasz, Ż."]},
        ParsedRecord(position=1, line=1, title="A study of ß", authors=["Straße, A."], year=2001),
    ])  # fmt: skip
    assert keys == ["odegard1999uber", "anon", "lukasz", "strasse2001study"]
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys)


def test_suffixes_go_past_z() -> None:
    rec = {"title": "Same", "authors": ["Lee, K."], "year": 2000}
    text, keys = bib([rec] * 30)
    assert keys[1] == "lee2000samea" and keys[26] == "lee2000samez" and keys[27] == "lee2000sameaa"
    assert len(set(keys)) == 30
    assert len(parse(text).entries) == 30


_TEXT = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(list("{}\\%&$#_~^,@\"' \n")),
        st.sampled_from([" and ", "{}", "}{", "\\{"]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "title": _TEXT,
                "authors": st.lists(_TEXT, max_size=3),
                "journal": _TEXT,
                "year": st.one_of(st.none(), st.integers(1900, 2030)),
                "abstract": _TEXT,
                "keywords": st.lists(_TEXT, max_size=3),
            }
        ),  # fmt: skip
        min_size=1,
        max_size=5,
    )
)
def test_any_text_gives_parseable_bibtex_that_round_trips(records: list[dict]) -> None:
    text, keys = bib(records)  # type: ignore[arg-type]
    entries = parse(text).entries
    assert list(entries.keys()) == keys
    for rec, key in zip(records, keys, strict=True):
        fields = entries[key].fields
        assert unescape(fields.get("title", "")) == " ".join(rec["title"].split())
        assert unescape(fields.get("abstract", "")) == " ".join(rec["abstract"].split())
        named = [a for a in rec["authors"] if any(c.isalnum() for c in a)]
        assert len(entries[key].persons.get("author", [])) == len(named)
