"""The scripting contract of ../shared/CLI.md: names, JSON shapes and exit statuses."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from screener import __version__
from screener.cli.main import main

RIS = Path(__file__).parent.parent / "data" / "ris"
NBIB = Path(__file__).parent.parent / "data" / "nbib"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str):  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "review.screener"
    code, _, err = run(
        capsys, "new", path, "--title", "Peer roles", "--question", "Do peer roles help?",
        "--include-criterion", "Peer support workers", "--exclude-criterion", "Not mental health",
        "--reason", "Wrong population", "--reason", "Wrong design", "--reviewers-per-record", "2",
    )
    assert code == 0, err
    for name in ("ana", "ben"):
        assert run(capsys, "reviewer", "add", path, name)[0] == 0
    assert run(capsys, "reviewer", "add", path, "carla", "--role", "resolver")[0] == 0
    return path


def test_version_is_printed() -> None:
    out = subprocess.run([sys.executable, "-m", "screener", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and __version__ in out.stdout


def test_import_reports_batch_and_files_as_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "import", project, RIS / "seed_scopus_single_space_tags.ris",
                      "--source", "Scopus", "--date", "2025-02-01", "--search-string", "peer AND support")
    assert report["records"] == 1 and isinstance(report["batch_id"], int)
    assert report["files"][0]["file"] == "seed_scopus_single_space_tags.ris"
    assert report["files"][0]["records"] == 1 and report["warnings"] == []
    batches = run_json(capsys, "batches", project)
    assert batches[0]["source"] == "Scopus" and batches[0]["kind"] == "database"
    assert batches[0]["search_date"] == "2025-02-01" and batches[0]["records"] == 1
    records = run_json(capsys, "records", project)
    assert records == [{
        "record_id": records[0]["record_id"],
        "title": "Facing the paradox of professionalizing peer roles in MH services: How addressing "
                 "self-disclosure with self-determination theory might help",
        "year": 2025, "first_author": "Moran, Galia S.", "status": "undecided",
    }]


@pytest.mark.parametrize("bad", ["empty.ris", "paper.pdf", "medline.nbib", "nothing.ris"])
def test_a_file_that_is_not_ris_is_refused_by_name_and_changes_nothing(
    bad: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / bad
    if bad == "empty.ris":
        path.write_bytes(b"")
    elif bad == "paper.pdf":
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    elif bad == "medline.nbib":
        path.write_bytes((NBIB / "pubmed_medline__citation-file-formatting.nbib").read_bytes())
    else:
        path.write_text("Provider: Nobody\nThis export has no records at all.\n")
    before = project.read_bytes()
    code, out, err = run(capsys, "import", project, path, "--source", "Scopus", "--format", "ris")
    assert code == 1
    assert bad in err and out == ""
    assert run_json(capsys, "batches", project) == []
    assert project.read_bytes() == before or run_json(capsys, "records", project) == []


def test_decide_resolve_agreement_history_and_export(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", project, RIS / "cff_scopus__citation-file-formatting.ris", "--source", "Scopus")
    ids = [r["record_id"] for r in run_json(capsys, "records", project)]
    assert len(ids) == 10
    plan = {ids[0]: ("include", "include"), ids[1]: ("include", "exclude"), ids[2]: ("exclude", "exclude")}
    for rid, (a, b) in plan.items():
        assert run(capsys, "decide", project, rid, a, "--reviewer", "ana")[0] == 0
        assert run(capsys, "decide", project, rid, b, "--reviewer", "ben", "--note", "why not")[0] == 0
    conflicts = run_json(capsys, "conflicts", project)
    assert [c["record_id"] for c in conflicts] == [ids[1]]
    assert {d["reviewer"]: d["decision"] for d in conflicts[0]["decisions"]} == {"ana": "include", "ben": "exclude"}
    assert run(capsys, "resolve", project, ids[1], "include", "--reviewer", "carla")[0] == 0
    assert run_json(capsys, "conflicts", project) == []
    agreement = run_json(capsys, "agreement", project)
    assert agreement[0]["reviewers"] == ["ana", "ben"] and agreement[0]["n"] == 3
    assert agreement[0]["percent_agreement"] == pytest.approx(200 / 3)
    included = {r["record_id"] for r in run_json(capsys, "records", project, "--status", "included")}
    assert included == {ids[0], ids[1]}
    full_text = {r["record_id"] for r in run_json(capsys, "records", project, "--stage", "full_text")}
    assert full_text == included
    for who in ("ana", "ben"):
        assert run(capsys, "decide", project, ids[0], "include", "--reviewer", who, "--stage", "full_text")[0] == 0
        assert run(capsys, "decide", project, ids[1], "exclude", "--reviewer", who, "--stage", "full_text",
                   "--reason", "Wrong design")[0] == 0
    history = run_json(capsys, "history", project, ids[1])
    assert [h["kind"] for h in history][:4] == ["import", "decision", "decision", "resolution"]
    out = tmp_path / "included.csv"
    assert run(capsys, "export", project, "--what", "included", "--format", "csv", "-o", out)[0] == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [int(r["record_id"]) for r in rows] == [ids[0]]
    assert rows[0]["ta_decision"] == "include" and rows[0]["ft_decision"] == "include"
    everything = tmp_path / "all.csv"
    assert run(capsys, "export", project, "--what", "all", "--format", "csv", "-o", everything)[0] == 0
    rows = {int(r["record_id"]): r for r in csv.DictReader(everything.open(encoding="utf-8"))}
    assert len(rows) == 10 and rows[ids[1]]["ft_reason"] == "Wrong design"
    assert rows[ids[3]]["source_position"] == "4" and rows[ids[3]]["source_file"].endswith(".ris")
    prisma = run_json(capsys, "prisma", project)
    assert prisma["records_screened"] == 3 and prisma["records_excluded"] == 1
    assert prisma["dbr_excluded"] == [["Wrong design", 1]] and prisma["new_studies"] == 1
    assert prisma["pending"]["title_abstract"] == 7


@pytest.mark.parametrize(
    "args, message",
    [
        (["include", "--reviewer", "zoe"], "unknown reviewer"),
        (["include", "--reviewer", "ana", "--stage", "full_text"], "not included at title/abstract"),
    ],
)
def test_invalid_decisions_exit_1_and_change_nothing(
    args: list[str], message: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", project, RIS / "seed_scopus_single_space_tags.ris", "--source", "Scopus")
    rid = run_json(capsys, "records", project)[0]["record_id"]
    code, _, err = run(capsys, "decide", project, rid, *args)
    assert code == 1 and message in err
    assert run_json(capsys, "history", project, rid)[-1]["kind"] == "import"


def test_unknown_record_exits_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decide", project, "999", "include", "--reviewer", "ana")
    assert code == 1 and "no record 999" in err


def test_usage_errors_exit_2(project: Path) -> None:
    with pytest.raises(SystemExit) as e:
        main(["decide", str(project), "1", "yes-please", "--reviewer", "ana"])
    assert e.value.code == 2


def test_bulk_csv_names_the_bad_line_and_applies_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", project, RIS / "cff_scopus__citation-file-formatting.ris", "--source", "Scopus")
    ids = [r["record_id"] for r in run_json(capsys, "records", project)]
    sheet = tmp_path / "decisions.csv"
    sheet.write_text(
        "record_id,reviewer,stage,decision,reason,note\n"
        f"{ids[0]},ana,title_abstract,include,,\n"
        f"{ids[1]},ana,title_abstract,exclude,,off topic\n"
        f"{ids[2]},ana,title_abstract,perhaps,,\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "decide", project, "--from-csv", sheet)
    assert code == 1 and "decisions.csv, line 4" in err
    assert run_json(capsys, "records", project, "--status", "undecided").__len__() == 10
    sheet.write_text(sheet.read_text().replace("perhaps", "maybe"), encoding="utf-8")
    assert run(capsys, "decide", project, "--from-csv", sheet)[0] == 0
    assert run_json(capsys, "history", project, ids[1])[-1]["detail"]["note"] == "off topic"


def test_dedup_merges_the_same_export_from_two_databases(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "import", project, RIS / "lens_baseline__asreview.ris", "--source", "Lens.org")
    run_json(capsys, "import", project, RIS / "zotero_baseline__asreview.ris", "--source", "PubMed")
    result = run_json(capsys, "dedup", project)
    assert result["merged"] >= 95
    duplicates = run_json(capsys, "records", project, "--status", "duplicate")
    assert len(duplicates) == result["merged"]
    assert run_json(capsys, "prisma", project)["duplicates"] == result["merged"]
    some = duplicates[0]["record_id"]
    assert run(capsys, "unmerge", project, some)[0] == 0
    assert len(run_json(capsys, "records", project, "--status", "duplicate")) == result["merged"] - 1
    again = run_json(capsys, "dedup", project)
    assert again["merged"] == 0  # an unmerged pair is remembered as not duplicate


def test_json_goes_to_stdout_alone_in_a_real_process(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "screener", "import", str(project), str(RIS / "seed_scopus_single_space_tags.ris"),
         "--source", "Scopus", "--json"], capture_output=True, text=True,
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["records"] == 1


def test_an_unreachable_server_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "records", "postgresql+psycopg://ana@127.0.0.1:1/review")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Cannot reach the server at 127.0.0.1:1" in err


def test_an_output_folder_that_does_not_exist_is_named(project: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing" / "included.csv"
    code, _, err = run(capsys, "export", project, "--what", "all", "--format", "csv", "-o", target)
    assert code == 1 and "included.csv: the folder" in err and "does not exist" in err
    assert ".tmp" not in err


def test_output_cut_short_by_a_pipe_is_not_an_error(project: Path) -> None:
    proc = subprocess.run(f"{sys.executable} -m screener --help | head -1", shell=True,
                          capture_output=True, text=True)
    assert proc.stdout.startswith("usage: screener") and "Broken pipe" not in proc.stderr
