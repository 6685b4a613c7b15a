"""The PRISMA2020 template CSV, with our counts in its ``n`` column.

The template is ``inst/extdata/PRISMA.csv`` of the PRISMA2020 R package and Shiny app
(Haddaway et al. 2022, Campbell Syst Rev 18:e1230), kept in ``resources/prisma/``. Its columns
are ``data,node,box,description,boxtext,tooltips,url,n``; ``data`` names the count. The file we
write is the template with only ``n`` changed: same rows in the same order, every other cell
as it was, the same line ends, quoting by the csv module's QUOTE_MINIMAL (which reproduces the
template's own quoting). So it loads into that app unchanged.

Values of ``n``:

* numbers are written plainly, without thousands separators (``1204``);
* the list-valued keys (``database_specific_results``, ``register_specific_results``,
  ``dbr_excluded``, ``other_excluded``) as ``Name, n; Name, n``, the form the package's
  ``PRISMA_parse_reasons_`` reads. An empty list is written as ``0``: the package then shows
  the box's plain count, 0, rather than the template's placeholder reasons;
* keys that are in the template but not in ``counts`` keep the template's value, except the
  list-valued keys, which are written as ``0`` so the placeholders never pass for data;
* ``pending`` and ``manual`` have no place in the template and are not written.

Names in the lists are sanitised (``sanitise_name``) because the package splits the string on
``;`` and then takes a name up to its first ``,``, and because its diagram code (DiagrammeR)
turns every ``'`` into ``"``, which breaks the diagram:

* runs of whitespace (newlines included) become one space;
* ``,`` and ``;`` become `` -`` (so "Smith, 2020" reads "Smith - 2020");
* ``'`` becomes ``’`` and ``"`` becomes ``”``; ``\\`` becomes ``/``;
* an empty name becomes ``Unnamed``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from screener.core.prisma_text import clean_text
from screener.paths import resource_path

LIST_KEYS = frozenset(
    {"database_specific_results", "register_specific_results", "dbr_excluded", "other_excluded"}
)
COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")
_SEPARATORS = re.compile(r"\s*[,;]+\s*")


def default_template_path() -> Path:
    """The bundled PRISMA2020 template CSV."""
    return resource_path("prisma", "PRISMA2020_template.csv")


def sanitise_name(name: object) -> str:
    """A database, register or reason name made safe for the PRISMA2020 ``Name, n`` lists."""
    text = clean_text(name)
    text = _SEPARATORS.sub(" - ", text).strip(" -") if _SEPARATORS.search(text) else text
    text = text.replace("'", "\u2019").replace('"', "\u201d").replace("\\", "/")
    return text or "Unnamed"


def format_list(entries: Iterable[Sequence[Any]]) -> str:
    """``[["Scopus", 600], ["PubMed", 12]]`` -> ``"Scopus, 600; PubMed, 12"``; empty -> ``"0"``."""
    parts = [f"{sanitise_name(entry[0])}, {_plain_number(entry[1])}" for entry in entries]
    return "; ".join(parts) if parts else "0"


def _plain_number(value: object) -> str:
    if value is None:
        return "NA"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _cell(key: str, value: object) -> str:
    if key in LIST_KEYS:
        return format_list(value or ())  # type: ignore[arg-type]
    return _plain_number(value)


def prisma_csv_text(counts: Mapping[str, Any], template: Path | str | None = None) -> str:
    """The template's text with its ``n`` column filled from ``counts``."""
    path = Path(template) if template is not None else default_template_path()
    text = path.read_bytes().decode("utf-8")
    terminator = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    if [h.strip() for h in header] != list(COLUMNS):
        raise ValueError(f"{path}: not a PRISMA2020 template (columns {header})")
    data_i, n_i = header.index("data"), header.index("n")
    for row in rows[1:]:
        if len(row) <= n_i:
            continue
        key = row[data_i]
        if key in counts:
            row[n_i] = _cell(key, counts[key])
        elif key in LIST_KEYS:
            row[n_i] = "0"
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator=terminator).writerows(rows)
    result = out.getvalue()
    if not text.endswith(("\n", "\r")):  # the template has no final line end
        result = result[: -len(terminator)]
    return result


def write_prisma_csv(
    counts: Mapping[str, Any], fp: TextIO | Path | str, template_path: Path | str | None = None
) -> None:
    """Write the PRISMA2020 template CSV with ``n`` filled from ``counts``.

    ``fp`` is a path (written as UTF-8) or a text file opened with ``newline=""``.
    ``template_path`` defaults to the bundled template.
    """
    text = prisma_csv_text(counts, template_path)
    if isinstance(fp, str | Path):
        with open(fp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        fp.write(text)
