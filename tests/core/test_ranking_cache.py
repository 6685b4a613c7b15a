"""The feature cache: features updated record by record equal features built at once; a cache
file is believed only when whole, unchanged, for this project and these feature parameters."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from screener.core import ranking_cache as rc
from screener.core import ranking_features as rf
from screener.core.ranking import Ranker, record_text

IDENTITY = "sqlite:/reviews/peer.screener"
SAMPLE = Path(__file__).parent.parent / "data" / "csv" / "Kitchenham_2010_sample400.csv"


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[int]]:
    with open(SAMPLE, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    return [record_text(r["title"], r["abstract"]) for r in rows], [int(r["label_included"]) for r in rows]


def texts_of(texts: list[str]):  # type: ignore[no-untyped-def]
    """A ``read_texts`` over record ids 1..n (text i-1), counting what it reads."""
    read: list[int] = []

    def read_texts(ids: list[int]):  # type: ignore[no-untyped-def]
        read.extend(ids)
        for start in range(0, len(ids), 40):
            part = ids[start:start + 40]
            yield part, [texts[i - 1] for i in part]

    return read_texts, read


def synced(pf, ids, sigs, read_texts):  # type: ignore[no-untyped-def]
    out = pf
    for item in rc.sync(pf, np.asarray(ids), np.asarray(sigs, dtype=np.uint64), read_texts):
        if isinstance(item, rc.ProjectFeatures):
            out = item
    return out


def same(a: rc.ProjectFeatures, b: rc.ProjectFeatures) -> None:
    order_a, order_b = np.argsort(a.ids), np.argsort(b.ids)
    assert (a.ids[order_a] == b.ids[order_b]).all()
    assert (a.features.matrix()[order_a] != b.features.matrix()[order_b]).nnz == 0
    assert np.allclose(a.features.idf, b.features.idf)
    assert np.allclose(a.features.norms[order_a], b.features.norms[order_b])


def test_import_appends_rows_and_removal_drops_them_as_a_rebuild_would(sample) -> None:  # type: ignore[no-untyped-def]
    texts, _ = sample
    texts = texts[:300]
    sigs = np.arange(1, 301, dtype=np.uint64) * 7
    read_texts, read = texts_of(texts)
    grown = synced(None, range(1, 201), sigs[:200], read_texts)
    assert read == list(range(1, 201))
    grown = synced(grown, range(1, 301), sigs, read_texts)
    assert read[200:] == list(range(201, 301))  # only the imported records are read
    same(grown, synced(None, range(1, 301), sigs, texts_of(texts)[0]))
    # records 50-99 leave (duplicates) and record 7's id now names another record
    keep = [i for i in range(1, 301) if not 50 <= i < 100]
    sigs2 = sigs.copy()
    sigs2[6] = 999
    read.clear()
    shrunk = synced(grown, keep, sigs2[np.asarray(keep) - 1], read_texts)
    assert read == [7]
    same(shrunk, synced(None, keep, sigs2[np.asarray(keep) - 1], texts_of(texts)[0]))
    labels = {shrunk.index()[1]: 1, shrunk.index()[3]: 0}
    assert Ranker.from_features(shrunk.features).rank(labels)


def test_a_cache_file_is_read_back_whole(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts, _ = sample
    pf = synced(None, range(1, 101), np.arange(100, dtype=np.uint64), texts_of(texts)[0])
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, pf)
    loaded = rc.load(path, IDENTITY)
    same(loaded, pf)
    assert (loaded.signatures == pf.signatures).all() and loaded.built == 0


@pytest.mark.parametrize(("damage", "why"), [
    ("flip a count", "checksum"),
    ("flip an id", "checksum"),
    ("truncate", "truncated"),
    ("append", "more data"),
    ("garbage", "not a feature cache"),
    ("empty", "not a feature cache"),
    ("header", "damaged"),
])
def test_a_damaged_or_edited_cache_file_is_not_believed(sample, tmp_path: Path, damage: str, why: str) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    texts, _ = sample
    pf = synced(None, range(1, 51), np.arange(50, dtype=np.uint64), texts_of(texts)[0])
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, pf)
    data = bytearray(path.read_bytes())
    head = len(rc.MAGIC) + 8 + int.from_bytes(data[len(rc.MAGIC):len(rc.MAGIC) + 8], "little") + 32
    if damage == "flip a count":
        data[-1] ^= 0x02
    elif damage == "flip an id":
        data[head] ^= 0x01
    elif damage == "truncate":
        data = data[:-100]
    elif damage == "append":
        data += b"\x00\x01"
    elif damage == "garbage":
        data = bytearray(b"PK\x03\x04 not ours" * 10)
    elif damage == "empty":
        data = bytearray()
    else:
        data[len(rc.MAGIC) + 8] = ord("[")
    path.write_bytes(bytes(data))
    with pytest.raises(rc.Stale, match=why):
        rc.load(path, IDENTITY)


def test_a_cache_for_another_project_or_other_feature_parameters_is_not_used(
        sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    texts, _ = sample
    pf = synced(None, range(1, 21), np.arange(20, dtype=np.uint64), texts_of(texts)[0])
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, pf)
    with pytest.raises(rc.Stale, match="another project"):
        rc.load(path, "sqlite:/reviews/other.screener")
    monkeypatch.setattr(rf, "FEATURES_VERSION", rf.FEATURES_VERSION + 1)
    with pytest.raises(rc.Stale, match="other feature parameters"):
        rc.load(path, IDENTITY)
    monkeypatch.undo()
    monkeypatch.setattr(rf, "NGRAMS", (1, 3))
    with pytest.raises(rc.Stale, match="other feature parameters"):
        rc.load(path, IDENTITY)
    with pytest.raises(rc.Stale, match="no cache yet"):
        rc.load(tmp_path / "missing.features", IDENTITY)


def test_a_record_signature_follows_its_source_file_and_place() -> None:
    a = rc.signatures(["ab" * 32, "ab" * 32, "cd" * 32], [1, 2, 1])
    assert len(set(a.tolist())) == 3
    assert (rc.signatures(["ab" * 32], [2]) == a[1]).all()


def test_caches_of_projects_not_ranked_for_long_are_removed_when_another_is_saved(
        sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    texts, _ = sample
    pf = synced(None, range(1, 11), np.arange(10, dtype=np.uint64), texts_of(texts)[0])
    old, recent, leftover = tmp_path / "old.features", tmp_path / "recent.features", tmp_path / "x.features1.tmp"
    for path in (old, recent):
        rc.save(path, IDENTITY, pf)
    leftover.write_bytes(b"half a file")
    long_ago = time.time() - (rc.KEEP_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    os.utime(leftover, (long_ago, long_ago))
    rc.load(recent, IDENTITY)  # used: its time is now
    rc.save(tmp_path / "mine.features", IDENTITY, pf)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.features", "recent.features"]


def test_without_a_writable_cache_folder_the_features_are_still_prepared(
        sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts, _ = sample
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    out = list(rc.prepared(blocked / "cache.features", IDENTITY, np.arange(1, 31),
                           np.arange(30, dtype=np.uint64), texts_of(texts)[0]))
    assert isinstance(out[-1], rc.ProjectFeatures) and out[-1].n == 30


@pytest.mark.parametrize("edit", ["rows", "blocks"])
def test_a_header_with_infinity_is_refused_and_the_cache_rebuilt(sample, tmp_path: Path, edit: str) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    import json
    texts, _ = sample
    sigs = np.arange(30, dtype=np.uint64)
    pf = synced(None, range(1, 31), sigs, texts_of(texts)[0])
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, pf)
    data = path.read_bytes()
    start = len(rc.MAGIC)
    size = int.from_bytes(data[start:start + 8], "little")
    header = json.loads(data[start + 8:start + 8 + size])
    if edit == "rows":
        header["rows"] = float("inf")
    else:
        header["blocks"] = [[float("inf"), 0, 0]] + header["blocks"][1:]
    head = json.dumps(header, sort_keys=True).encode()
    assert b"Infinity" in head
    path.write_bytes(rc.MAGIC + len(head).to_bytes(8, "little") + head + data[start + 8 + size:])
    with pytest.raises(rc.Stale, match="damaged"):
        rc.load(path, IDENTITY)
    # preparing the ranking does not fail: the features are rebuilt and the cache rewritten
    read_texts, read = texts_of(texts)
    items = list(rc.prepared(path, IDENTITY, np.arange(1, 31), sigs, read_texts))
    assert isinstance(items[-1], rc.ProjectFeatures) and items[-1].n == 30
    assert read == list(range(1, 31))
    same(rc.load(path, IDENTITY), pf)
