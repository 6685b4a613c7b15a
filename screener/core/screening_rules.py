"""The methodological rules of screening, as pure functions.

A record's status at a stage follows from its reviewers' current decisions, the
number of independent reviewers the project requires, and any resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from screener.types import Choice, Stage, Status


@dataclass(frozen=True)
class Vote:
    reviewer: str
    decision: str  # include | exclude | maybe
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    status: Status
    reason: str = ""  # the final full-text exclusion reason, where there is one


def stage_outcome(
    stage: Stage | str,
    required: int,
    votes: Sequence[Vote],
    resolution: Vote | None = None,
) -> Outcome:
    """The status of one record at one stage.

    - A resolution, where there is one, is final.
    - Until ``required`` reviewers have decided, the record is undecided.
    - Unanimous include is included; unanimous exclude is excluded (at full text only
      when the reasons agree too).
    - Anything else, including any "maybe", is a conflict that needs a resolution.
    """
    if resolution is not None:
        if resolution.decision == Choice.INCLUDE:
            return Outcome(Status.INCLUDED)
        return Outcome(Status.EXCLUDED, resolution.reason)
    if len(votes) < max(1, required):
        return Outcome(Status.UNDECIDED)
    choices = {v.decision for v in votes}
    if choices == {Choice.INCLUDE}:
        return Outcome(Status.INCLUDED)
    if choices == {Choice.EXCLUDE}:
        reasons = {v.reason for v in votes}
        if Stage(stage) == Stage.FULL_TEXT and len(reasons) > 1:
            return Outcome(Status.CONFLICT)
        return Outcome(Status.EXCLUDED, votes[0].reason)
    return Outcome(Status.CONFLICT)


def conflict_kind(stage: Stage | str, votes: Sequence[Vote]) -> str:
    """Say what the reviewers disagree on: 'decision', 'maybe' or 'reason'."""
    choices = {v.decision for v in votes}
    if Choice.MAYBE in choices:
        return "maybe"
    if len(choices) > 1:
        return "decision"
    return "reason"
