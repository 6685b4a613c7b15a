"""Duplicate detection over :class:`~screener.types.DedupRecord` lists.

Pure functions: no database, no Qt. :func:`find_duplicates` is a :data:`Work` generator
that returns certain pairs (merge them) and candidates (ask a reviewer);
:func:`clusters_from_pairs` turns the certain pairs into groups of one publication.
How it works: normalise each record once (features.py), put records that share a key
into blocks (blocking.py: title start, title end, DOI, PMID, first author + year + page,
volume + page + year; large blocks compared through a sliding window), and decide each
pair by rules (compare.py).
"""

from .clusters import clusters_from_pairs
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
    "clusters_from_pairs",
    "find_duplicates",
    "journals_match",
    "normalise_author",
    "normalise_doi",
    "normalise_journal",
    "normalise_pages",
    "normalise_title",
]
