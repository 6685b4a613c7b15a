"""Control characters in text from files, packages, reviewers or the database.

C0 (``\\x00``–``\\x1f``) other than tab and line feed, DEL, and C1 (``\\x80``–``\\x9f``):
none belongs in a title, a name or a note, and sent to a terminal they recolour it, retitle
the window or clear the screen (``ESC[2J``; ``\\x9b`` is a one-byte ``ESC[``), and
PostgreSQL refuses NUL where SQLite stores it. Readers strip them at import; the store
strips them from every text it writes (``store.clean_text``); the CLI strips them again
before printing, for projects written before this or edited by hand.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_CR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\r]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character (a carriage return included)."""
    return _CONTROL_OR_CR.search(text) is not None


def strip_controls(text: str) -> str:
    """``text`` without control characters other than tab and line feed (CR, CRLF → LF)."""
    if _CONTROL_OR_CR.search(text) is None:
        return text
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
