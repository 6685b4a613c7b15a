"""Counts in words with the right plural form: "1 pair", "2 pairs", "1,204 records".

English ships; each form is a whole translatable phrase (not a word with "s" added), so
that a translation can give its own forms.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def plural(n: int, one: str, many: str, context: str = "Counts") -> str:
    """``one`` or ``many`` (each holding ``{n}``), translated, with ``n`` written with
    thousands separators: ``plural(1, "{n} pair", "{n} pairs")`` -> "1 pair"."""
    text = QCoreApplication.translate(context, one if n == 1 else many)
    return text.format(n=f"{n:,}")
