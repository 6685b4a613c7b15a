"""Hostile and careless files: a format told by its structure, never by a line inside a
field; records with nothing in them; control characters that would reach a terminal."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from screener.core.readers import detect_format, read_file
from screener.core.readers.clean import NO_CONTENT
from screener.types import ImportFormatError

DATA = Path(__file__).resolve().parents[1] / "data"
COHEN = DATA / "csv" / "Cohen_2006_Antihistamines.csv"
NBIB = DATA / "nbib" / "pubmed_medline__citation-file-formatting.nbib"
SEED = DATA / "ris" / "seed_scopus_single_space_tags.ris"
ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J \x9b31m"


def _cohen_rows(n: int) -> tuple[list[str], list[list[str]]]:
    with COHEN.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1 : n + 1]


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- format from structure (item 1) ----------------------------------------------------------


@pytest.mark.parametrize(
    "inside",
    [
        "Background.\nTY  - JOUR\nTI  - A title inside the abstract\nER  - \nMore text.",
        "See the entry\n@misc {x, title = {A BibTeX entry inside the abstract}}\n",
        "Quoted from PubMed:\nPMID- 12345678\nTI  - A MEDLINE record inside the abstract\n",
        "A line\n%0 Journal Article\n%T EndNote inside the abstract\n",
    ],
    ids=["ris", "bibtex", "medline", "endnote"],
)
@pytest.mark.parametrize("n", [3, 7])
def test_a_csv_with_another_format_inside_a_field_is_read_as_csv(tmp_path: Path, inside: str, n: int) -> None:
    header, rows = _cohen_rows(n)
    abstract = header.index("abstract")
    rows[1][abstract] = inside
    path = _csv(tmp_path / "export.csv", header, rows)
    assert detect_format(path) == "csv"
    result = read_file(path)
    assert result.format == "csv"
    assert [r.title for r in result.records] == [" ".join(row[header.index("title")].split()) for row in rows]
    assert result.skipped == []
    assert result.records[1].abstract == inside.strip()


def test_a_ris_file_with_a_preamble_is_still_ris(tmp_path: Path) -> None:
    path = tmp_path / "ovid.txt"
    path.write_text("Provider: Ovid, Technologies\nContent: text/plain; charset=\"UTF-8\"\n\n1.\n"
                    + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    assert detect_format(path) == "ris"
    assert len(read_file(path).records) == 1


def test_a_forced_format_wins_over_what_the_file_looks_like(tmp_path: Path) -> None:
    # A one-column CSV (no delimiter in its header, so no sure sign of CSV) whose first
    # title holds a RIS line: it looks like RIS, and --format csv reads it as the CSV it is.
    path = tmp_path / "titles.txt"
    path.write_text('title\n"Peer roles\nTY  - JOUR\nin mental health"\nSecond title\nThird title\n',
                    encoding="utf-8")
    assert detect_format(path) == "ris"
    result = read_file(path, "csv")
    assert result.format == "csv"
    assert [r.title for r in result.records] == ["Peer roles TY - JOUR in mental health", "Second title",
                                                 "Third title"]
    assert any("read as CSV as asked, but this looks like a RIS file" in w for w in result.warnings)


def test_a_forced_format_that_reads_nothing_says_what_the_file_looks_like(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no RIS records found.*PubMed MEDLINE file"):
        read_file(NBIB, "ris")


# -- records with nothing in them (item 2) -------------------------------------------------


def test_empty_ty_er_pairs_are_skipped_each_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "empty.ris"
    path.write_text("TY  - JOUR\nER  - \n\n" * 1000 + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = read_file(path)
    assert len(result.records) == 1 and result.records[0].position == 1001
    assert [(s.position, s.line, s.reason) for s in result.skipped] == [
        (n, 3 * n - 2, NO_CONTENT) for n in range(1, 1001)]


def test_doubled_ty_lines_do_not_double_the_records(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    path = tmp_path / "doubled.ris"
    path.write_text("TY  - JOUR\n" + seed + "\nTY  - JOUR\n" + seed, encoding="utf-8")
    result = read_file(path)
    assert len(result.records) == 2
    assert [(s.line, s.reason) for s in result.skipped] == [(1, NO_CONTENT), (seed.count("\n") + 3, NO_CONTENT)]


def test_a_record_with_only_a_type_journal_and_year_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bare.ris"
    path.write_text("TY  - JOUR\nJO  - Some journal\nPY  - 2020\nER  - \n\n" + SEED.read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = read_file(path)
    assert len(result.records) == 1
    assert [(s.position, s.line, s.reason) for s in result.skipped] == [(1, 1, NO_CONTENT)]


def test_a_medline_record_with_nothing_to_screen_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "pubmed.nbib"
    path.write_text("PMID- 111\nTI  - A title.\n\nJT  - A journal only\nDP  - 2020\n\n", encoding="utf-8")
    result = read_file(path)
    assert [r.pmid for r in result.records] == ["111"]
    assert [(s.position, s.line) for s in result.skipped] == [(2, 4)]


# -- control characters (item 3) ----------------------------------------------------------


def _no_controls(value: object) -> None:
    text = repr(value)  # every str of the record, nested lists and raw pairs included
    assert not any(f"\\x{c:02x}" in text for c in [*range(0, 9), *range(11, 32), *range(127, 160)])


def test_csv_titles_lose_terminal_escapes(tmp_path: Path) -> None:
    header, rows = _cohen_rows(3)
    rows[0][header.index("title")] = "Peer roles " + ESCAPES
    rows[1][header.index("authors")] = "Doe\x1b[2J, J; Roe\x07, R"
    path = _csv(tmp_path / "hostile.csv", header, rows)
    result = read_file(path)
    assert len(result.records) == 3 and result.skipped == []
    assert result.records[0].title == "Peer roles [31mred[0m ]0;pwned [2J 31m"
    assert result.records[1].authors == ["Doe[2J, J", "Roe, R"]
    for record in result.records:
        _no_controls(record)


def test_ris_and_medline_records_lose_control_characters_and_are_kept(tmp_path: Path) -> None:
    ris = tmp_path / "hostile.ris"
    ris.write_text(SEED.read_text(encoding="utf-8").replace("Facing the paradox", "Facing " + ESCAPES),
                   encoding="utf-8")
    nbib = tmp_path / "hostile.nbib"
    nbib.write_text("PMID- 111\nTI  - A \x1b]0;x\x07title.\nAB  - Text\x0c with \x1a a form feed.\n\n",
                    encoding="utf-8")
    for path in (ris, nbib):
        result = read_file(path)
        assert len(result.records) == 1 and result.skipped == [], path.name
        _no_controls(result.records[0])
    assert read_file(nbib).records[0].title == "A ]0;xtitle."
    assert read_file(nbib).records[0].abstract == "Text with  a form feed."


@pytest.mark.parametrize("name", ["hostile.ris", "hostile.nbib", "hostile.csv"])
def test_a_record_holding_nul_bytes_is_skipped_as_binary_in_every_reader(tmp_path: Path, name: str) -> None:
    good = {"hostile.ris": "TY  - JOUR\nTI  - Good\nER  - \n",
            "hostile.nbib": "PMID- 1\nTI  - Good\n\n",
            "hostile.csv": "title,abstract\nGood,text\n"}[name]
    bad = {"hostile.ris": "TY  - JOUR\nTI  - Bad \x00 title\nER  - \n",
           "hostile.nbib": "PMID- 2\nTI  - Bad \x00 title\n\n",
           "hostile.csv": "Bad \x00 title,text\n"}[name]
    path = tmp_path / name
    path.write_text(good + bad, encoding="utf-8")
    result = read_file(path)
    assert [r.title for r in result.records] == ["Good"]
    assert len(result.skipped) == 1 and "binary data" in result.skipped[0].reason
