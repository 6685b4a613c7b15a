"""Duplicate detection over :class:`~screener.core.types.DedupRecord` lists.

Pure functions: no database, no Qt. :func:`find_duplicates` is a :data:`Work` generator.
"""

from .engine import find_duplicates
from .normalise import (
    journals_match,
    normalise_author,
    normalise_doi,
    normalise_journal,
    normalise_pages,
    normalise_title,
)

__all__ = [
    "find_duplicates",
    "journals_match",
    "normalise_author",
    "normalise_doi",
    "normalise_journal",
    "normalise_pages",
    "normalise_title",
]
