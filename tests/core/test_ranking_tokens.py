"""Word normalisation before hashing (``core.ranking_tokens``, ``ranking_features.STEM``):
a plural and its singular share a column, words that only look plural are kept, and a
feature cache made under another normalisation is rebuilt rather than believed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from screener.core import ranking_cache as rc
from screener.core import ranking_features as rf
from screener.core import ranking_tokens as rt
from screener.core.ranking import Ranker
from screener.core.ranking_tokens import Normaliser

IDENTITY = "sqlite:/reviews/tokens.screener"


def test_plural_and_singular_share_a_column_and_look_alike_words_are_kept() -> None:
    words = Normaliser("s")("Patients' TRIALS of the class, virus status and analysis").split()
    assert words == ["patient'", "trial", "of", "the", "class,", "virus", "status",
                     "and", "analysi"]
    assert Normaliser("ies+s")("Studies and study") == "study and study"
    assert Normaliser("num")("12.5 mg in 2019, 3,000 people") == "0 mg in 0, 0 people"
    assert Normaliser("s")("Éléphants") == "elephant"  # accents stripped, as without it


def test_an_unknown_mode_is_refused_with_the_known_ones_named() -> None:
    with pytest.raises(ValueError, match="known: s, ies, num"):
        Normaliser("porter")
    with pytest.raises(ValueError):
        Normaliser("")


def test_with_stemming_a_record_about_patients_matches_one_about_a_patient(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["outcomes of patients after stroke", "outcome of a patient after a stroke",
             "coral reef surveys", "tax policy reforms"] * 3

    def similarity() -> float:
        every = rf.RankingFeatures(texts).rows(np.arange(len(texts)))
        return float((every[0] @ every[1].T).toarray()[0, 0])

    monkeypatch.setattr(rf, "STEM", None)
    as_written = similarity()  # "of", "after", "stroke" and "after stroke" shared
    monkeypatch.setattr(rf, "STEM", "s")
    assert similarity() > as_written + 0.2  # "outcome", "patient" and "outcome of" as well


def test_the_cache_key_names_the_normalisation_and_is_stable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"trials of drug {i % 5} in patients with condition {i % 7}" for i in range(40)]
    ids = np.arange(1, len(texts) + 1)
    sigs = np.arange(len(texts), dtype=np.uint64)

    def build() -> rc.ProjectFeatures:
        out = None
        for item in rc.sync(None, ids, sigs, lambda part: iter([(part, [texts[i - 1] for i in part])])):
            if isinstance(item, rc.ProjectFeatures):
                out = item
        assert out is not None
        return out

    monkeypatch.setattr(rf, "STEM", None)
    plain = rc.features_version()
    monkeypatch.setattr(rf, "STEM", "s")
    stemmed = rc.features_version()
    assert stemmed != plain and rc.features_version() == stemmed  # no object address in it
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, build())
    back = rc.load(path, IDENTITY)
    labels = {0: 1, 1: 0, 2: 0}
    assert Ranker.from_features(back.features).rank(labels) == Ranker(texts).rank(labels)
    monkeypatch.setattr(rf, "STEM", "ies+s")
    with pytest.raises(rc.Stale, match="other feature parameters"):
        rc.load(path, IDENTITY)
    monkeypatch.setattr(rf, "STEM", None)
    with pytest.raises(rc.Stale, match="other feature parameters"):
        rc.load(path, IDENTITY)


def test_editing_a_rule_changes_the_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key names the rules' patterns, not only the mode: a feature cache made before a
    rule was edited is rebuilt rather than believed."""
    monkeypatch.setattr(rf, "STEM", "s")
    before = rc.features_version()
    edited = tuple((mode, re.compile(r"(?<=[a-z]{2})(?<![su])s\b") if mode == "s" else pattern, into)
                   for mode, pattern, into in rt._RULES)
    monkeypatch.setattr(rt, "_RULES", edited)
    assert Normaliser("s")("bras") == "bra"  # the edited rule is the one applied
    assert rc.features_version() != before
