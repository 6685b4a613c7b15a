"""The demo project: built from bundled, openly licensed exports in ``resources/demo``."""

from __future__ import annotations

from pathlib import Path

from screener.core.project import Project
from screener.paths import resource_path, user_data_dir
from screener.types import run_work

DEMO_NAME = "demo.screener"


def demo_project_path() -> Path:
    return user_data_dir() / "demo" / DEMO_NAME


def ensure_demo_project(folder: str | Path) -> Path:
    """Create the demo project in ``folder`` (reuse it when it is already there)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_NAME
    if path.exists():
        Project.open(path).close()
        return path
    demo = resource_path("demo")
    with Project.create(
        path,
        title="Overview of systematic reviews (demo)",
        question="Which systematic reviews evaluate diagnostic tests or health-care interventions in humans?",
        include_criteria=["Systematic review or meta-analysis", "Human participants",
                          "Diagnostic test or health-care intervention"],
        exclude_criteria=["Narrative review, editorial or protocol", "Animal or in-vitro studies"],
        reasons=["Wrong study design", "Wrong population", "Wrong intervention",
                 "Wrong outcome", "Full text not in English"],
        reviewers_per_record=2,
    ) as project:
        project.settings.update(
            include_terms=["systematic review", "meta-analysis", "diagnostic", "randomized"],
            exclude_terms=["protocol", "mice", "rats", "editorial", "narrative"],
        )
        for name, role in (("ana", "reviewer"), ("ben", "reviewer"), ("carla", "resolver")):
            project.settings.add_reviewer(name, role)
        for file, source, date in (
            ("scopus_seed.ris", "Scopus", "2025-02-01"),
            ("lens_baseline.ris", "Lens.org", "2024-03-01"),
            ("zotero_baseline.ris", "PubMed (via Zotero)", "2024-03-01"),
        ):
            run_work(
                project.imports.import_files(
                    [demo / file], source=source, search_date=date,
                    search_string="systematic review[pt] AND (diagnos* OR intervention*)",
                )
            )
        run_work(project.dedup.run())
    return path
