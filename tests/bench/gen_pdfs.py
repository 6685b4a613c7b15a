"""A folder of generated PDFs for matching, laid out as Zotero's storage/ and EndNote's
.Data/PDF, written by Qt (QTextDocument printed through QPdfWriter; scans painted as
pictures) from the records of a project, with the truth: which record each file is the
report of, and by which route it should be found.

    generate(project, folder, seed) -> list[Truth]

Kinds (each file is one of them):
  doi-text      the DOI printed on page 1, a publisher's file name ("1-s2.0-…-main.pdf")
  doi-xmp       the DOI only in the XMP metadata; page 1 has a running head, not the title
  two-dois      its own DOI and title, and the DOI of another record it cites
  title         the title on page 1, no DOI anywhere, a meaningless file name
  zotero-name   a scan (no text), named as Zotero names files: "Author - Year - Title" (title cut at 100)
  pmid-name     a scan named by its PubMed ID
  copy          a second copy of a file above (must not be attached twice)
  ambiguous     the DOIs of two records and neither title (must not be attached)
  excluded      the report of a record excluded at title/abstract (must not match)
  not-ours      a DOI and title of no record of the project (must not match)
  commentary    quotes a record's title on page 1 but carries its own DOI (must not match)
  scan          a scan with a meaningless name (must not match)
  broken        the first third of a PDF (a download that stopped)
  not-pdf       an HTML page saved as .pdf
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.pdf_factory import make_broken_pdf, make_pdf, make_scanned_pdf


@dataclass(frozen=True)
class Truth:
    file: str
    kind: str
    record_id: int | None  # the record it is the report of (None: none at full text)
    by: str  # the route expected: doi, title, filename; or "" when it must not be matched


def _zotero_name(authors: list[str], year: int | None, title: str) -> str:
    first = (authors[0].split(",")[0] if authors else "Anonymous").strip()
    who = first + (" et al." if len(authors) > 2 else (f" and {authors[1].split(',')[0]}" if len(authors) == 2 else ""))
    clean = re.sub(r'[\\/:*?"<>|]', "", title)[:100].strip()
    return f"{who} - {year or 'n.d.'} - {clean}.pdf"


def generate(records: list, excluded: list, folder: Path, seed: int = 1) -> list[Truth]:  # type: ignore[type-arg]
    """``records``: RecordDetail of records at full text; ``excluded``: some excluded at
    title/abstract. Returns the truth for every file written."""
    rng = random.Random(seed)
    zotero = folder / "Zotero" / "storage"
    endnote = folder / "Library.Data" / "PDF"
    truths: list[Truth] = []
    n = 0

    def place(name: str) -> Path:
        nonlocal n
        n += 1
        if n % 3 == 0:
            return endnote / str(1_000_000_000 + rng.randrange(10 ** 9)) / name
        return zotero / "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8)) / name

    def pii() -> str:
        return f"1-s2.0-S{rng.randrange(10**15):015d}-main.pdf"

    with_doi = [r for r in records if r.doi]
    without = [r for r in records if not r.doi and len(r.title) > 30]
    rng.shuffle(with_doi)
    rng.shuffle(without)
    plan = {"doi-text": with_doi[:45], "doi-xmp": with_doi[45:60], "two-dois": with_doi[60:80],
            "title": without[:70], "zotero-name": without[70:110], "pmid-name": [r for r in without[110:140] if r.pmid][:25]}
    cited = with_doi[80:] or with_doi  # records whose DOI other PDFs cite
    for kind, chosen in plan.items():
        for i, r in enumerate(chosen):
            head = f"{r.journal or 'Journal'} {r.year or ''}"
            if kind == "doi-text":
                path = make_pdf(place(pii()), r.title, dois=(r.doi,), header=head, authors="; ".join(r.authors[:4]))
                truths.append(Truth(str(path), kind, r.record_id, "doi"))
            elif kind == "doi-xmp":
                path = make_pdf(place(f"article{i}.pdf"), "", header=f"Accepted manuscript · {head}",
                                xmp_doi=r.doi, body=r.abstract or "")
                truths.append(Truth(str(path), kind, r.record_id, "doi"))
            elif kind == "two-dois":
                other = cited[i % len(cited)] if cited else r
                path = make_pdf(place(f"download ({i}).pdf"), r.title, dois=(r.doi, other.doi), header=head)
                truths.append(Truth(str(path), kind, r.record_id, "doi"))
            elif kind == "title":
                path = make_pdf(place(f"fulltext{i}.pdf"), r.title, header=head, authors="; ".join(r.authors[:4]))
                truths.append(Truth(str(path), kind, r.record_id, "title"))
            elif kind == "zotero-name":
                path = make_scanned_pdf(place(_zotero_name(r.authors, r.year, r.title)), r.title)
                truths.append(Truth(str(path), kind, r.record_id, "filename"))
            elif kind == "pmid-name":
                path = make_scanned_pdf(place(f"{r.pmid}.pdf"), r.title)
                truths.append(Truth(str(path), kind, r.record_id, "filename"))
    originals = [t for t in truths if t.kind in ("doi-text", "title")]
    for t in originals[:8]:
        copy = place(Path(t.file).name)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(t.file, copy)
        truths.append(Truth(str(copy), "copy", t.record_id, t.by))
    for i in range(6):
        a, b = cited[2 * i % len(cited)], cited[(2 * i + 1) % len(cited)]
        path = make_pdf(place(f"combined{i}.pdf"), "", dois=(a.doi, b.doi), header="Supplementary material")
        truths.append(Truth(str(path), "ambiguous", None, ""))
    for r in excluded[:12]:
        path = make_pdf(place(pii()), r.title, dois=(r.doi,) if r.doi else ())
        truths.append(Truth(str(path), "excluded", None, ""))
    for i in range(10):
        path = make_pdf(place(f"paper{i}.pdf"), f"An unrelated study number {i} of something else entirely",
                        dois=(f"10.9999/unrelated.{i}",))
        truths.append(Truth(str(path), "not-ours", None, ""))
    for i, r in enumerate(with_doi[:4] + without[:4]):  # records with and without a DOI of their own
        path = make_pdf(place(f"comment{i}.pdf"), f"Commentary on: {r.title}", dois=(f"10.9999/comment.{i}",))
        truths.append(Truth(str(path), "commentary", None, ""))
    for i in range(6):
        path = make_scanned_pdf(place(f"scan{i:04d}.pdf"), "A page from a scanner")
        truths.append(Truth(str(path), "scan", None, ""))
    for t in originals[8:18]:
        path = make_broken_pdf(place(f"partial{len(truths)}.pdf"), Path(t.file))
        truths.append(Truth(str(path), "broken", None, ""))
    for i in range(5):
        path = place(f"view{i}.pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<!DOCTYPE html><html><body>Institutional login required</body></html>")
        truths.append(Truth(str(path), "not-pdf", None, ""))
    return truths
