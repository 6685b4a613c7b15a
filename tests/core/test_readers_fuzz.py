"""Property test: damaged RIS files never crash the reader, never hang it, and every record
that is in the file comes back either read or listed as skipped.

The damage keeps each record's ``TY`` line (that is what makes it a record): random byte
flips outside the first six characters of a line, truncation, dropped ``ER`` lines and
inserted garbage lines (printable junk or binary bytes). The number of records really in
the damaged file is then simply the number of its ``TY`` tag lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.core.readers import read_file
from screener.types import ImportFormatError

RIS = Path(__file__).resolve().parents[1] / "data" / "ris"
BASES = [
    (RIS / name).read_bytes()
    for name in (
        "seed_scopus_single_space_tags.ris",  # single-space tags
        "loader_edgecases__colrev.ris",  # CRLF, a missing ER
        "rispy_multiline.ris",  # continuation lines
        "cff_rayyan__citation-file-formatting.ris",  # jammed tags
        "jabref_malformed_stress__jabref.ris",  # 11 TY, one ER
        "ovid_psycinfo__asreview.ris",  # preambles, tags after ER
        "tag_notes__asreview.ris",  # BOM, CRLF
    )
]
_TY_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?TY[ \t]{1,3}-(?:[ \t]|$)", re.MULTILINE)
_LINE_BREAKS = (b"\r", b"\n")


def _line_starts(data: bytes) -> list[int]:
    first = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # a BOM is not part of the tag
    return [first] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", data)]


def _flip(data: bytes, where: float, byte: int) -> bytes:
    """Replace one byte that is not among the first 6 of its line (tags stay intact)."""
    starts = set(range(_line_starts(data)[0]))  # the BOM, if any
    for start in _line_starts(data):
        starts.update(range(start, start + 6))
    allowed = [i for i in range(len(data)) if i not in starts and data[i : i + 1] not in _LINE_BREAKS]
    if not allowed or bytes([byte]) in _LINE_BREAKS:
        return data
    i = allowed[int(where * (len(allowed) - 1))]
    return data[:i] + bytes([byte]) + data[i + 1 :]


def _drop_er(data: bytes, which: float) -> bytes:
    ers = [m for m in re.finditer(rb"^ER[ \t]{1,3}-[^\r\n]*(?:\r\n|\r|\n)?", data, re.MULTILINE)]
    if not ers:
        return data
    m = ers[int(which * (len(ers) - 1))]
    return data[: m.start()] + data[m.end() :]


def _insert_line(data: bytes, where: float, junk: bytes) -> bytes:
    starts = _line_starts(data)
    i = starts[int(where * (len(starts) - 1))]
    line = b"~" + junk.replace(b"\r", b" ").replace(b"\n", b" ") + b"\n"  # "~": never a tag
    return data[:i] + line + data[i:]


def _truncate(data: bytes, where: float) -> bytes:
    return data[: int(where * len(data))]


fractions = st.floats(min_value=0, max_value=1)
mutations = st.one_of(
    st.tuples(st.just("flip"), fractions, st.integers(0, 255)),
    st.tuples(st.just("drop_er"), fractions),
    st.tuples(st.just("insert"), fractions, st.binary(max_size=40) | st.text(max_size=40).map(str.encode)),
    st.tuples(st.just("truncate"), st.floats(min_value=0.2, max_value=1)),
)


def _mutate(data: bytes, steps: list[tuple]) -> bytes:  # type: ignore[type-arg]
    for step in steps:
        kind, *args = step
        data = {"flip": _flip, "drop_er": _drop_er, "insert": _insert_line, "truncate": _truncate}[kind](data, *args)
    return data


@settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(BASES), steps=st.lists(mutations, min_size=1, max_size=6))
def test_damaged_ris_is_read_or_refused_and_nothing_is_lost(tmp_path: Path, base: bytes, steps: list[tuple]) -> None:  # type: ignore[type-arg]
    data = _mutate(base, steps)
    path = tmp_path / "damaged.ris"
    path.write_bytes(data)
    try:
        result = read_file(path)
    except ImportFormatError:
        return  # refusing a file that no longer is a bibliography is allowed
    in_file = len(_TY_LINE.findall(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")))
    assert len(result.records) + len(result.skipped) == in_file
    positions = sorted([r.position for r in result.records] + [s.position for s in result.skipped])
    assert positions == list(range(1, in_file + 1))
    assert all(s.line >= 1 and s.reason for s in result.skipped)
