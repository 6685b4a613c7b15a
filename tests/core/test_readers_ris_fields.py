"""RIS fields: journal and subtitle (T2), authors, abstracts, years, identifiers, pages, URLs.

Expected values were read by hand from the files in tests/data/ris/."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.readers import read_file

RIS = Path(__file__).resolve().parents[1] / "data" / "ris"


def _read(name: str):  # type: ignore[no-untyped-def]
    return read_file(RIS / name)



def test_t2_is_the_journal_when_no_jo_jf_ja() -> None:
    record = _read("scopus__asreview.ris").records[0]
    assert record.journal == "Psychoneuroendocrinology"


def test_t2_repeating_the_journal_adds_nothing() -> None:
    record = _read("aip_publisher_leading_blank_lines__jabref.ris").records[0]
    assert record.title == "Length scales and interfacial potentials in ion hydration"
    assert record.journal == "The Journal of Chemical Physics"


def test_t2_full_name_beside_jo_abbreviation_is_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "jo_abbrev.ris"
    path.write_text(
        "TY  - JOUR\nTI  - Ion hydration\nJO  - J. Chem. Phys.\nT2  - The Journal of Chemical Physics\nER  - \n",
        encoding="utf-8",
    )
    record = read_file(path).records[0]
    assert record.title == "Ion hydration"
    assert record.journal == "The Journal of Chemical Physics"


def test_t2_of_a_chapter_is_the_book() -> None:
    record = _read("ieee_xplore_anonymised__colrev.ris").records[0]
    assert record.type == "CONF"
    assert record.journal == "Secondary Title (booktitle title, if applicable)"


def test_primary_authors_only_with_a2_in_raw() -> None:
    record = _read("ovid_psycinfo__asreview.ris").records[1]
    assert record.authors == ["Trindade, Ines A", "Ferreira, Claudia", "Duarte, Cristiana", "Pinto-Gouveia, Jose"]
    assert any(tag == "A2" for tag, _ in record.raw)


def test_author_commas_and_trailing_spaces_are_tidied() -> None:
    record = _read("aip_publisher_leading_blank_lines__jabref.ris").records[0]
    assert record.authors == ["Shi, Yu", "Beck, Thomas L."]


def test_a_second_different_abstract_goes_to_notes() -> None:
    record = _read("cff_cinahl__citation-file-formatting.ris").records[0]
    assert record.abstract.startswith("Dinosauria debuted on Earth's stage")
    assert "Copyright of PLoS ONE is the property of Public Library of Science" in record.notes
    assert record.doi == "10.1371/journal.pone.0298242"  # only in L3


@pytest.mark.parametrize(
    ("name", "position", "year"),
    [
        ("cff_covidence_mendeley__citation-file-formatting.ris", 1, 2024),  # Y1 2024///
        ("trid_anonymised__colrev.ris", 1, 2017),  # PY Start date: 20170812
        ("pmc_multiple_PY__jabref.ris", 1, 2013),
        ("ieee_xplore_anonymised__colrev.ris", 1, 2020),  # PY 2020 (Y1 4-8 Aug. 2020)
        ("faulty_year__asreview.ris", 1, None),  # PY '10 15'
        ("cff_openalex__citation-file-formatting.ris", 1, 2024),
    ],
)
def test_years_as_databases_write_them(name: str, position: int, year: int | None) -> None:
    assert _read(name).records[position - 1].year == year


@pytest.mark.parametrize(
    ("name", "position", "pmid"),
    [
        ("cff_scopus__citation-file-formatting.ris", 1, "38580657"),  # Scopus C2
        ("cff_embase__citation-file-formatting.ris", 1, "38773066"),  # Embase C5
        ("pubmed_via_endnote__asreview.ris", 1, "21553931"),  # AN with DP NLM
        ("pmc_multiple_PY__jabref.ris", 1, "23690738"),  # U1 23690738[pmid]
        ("cff_cochrane_refman__citation-file-formatting.ris", 1, "21314913"),  # C3 PUBMED …
        ("cff_webofscience__citation-file-formatting.ris", 1, ""),  # AN WOS:… is not a PMID
        ("proquest_abi_inform_anonymised__colrev.ris", 1, ""),  # AN digits, not PubMed
        ("trid_anonymised__colrev.ris", 1, ""),  # AN 01611111 from TRID
        ("rayyan_export_issue992__asreview.ris", 1, ""),  # AN rayyan-…
    ],
)
def test_pubmed_ids_are_recognised_by_source(name: str, position: int, pmid: str) -> None:
    assert _read(name).records[position - 1].pmid == pmid


@pytest.mark.parametrize(
    ("name", "position", "doi"),
    [
        ("cff_psychInfo_ovid__citation-file-formatting.ris", 1, "10.1186/s11689-021-09396-9"),  # https://dx.doi.org/
        ("trid_anonymised__colrev.ris", 2, "10.1444/j.hello.2018.05.005"),  # https://doi.org/
        ("proquest__asreview.ris", 1, "10.1002/jts.22387"),  # http://dx.doi.org/
        ("cff_cinahl__citation-file-formatting.ris", 2, "10.1371/journal.pone.0298957"),  # only in L3
        ("cff_cochrane_endnote__citation-file-formatting.ris", 1, "10.1186/1745-6215-12-39"),
    ],
)
def test_doi_prefixes_are_removed(name: str, position: int, doi: str) -> None:
    assert _read(name).records[position - 1].doi == doi


def test_doi_from_a_link_when_no_doi_tag(tmp_path: Path) -> None:
    path = tmp_path / "links.ris"
    path.write_text(
        "TY  - JOUR\nTI  - A\nUR  - https://www.cochranelibrary.com/central/doi/10.1002/central/CN-1/full\n"
        "LK  - http://sfx.example/x?sid=EMBASE&id=doi:10.1002%2Fcncr.20369&atitle=B\nER  - \n"
        "TY  - JOUR\nTI  - B\nUR  - https://doi.org/10.1000/ABC.1\nER  - \n",
        encoding="utf-8",
    )
    first, second = read_file(path).records
    assert first.doi == "10.1002/cncr.20369"  # Cochrane's own CENTRAL DOI is not the article's
    assert second.doi == "10.1000/abc.1"


def test_pages_join_start_and_end() -> None:
    assert _read("rispy_basic.ris").records[0].pages == "379-423"
    assert _read("pubmed_via_endnote__asreview.ris").records[0].pages == "349-69"
    assert _read("trid_anonymised__colrev.ris").records[1].pages == "37-64"  # 'pp 37-64'
    assert _read("cff_covidence_endnote__citation-file-formatting.ris").records[0].pages == ""


def test_urls_split_on_semicolons_and_spaces() -> None:
    records = _read("rispy_urls.ris").records
    expected = ["http://example.com", "http://www.example.com"]
    assert [r.urls for r in records] == [["http://example.com"], expected, expected, expected]
    eppi = _read("cff_eppireviewer__citation-file-formatting.ris").records[0]
    assert eppi.urls[:2] == [
        "https://www.embase.com/search/results?subaction=viewrecord&id=L643474277&from=export",
        "http://dx.doi.org/10.1186/s12862-024-02210-9",
    ]


def test_unknown_tags_are_kept_in_raw() -> None:
    record = _read("rispy_multi_unknown_tags.ris").records[0]
    tags = [tag for tag, _ in record.raw]
    assert "JP" in tags and "DC" in tags


def test_many_authors_in_order() -> None:
    record = _read("many_authors__asreview.ris").records[0]
    au_lines = (RIS / "many_authors__asreview.ris").read_text(encoding="utf-8").count("\nAU  - ")
    assert len(record.authors) == au_lines > 1000
