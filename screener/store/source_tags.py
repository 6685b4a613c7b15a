"""A record's original (tag, value) pairs as the ``record.source_tags`` column holds them.

Pure Python on plain values, like ``store.rows``: the reading processes encode, the
exports and deduplication decode.

Three forms have been written, and all three are read:

* JSON, as schema 0001 stored every record: ``[["TY","JOUR"],["AB",null],…]``, the
  abstract's copy as ``null``. Still written for a record whose values hold a separator
  or a mark (below), which RIS values never do (a record with control characters is
  skipped) but other formats' may.
* Pairs (schema 0002 up to this form): ``TY\\x1fJOUR\\x1eAU\\x1fSmith, A\\x1e…``, the
  abstract's copy replaced by the mark ``\\x1d``. No other value holds a ``\\x1d``.
* Flat (now): ``\\x1d\\x1eTY\\x1eJOUR\\x1eAU\\x1eSmith, A\\x1e…``: a leading ``\\x1d`` (which
  no text of the other forms starts with), then tags and values alternately, all
  separated by ``\\x1e``. A value that the record's own columns hold is replaced by a mark,
  so that it is stored once: ``\\x1d`` the abstract (in an AB or N2 pair), ``\\x1dT`` the
  title, ``\\x1dJ`` the journal, and one pair ``TAG \\x1dA`` / ``TAG \\x1dK`` for a run of
  pairs of that tag holding all the authors / all the keywords in order. Decoding puts
  the columns' values back in their tags, order and places.

Deduplication reads the document-type tags straight from the stored text (see
``UNMARKED_TAGS``): their values are never marked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import chain

PAIR = "\x1e"
FIELD = "\x1f"
ABSTRACT_MARK = "\x1d"
ABSTRACT_TAGS = ("AB", "N2")
FLAT = ABSTRACT_MARK + PAIR  # how a text of the flat form starts
TITLE_MARK = ABSTRACT_MARK + "T"
JOURNAL_MARK = ABSTRACT_MARK + "J"
AUTHORS_MARK = ABSTRACT_MARK + "A"
KEYWORDS_MARK = ABSTRACT_MARK + "K"
# The tags whose values deduplication reads from the stored text without decoding it
# (core.dedup.records.TYPE_TAGS; a test checks that they agree): never marked.
UNMARKED_TAGS = frozenset({"M3", "PT", "DT", "EFR", "ROF", "ECF"})

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode_tags(pairs: Sequence[Sequence[str]], abstract: str, title: str = "", authors: Sequence[str] = (),
                keywords: Sequence[str] = (), journal: str = "") -> str:
    """The stored text of a record's (tag, value) pairs; ``abstract``, ``title``,
    ``authors``, ``keywords`` and ``journal`` are the record's columns, which
    ``decode_tags`` is given back."""
    if not pairs:
        return ""
    # Tags and values alternately after the form's mark; list.index compares in C, by
    # identity first (a reader's columns are mostly the very strings of their pairs).
    flat = [ABSTRACT_MARK, *chain.from_iterable(pairs)]
    if len(flat) != 2 * len(pairs) + 1:
        raise ValueError("each source tag must be a (tag, value) pair")
    # No tag or value may hold a separator or a mark: else the JSON form. Checked before
    # marking too, so that every mark in the text below is one placed here: a column value
    # that looks like a mark could otherwise stand in for one (and a mark overwritten by
    # another, or taken into a run, leaves fewer marks than placed: checked at the end).
    text = PAIR.join(flat)
    if text.count(PAIR) != len(flat) - 1 or text.count(ABSTRACT_MARK) != 1:
        return _encode(_json_pairs(pairs, abstract))
    marks = 1
    for value, mark in ((abstract, ABSTRACT_MARK), (title, TITLE_MARK), (journal, JOURNAL_MARK)):
        if len(value) > len(mark):  # shorter values are not worth a mark
            try:
                at = flat.index(value, 2)
            except ValueError:
                continue
            tag = flat[at - 1]
            # at a value's place (even), not one of the tags read in place, and the
            # abstract only in an abstract's tag (as the forms before had it)
            if not at & 1 and tag not in UNMARKED_TAGS and (mark != ABSTRACT_MARK or tag in ABSTRACT_TAGS):
                flat[at] = mark
                marks += 1
    for names, mark in ((authors, AUTHORS_MARK), (keywords, KEYWORDS_MARK)):
        if names:
            try:
                at = flat.index(names[0], 2)
            except ValueError:
                continue
            tag = flat[at - 1]
            n = len(names)
            if (not at & 1 and tag not in UNMARKED_TAGS
                    and flat[at:at + 2 * n:2] == (names if type(names) is list else list(names))
                    and flat[at - 1:at - 1 + 2 * n:2].count(tag) == n):
                flat[at - 1:at - 1 + 2 * n] = (tag, mark)
                marks += 1
    if marks == 1:
        return text
    text = PAIR.join(flat)
    if text.count(PAIR) != len(flat) - 1 or text.count(ABSTRACT_MARK) != marks:
        return _encode(_json_pairs(pairs, abstract))
    return text


def decode_tags(text: str | None, abstract: str, title: str = "", authors: Sequence[str] = (),
                keywords: Sequence[str] = (), journal: str = "") -> list[tuple[str, str]]:
    """The (tag, value) pairs ``encode_tags`` was given, from its text and the same
    columns. The text is not believed: one that ``encode_tags`` cannot have made (an
    edited project file: a mark its column cannot fill, a tag without a value, JSON of
    another shape) gives no pairs, so that an export writes the record from its columns,
    as it writes a record that came without tags."""
    if not text:
        return []
    if text.startswith(FLAT):
        parts = text.split(PAIR)
        if not len(parts) & 1:
            return []
        return _with_columns(zip(parts[1::2], parts[2::2], strict=True), abstract, title, authors, keywords, journal)
    if text.startswith("["):
        return _json_decoded(text, abstract)
    pairs = []
    marked = False
    for item in text.split(PAIR):
        tag, sep, value = item.partition(FIELD)
        if not sep or value[:1] == ABSTRACT_MARK and (value != ABSTRACT_MARK or marked):
            return []  # (the abstract was marked once: a second mark is an edit)
        if value == ABSTRACT_MARK:
            marked = True
            value = abstract
        pairs.append((tag, value))
    return pairs


def type_tag_values(text: str, tags: frozenset[str]) -> list[tuple[str, str]]:
    """The pairs of ``text`` (any form) whose tag is one of ``tags`` (a part of
    ``UNMARKED_TAGS``), without decoding the rest."""
    if text.startswith(FLAT):
        parts = text.split(PAIR)
        return [(tag, value) for tag, value in zip(parts[1::2], parts[2::2], strict=False)  # damaged: what reads
                if tag in tags and value[:1] != ABSTRACT_MARK]
    return [(tag, value) for tag, value in decode_tags(text, "") if tag in tags]


def _with_columns(pairs: Iterable[tuple[str, str]], abstract: str, title: str,
                  authors: Sequence[str], keywords: Sequence[str], journal: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for tag, value in pairs:
        if tag[:1] == ABSTRACT_MARK:
            return []
        if value[:1] == ABSTRACT_MARK:
            if value in used:  # encode_tags writes each mark once: an edited text would
                return []  # multiply a column (a thousand author marks, a huge export)
            used.add(value)
            if value == ABSTRACT_MARK and abstract:
                value = abstract
            elif value == TITLE_MARK and title:
                value = title
            elif value == JOURNAL_MARK and journal:
                value = journal
            elif value == AUTHORS_MARK and _strings(authors):
                out += [(tag, name) for name in authors]
                continue
            elif value == KEYWORDS_MARK and _strings(keywords):
                out += [(tag, word) for word in keywords]
                continue
            else:
                return []
        out.append((tag, value))
    return out


def _strings(values: Sequence[str]) -> bool:
    """A non-empty list of strings (a column, as read back from a project file)."""
    return isinstance(values, list | tuple) and bool(values) and all(type(v) is str for v in values)


def _json_decoded(text: str, abstract: str) -> list[tuple[str, str]]:
    try:
        stored = json.loads(text)
    except ValueError:
        return []
    if not isinstance(stored, list):
        return []
    pairs = []
    marked = False
    for pair in stored:
        if not (isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is str
                and (pair[1] is None or type(pair[1]) is str)) or pair[1] is None and marked:
            return []  # (the abstract was marked once, as null: a second null is an edit)
        marked = marked or pair[1] is None
        pairs.append((pair[0], abstract if pair[1] is None else pair[1]))
    return pairs


def _json_pairs(pairs: Sequence[Sequence[str]], abstract: str) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    replaced = not abstract
    for tag, value in pairs:
        if not replaced and tag in ABSTRACT_TAGS and value == abstract:
            out.append([tag, None])
            replaced = True
        else:
            out.append([tag, value])
    return out
