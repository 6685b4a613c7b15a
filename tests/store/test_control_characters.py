"""Text with control characters is stored the same on SQLite and PostgreSQL: without them.

PostgreSQL refuses a NUL byte in text that SQLite keeps; a terminal escape in a note or a
tag would reach every terminal that lists it. Both backends, every way text gets in."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.cli.main import main
from screener.core.project import Project
from tests.factories import add_batch, make_record, new_project

HOSTILE = "keep\x00 this\x1b[2J note\x07\r\nsecond line\x9b31m"
CLEAN = "keep this[2J note\nsecond line31m"


@pytest.fixture
def project(project_target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(project_target)
    add_batch(p, [make_record(i) for i in range(1, 4)], tmp=tmp_path)
    yield p
    p.close()


def test_a_note_with_nul_and_escapes_is_stored_the_same_on_both_backends(project: Project) -> None:
    decided = project.screening.decide(1, "ana", "include", note=HOSTILE)
    assert decided.note == HOSTILE  # what was asked; the stored text is what counts
    assert [d.note for d in project.screening.decisions_of(1)] == [CLEAN]
    assert project.history.history(1)[-1].detail["note"] == CLEAN


def test_names_and_settings_lose_control_characters_on_both_backends(project: Project) -> None:
    project.settings.add_reviewer("dan\x00\x1b]0;x\x07")
    assert "dan]0;x" in [r.name for r in project.settings.reviewers()]


def test_a_decisions_csv_with_a_nul_names_its_line_and_applies_nothing(
        project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "decisions.csv"
    sheet.write_bytes(b"record_id,reviewer,stage,decision,reason,note\n"
                      b"1,ana,title_abstract,include,,fine\n"
                      b"2,ana,title_abstract,exclude,,bad\x00note\n")
    target = project.target
    project.close()
    assert main(["decide", target, "--from-csv", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "decisions.csv, line 3" in err and "NUL" in err and err.count("\n") == 1
    with Project.open(target) as again:
        assert again.screening.decisions_of(1) == []
