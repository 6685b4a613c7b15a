"""The new rows of the scripting contract: assign, records --reviewer and filters,
import --update, export --bom / --with-decisions, labels, tag, undo-step, team."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli_contract import run, run_json

RIS = Path(__file__).parent.parent / "data" / "ris"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "team.screener"
    assert run(capsys, "new", path, "--title", "Team", "--reason", "Wrong population")[0] == 0
    for name in ("a", "b", "c", "d"):
        assert run(capsys, "reviewer", "add", path, name)[0] == 0
    first = tmp_path / "first.ris"
    text = (RIS / "lens_baseline__asreview.ris").read_text(encoding="utf-8-sig")
    records = [r for r in re.split(r"(?m)^ER  -.*$", text) if r.strip()][:60]
    first.write_text("".join(r.strip("\r\n") + "\r\nER  - \r\n\r\n" for r in records), encoding="utf-8")
    run_json(capsys, "import", path, first, "--source", "Lens", "--date", "2024-01-10")
    return path


def test_assign_prints_its_shape_and_each_queue_is_what_was_assigned(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "assign", project, "--reviewers", "a,b,c,d", "--per-record", "2",
                   "--overlap", "0.1", "--seed", "5")
    assert set(out) >= {"assignments", "overlap"}
    assert set(out["assignments"]) == {"a", "b", "c", "d"}
    assert all(isinstance(n, int) for n in out["assignments"].values())
    assert out["overlap"] == 6
    assert sum(out["assignments"].values()) == 6 * 4 + 54 * 2
    seen: dict[int, int] = {}
    for name, n in out["assignments"].items():
        queue = run_json(capsys, "records", project, "--reviewer", name)
        assert len(queue) == n
        assert {r["status"] for r in queue} == {"undecided"}
        for r in queue:
            seen[r["record_id"]] = seen.get(r["record_id"], 0) + 1
    assert len(seen) == 60 and sorted(set(seen.values())) == [2, 4]
    team = run_json(capsys, "team", project)
    assert [(r["name"], r["assigned"], r["queue"]) for r in team["reviewers"]] == [
        (name, n, n) for name, n in out["assignments"].items()]


def test_assign_refusals_change_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = project.read_bytes()
    code, _, err = run(capsys, "assign", project, "--reviewers", "a,zoe", "--per-record", "1")
    assert code == 1 and "unknown reviewer 'zoe'" in err and "\n" not in err.strip()
    code, _, err = run(capsys, "assign", project, "--reviewers", "a,b", "--per-record", "2", "--overlap", "2")
    assert code == 1 and "from 0 to 1" in err
    with pytest.raises(SystemExit) as usage:
        run(capsys, "assign", project, "--reviewers", "a,b", "--per-record", "3")
    assert usage.value.code == 2
    assert len(run_json(capsys, "records", project, "--reviewer", "a")) == 60
    assert project.read_bytes() == before


def test_import_update_reports_new_already_screened_and_linked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for rid in range(1, 11):
        assert run(capsys, "decide", project, str(rid), "exclude", "--reviewer", "a")[0] == 0
    out = run_json(capsys, "import", project, RIS / "zotero_baseline__asreview.ris", "--source", "Lens",
                   "--date", "2024-07-01", "--update")
    assert (out["records"], out["new"], out["already_screened"], out["linked"]) == (100, 40, 10, 60)
    assert all(isinstance(out[k], int) for k in ("new", "already_screened", "linked"))
    queue = run_json(capsys, "records", project, "--reviewer", "a")
    assert len(queue) == 50 + 40
    prisma = run_json(capsys, "prisma", project)
    assert prisma["database_results"] == 100 and prisma["previous_studies"] == 0
    assert run_json(capsys, "prisma", project, "--no-updated-review")["database_results"] == 160
    code, text, _ = run(capsys, "prisma", project)
    assert code == 0 and "Studies included in previous version of review" in text


def test_records_filters_combine(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every = run_json(capsys, "records", project)
    by_year = run_json(capsys, "records", project, "--year-from", "2019", "--year-to", "2020")
    assert by_year and all(2019 <= r["year"] <= 2020 for r in by_year)
    assert len(by_year) == sum(1 for r in every if r["year"] and 2019 <= r["year"] <= 2020)
    run(capsys, "tag", project, "1", "2", "3", "--tag", "check")
    run(capsys, "decide", project, "2", "include", "--reviewer", "a")
    mine = run_json(capsys, "records", project, "--reviewer", "a", "--all-records", "--tag", "check",
                    "--mine", "none")
    assert [r["record_id"] for r in mine] == [1, 3]
    assert run(capsys, "records", project, "--mine", "none")[0] == 1  # needs --reviewer


def test_labels_bulk_steps_and_undo_from_the_command_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = run_json(capsys, "labels", project, "--set", "RCT,Adults, RCT ,Check")
    assert [x["label"] for x in labels] == ["RCT", "Adults", "Check"]
    step = run_json(capsys, "label", project, "1", "2", "3", "--label", "2", "--reviewer", "a")
    assert (step["changed"], step["value"]) == (3, "Adults")
    assert [r["record_id"] for r in run_json(capsys, "records", project, "--reviewer", "a", "--label",
                                             "Adults")] == [1, 2, 3]
    undone = run_json(capsys, "undo-step", project, "--reviewer", "a")
    assert undone["changed"] == 3
    assert run_json(capsys, "records", project, "--reviewer", "a", "--label", "Adults") == []
    code, _, err = run(capsys, "undo-step", project, "--reviewer", "a")
    assert code == 1 and "no bulk step" in err


def test_export_with_bom_and_decisions_as_a_user_runs_it(project: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "decide", project, "1", "include", "--reviewer", "a")
    csv_out, ris_out = tmp_path / "all.csv", tmp_path / "all.ris"
    for args in (["--format", "csv", "--bom", "-o", csv_out], ["--format", "ris", "--with-decisions", "-o", ris_out]):
        done = subprocess.run([sys.executable, "-m", "screener", "export", str(project), "--what", "all",
                               *map(str, args)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbfrecord_id,")
    header = csv_out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    for column in ("notes", "tags", "labels", "a_ta_decision", "b_ta_reason", "d_ft_decision"):
        assert column in header
    assert "N1  - Screener | title/abstract: no final decision yet" in ris_out.read_text(encoding="utf-8")
