"""A record's original tags survive storing exactly, whatever their values hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from screener.store.rows import decode_tags, encode_tags, json_strings

TAGS = st.sampled_from(["TY", "AU", "TI", "AB", "N2", "KW", "N1", "DO", "UR", "ER2", "record_id"])
VALUES = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "\x1e", "\x1f", "\x1d", "a\x1fb", "[", "null", "Abstract text."])
PAIRS = st.lists(st.tuples(TAGS, VALUES), max_size=12)


@given(PAIRS, st.data())
def test_tags_round_trip_with_the_abstract_stored_once(pairs: list[tuple[str, str]], data: st.DataObject) -> None:
    values = [v for _, v in pairs]
    abstract = data.draw(st.sampled_from(values) if values else st.just("")) if data.draw(st.booleans()) else ""
    stored = encode_tags(pairs, abstract)
    assert decode_tags(stored, abstract) == pairs


def test_the_abstract_is_not_stored_twice() -> None:
    abstract = "Background: a long abstract. " * 20
    pairs = [("TY", "JOUR"), ("TI", "A title"), ("AB", abstract), ("N2", abstract), ("ER2", "x")]
    stored = encode_tags(pairs, abstract)
    assert stored.count("Background") == 20  # the N2 copy only
    assert decode_tags(stored, abstract) == pairs


def test_tags_stored_by_schema_0001_still_read() -> None:
    old = '[["TY","JOUR"],["AB",null],["KW","a"]]'
    assert decode_tags(old, "The abstract") == [("TY", "JOUR"), ("AB", "The abstract"), ("KW", "a")]


@given(st.lists(st.text(max_size=20), max_size=6))
def test_json_strings_is_json(items: list[str]) -> None:
    assert json.loads(json_strings(items)) == items
    assert json_strings(items) == json.dumps(items, ensure_ascii=False, separators=(",", ":"))
