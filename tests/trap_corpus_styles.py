"""How each database writes a publication of tests/trap_corpus.py as RIS (tag, value) pairs.

PubMed (as a reference manager exports it: publication type in M3, comment and erratum
links in N1, abbreviated pages), Embase (A1/T1/JF, document type in M3, a notice's
record often titled as the article it corrects, conference names in the journal),
Scopus (document type in M3, "Art. No." pages, the PMID in C2) and Web of Science
(capitals, corrections titled "X (vol 12, pg 34, 2019)", no document type).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.trap_corpus import Pub

DATABASES = ["pubmed", "embase", "scopus", "wos"]

_SPELLING = {"haemolytic": "hemolytic", "uraemic": "uremic", "randomised": "randomized", "paediatric": "pediatric"}

# The publisher's title of a notice, by style; "{x}" is the article's title.
NOTICE_TITLES = {
    "correction to": "Correction to: {x}",
    "erratum": "Erratum: {x}",
    "corrigendum": 'Corrigendum to "{x}" [{cite}]',
    "author correction": "Author Correction: {x}",
    "publisher correction": "Publisher Correction: {x}",
    "wos citation": "Erratum: {x}",
    "embase bare": "Erratum to: {x}",
    "berichtigung": "Berichtigung: {x}",
    "fe de errores": "Fe de errores: {x}",
    "retraction note": "Retraction Note: {x}",
    "retraction notice": 'Retraction notice to "{x}" [{cite}]',
    "notice of retraction": "Notice of Retraction: {x}",
    "retracted hindawi": "Retracted: {x}",
    "retraction of": "Retraction: {x}",
    "expression of concern": "Expression of Concern: {x}",
    "editorial expression of concern": "Editorial Expression of Concern: {x}",
    "comment on": "Comment on: {x}",
    "re": "Re: {x}",
    "letter regarding": 'Letter to the editor regarding "{x}"',
    "commentary on": "Commentary on: {x}",
    "kommentar zu": "Kommentar zu: {x}",
    "letter": "Letter: {x}",
    "reply to": "Reply to: {x}",
    "dash reply": "{x} - Reply",
    "response to": 'Response to "{x}"',
    "in reply to": "In reply: {x}",
    "antwort auf": "Erwiderung zu: {x}",
    "editorial on": "Editorial: {x}",
    "editorial comment": 'Editorial comment on "{x}"',
}
# Document types (M3) by publication kind and database; Web of Science writes none.
_TYPES = {
    "pubmed": {"correction": "Published Erratum", "retraction": "Retraction of Publication",
               "concern": "Expression of Concern", "comment": "Comment", "reply": "Letter",
               "editorial": "Editorial", "abstract": "", "generic": "Editorial"},
    "embase": {"correction": "Erratum", "retraction": "Note", "concern": "Note", "comment": "Letter",
               "reply": "Letter", "editorial": "Editorial", "abstract": "Conference Abstract", "generic": "Editorial"},
    "scopus": {"correction": "Erratum", "retraction": "Erratum", "concern": "Note", "comment": "Letter",
               "reply": "Letter", "editorial": "Editorial", "abstract": "Conference Paper", "generic": "Editorial"},
}
_LINKS = {"correction": "Erratum for", "retraction": "Retraction of", "concern": "Expression of concern for",
          "comment": "Comment on", "reply": "Comment on", "editorial": "Comment on"}


def _title(pub: Pub, database: str, rng: random.Random) -> str:
    x = pub.about or pub.title
    if pub.kind in _LINKS:
        style = pub.style
        if database == "wos" and style == "wos citation":  # "X (vol 34, pg 123, 2019)"
            year, rest = pub.about_cite.split(". ", 1)[1].split(";", 1)
            volume, pages = rest.split("(", 1)[0], rest.split(":")[-1].split("-")[0]
            cited = f"{x} (vol {volume}, pg {pages}, {year})"
            return cited if rng.random() < 0.7 else cited.upper()
        if database == "embase" and style == "embase bare":
            return x if rng.random() < 0.6 else f"{x} ({pub.journal[0]} ({pub.year - 1}) {pub.volume} ({pub.first}))"
        return NOTICE_TITLES[style].format(x=x, cite=pub.about_cite or pub.journal[1])
    title = pub.title
    if pub.style == "marked retracted" and database in ("embase", "scopus", "wos"):
        title = "RETRACTED: " + title
    if database == "pubmed" and pub.style == "translated":
        return f"[{title}]."
    if database in ("pubmed", "wos"):
        for british, american in _SPELLING.items():
            title = title.replace(british, american)
    if database == "wos" and rng.random() < 0.3:
        title = title.upper()
    if database == "pubmed" and pub.style == "erratum note":
        title += f".[Erratum appears in {pub.journal[1]}. {pub.year};{pub.volume}({int(pub.issue) + 2}):{pub.last + 300}]"
    elif database == "pubmed" and pub.kind != "generic":
        title += "."
    return title


def _author(surname: str, given: str, database: str) -> str:
    if not given:
        return surname
    return {"pubmed": f"{surname}, {given[0]}.", "embase": f"{surname} {given[0]}.",
            "scopus": f"{surname}, {given[0]}.", "wos": f"{surname}, {given[0]}"}[database]


def _pages(pub: Pub, database: str) -> list[tuple[str, str]]:
    if pub.kind == "cochrane":
        return [("SP", pub.style if database != "scopus" else f"Art. No. {pub.style}")]
    if not pub.first:
        return []
    if not pub.last or pub.last == pub.first:
        return [("SP", str(pub.first))]
    if database == "pubmed":
        first, last = str(pub.first), str(pub.last)
        while len(last) > 1 and len(first) == len(last) and first[0] == last[0]:
            first, last = first[1:], last[1:]
        return [("SP", f"{pub.first}-{last}")]
    return [("SP", str(pub.first)), ("EP", str(pub.last))]


def render(pub: Pub, database: str, rng: random.Random) -> list[tuple[str, str]]:
    """One record of ``pub`` as ``database`` exports it."""
    pairs: list[tuple[str, str]] = [("TY", "JOUR")]
    title_tag, author_tag, journal_tag = ("T1", "A1", "JF") if database == "embase" else ("TI", "AU", "T2")
    pairs.append((title_tag, _title(pub, database, rng)))
    authors = pub.authors if rng.random() < 0.8 or len(pub.authors) <= 3 else pub.authors[:3]
    pairs += [(author_tag, _author(s, g, database)) for s, g in authors]
    year = pub.year
    in_press = pub.style == "in press" and database == "embase"
    if database == "pubmed" and pub.kind == "article" and rng.random() < 0.1:
        year -= 1  # epub ahead of print
    pairs.append(("Y1" if database == "embase" else "PY", str(year)))
    journal = pub.journal[1] if database == "pubmed" else pub.journal[0]
    if pub.kind == "abstract":
        journal = f"{pub.journal[0]}. Conference: {pub.conference}. United States" if database == "embase" \
            else pub.journal[0].upper()
    elif database == "wos":
        journal = journal.upper()
    if journal:
        pairs.append((journal_tag, journal))
    if not in_press:
        if pub.volume:
            pairs.append(("VL", pub.volume))
        if pub.issue:
            pairs.append(("IS", pub.issue if pub.kind != "abstract" or database == "embase" else f"{pub.issue} Supplement 1"))
        pairs += _pages(pub, database)
    doi_roll = rng.random()
    if pub.doi and doi_roll < 0.8:
        pairs.append(("DO", pub.doi if rng.random() < 0.7 else f"https://doi.org/{pub.doi.upper()}"))
    elif pub.doi and doi_roll < 0.9 and database != "wos":
        pairs.append(("UR", f"https://doi.org/{pub.doi}"))
    kind_type = _TYPES.get(database, {}).get(pub.kind, "")
    if database == "embase" and pub.kind == "article":
        kind_type = "Article in Press" if in_press else "Article"
    if pub.style == "marked retracted":
        kind_type = {"pubmed": "Retracted Publication", "scopus": "Retracted"}.get(database, kind_type)
    if database != "wos" and (kind_type or pub.kind in ("article", "protocol")):
        pairs.append(("M3", kind_type or ("Journal Article" if database == "pubmed" else "Article")))
    if database == "pubmed":
        if pub.pmid:
            pairs.append(("AN", pub.pmid))
        if pub.kind in _LINKS and pub.about_cite:
            pairs.append(("N1", f"{_LINKS[pub.kind]}: {pub.about_cite}"))
        if pub.style == "erratum note":
            pairs.append(("N1", f"Erratum in: {pub.journal[1]}. {pub.year};{pub.volume}:{pub.last + 300}"))
        if pub.language != "English":
            pairs.append(("LA", pub.language))
    elif pub.pmid and database in ("embase", "scopus") and rng.random() < 0.5:
        pairs.append(("C5" if database == "embase" else "C2", pub.pmid))
    if database == "wos":
        pairs.append(("AN", f"WOS:{rng.randint(10**14, 10**15 - 1):015d}"))
    pairs.append(("DB", {"pubmed": "MEDLINE", "embase": "Embase", "scopus": "Scopus", "wos": "Web of Science"}[database]))
    return pairs
