"""Inter-rater agreement between screening reviewers.

Every function takes plain decisions (strings; :class:`screener.types.Choice`
values work too, being ``str``) and returns plain numbers. Nothing here knows about
records, stages or the database.

Two-rater statistics take ``pairs``: one ``(decision_of_rater_a, decision_of_rater_b)``
tuple per record that both reviewers screened. The many-rater statistic
(:func:`fleiss_kappa`) takes one row per record holding every rater's decision.

Undefined values are ``None``, never NaN:

* empty input (``n == 0``): every statistic is ``None``;
* Cohen's and Fleiss' kappa when chance agreement is 1, i.e. every decision of every
  rater fell into one single category (both reviewers excluded everything). Kappa is
  0/0 there. scikit-learn returns NaN; some tools report 1.0. We return ``None`` so that
  a report shows "n/a" beside a 100 % percent agreement instead of inventing a number.
  Gwet's AC1 and PABAK stay defined in that case (both give 1.0).

Formulas (``po`` observed agreement, ``pe`` chance agreement, ``q`` categories):

* Cohen (1960): ``pe = sum_k p_a(k) * p_b(k)``, kappa = (po - pe) / (1 - pe).
* PABAK (Byrt, Bishop & Carlin 1993), for k categories: (k * po - 1) / (k - 1);
  this is Brennan & Prediger's coefficient. For k = 2 it is 2 * po - 1.
* Gwet's AC1 (Gwet 2008): ``pi_k = (n_a(k) + n_b(k)) / 2n``,
  ``pe = sum_k pi_k (1 - pi_k) / (q - 1)``. ``q`` is the size of the category scale,
  not only the categories used, as in Gwet's handbook and the irrCAC package.
* Fleiss (1971): ``P_i = (sum_j n_ij^2 - m) / (m (m - 1))`` for m raters,
  ``p_j`` the share of all decisions in category j, kappa = (mean P_i - sum p_j^2) /
  (1 - sum p_j^2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_CATEGORIES: tuple[str, ...] = ("include", "exclude", "maybe")

Pairs = Sequence[tuple[str, str]]


def _check(pairs: Pairs, categories: Sequence[str]) -> None:
    if len(set(categories)) < 2:
        raise ValueError("agreement needs at least two categories")
    allowed = set(categories)
    for a, b in pairs:
        for value in (a, b):
            if value not in allowed:
                raise ValueError(
                    f"decision {value!r} is not one of the categories {tuple(categories)!r}"
                )


def _observed(pairs: Pairs) -> float:
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def percent_agreement(pairs: Pairs) -> float | None:
    """Share of records on which both raters made the same decision, 0-100.

    ``None`` when there are no pairs.
    """
    if not pairs:
        return None
    return 100.0 * _observed(pairs)


def cohen_kappa(pairs: Pairs, categories: Sequence[str] = DEFAULT_CATEGORIES) -> float | None:
    """Cohen's (unweighted) kappa for two raters over ``categories``.

    ``None`` when there are no pairs or when chance agreement is 1 (both raters put
    every record in the same single category). Raises ``ValueError`` for a decision
    outside ``categories``.
    """
    _check(pairs, categories)
    if not pairs:
        return None
    n = len(pairs)
    count_a = Counter(a for a, _ in pairs)
    count_b = Counter(b for _, b in pairs)
    pe = sum(count_a[c] * count_b[c] for c in set(categories)) / (n * n)
    if pe >= 1.0:
        return None
    return (_observed(pairs) - pe) / (1.0 - pe)


def pabak(pairs: Pairs, k: int = 3) -> float | None:
    """Prevalence- and bias-adjusted kappa for ``k`` categories: (k*po - 1)/(k - 1).

    ``None`` when there are no pairs.
    """
    if k < 2:
        raise ValueError("PABAK needs k >= 2 categories")
    if not pairs:
        return None
    return (k * _observed(pairs) - 1.0) / (k - 1)


def gwet_ac1(pairs: Pairs, categories: Sequence[str] = DEFAULT_CATEGORIES) -> float | None:
    """Gwet's AC1 for two raters over the category scale ``categories``.

    ``None`` only when there are no pairs (chance agreement is at most 1/q, so the
    coefficient is always defined otherwise).
    """
    _check(pairs, categories)
    if not pairs:
        return None
    n = len(pairs)
    cats = set(categories)
    q = len(cats)
    counts = Counter(a for a, _ in pairs) + Counter(b for _, b in pairs)
    pe = sum((counts[c] / (2 * n)) * (1 - counts[c] / (2 * n)) for c in cats) / (q - 1)
    return (_observed(pairs) - pe) / (1.0 - pe)


def fleiss_kappa(table: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa for any number (>= 2) of raters.

    ``table`` has one row per record, each row holding the decisions of all raters;
    every row must have the same number of decisions (raters need not be the same
    people from row to row). Categories are those that occur. ``None`` for an empty
    table or when every decision is the same category.
    """
    if not table:
        return None
    m = len(table[0])
    if m < 2:
        raise ValueError("Fleiss' kappa needs at least two raters per record")
    for i, row in enumerate(table):
        if len(row) != m:
            raise ValueError(f"row {i} has {len(row)} decisions, expected {m}")
    n = len(table)
    totals: Counter[str] = Counter()
    p_bar = 0.0
    for row in table:
        counts = Counter(row)
        totals.update(counts)
        p_bar += (sum(c * c for c in counts.values()) - m) / (m * (m - 1))
    p_bar /= n
    pe = sum((c / (n * m)) ** 2 for c in totals.values())
    if pe >= 1.0:
        return None
    return (p_bar - pe) / (1.0 - pe)


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of one pair of reviewers at one stage.

    ``n`` is the number of records both screened. With ``n == 0`` every statistic is
    ``None``; ``kappa`` is also ``None`` when both used a single category throughout.
    ``percent_agreement`` is 0-100; ``pabak`` uses k = number of categories.
    """

    reviewers: tuple[str, str]
    stage: str
    n: int
    percent_agreement: float | None
    kappa: float | None
    pabak: float | None
    gwet_ac1: float | None


def pair_agreement(
    reviewers: tuple[str, str],
    stage: str,
    pairs: Pairs,
    categories: Sequence[str] = DEFAULT_CATEGORIES,
) -> PairAgreement:
    """All two-rater statistics for ``pairs`` (decisions of ``reviewers[0]`` first)."""
    _check(pairs, categories)
    return PairAgreement(
        reviewers=reviewers,
        stage=str(stage),
        n=len(pairs),
        percent_agreement=percent_agreement(pairs),
        kappa=cohen_kappa(pairs, categories),
        pabak=pabak(pairs, k=len(set(categories))),
        gwet_ac1=gwet_ac1(pairs, categories),
    )
