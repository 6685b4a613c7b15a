"""Fixtures for the GUI tests: small projects built through the services, never the ORM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.types import ParsedRecord, ReadResult, run_work

SCREEN_REASONS = ["Wrong population", "Wrong intervention", "Wrong study design"]


def parsed(i: int, title: str = "", abstract: str = "", **fields: object) -> ParsedRecord:
    """One record as a reader would give it."""
    return ParsedRecord(
        position=i,
        line=1 + 10 * (i - 1),
        type="JOUR",
        title=title or f"Peer support record {i}",
        authors=list(fields.pop("authors", [f"Author{i:03d}, A."])),  # type: ignore[call-overload]
        year=fields.pop("year", 2000 + i % 25),  # type: ignore[arg-type]
        journal=str(fields.pop("journal", "Journal of Testing")),
        abstract=abstract or f"Abstract of record {i} about peer workers in mental health services.",
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def make_screen_project(tmp_path: Path) -> Callable[..., Project]:
    """Build a project: ``records`` are ParsedRecords or titles, stored as one batch."""
    opened: list[Project] = []

    def build(
        records: list[ParsedRecord | str] | int = 5,
        reviewers: tuple[str, ...] = ("ana", "ben"),
        required: int = 2,
        source: str = "Scopus",
        include_terms: list[str] | None = None,
        exclude_terms: list[str] | None = None,
        name: str = "review.screener",
    ) -> Project:
        project = Project.create(
            tmp_path / name,
            title="Peer roles review",
            include_criteria=["Peer support workers", "Mental health services"],
            exclude_criteria=["Not mental health"],
            reasons=SCREEN_REASONS,
            reviewers_per_record=required,
        )
        opened.append(project)
        if include_terms or exclude_terms:
            project.settings.update(include_terms=include_terms or [], exclude_terms=exclude_terms or [])
        for reviewer in reviewers:
            project.settings.add_reviewer(reviewer)
        if isinstance(records, int):
            records = [parsed(i) for i in range(1, records + 1)]
        items = [parsed(i, r) if isinstance(r, str) else r for i, r in enumerate(records, 1)]
        if items:
            export = tmp_path / f"{source.lower()}-export.ris"
            export.write_text("".join(f"TY  - JOUR\nTI  - {r.title}\nER  - \n" for r in items), encoding="utf-8")
            result = ReadResult(path=str(export), format="ris", encoding="utf-8", records=items)
            run_work(project.imports.store_batch([result], source=source))
        return project

    yield build  # type: ignore[misc]
    for project in opened:
        project.close()


@pytest.fixture
def show_view(qtbot):  # type: ignore[no-untyped-def]
    """Show a view in its own active window (window shortcuts need an active window)."""
    from PySide6.QtWidgets import QApplication

    def show(view, size: tuple[int, int] = (1280, 800)):  # type: ignore[no-untyped-def]
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is view.window())
        return view

    return show
