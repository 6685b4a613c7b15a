"""The JSON of a record's authors, keywords and links in its prepared row is what
``json.dumps`` writes, whichever of the lists holds characters that need escaping."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from screener.store.rows import ROW_COLUMNS, prepare_rows
from screener.types import ParsedRecord

_items = st.lists(st.sampled_from(["Smith, A", 'Say "hi"', "back\\slash", "tab\there", "plain", "é ü", ""]),
                  max_size=4)


def _record(authors: list[str], keywords: list[str], urls: list[str]) -> ParsedRecord:
    return ParsedRecord(1, 1, "JOUR", "A title", authors, 2020, "", "", "", "", "", "", "", keywords, urls, "",
                        [("TY", "JOUR")])


@given(_items, _items, _items)
def test_list_columns_are_json(authors: list[str], keywords: list[str], urls: list[str]) -> None:
    row = prepare_rows([_record(authors, keywords, urls)]).rows[0]
    for column, items in (("authors", authors), ("keywords", keywords), ("urls", urls)):
        text = row[ROW_COLUMNS.index(column)]
        assert json.loads(text) == items
        assert text == json.dumps(items, ensure_ascii=False, separators=(",", ":"))
