"""The stopping figures in words: each figure with how it was computed. Shared by
``screener stopping`` and the "When can I stop?" panel, so both say the same."""

from __future__ import annotations

from screener.core.stopping import BOETJE_2024, CALLAGHAN_2020, CORMACK_2016
from screener.core.stopping_report import SAFE_CONSECUTIVE, SAFE_MIN_SHARE, StoppingFigures


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def streak_line(f: StoppingFigures) -> str:
    whose = f"in {f.streak_of}'s own decisions" if f.streak_of else "in the final decisions"
    return (f"{f.consecutive_irrelevant} consecutive irrelevant records since the last include "
            f"({whose}, in the order they were made; a maybe counts as possibly relevant)")


def share_line(f: StoppingFigures) -> str:
    return (f"{f.screened:,} of {f.total:,} records screened ({pct(f.share_screened)}); "
            f"{f.relevant:,} included so far")


def sample_lines(f: StoppingFigures) -> list[str]:
    smp = f.sample
    if smp is None:
        return ["Random sample: none drawn yet. When the ranked phase seems done, draw one: "
                "the records not yet screened, in a random order; screen them in that order."]
    t = smp.test
    lines = [
        f"Random sample #{smp.sample_id} (drawn {smp.started_at} by {smp.started_by}, seed {smp.seed}): "
        f"{smp.screened:,} of the {smp.urn_size:,} records unscreened then are screened in drawn order, "
        f"{smp.relevant} of them relevant.",
        f"Null hypothesis: recall is below {pct(f.recall_target)}. It needs at least "
        f"K = floor({t.relevant_seen} / {f.recall_target:g} - {t.relevant_before} + 1) = {t.k_target} "
        f"relevant records among the {t.urn_size:,}.",
        f"p = P(X <= {t.sample_relevant}) for X ~ Hypergeometric(N={t.urn_size:,}, K={t.k_target}, "
        f"n={t.sample_size:,}) = {t.p_value:.4f}.",
    ]
    if t.sample_size:
        lines.append(
            f"Relevant records estimated still unscreened: {t.remaining_estimate:.1f} "
            f"(at most {t.remaining_upper} with {pct(f.confidence)} confidence); estimated recall "
            + (f"{pct(t.recall_estimate)}" if t.recall_estimate is not None else "unknown")
            + (f", at least {pct(t.recall_lower)}." if t.recall_lower is not None else "."))
    verdict = ("the test says recall has reached the target (p < {:.2f})" if t.stop
               else "the test does not (yet) say the target is reached (p >= {:.2f})")
    lines.append("Result: " + verdict.format(1 - f.confidence) + ".")
    if smp.next_record_id is not None:
        lines.append(f"Next record of the sample to screen: #{smp.next_record_id}.")
    return lines


def ranked_lines(f: StoppingFigures) -> list[str]:
    r = f.ranked
    if r is None:
        return ["Ranked test: nothing screened yet."]
    t = r.test
    return [
        f"The same test on the ranked screening (the last {r.window:,} records screened "
        f"taken as if a random sample of the {t.urn_size:,} unscreened before them): "
        f"K = {t.k_target}, p = {t.p_value:.4f}; "
        + ("says stop." if t.stop else "does not say stop.")
        + " Valid only if the model ranks relevant records earlier than chance."
    ]


def knee_lines(f: StoppingFigures) -> list[str]:
    k = f.knee
    if not k.relevant:
        return ["Knee method: no relevant record yet."]
    return [
        f"Knee method: knee at record {k.knee:,} ({k.relevant_at_knee} relevant); slope ratio "
        f"{k.slope_ratio:.1f} (needs {k.threshold:.0f} = 156 - min({k.relevant}, 150), and 150 "
        f"records screened: {k.screened:,}); " + ("says stop." if k.stop else "does not say stop.")
    ]


def safe_lines(f: StoppingFigures) -> list[tuple[bool | None, str]]:
    """SAFE as a checklist: each step, and whether the figures show the part of it they can
    measure (None: only the team can tell)."""
    drew = f.sample is not None
    return [
        (None, "1. Screen a random training set (e.g. 1% of the records, or until one include)."),
        (f.safe_heuristic_met,
         "2. Screen with the model until the heuristic is met. Measured here: at least "
         f"{pct(SAFE_MIN_SHARE)} screened (now {pct(f.share_screened)}) and {SAFE_CONSECUTIVE} "
         f"consecutive irrelevant (now {f.consecutive_irrelevant}). Yours to judge: all key "
         "papers found, and at least twice the estimated number of relevant records screened."),
        (None, "3. Switch models (another classifier or features) and screen on until "
               f"{SAFE_CONSECUTIVE} consecutive irrelevant again."),
        (drew or None, "4. Quality check: e.g. a random sample of what is left (the test above; "
                       + ("one has been drawn" if drew else "none drawn yet")
                       + "), or a second reviewer on the highest-ranked excluded records."),
    ]


def explain(f: StoppingFigures) -> list[str]:
    lines = [share_line(f), streak_line(f), "", *sample_lines(f), "", *ranked_lines(f), *knee_lines(f)]
    if f.stop is not None:
        lines += ["", f"Screening STOPPED on {f.stop.decided_at} by {f.stop.decided_by} "
                      f"(method: {f.stop.method}); {f.stop.left:,} records were left unscreened."]
    lines += ["", "SAFE procedure (a checklist, not a rule):"]
    for done, text in safe_lines(f):
        lines.append(("[x] " if done else "[ ] ") + text)
    lines += ["", "Methods: " + CALLAGHAN_2020, "         " + CORMACK_2016, "         " + BOETJE_2024]
    return lines


#: The panel's help ("Methods…") and ``screener stopping --help``'s long text.
HELP_TEXT = f"""When can I stop? Screener shows figures from published methods and how each was
computed. It recommends nothing and decides nothing: the team decides, and the decision is
recorded with the method, its figures, the date and who decided.

Consecutive irrelevant records: excludes since the last include, in your own decisions in
the order you made them (a "maybe" ends the run). A heuristic, not a test.

Share screened: records with a final decision over all records (duplicates apart).

Statistical stopping criterion (Callaghan & Müller-Hansen 2020). When the ranked phase seems
done, draw a random sample: every record not yet screened, in a random order. Screen them in
that order. With r_seen relevant records seen, r_before of them before the sample, k relevant
among the n sample records screened and N records unscreened when it was drawn, the null
hypothesis "recall is below the target" needs at least K = floor(r_seen / target - r_before
+ 1) relevant records among the N; p = P(X <= k), X ~ Hypergeometric(N, K, n). Stop when
p < 1 - confidence. The same sample estimates the relevant records still unscreened,
k (N - n) / n, with an exact one-sided upper bound at the confidence level. Only the sample
screened from its first record without gaps counts.

The same test on the ranked screening ("ranked quasi-sampling", same paper) treats the last
records screened as if they were a random sample. It needs no sample, but holds only if the
model ranks relevant records earlier than chance.

Knee method (Cormack & Grossman 2016): the knee is the point of the gain curve farthest above
the line from the origin to now; stop when the slope before it over the slope after it is at
least 156 - min(relevant found, 150), with at least 150 records screened.

SAFE (Boetje & van de Schoot 2024) is offered as a checklist, not a rule.

How the rules did on the shared labelled sets (tests/bench/bench_stopping.py: the ranking
model's order, seeds 1-5, 95% recall target, 95% confidence; `screener simulate --json`
reports stop_at and recall_at_stop for the sample rule and every rule under "stopping"):
- the ranked test reached the target on every set and seed with the current model, but only
  just: it stopped at exactly 95.0% recall on Cohen_2006_ADHD and Cohen_2006_BetaBlockers.
  With the earlier model (until December 2026) it STOPPED BELOW ITS 95% TARGET on
  Cohen_2006_Antihistamines (1 seed of 5: recall 93.8%, 15 of 16 includes). Its stop is
  an estimate on the order the model chose, not a guarantee;
- the random-sample rule and the knee method reached the target on every set and seed, but
  saved little work (the sample rule 0-19%, the knee method never stopped before the end on
  these small sets): a random sample must be large to show that few relevant records remain.

References:
{CALLAGHAN_2020}
{CORMACK_2016}
{BOETJE_2024}
"""


def help_paragraphs() -> list[str]:
    """HELP_TEXT as paragraphs: lines joined, except that a list item ("- ") and each
    reference start a paragraph of their own."""
    out: list[str] = []
    for block in HELP_TEXT.strip().split("\n\n"):
        references = block.startswith("References")
        for i, line in enumerate(block.splitlines()):
            if i == 0 or line.startswith("- ") or references:
                out.append(line.strip())
            else:
                out[-1] += " " + line.strip()
    return out
