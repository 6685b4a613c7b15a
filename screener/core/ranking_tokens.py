"""Word normalisation for the ranking model's features: light suffix stripping.

A record says "patients", another "patient"; hashed as they are they share no column,
so a model trained on one learns nothing about the other. :class:`Normaliser` is the
text preprocessor of the features' vectorizer (``ranking_features.STEM``): it lower-cases
and strips accents as the vectorizer would, then strips a few suffixes with regular
expressions (one pass each over the whole text, so it costs about as much as the
lower-casing; no word list, no download):

* ``"s"``: a plural ``s`` at the end of a word of at least 4 letters, unless the ``s``
  follows ``s`` or ``u`` ("patients" -> "patient", "trials" -> "trial"; "class",
  "virus", "status" kept). "analysis" becomes "analysi" in every record alike, which is
  all a feature needs.
* ``"ies"``: ``ies`` after 2 letters becomes ``y`` ("studies" -> "study").
* ``"num"``: every number (digits, with one decimal point or comma) becomes ``0``.

Modes combine with ``+`` (``"ies+s"``). The normaliser's ``repr`` names its mode and
its rules' patterns, so the feature cache's key (``ranking_cache.features_version``,
built from the vectorizer's parameters) differs between modes, changes when a rule is
edited (caches are rebuilt), and is stable between runs.
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import strip_accents_unicode

_PLURAL_S = re.compile(r"(?<=[a-z]{3})(?<![su])s\b")
_IES = re.compile(r"(?<=[a-z]{2})ies\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
MODES = ("s", "ies", "num")
# Each mode's rule, in the order they apply: (mode, pattern, replacement).
_RULES = (("num", _NUMBER, "0"), ("ies", _IES, "y"), ("s", _PLURAL_S, ""))


class Normaliser:
    """Lower case, accents stripped, then the suffix rules of ``mode`` (see the module)."""

    def __init__(self, mode: str) -> None:
        parts = [p for p in mode.split("+") if p]
        unknown = [p for p in parts if p not in MODES]
        if unknown or not parts:
            raise ValueError(f"unknown word normalisation {mode!r} (known: {', '.join(MODES)})")
        self.mode = "+".join(parts)
        self._parts = frozenset(parts)

    def rules(self) -> list[tuple[str, str]]:
        """The rules applied, in order: (pattern, replacement)."""
        return [(pattern.pattern, into) for mode, pattern, into in _RULES if mode in self._parts]

    def __repr__(self) -> str:
        return f"Normaliser({self.mode!r}, rules={self.rules()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Normaliser) and repr(other) == repr(self)

    def __hash__(self) -> int:
        return hash(repr(self))

    def __call__(self, text: str) -> str:
        text = strip_accents_unicode(text.lower())
        for mode, pattern, into in _RULES:
            if mode in self._parts:
                text = pattern.sub(into, text)
        return text
