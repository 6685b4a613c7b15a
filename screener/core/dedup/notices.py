"""Notices and other kinds of item, read from a record's title, type and notes.

A notice (a correction, retraction, expression of concern, comment or letter about an
article, a reply, an editorial about an article) is a publication of its own. Its title
usually repeats the article's, so comparison must know what it is: a notice is merged
only with a notice of the same kind, never with the article it is about.

* The **title** says it most precisely: "Correction to: X", "X (vol 12, pg 34, 2019)",
  "Retraction Note: X", "X - Reply", "Re: X", "Kommentar zu: X", ... The outermost
  wording gives the kind ("Reply to: Comment on: X" is a reply); all of it is removed
  from the title that is compared. Single words ("Correction", "Letter", "Re") count only
  when a colon, dash, quote or bracket follows them or they are the whole title, so that
  "Correction of hyponatraemia" or "Response to eculizumab" stay articles.
* Where the title says nothing, the **notes** ("Erratum for: ...", "Retraction of: ...")
  and the database's **type** ("Erratum", "Published Erratum", "Retraction of
  Publication", "Expression of Concern") say it: Embase indexes an erratum under the
  article's own title with type Erratum.
* "RETRACTED: X" is not a kind but a mark: Elsevier marks the retracted article itself
  that way, Hindawi titles its retraction notices so. Comparison asks for the item's
  identity (DOI, or volume and page) before merging it with an unmarked "X".
* A **protocol** ("study protocol", "rationale and design") is never the same as the
  results paper; its title keeps that wording.

The **genre** (article, letter-like item, conference abstract) comes from the type, the
RIS type code and a journal named after a conference. Two records whose genres differ
need the item's identity to be merged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .normalise import NON_WORD, fold

CORRECTION = "correction"
RETRACTION = "retraction"
CONCERN = "concern"
REPLY = "reply"
COMMENT = "comment"
EDITORIAL = "editorial"
PROTOCOL = "protocol"
RETRACTED = "retracted"  # a mark, not a kind: see the module's doc
NOTICE_KINDS = frozenset({CORRECTION, RETRACTION, CONCERN, REPLY, COMMENT, EDITORIAL})

# Title openings, longest first within a kind. "Strong" ones are notices whatever
# follows; "weak" ones only before a separator (or as the whole title).
_STRONG = {
    CORRECTION: (
        "correction to", "corrections to", "correction for", "erratum to", "erratum for", "erratum",
        "errata", "corrigendum to", "corrigendum", "author correction", "authors correction",
        "publisher correction", "publishers correction", "publishers note", "notice of correction",
        "correction notice", "berichtigung", "fe de errores", "fe de erratas", "errata corrige",
    ),
    RETRACTION: (
        "retraction note to", "retraction note", "retraction notice to", "retraction notice",
        "notice of retraction", "retraction of", "retraction statement", "notice of withdrawal",
        "withdrawal notice",
    ),
    CONCERN: (
        "editorial expression of concern", "expression of concern regarding", "expression of concern for",
        "expression of concern about", "expression of concern", "notice of concern",
    ),
    REPLY: (
        "reply to", "in reply to", "the authors reply", "authors reply", "author reply", "authors response",
        "reply from the authors", "response from the authors", "antwort auf", "erwiderung zu", "erwiderung auf",
        "reponse a", "respuesta a",
    ),
    COMMENT: (
        "comment on", "comments on", "comment to", "commentary on", "commentary to", "letter regarding",
        "letter to the editor regarding", "letter to the editor re", "letter to the editor on",
        "letter to the editor about", "letter in response to", "kommentar zu", "commentaire sur",
        "comentario a", "comentario sobre", "commento a",
    ),
    EDITORIAL: ("editorial comment on", "editorial commentary on", "editorial on", "invited commentary on"),
}
_WEAK = {
    CORRECTION: (
        "correction", "corrections", "korrektur", "rectificatif", "correctif", "correccion", "correcao",
        "correzione", "rettifica",
    ),
    RETRACTION: ("retraction", "withdrawn", "ruckzug", "retractation", "retractacion", "retratacao", "ritrattazione"),
    REPLY: (
        "reply", "in reply", "response to", "response", "antwort", "erwiderung", "replik", "reponse", "respuesta",
        "resposta", "risposta", "rebuttal",
    ),
    COMMENT: (
        "comment", "comments", "commentary", "letter to the editor", "letter", "letters", "re", "regarding",
        "concerning", "correspondence", "kommentar", "commentaire", "comentario", "commento", "carta al editor",
        "leserbrief", "lettre a lediteur", "lettre",
    ),
    EDITORIAL: ("editorial comment", "editorial", "editoriale", "leitartikel"),
}
_MARKS = ("retracted article", "retracted")


def _openings() -> list[tuple[str, str, bool]]:
    found = [(p, kind, True) for kind, ps in _STRONG.items() for p in ps]
    found += [(p, kind, False) for kind, ps in _WEAK.items() for p in ps]
    found += [(p, RETRACTED, False) for p in _MARKS]
    return sorted(found, key=lambda item: -len(item[0]))


_OPENINGS = _openings()
_FIRST_WORDS = frozenset(p.split()[0] for p, _, _ in _OPENINGS)
# After a weak opening: a colon, a spaced dash, a quote or bracket, or the end.
_WEAK_END = re.compile(r"\s*(?::|\s[-\u2013\u2014]+\s|[\"\u201c\u201d\u2018'(\[]|\.\s|\.?$)")
_RE_END = re.compile(r"\s*:")
_AFTER_OPENING = re.compile(r"^[\s:.,;\-\u2013\u2014\"\u201c\u201d\u2018\u2019'(\[]+")
# "X - Reply", "X: authors' reply", "X (Reply)", "X [Erratum]".
_ENDINGS = re.compile(
    r"(?:\s[-\u2013\u2014]+\s*|\s*[:(\[]\s*|\.\s+)(?:the\s+)?(?:authors?\s+|author s\s+)?"
    r"(reply|response|erratum|corrigendum|correction|retraction)\s*[)\]]?\s*\.?$"
)
_ENDING_KINDS = {"reply": REPLY, "response": REPLY, "erratum": CORRECTION, "corrigendum": CORRECTION,
                 "correction": CORRECTION, "retraction": RETRACTION}
# "Title (vol 360, pg 542, 2009)" (Web of Science) and "Title (Journal (2009) 360 (542-544))"
# (Embase) are how correction notices cite the corrected article.
_CITED_CORRECTION = re.compile(
    r"\(\s*vol\.?\s*\d+\s*,\s*pg\.?\s*\w+.*\)\s*\.?$|\([^()]*\(\s*\d{4}\s*\)\s*\d+[^()]*\([^()]*\)\s*\)\s*\.?$"
)
# "Title... N Engl J Med. 2009 Jan 29;360(5):544-6": the part after "..." cites another work.
_TRAILING_CITATION = re.compile(r"\.\.\.+\s+(?=.*\b(?:19|20)\d\d\b).*$|\.\.\.+\s*$")
_PROTOCOL = re.compile(r"\bprotocols?\b|\brationale and design\b|\bdesign and rationale\b")
# "[Erratum appears in ...]": an original whose erratum is a separate record.
ERRATUM_NOTE = re.compile(r"\[\s*(?:erratum|corrigendum|correction)s? (?:appears|published) in")
_NOTES_KEPT_AS_TITLE_WORDS = 4


def strip_bracket_notes(text: str) -> str:
    """Drop square-bracketed notes ("[Japanese]", "[Review] [16 refs]", "[Erratum appears
    in ...]"), nested ones included, but keep a bracketed translated title at the start
    ("[Clinical aspects of ...]. [Japanese]" -> "Clinical aspects of ... .")."""
    if "[" not in text:
        return text
    out: list[str] = []
    depth = 0
    group: list[str] = []
    for ch in text:
        if ch == "[":
            if depth == 0:
                group = []
            else:
                group.append(ch)
            depth += 1
        elif ch == "]" and depth > 0:
            depth -= 1
            if depth == 0:
                content = "".join(group)
                at_start = not "".join(out).strip(" .")
                if at_start and len(content.split()) >= _NOTES_KEPT_AS_TITLE_WORDS:
                    out.append(content)
                out.append(" ")
            else:
                group.append(ch)
        elif depth > 0:
            group.append(ch)
        else:
            out.append(ch)
    if depth > 0 and not "".join(out).strip(" ."):  # unclosed: keep a bracketed title
        out.append("".join(group))
    return "".join(out)


def _opening(text: str) -> tuple[str, int] | None:
    """(kind, length) of the notice wording that opens ``text`` (folded), if any."""
    if text[: text.find(" ") if " " in text else len(text)].rstrip(":.,\"'") not in _FIRST_WORDS:
        return None
    words = NON_WORD.sub(" ", text[:60]).strip() + " "
    for phrase, kind, strong in _OPENINGS:
        if not words.startswith(phrase + " "):
            continue
        # Where does the phrase end in the original text? Match it word by word.
        end = 0
        for word in phrase.split():
            end = text.find(word, end) + len(word)
        rest = text[end:]
        if strong and (not rest or not rest[0].isalnum()):
            return kind, end
        pattern = _RE_END if phrase == "re" else _WEAK_END
        if not strong and pattern.match(rest):
            return kind, end
    return None


def analyse_title(raw: str) -> tuple[str, frozenset[str]]:
    """The title as compared (normalised, notes and notice wording removed) and what its
    wording says: at most one notice kind (the outermost), ``protocol``, ``retracted``."""
    return analyse_folded_title(fold(raw))


def analyse_folded_title(folded: str) -> tuple[str, frozenset[str]]:
    text = strip_bracket_notes(folded).strip(" \t.\"'\u201c\u201d")
    kinds: set[str] = set()
    if text.endswith((")", ").")) and _CITED_CORRECTION.search(text):
        kinds.add(CORRECTION)
        text = _CITED_CORRECTION.sub("", text).strip()
    if "..." in text:
        text = _TRAILING_CITATION.sub("", text)
    kind = None
    for _ in range(3):  # "Reply to: Comment on: X"
        found = _opening(text)
        if found is None:
            break
        if kind is None and found[0] != RETRACTED:
            kind = found[0]
        elif found[0] == RETRACTED:
            kinds.add(RETRACTED)
        text = _AFTER_OPENING.sub("", text[found[1] :])
    tail = text[-14:].rstrip(" .)]").rsplit(" ", 1)[-1]
    ending = _ENDINGS.search(text) if tail in _ENDING_KINDS else None
    if ending and ending.start() > 10:  # "X - Reply"; "Letter: X - authors' reply" is a reply
        ending_kind = _ENDING_KINDS[ending.group(1)]
        if kind is None or (ending_kind == REPLY and kind == COMMENT):
            kind = ending_kind
        text = text[: ending.start()]
    if kind is not None and CORRECTION not in kinds:
        kinds.add(kind)
    title = NON_WORD.sub(" ", text).strip()
    if ("protocol" in title or "rationale" in title) and _PROTOCOL.search(title):
        kinds.add(PROTOCOL)
    return title, frozenset(kinds)


_TYPE_KINDS = (
    (re.compile(r"\bexpression of concern\b"), CONCERN),
    (re.compile(r"\bretraction\b"), RETRACTION),
    (re.compile(r"\b(?:erratum|errata|corrigendum|correction)\b"), CORRECTION),
)
_NOTE_KINDS = (
    (re.compile(r"\bexpression of concern for\s*:"), CONCERN),
    (re.compile(r"\bretraction of\s*:"), RETRACTION),
    (re.compile(r"\b(?:erratum|corrigendum|correction) for\s*:"), CORRECTION),
)


_NOTE_WORDS = ("erratum for", "corrigendum for", "correction for", "retraction of", "concern for")


def hinted_kind(publication_type: str, notes: str) -> str:
    """The notice kind that the type or the notes give, or ""."""
    if notes:
        head = notes[:2000].lower()
        if any(words in head for words in _NOTE_WORDS):
            folded = fold(head)
            for pattern, kind in _NOTE_KINDS:
                if pattern.search(folded):
                    return kind
    return type_kind(publication_type) if publication_type else ""


@lru_cache(maxsize=4096)
def type_kind(publication_type: str) -> str:
    """The notice kind a database's type says ("Published Erratum"), or ""."""
    folded = fold(publication_type)
    for pattern, kind in _TYPE_KINDS:
        if pattern.search(folded):
            return kind
    return ""


ARTICLE, LETTER, ABSTRACT, REGISTRATION = "article", "letter", "abstract", "registration"
_REGISTRATION = re.compile(
    r"\bregistry record\b|\btrial registration\b|\bclinicaltrials gov\b|\bisrctn\b|\bictrp\b|"
    r"\bclinical trials register\b|\banzctr\b|\bchictr\b|\bdrks\b"
)
_ABSTRACT_TYPES = re.compile(r"\b(?:conference|meeting|congress)\b|\babstracts?\b|\bproceedings\b|\bposter\b")
_LETTER_TYPES = re.compile(r"\b(?:letter|comment|editorial|note|news|correspondence)\b")
_ARTICLE_TYPES = re.compile(r"\b(?:article|review|research|trial|study|report)\b")
_ABSTRACT_CODES = frozenset({"ABST", "CONF", "CPAPER"})
_CONFERENCE_JOURNAL = re.compile(r"\b(?:conference|congress|meeting|symposium)\b|\babstracts\b")


@lru_cache(maxsize=16384)
def genre(publication_type: str, type_code: str, journal: str) -> str:
    """What the databases say the item is: "abstract", "letter", "article",
    "registration" (a trial registry record) or ""."""
    code = type_code.strip().upper()
    folded_journal = NON_WORD.sub(" ", fold(journal)) if journal else ""
    if folded_journal and _REGISTRATION.search(folded_journal):
        return REGISTRATION
    if code in _ABSTRACT_CODES or (folded_journal and _CONFERENCE_JOURNAL.search(folded_journal)):
        return ABSTRACT
    if not publication_type:
        return ""
    folded = NON_WORD.sub(" ", fold(publication_type))
    if _REGISTRATION.search(folded):
        return REGISTRATION
    if _ABSTRACT_TYPES.search(folded):
        return ABSTRACT
    if _LETTER_TYPES.search(folded):
        return LETTER
    if _ARTICLE_TYPES.search(folded):
        return ARTICLE
    return ""
