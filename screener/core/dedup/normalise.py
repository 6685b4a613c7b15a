"""Normalisation of the bibliographic fields that deduplication compares.

Every function here is pure and cheap: they run once per record, before any pair is
compared, so that comparisons only ever see canonical strings.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

# Letters that NFKD does not decompose into ASCII plus a combining mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
# Hyphens, dashes and minus signs of every kind become an ASCII hyphen.
_DASHES = re.compile("[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d\u00ad]")
_APOSTROPHES = re.compile("['\u2018\u2019\u201b\u02bc`\u00b4]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Decode HTML entities, drop tags, diacritics and apostrophes, unify dashes, lower case.

    Punctuation other than apostrophes is kept; callers decide what to do with it.
    """
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = _DASHES.sub("-", text)
    text = _APOSTROPHES.sub("", text)
    return text.lower()


def words(text: str) -> str:
    """Folded text with every run of punctuation and space turned into one space."""
    return NON_WORD.sub(" ", fold(text)).strip()


def normalise_title(title: str) -> str:
    """Case, punctuation, HTML entities, Unicode dashes, diacritics and the trailing
    period removed: ``"Hemolytic&ndash;Uremic  Syndrome."`` -> ``"hemolytic uremic syndrome"``.
    """
    return words(title)


# --- authors -----------------------------------------------------------------------------

# Lower-case words that belong to a surname when they stand before it ("van der Berg").
_PARTICLES = frozenset(
    "van von der den de del della di da dos das du le la los las ter ten st bin ibn al el".split()
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "2nd", "3rd"})
_EMPTY_NAMES = frozenset({"null", "none", "nan", "et al", "et", "al"})


def _initials(given: str) -> str:
    """``"Galia S."`` -> ``"gs"``; ``"GS"`` -> ``"gs"``; ``"Shi-fen"`` -> ``"sf"``."""
    if not given:
        return ""
    letters = []
    shouting = given.isupper() and len(given) > 3  # "GALIA S": words, not runs of initials
    for part in given.replace(".", " ").replace("-", " ").split():
        lower = part.lower()
        if lower in _EMPTY_NAMES or (lower in _SUFFIXES and _is_suffix(part)):
            continue
        if part.isupper() and len(part) <= (2 if shouting else 3):  # Vancouver: "GS"
            letters.append(lower)
        elif part[0].isalpha():
            letters.append(lower[0])
    return "".join(letters)


def _is_suffix(token: str) -> bool:
    """ "Jr", "Sr.", "III"; but "JR" or "IV" in capitals may be initials."""
    bare = token.strip(".")
    return bare.lower() in _SUFFIXES and (not bare.isupper() or bare in ("II", "III"))


def split_author(name: str) -> tuple[str, str]:
    """Split one author name into (surname, initials), both lower case ASCII.

    Handles "Moran, G.S.", "Moran GS", "Galia S. Moran", "van der Berg, Jan" and
    "Jan van der Berg". Organisations come back whole as the surname.
    """
    text = html.unescape(name) if "&" in name else name
    if not text.isascii():  # fold without lower-casing: case tells initials apart
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
        text = _DASHES.sub("-", "".join(ch for ch in text if not unicodedata.combining(ch)))
        text = _APOSTROPHES.sub("", text)
    elif "'" in text or "`" in text:
        text = text.replace("'", "").replace("`", "")
    text = text.strip(" \t,;.")
    if not text or text.lower() in _EMPTY_NAMES:
        return "", ""
    if "," in text and text.rpartition(",")[2].strip(" .").lower() in _EMPTY_NAMES:
        text = text.rpartition(",")[0].strip()  # "Si Hyun Kang, null": no given name
    if "," in text:
        surname, _, given = text.partition(",")
        if "," in given:
            parts = given.split(",")
            given = " ".join(p for p in parts if p.strip(" .").lower() not in _SUFFIXES)
    else:
        tokens = text.split()
        while len(tokens) > 2 and _is_suffix(tokens[-1]):
            tokens.pop()
        last = tokens[-1]
        if len(tokens) >= 2 and len(last) <= 4 and last.strip(".").isupper():
            # Vancouver: "Moran GS", "Moran G.S."
            surname, given = " ".join(tokens[:-1]), last
        else:
            start = len(tokens) - 1
            while start > 0 and tokens[start - 1].lower() in _PARTICLES:
                start -= 1
            surname, given = " ".join(tokens[start:]), " ".join(tokens[:start])
    surname = NON_WORD.sub(" ", surname.lower()).strip()
    return surname, _initials(given)


def normalise_author(name: str) -> str:
    """Surname plus initials: "Moran, G.S.", "Moran GS" and "Galia S. Moran" all give
    ``"moran gs"``. Empty for an empty or placeholder name."""
    surname, initials = split_author(name)
    return f"{surname} {initials}".strip()


# --- pages, DOI, journal -----------------------------------------------------------------

_PAGE_PREFIX = re.compile(
    r"^(?:pp?\.?|pages?|art(?:icle)?\.?\s*(?:no|number|nr)\.?\s*:?|e-?location\s*:?)\s*", re.IGNORECASE
)
_PAGE_DASH = re.compile(r"\s*-+\s*")
_SPACES = re.compile(r"\s+")
_PAGE_RANGE = re.compile(r"^([a-z]*)(\d+)([a-z]*)-([a-z]*)(\d+)([a-z]*)$")


def _normalise_range(part: str) -> str:
    match = _PAGE_RANGE.match(part)
    if not match:
        return part
    start_prefix, start, start_suffix, end_prefix, end, end_suffix = match.groups()
    if len(end) < len(start):  # "850-57" -> "850-857"
        end = start[: len(start) - len(end)] + end
    if not end_prefix and not end_suffix:
        end_prefix, end_suffix = start_prefix, start_suffix
    first = f"{start_prefix}{start}{start_suffix}"
    last = f"{end_prefix}{end}{end_suffix}"
    return first if first == last else f"{first}-{last}"


def normalise_pages(pages: str) -> str:
    """Canonical page range: ``"850-57"`` -> ``"850-857"``, ``"pp. 23–35"`` -> ``"23-35"``,
    ``"1875-1875"`` -> ``"1875"``, ``"e158-66"`` -> ``"e158-e166"``."""
    text = _PAGE_PREFIX.sub("", fold(pages).strip())
    text = _PAGE_DASH.sub("-", text)
    parts = [_SPACES.sub("", p) for p in text.split(",")]
    return ",".join(_normalise_range(p) for p in parts if p)


def first_page(pages: str) -> str:
    """The first page of an already normalised range: ``"850-857"`` -> ``"850"``."""
    return pages.split(",", 1)[0].split("-", 1)[0]


def last_page(pages: str) -> str:
    """The last page of the first range of an already normalised range: ``"850-857"`` ->
    ``"857"``; a single page is its own last page."""
    return pages.split(",", 1)[0].rsplit("-", 1)[-1]


_DOI_PREFIX = re.compile(
    r"^(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/|urn:doi:)", re.IGNORECASE
)


def normalise_doi(doi: str) -> str:
    """Lower-case DOI without "doi:", "https://doi.org/" or "dx.doi.org/" prefixes."""
    text = doi.strip()
    while True:
        stripped = _DOI_PREFIX.sub("", text).strip()
        if stripped == text:
            break
        text = stripped
    return text.rstrip(".").lower()


# A DOI inside a link or a sentence, and a PMID in a PubMed link or written with its label.
# (The readers extract these at import; deduplication also finds them in records that came
# in otherwise, without loading the readers: see tests/cli/test_startup.py.)
_DOI_ANYWHERE = re.compile(r"10\.\d{4,9}/[^\s&?#\"'<>]+")
_PMID_IN_LINK = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})(?!\d)")
_PMID_LABELLED = re.compile(r"(?:\bPMID|\bPUBMED)\s*[:#]?\s*(\d{1,9})(?!\d)|(\d{1,9})\s*\[pmid\]", re.IGNORECASE)


def doi_in(text: str) -> str:
    """The first DOI in a link or text ("https://onlinelibrary.wiley.com/doi/full/10.1002/x"),
    lower case, trailing punctuation cut; "" if none."""
    if "10." not in text:
        return ""
    if "%2f" in text.lower():
        text = unquote(text)
    match = _DOI_ANYWHERE.search(text)
    if match is None:
        return ""
    doi = match.group().rstrip(".,;:'\"]}>")
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1]
    doi = doi.lower()
    return "" if doi.startswith("10.1002/central/") else doi  # Cochrane's own entry, not the article


def pmid_in(text: str) -> str:
    """A PMID in a PubMed link or written with its label ("PMID: 123", "123[pmid]")."""
    match = _PMID_IN_LINK.search(text) if "pubmed" in text else None
    if match is None and ("pmid" in text.lower() or "pubmed" in text.lower()):
        match = _PMID_LABELLED.search(text)
    if match is None:
        return ""
    return next(group for group in match.groups() if group)


_JOURNAL_STOPWORDS = frozenset(
    "the of and for in on a an de la le des du der die und et journal j".split()
)
_JOURNAL_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|[.:]\s*conference\b.*$", re.IGNORECASE)


def normalise_journal(journal: str) -> str:
    """Lower case, no punctuation or brackets, "&" as "and", conference suffix cut:
    ``"Stroke (00392499)"`` -> ``"stroke"``, ``"J. Am. Soc. Nephrol."`` -> ``"j am soc nephrol"``."""
    text = _JOURNAL_NOISE.sub(" ", fold(journal).replace("&", " and "))
    return NON_WORD.sub(" ", text).strip()


def journal_tokens(normalised: str) -> tuple[str, ...]:
    """Content words of a normalised journal name, for abbreviation matching."""
    tokens = tuple(t for t in normalised.split() if t not in _JOURNAL_STOPWORDS)
    return tokens or tuple(normalised.split())


def journals_match(a: str, b: str) -> bool:
    """True when two journal names are the same journal written differently.

    Either the names are equal once spaces go ("Zhongguo Zhenjiu" / "Zhongguo zhen jiu"),
    or each word of the shorter is a prefix of the matching word of the longer, in order
    ("Nat Rev Nephrol" / "Nature Reviews Nephrology"; "J Am Soc Nephrol" / "Journal of the
    American Society of Nephrology"). Both arguments are raw journal names.
    """
    return tokens_match(journal_tokens(normalise_journal(a)), journal_tokens(normalise_journal(b)))


def tokens_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """:func:`journals_match` on already tokenised names."""
    if not a or not b:
        return False
    if a == b or "".join(a) == "".join(b):
        return True
    return _abbreviates(a, b) or _abbreviates(b, a)


def _abbreviates(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Each word of ``short`` starts the next matching word of ``long``, the first words
    aligned; words of ``long`` may be skipped ("Stroke" / "Stroke: a journal of ...")."""
    if len(short) > len(long) or not long[0].startswith(short[0]):
        return False
    position = 1
    for token in short[1:]:
        while position < len(long) and not long[position].startswith(token):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True
