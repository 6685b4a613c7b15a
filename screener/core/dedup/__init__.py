"""Duplicate detection over :class:`~screener.types.DedupRecord` lists.

Pure functions: no database, no Qt. :func:`find_duplicates` is a :data:`Work` generator
that returns certain pairs (merge them) and candidates (ask a reviewer); given the ids of
new records (``only_with``) and the groups already merged, it matches new records against
existing ones. :func:`certain_groups` turns the certain pairs into groups of one
publication; :func:`explain` says why two records are (not) one.
How it works: normalise each record once (features.py, notices.py: notices, protocols,
genres), put records that share a key into blocks (blocking.py: title start, title end,
DOI, PMID, first author + year + page, volume + page + year; large blocks compared
through a sliding window), decide each pair by rules (compare.py), and build groups in
which every pair is certain (clusters.py).
"""

from .clusters import certain_groups, clusters_from_pairs
from .engine import Comparison, explain, find_duplicates
from .normalise import (
    journals_match,
    normalise_author,
    normalise_doi,
    normalise_journal,
    normalise_pages,
    normalise_title,
)

__all__ = [
    "Comparison",
    "certain_groups",
    "clusters_from_pairs",
    "explain",
    "find_duplicates",
    "journals_match",
    "normalise_author",
    "normalise_doi",
    "normalise_journal",
    "normalise_pages",
    "normalise_title",
]
