"""A record's full history: import, merges, every decision and change, resolutions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from screener.core.services.base import Service
from screener.store.models import Batch, Event, Record, SourceFile
from screener.types import ScreenerError


@dataclass
class HistoryEntry:
    at: str
    kind: str
    reviewer: str = ""
    stage: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


class HistoryService(Service):
    def history(self, record_id: int) -> list[HistoryEntry]:
        with self.reading() as s:
            r = s.get(Record, record_id)
            if r is None:
                raise ScreenerError(f"no record {record_id}")
            batch = s.get(Batch, r.batch_id)
            sf = s.get(SourceFile, r.file_id)
            entries = [
                HistoryEntry(
                    at=sf.imported_at.isoformat() if sf else "",
                    kind="import",
                    detail={
                        "batch_id": r.batch_id,
                        "source": batch.source if batch else "",
                        "file": sf.name if sf else "",
                        "position": r.position,
                        "line": r.line,
                    },
                )
            ]
            for e in s.scalars(select(Event).where(Event.record_id == record_id).order_by(Event.id)):
                entries.append(HistoryEntry(e.at.isoformat(), e.kind, e.reviewer, e.stage, dict(e.detail or {})))
            return entries

    def visible_history(self, record_id: int, viewer: str) -> list[HistoryEntry]:
        """The history as ``viewer`` may see it. In a blind project another reviewer's
        decisions and undos at a stage stay hidden until that reviewer's decision there is
        visible to the viewer (both have decided), and other reviewers' notes and labels stay
        private (a label such as "wrong population" would tell how they decided)."""
        from screener.core.services.screening import visible_decisions
        from screener.store.models import Project

        entries = self.history(record_id)
        with self.reading() as s:
            p = s.get(Project, 1)
            if p is not None and not p.blind:
                return entries
            seen = {(d.reviewer, d.stage) for d in visible_decisions(s, record_id, viewer)}
        out = []
        for e in entries:
            if e.reviewer and e.reviewer != viewer:
                if e.kind in ("note", "label", "unlabel", "labels"):  # private, like notes: labels tell
                    continue
                if e.kind in ("decision", "undo", "decision_withdrawn") and (e.reviewer, e.stage) not in seen:
                    continue
            out.append(e)
        return out
