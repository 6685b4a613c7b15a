"""BibTeX export of hostile and real-world values: giant titles, MeSH headings with commas,
control characters. Output is parsed back with pybtex."""

from __future__ import annotations

import io

from pybtex.database import parse_string

from screener.core.export.bibtex import KEY_PART_CHARS, write_bibtex


def _bib(records: list[dict]) -> tuple[str, list[str]]:  # type: ignore[type-arg]
    buffer = io.StringIO()
    keys = write_bibtex(records, buffer)
    return buffer.getvalue(), keys


def _split_braced(value: str) -> list[str]:
    """Split a BibTeX list at top-level commas, as biblatex/etoolbox lists are read."""
    items, depth, current = [], 0, ""
    for ch in value:
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        current += ch
    items.append(current.strip())
    return [i[1:-1] if i.startswith("{") and i.endswith("}") else i for i in items]


def test_a_giant_title_and_surname_give_a_short_key() -> None:
    giant = "x" * 150_000
    text, keys = _bib([{"title": giant, "authors": [giant + ", A."], "year": 2020},
                       {"title": "Peer " + giant, "authors": ["Moran, G."], "year": 2025}])
    assert keys == ["x" * KEY_PART_CHARS + "2020" + "x" * KEY_PART_CHARS, "moran2025peer"]
    assert all(len(k) <= 2 * KEY_PART_CHARS + 4 for k in keys)
    assert set(parse_string(text, "bibtex").entries) == set(keys)


def test_a_mesh_heading_with_a_comma_stays_one_keyword() -> None:
    keywords = ["Humans", "Models, Biological", "Dinosaurs"]
    text, keys = _bib([{"title": "Growth", "authors": ["Lee, K."], "year": 2001, "keywords": keywords}])
    field = parse_string(text, "bibtex").entries[keys[0]].fields["keywords"]
    assert _split_braced(field) == keywords


def test_control_characters_never_reach_the_bib_file() -> None:
    text, _ = _bib([{"title": "Peer \x1b[31mroles\x1b]0;pwned\x07 \x9b2J", "authors": ["Doe\x1b[2J, J."],
                     "abstract": "a\x00b", "keywords": ["k\x1b[0m"]}])
    assert not any(ch in text for ch in "\x00\x07\x1b\x9b")
    assert "Peer [31mroles]0;pwned 2J" in text
