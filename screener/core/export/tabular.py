"""CSV exports: a generic table writer and the ASReview import layout.

Rows and records are ``Mapping[str, Any]`` or any object with those attributes (a
dataclass such as ``ParsedRecord`` works as it is). Write to a text file opened with
``newline=""`` (for example through ``atomic_write``); the ``csv`` module writes
``\\r\\n`` line ends, as RFC 4180 and spreadsheet programs expect. Use the encoding
``"utf-8-sig"`` if Excel must detect UTF-8 on its own.

Cell conversion (``cell_text``): ``None`` is empty; lists, tuples and sets are joined
with ``"; "`` (sets sorted); ``bool`` is ``1``/``0``; numbers are written with ``str``;
dates in ISO 8601; anything else with ``str``. Control characters other than tab and line
feed are removed (``screener.text``), whatever the project holds.

Formula injection (CSV injection): a spreadsheet treats a cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and tab or carriage return at the start can smuggle
one in. Following the OWASP recommendation, ``neutralise_cell`` prefixes such a text
cell with a single quote, which spreadsheets show as text. Only *text* is touched:
numbers passed as ``int``/``float`` are never changed (a negative number stays a
number), and a text cell that is nothing but a plain decimal number (``-3``,
``+0.25``) is left alone as well, because no spreadsheet can run it. Everything else
beginning with those characters, including ``-1+1`` or ``@SUM(A1)``, is quoted.
Writers neutralise by default; pass ``neutralise=False`` for a consumer that is a
program rather than a person with a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from screener.text import strip_controls

LIST_SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")

ASREVIEW_COLUMNS: tuple[str, ...] = (
    "record_id",
    "title",
    "abstract",
    "authors",
    "year",
    "doi",
    "keywords",
    "label_included",
)


def neutralise_cell(value: str) -> str:
    """Return ``value`` made safe to open in a spreadsheet (see the module docstring)."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def field(record: Any, name: str, default: Any = None) -> Any:
    """``record[name]`` for a mapping, ``record.name`` otherwise; ``default`` if absent."""
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def cell_text(value: object) -> str:
    """The text of one cell, before neutralising."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (set, frozenset)):
        return LIST_SEPARATOR.join(sorted(cell_text(v) for v in value))
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def _cell(value: object, neutralise: bool) -> str:
    text = strip_controls(cell_text(value))  # no terminal escapes for whoever cats the file
    if neutralise and not isinstance(value, (int, float)):
        return neutralise_cell(text)
    return text


def write_csv(
    rows: Iterable[Any],
    columns: Sequence[str],
    fp: TextIO,
    *,
    neutralise: bool = True,
) -> int:
    """Write a header of ``columns`` and one line per row; return the number of rows.

    Each row is a mapping (or object) read by column name; a missing key is an empty
    cell and keys not in ``columns`` are ignored.
    """
    writer = csv.writer(fp)
    writer.writerow([_cell(c, neutralise) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_cell(field(row, c), neutralise) for c in columns])
        count += 1
    return count


def _label(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "include", "included", "yes"):
            return 1
        if text in ("0", "false", "exclude", "excluded", "no"):
            return 0
        raise ValueError(f"label_included {value!r} is not 0/1")
    return 1 if value else 0


def write_asreview_csv(records: Iterable[Any], fp: TextIO, *, neutralise: bool = True) -> int:
    """Write records in the layout ASReview imports; return the number written.

    Columns: ``record_id, title, abstract, authors, year, doi, keywords,
    label_included``. Each record provides those names (``authors`` and ``keywords`` as
    lists, joined with ``"; "``). ``label_included`` is written ``1`` (included) or
    ``0`` (excluded); ``None`` (not yet decided) is an empty cell, which ASReview reads
    as unlabelled. ``True``/``False`` and the words included/excluded are accepted.
    """

    def rows() -> Iterable[dict[str, object]]:
        for record in records:
            row = {name: field(record, name) for name in ASREVIEW_COLUMNS}
            row["label_included"] = _label(row["label_included"])
            yield row

    return write_csv(rows(), ASREVIEW_COLUMNS, fp, neutralise=neutralise)
