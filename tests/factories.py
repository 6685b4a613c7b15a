"""Small builders for tests: projects and records made through the real services."""

from __future__ import annotations

from pathlib import Path

from screener.core.project import Project
from screener.types import ParsedRecord, ReadResult, run_work


def make_record(i: int, **fields: object) -> ParsedRecord:
    values: dict[str, object] = {
        "position": i,
        "line": 1 + (i - 1) * 12,
        "type": "JOUR",
        "title": f"Randomised trial {i} of peer support in mental health services",
        "authors": [f"Author{i}, A.", "Second, B."],
        "year": 2000 + i % 25,
        "journal": "Journal of Trials",
        "abstract": f"Background: record {i}. Methods: a randomised trial of peer support.",
        "keywords": ["peer support", "mental health"],
    }
    values.update(fields)
    rec = ParsedRecord(**values)  # type: ignore[arg-type]
    if not rec.raw:
        rec.raw = [("TY", rec.type), ("TI", rec.title), *[("AU", a) for a in rec.authors],
                   ("PY", str(rec.year)), ("AB", rec.abstract), ("ZZ", f"unknown tag {i}")]
    return rec


def add_batch(project: Project, records: list[ParsedRecord], source: str = "Scopus",
              kind: str = "database", file_name: str = "export.ris", tmp: Path | None = None) -> int:
    """Store parsed records as one batch (the file itself only needs to exist)."""
    folder = tmp or Path(project.target).parent
    path = folder / file_name
    if not path.exists():
        path.write_text("placeholder for the source file's checksum\n", encoding="utf-8")
    report = run_work(project.imports.store_batch([ReadResult(str(path), "ris", "utf-8", records)], source, kind))
    return report.batch_id


def new_project(target: str, reviewers: tuple[str, ...] = ("ana", "ben"), per_record: int = 2,
                reasons: tuple[str, ...] = ("Wrong population", "Wrong design")) -> Project:
    project = Project.create(target, title="Peer roles review", reasons=list(reasons),
                             reviewers_per_record=per_record,
                             include_criteria=["Peer support workers"],
                             exclude_criteria=["Not mental health"])
    for name in reviewers:
        project.settings.add_reviewer(name)
    return project
