"""`screener retrieval`: one report, or a whole folder of PDFs, as scripts use it (real processes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pdf_factory import make_pdf, make_scanned_pdf

ROOT = Path(__file__).parents[2]
RIS = """TY  - JOUR
TI  - Peer support workers in community mental health teams: a randomised trial
AU  - Smith, Jane
PY  - 2020
DO  - https://doi.org/10.1000/PEER.2020.001
ER  -
TY  - JOUR
TI  - Recovery colleges and personal recovery: a mixed methods evaluation
AU  - Jones, Kim
PY  - 2019
ER  -
TY  - JOUR
TI  - Lived experience practitioners in acute inpatient psychiatry
AU  - Brown, Lee
PY  - 2018
ER  -
"""


def screener(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "screener", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "review.screener"
    export = tmp_path / "scopus.ris"
    export.write_text(RIS, encoding="utf-8")
    for args in (("new", path, "--title", "Peer roles", "--reason", "Wrong population"),
                 ("reviewer", "add", path, "ana"), ("import", path, export, "--source", "Scopus")):
        assert screener(*args).returncode == 0
    for rid in (1, 2, 3):
        assert screener("decide", path, rid, "include", "--reviewer", "ana").returncode == 0
    return path


def test_from_folder_prints_what_became_of_each_pdf(project: Path, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "pdfs"
    make_pdf(folder / "a" / "download.pdf", "Peer support workers in community mental health teams: a "
             "randomised trial", dois=("10.1000/peer.2020.001",))
    make_pdf(folder / "b" / "paper.pdf", "Recovery colleges and personal recovery: a mixed methods evaluation")
    make_scanned_pdf(folder / "c" / "Brown - 2018 - Lived experience practitioners in acute inpatient psychiatry.pdf")
    make_scanned_pdf(folder / "d" / "scan.pdf")
    run = screener("retrieval", project, "--from-folder", folder, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert {m["file"]: (m["record_id"], m["by"]) for m in out["matched"]} == {
        str(folder / "a" / "download.pdf"): (1, "doi"),
        str(folder / "b" / "paper.pdf"): (2, "title"),
        str(folder / "c" / "Brown - 2018 - Lived experience practitioners in acute inpatient psychiatry.pdf"):
            (3, "filename"),
    }
    assert out["unmatched"] == [str(folder / "d" / "scan.pdf")] and out["ambiguous"] == []
    assert all(isinstance(m["record_id"], int) for m in out["matched"]) and out["attached"] == 3
    assert "4 PDFs" in run.stderr and "3 attached" in run.stderr
    again = json.loads(screener("retrieval", project, "--from-folder", folder, "--json").stdout)
    assert again["attached"] == 0 and len(again["matched"]) == 3  # still matched, not attached twice


def test_one_report_its_pdf_and_the_errors(project: Path, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    first = make_pdf(tmp_path / "first.pdf", "A first version")
    second = make_pdf(tmp_path / "second.pdf", "A second version")
    run = screener("retrieval", project, 1, "retrieved", "--pdf", first)
    assert run.returncode == 0 and "PDF at pdfs/" in run.stderr
    run = screener("retrieval", project, 1, "retrieved", "--pdf", second)
    assert run.returncode == 1 and "already has a PDF" in run.stderr and run.stdout == ""
    assert screener("retrieval", project, 1, "retrieved", "--pdf", second, "--replace").returncode == 0
    run = screener("retrieval", project, "--from-folder", tmp_path / "nowhere", "--json")
    assert run.returncode == 1 and "nowhere: no such folder" in run.stderr and run.stdout == ""
    run = screener("retrieval", project, 2, "not-retrieved", "--from-folder", tmp_path)
    assert run.returncode == 1 and "not both" in run.stderr
    run = screener("retrieval", project, 2, "not-retrieved", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["retrieved"] is False
    listed = json.loads(screener("records", project, "--stage", "full_text", "--json").stdout)
    assert {r["record_id"]: r["status"] for r in listed}[2] == "not_retrieved"
