"""The source of an export, told by its records (``DB  - APA PsycInfo``), on real exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.readers.source_guess import guess_source

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(("name", "source"), [
    ("ris/cff_psychInfo_ovid__citation-file-formatting.ris", "PsycINFO"),  # DB  - APA PsycInfo <2021>
    ("ris/cff_eric_ovid__citation-file-formatting.ris", "ERIC"),
    ("ris/cff_embase__citation-file-formatting.ris", "Embase"),  # DB Embase, then DB Medline
    ("ris/embase__asreview.ris", "Embase"),
    ("ris/cff_scopus__citation-file-formatting.ris", "Scopus"),
    ("ris/cff_webofscience__citation-file-formatting.ris", "Web of Science"),  # AN  - WOS:…
    ("ris/cff_cochrane_endnote__citation-file-formatting.ris", "Cochrane CENTRAL"),  # AN  - CN-…
    ("ris/pubmed_via_endnote__asreview.ris", "PubMed"),  # DP  - NLM
    ("nbib/pubmed_medline__citation-file-formatting.nbib", "PubMed"),
    ("ris/cff_cinahl__citation-file-formatting.ris", None),  # DB aph: Academic Search, not CINAHL
    ("ris/lens_baseline__asreview.ris", None),
    ("csv/Cohen_2006_ADHD.csv", None),
])
def test_the_database_is_read_from_the_records(name: str, source: str | None) -> None:
    assert guess_source(str(DATA / name)) == source


def test_ovid_medline_and_its_siblings(tmp_path: Path) -> None:
    record = (DATA / "ris" / "seed_scopus_single_space_tags.ris").read_text(encoding="utf-8")
    for db, source in (("Ovid MEDLINE(R) ALL <1946 to November 14, 2026>", "MEDLINE (Ovid)"),
                       ("Embase <1974 to 2026 November 14>", "Embase"),
                       ("APA PsycInfo <1806 to November Week 2 2026>", "PsycINFO"),
                       ("CINAHL Complete", "CINAHL")):
        path = tmp_path / "export.ris"
        path.write_text(record.replace("TY - JOUR", f"TY - JOUR\nDB  - {db}", 1), encoding="utf-8")
        assert guess_source(str(path)) == source, db
    assert guess_source(str(tmp_path / "missing.ris")) is None
