"""The RIS reader's output, pinned: every fixture and a generated corpus read exactly as the
reader read them when ``tests/data/ris_golden.json`` was written (see its ``provenance``).

A speed-up of the reader that changes a single field, warning, skipped line or encoding
of any record fails here. Each file is read three ways: ``read_file`` (the whole-file
reader for small files, the byte pieces for large ones), the byte pieces cut small
(``read_piece`` over a ``RisFile`` of 4 KB pieces, each parsed alone and renumbered, as
the import's reading processes do), and, for the generated files, the decoded text cut
into pieces. The digest of each is a SHA-256 over the repr of everything read.

    python tests/core/test_readers_golden.py   # rewrite the golden file (only on purpose)
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import json
import random
import sys
from pathlib import Path

import pytest

from screener.core.readers import read_file
from screener.core.readers.decoding import _BOMS, SNIFF_BYTES, _utf16_without_bom, read_text
from screener.core.readers.ris import iter_ris_records
from screener.core.readers.ris_bytes import RisFile, RisFileReading, _legacy_guess, read_piece
from screener.types import ImportFormatError

DATA = Path(__file__).parent.parent / "data"
GOLDEN = DATA / "ris_golden.json"
FIXTURES = sorted((DATA / "ris").glob("*.ris"))
BENCH = Path(__file__).parent.parent / "bench"


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()


def _whole(path: Path) -> object:
    try:
        result = read_file(path)
    except ImportFormatError as error:
        return ("error", error.detail, error.line)
    return (result.format, result.encoding, [dataclasses.astuple(r) for r in result.records],
            [dataclasses.astuple(s) for s in result.skipped], result.warnings)


def _small_pieces(path: Path) -> object:
    data = path.read_bytes()
    head = data[:SNIFF_BYTES]
    if head.startswith(tuple(bom for bom, _, _ in _BOMS if bom != codecs.BOM_UTF8)) or _utf16_without_bom(head):
        return "not ASCII-compatible"
    bom = head.startswith(codecs.BOM_UTF8)
    ris = RisFile(str(path), len(data), bom, "" if bom else _legacy_guess(head), 4096, 1024)
    reading = RisFileReading(ris)
    records = []
    for index in range(ris.pieces):
        piece = read_piece(ris, index)  # parsed alone, as a reading process does
        reading.add(piece, shift=True)
        records += [dataclasses.astuple(r) for r in piece.records]
    result = reading.result()
    return (result.encoding, records, [dataclasses.astuple(s) for s in result.skipped], result.warnings)


def _text_pieces(path: Path) -> object:
    stream = iter_ris_records(read_text(str(path)), 20_000)
    records = []
    while True:
        try:
            records += [dataclasses.astuple(r) for r in next(stream)]
        except StopIteration as done:
            skipped, warnings, count = done.value
            return (records, [dataclasses.astuple(s) for s in skipped], warnings, count)


# -- a generated corpus: the benchmark's writers, and fixtures damaged at random -------------

def _mangle(text: str, rng: random.Random) -> str:
    """The lines of ``text`` with damage real exports show: control characters, lost ER and
    TY lines, irregular tag forms, jammed tags, bare CRs, blank and untagged lines."""
    out = []
    for line in text.splitlines():
        roll = rng.random()
        if roll < 0.02:
            line = line[: rng.randint(0, len(line))] + rng.choice("\x01\x1b\x7f\x85\x00\x0b\u2028\ufeff") + line[3:]
        elif roll < 0.03 and line.startswith(("ER", "TY")):
            continue
        elif roll < 0.05 and line[2:6] == "  - ":
            line = line[:2] + rng.choice((" - ", "\t- ", "  -  ", "  -", " -\t")) + line[6:]
        elif roll < 0.06:
            line += rng.choice(("     DO  - 10.1000/jam.1", "   LK  - https://x.org/1", "   ZZ  - no"))
        elif roll < 0.07:
            out.append(rng.choice(("", "   ", "continued text", "PMID  - 123", "HR - hazard", "ER  -")))
        elif roll < 0.08 and len(line) > 10:
            cut = rng.randint(1, len(line) - 1)
            line = line[:cut] + "\r" + line[cut:]
        out.append(line)
    return rng.choice(("\n", "\r\n")).join(out) + rng.choice(("", "\n", "\r\n"))


def _generated(root: Path) -> list[Path]:
    sys.path.insert(0, str(BENCH))
    try:
        import corpus_variants as cv  # noqa: PLC0415 (tests/bench is not a package)
    finally:
        sys.path.remove(str(BENCH))
    files = [
        cv.write_export(root / f"{name}.ris", writer, 120_000, seed, newline, bom)
        for seed, (name, writer, newline, bom) in enumerate([
            ("scopus", cv._DATABASES["scopus"], "\r\n", "\ufeff"),
            ("wos", cv._DATABASES["wos"], "\n", "\ufeff"),
            ("embase", cv._DATABASES["embase"], "\n", ""),
            ("ovid", cv._DATABASES["ovid"], "\r\n", ""),
            ("pubmed", cv._DATABASES["pubmed"], "\n", ""),
            ("rich", cv._rich, "\r\n", ""),
            ("authors", cv._consortium, "\n", ""),
        ])
    ]
    rng = random.Random(16)
    for path in FIXTURES:
        mangled = root / f"mangled_{path.name}"
        text = path.read_bytes().decode("utf-8", errors="replace")
        mangled.write_bytes(_mangle(text, rng).encode(rng.choice(("utf-8", "utf-8", "cp1252")), errors="replace"))
        files.append(mangled)
    return files


def _digests(paths: list[Path], text_pieces: bool) -> dict[str, list[str]]:
    return {
        path.name: [_digest(_whole(path)), _digest(_small_pieces(path))]
        + ([_digest(_text_pieces(path))] if text_pieces else [])
        for path in paths
    }


@pytest.fixture(scope="module")
def golden() -> dict[str, dict[str, list[str]]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_reads_as_pinned(path: Path, golden: dict[str, dict[str, list[str]]]) -> None:
    assert _digests([path], False)[path.name] == golden["fixtures"][path.name]


def test_generated_and_damaged_exports_read_as_pinned(
    tmp_path: Path, golden: dict[str, dict[str, list[str]]]
) -> None:
    found = _digests(_generated(tmp_path), True)
    assert sorted(found) == sorted(golden["generated"])
    changed = [name for name in found if found[name] != golden["generated"][name]]
    assert changed == []


def main() -> None:
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=True, cwd=DATA).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        golden = {
            "provenance": f"written by `python tests/core/test_readers_golden.py` on commit {commit}, "
                          "before the reader was sped up (issue 16)",
            "fixtures": _digests(FIXTURES, False),
            "generated": _digests(_generated(Path(tmp)), True),
        }
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}: {len(golden['fixtures'])} fixtures, {len(golden['generated'])} generated files")


if __name__ == "__main__":
    main()
