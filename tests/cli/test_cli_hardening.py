"""The CLI against hostile data and careless use: terminal escapes from imported text or an
edited project, a file none of whose records can be read, a closed pipe, and the small
conveniences a reviewer expects (reason numbers, ``--what log``, a readable PRISMA table)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli_contract import RIS, run, run_json

CSV = Path(__file__).parent.parent / "data" / "csv"
ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J \x9b2J"
TERMINAL_CONTROLS = [chr(c) for c in [*range(0, 9), *range(11, 32), *range(127, 160)]]


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A dual-review project with reviewers ana and ben, resolver carla, and two reasons."""
    path = tmp_path / "review.screener"
    assert run(capsys, "new", path, "--title", "Peer roles", "--reason", "Wrong population",
               "--reason", "Wrong design", "--reviewers-per-record", "2")[0] == 0
    for name in ("ana", "ben"):
        assert run(capsys, "reviewer", "add", path, name)[0] == 0
    assert run(capsys, "reviewer", "add", path, "carla", "--role", "resolver")[0] == 0
    return path


def _clean(text: str) -> bool:
    return not any(ch in text for ch in TERMINAL_CONTROLS)


def test_escapes_in_an_imported_title_reach_neither_terminal_nor_exports(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(f"title,abstract,authors\nPeer roles {ESCAPES},An abstract,\"Doe\x1b[2J, J\"\n"
                       "Second study,Text,\"Roe, R\"\n", encoding="utf-8")
    assert run_json(capsys, "import", project, hostile, "--source", "Scopus")["records"] == 2
    code, out, err = run(capsys, "records", project)
    assert code == 0 and _clean(out) and _clean(err)
    assert "Peer roles [31mred[0m ]0;pwned [2J 2J" in out
    for fmt in ("csv", "bibtex", "ris"):
        target = tmp_path / f"all.{fmt}"
        assert run(capsys, "export", project, "--what", "all", "--stage", "title_abstract", "--format", fmt,
                   "-o", target)[0] == 0
        assert _clean(target.read_text(encoding="utf-8").replace("\r\n", "\n")), fmt


def test_escapes_put_into_a_project_by_hand_are_not_printed(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "import", project, RIS / "seed_scopus_single_space_tags.ris", "--source", "Scopus")
    (rid,) = [r["record_id"] for r in run_json(capsys, "records", project)]
    run(capsys, "decide", project, rid, "include", "--reviewer", "ana", "--note", "fine")
    with sqlite3.connect(project) as db:  # someone edits the file with plain SQL
        db.execute("UPDATE record SET title = ?, first_author = ?", (f"Title {ESCAPES}", f"Moran{ESCAPES}"))
        db.execute("UPDATE reviewer SET name = ? WHERE name = 'ben'", (f"ben{ESCAPES}",))
    for args in (["records", project], ["history", project, rid], ["reviewer", "list", project],
                 ["records", project, "--stage", "full_text"]):
        code, out, err = run(capsys, *args)
        assert code == 0 and _clean(out) and _clean(err), args
    for fmt in ("csv", "bibtex", "ris"):
        target = project.with_name(f"edited.{fmt}")
        assert run(capsys, "export", project, "--what", "all", "--stage", "title_abstract", "--format", fmt,
                   "-o", target)[0] == 0
        assert _clean(target.read_text(encoding="utf-8").replace("\r\n", "\n")), fmt
    code, out, _ = run(capsys, "records", project, "--json")
    assert _clean(out)  # JSON escapes them: \u001b, \u009b
    assert json.loads(out)[0]["title"] == f"Title {ESCAPES}"  # … and a script still gets the data


def test_a_file_none_of_whose_records_can_be_read_says_where_and_why(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"title,abstract\nBad \x00 title,text\nAlso \x00 bad,text\n")
    code, out, err = run(capsys, "import", project, broken, "--source", "Scopus")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "nothing to import" in err and "broken.csv, line 2: record 1 skipped" in err
    assert "binary data" in err and "(and 1 more)" in err
    assert run_json(capsys, "batches", project) == []


def test_records_piped_into_head_exit_quietly(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "import", project, CSV / "Cohen_2006_ADHD.csv", "--source", "PubMed")  # 851 records
    script = (f"{sys.executable} -m screener records {project} --json | head -1; "
              f"echo \"exit=${{PIPESTATUS[0]}}\" >&2")
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.stdout == "[\n"
    assert proc.stderr.strip() == "exit=0", proc.stderr


def test_a_reason_by_its_number_as_keys_1_to_9_pick_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "import", project, RIS / "seed_scopus_single_space_tags.ris", "--source", "Scopus")
    (rid,) = [r["record_id"] for r in run_json(capsys, "records", project)]
    for name in ("ana", "ben"):
        assert run(capsys, "decide", project, rid, "include", "--reviewer", name)[0] == 0
    assert run(capsys, "decide", project, rid, "exclude", "--reviewer", "ana", "--stage", "full_text",
               "--reason", "2")[0] == 0
    code, _, err = run(capsys, "decide", project, rid, "exclude", "--reviewer", "ben", "--stage", "full_text",
                       "--reason", "3")
    assert code == 1 and "1 Wrong population; 2 Wrong design" in err
    history = run_json(capsys, "history", project, rid)
    assert history[-1]["detail"]["reason"] == "Wrong design"


def test_export_what_log_is_the_screening_log(project: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "import", project, RIS / "seed_scopus_single_space_tags.ris", "--source", "Scopus")
    (rid,) = [r["record_id"] for r in run_json(capsys, "records", project)]
    run(capsys, "decide", project, rid, "include", "--reviewer", "ana")
    log, decisions = tmp_path / "log.csv", tmp_path / "decisions.csv"
    assert run(capsys, "export", project, "--what", "log", "--format", "csv", "-o", log)[0] == 0
    assert run(capsys, "export", project, "--what", "decisions", "--format", "csv", "-o", decisions)[0] == 0
    assert log.read_text(encoding="utf-8") == decisions.read_text(encoding="utf-8")
    assert "include" in log.read_text(encoding="utf-8")


def test_prisma_prints_a_readable_table_and_json_for_scripts(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "import", project, RIS / "cff_scopus__citation-file-formatting.ris", "--source", "Scopus")
    website = tmp_path / "site.ris"
    website.write_text((RIS / "seed_scopus_single_space_tags.ris").read_text(encoding="utf-8"), encoding="utf-8")
    run_json(capsys, "import", project, website, "--source", "Journal site", "--kind", "website")
    code, out, _ = run(capsys, "prisma", project)
    assert code == 0
    assert "[(" not in out and "{'" not in out and "_results" not in out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "Records from databases 10" in lines and "Scopus 10" in lines
    assert "Records screened 0 (+ 10 awaiting a final decision)" in lines
    assert "Records from websites 1" in lines
    assert "Reports sought for retrieval 0 (+ 1 awaiting a final decision)" in lines
    counts = run_json(capsys, "prisma", project)
    assert counts["database_specific_results"] == [["Scopus", 10]]
    assert counts["pending"]["other_title_abstract"] == 1
