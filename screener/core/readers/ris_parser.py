"""rispy's RisParser, taught to keep everything and to survive real exports.

The parse is rispy 0.10.0's: its ``parse_lines`` loop reads each line through
``parse_line``, sends tag lines and continuation lines to ``_add_tag``, and calls
``_iter_till_start`` at the start of the file and after every ``ER``. This subclass
overrides those three hooks, and ``parse_lines`` itself with the same loop in which the
hooks' work for the common lines (a canonical tag line, a continuation line) is done in
place: a call or two less per line is a third of the time of a large import's parse.

* ``parse_line`` accepts the irregular tag forms of ``ris_tags`` besides ``XX  - value``.
* ``_add_tag`` appends every (tag, value) to the current record's ``pairs`` in file order
  (so repeated tags are all kept); joins an untagged line to the previous value with "\\n"
  (after ``KW`` and the author tags it is an item of its own instead); splits two tags
  jammed on one line; and when a ``TY`` line arrives inside a record, ends that record
  there (its ``ER`` is missing) and starts the next, where rispy would fold the next
  record into this one.
* ``_iter_till_start`` skips text between records, as rispy does, except that tag lines
  straight after an ``ER`` (Ovid's ``NL``; a second ``ER`` after ``UK``) are added to the
  record they follow, and a block of tag lines that ends with ``ER`` but never had a ``TY``
  is counted as a record that cannot be read.

Records are collected in ``self.records`` as they start, so a record missing its final
``ER`` at the end of the file is kept too; rispy's own result list is not used. ``ER`` lines
themselves are not stored: they mark structure, not data.

Continuation lines are collected in a list and joined once, when the value is complete
(the next tag, the end of the record or of the piece), so that a value of many lines
takes linear time. A value is capped at ``MAX_FIELD_CHARS`` characters, as a single line
is; ``capped`` lists each one cut, for a warning.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterator

from rispy import RisParser

from screener.core.readers.ris_tags import (
    _LONG_TAG_STARTS,
    END_TAG,
    START_TAG,
    VALID_TAGS,
    might_be_irregular_tag,
    parse_irregular,
    split_jammed,
)

# "XX  - " → "XX" for every valid tag: one dict look-up tells a canonical tag line. So
# does the line "XX  -" (a tag without a value, nor the blank after its dash; the ER line
# of Ovid and Web of Science), as ``parse_irregular`` reads it: ("XX", "").
_CANONICAL = {tag + "  - ": tag for tag in VALID_TAGS} | {tag + "  -": tag for tag in VALID_TAGS}
_canonical_tag = _CANONICAL.get
_BLANKS = (" ", "\t")
# Untagged lines after these tags are further items (one keyword or author per line, as
# Rayyan and EndNote write them), not the continuation of the previous value.
LIST_TAGS = frozenset({"KW", "AU", "A1", "A2", "A3", "A4"})
MAX_FIELD_CHARS = 200_000  # a value longer than this (over all its lines) is cut, with a warning


class RawRecord:
    """A record as tagged in the file: (tag, value) pairs in order, TY first, and the same
    non-empty values grouped by tag (``values``), kept in step as lines arrive."""

    __slots__ = ("position", "line", "pairs", "values", "closed")

    def __init__(self, position: int, line: int, type_value: str) -> None:
        self.position = position
        self.line = line
        self.pairs: list[tuple[str, str]] = [(START_TAG, type_value)]
        self.values: defaultdict[str, list[str]] = defaultdict(list)  # TY is pairs[0]
        self.closed = False

    def add(self, tag: str, value: str) -> None:
        self.pairs.append((tag, value))
        if value:
            self.values[tag].append(value)

    def join_last(self, more: list[str], limit: int = MAX_FIELD_CHARS) -> None:
        """Join continuation lines ``more`` to the last value with "\\n" (after an empty value
        they replace it), keeping at most ``limit`` characters."""
        last_tag, last_value = self.pairs[-1]
        joined = "\n".join([last_value, *more] if last_value else more)
        if len(joined) > limit:
            joined = joined[:limit]
        self.pairs[-1] = (last_tag, joined)
        if last_tag != START_TAG:  # TY's value is not grouped
            found = self.values[last_tag]
            if last_value:
                found[-1] = joined
            else:
                found.append(joined)


def _no_record(pair: tuple[str, str]) -> None:
    raise AssertionError("rispy adds tags only after _iter_till_start has started a record")


class ScreenerRisParser(RisParser):
    """Collects ``records``, the TY-less records (``orphans``) and the first lines of tag
    blocks found outside any record (``ignored_lines``)."""

    def __init__(self, first_position: int = 1) -> None:
        super().__init__(mapping={}, list_tags=[], delimiter_tags_mapping={}, ignore=[], newline="\n")
        self.records: list[RawRecord] = []
        self.orphans: list[tuple[int, int]] = []  # (position, line) of TY-less records
        self.ignored_lines: list[int] = []  # first lines of tag blocks outside any record
        self.capped: list[tuple[int, str, int]] = []  # (record's line, tag, length) of values cut
        self._current: RawRecord | None = None
        # The current record's pairs.append and values, once a record starts.
        self._append: Callable[[tuple[str, str]], None] = _no_record
        self._values: defaultdict[str, list[str]] = defaultdict(list)
        self._more: list[str] = []  # continuation lines of the current record's last value
        self._more_chars = 0  # their length, each with its line break
        self._positions = first_position - 1
        self._lines: Iterator[str] = iter(())
        self._total = 0
        self._before = 0  # lines of the file before the current piece

    def read(self, lines: list[str], first_line: int = 1) -> None:
        """Parse ``lines``, the whole file or the next piece of it (numbered from
        ``first_line``). A piece must start where a record starts (a TY line) or the file
        does, and end where the file ends or just before a TY line that follows an ER:
        then parsing it on from where the last piece ended is parsing the whole file."""
        self._lines = iter(lines)
        self._total = len(lines)
        self._before = first_line - 1
        try:
            self.parse_lines(self._lines)  # type: ignore[arg-type]
        finally:
            self._join_more()

    @property
    def positions(self) -> int:
        """The position of the last record (or TY-less block) read."""
        return self._positions

    @property
    def line_number(self) -> int:
        """1-based number of the line read last (a list iterator knows how many are left)."""
        return self._before + self._total - operator.length_hint(self._lines)

    # -- rispy's loop and hooks ---------------------------------------------------------

    def parse_lines(self, lines: Iterator[str]) -> list[dict]:  # type: ignore[override]
        """``RisParser.parse_lines``, with ``parse_line`` and ``_add_tag`` inlined for
        canonical tag lines and continuation lines (records go to ``self.records``)."""
        canonical = _canonical_tag
        more = self._more
        start_tag, end_tag = START_TAG, END_TAG
        try:
            self._iter_till_start(lines)
            append, values = self._append, self._values
            for line in lines:
                tag = canonical(line[:6])
                if tag is not None:
                    content = line[6:].strip()
                else:
                    if line[2:3] in _BLANKS or line[:4] in _LONG_TAG_STARTS:  # might_be_irregular_tag
                        tag, content = parse_irregular(line)
                    if tag is None:  # an untagged line: an item after a list tag, else more text
                        content = line.strip()
                        if content:
                            current = self._current
                            last_tag = current.pairs[-1][0]  # type: ignore[union-attr]
                            if last_tag in LIST_TAGS:
                                current.add(last_tag, content)  # type: ignore[union-attr]
                            else:
                                if self._more_chars <= MAX_FIELD_CHARS:  # past the cap, only counted
                                    more.append(content)
                                self._more_chars += len(content) + 1
                        continue
                if more:
                    self._join_more()
                if tag == end_tag:
                    self._iter_till_start(lines)
                    append, values = self._append, self._values
                elif tag == start_tag:  # inside a record: its ER is missing
                    self._start(content)
                    append, values = self._append, self._values
                elif "  - " in content:
                    for pair in split_jammed(tag, content):
                        self._current.add(*pair)  # type: ignore[union-attr]
                else:
                    append((tag, content))
                    if content:
                        values[tag].append(content)
        except StopIteration:
            pass
        return []

    def parse_line(self, line: str) -> tuple[str | None, str]:  # type: ignore[override]
        tag = _CANONICAL.get(line[:6])
        if tag is not None:
            return tag, line[6:].strip()
        if might_be_irregular_tag(line):
            return parse_irregular(line)
        return None, line.strip()  # a text line: continuation, preamble or blank

    def _add_tag(  # type: ignore[override]
        self, record: object, tag: str | None, content: str, extend_multiline: bool = False
    ) -> None:
        # ``record`` is rispy's idea of the current record; after a missing ER it is stale,
        # so the parser's own ``_current`` is used instead.
        if extend_multiline:
            if content:  # an untagged line: a new item after a list tag, else more of the value
                current = self._current
                last_tag = current.pairs[-1][0]  # type: ignore[union-attr]
                if last_tag in LIST_TAGS:
                    current.add(last_tag, content)  # type: ignore[union-attr]
                else:
                    if self._more_chars <= MAX_FIELD_CHARS:  # past the cap, only counted
                        self._more.append(content)
                    self._more_chars += len(content) + 1
            return
        if self._more:
            self._join_more()
        if tag == START_TAG:
            self._start(content)
        elif "  - " in content:
            for pair in split_jammed(tag or "", content):
                self._current.add(*pair)  # type: ignore[union-attr]
        else:  # the common case, inlined: RawRecord.add
            self._append((tag, content))  # type: ignore[arg-type]
            if content:
                self._values[tag].append(content)  # type: ignore[index]

    def _iter_till_start(self, lines: Iterator[str]) -> RawRecord:  # type: ignore[override]
        self._join_more()
        previous = self._current
        if previous is not None:
            previous.closed = True
        attach = previous is not None  # tag lines right after ER still belong to it
        block_line = 0  # first line of a tag block found outside any record
        while True:
            try:
                line = next(lines)
            except StopIteration:
                if block_line:
                    self.ignored_lines.append(block_line)
                raise
            tag, content = self.parse_line(line)
            if tag == START_TAG:
                if block_line:
                    self.ignored_lines.append(block_line)
                return self._start(content)
            if tag is None:
                attach = False
            elif tag == END_TAG:
                if block_line:
                    self._positions += 1
                    self.orphans.append((self._positions, block_line))
                    block_line = 0
            elif attach and previous is not None:
                for pair in split_jammed(tag, content) if "  - " in content else [(tag, content)]:
                    previous.add(*pair)
            elif not block_line:
                block_line = self.line_number

    # -- helpers ------------------------------------------------------------------------

    def _join_more(self) -> None:
        if self._more:
            record = self._current
            assert record is not None
            last_tag, last_value = record.pairs[-1]
            length = len(last_value) + self._more_chars if last_value else self._more_chars - 1
            record.join_last(self._more)
            if length > MAX_FIELD_CHARS:
                self.capped.append((record.line, last_tag, length))
            self._more.clear()  # the same list: parse_lines holds it
            self._more_chars = 0

    def _start(self, type_value: str) -> RawRecord:
        self._positions += 1
        record = RawRecord(self._positions, self.line_number, type_value)
        self.records.append(record)
        self._current = record
        self._append = record.pairs.append
        self._values = record.values
        return record
