"""BibTeX export.

``write_bibtex(records, fp)`` takes records as ``Mapping[str, Any]`` or objects with
the same attributes (``ParsedRecord`` works as it is). Fields read, all optional:
``type`` (RIS type code), ``title``, ``authors`` (list of ``"Surname, Given"``),
``year``, ``journal``, ``volume``, ``issue``, ``pages``, ``doi``, ``pmid``,
``abstract``, ``keywords`` (list), ``urls`` (list; the first is written as ``url``)
and ``record_id``.

Entry types: JOUR/EJOUR -> article, BOOK/EBOOK -> book, CHAP/ECHAP -> incollection,
CONF/CPAPER -> inproceedings, THES -> phdthesis, RPRT -> techreport, anything else ->
misc. ``journal`` is written as ``journal`` (article), ``booktitle``
(incollection, inproceedings), ``series`` (book), ``howpublished`` (misc), and kept as
``journal`` for the other types.

Other fields: ``issue`` -> ``number``; a page range ``12-19`` -> ``12--19``;
``keywords`` joined with ``", "``, a keyword holding a comma in braces (``{Models,
Biological}``); ``pmid`` and ``screener-id`` (the record id) are
non-standard fields that BibTeX styles ignore and reference managers keep. Empty
fields are left out.

Validity:

* Values are in braces. LaTeX specials are escaped (except in ``doi`` and ``url``,
  which are read verbatim and written as they are, braces and backslashes
  percent-encoded): ``& % $ # _`` as ``\\&`` etc.,
  ``~ ^ \\`` as ``\\textasciitilde{}``, ``\\textasciicircum{}``, ``\\textbackslash{}``.
  Braces in the text become ``\\textbraceleft{}``/``\\textbraceright{}``, *not*
  ``\\{``/``\\}``: BibTeX counts every brace, escaped or not, so ``\\{`` alone would
  unbalance the entry. Every value therefore has balanced braces.
* Runs of whitespace (including line breaks) become one space: a blank line inside a
  field would end a paragraph in LaTeX. Control characters are removed.
* Non-ASCII text is written as it is (UTF-8), as biber and current BibTeX read it.
* An author without a comma and with more than one word (an organisation, or a name
  in "Given Surname" order) is wrapped in braces so BibTeX keeps it whole; so is a
  name containing the word "and", which would otherwise split it, and one with more
  than two commas, which BibTeX cannot parse. A name without any letter or digit is
  left out.
* Titles are written in single braces, so a bibliography style may change their case.

Keys are ``surnameYEARword``: the first author's surname, the year and the first
title word that is not a stop word, folded to lower-case ASCII letters and digits
(``Müller`` -> ``muller``, ``Ødegård`` -> ``odegard``); ``anon`` without an author. The
surname and the word are cut to ``KEY_PART_CHARS`` characters each, the year to four.
Keys are unique within one call: a repeat gets ``a``, ``b``, ... ``z``, ``aa``, ...
appended (the first keeps the plain key).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from screener.text import CONTROL

KEY_PART_CHARS = 20  # the surname and the title word of a key, each at most
ENTRY_TYPES: dict[str, str] = {
    "JOUR": "article",
    "EJOUR": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "THES": "phdthesis",
    "RPRT": "techreport",
}

CONTAINER_FIELD: dict[str, str] = {
    "article": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "book": "series",
    "misc": "howpublished",
}

_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)

# Letters that NFKD does not decompose into ASCII.
_FOLD_TABLE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)

_STOP_WORDS = frozenset(
    "a an the of on in at to for and or with by from as is are into about "
    "der die das ein eine le la les un une el los las".split()
)
_AND_WORD = re.compile(r"\band\b", re.IGNORECASE)
_PAGE_RANGE = re.compile(
    r"\s*([^\s\-\u2013\u2014]+)\s*[-\u2013\u2014]+\s*([^\s\-\u2013\u2014]+)\s*"
)


def _get(record: Any, name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def _text(value: object) -> str:
    if value is None:
        return ""
    return " ".join(CONTROL.sub("", str(value)).split())


def escape(text: str) -> str:
    """Escape LaTeX special characters and collapse whitespace (see module docstring)."""
    return _text(text).translate(_ESCAPE_TABLE)


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: ``"Ødegård-Ä"`` -> ``"odegarda"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def entry_type(ris_type: str | None) -> str:
    return ENTRY_TYPES.get((ris_type or "").strip().upper(), "misc")


def _surname(author: str) -> str:
    author = author.strip()
    if "," in author:
        return author.split(",", 1)[0]
    parts = author.split()
    return parts[-1] if parts else ""


def _first_word(title: str) -> str:
    for word in title.split():
        folded = ascii_fold(word[: KEY_PART_CHARS * 4])  # a 150,000-character "word" stays cheap
        if folded and folded not in _STOP_WORDS:
            return folded
    return ""


def base_key(authors: Iterable[str], year: object, title: str) -> str:
    """``surnameYEARword`` before making it unique; each part capped (``KEY_PART_CHARS``)."""
    first = next(iter(authors), "")
    surname = ascii_fold(_surname(first)[:KEY_PART_CHARS * 4])[:KEY_PART_CHARS] or "anon"
    year_text = ascii_fold(_text(year))[:4]
    return f"{surname}{year_text}{_first_word(_text(title))[:KEY_PART_CHARS]}"


def _suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    length = 1
    while True:
        for n in range(len(letters) ** length):
            s = ""
            for _ in range(length):
                n, r = divmod(n, len(letters))
                s = letters[r] + s
            yield s
        length += 1


def unique_key(base: str, used: set[str]) -> str:
    """``base`` or the first ``base + suffix`` not in ``used``; adds it to ``used``."""
    key = base
    if key in used:
        key = next(base + s for s in _suffixes() if base + s not in used)
    used.add(key)
    return key


def _author(name: str) -> str:
    name = _text(name)
    text = escape(name)
    commas = name.count(",")
    if _AND_WORD.search(name) or commas > 2 or (commas == 0 and len(name.split()) > 1):
        return "{" + text + "}"
    return text


def _keyword(keyword: str) -> str:
    """One item of the comma-separated ``keywords`` list; one holding a comma (the MeSH
    heading "Models, Biological") is braced, as biblatex and etoolbox lists read it."""
    text = escape(keyword)
    return "{" + text + "}" if "," in text else text


def _pages(pages: str) -> str:
    match = _PAGE_RANGE.fullmatch(pages)
    if match:
        return f"{match.group(1)}--{match.group(2)}"
    return pages


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)] if str(value).strip() else []


def verbatim(text: str) -> str:
    """A DOI or URL: written as it is (biblatex and the url package read these fields
    verbatim), except that braces and backslashes are percent-encoded so the entry stays
    balanced."""
    return _text(text).replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def entry_fields(record: Any) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and the ``(name, escaped value)`` fields of one record."""
    kind = entry_type(_get(record, "type"))
    authors = _as_list(_get(record, "authors"))
    keywords = _as_list(_get(record, "keywords"))
    urls = _as_list(_get(record, "urls")) or _as_list(_get(record, "url"))
    raw: list[tuple[str, str]] = [
        ("author", " and ".join(_author(a) for a in authors if any(c.isalnum() for c in a))),
        ("title", escape(_text(_get(record, "title")))),
        (CONTAINER_FIELD.get(kind, "journal"), escape(_text(_get(record, "journal")))),
        ("year", escape(_text(_get(record, "year")))),
        ("volume", escape(_text(_get(record, "volume")))),
        ("number", escape(_text(_get(record, "issue")))),
        ("pages", escape(_pages(_text(_get(record, "pages"))))),
        ("doi", verbatim(_text(_get(record, "doi")))),
        ("pmid", escape(_text(_get(record, "pmid")))),
        ("url", verbatim(urls[0]) if urls else ""),
        ("keywords", ", ".join(_keyword(k) for k in keywords if _text(k))),
        ("abstract", escape(_text(_get(record, "abstract")))),
        ("screener-id", escape(_text(_get(record, "record_id")))),
    ]
    return kind, [(name, value) for name, value in raw if value]


def write_bibtex(records: Iterable[Any], fp: TextIO) -> list[str]:
    """Write one BibTeX entry per record; return the keys in the order written."""
    used: set[str] = set()
    keys: list[str] = []
    for record in records:
        kind, fields = entry_fields(record)
        key = unique_key(
            base_key(
                _as_list(_get(record, "authors")),
                _get(record, "year"),
                _text(_get(record, "title")),
            ),
            used,
        )
        keys.append(key)
        fp.write(f"@{kind}{{{key},\n")
        for name, value in fields:
            fp.write(f"  {name} = {{{value}}},\n")
        fp.write("}\n\n")
    return keys
