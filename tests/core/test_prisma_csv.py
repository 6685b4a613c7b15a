"""The PRISMA2020 template CSV: only ``n`` changes, in the form the R package reads."""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from screener.core.prisma_csv import (
    COLUMNS,
    LIST_KEYS,
    default_template_path,
    format_list,
    prisma_csv_text,
    sanitise_name,
    write_prisma_csv,
)
from screener.paths import resource_path

TEMPLATE = default_template_path()


def template_text() -> str:
    return TEMPLATE.read_bytes().decode("utf-8")


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def parse_reasons(value: str) -> list[tuple[str, int]]:
    """What PRISMA2020's PRISMA_parse_reasons_ makes of an ``n`` cell: split on ';' (and one
    space), the name up to the first ',', the number from the digits after it."""
    out = []
    for part in re.split(r";( )?", value):
        if part is None or part == " ":
            continue
        name = re.sub(r",.*$", "", part)
        digits = re.sub(r"[^0-9]", "", part[len(name) + 1 :])
        out.append((name, int(digits)))
    return out


def sample_counts() -> dict[str, Any]:
    return {
        "database_results": 1204,
        "database_specific_results": [["Scopus", 600], ["Web of Science", 404], ["PubMed", 200]],
        "register_results": 35,
        "register_specific_results": [["ClinicalTrials.gov", 35]],
        "website_results": 12,
        "organisation_results": 4,
        "citations_results": 27,
        "duplicates": 310,
        "excluded_automatic": 0,
        "excluded_other": 2,
        "records_screened": 927,
        "records_excluded": 800,
        "dbr_sought_reports": 127,
        "dbr_notretrieved_reports": 6,
        "dbr_assessed": 121,
        "dbr_excluded": [["Wrong population", 60], ["Wrong design", 40]],
        "other_sought_reports": 20,
        "other_notretrieved_reports": 2,
        "other_assessed": 18,
        "other_excluded": [],
        "new_studies": 30,
        "new_reports": 39,
        "total_studies": 30,
        "total_reports": 39,
        "previous_studies": 0,
        "previous_reports": 0,
        "pending": {"title_abstract": 3, "full_text": 0, "retrieval": 0},
        "manual": ["website_results"],
    }


def test_resource_path_finds_the_bundled_template(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TEMPLATE == resource_path("prisma", "PRISMA2020_template.csv")
    assert TEMPLATE.is_file()
    assert (TEMPLATE.parent / "PROVENANCE.md").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", "/bundle", raising=False)
    assert resource_path("prisma", "x.csv") == Path("/bundle/resources/prisma/x.csv")


def test_unchanged_template_round_trips_byte_for_byte() -> None:
    """The csv module with QUOTE_MINIMAL reproduces the template exactly."""
    text = template_text()
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows_of(text))
    assert out.getvalue() == text + "\r\n"  # the template has no final line end


def test_only_n_changes_and_every_other_cell_is_kept() -> None:
    counts = sample_counts()
    text = prisma_csv_text(counts)
    template_rows, rows = rows_of(template_text()), rows_of(text)
    assert rows[0] == list(COLUMNS) == template_rows[0]
    assert len(rows) == len(template_rows)
    for old, new in zip(template_rows[1:], rows[1:], strict=True):
        assert old[:-1] == new[:-1]
    # Lines whose n did not change are identical, byte for byte, including CRLF line ends.
    old_lines, new_lines = template_text().split("\r\n"), text.split("\r\n")
    assert len(old_lines) == len(new_lines)
    unchanged = [
        i for i, (a, b) in enumerate(zip(template_rows, rows, strict=True)) if a[-1] == b[-1]
    ]
    assert len(unchanged) > 5
    for i in unchanged:
        assert old_lines[i] == new_lines[i]
    assert not text.endswith("\n")


def test_n_filled_from_counts() -> None:
    counts = sample_counts()
    n = {row[0]: row[-1] for row in rows_of(prisma_csv_text(counts))[1:]}
    for key, value in counts.items():
        if key in LIST_KEYS or key in ("pending", "manual"):
            continue
        assert n[key] == str(value), key  # plain numbers, no thousands separator
    assert n["database_results"] == "1204"
    assert n["database_specific_results"] == "Scopus, 600; Web of Science, 404; PubMed, 200"
    assert n["register_specific_results"] == "ClinicalTrials.gov, 35"
    assert n["dbr_excluded"] == "Wrong population, 60; Wrong design, 40"
    assert n["other_excluded"] == "0"
    # Rows with no count of ours keep the template's value.
    assert n["total_studies_ma"] == "0" and n["NA"] == "0"
    assert "pending" not in n and "manual" not in n


def test_lists_parse_back_the_way_the_r_package_reads_them() -> None:
    entries = [
        ["Web of Science, Core Collection", 404],
        ["Wrong population; adults", 1234],
        ['Author\'s request "urgent"', 3],
        [" multi\nline\tname ", 4],
        ["", 5],
    ]
    cell = format_list(entries)
    parsed = parse_reasons(cell)
    assert [v for _, v in parsed] == [404, 1234, 3, 4, 5]
    assert [name for name, _ in parsed] == [
        "Web of Science - Core Collection",
        "Wrong population - adults",
        "Author\u2019s request \u201durgent\u201d",
        "multi line name",
        "Unnamed",
    ]
    assert "'" not in cell and '"' not in cell


def test_sanitise_name_leaves_plain_names_alone() -> None:
    assert sanitise_name("MEDLINE (Ovid)") == "MEDLINE (Ovid)"
    assert sanitise_name("Embase.com") == "Embase.com"
    assert sanitise_name("C:\\path") == "C:/path"
    assert format_list([]) == "0"


def test_write_to_a_path_and_to_a_file_object(tmp_path: Path) -> None:
    counts = sample_counts()
    path = tmp_path / "prisma.csv"
    write_prisma_csv(counts, path, TEMPLATE)
    assert path.read_bytes() == prisma_csv_text(counts).encode("utf-8")
    with open(tmp_path / "b.csv", "w", encoding="utf-8", newline="") as fp:
        write_prisma_csv(counts, fp, TEMPLATE)
    assert (tmp_path / "b.csv").read_bytes() == path.read_bytes()
    with open(path, encoding="utf-8", newline="") as fp:
        header = next(csv.reader(fp))
    assert header == list(COLUMNS)


def test_empty_counts_replace_the_placeholders() -> None:
    n = {row[0]: row[-1] for row in rows_of(prisma_csv_text({}))[1:]}
    for key in LIST_KEYS:
        assert n[key] == "0"
    assert not any("xxx" in value for value in n.values())


def test_a_file_that_is_not_the_template_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a PRISMA2020 template"):
        prisma_csv_text({}, bad)
