"""RIS reading: every real export fixture, the seed record, and the RIS quirks one by one.

Expected values were read by hand from the files in tests/data/ris/ (and the record counts
from the TY lines, as listed in shared/fixtures/ris/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.readers import detect_format, read_file
from screener.core.readers.clean import NO_CONTENT
from screener.types import ImportFormatError

RIS = Path(__file__).resolve().parents[1] / "data" / "ris"

# Records really in each file: its TY lines (tag_field_defs has 2 ER but one TY; the
# jabref stress file's 11 TY lines are 11 records, 9 of them only a type).
RECORDS_IN_FILE = {
    "aip_publisher_leading_blank_lines__jabref.ris": 1,
    "apa_psycinfo_anonymised__colrev.ris": 1,
    "cff_baseline_asreview__citation-file-formatting.ris": 100,
    "cff_cinahl__citation-file-formatting.ris": 9,
    "cff_citavi__citation-file-formatting.ris": 100,
    "cff_cochrane_endnote__citation-file-formatting.ris": 3,
    "cff_cochrane_procite__citation-file-formatting.ris": 3,
    "cff_cochrane_refman__citation-file-formatting.ris": 3,
    "cff_covidence_endnote__citation-file-formatting.ris": 10,
    "cff_covidence_mendeley__citation-file-formatting.ris": 10,
    "cff_covidence_refworks__citation-file-formatting.ris": 10,
    "cff_covidence_zotero__citation-file-formatting.ris": 10,
    "cff_embase__citation-file-formatting.ris": 10,
    "cff_endnote__citation-file-formatting.ris": 10,
    "cff_eppireviewer__citation-file-formatting.ris": 10,
    "cff_eric_ovid__citation-file-formatting.ris": 10,
    "cff_googlescholar__citation-file-formatting.ris": 10,
    "cff_mdpi__citation-file-formatting.ris": 11,
    "cff_mendeley__citation-file-formatting.ris": 10,
    "cff_openalex__citation-file-formatting.ris": 9,
    "cff_psychInfo_ovid__citation-file-formatting.ris": 10,
    "cff_rayyan__citation-file-formatting.ris": 10,
    "cff_refworks__citation-file-formatting.ris": 10,
    "cff_scopus__citation-file-formatting.ris": 10,
    "cff_webofscience__citation-file-formatting.ris": 10,
    "cff_zotero__citation-file-formatting.ris": 10,
    "embase__asreview.ris": 6,
    "empty_values__asreview.ris": 4,
    "endnote_reference_types__asreview.ris": 61,
    "faulty_year__asreview.ris": 1,
    "ieee_xplore_anonymised__colrev.ris": 2,
    "jabref_malformed_stress__jabref.ris": 11,
    "jstor_anonymised__colrev.ris": 4,
    "lens_baseline__asreview.ris": 100,
    "loader_edgecases__colrev.ris": 2,
    "many_authors__asreview.ris": 1,
    "ovid_psycinfo__asreview.ris": 6,
    "ovid_via_zotero__asreview.ris": 6,
    "pmc_multiple_PY__jabref.ris": 1,
    "proquest__asreview.ris": 6,
    "proquest_abi_inform_anonymised__colrev.ris": 2,
    "pubmed_via_endnote__asreview.ris": 6,
    "pubmed_via_zotero__asreview.ris": 6,
    "rayyan_export_issue992__asreview.ris": 19,
    "rispy_basic.ris": 1,
    "rispy_bom.ris": 1,
    "rispy_custom_list_tags.ris": 1,
    "rispy_empty_tag.ris": 1,
    "rispy_extraneous_data.ris": 2,
    "rispy_full.ris": 2,
    "rispy_full_without_whitespace.ris": 2,
    "rispy_multi_unknown_tags.ris": 1,
    "rispy_multiline.ris": 3,
    "rispy_single_unknown_tag.ris": 1,
    "rispy_starting_newlines.ris": 1,
    "rispy_urls.ris": 4,
    "rispy_utf_chars.ris": 1,
    "scopus__asreview.ris": 6,
    "scopus_issue1099__asreview.ris": 7,
    "scopus_jabref__jabref.ris": 1,
    "seed_scopus_single_space_tags.ris": 1,
    "tag_field_defs__asreview.ris": 1,
    "tag_field_defs_lists__asreview.ris": 1,
    "tag_notes__asreview.ris": 12,
    "tag_notes_labels__asreview.ris": 32,
    "trid_anonymised__colrev.ris": 3,
    "wos__asreview.ris": 10,
    "zotero_baseline__asreview.ris": 100,
    "zotero_tag_notes__asreview.ris": 4,
}
NOT_RIS = {"rispy_wos.ris"}  # Web of Science plain text (FN/PT … EF)


def _read(name: str):  # type: ignore[no-untyped-def]
    return read_file(RIS / name)


def test_the_table_covers_every_ris_fixture() -> None:
    assert set(RECORDS_IN_FILE) | NOT_RIS == {p.name for p in RIS.glob("*.ris")}


# Records with no title, abstract, author or identifier (a type and notes at most): skipped.
NOTHING_TO_SCREEN = {
    "endnote_reference_types__asreview.ris": list(range(1, 62)),  # TY and N1 only
    "jabref_malformed_stress__jabref.ris": [1, 2, 3, 4, 5, 6, 7, 8, 10],  # TY lines only
    "tag_notes__asreview.ris": list(range(2, 13)),  # N1 only
}


@pytest.mark.parametrize("name", sorted(RECORDS_IN_FILE))
def test_every_record_in_a_real_export_is_imported(name: str) -> None:
    result = _read(name)
    assert result.format == "ris"
    assert len(result.records) + len(result.skipped) == RECORDS_IN_FILE[name]
    empty = NOTHING_TO_SCREEN.get(name, [])
    # real exports: nothing is lost but records with nothing in them
    assert [(s.position, s.reason) for s in result.skipped] == [(n, NO_CONTENT) for n in empty]
    kept = [n for n in range(1, RECORDS_IN_FILE[name] + 1) if n not in empty]
    assert [r.position for r in result.records] == kept


@pytest.mark.parametrize("name", sorted(RECORDS_IN_FILE))
def test_raw_keeps_every_tag_line_of_the_record(name: str) -> None:
    """raw holds each record's tag lines in file order (continuation lines joined in)."""
    result = _read(name)
    for record in result.records:
        assert record.raw[0] == ("TY", record.raw[0][1])
        assert all(tag != "ER" for tag, _ in record.raw)


def test_web_of_science_plain_text_is_refused_and_named() -> None:
    with pytest.raises(ImportFormatError, match="Web of Science plain-text"):
        _read("rispy_wos.ris")
    with pytest.raises(ImportFormatError, match="Web of Science"):
        read_file(RIS / "rispy_wos.ris", "ris")


# -- the seed record ------------------------------------------------------------------------


def test_the_seed_record_imports_complete() -> None:
    result = _read("seed_scopus_single_space_tags.ris")
    assert len(result.records) == 1
    seed = result.records[0]
    assert seed.type == "JOUR"
    assert seed.title == (
        "Facing the paradox of professionalizing peer roles in MH services: How addressing "
        "self-disclosure with self-determination theory might help"
    )
    assert seed.authors == ["Moran, Galia S."]
    assert seed.year == 2025
    assert seed.journal == "Epidemiology and Psychiatric Sciences"
    assert seed.doi == "10.1017/s2045796024000751"  # stored lower-case, compared as such
    assert seed.pmid == "39801361"
    assert seed.volume == "34"
    assert seed.abstract.startswith("Peer Support Workers (PSWs) play a crucial role")
    assert seed.abstract.endswith("spectrum of mental health professions globally.")
    assert "Peer Support Workers (PSWs) play" not in seed.notes  # N2 = AB: kept once
    assert seed.keywords == ["mental health services", "peer roles", "recovery orientation", "system change"]
    assert seed.notes == (
        "Publisher Copyright:\n© The Author(s), 2025. Published by Cambridge University Press."
    )
    assert ("AN", "SCOPUS:85215290547") in seed.raw
    assert ("DO", "10.1017/S2045796024000751") in seed.raw  # raw keeps the DOI as written
    assert [tag for tag, _ in seed.raw] == [
        "TY", "T1", "T2", "AU", "N1", "PY", "Y1", "N2", "AB", "KW", "KW", "KW", "KW", "UR",
        "U2", "DO", "M3", "C2", "AN", "SN", "VL", "JO", "JF", "M1",
    ]


def test_detect_format_names_ris_and_medline() -> None:
    assert detect_format(RIS / "seed_scopus_single_space_tags.ris") == "ris"
    assert detect_format(RIS.parent / "nbib" / "pubmed_medline__citation-file-formatting.nbib") == "nbib"
    assert detect_format(RIS.parent / "csv" / "Cohen_2006_Antihistamines.csv") == "csv"


def test_forcing_ris_on_a_medline_file_says_what_it_is() -> None:
    medline = RIS.parent / "nbib" / "pubmed_medline__citation-file-formatting.nbib"
    with pytest.raises(ImportFormatError, match="PubMed MEDLINE file: choose MEDLINE/nbib") as err:
        read_file(medline, "ris")
    assert err.value.path == str(medline)


# -- tag-format quirks ---------------------------------------------------------------------


def test_cochrane_two_spaces_after_the_dash() -> None:
    first = _read("cff_cochrane_endnote__citation-file-formatting.ris").records[0]
    assert first.type == "JOUR"
    assert first.authors[:2] == ["Bywater, T", "Hutchings, J"]
    assert first.journal == "Trials"
    assert first.doi == "10.1186/1745-6215-12-39"
    assert first.pmid == "21314913"  # C3 "PUBMED 21314913"
    assert ("AN", "CN-00778158") in first.raw


def test_tab_separated_tags_and_the_text_after_a_first_er() -> None:
    record = _read("tag_field_defs__asreview.ris").records[0]
    assert record.type == "GEN"
    assert record.authors == ["First Authors", "Authors"]  # "A1<TAB>- First Authors"
    assert ("EP", "End Page") in record.raw and ("JO", "Journal Name") in record.raw
    assert ("UK", "Unknown Tag") in record.raw  # between 'ER - End of Reference' and 'ER'


def test_four_letter_pmid_tag_and_preamble() -> None:
    record = _read("apa_psycinfo_anonymised__colrev.ris").records[0]
    assert record.pmid == "33355555"  # 'PMID  - 33355555'
    assert ("PMID", "33355555") in record.raw
    assert record.authors[0] == "Author-One, Matthias"
    assert record.doi == "10.1011/hea0004444"


def test_a_bom_does_not_lose_the_first_record() -> None:
    result = _read("rispy_bom.ris")
    assert result.encoding == "utf-8-sig"
    assert result.records[0].doi == "10.1186/s40981-020-0316-0"


def test_two_tags_jammed_on_one_line_are_split() -> None:
    record = _read("cff_rayyan__citation-file-formatting.ris").records[0]
    assert record.doi == "10.1038/s41467-024-48400-3"
    assert ("DO", "10.1038/s41467-024-48400-3") in record.raw
    assert any(tag == "LK" and value.startswith("https://utrechtuniversity") for tag, value in record.raw)
    assert ("U2", "L2029880245") in record.raw  # also jammed, after the UR


def test_untagged_keyword_lines_are_keywords_of_their_own() -> None:
    first = _read("rayyan_export_issue992__asreview.ris").records[0]
    assert first.keywords[:4] == ["Health Facility Administration", "Joint Commission", "Standards", "Medication Errors"]
    loader = _read("loader_edgecases__colrev.ris").records[0]
    assert loader.keywords == ["keyword2", "keyword3"]  # "KW - keyword2" then two bare lines


def test_untagged_lines_continue_the_previous_value() -> None:
    records = _read("rispy_multiline.ris").records
    assert records[1].notes == "first line\n* second line\n* last line"
    assert records[1].abstract == "first line,\nER then second line and at the end\nthe last line"
    wos = _read("wos__asreview.ris").records[0]
    assert wos.notes == (
        "Times Cited in Web of Science Core Collection:  5\nTotal Times Cited:  7\nCited Reference Count:  30"
    )


def test_a_bare_cr_inside_an_abstract_is_a_line_break() -> None:
    records = _read("cff_citavi__citation-file-formatting.ris").records
    assert sum("\n" in r.abstract for r in records) > 0
    assert all("\r" not in value for r in records for _, value in r.raw)


def test_missing_er_ends_the_record_at_the_next_ty_with_a_warning() -> None:
    result = _read("loader_edgecases__colrev.ris")
    first, second = result.records
    assert first.type == "CONF" and first.title == "Title of a conference paper"
    assert first.pmid == "12345678"  # 'PMID - 12345678', one space
    assert second.type == "JOUR" and second.title == "Title of a journal paper"
    assert second.line == 26
    assert any("no ER line" in w and "line 2" in w for w in result.warnings)


def test_the_jabref_stress_file() -> None:
    result = _read("jabref_malformed_stress__jabref.ris")
    # 11 TY lines; all but two start records holding nothing but their type
    assert [(r.position, r.type) for r in result.records] == [(9, "CONF"), (11, "THES")]
    assert [s.line for s in result.skipped] == [2, 3, 4, 5, 6, 7, 8, 9, 39]
    conf = result.records[0]
    assert conf.title == "Editorial: Open Source and Empirical Software Engineering:"
    assert conf.year == 2001  # PY 99, YEAR/MONTH/DAY/ are not years; 2001/09/01/ is
    assert conf.pages == "193-194"
    assert conf.authors == ["Cocke", "Harrison, Warren", "Levenshtein", "Morris"]
    assert conf.journal == "Automaton"  # CONF: T2 is the proceedings title
    assert [v for t, v in conf.raw if t == "T1"] == [
        "Editorial: Open Source and Empirical Software Engineering:", "Editorial?", "Editorial", "Editorials",
    ]
    thesis = result.records[1]
    assert thesis.abstract == "abstract0"  # N2, then a different AB …
    assert thesis.notes == "comment2\n\nabstract1"  # … which goes to the notes after N1


def test_tags_after_er_belong_to_the_record_before() -> None:
    record = _read("ovid_psycinfo__asreview.ris").records[0]
    assert ("NL", "Clin Psychol Psychother") in record.raw
    assert not any("Link to the Ovid" in value for _, value in record.raw)
    assert record.pages == ""  # 'SP - No' / 'EP - Specified'
    assert record.doi == "10.1002/cpp.2398"  # 'http://dx.doi.org/' removed
