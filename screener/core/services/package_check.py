"""Reading a returned screening package without believing it.

A package is a file its holder can edit. Everything merged from it is read here with
plain SQL (no ORM type conversions to trip over) and checked: its header, its reviewer,
each decision (record, stage, value, reason, note), each note, and its secret. Anything
wrong refuses the whole package with one line saying what and where, before a single
row of the project is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.store.engine import open_store
from screener.store.models import ExclusionReason, PackageToken, Record, Reviewer
from screener.types import Choice, ScreenerError, Stage

Key = tuple[int, str]
Value = tuple[str, str, str] | None  # decision, reason, note
STAGES = {s.value for s in Stage}
CHOICES = {c.value for c in Choice}
MAX_TEXT = 100_000  # characters in one note or reason
_SECRET = re.compile(r"[0-9a-f]{64}")
_KEY = re.compile(r"([0-9]{1,18}):([a-z_]+)")


@dataclass
class PackageContents:
    """What a package says, checked for shape: still to be checked against the project."""

    reviewer: str
    secret: str
    base: dict[Key, Value] = field(default_factory=dict)  # the reviewer's decisions when written
    decisions: dict[Key, Value] = field(default_factory=dict)  # and now, in the package
    notes: dict[int, str] = field(default_factory=dict)

    def record_ids(self) -> set[int]:
        return {rid for rid, _ in self.base} | {rid for rid, _ in self.decisions} | set(self.notes)


class PackageError(ScreenerError):
    pass


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise PackageError(f"{what} is {type(value).__name__}, not text")
    if "\x00" in value:
        raise PackageError(f"{what} holds a NUL character")
    if len(value) > MAX_TEXT:
        raise PackageError(f"{what} is longer than {MAX_TEXT:,} characters")
    return value


def _record_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**62:
        raise PackageError(f"{what} has record id {value!r}, not a record number")
    return value


def _value(decision: object, reason: object, note: object, what: str) -> tuple[str, str, str]:
    if decision not in CHOICES:
        raise PackageError(f"{what} has decision {decision!r}; a decision is include, exclude or maybe")
    return str(decision), _text(reason, f"{what}'s reason"), _text(note, f"{what}'s note")


def _base(raw: object) -> dict[Key, Value]:
    if not isinstance(raw, dict):
        raise PackageError(f"its header's 'base' is {type(raw).__name__}, not a mapping")
    out: dict[Key, Value] = {}
    for key, value in raw.items():
        match = _KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None or match.group(2) not in STAGES:
            raise PackageError(f"its header's 'base' has key {key!r}, not RECORD:STAGE")
        where = f"its header's 'base' entry {key!r}"
        if value is None:
            out[(int(match.group(1)), match.group(2))] = None
        elif isinstance(value, list) and len(value) == 3:
            out[(int(match.group(1)), match.group(2))] = _value(value[0], value[1], value[2], where)
        else:
            raise PackageError(f"{where} is {value!r}, not [decision, reason, note] or null")
    return out


def _header(rows: Sequence[Any]) -> tuple[str, str, dict[Key, Value]]:
    headers = []
    for _id, raw in rows:
        try:
            detail = json.loads(raw) if isinstance(raw, str | bytes) else raw
        except ValueError:
            raise PackageError("its header is not valid JSON") from None
        if isinstance(detail, dict) and "base" in detail:
            headers.append(detail)
    if len(headers) != 1:
        raise PackageError("it is not a screening package (write one with 'screener package')"
                           if not headers else f"it has {len(headers)} package headers, not one")
    detail = headers[0]
    reviewer = detail.get("reviewer")
    if not isinstance(reviewer, str) or not reviewer.strip():
        raise PackageError(f"its header names no reviewer (reviewer is {reviewer!r})")
    secret = detail.get("secret")
    if secret is None:
        raise PackageError("it carries no secret: it was written by an older Screener, or edited; "
                           "write a new package with 'screener package'")
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        raise PackageError("its secret is not one Screener writes")
    return _text(reviewer, "its reviewer"), secret, _base(detail.get("base"))


def read_package(path: str | Path) -> PackageContents:
    """The package at ``path``, checked for shape. Raises PackageError (one line)."""
    if not Path(path).is_file():
        raise ScreenerError(f"{path}: no such package file")
    try:
        store = open_store(path)
    except ScreenerError as e:
        raise ScreenerError(f"{path}: not a screening package ({e})") from None
    except Exception as e:  # a damaged file: never a traceback
        raise ScreenerError(f"{path}: not a screening package ({_first_line(e)})") from None
    try:
        with store.engine.connect() as conn:
            q = conn.exec_driver_sql
            reviewer, secret, base = _header(
                q("SELECT id, detail FROM event WHERE kind = 'package_created'").all())
            ids = {name: rid for rid, name in q("SELECT id, name FROM reviewer").all()}
            decisions = q("SELECT record_id, reviewer_id, stage, decision, reason, note FROM decision").all()
            notes = q("SELECT record_id, reviewer_id, text FROM record_note").all()
    except PackageError as e:
        raise PackageError(f"{path}: {e}; nothing was merged") from None
    except Exception as e:
        raise ScreenerError(f"{path}: not a readable screening package ({_first_line(e)})") from None
    finally:
        store.close()
    if reviewer not in ids:
        raise PackageError(f"{path}: its header names reviewer {reviewer!r}, who is not in it; "
                           "nothing was merged")
    names = {rid: name for name, rid in ids.items()}
    out = PackageContents(reviewer, secret, base)
    try:
        for rid, who, stage, decision, reason, note in decisions:
            where = f"a decision on record {rid!r}"
            if who != ids[reviewer]:
                raise PackageError(f"{where} is in the name of {names.get(who, who)!r}, not of "
                                   f"{reviewer!r}: a package holds only its reviewer's decisions")
            if stage not in STAGES:
                raise PackageError(f"{where} is at stage {stage!r}")
            out.decisions[(_record_id(rid, where), stage)] = _value(decision, reason, note, where)
        for rid, who, text in notes:
            where = f"a note on record {rid!r}"
            if who != ids[reviewer]:
                raise PackageError(f"{where} is in the name of {names.get(who, who)!r}, not of {reviewer!r}")
            out.notes[_record_id(rid, where)] = _text(text, where)
    except PackageError as e:
        raise PackageError(f"{path}: {e}; nothing was merged") from None
    return out


def check_against(s: Session, path: str | Path, package: PackageContents) -> Reviewer:
    """Check the package against the project it is merged into: its secret was issued to
    its reviewer here, and every record, stage and reason it names exists here. Returns the
    reviewer. Raises PackageError naming what is wrong."""
    def refuse(message: str) -> PackageError:
        return PackageError(f"{path}: {message}; nothing was merged")

    reviewer = s.scalar(select(Reviewer).where(Reviewer.name == package.reviewer))
    if reviewer is None:
        raise refuse(f"it is for reviewer {package.reviewer!r}, who is not in this project")
    digest = hashlib.sha256(package.secret.encode()).hexdigest()
    token = s.scalar(select(PackageToken).where(PackageToken.secret_sha256 == digest))
    if token is None:
        raise refuse("this project never wrote it (its secret matches none issued here)")
    if token.reviewer_id != reviewer.id:
        issued = s.get(Reviewer, token.reviewer_id)
        raise refuse(f"it was written for {issued.name if issued else 'another reviewer'!r}, "
                     f"but says it is for {package.reviewer!r}")
    if token.merged_as and token.merged_as != package.reviewer:
        raise refuse(f"it was already merged for {token.merged_as!r}")
    ids = sorted(package.record_ids())
    known: set[int] = set()
    for start in range(0, len(ids), 500):
        known |= set(s.scalars(select(Record.id).where(Record.id.in_(ids[start:start + 500]))))
    missing = [rid for rid in ids if rid not in known]
    if missing:
        raise refuse(f"record {missing[0]} is not in this project"
                     + (f" (nor are {len(missing) - 1} more)" if len(missing) > 1 else ""))
    reasons = {r.casefold() for r in s.scalars(select(ExclusionReason.text))}
    for (rid, stage), value in package.decisions.items():
        if (value and stage == Stage.FULL_TEXT and value[0] == Choice.EXCLUDE
                and value[1].strip().casefold() not in reasons):
            raise refuse(f"its full-text exclusion of record {rid} gives reason {value[1]!r}, "
                         "which is not in this project's list")
    return reviewer


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__
