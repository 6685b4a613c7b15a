"""``screener prisma PROJECT``: the PRISMA 2020 flow as a table a reviewer can read, in
the diagram's own words (``--json`` gives the template's keys for scripts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screener.core.prisma_text import format_count

PENDING = "(+ {n} awaiting a final decision)"
INDENT = "  "
OTHER_RESULTS = ("website_results", "organisation_results", "citations_results")


def _n(value: Any) -> str:
    return format_count(value) if isinstance(value, int | float) else str(value)


def prisma_lines(counts: Mapping[str, Any], updated_review: bool = False) -> list[str]:
    """The flow, one line per box entry: label, count, and what awaits a final decision."""
    pending: Mapping[str, int] = counts.get("pending") or {}
    manual = set(counts.get("manual") or ())
    rows: list[tuple[str, str, str]] = []  # label, count, note

    def row(label: str, key: str, level: int = 1, awaiting: str = "") -> None:
        waiting = pending.get(awaiting, 0) if awaiting else 0
        note = PENDING.format(n=format_count(waiting)) if waiting else ""
        mark = " (entered by hand)" if key in manual else ""
        rows.append((INDENT * level + label, _n(counts.get(key, 0)), (note + mark).strip()))

    def excluded(key: str) -> None:
        reasons = counts.get(key) or ()
        rows.append((INDENT + "Reports excluded", _n(sum(n for _, n in reasons)), ""))
        for name, value in reasons:
            rows.append((INDENT * 2 + " ".join(str(name).split()), _n(value), ""))

    def entries(key: str) -> None:
        for name, value in counts.get(key) or ():
            rows.append((INDENT * 2 + " ".join(str(name).split()), _n(value), ""))

    rows.append(("Identification", "", ""))
    row("Records from databases", "database_results")
    entries("database_specific_results")
    row("Records from registers", "register_results")
    entries("register_specific_results")
    row("Duplicate records removed", "duplicates")
    row("Marked as ineligible by automation tools", "excluded_automatic")
    row("Removed for other reasons", "excluded_other")
    rows.append(("Screening", "", ""))
    row("Records screened", "records_screened", awaiting="title_abstract")
    row("Records excluded", "records_excluded")
    row("Reports sought for retrieval", "dbr_sought_reports", awaiting="retrieval")
    row("Reports not retrieved", "dbr_notretrieved_reports")
    row("Reports assessed for eligibility", "dbr_assessed", awaiting="full_text")
    excluded("dbr_excluded")
    if any(counts.get(k) for k in OTHER_RESULTS):
        rows.append(("Other methods", "", ""))
        row("Records from websites", "website_results")
        row("Records from organisations", "organisation_results")
        row("Records from citation searching", "citations_results")
        row("Reports sought for retrieval", "other_sought_reports", awaiting="other_title_abstract")
        row("Reports not retrieved", "other_notretrieved_reports")
        row("Reports assessed for eligibility", "other_assessed", awaiting="other_full_text")
        excluded("other_excluded")
    rows.append(("Included", "", ""))
    if updated_review:
        row("Studies included in previous version of review", "previous_studies")
        row("Reports of studies included in previous version", "previous_reports")
        row("New studies included in review", "new_studies")
        row("Reports of new included studies", "new_reports")
        row("Total studies included in review", "total_studies")
        row("Reports of total included studies", "total_reports")
    else:
        row("Studies included in review", "new_studies")
        row("Reports of included studies", "new_reports")
    width = max(len(label) for label, _, _ in rows)
    digits = max(len(count) for _, count, _ in rows)
    return [f"{label:<{width}}  {count:>{digits}}  {note}".rstrip() if count else label
            for label, count, note in rows]
