"""Exports with what the team added: notes, tags, labels and each reviewer's decisions in
the records CSV (with a byte-order mark for Excel if asked), and RIS that carries the
decisions into a reference manager. Reasons at title/abstract in their own table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import rispy

from screener.core.project import Project
from screener.core.readers import read_file
from screener.types import ScreenerError, run_work
from tests.factories import new_project

RIS = Path(__file__).parent.parent / "data" / "ris"


@pytest.fixture
def project(project_target: str) -> Project:  # type: ignore[misc]
    p = new_project(project_target)  # ana and ben, reasons "Wrong population", "Wrong design"
    run_work(p.imports.import_files([RIS / "scopus__asreview.ris"], source="Scopus"))
    p.labels.set_labels(["RCT", "Adults"])
    p.screening.decide(1, "ana", "include", note="Bergmann’s rule — see methods")
    p.screening.decide(1, "ben", "include")
    p.screening.decide(2, "ana", "exclude", reason="Wrong population")
    p.screening.decide(2, "ben", "exclude", reason="wrong population")
    p.screening.decide(3, "ana", "exclude", reason="Wrong design")
    p.screening.decide(3, "ben", "exclude", reason="Wrong population")
    p.screening.decide(4, "ana", "exclude")
    p.screening.decide(4, "ben", "include")
    p.conflicts.resolve(4, "exclude", "ana", reason="Wrong design")
    p.records.set_note(1, "ben", "=HYPERLINK(\"http://x\")")
    p.records.set_tags(1, ["to discuss"])
    p.labels.toggle(1, "ana", "RCT")
    p.labels.toggle(1, "ben", "Adults")
    yield p
    p.close()


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_records_csv_has_notes_tags_labels_and_every_reviewers_decisions(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert project.export.export("all", "csv", out) == 6
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {int(r["record_id"]): r for r in read_csv(out)}
    first = rows[1]
    assert first["tags"] == "to discuss" and first["labels"] == "Adults; RCT"
    assert first["notes"].splitlines() == ["ben: =HYPERLINK(\"http://x\")",
                                           "ana (title/abstract): Bergmann’s rule — see methods"]
    assert (first["ana_ta_decision"], first["ben_ta_decision"], first["ta_decision"]) == ("include", "include", "include")
    assert first["ben_note"] == "'=HYPERLINK(\"http://x\")"  # neutralised for spreadsheets
    assert (rows[2]["ana_ta_reason"], rows[2]["ben_ta_reason"], rows[2]["ta_reason"]) == (
        "Wrong population", "Wrong population", "Wrong population")
    assert rows[4]["ta_decision"] == "exclude" and rows[4]["ta_reason"] == "Wrong design"  # the resolution's
    assert rows[5]["ana_ta_decision"] == "" and rows[5]["tags"] == ""
    assert rows[1]["search_date"] == "" and rows[1]["update_round"] == "0"


def test_a_byte_order_mark_for_excel_when_asked(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    project.export.export("all", "csv", out, bom=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert "Bergmann’s" in raw[3:].decode("utf-8")
    log = tmp_path / "log.csv"
    project.export.export("decisions", "csv", log, bom=True)
    assert log.read_bytes().startswith(b"\xef\xbb\xbfrecord_id,")


def test_ris_with_decisions_carries_them_in_a_note_and_loses_nothing(project: Project, tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.ris", tmp_path / "marked.ris"
    project.export.export("all", "ris", plain)
    project.export.export("all", "ris", marked, with_decisions=True)
    before, after = read_file(plain).records, read_file(marked).records
    assert len(before) == len(after) == 6
    for a, b in zip(before, after, strict=True):
        added = [pair for pair in b.raw if pair not in a.raw]
        assert [tag for tag, _ in added] == ["N1"]
        assert [pair for pair in b.raw if pair[0] != "N1" or pair in a.raw] == a.raw  # every original tag kept
    with marked.open(encoding="utf-8") as f:
        entries = rispy.load(f)  # what reference managers' RIS readers see
    notes = [" ".join(e.get("notes", [])) for e in entries]
    assert "Screener | title/abstract: include | labels: Adults, RCT | tags: to discuss | record 1" in notes[0]
    assert "title/abstract: exclude (Wrong population)" in notes[1]
    assert "title/abstract: no final decision yet" in notes[4]


def test_reasons_at_title_abstract_go_to_their_own_table_not_to_prisma(project: Project) -> None:
    counts = project.prisma.counts()
    assert counts["ta_excluded_reasons"] == [("Wrong design", 2), ("Wrong population", 2)]
    assert counts["dbr_excluded"] == []  # PRISMA's boxes keep full-text reasons only
    assert counts["records_excluded"] == 3


def test_a_project_can_require_a_reason_for_title_abstract_exclusions(project: Project) -> None:
    project.screening.decide(5, "ana", "exclude")  # not required yet: fine
    project.settings.update(ta_reason_required=True)
    assert project.settings.info().ta_reason_required
    with pytest.raises(ScreenerError, match="requires a reason for title/abstract exclusions"):
        project.screening.decide(6, "ana", "exclude")
    with pytest.raises(ScreenerError, match="not in the project's list"):
        project.screening.decide(6, "ana", "exclude", reason="Too old")
    assert project.screening.decide(6, "ana", "exclude", reason="1").reason == "Wrong population"
    assert project.screening.decide(6, "ben", "include").decision == "include"  # includes need none
    with pytest.raises(ScreenerError, match="requires a reason"):
        project.conflicts.resolve(6, "exclude", "ana")
