"""Check that two versions of the readers store the same thing: one digest line per file.

    python tests/bench/check_ris_fast.py FILE_OR_DIR ... > new.txt
    PYTHONPATH=/tmp/old python tests/bench/check_ris_fast.py FILE_OR_DIR ... > old.txt
    diff old.txt new.txt

For each file (a folder: every file under it), what a reading process hands the writer:
a RIS file read a piece at a time (``ris_bytes.read_piece``), every piece's
``PreparedRows`` (rows and search text) and ``PieceInfo`` (lines, positions, skipped
records, warnings' material) with its encoding and replacements; any other file read
whole (``readers.read_file``) with its rows, skipped records and warnings; an error's
message where reading fails. Each is hashed as its ``repr``, which shows every value.
Run it with the old code first on ``PYTHONPATH`` (e.g. ``git archive main screener``
unpacked into a folder), then with the new.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from screener.core.readers import read_file
from screener.core.readers.ris_bytes import open_ris, read_piece
from screener.store.rows import prepare_rows


def digest(path: Path) -> str:
    hasher = hashlib.sha256()
    records = 0
    try:
        ris = open_ris(str(path), "auto")
        if ris is None:
            result = read_file(path)
            rows = prepare_rows(result.records)
            records = len(rows)
            hasher.update(repr((rows.rows, rows.search, result.skipped, result.warnings,
                                result.encoding, result.format)).encode())
        else:
            for index in range(ris.pieces):
                piece = read_piece(ris, index)
                rows = prepare_rows(piece.records)
                records += len(rows)
                hasher.update(repr((rows.rows, rows.search, piece.info, piece.encoding,
                                    piece.replaced, piece.warnings)).encode())
    except Exception as error:  # noqa: BLE001 - the message is part of what is compared
        hasher.update(f"{type(error).__name__}: {error}".encode())
    return f"{hasher.hexdigest()[:16]} {records:>8} {path}"


def main() -> None:
    for arg in sys.argv[1:]:
        root = Path(arg)
        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in paths:
            print(digest(path), flush=True)


if __name__ == "__main__":
    main()
