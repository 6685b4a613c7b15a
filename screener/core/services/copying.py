"""``screener copy``: a project copied losslessly, history included, between files and servers."""

from __future__ import annotations

from dataclasses import dataclass, field

from screener.store import copy
from screener.store.engine import is_url, open_store
from screener.store.identity import read_identity
from screener.types import ScreenerError


@dataclass
class CopyReport:
    source: str
    dest: str
    rows: dict[str, int] = field(default_factory=dict)  # rows copied, per table
    strict: bool = False
    warnings: list[str] = field(default_factory=list)


def copy_project(source: str, dest: str, strict: bool = False) -> CopyReport:
    """Copy ``source`` (a file or URL) to ``dest``, a new file or an empty database. A copy
    on a server is strict if asked, or if the source is; a file is never strict."""
    if copy.same_place(source, dest):
        raise ScreenerError(f"{dest}: that is the project being copied")
    if strict and not is_url(dest):
        raise ScreenerError("--strict needs a PostgreSQL server as DEST: a file cannot enforce it")
    if not is_url(source) and not __import__("os").path.isfile(source):
        raise ScreenerError(f"{source}: no such project file")
    store = open_store(source)
    try:
        who = read_identity(store.engine)
        if who.strict and not who.owner:
            raise ScreenerError(
                f"{source}: only the project's owner can copy it whole; role {who.db_user!r} "
                "cannot read the other reviewers' blind decisions"
            )
        strict = strict or (who.strict and is_url(dest))
        rows, warnings = copy.copy_project(store.engine, dest, strict=strict)
    finally:
        store.close()
    return CopyReport(source, dest, rows, strict, warnings)
