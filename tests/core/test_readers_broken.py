"""Files that are not bibliographies, broken records, encodings and line ends."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from screener.core.readers import detect_format, read_file
from screener.core.readers.ris import MAX_LINE_CHARS
from screener.types import ImportFormatError

RECORD = (
    "TY  - JOUR\nTI  - Café “society” – a study\nAU  - Müller, José\nAU  - Ørsted, Søren\n"
    "PY  - 2020\nAB  - Straße, naïve, façade.\nER  - \n"
)
TWO_RECORDS = RECORD + "\n" + RECORD.replace("2020", "2021")


def _write(tmp_path: Path, data: bytes, name: str = "export.ris") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- not a bibliography at all ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\n\t\n", "the file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "this is a PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "ZIP archive"),
        (bytes(range(256)) * 40, "binary file"),
        (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Log in</body></html>\n", "HTML"),
        (b"@article{key2020,\n  title={A title},\n  year={2020}\n}\n", "BibTeX"),
        (b"%0 Journal Article\n%T A title\n%A Smith, J\n", "EndNote tagged"),
        (b"Dear colleague,\nplease find the references attached.\n", "not a recognised reference export"),
        (b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A title\nER\nEF\n", "Web of Science"),
    ],
)
def test_files_that_are_not_bibliographies_are_refused_by_name(tmp_path: Path, data: bytes, message: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(ImportFormatError, match=message) as err:
        read_file(path)
    assert err.value.path == str(path)
    assert str(path) in str(err.value)
    with pytest.raises(ImportFormatError):
        detect_format(path)


def test_ris_with_no_record_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, b"Provider: Example\nContent: text/plain\n\nAU  - Smith, J\n")
    with pytest.raises(ImportFormatError, match="no RIS records found"):
        read_file(path, "ris")


def test_a_missing_file_is_an_import_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="cannot read the file"):
        read_file(tmp_path / "nowhere.ris")


def test_a_forced_format_that_finds_nothing_says_which_format_fits(tmp_path: Path) -> None:
    path = _write(tmp_path, TWO_RECORDS.encode())
    with pytest.raises(ImportFormatError, match="looks like a RIS file: choose RIS"):
        read_file(path, "csv")


def test_a_forced_format_wins_but_warns_when_the_file_looks_like_another(tmp_path: Path) -> None:
    path = _write(tmp_path, TWO_RECORDS.encode())
    result = read_file(path, "nbib")  # MEDLINE's "TI  - " lines are RIS's too
    assert result.format == "nbib"
    assert [r.title for r in result.records] == ["Café “society” – a study"] * 2
    assert any("read as NBIB as asked, but this looks like a RIS file" in w for w in result.warnings)


def test_an_unknown_format_name_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        read_file(_write(tmp_path, TWO_RECORDS.encode()), "endnote")


# -- encodings and line ends ----------------------------------------------------------------


def _fields(path: Path) -> list[tuple[str, list[str], str, int | None]]:
    return [(r.title, r.authors, r.abstract, r.year) for r in read_file(path).records]


EXPECTED = [
    ("Café “society” – a study", ["Müller, José", "Ørsted, Søren"], "Straße, naïve, façade.", 2020),
    ("Café “society” – a study", ["Müller, José", "Ørsted, Søren"], "Straße, naïve, façade.", 2021),
]


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),  # no BOM: recognised by its NUL bytes
        (lambda t: t.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings(tmp_path: Path, encode, encoding: str) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, encode(TWO_RECORDS))
    assert read_file(path).encoding == encoding
    assert _fields(path) == EXPECTED


def test_latin1_bytes_cp1252_cannot_decode_fall_back_to_latin1(tmp_path: Path) -> None:
    # 0x81 and 0x8D are unassigned in cp1252 and only occur in Latin-1 (as C1 controls,
    # which are stripped from the text like every control character).
    text = TWO_RECORDS.replace("“society” – ", "society ")
    path = _write(tmp_path, text.encode("latin-1").replace(b"Stra\xdfe", b"Stra\xdfe\x81"))
    result = read_file(path)
    assert result.encoding == "latin-1"
    assert result.records[0].authors == ["Müller, José", "Ørsted, Søren"]
    assert result.records[0].abstract == "Straße, naïve, façade."


def test_cyrillic_in_a_windows_code_page(tmp_path: Path) -> None:
    title = "Состояние рецепторного аппарата эндометрия и метаболизм эстрогенов при гиперплазиях эндометрия"
    text = f"TY  - JOUR\nTI  - {title}\nAU  - Добрхотова, Юлия Эдуардовна\nPY  - 2009\nER  - \n" * 3
    result = read_file(_write(tmp_path, text.encode("cp1251")))
    assert result.encoding == "cp1251"
    assert [r.title for r in result.records] == [title] * 3


def test_utf8_with_a_few_damaged_bytes_stays_utf8_with_a_warning(tmp_path: Path) -> None:
    data = TWO_RECORDS.encode("utf-8").replace("naïve".encode(), b"na\xffve")
    result = read_file(_write(tmp_path, data))
    assert result.encoding == "utf-8"
    assert result.records[0].authors == ["Müller, José", "Ørsted, Søren"]
    assert result.records[0].abstract == "Straße, na\ufffdve, façade."
    assert any("invalid UTF-8" in w for w in result.warnings)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends(tmp_path: Path, newline: str) -> None:
    path = _write(tmp_path, TWO_RECORDS.replace("\n", newline).encode())
    assert _fields(path) == EXPECTED
    assert [r.line for r in read_file(path).records] == [1, 9]


# -- broken records -------------------------------------------------------------------------


def test_binary_garbage_in_one_record_skips_only_that_record(tmp_path: Path) -> None:
    broken = RECORD.replace("Straße, naïve, façade.", "\x00\x01\x02\x03garbage\x00")
    path = _write(tmp_path, (RECORD + broken + RECORD).encode())
    result = read_file(path)
    assert [r.position for r in result.records] == [1, 3]
    assert len(result.skipped) == 1
    assert result.skipped[0].position == 2
    assert result.skipped[0].line == 8
    assert "binary" in result.skipped[0].reason


def test_a_10_mb_line_is_cut_with_a_warning_and_does_not_hang(tmp_path: Path) -> None:
    huge = "x" * (10 * 1024 * 1024)
    path = _write(tmp_path, (RECORD + RECORD.replace("Straße, naïve, façade.", huge) + RECORD).encode())
    started = time.perf_counter()
    result = read_file(path)
    assert time.perf_counter() - started < 10
    assert len(result.records) == 3
    assert len(result.records[1].abstract) == MAX_LINE_CHARS - len("AB  - ")
    assert any("line 13" in w and "10,485,766 characters" in w for w in result.warnings)


def test_a_tag_block_without_ty_is_a_skipped_record(tmp_path: Path) -> None:
    orphan = "TI  - A record whose TY line was lost\nAU  - Doe, Jane\nER  - \n"
    path = _write(tmp_path, (RECORD + "\n" + orphan + "\n" + RECORD).encode())
    result = read_file(path)
    assert [r.position for r in result.records] == [1, 3]
    assert [(s.position, s.line, s.reason) for s in result.skipped] == [(2, 9, "record has no TY line")]


def test_a_missing_er_at_the_end_keeps_the_last_record(tmp_path: Path) -> None:
    path = _write(tmp_path, (RECORD + RECORD.replace("ER  - \n", "")).encode())
    result = read_file(path)
    assert len(result.records) == 2
    assert result.records[1].abstract == "Straße, naïve, façade."
    assert any("no ER line" in w and "line 8" in w for w in result.warnings)


def test_tag_lines_outside_records_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, ("Exported 2024\nDB  - Some database\n\n" + RECORD).encode())
    result = read_file(path)
    assert len(result.records) == 1 and not result.skipped
    assert ("DB", "Some database") not in result.records[0].raw
    assert any("outside any record" in w and "line 2" in w for w in result.warnings)


def test_a_continuation_line_like_an_abbreviation_is_not_a_tag(tmp_path: Path) -> None:
    text = "TY  - JOUR\nAB  - Results were clear.\nHR - hazard ratio; CI - confidence interval\nER  - \n"
    record = read_file(_write(tmp_path, text.encode())).records[0]
    assert record.abstract == "Results were clear.\nHR - hazard ratio; CI - confidence interval"
