"""Agreement statistics against scikit-learn and against published worked examples."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from screener.core.agreement import (
    PairAgreement,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    pabak,
    pair_agreement,
    percent_agreement,
)
from screener.types import Choice

CATS = ("include", "exclude", "maybe")


def pairs_from_table(table: list[list[int]], cats: tuple[str, ...]) -> list[tuple[str, str]]:
    """Expand a contingency table (rows: rater A, columns: rater B) into pairs."""
    out: list[tuple[str, str]] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            out += [(cats[i], cats[j])] * count
    return out


def rows_from_counts(counts: list[list[int]]) -> list[list[str]]:
    """Expand per-subject category counts (Fleiss' layout) into rows of decisions."""
    return [[f"c{j}" for j, c in enumerate(row) for _ in range(c)] for row in counts]


# --- Cohen's kappa -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CATS), st.sampled_from(CATS)), min_size=1, max_size=60))
def test_cohen_kappa_matches_sklearn(pairs: list[tuple[str, str]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs], labels=CATS)
    ours = cohen_kappa(pairs, CATS)
    if expected != expected:  # sklearn's NaN: both raters used one single category
        assert ours is None
        assert len({a for a, _ in pairs} | {b for _, b in pairs}) == 1
    else:
        assert ours == pytest.approx(expected, abs=1e-12)


def test_cohen_kappa_wikipedia_2x2_example() -> None:
    # Wikipedia "Cohen's kappa", worked example: 50 proposals, Yes/Yes 20, Yes/No 5,
    # No/Yes 10, No/No 15 -> po = 0.7, pe = 0.5, kappa = 0.4.
    pairs = pairs_from_table([[20, 5], [10, 15]], ("yes", "no"))
    assert len(pairs) == 50
    assert percent_agreement(pairs) == pytest.approx(70.0)
    assert cohen_kappa(pairs, ("yes", "no")) == pytest.approx(0.4)
    # PABAK for two categories is 2 * po - 1.
    assert pabak(pairs, k=2) == pytest.approx(0.4)


def test_cohen_kappa_sas_3x3_example() -> None:
    # SAS PROC FREQ "Simple Kappa Coefficient" example as recorded in statsmodels'
    # test_inter_rater.py (table10): kappa 0.4842.
    pairs = pairs_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], ("a", "b", "c"))
    assert cohen_kappa(pairs, ("a", "b", "c")) == pytest.approx(0.4842, abs=5e-5)


def test_gwet_handbook_3x3_abstractors_example() -> None:
    # Gwet, Handbook of Inter-Rater Reliability (4th ed. 2014): 100 pregnant women
    # classified by two abstractors as Ectopic / AIU / NIU. Table and published values
    # from Gwet's irrCAC R package (dataset cont3x3abstractors, vignette output):
    # Cohen's kappa 0.7964094, Gwet's AC1 0.8493305, Brennan-Prediger 0.835.
    # By hand: po = 89/100; margins A 13/27/60, B 13/24/63;
    # kappa pe = (13*13 + 27*24 + 60*63)/100^2 = 0.4597 -> (0.89-0.4597)/0.5403;
    # AC1 pi = .13/.255/.615, pe = (.1131 + .189975 + .236775)/2 = 0.269925
    # -> (0.89 - 0.269925)/0.730075; BP = PABAK(k=3) = (3*.89 - 1)/2.
    cats = ("ectopic", "aiu", "niu")
    pairs = pairs_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]], cats)
    assert percent_agreement(pairs) == pytest.approx(89.0)
    assert cohen_kappa(pairs, cats) == pytest.approx(0.7964094, abs=1e-7)
    assert gwet_ac1(pairs, cats) == pytest.approx(0.8493305, abs=1e-7)
    assert pabak(pairs, k=3) == pytest.approx(0.835)


def test_gwet_ac1_two_categories_hand_calculation() -> None:
    # The Wikipedia 2x2 table again. Rater A said yes 25 times, B 30 times:
    # pi_yes = 55/100, pi_no = 45/100, pe = (0.55*0.45 + 0.45*0.55)/(2-1) = 0.495,
    # AC1 = (0.7 - 0.495)/(1 - 0.495) = 0.405940...
    pairs = pairs_from_table([[20, 5], [10, 15]], ("yes", "no"))
    assert gwet_ac1(pairs, ("yes", "no")) == pytest.approx(0.205 / 0.505)


def test_high_prevalence_paradox_ac1_stays_high_when_kappa_collapses() -> None:
    # Screening reality: nearly everything excluded by both. 95 of 100 agree, but the
    # disagreements are all on the rare class, so kappa is 0 while AC1 and PABAK
    # reflect the 95 % agreement. This is why the report shows all three.
    pairs = [("exclude", "exclude")] * 95 + [("include", "exclude")] * 5
    assert cohen_kappa(pairs) == pytest.approx(0.0)
    assert gwet_ac1(pairs) is not None and gwet_ac1(pairs) > 0.9
    assert pabak(pairs) == pytest.approx((3 * 0.95 - 1) / 2)


def test_kappa_is_symmetric_in_the_two_raters() -> None:
    pairs = pairs_from_table([[5, 2, 1], [3, 9, 0], [1, 2, 4]], CATS)
    swapped = [(b, a) for a, b in pairs]
    assert cohen_kappa(pairs) == pytest.approx(cohen_kappa(swapped))
    assert gwet_ac1(pairs) == pytest.approx(gwet_ac1(swapped))


# --- degenerate cases ----------------------------------------------------------------


def test_empty_input_gives_none_everywhere() -> None:
    assert cohen_kappa([]) is None
    assert gwet_ac1([]) is None
    assert percent_agreement([]) is None
    assert pabak([]) is None
    assert fleiss_kappa([]) is None


def test_single_category_used_by_both_kappa_undefined_others_perfect() -> None:
    pairs = [("exclude", "exclude")] * 12
    assert cohen_kappa(pairs) is None
    assert percent_agreement(pairs) == 100.0
    assert pabak(pairs) == pytest.approx(1.0)
    assert gwet_ac1(pairs) == pytest.approx(1.0)
    assert fleiss_kappa([["exclude", "exclude", "exclude"]] * 4) is None


def test_perfect_agreement_over_two_categories_is_one() -> None:
    pairs = [("include", "include")] * 3 + [("exclude", "exclude")] * 7
    assert cohen_kappa(pairs) == pytest.approx(1.0)
    assert gwet_ac1(pairs) == pytest.approx(1.0)


def test_unknown_decision_is_rejected() -> None:
    with pytest.raises(ValueError, match="undecided"):
        cohen_kappa([("include", "undecided")])
    with pytest.raises(ValueError):
        gwet_ac1([("include", "exclude")], categories=("include",))


def test_choice_enum_values_are_accepted() -> None:
    pairs = [(Choice.INCLUDE, Choice.INCLUDE), (Choice.EXCLUDE, Choice.MAYBE)]
    assert cohen_kappa(pairs) == cohen_kappa([("include", "include"), ("exclude", "maybe")])


# --- Fleiss' kappa -------------------------------------------------------------------

# Fleiss (1971), Psychol Bull 76(5):378: 30 patients, 6 psychiatrists each, 5
# diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis,
# 5 other). Rater-by-rater layout as R's irr::diagnoses (copied into statsmodels'
# test_inter_rater.py). Published overall kappa 0.430; irr's kappam.fleiss: 0.4302445.
DIAGNOSES = [
    "444444", "222555", "233335", "555555", "222444", "113333", "333355", "113334",
    "114444", "555555", "144444", "124444", "222333", "144444", "224445", "333335",
    "111455", "111112", "224444", "133555", "555555", "244444", "224555", "114444",
    "144445", "222224", "111155", "224444", "133333", "555555",
]  # fmt: skip


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    table = [list(row) for row in DIAGNOSES]
    assert len(table) == 30 and all(len(r) == 6 for r in table)
    totals = [sum(r.count(str(c)) for r in table) for c in range(1, 6)]
    assert totals == [26, 26, 30, 55, 43]  # column sums given in statsmodels' test
    assert fleiss_kappa(table) == pytest.approx(0.4302445, abs=1e-7)
    assert round(fleiss_kappa(table) or 0, 3) == 0.430


def test_fleiss_wikipedia_example() -> None:
    # Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories,
    # kappa = 0.210.
    counts = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert fleiss_kappa(rows_from_counts(counts)) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_does_not_depend_on_rater_order_within_a_row() -> None:
    table = [list(row) for row in DIAGNOSES]
    shuffled = [list(reversed(r)) if i % 2 else r[3:] + r[:3] for i, r in enumerate(table)]
    assert fleiss_kappa(shuffled) == pytest.approx(fleiss_kappa(table))


def test_fleiss_rejects_ragged_rows_and_single_raters() -> None:
    with pytest.raises(ValueError, match="row 1"):
        fleiss_kappa([["include", "exclude"], ["include"]])
    with pytest.raises(ValueError):
        fleiss_kappa([["include"], ["exclude"]])


# --- PairAgreement -------------------------------------------------------------------


def test_pair_agreement_bundles_all_statistics() -> None:
    pairs = pairs_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]], CATS)
    result = pair_agreement(("ann", "bob"), "title_abstract", pairs)
    assert isinstance(result, PairAgreement)
    assert result.reviewers == ("ann", "bob")
    assert result.stage == "title_abstract"
    assert result.n == 100
    assert result.percent_agreement == pytest.approx(89.0)
    assert result.kappa == pytest.approx(cohen_kappa(pairs))
    assert result.pabak == pytest.approx((3 * 0.89 - 1) / 2)
    assert result.gwet_ac1 == pytest.approx(0.8493305, abs=1e-7)


def test_pair_agreement_with_no_common_records() -> None:
    result = pair_agreement(("ann", "bob"), "full_text", [])
    assert result.n == 0
    assert result.kappa is None and result.gwet_ac1 is None
    assert result.percent_agreement is None and result.pabak is None
