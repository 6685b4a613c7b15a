"""Normalisation of the fields deduplication compares, one rule at a time."""

from __future__ import annotations

import pytest

from screener.core.dedup import (
    journals_match,
    normalise_author,
    normalise_doi,
    normalise_journal,
    normalise_pages,
    normalise_title,
)
from screener.core.dedup.features import analyse_title, strip_bracket_notes, title_numbers

# --- titles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Peer Support In MENTAL Health", "peer support in mental health"),  # case
        ("Peer support: a review.", "peer support a review"),  # punctuation, trailing period
        ("Peer support; (a review)!", "peer support a review"),
        ("Peer support &amp; recovery", "peer support recovery"),  # HTML entity
        ("Hemolytic&ndash;uremic syndrome", "hemolytic uremic syndrome"),
        ("Hemolytic&#8211;uremic syndrome", "hemolytic uremic syndrome"),
        ("Hemolytic\u2013uremic syndrome", "hemolytic uremic syndrome"),  # en dash
        ("Hemolytic\u2014uremic syndrome", "hemolytic uremic syndrome"),  # em dash
        ("Hemolytic\u2010uremic syndrome", "hemolytic uremic syndrome"),  # Unicode hyphen
        ("Caf\u00e9 workers in M\u00fcnchen", "cafe workers in munchen"),  # diacritics
        ("Cafe\u0301 workers", "cafe workers"),  # combining accent
        ("\u00c6rztliche Stra\u00dfe in \u00d8stfold", "aerztliche strasse in ostfold"),
        ("Patients' views of symptom's", "patients views of symptoms"),  # apostrophes go
        ("Patients\u2019 views", "patients views"),
        ("<i>In vitro</i> study", "in vitro study"),  # markup
        ("  Too   many    spaces  ", "too many spaces"),
    ],
)
def test_normalise_title(raw: str, expected: str) -> None:
    assert normalise_title(raw) == expected


def test_title_variants_normalise_to_the_same_string() -> None:
    variants = [
        "Atypical Hemolytic\u2013Uremic Syndrome.",
        "Atypical hemolytic-uremic syndrome",
        "ATYPICAL HEMOLYTIC&ndash;URAEMIC SYNDROME".replace("URAEMIC", "UREMIC"),
    ]
    assert len({normalise_title(v) for v in variants}) == 1


def test_bracket_notes_are_dropped_but_a_bracketed_title_is_kept() -> None:
    assert strip_bracket_notes("Clinical aspects. [Japanese]").strip() == "Clinical aspects."
    kept = strip_bracket_notes("[Clinical aspects of the complement system]. [Japanese]")
    assert normalise_title(kept) == "clinical aspects of the complement system"
    nested = "Eculizumab for aHUS.[Erratum appears in N Engl J Med. 2009;360(23):2487 [x]]"
    assert normalise_title(strip_bracket_notes(nested)) == "eculizumab for ahus"
    assert normalise_title(strip_bracket_notes("Title [Review] [16 refs] [Romanian]")) == "title"


@pytest.mark.parametrize(
    ("raw", "title", "kinds"),
    [
        ("Correction to: Peer support in psychosis", "peer support in psychosis", {"correction"}),
        ("Erratum: Peer support in psychosis", "peer support in psychosis", {"correction"}),
        ("Corrigendum to Peer support", "peer support", {"correction"}),
        (
            "Peer support in psychosis (vol 12, pg 345, 2019)",
            "peer support in psychosis",
            {"correction"},
        ),
        (
            "Peer support (Journal of Trials (2019) 12 (345-350))",
            "peer support",
            {"correction"},
        ),
        ("Retraction: Peer support in psychosis", "peer support in psychosis", {"retraction"}),
        # "RETRACTED:" marks the retracted article itself (Elsevier) or a notice (Hindawi)
        ("Retracted: Peer support in psychosis", "peer support in psychosis", {"retracted"}),
        ("RETRACTED ARTICLE: Peer support", "peer support", {"retracted"}),
        ("Retraction Note: Peer support in psychosis", "peer support in psychosis", {"retraction"}),
        ("Expression of concern: Peer support", "peer support", {"concern"}),
        ("Editorial Expression of Concern: Peer support", "peer support", {"concern"}),
        ("Editorial: Peer support in psychosis", "peer support in psychosis", {"editorial"}),
        ("Re: Peer support in psychosis", "peer support in psychosis", {"comment"}),
        ('Letter to the editor regarding "Peer support"', "peer support", {"comment"}),
        ("Letter: Peer support in psychosis - authors' reply", "peer support in psychosis", {"reply"}),
        ("Reply to: Comment on: Peer support", "peer support", {"reply"}),  # the outermost
        ("In reply: Peer support in psychosis", "peer support in psychosis", {"reply"}),
        ("Authors' reply", "", {"reply"}),
        ("Erratum", "", {"correction"}),
        ('Corrigendum to "Peer support" [J Trials 12 (2019) 34-40]', "peer support", {"correction"}),
        # as databases title them in other languages
        ("Berichtigung: Peer support in psychosis", "peer support in psychosis", {"correction"}),
        ("Fe de errores: Apoyo entre pares", "apoyo entre pares", {"correction"}),
        ("Kommentar zu: Peer support", "peer support", {"comment"}),
        ("Erwiderung zu: Peer support", "peer support", {"reply"}),
        ("R\u00e9ponse \u00e0: Soutien par les pairs", "soutien par les pairs", {"reply"}),
        # one word opens a notice only before a separator
        ("Correction of hyponatraemia in children", None, set()),
        ("Response to eculizumab in atypical HUS", None, set()),
        ("Letter writing as a therapy", None, set()),
        ("Re-evaluation of peer support", None, set()),
        ("Editorial boards and gender", None, set()),
        ("Peer support in psychosis - Reply", "peer support in psychosis", {"reply"}),
        ("Reply to: Peer support in psychosis", "peer support in psychosis", {"reply"}),
        ("Comment on: Peer support in psychosis", "peer support in psychosis", {"comment"}),
        (
            "Peer support in psychosis: study protocol for a randomised trial",
            "peer support in psychosis study protocol for a randomised trial",
            {"protocol"},
        ),
        ("Peer support: rationale and design of the PEER trial", None, {"protocol"}),
        ("Peer support in psychosis.[Erratum appears in J Trials 2019;12:400]", None, set()),
        ("Peer support in psychosis: a randomised trial", None, set()),
    ],
)
def test_notice_kinds(raw: str, title: str | None, kinds: set[str]) -> None:
    found_title, found_kinds = analyse_title(raw)
    assert found_kinds == kinds
    if title is not None:
        assert found_title == title


def test_title_numbers() -> None:
    assert title_numbers("management of asthma part 1") == {"1"}
    assert title_numbers("a phase ii trial of drug x") == {"ii"}
    assert title_numbers("type b lesions in cd46 mutants") == {"b", "cd46"}
    assert title_numbers("peer support in psychosis") == frozenset()


# --- authors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Moran, G.S.",
        "Moran GS",
        "Galia S. Moran",
        "Moran, Galia S.",
        "MORAN, GALIA S",
        "Moran, G. S.",
    ],
)
def test_author_formats_give_surname_and_initials(name: str) -> None:
    assert normalise_author(name) == "moran gs"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("van der Berg, Jan", "van der berg j"),
        ("Jan van der Berg", "van der berg j"),
        ("Nürnberger, Jens", "nurnberger j"),
        ("O'Leary, Kelly", "oleary k"),
        ("Savell, V. H., Jr.", "savell vh"),
        ("John Smith Jr.", "smith j"),
        ("Smith JR", "smith jr"),  # Vancouver initials, not "Junior"
        ("Xu, Shi-fen", "xu sf"),
        ("Sberro-Soussan, R.", "sberro soussan r"),
        ("Juan-Wu, null", "juan wu"),
        ("Shin", "shin"),
        ("null", ""),
        ("", ""),
    ],
)
def test_normalise_author(name: str, expected: str) -> None:
    assert normalise_author(name) == expected


# --- pages, DOI, journal -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("850-57", "850-857"),
        ("850-857", "850-857"),
        ("850\u2013857", "850-857"),  # en dash
        ("pp. 850-7", "850-857"),
        ("850 - 857", "850-857"),
        ("1844-59", "1844-1859"),
        ("1875-1875", "1875"),
        ("e158-66", "e158-e166"),
        ("C219-C235", "c219-c235"),
        ("S12", "s12"),
        ("532, 534-6", "532,534-536"),
        ("", ""),
    ],
)
def test_normalise_pages(raw: str, expected: str) -> None:
    assert normalise_pages(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "10.1000/ABC.123",
        "doi:10.1000/abc.123",
        "DOI: 10.1000/abc.123",
        "https://doi.org/10.1000/abc.123",
        "http://dx.doi.org/10.1000/ABC.123",
        "dx.doi.org/10.1000/abc.123",
        " 10.1000/abc.123. ",
    ],
)
def test_normalise_doi(raw: str) -> None:
    assert normalise_doi(raw) == "10.1000/abc.123"


def test_normalise_journal() -> None:
    assert normalise_journal("J. Am. Soc. Nephrol.") == "j am soc nephrol"
    assert normalise_journal("Stroke (00392499)") == "stroke"
    assert normalise_journal("Diabetes & Metabolism") == "diabetes and metabolism"
    assert normalise_journal("Pediatric Nephrology.Conference: 44th Annual Meeting") == (
        "pediatric nephrology"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nat Rev Nephrol", "Nature Reviews Nephrology"),
        ("J Am Soc Nephrol", "Journal of the American Society of Nephrology"),
        ("N Engl J Med", "New England Journal of Medicine"),
        ("New Engl J Med", "The New England Journal of Medicine"),
        ("Pediatr Nephrol.", "Pediatric Nephrology"),
        ("Diabetes & metabolism", "Diabetes and Metabolism"),
        ("Zhongguo zhen jiu", "Zhongguo Zhenjiu"),
        ("Stroke (00392499)", "Stroke; a journal of cerebral circulation"),
        ("Clin J Am Soc Nephrol", "Clinical Journal of the American Society of Nephrology"),
    ],
)
def test_journal_abbreviations_match_full_names(a: str, b: str) -> None:
    assert journals_match(a, b)
    assert journals_match(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nat Rev Nephrol", "Nature Reviews Neurology"),
        ("Kidney International", "Pediatric Nephrology"),
        ("J Clin Oncol", "Journal of Clinical Endocrinology"),
        ("", "Stroke"),
    ],
)
def test_different_journals_do_not_match(a: str, b: str) -> None:
    assert not journals_match(a, b)


# --- identifiers found elsewhere -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/jcpp.13411", "10.1002/jcpp.13411"),
        ("http://dx.doi.org/10.1016/S0140-6736(20)30183-5.", "10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.1000%2Fabc?x=1", "10.1000/abc"),
        ("see doi 10.1176/appi.ps.201100512; and more", "10.1176/appi.ps.201100512"),
        ("https://www.cochranelibrary.com/central/doi/10.1002/central/CN-01234567/full", ""),
        ("https://www.scopus.com/inward/record.uri?eid=2-s2.0-85", ""),
    ],
)
def test_doi_in_links_and_text(text: str, doi: str) -> None:
    from screener.core.dedup.normalise import doi_in

    assert doi_in(text) == doi


@pytest.mark.parametrize(
    ("text", "pmid"),
    [
        ("https://pubmed.ncbi.nlm.nih.gov/22910855/", "22910855"),
        ("http://www.ncbi.nlm.nih.gov/pubmed/22910855", "22910855"),
        ("Export Date: 1 May 2024; PMID: 22910855", "22910855"),
        ("23690738[pmid]", "23690738"),
        ("Cited By: 12", ""),
    ],
)
def test_pmid_in_links_and_notes(text: str, pmid: str) -> None:
    from screener.core.dedup.normalise import pmid_in

    assert pmid_in(text) == pmid


def test_a_doi_in_a_link_and_a_pmid_in_the_notes_make_records_certain() -> None:
    from screener.core.dedup import explain, find_duplicates
    from screener.types import DedupRecord, run_work

    title = "Peer support for people with psychosis in community mental health services"
    who = {"authors": ["Moran, G.", "Russinova, Z."], "year": 2012}
    a = DedupRecord(1, title=title, doi="10.1002/jcpp.13411", pmid="22910855", **who)  # type: ignore[arg-type]
    b = DedupRecord(2, title=title + ".", urls=["https://onlinelibrary.wiley.com/doi/10.1002/JCPP.13411"],
                    **who)  # type: ignore[arg-type]
    c = DedupRecord(3, title=title.upper(), notes="Export Date: 1 May 2024; PMID: 22910855",
                    **who)  # type: ignore[arg-type]
    assert explain(b, c).verdict == "certain" and explain(a, b).rule == "same DOI and title"
    assert explain(a, c).rule == "same PMID"
    result = run_work(find_duplicates([a, b, c]))
    assert sorted((x, y) for x, y, _ in result.certain) == [(1, 2), (1, 3), (2, 3)]
