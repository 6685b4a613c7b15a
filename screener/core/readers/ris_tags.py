"""Which RIS tag lines are tags, and how the messy ones are read.

A *canonical* tag line is ``XX  - value``: two characters ``[A-Z][A-Z0-9]``, two spaces, a
dash, a space (rispy's own rule). Exports also write ``XX - value`` (one space), tabs
(``A1<TAB>- value``), ``XX  -  value`` (two spaces after the dash), ``XX  -`` (nothing after
the dash) and the 4-letter ``PMID  - value``. Those *irregular* forms are accepted only for
tags a database really uses (``KNOWN_TAGS``), so a continuation line of an abstract such as
``HR - hazard ratio …`` is not mistaken for a tag. A canonical line is accepted for any tag,
as rispy does.
"""

from __future__ import annotations

import re
import string

from rispy import TAG_KEY_MAPPING

# Every two-character tag rispy would accept.
VALID_TAGS = frozenset(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase + string.digits)

# Tags real exports use beyond rispy's mapping (WoS, Embase, Ovid, EBSCO, Citavi, IEEE …).
_EXTRA_TAGS = (
    "AI BT CP CT DI DS FU FX J1 J9 JI L3 LK M2 M4 NL PA PG PI PM PP PT PU PD NS SF SR TS "
    "U1 U2 U3 U4 U5 VO WE WP WT"
)
KNOWN_TAGS = frozenset(TAG_KEY_MAPPING) | frozenset(_EXTRA_TAGS.split())
LONG_TAGS = frozenset({"PMID", "PMCID"})
_LONG_TAG_STARTS = frozenset(tag[:4] for tag in LONG_TAGS)

START_TAG = "TY"
END_TAG = "ER"

# "XX", one to three blanks, "-", then blanks and the value (or nothing).
_IRREGULAR = re.compile(r"([A-Z][A-Z0-9]|[A-Z]{4,5})([ \t]{1,3})-(?:[ \t]+(.*)|[ \t]*$)")
# A second tag jammed into a value after a run of blanks (Rayyan: "DO  - 10.1/x     LK  - http…").
# The look-behind keeps the search linear on long runs of blanks.
_JAMMED = re.compile(r"(?<![ \t])[ \t]{2,}([A-Z][A-Z0-9])  - ")


def might_be_irregular_tag(line: str) -> bool:
    """Cheap pre-test: most text lines have no blank after their first two characters."""
    return line[2:3] in (" ", "\t") or line[:4] in _LONG_TAG_STARTS


def parse_irregular(line: str) -> tuple[str | None, str]:
    """(tag, value) of a non-canonical tag line, or (None, stripped line) for a text line."""
    if not might_be_irregular_tag(line):
        return None, line.strip()
    match = _IRREGULAR.match(line)
    if match is None:
        return None, line.strip()
    tag, gap, value = match.groups()
    if len(tag) == 2:
        if tag not in KNOWN_TAGS and gap != "  ":
            return None, line.strip()
    elif tag not in LONG_TAGS:
        return None, line.strip()
    return tag, (value or "").strip()


def split_jammed(tag: str, value: str) -> list[tuple[str, str]]:
    """Split 'value     XX  - other' into [(tag, value), ('XX', 'other')] for known XX."""
    pairs: list[tuple[str, str]] = []
    start = 0
    for match in _JAMMED.finditer(value):
        if match.group(1) not in KNOWN_TAGS:
            continue
        pairs.append((tag, value[start : match.start()].strip()))
        tag = match.group(1)
        start = match.end()
    pairs.append((tag, value[start:].strip()))
    return pairs
