"""The RIS writer: read → write → read gives back every field and every raw pair."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
import rispy

from screener.core.export.ris_writer import write_ris, write_ris_file
from screener.core.readers import read_file
from screener.types import ParsedRecord

DATA = Path(__file__).resolve().parents[1] / "data"
# Not RIS, or (endnote_reference_types) no record with anything to screen: nothing to write.
RIS_FILES = sorted(p.name for p in (DATA / "ris").glob("*.ris")
                   if p.name not in ("rispy_wos.ris", "endnote_reference_types__asreview.ris"))
# Positions count the records skipped on import too; written back, they count from 1 again.
COMPARED = [f.name for f in dataclasses.fields(ParsedRecord) if f.name not in ("line", "position")]


def _round_trip(records: list[ParsedRecord], tmp_path: Path) -> list[ParsedRecord]:
    out = tmp_path / "out.ris"
    assert write_ris_file(records, out) == len(records)
    again = read_file(out, "ris")
    assert again.skipped == [] and again.warnings == []
    return again.records


def _as_dicts(records: list[ParsedRecord], fields: list[str]) -> list[dict[str, object]]:
    return [{name: getattr(r, name) for name in fields} for r in records]


@pytest.mark.parametrize("name", RIS_FILES)
def test_ris_round_trip_is_lossless(name: str, tmp_path: Path) -> None:
    records = read_file(DATA / "ris" / name).records
    again = _round_trip(records, tmp_path)
    assert _as_dicts(again, COMPARED) == _as_dicts(records, COMPARED)  # raw included


def test_output_layout(tmp_path: Path) -> None:
    records = read_file(DATA / "ris" / "seed_scopus_single_space_tags.ris").records
    buffer = io.StringIO(newline="")
    write_ris(records, buffer)
    text = buffer.getvalue()
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    assert lines[0] == "TY  - JOUR"
    assert lines[1] == "T1  - Facing the paradox of professionalizing peer roles in MH services"
    assert lines[4:6] == ["N1  - Publisher Copyright:", "© The Author(s), 2025. Published by Cambridge University Press."]
    assert lines[-3:] == ["ER  - ", "", ""]
    assert "DO  - 10.1017/S2045796024000751" in lines  # the DOI as the database wrote it


def test_rispy_reads_the_output(tmp_path: Path) -> None:
    records = read_file(DATA / "ris" / "loader_edgecases__colrev.ris").records
    out = tmp_path / "out.ris"
    write_ris_file(records, out)
    entries = rispy.load(out, encoding="utf-8")
    assert [e["title"] for e in entries] == ["Title of a conference paper", "Title of a journal paper"]
    assert entries[0]["keywords"] == ["keyword2", "keyword2", "keyword3"]
    assert [e["doi"] for e in entries] == ["10.1234/Random-name55555.2020.00050", "10.1111/MC.2017.66"]


def test_a_continuation_line_that_looks_like_a_tag_is_indented(tmp_path: Path) -> None:
    record = ParsedRecord(position=1, line=1, raw=[("TY", "JOUR"), ("AB", "First part.\nER  - not the end\nKW - nor this")])
    buffer = io.StringIO(newline="")
    write_ris([record], buffer)
    assert buffer.getvalue().split("\r\n")[1:4] == ["AB  - First part.", "  ER  - not the end", "  KW - nor this"]
    again = _round_trip([record], tmp_path)
    assert again[0].raw == record.raw


def test_raw_stored_as_json_lists_is_written_too(tmp_path: Path) -> None:
    records = read_file(DATA / "ris" / "cff_rayyan__citation-file-formatting.ris").records
    stored = [json.loads(json.dumps(r.raw)) for r in records]  # [[tag, value], …]
    out = tmp_path / "out.ris"
    write_ris_file(stored, out)
    assert [r.raw for r in read_file(out).records] == [r.raw for r in records]


def test_pairs_that_are_not_ris_are_refused() -> None:
    with pytest.raises(ValueError, match="not RIS"):
        write_ris([[("title", "A"), ("year", "2001")]], io.StringIO())


SYNTHESISED = ["type", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
               "abstract", "keywords", "urls", "notes"]


def test_records_without_ris_raw_are_written_from_their_fields(tmp_path: Path) -> None:
    records = read_file(DATA / "nbib" / "pubmed_medline__citation-file-formatting.nbib").records
    again = _round_trip(records, tmp_path)
    assert _as_dicts(again, SYNTHESISED) == _as_dicts(records, SYNTHESISED)
    assert again[0].raw[:3] == [("TY", "JOUR"), ("TI", "Time lapse: A glimpse into prehistoric genomics."),
                                ("AU", "Griffin, Darren K")]


def test_csv_records_round_trip_through_ris(tmp_path: Path) -> None:
    records = read_file(DATA / "csv" / "Cohen_2006_Antihistamines.csv").records
    again = _round_trip(records, tmp_path)
    assert [r.type for r in again] == ["GEN"] * len(records)  # the CSV has no type column
    fields = [name for name in SYNTHESISED if name != "type"]
    assert _as_dicts(again, fields) == _as_dicts(records, fields)
