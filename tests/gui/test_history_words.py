"""The history pane speaks in words: every kind of event a record can have is described as a
reviewer would say it, never by its internal name (``pair_reopened``, ``left_full_text``)."""

from __future__ import annotations

import re

from screener.core.services.history import HistoryEntry
from screener.gui.history_view import describe


def test_every_event_of_a_record_is_described_in_words(make_screen_project) -> None:  # type: ignore[no-untyped-def]
    project = make_screen_project(6, reviewers=("ana", "ben"), required=2)
    project.settings.add_reviewer("carla", "resolver")
    s = project.screening
    s.decide(1, "ana", "include")
    s.decide(1, "ben", "exclude")  # a conflict …
    project.conflicts.resolve(1, "include", "carla")  # … resolved …
    project.conflicts.reopen(1, "carla")  # … and reopened
    s.decide(2, "ana", "exclude")
    s.undo_last("ana")
    project.dedup.mark(3, 4, False, reviewer="ana")
    project.dedup.reset_pair(3, 4, reviewer="ana")
    project.dedup.mark(3, 4, True, reviewer="ana")
    project.dedup.unmerge(4, reviewer="ana")
    project.records.set_tags(5, ["pilot"], reviewer="ana")
    project.records.set_note(5, "ana", "check the sample")
    for name in ("ana", "ben"):
        s.decide(6, name, "include")
    project.retrieval.set_retrieval(6, True, reviewer="ana")
    s.decide(6, "ana", "include", stage="full_text")
    s.decide(6, "ana", "exclude")  # it leaves full text; the full-text decision is kept
    kinds: set[str] = set()
    for rid in range(1, 7):
        for entry in project.history.history(rid):
            kinds.add(entry.kind)
            text = describe(entry)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), (entry.kind, text)  # no internal names
            assert not text.endswith(f": {entry.kind}"), (entry.kind, text)  # no bare kind
    assert {"pair_reopened", "left_full_text", "reopened", "not_duplicate", "unmerge", "undo"} <= kinds


def test_a_kind_of_event_added_later_is_still_shown_in_words() -> None:
    assert describe(HistoryEntry("2026-01-01T10:00:00", "label_changed", "ana")) == "ana: label changed"
