"""The demo project, and exports that re-import losslessly."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from screener.cli.main import main
from screener.core.project import Project
from screener.types import run_work

RIS = Path(__file__).parent.parent / "data" / "ris"
FIELDS = ("type", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
          "abstract", "keywords")


def test_demo_creates_a_ready_project_and_prints_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path), "--no-gui"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.exists() and path.parent == tmp_path
    with Project.open(path) as p:
        assert [b.source for b in p.imports.batches()] == ["Scopus", "Lens.org", "PubMed (via Zotero)"]
        assert p.dedup.duplicate_count() >= 95
        counts = p.prisma.counts()
        assert counts["records_screened"] == 0  # nothing has a final decision yet
        assert p.records.queue_size("title_abstract", "ana") == counts["pending"]["title_abstract"]
    assert main(["demo", str(tmp_path), "--no-gui"]) == 0  # a second run reuses it
    assert Path(capsys.readouterr().out.strip()) == path


@pytest.mark.parametrize("fixture", ["lens_baseline__asreview.ris", "cff_scopus__citation-file-formatting.ris",
                                     "seed_scopus_single_space_tags.ris"])
def test_ris_export_reimports_with_every_field_and_tag(fixture: str, tmp_path: Path) -> None:
    with Project.create(tmp_path / "a.screener", title="A") as a:
        run_work(a.imports.import_files([RIS / fixture], source="Scopus"))
        a.export.export("all", "ris", tmp_path / "out.ris")
        original = list(a.export.record_rows("all", "full_text"))
    with Project.create(tmp_path / "b.screener", title="B") as b:
        run_work(b.imports.import_files([tmp_path / "out.ris"], source="Scopus"))
        again = list(b.export.record_rows("all", "full_text"))
    assert len(again) == len(original)
    for before, after in zip(original, again, strict=True):
        assert {f: after[f] for f in FIELDS} == {f: before[f] for f in FIELDS}
        assert after["raw"] == before["raw"]


def test_csv_and_bibtex_exports_of_included_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.screener"
    with Project.create(path, title="R", reasons=["Wrong design"]) as p:
        p.settings.add_reviewer("ana")
        run_work(p.imports.import_files([RIS / "cff_scopus__citation-file-formatting.ris"], source="Scopus"))
        ids = p.records.ids()
        for rid in ids[:3]:
            p.screening.decide(rid, "ana", "include")
        p.screening.decide(ids[0], "ana", "include", stage="full_text")
        p.screening.decide(ids[1], "ana", "exclude", stage="full_text", reason="Wrong design")
    for fmt, name in (("csv", "inc.csv"), ("bibtex", "inc.bib"), ("asreview", "asr.csv")):
        what = "all" if fmt == "asreview" else "included"
        assert main(["export", str(path), "--what", what, "--format", fmt, "-o", str(tmp_path / name)]) == 0
    rows = list(csv.DictReader((tmp_path / "inc.csv").open(encoding="utf-8")))
    assert [int(r["record_id"]) for r in rows] == [ids[0]]
    bib = (tmp_path / "inc.bib").read_text(encoding="utf-8")
    assert bib.count("@article{") == 1 and bib.count("{") == bib.count("}")
    labels = {int(r["record_id"]): r["label_included"] for r in csv.DictReader((tmp_path / "asr.csv").open())}
    assert labels[ids[0]] == "1" and labels[ids[1]] == "0"
    assert main(["export", str(path), "--what", "included", "--stage", "title_abstract", "--format", "csv",
                 "-o", str(tmp_path / "ta.csv")]) == 0
    assert len(list(csv.DictReader((tmp_path / "ta.csv").open(encoding="utf-8")))) == 3
    assert main(["export", str(path), "--what", "decisions", "--format", "csv", "-o", str(tmp_path / "log.csv")]) == 0
    log = list(csv.DictReader((tmp_path / "log.csv").open(encoding="utf-8")))
    assert {(int(r["record_id"]), r["stage"]) for r in log} >= {(ids[0], "title_abstract"), (ids[1], "full_text")}
    ft = next(r for r in log if int(r["record_id"]) == ids[1] and r["stage"] == "full_text")
    assert ft["ana_decision"] == "exclude" and ft["ana_reason"] == "Wrong design" and ft["final_status"] == "excluded"
    capsys.readouterr()


def test_prisma_files_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path), "--no-gui"]) == 0
    path = capsys.readouterr().out.strip()
    out = {ext: tmp_path / f"prisma.{ext}" for ext in ("svg", "png", "pdf", "csv")}
    assert main(["prisma", path, *[a for ext, f in out.items() for a in (f"--{ext}", str(f))], "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert "Records screened" in out["svg"].read_text(encoding="utf-8")
    assert out["png"].read_bytes()[:4] == b"\x89PNG" and out["pdf"].read_bytes()[:4] == b"%PDF"
    rows = {r["data"]: r["n"] for r in csv.DictReader(out["csv"].open(encoding="utf-8"))}
    assert rows["records_screened"] == str(counts["records_screened"])
    assert rows["duplicates"] == str(counts["duplicates"])
