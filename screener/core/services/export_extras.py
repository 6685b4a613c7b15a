"""What a records export adds to each record beyond its bibliographic fields: tags,
labels, reviewers' notes, each reviewer's decisions, and (for RIS) a note that carries
the decisions into a reference manager.

The RIS note is an ``N1`` line, the field both Zotero (a child note) and EndNote (the
Notes field) keep on import, as Rayyan's exports do:
``Screener | title/abstract: include | full text: exclude (Wrong population) | labels: RCT, Adult | tags: check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.store.models import (
    Decision,
    Label,
    RecordLabel,
    RecordNote,
    RecordTag,
    Reviewer,
    StageStatus,
)
from screener.types import ParsedRecord, Stage, Status

CHUNK = 500
STAGE_KEYS = {Stage.TITLE_ABSTRACT.value: "ta", Stage.FULL_TEXT.value: "ft"}
STAGE_WORDS = {Stage.TITLE_ABSTRACT.value: "title/abstract", Stage.FULL_TEXT.value: "full text"}
NOTE_PREFIX = "Screener"


@dataclass
class Extras:
    reviewers: list[str]
    tags: dict[int, list[str]] = field(default_factory=dict)
    labels: dict[int, list[str]] = field(default_factory=dict)
    notes: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # record -> [(reviewer, note)]
    decisions: dict[int, dict[str, str]] = field(default_factory=dict)  # record -> column -> value
    ta_reason: dict[int, str] = field(default_factory=dict)
    automation: dict[int, str] = field(default_factory=dict)  # left unscreened by a stop

    def columns(self) -> list[str]:
        out = ["ta_reason", "ta_automation", "tags", "labels", "notes", "search_date", "update_round"]
        for name in self.reviewers:
            out += [f"{name}_ta_decision", f"{name}_ta_reason", f"{name}_ft_decision", f"{name}_ft_reason",
                    f"{name}_note"]
        return out


def record_extras(s: Session, ids: list[int]) -> Extras:
    names = dict(s.execute(select(Reviewer.id, Reviewer.name).order_by(Reviewer.id)).all())
    out = Extras(list(names.values()))
    ordered = sorted(set(ids))
    out.automation = stopped_marks(s, set(ordered))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        for rid, tag in s.execute(select(RecordTag.record_id, RecordTag.tag)
                                  .where(RecordTag.record_id.in_(chunk)).order_by(RecordTag.tag)):
            out.tags.setdefault(rid, []).append(tag)
        for rid, name in s.execute(
            select(RecordLabel.record_id, Label.name).join(Label, Label.id == RecordLabel.label_id)
            .where(RecordLabel.record_id.in_(chunk)).distinct().order_by(RecordLabel.record_id, Label.name)
        ):
            out.labels.setdefault(rid, []).append(name)
        for rid, who, text in s.execute(
            select(RecordNote.record_id, RecordNote.reviewer_id, RecordNote.text)
            .where(RecordNote.record_id.in_(chunk)).order_by(RecordNote.reviewer_id)
        ):
            if text.strip():
                out.notes.setdefault(rid, []).append((names.get(who, "?"), text))
                out.decisions.setdefault(rid, {})[f"{names.get(who, '?')}_note"] = text
        for rid, who, stage, decision, reason, note in s.execute(
            select(Decision.record_id, Decision.reviewer_id, Decision.stage, Decision.decision, Decision.reason,
                   Decision.note)
            .where(Decision.record_id.in_(chunk)).order_by(Decision.record_id, Decision.stage.desc(),
                                                           Decision.reviewer_id)
        ):
            key = STAGE_KEYS.get(stage)
            if key is None:
                continue
            row = out.decisions.setdefault(rid, {})
            row[f"{names.get(who, '?')}_{key}_decision"] = decision
            row[f"{names.get(who, '?')}_{key}_reason"] = reason
            if note.strip():  # a note given with the decision
                out.notes.setdefault(rid, []).append((f"{names.get(who, '?')} ({STAGE_WORDS[stage]})", note))
        out.ta_reason.update(s.execute(
            select(StageStatus.record_id, StageStatus.reason).where(
                StageStatus.record_id.in_(chunk), StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                StageStatus.status == Status.EXCLUDED.value)).all())
    return out


def stopped_marks(s: Session, ids: set[int]) -> dict[int, str]:
    """Records a standing stop left unscreened, each with what to say of it."""
    from screener.core.services.stopping_state import TA, iso, left_unscreened, stop_in_force

    stop = stop_in_force(s, TA)
    if stop is None:
        return {}
    mark = (f"marked ineligible by automation tools (screening stopped {iso(stop.decided_at)[:10]}, "
            f"method: {stop.method}; not screened)")
    return {rid: mark for rid in left_unscreened(s, TA) if rid in ids}


def csv_rows(rows: list[dict[str, Any]], extras: Extras) -> list[dict[str, Any]]:
    """Rows for the records CSV: each record's fields and its extras. ``notes`` holds
    the reviewers' notes, one ``name: note`` per line (a note given with a decision as
    ``name (stage): note``)."""
    out = []
    for row in rows:
        rid = row["record_id"]
        out.append({
            **row,
            **extras.decisions.get(rid, {}),
            "ta_reason": extras.ta_reason.get(rid, "") if row.get("ta_decision") == "exclude" else "",
            "ta_automation": extras.automation.get(rid, ""),
            "tags": extras.tags.get(rid, []),
            "labels": extras.labels.get(rid, []),
            "notes": "\n".join(f"{name}: {text}" for name, text in extras.notes.get(rid, [])),
        })
    return out


def screening_note(row: dict[str, Any], extras: Extras) -> str:
    """The one-line note that carries a record's screening into a reference manager."""
    rid = row["record_id"]
    parts = [NOTE_PREFIX]
    if row.get("duplicate_of"):
        parts.append(f"duplicate of record {row['duplicate_of']}")
    if row.get("ta_decision"):
        ta = row["ta_decision"]
        reason = extras.ta_reason.get(rid, "") if ta == "exclude" else ""
        parts.append(f"title/abstract: {ta}" + (f" ({reason})" if reason else ""))
    if row.get("ft_decision"):
        ft = row["ft_decision"]
        parts.append(f"full text: {ft}" + (f" ({row['ft_reason']})" if ft == "exclude" and row.get("ft_reason") else ""))
    if rid in extras.automation:
        parts.append(f"title/abstract: {extras.automation[rid]}")
    elif not row.get("ta_decision") and not row.get("duplicate_of"):
        parts.append("title/abstract: no final decision yet")
    if extras.labels.get(rid):
        parts.append("labels: " + ", ".join(extras.labels[rid]))
    if extras.tags.get(rid):
        parts.append("tags: " + ", ".join(extras.tags[rid]))
    parts.append(f"record {rid}")
    return " | ".join(" ".join(p.split()) for p in parts)


def with_screening_note(record: ParsedRecord, row: dict[str, Any], extras: Extras) -> ParsedRecord:
    """The record with its screening note added (as a new N1 line, after its own tags)."""
    note = screening_note(row, extras)
    if record.raw and record.raw[0][0] == "TY":
        record.raw = [*record.raw, ("N1", note)]
    else:
        record.notes = f"{record.notes}\n{note}".strip() if record.notes else note
    return record
