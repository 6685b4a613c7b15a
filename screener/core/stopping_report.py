"""The stopping figures of a project, as the panel, the CLI and a recorded stop show them.

Plain dataclasses (no database, no Qt), with the JSON shape of ``screener stopping --json``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from screener.core.stopping import KneeTest, RankedTest, SampleTest

#: The methods a stop may rest on (``screener stop --method``), with what each means.
METHODS = {
    "sample": "Callaghan & Müller-Hansen (2020): hypergeometric test on a random sample",
    "ranked": "Callaghan & Müller-Hansen (2020): the same test on the ranked screening",
    "knee": "Cormack & Grossman (2016): the knee method",
    "consecutive": "a run of consecutive irrelevant records (a heuristic, e.g. SAFE's 50)",
    "judgement": "the team's judgement (the figures are recorded as they stood)",
}

#: SAFE's heuristic (Boetje & van de Schoot 2024) for ending the model-led phase.
SAFE_CONSECUTIVE = 50
SAFE_MIN_SHARE = 0.10


@dataclass(frozen=True)
class SampleStatus:
    """The project's random sample for the stopping test, and how far it is screened.

    ``screened``: records of the sample screened in drawn order, from the first, without a
    gap (only that run counts as a random sample); ``next_record_id``: the first one still
    to screen, or None when the whole sample is screened.
    """

    sample_id: int
    seed: int
    started_at: str
    started_by: str
    urn_size: int
    relevant_before: int
    screened_before: int
    screened: int
    relevant: int
    next_record_id: int | None
    test: SampleTest


@dataclass(frozen=True)
class StopInfo:
    """A recorded decision to stop screening (or to withdraw one)."""

    stop_id: int
    action: str
    stage: str
    method: str
    figures: dict[str, Any]
    note: str
    decided_by: str
    decided_at: str
    withdraws_id: int | None = None
    left: int = 0  # records left unscreened (a stop)


@dataclass(frozen=True)
class StoppingFigures:
    """Everything the "When can I stop?" panel shows for one stage.

    ``total``: the records to screen (duplicates apart); ``screened``: those with a final
    decision; ``relevant``: the final includes. ``consecutive_irrelevant`` counts in
    ``streak_of``'s own decisions in the order they were made ("" when they are the final
    decisions, in the order they became final). ``ranked`` and ``knee`` read the final
    decisions in the order they became final.
    """

    stage: str
    total: int
    screened: int
    relevant: int
    share_screened: float
    streak_of: str
    decided_by_streak_owner: int
    consecutive_irrelevant: int
    recall_target: float
    confidence: float
    ranked: RankedTest | None
    knee: KneeTest
    sample: SampleStatus | None
    stop: StopInfo | None

    @property
    def safe_heuristic_met(self) -> bool:
        """SAFE's measurable conditions for leaving the model-led phase: at least 10 % of
        the records screened and 50 consecutive irrelevant ones."""
        return (self.share_screened >= SAFE_MIN_SHARE
                and self.consecutive_irrelevant >= SAFE_CONSECUTIVE)

    def to_json(self) -> dict[str, Any]:
        return _clean(asdict(self))


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def method_figures(f: StoppingFigures, method: str) -> dict[str, Any]:
    """What a stop resting on ``method`` records: the method's own figures, with the
    project's counts as they stood."""
    out: dict[str, Any] = {
        "method": method,
        "method_says": METHODS[method],
        "total": f.total,
        "screened": f.screened,
        "relevant": f.relevant,
        "share_screened": f.share_screened,
        "consecutive_irrelevant": f.consecutive_irrelevant,
        "streak_of": f.streak_of,
        "recall_target": f.recall_target,
        "confidence": f.confidence,
    }
    if method == "sample" and f.sample is not None:
        out["sample"] = _clean(asdict(f.sample))
    if method == "ranked" and f.ranked is not None:
        out["ranked"] = _clean(asdict(f.ranked))
    if method == "knee":
        out["knee"] = _clean(asdict(f.knee))
    return out


def method_ready(f: StoppingFigures, method: str) -> str:
    """Why the figures of ``method`` do not say stop ("" when they do, or for judgement)."""
    if method == "sample":
        if f.sample is None:
            return "no random sample has been drawn"
        return "" if f.sample.test.stop else (
            f"the sample's p-value is {f.sample.test.p_value:.3f}, not below "
            f"{1 - f.confidence:.2f}")
    if method == "ranked":
        if f.ranked is None:
            return "nothing has been screened"
        return "" if f.ranked.test.stop else (
            f"the ranked test's p-value is {f.ranked.test.p_value:.3f}, not below "
            f"{1 - f.confidence:.2f}")
    if method == "knee":
        return "" if f.knee.stop else (
            f"the slope ratio is {f.knee.slope_ratio:.1f} (needs {f.knee.threshold:.0f}) after "
            f"{f.knee.screened} records (needs 150)")
    if method == "consecutive":
        return "" if f.consecutive_irrelevant >= SAFE_CONSECUTIVE else (
            f"{f.consecutive_irrelevant} consecutive irrelevant records, fewer than {SAFE_CONSECUTIVE}")
    return ""
