"""Corpus variants for the import benchmark: exports as databases write them, in the
mixes that decide an import's speed.

    python tests/bench/corpus_variants.py OUT_DIR [--variant NAME]... [--scale 1.0]

Each variant is a folder of RIS files written with gen_corpus's records and database
writers (``gen_corpus.generate`` itself stays as it is, for deduplication):

* ``databases-lf``: one export per database (Scopus, Web of Science, Embase, Ovid,
  PubMed via EndNote), each with that database's tags and quirks, of 10, 20, 40, 80
  and 30 MB, with LF line ends;
* ``databases-crlf``: the same exports with CRLF line ends, as Windows tools write them;
* ``rich``: one 60 MB export whose records carry the abstract in both N2 and AB, 10–40
  KW lines, 5–40 AU lines, UR and L1–L4 links, the DOI in M3 or DO, and the date in Y1,
  PY or DA;
* ``authors``: one 40 MB export of consortium papers with 100–600 authors each;
* ``large``: one 250 MB Scopus export (UTF-8 with BOM, CRLF): the memory bar.

Output is a pure function of (variant, seed, scale); files already written are kept.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from pathlib import Path

from gen_corpus import (
    _JOURNALS,
    _SURNAMES,
    _WORDS,
    Work,
    _embase,
    _make_work,
    _ovid,
    _pubmed,
    _scopus,
    _wos,
)

MB = 1_000_000
Writer = Callable[[Work, random.Random, int], list[str]]

_DATABASES: dict[str, Writer] = {
    "scopus": lambda w, rng, _n: _scopus(w, rng),
    "wos": lambda w, rng, _n: _wos(w, rng),
    "embase": lambda w, rng, _n: _embase(w, rng),
    "ovid": _ovid,
    "pubmed": lambda w, rng, _n: _pubmed(w, rng),
}
_SIZES_MB = {"scopus": 10, "wos": 20, "embase": 40, "ovid": 80, "pubmed": 30}


def _rich(w: Work, rng: random.Random, number: int) -> list[str]:
    full, abbrev = _JOURNALS[w.journal]
    lines = ["TY  - JOUR"]
    authors = list(w.authors) + [(rng.choice(_SURNAMES), "Anna", "") for _ in range(rng.randint(0, 35))]
    lines += [f"AU  - {s}, {g[0]}.{m + '.' if m else ''}" for s, g, m in authors[: rng.randint(5, 40)]]
    lines += [f"TI  - {w.title}", f"T2  - {full}", f"J2  - {abbrev}"]
    date = rng.choice(("Y1", "PY", "DA", "Y1+PY"))
    if "Y1" in date:
        lines.append(f"Y1  - {w.year}/{rng.randint(1, 12):02d}//")
    if "PY" in date:
        lines.append(f"PY  - {w.year}")
    if date == "DA":
        lines.append(f"DA  - {w.year}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}")
    lines += [f"VL  - {w.volume}", f"IS  - {w.issue}", f"SP  - {w.first_page}", f"EP  - {w.last_page}"]
    if w.doi and rng.random() < 0.5:
        lines.append(f"M3  - {w.doi}")  # Embase and EBSCO put the DOI here
    else:
        lines.append("M3  - Article")
        if w.doi:
            lines.append(f"DO  - {w.doi}")
    if w.abstract:
        lines += [f"N2  - {w.abstract}", f"AB  - {w.abstract}"]  # both, as Scopus via Pure writes
    keywords = list(w.keywords) + [" ".join(rng.choices(_WORDS, k=2)) for _ in range(rng.randint(10, 40))]
    lines += [f"KW  - {k}" for k in keywords[: rng.randint(10, 40)]]
    lines += [f"UR  - https://doi.org/{w.doi}" if w.doi else f"UR  - https://example.org/record/{w.work_id}",
              f"L1  - https://example.org/pdf/{w.work_id}.pdf", f"L2  - https://example.org/fulltext/{w.work_id}",
              f"L3  - https://dx.doi.org/{w.doi or w.work_id}", f"L4  - https://example.org/figure/{w.work_id}.png",
              "DB  - Generated", f"AN  - {w.pmid or w.work_id}", "ER  - ", ""]
    return lines


def _consortium(w: Work, rng: random.Random, number: int) -> list[str]:
    lines = ["TY  - JOUR", f"TI  - {w.title}"]
    lines += [f"AU  - {rng.choice(_SURNAMES)}, {rng.choice('ABCDEFGHJKLMNPRST')}." for _ in range(rng.randint(100, 600))]
    lines += [f"PY  - {w.year}", f"JO  - {_JOURNALS[w.journal][1]}", f"DO  - {w.doi}"]
    if w.abstract:
        lines.append(f"AB  - {w.abstract}")
    return lines + ["ER  - ", ""]


def write_export(path: Path, writer: Writer, size: int, seed: int, newline: str = "\n", bom: str = "") -> Path:
    """An export of about ``size`` bytes, written a record at a time."""
    if path.exists() and path.stat().st_size >= size:
        return path
    rng = random.Random(seed)
    written = 0
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8", newline="") as handle:
        handle.write(bom)
        number = 0
        while written < size:
            number += 1
            text = newline.join(writer(_make_work(rng, number), rng, number)) + newline
            handle.write(text)
            written += len(text.encode("utf-8"))
    part.rename(path)
    return path


def _databases(out: Path, seed: int, scale: float, newline: str) -> list[Path]:
    return [
        write_export(out / f"{name}.ris", writer, int(_SIZES_MB[name] * MB * scale), seed + i, newline,
                     "\ufeff" if name in ("scopus", "wos") else "")
        for i, (name, writer) in enumerate(_DATABASES.items())
    ]


VARIANTS: dict[str, tuple[str, Callable[[Path, int, float], list[Path]]]] = {
    "databases-lf": ("5 databases, 10-80 MB, LF", lambda out, seed, scale: _databases(out, seed, scale, "\n")),
    "databases-crlf": ("5 databases, 10-80 MB, CRLF", lambda out, seed, scale: _databases(out, seed, scale, "\r\n")),
    "rich": ("N2+AB, many KW/AU, UR/L1-L4, M3/DO, Y1/PY/DA",
             lambda out, seed, scale: [write_export(out / "rich.ris", _rich, int(60 * MB * scale), seed, "\r\n")]),
    "authors": ("100-600 authors a record",
                lambda out, seed, scale: [write_export(out / "authors.ris", _consortium, int(40 * MB * scale), seed)]),
    "large": ("one 250 MB Scopus export",
              lambda out, seed, scale: [write_export(out / "large.ris", _DATABASES["scopus"], int(250 * MB * scale),
                                                     seed, "\r\n", "\ufeff")]),
}


def build(name: str, root: Path, seed: int = 1, scale: float = 1.0) -> list[Path]:
    """The files of variant ``name`` under ``root/name`` (written if missing)."""
    out = root / name
    out.mkdir(parents=True, exist_ok=True)
    return VARIANTS[name][1](out, seed, scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every file size by this")
    args = parser.parse_args()
    for name in args.variant or list(VARIANTS):
        for path in build(name, args.out_dir, args.seed, args.scale):
            print(path)


if __name__ == "__main__":
    main()
