"""Decisions the server could not take: kept, shown, and saved when it answers again.

A decision made while the server cannot be reached is never dropped in silence. The
reviewer is told at once that it is not saved, the record stays where it was, and the
decision waits here. When the server is back each waiting decision is saved, unless the
project already holds it (the connection broke after the server committed it), and the
reviewer is told which were saved, or plainly why one could not be.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from screener.core.project import Project
from screener.types import ConnectionLost, ScreenerError


@dataclass(frozen=True)
class Unsaved:
    record_id: int
    reviewer: str
    stage: str
    decision: str
    reason: str = ""
    note: str = ""


class UnsavedDecisions(QObject):
    count_changed = Signal(int)
    saved = Signal(object)  # Unsaved: now in the project
    refused = Signal(object, str)  # Unsaved, why it cannot be saved: the record comes back

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: dict[tuple[int, str, str], Unsaved] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    def __bool__(self) -> bool:
        return bool(self._waiting)

    @property
    def waiting(self) -> list[Unsaved]:
        return list(self._waiting.values())

    def add(self, u: Unsaved) -> None:
        """Keep a decision for later; a later one on the same record replaces it."""
        self._waiting.pop((u.record_id, u.reviewer, u.stage), None)
        self._waiting[(u.record_id, u.reviewer, u.stage)] = u
        self.count_changed.emit(len(self._waiting))

    def retry(self, project: Project) -> int:
        """Save what waits, oldest first; stops at the first sign the server is gone again.
        Returns how many were saved."""
        done = 0
        for k, u in list(self._waiting.items()):
            try:
                if not self._already_saved(project, u):
                    project.screening.decide(u.record_id, u.reviewer, u.decision, u.stage,
                                             u.reason, u.note)
            except ConnectionLost:
                break
            except ScreenerError as e:
                del self._waiting[k]
                self.count_changed.emit(len(self._waiting))
                self.refused.emit(u, str(e))
                continue
            del self._waiting[k]
            done += 1
            self.count_changed.emit(len(self._waiting))
            self.saved.emit(u)
        return done

    @staticmethod
    def _already_saved(project: Project, u: Unsaved) -> bool:
        mine = [d for d in project.screening.decisions_of(u.record_id, viewer=u.reviewer)
                if d.reviewer == u.reviewer and d.stage == u.stage]
        return bool(mine) and (mine[0].decision, mine[0].reason) == (u.decision, u.reason)
