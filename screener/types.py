"""Plain domain types shared by readers, dedup, services and the two faces.

Nothing here touches the database or Qt. Services return these, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar


class Stage(StrEnum):
    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"


class Choice(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"


class Status(StrEnum):
    """A record's status at one stage, as the CLI's --status words."""

    UNDECIDED = "undecided"  # not every required reviewer has decided yet
    INCLUDED = "included"  # final include (agreement or resolution)
    EXCLUDED = "excluded"  # final exclude
    CONFLICT = "conflict"  # all required reviewers decided, and they disagree (or said maybe)
    DUPLICATE = "duplicate"  # merged into another record; not screened
    NOT_RETRIEVED = "not_retrieved"  # full text only: the report could not be obtained


class BatchKind(StrEnum):
    DATABASE = "database"
    REGISTER = "register"
    WEBSITE = "website"
    ORGANISATION = "organisation"
    CITATION = "citation"


class ScreenerError(Exception):
    """A user error: bad input, unknown record, invalid decision. The CLI exits 1."""


class ConnectionLost(ScreenerError):
    """The project's server cannot be reached: what was being written was not saved."""


class ImportFormatError(ScreenerError):
    """A file that cannot be imported at all. Names the file (and line where there is one)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # So the error crosses from a reading process intact.
        return (type(self), (self.path, self.detail, self.line))


@dataclass
class ParsedRecord:
    """One bibliographic record as read from a file, before it is stored.

    ``raw`` keeps every (tag, value) pair of the original in order, so that the RIS
    export can write back tags Screener does not interpret.
    """

    position: int  # 1-based position of the record within its file
    line: int  # 1-based line where the record starts
    type: str = ""  # RIS type code, e.g. JOUR
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""  # normalised: lower case, no prefix
    pmid: str = ""
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    notes: str = ""
    raw: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SkippedRecord:
    position: int  # 1-based position among the records the file appears to hold
    line: int
    reason: str


@dataclass
class ReadResult:
    """What a reader got from one file."""

    path: str
    format: str  # "ris", "nbib", "csv"
    encoding: str
    records: list[ParsedRecord]
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""


class Cancelled(Exception):
    """Raised inside long work when the user cancelled; the work leaves nothing behind."""


T = TypeVar("T")
# Long work is a generator that yields Progress and returns its result.
Work = Generator[Progress, None, T]


def run_work(work: Work[T], on_progress: Callable[[Progress], Any] | None = None) -> T:
    """Drive a Work generator to its end and return its result."""
    while True:
        try:
            p = next(work)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if on_progress is not None:
            on_progress(p)


@dataclass
class DedupRecord:
    """The fields deduplication looks at."""

    id: int
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    type: str = ""
    abstract: str = ""


@dataclass
class DedupResult:
    """Pairs of record ids. ``certain`` pairs are merged automatically; ``candidates`` go
    to a reviewer. Each pair is (id_a, id_b, score in 0..1) with id_a < id_b."""

    certain: list[tuple[int, int, float]] = field(default_factory=list)
    candidates: list[tuple[int, int, float]] = field(default_factory=list)
