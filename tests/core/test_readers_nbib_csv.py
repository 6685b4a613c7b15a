"""PubMed MEDLINE (.nbib) and CSV reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.readers import read_file
from screener.types import ImportFormatError

DATA = Path(__file__).resolve().parents[1] / "data"
NBIB = DATA / "nbib" / "pubmed_medline__citation-file-formatting.nbib"
COHEN = DATA / "csv" / "Cohen_2006_Antihistamines.csv"


# -- MEDLINE ----------------------------------------------------------------------------------


def test_medline_file_is_detected_and_every_record_read() -> None:
    result = read_file(NBIB)
    assert result.format == "nbib"
    assert len(result.records) == NBIB.read_text(encoding="utf-8").count("\nPMID- ") + 1 == 50
    assert result.skipped == []


def test_medline_fields() -> None:
    first = read_file(NBIB).records[0]
    assert first.pmid == "30922926"
    assert first.title == "Time lapse: A glimpse into prehistoric genomics."
    assert first.authors == ["Griffin, Darren K", "Larkin, Denis M", "O'Connor, Rebecca E"]  # FAU
    assert first.year == 2020  # DP 2020 Feb
    assert first.journal == "European journal of medical genetics"  # JT
    assert (first.volume, first.issue, first.pages) == ("63", "2", "103640")
    assert first.doi == "10.1016/j.ejmg.2019.03.004"  # LID … [doi]
    assert first.keywords[:5] == ["Chromosome", "Comparative", "Dinosaur", "Genome evolution", "Karyotype"]
    assert "*Genomics/history" in first.keywords  # MH after OT
    assert first.abstract.startswith("For the purpose of this review, 'time-lapse' refers to the reconstruction of ancestral")
    assert "\n" not in first.abstract  # wrapped lines joined with a space
    assert first.abstract.endswith("emerging each time as speciose and diverse.")
    assert first.raw[0] == ("PMID", "30922926")
    assert ("OWN", "NLM") in first.raw


def test_medline_broken_record_is_skipped_with_its_line(tmp_path: Path) -> None:
    good = "PMID- 111\nTI  - First title.\nAU  - Doe J\n\n"
    bad = "PMID- 222\nTI  - Broken \x00\x01 title.\n\n"
    path = tmp_path / "pubmed.nbib"
    path.write_text(good + bad + good.replace("111", "333"), encoding="utf-8")
    result = read_file(path)
    assert [r.pmid for r in result.records] == ["111", "333"]
    assert [(s.position, s.line) for s in result.skipped] == [(2, 5)]


# -- CSV --------------------------------------------------------------------------------------


def test_labelled_screening_set() -> None:
    result = read_file(COHEN)
    assert result.format == "csv"
    assert len(result.records) + len(result.skipped) == 310
    assert result.skipped == []
    first = result.records[0]
    assert first.pmid == "10070306"
    assert first.title == (
        "Docetaxel (Taxotere) plus cisplatin: an active and well-tolerated combination in patients with "
        "advanced non-small cell lung cancer."
    )
    assert first.authors[:3] == ["T Le Chevalier", "A Monnier", "J Y Douillard"]
    assert first.authors[-1] == "J Bérille"
    assert first.year == 1999  # '1999.0'
    assert first.abstract.startswith("The activity of the combination of intravenous docetaxel")
    assert [name for name, _ in first.raw] == [
        "record_id", "pubmedID", "title", "authors", "abstract", "year", "label_included", "label_abstract_screening",
    ]
    assert ("record_id", "1") in first.raw and ("label_included", "0") in first.raw
    assert first.line == 2


SCOPUS_CSV = (
    '\ufeff"Authors","Author full names","Title","Year","Source title","Volume","Issue","Art. No.",'
    '"Page start","Page end","DOI","Link","Abstract","Author Keywords","Index Keywords","PubMed ID",'
    '"Document Type"\n'
    '"Moran G.S.","Moran, Galia S. (12345)","Facing the paradox","2025","Epidemiology and Psychiatric Sciences",'
    '"34","","e1","","","10.1017/S2045796024000751","https://www.scopus.com/x","Peer Support Workers.",'
    '"peer roles; system change","Humans","39801361","Review"\n'
    '"Smith J., Doe A.B.","Smith, John (1); Doe, Ann B. (2)","Second","2019","Some Journal","5","2","",'
    '"10","20","","","[No abstract available]","","","","Article"\n'
)


def test_scopus_csv(tmp_path: Path) -> None:
    path = tmp_path / "scopus.csv"
    path.write_text(SCOPUS_CSV, encoding="utf-8")
    first, second = read_file(path).records
    assert first.title == "Facing the paradox"
    assert first.authors == ["Moran G.S."]
    assert (first.year, first.journal, first.volume) == (2025, "Epidemiology and Psychiatric Sciences", "34")
    assert first.doi == "10.1017/s2045796024000751"
    assert first.pmid == "39801361"
    assert first.keywords == ["peer roles", "system change", "Humans"]
    assert first.type == "JOUR"
    assert second.authors == ["Smith J.", "Doe A.B."]  # older Scopus: comma-separated
    assert second.pages == "10-20"
    assert second.abstract == ""


def test_web_of_science_tab_delimited(tmp_path: Path) -> None:
    header = "PT\tAU\tAF\tTI\tSO\tDE\tAB\tPY\tVL\tIS\tBP\tEP\tDI\tPM\tUT"
    row = (
        "J\tAlceste, F; Luke, TJ\tAlceste, Fabiana; Luke, Timothy J.\tHolding Yourself Captive\t"
        "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION\tPolice custody; Interview\tPolice custody "
        "activates safeguards.\t2018\t7\t3\t387\t397\t10.1016/j.jarmac.2018.03.001\t\tWOS:000444108200009"
    )
    path = tmp_path / "savedrecs.txt"
    path.write_bytes(("\ufeff" + header + "\r\n" + row + "\r\n").encode("utf-16-le"))
    result = read_file(path)
    assert result.format == "csv" and result.encoding == "utf-16-le"
    record = result.records[0]
    assert record.authors == ["Alceste, F", "Luke, TJ"]
    assert record.title == "Holding Yourself Captive"
    assert record.journal == "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION"
    assert (record.year, record.volume, record.issue, record.pages) == (2018, "7", "3", "387-397")
    assert record.doi == "10.1016/j.jarmac.2018.03.001"
    assert record.keywords == ["Police custody", "Interview"]


def test_headers_match_whatever_their_case_and_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "asreview.csv"
    path.write_text("TITLE;Abstract;AUTHORS;DOI;Year;Journal;PMID\nA title;An abstract;Doe, J;doi:10.1000/X;2001;J;42\n")
    record = read_file(path).records[0]
    assert (record.title, record.abstract, record.authors) == ("A title", "An abstract", ["Doe, J"])
    assert (record.doi, record.year, record.journal, record.pmid) == ("10.1000/x", 2001, "J", "42")


def test_bad_rows_are_skipped_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "title,abstract,year\n"
        "Good one,Fine,2001\n"
        "Too,many,fields,here\n"
        '"Quoted\nover two lines",ok,2002\n'
        "\n"
        ",,\n"
        "Only,two\n"
        ",just an abstract,\n",
        encoding="utf-8",
    )
    result = read_file(path)
    assert [r.title for r in result.records] == ["Good one", "Quoted over two lines", ""]
    assert [r.line for r in result.records] == [2, 4, 9]
    assert [(s.position, s.line) for s in result.skipped] == [(2, 3), (4, 8)]
    assert "4 fields but the header has 3" in result.skipped[0].reason


def test_an_over_long_field_is_a_skipped_row_and_does_not_hang(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("title,abstract\nA,short\nB," + "x" * (10 * 1024 * 1024) + "\nC,short\n", encoding="utf-8")
    result = read_file(path)
    assert [r.title for r in result.records] == ["A", "C"]
    assert [(s.position, s.line) for s in result.skipped] == [(2, 3)]


def test_a_csv_without_title_or_abstract_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,price\napple,1\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="no title or abstract column"):
        read_file(path)
