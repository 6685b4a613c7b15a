"""Giant values: continuation lines are joined in linear time and a value is capped."""

from __future__ import annotations

import time
from pathlib import Path

from screener.core.readers import read_file
from screener.core.readers.ris_parser import MAX_FIELD_CHARS

LINE = "continuation of an abstract that a broken export wrapped every sixty characters or so"


def _record_with_continuation(path: Path, megabytes: int, tag: str = "AB") -> int:
    n = megabytes * 1_000_000 // (len(LINE) + 1)
    path.write_text("TY  - JOUR\nTI  - Long\n" + f"{tag}  - start\n" + f"{LINE}\n" * n + "ER  - \n"
                    "TY  - JOUR\nTI  - After\nER  - \n", encoding="utf-8")
    return n


def test_many_megabytes_of_continuation_lines_are_joined_in_linear_time(tmp_path: Path) -> None:
    # Joining line by line into a new string each time took 50 s for 8 MB and did not end
    # for 200 MB. Linear joining reads 64 MB in well under a second of CPU on this machine;
    # 15 s of CPU time leaves room for a slow machine and still fails the quadratic join,
    # which needs at least eight times its 8 MB time here.
    path = tmp_path / "long.ris"
    _record_with_continuation(path, 64)
    started = time.process_time()
    result = read_file(path)
    assert time.process_time() - started < 15
    assert [r.title for r in result.records] == ["Long", "After"]


def test_a_value_over_the_cap_is_cut_with_a_warning_naming_the_record(tmp_path: Path) -> None:
    path = tmp_path / "long.ris"
    n = _record_with_continuation(path, 2)
    result = read_file(path)
    abstract = result.records[0].abstract
    assert len(abstract) == MAX_FIELD_CHARS
    assert abstract.startswith(f"start\n{LINE}\n{LINE}")
    full = len("start") + n * (len(LINE) + 1)
    assert result.warnings == [
        f"the record at line 1: its AB field is {full:,} characters long; only its first "
        f"{MAX_FIELD_CHARS:,} were read"
    ]
    assert result.records[1].title == "After"


def test_a_value_just_under_the_cap_is_kept_whole_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "under.ris"
    lines = (MAX_FIELD_CHARS - len("start")) // (len(LINE) + 1)
    path.write_text("TY  - JOUR\nTI  - Notes\nN1  - start\n" + f"{LINE}\n" * lines + "ER  - \n", encoding="utf-8")
    result = read_file(path)
    assert result.warnings == []
    assert result.records[0].notes == "\n".join(["start"] + [LINE] * lines)


def test_keyword_lines_stay_items_however_many(tmp_path: Path) -> None:
    path = tmp_path / "kw.ris"
    path.write_text("TY  - JOUR\nTI  - Keywords\nKW  - first\n" + "".join(f"keyword {i}\n" for i in range(50_000)) + "ER  - \n",
                    encoding="utf-8")
    result = read_file(path)
    assert result.records[0].keywords[:3] == ["first", "keyword 0", "keyword 1"]
    assert len(result.records[0].keywords) == 50_001 and result.warnings == []
