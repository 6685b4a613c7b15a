"""Years as RIS exports write them, read by the quick path for "2024" and "2024/…" and by
the full parse otherwise, with the same result; a year of odd digits does not stop an import."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.core.readers import read_file


def _year(tmp_path: Path, lines: str) -> int | None:
    path = tmp_path / "one.ris"
    path.write_text(f"TY  - JOUR\nTI  - A title\n{lines}ER  - \n", encoding="utf-8")
    return read_file(path).records[0].year


@pytest.mark.parametrize(
    ("lines", "year"),
    [
        ("PY  - 2024\n", 2024),
        ("Y1  - 2024//\n", 2024),  # Ovid, Covidence
        ("Y1  - 2019/05/12/\n", 2019),
        ("PY  - 1200\nY1  - 2001//\n", 2001),  # an implausible PY: Y1 is read next
        ("Y1  - 2002/01\nPY  - 2003\n", 2003),  # PY wins wherever it is
        ("Y1  - 2500//\nDA  - 2004-05-06\n", 2004),
        ("PY  - 20170812\n", 2017),
        ("DA  - 2021/3/4\n", 2021),
        ("PY  - \u0662\u0660\u0662\u0664\n", 2024),  # Arabic-Indic digits are decimal digits
        ("PY  - \u00b2\u00b2\u00b2\u00b2\n", None),  # superscripts are digits but no year
        ("Y1  - \u00b2\u00b2\u00b2\u00b2/1\nPY  - n.d.\n", None),
    ],
)
def test_the_year_of_a_record(tmp_path: Path, lines: str, year: int | None) -> None:
    assert _year(tmp_path, lines) == year
