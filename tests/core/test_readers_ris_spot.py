"""Spot checks: one record of every RIS fixture, its fields as read by hand from the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.core.readers import read_file
from screener.types import ParsedRecord

RIS = Path(__file__).resolve().parents[1] / "data" / "ris"

DINO_SCALES = (
    "Cellular structure of dinosaur scales reveals retention of reptile-type skin during the "
    "evolutionary transition to feathers"
)
HAPLOCANTHOSAURUS = "Description of a new specimen of Haplocanthosaurus from the Dry Mesa Dinosaur Quarry"
BASELINE_1 = (
    "The Value of Radiologic Interventions and 18 F-DOPA PET in Diagnosing and Localizing Focal "
    "Congenital Hyperinsulinism: Systematic Review and Meta-Analysis"
)
COCHRANE_1 = (
    "The Incredible Years Therapeutic Dinosaur Programme to build social and emotional competence in "
    "Welsh primary schools: study protocol for a randomised controlled trial"
)
SELF_CRITICISM = (
    "The influence of self-criticism on depression symptoms among ambulatory patients with "
    "inflammatory bowel disease."
)
SHANNON = {
    "title": "A Mathematical Theory of Communication",
    "first_author": "Shannon, Claude E.",  # 'Shannon,Claude E.' with the space put in
    "year": 1948,
    "journal": "Bell System Technical Journal",
    "volume": "27",
}
RISPY_FULL = {"title": "Title of reference", "authors": ["Marx, Karl", "Lindgren, Astrid"], "year": 2014,
              "journal": "Lorem", "volume": "9", "issue": "3", "keywords": ["Pippi", "Nordwind", "Piraten"]}
COCHRANE = {"title": COCHRANE_1, "first_author": "Bywater, T", "year": 2011, "journal": "Trials",
            "volume": "12", "pages": "39", "doi": "10.1186/1745-6215-12-39"}
COVIDENCE = {"title": DINO_SCALES, "first_author": "Yang, Z.", "year": 2024, "journal": "Nature Communications",
             "volume": "15", "issue": "1", "doi": "10.1038/s41467-024-48400-3"}
BASELINE = {"title": BASELINE_1, "first_author": "Blomberg, Björn A.", "year": 2012,
            "journal": "Molecular imaging and biology", "pages": "97-105", "volume": "15", "issue": "1",
            "doi": "10.1007/s11307-012-0572-0"}

# file → (position, {field: expected}); "first_author" is authors[0].
SPOT: dict[str, tuple[int, dict[str, Any]]] = {
    "aip_publisher_leading_blank_lines__jabref.ris": (1, {
        "first_author": "Shi, Yu", "year": 2013, "doi": "10.1063/1.4814070", "volume": "139", "issue": "4",
        "pages": "044504"}),
    "apa_psycinfo_anonymised__colrev.ris": (1, {
        "title": "Primary Title", "journal": "Journal/Periodical name: full format", "year": 2020,
        "pages": "1023-1095", "volume": "34"}),
    "cff_baseline_asreview__citation-file-formatting.ris": (1, BASELINE),
    "cff_cinahl__citation-file-formatting.ris": (1, {
        "title": "Osteohistological insight into the growth dynamics of early dinosaurs and their contemporaries.",
        "first_author": "Curry Rogers, Kristina", "year": 2024, "journal": "PLoS ONE", "pages": "1-60"}),
    "cff_citavi__citation-file-formatting.ris": (1, {
        "title": "Postoperative headache after surgical treatment of cerebellopontine angle tumors: a systematic review",
        "first_author": "Pogoda, Louis", "year": 2021, "doi": "10.1007/s00405-021-06627-6",
        "pages": "3643-3651", "volume": "278", "issue": "10"}),
    "cff_cochrane_endnote__citation-file-formatting.ris": (1, COCHRANE),
    "cff_cochrane_procite__citation-file-formatting.ris": (1, COCHRANE),
    "cff_cochrane_refman__citation-file-formatting.ris": (1, COCHRANE),
    "cff_covidence_endnote__citation-file-formatting.ris": (1, COVIDENCE),
    "cff_covidence_mendeley__citation-file-formatting.ris": (1, COVIDENCE),
    "cff_covidence_refworks__citation-file-formatting.ris": (1, COVIDENCE),
    "cff_covidence_zotero__citation-file-formatting.ris": (1, COVIDENCE),
    "cff_embase__citation-file-formatting.ris": (1, {**COVIDENCE, "pmid": "38773066"}),
    "cff_endnote__citation-file-formatting.ris": (1, {
        "title": HAPLOCANTHOSAURUS, "first_author": "Boisvert, C.", "year": 2024, "doi": "10.1002/ar.25520",
        "journal": "Anatomical Record"}),
    "cff_eppireviewer__citation-file-formatting.ris": (1, {
        "title": "A juvenile bird with possible crown-group affinities from a dinosaur-rich Cretaceous "
                 "ecosystem in North America",
        "authors": ["Brownstein C D"], "year": 2024, "doi": "10.1186/s12862-024-02210-9",
        "journal": "BMC ecology and evolution", "pages": "20", "keywords_contain": "eppi-reviewer"}),
    "cff_eric_ovid__citation-file-formatting.ris": (1, {
        "title": "Creationism and the Dinosaur Boom.", "authors": ["Stokes, William Lee"], "year": 1989,
        "journal": "Journal of Geological Education", "pages": "24-26", "volume": "37"}),
    "cff_googlescholar__citation-file-formatting.ris": (1, {
        "title": "Did dinosaurs invent flowers? Dinosaur–angiosperm coevolution revisited",
        "authors": ["Barrett, Paul M", "Willis, Katherine J"], "year": 2001, "journal": "Biological Reviews",
        "pages": "411-447", "abstract": ""}),
    "cff_mdpi__citation-file-formatting.ris": (1, {
        "type": "EJOUR", "title": "Oil and the Best Brain of the 20th Century", "authors": ["Banks, Ferdinand E."],
        "year": 2010, "journal": "Energies", "doi": "10.3390/en3050940", "pages": "940-942"}),
    "cff_mendeley__citation-file-formatting.ris": (1, {
        "title": HAPLOCANTHOSAURUS, "first_author": "Boisvert, C", "journal": "Anatomical Record", "year": 2024}),
    "cff_openalex__citation-file-formatting.ris": (1, {
        "title": "A bioprovince for the Barremian–Aptian charophytes of the Central Tethyan Archipelago",
        "first_author": "Vicente, Alba", "journal": "Cretaceous Research", "doi": "10.1016/j.cretres.2023.105752",
        "pages": "105752", "volume": "154"}),
    "cff_psychInfo_ovid__citation-file-formatting.ris": (1, {
        "title": "DINOSAUR: An integrated cognitive-behavioral treatment for anxiety in young children with ASD.",
        "authors": ["Keefer, Amy", "Vasa, Roma A"], "year": 2021, "journal": "Journal of Neurodevelopmental Disorders",
        "volume": "13"}),
    "cff_rayyan__citation-file-formatting.ris": (1, {
        "title": DINO_SCALES, "journal": "Nat. Commun.", "year": 2024, "first_author": "Yang, Z."}),
    "cff_refworks__citation-file-formatting.ris": (1, {
        "title": HAPLOCANTHOSAURUS, "first_author": "Boisvert, C.", "journal": "Anatomical Record",
        "doi": "10.1002/ar.25520", "year": 2024}),
    "cff_scopus__citation-file-formatting.ris": (1, {
        "title": "Global latitudinal gradients and the evolution of body size in dinosaurs and mammals",
        "first_author": "Wilson, L.N.", "year": 2024, "journal": "Nature Communications",
        "doi": "10.1038/s41467-024-46843-2", "pmid": "38580657"}),
    "cff_webofscience__citation-file-formatting.ris": (1, {
        "title": "New Horned Dinosaurs from Utah Provide Evidence for Intracontinental Dinosaur Endemism",
        "first_author": "Sampson, SD", "year": 2010, "journal": "PLOS ONE", "doi": "10.1371/journal.pone.0012292",
        "volume": "5", "issue": "9"}),
    "cff_zotero__citation-file-formatting.ris": (1, COVIDENCE),
    "embase__asreview.ris": (1, {
        "title": "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound",
        "authors": ["Liu R.", "Adler D.G."], "year": 2014, "journal": "Endoscopic Ultrasound",
        "doi": "10.4103/2303-9027.138783", "pages": "152-160"}),
    "empty_values__asreview.ris": (2, {"title": "", "abstract": "Lorem ipsum dolor sit amet, consectetuer adipiscing elit."}),
    "faulty_year__asreview.ris": (1, {"year": None, "title_starts": "The Value of Radiologic Interventions"}),
    "ieee_xplore_anonymised__colrev.ris": (1, {
        "type": "CONF", "title": "Title of a conference paper", "first_author": "A. Author-One", "year": 2020,
        "pages": "183-186"}),
    "jabref_malformed_stress__jabref.ris": (9, {"type": "CONF", "year": 2001, "pages": "193-194"}),
    "jstor_anonymised__colrev.ris": (1, {
        "title": "This is the title - charset UTF-8 used", "authors": ["Lastname, Firstname"], "year": 2016,
        "journal": "Random Technology", "pages": "30-33", "volume": "56"}),
    "lens_baseline__asreview.ris": (1, BASELINE),
    "loader_edgecases__colrev.ris": (2, {
        "type": "JOUR", "title": "Title of a journal paper", "year": 2017, "doi": "10.1111/mc.2017.66",
        "pages": "14-25", "volume": "50", "issue": "3"}),
    "many_authors__asreview.ris": (1, {"title": "This is the title", "first_author": "Verylongname, Christopher",
                                       "abstract": "This is a random text"}),
    "ovid_psycinfo__asreview.ris": (1, {
        "title": SELF_CRITICISM, "year": 2019, "journal": "Clinical Psychology & Psychotherapy"}),
    "ovid_via_zotero__asreview.ris": (1, {
        "title": SELF_CRITICISM, "first_author": "Trindade, Ines A", "year": 2019,
        "journal": "Clinical Psychology & Psychotherapy"}),
    "pmc_multiple_PY__jabref.ris": (1, {
        "title": "Chelation: Harnessing and Enhancing Heavy Metal Detoxification—A Review",
        "authors": ["Sears, Margaret E"], "year": 2013, "volume": "2013", "pages": "219840", "pmid": "23690738"}),
    "proquest__asreview.ris": (1, {
        "title": "Predictors of posttraumatic stress symptom trajectories following the fatal 2011 "
                 "Christchurch, New Zealand earthquake",
        "first_author": "Jones, Hannah", "year": 2019, "journal": "Journal of Traumatic Stress"}),
    "proquest_abi_inform_anonymised__colrev.ris": (1, {
        "type": "THES", "title": "Thesis title", "authors": ["Smith, John"], "year": 2020,
        "journal": "ProQuest Dissertations and Theses"}),
    "pubmed_via_endnote__asreview.ris": (1, {
        "title": "Boswellia serrata: an overall assessment of in vitro, preclinical, pharmacokinetic and clinical data",
        "first_author": "Abdel-Tawab, M.", "year": 2011, "journal": "Clin Pharmacokinet", "volume": "50",
        "issue": "6", "doi": "10.2165/11586800-000000000-00000", "keywords_contain": "Boswellia/*chemistry"}),
    "pubmed_via_zotero__asreview.ris": (1, {
        "title": "The importance of cognitive flexibility and flexibility in coping with stress for the quality "
                 "of life in inflammatory bowel disease patients during biological therapy. A preliminary report.",
        "first_author": "Rudnik, Agata", "year": 2019, "journal": "Przeglad gastroenterologiczny",
        "doi": "10.5114/pg.2018.81081", "pages": "121-128", "volume": "14", "issue": "2"}),
    "rayyan_export_issue992__asreview.ris": (1, {
        "title": "Overcoming Medication Reconciliation Challenges", "year": 2011,
        "journal": "Joint Commission Perspectives on Patient Safety", "pages": "1-5", "volume": "11"}),
    "rispy_basic.ris": (1, {**SHANNON, "pages": "379-423"}),
    "rispy_bom.ris": (1, {"type": "JOUR", "doi": "10.1186/s40981-020-0316-0"}),
    "rispy_custom_list_tags.ris": (1, {"authors": ["Marx, Karl", "Marxus, Karlus"]}),
    "rispy_empty_tag.ris": (1, {
        "title": "Outcome Measures After Shoulder Stabilization in the Athletic Population: A Systematic "
                 "Review of Clinical and Patient-Reported Metrics",
        "authors": ["Fanning E."], "year": 2020, "journal": "Orthopaedic Journal of Sports Medicine",
        "doi": "10.1177/2325967120950040", "pages": ""}),
    "rispy_extraneous_data.ris": (1, RISPY_FULL),
    "rispy_full.ris": (1, RISPY_FULL),
    "rispy_full_without_whitespace.ris": (1, RISPY_FULL),
    "rispy_multi_unknown_tags.ris": (1, {**SHANNON, "pages": "423"}),  # EP only
    "rispy_multiline.ris": (3, {"abstract": "first line,\nER then second line and at the end\nthe last line"}),
    "rispy_single_unknown_tag.ris": (1, {**SHANNON, "pages": "379-423"}),
    "rispy_starting_newlines.ris": (1, {**SHANNON, "pages": "379-423"}),
    "rispy_urls.ris": (4, {**SHANNON, "urls": ["http://example.com", "http://www.example.com"]}),
    "rispy_utf_chars.ris": (1, {
        "type": "Journal Article",
        "title": "Состояние рецепторного аппарата эндометрия и метаболизм эстрогенов при гиперплазиях "
                 "эндометрия в позднем репродуктивном периоде",  # only the short title ST
        "first_author": "Dobrokhotova, Yu E.", "year": 2009, "journal": "Gynecology, Obstetrics and Perinatology",
        "volume": "8", "issue": "3", "pages": "52-57", "notes": "Ä,Ö,Ü,ä,ö,ü,ß"}),
    "scopus__asreview.ris": (1, {
        "title": "Stress and the brain-gut axis in functional and chronic-inflammatory gastrointestinal "
                 "diseases: A transdisciplinary challenge",
        "first_author": "Labanski, A.", "year": 2020, "journal": "Psychoneuroendocrinology",
        "doi": "10.1016/j.psyneuen.2019.104501", "volume": "111"}),
    "scopus_issue1099__asreview.ris": (1, {
        "title": "Design and prototyping of directly driven outer rotor permanent magnet generator for small "
                 "scale wind turbines",
        "first_author": "Vaimann, T.", "year": 2018, "journal": "Advances in Electrical and Electronic Engineering",
        "doi": "10.15598/aeee.v16i3.2698", "pages": "271-278", "volume": "16", "issue": "3"}),
    "scopus_jabref__jabref.ris": (1, {
        "title": "A transversely isotropic composite with a statistical distribution of spheroidal inclusions: "
                 "A geometrical approach to overall properties",
        "first_author": "Federico, S.", "year": 2004, "journal": "Journal of the Mechanics and Physics of Solids",
        "doi": "10.1016/j.jmps.2004.03.010", "pages": "2309-2327", "volume": "52", "issue": "10"}),
    "seed_scopus_single_space_tags.ris": (1, {"authors": ["Moran, Galia S."], "year": 2025, "pmid": "39801361"}),
    "tag_field_defs__asreview.ris": (1, {"title": "Primary Title", "journal": "Secondary Title", "volume": "Volume"}),
    "tag_field_defs_lists__asreview.ris": (1, {
        "authors": ["First Author 1", "First Author 2", "Author 1", "Author 2"],
        "keywords": ["Keywords 1", "Keywords 2"], "notes": "Notes 1\n\nNotes 2"}),
    "tag_notes__asreview.ris": (1, {"title": "Only title", "notes": "Start with a regular notes field."}),
    "tag_notes_labels__asreview.ris": (1, {
        "title": 'Record which is labeled "relevant" by the researcher using ASReview.',
        "notes": "ASReview_relevant\n\nASReview_prior"}),
    "trid_anonymised__colrev.ris": (1, {
        "type": "ABST", "title": "Title of this citation", "year": 2017, "abstract": "This is the abstract",
        "keywords": ["Keyword one", "Keyword two", "Keyword three"]}),
    "wos__asreview.ris": (1, {
        "title": "Holding Yourself Captive: Perceptions of Custody During Interviews and Interrogations",
        "first_author": "Alceste, F", "year": 2018, "journal": "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION",
        "doi": "10.1016/j.jarmac.2018.03.001", "pages": "387-397", "volume": "7", "issue": "3"}),
    "zotero_baseline__asreview.ris": (1, {
        "title": "An open source machine learning framework for efficient and transparent systematic reviews",
        "first_author": "van de Schoot, Rens", "year": 2021, "journal": "Nature Machine Intelligence",
        "doi": "10.1038/s42256-020-00287-7", "pages": "125-133", "volume": "3", "issue": "2"}),
    "zotero_tag_notes__asreview.ris": (1, {
        "title": "Zotero: notes in records come with XHTML tags around them.",
        "notes": "<p>XHTML</p> tags should be stripped, leaving content intact."}),
}


def _value(record: ParsedRecord, key: str) -> Any:
    return record.authors[0] if key == "first_author" else getattr(record, key)


# Every record of this one is a type and a note, nothing to screen: all are skipped
# (tests/core/test_readers_ris.py checks that).
NO_RECORD_TO_SCREEN = {"endnote_reference_types__asreview.ris"}


def test_every_ris_fixture_is_spot_checked() -> None:
    assert set(SPOT) == {p.name for p in RIS.glob("*.ris")} - {"rispy_wos.ris"} - NO_RECORD_TO_SCREEN


@pytest.mark.parametrize("name", sorted(SPOT))
def test_spot_check(name: str) -> None:
    position, expected = SPOT[name]
    record = next(r for r in read_file(RIS / name).records if r.position == position)
    for key, value in expected.items():
        if key == "title_starts":
            assert record.title.startswith(value), key
        elif key == "keywords_contain":
            assert value in record.keywords, key
        else:
            assert _value(record, key) == value, key
