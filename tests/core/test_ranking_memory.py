"""What keeps the ranking process's memory down: term counts held in 3 bytes per term and
given back whole; a cache file whose header claims more than the file holds is refused
before anything is allocated; an old-format file is rebuilt; freed memory goes back to
the system."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from screener.core import ranking_cache as rc
from screener.core import ranking_features as rf
from screener.core.ranking_blocks import MAX_COLUMNS, Block
from screener.core.ranking_process import _libc

IDENTITY = "sqlite:/reviews/peer.screener"
TEXTS = [f"peer support trial {i} in community mental health, outcome {i % 7} and cost {i % 3}"
         for i in range(300)]


def counts_with_every_column_range(columns: int = rf.N_FEATURES) -> sparse.csr_matrix:
    rng = np.random.default_rng(3)
    m = sparse.random(40, columns, density=min(0.5, 500 / columns), format="csr", random_state=rng)
    m.data = rng.integers(1, 256, m.nnz).astype(np.float64)
    m.data[::3] = rng.integers(1, 15, len(m.data[::3]))  # most counts small, as in abstracts
    m = sparse.lil_matrix(m)
    m[0, 0] = 255  # the first and the last column, either side of 2**16, the marker's count
    m[1, columns - 1] = 1
    m[2, min(columns - 1, (1 << 16) - 1)] = 14
    m[3, min(columns - 1, 1 << 16)] = 15
    return sparse.csr_matrix(m, dtype=np.uint8)


@pytest.mark.parametrize("columns", [rf.N_FEATURES, 1000, 1 << 16, 1 << 22, MAX_COLUMNS])
def test_a_block_gives_back_exactly_the_counts_it_was_given_in_3_bytes_per_term(columns: int) -> None:
    counts = counts_with_every_column_range(columns)
    block = Block.of(counts)
    back = block.csr()
    assert back.shape == counts.shape and back.dtype == np.uint8
    assert (back != counts).nnz == 0
    assert (back.indices == counts.indices).all() and (back.indptr == counts.indptr).all()
    assert block.lo.nbytes + block.packed.nbytes == 3 * counts.nnz
    if columns == rf.N_FEATURES:  # counts from 15 up kept apart, 5 bytes each
        assert len(block.over) == int((counts.data >= 15).sum())
    local = np.array([5, 0, 39, 5, 17, 2, 3, 1])  # any rows, in any order, repeated
    assert (block.rows(local) != counts[local]).nnz == 0
    assert block.rows(np.zeros(0, dtype=np.int64)).shape == (0, columns)


def test_a_block_refuses_more_columns_than_3_bytes_hold() -> None:
    with pytest.raises(ValueError, match="at most"):
        Block.of(sparse.csr_matrix((1, MAX_COLUMNS + 1), dtype=np.uint8))


def test_features_held_in_blocks_score_as_the_whole_matrix_does() -> None:
    features = rf.RankingFeatures(TEXTS)
    m = features.matrix()
    assert m.nnz == features.nnz > 0
    assert sum(b.lo.nbytes + b.packed.nbytes for b in features.blocks) == 3 * features.nnz
    w = np.random.default_rng(1).standard_normal(rf.N_FEATURES).astype(np.float32)
    tf = sparse.csr_matrix((rf._SUBLINEAR[m.data], m.indices, m.indptr), shape=m.shape)
    expected = (tf @ (features.idf * w)) / np.where(features.norms > 0, features.norms, 1)
    assert np.allclose(features.dot(w), np.where(features.norms > 0, expected, 0), atol=1e-5)


def saved(tmp_path: Path) -> Path:
    pf = rc.ProjectFeatures(np.arange(1, len(TEXTS) + 1, dtype=np.int64),
                            np.arange(len(TEXTS), dtype=np.uint64), rf.RankingFeatures(TEXTS))
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, pf)
    return path


def with_header(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the file's header through ``change`` (its length updated; checksum left as is)."""
    data = path.read_bytes()
    start = len(rc.MAGIC) + 8
    size = int.from_bytes(data[len(rc.MAGIC):start], "little")
    header = json.loads(data[start:start + size])
    change(header)
    head = json.dumps(header, sort_keys=True).encode()
    path.write_bytes(rc.MAGIC + len(head).to_bytes(8, "little") + head + data[start + size:])


@pytest.mark.parametrize("claim", ["rows", "nnz", "negative"])
def test_a_header_claiming_more_than_the_file_holds_is_refused_before_reading(tmp_path: Path, claim: str) -> None:
    path = saved(tmp_path)

    def change(header: dict) -> None:  # type: ignore[type-arg]
        if claim == "rows":
            header["rows"] = 10**15
        elif claim == "nnz":
            header["blocks"][0][1] = 10**15
        else:
            header["blocks"][0][1] = -5

    with_header(path, change)
    with pytest.raises(rc.Stale, match="truncated|damaged"):
        rc.load(path, IDENTITY)


def test_a_cache_file_in_the_old_format_is_not_believed_and_is_rebuilt(tmp_path: Path) -> None:
    path = saved(tmp_path)
    assert rc.load(path, IDENTITY).n == len(TEXTS)  # whole, it is believed
    with_header(path, lambda header: header.update(format=1))
    with pytest.raises(rc.Stale, match="another format"):
        rc.load(path, IDENTITY)
    read: list[int] = []

    def read_texts(ids: list[int]):  # type: ignore[no-untyped-def]
        read.extend(ids)
        yield ids, [TEXTS[i - 1] for i in ids]

    out = None
    for item in rc.prepared(path, IDENTITY, np.arange(1, len(TEXTS) + 1, dtype=np.int64),
                            np.arange(len(TEXTS), dtype=np.uint64), read_texts):
        if isinstance(item, rc.ProjectFeatures):
            out = item
    assert out is not None and out.built == len(TEXTS) and len(read) == len(TEXTS)
    assert rc.load(path, IDENTITY).n == len(TEXTS)  # saved again, in this format


FREED = textwrap.dedent("""
    import sys
    from pathlib import Path
    import numpy as np
    from screener.core.ranking_process import lean_memory

    def rss():
        return [int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines()
                if l.startswith("VmRSS:")][0] / 1024

    if sys.argv[1] == "lean":
        lean_memory()
    np.ones(24_000_000, dtype=np.uint8)  # a large temporary, freed
    before = rss()
    # temporaries of 10 MB or so, freed one by one while objects made between them live on,
    # as a training's temporaries are
    kept, big = [], []
    for i in range(30):
        big.append(np.ones(10_000_000 + 100_000 * i, dtype=np.uint8))
        kept.append(bytes(100_000 + i))  # 3 MB in all, still held at the end
        if len(big) > 3:
            big.pop(0)
    big.clear()
    print(rss() - before)
""")


def test_memory_freed_by_the_ranking_process_goes_back_to_the_system_at_once() -> None:
    if not sys.platform.startswith("linux"):
        assert _libc() is None  # elsewhere the system's allocator is left as it is
        return
    # MB still held once the temporaries are freed: the 3 MB kept (glibc's default holds 100 more)
    grown = {how: float(subprocess.run([sys.executable, "-c", FREED, how], check=True, capture_output=True,
                                       text=True).stdout) for how in ("lean", "default")}
    assert grown["lean"] < 5, grown


def test_large_counts_kept_apart_are_saved_read_back_and_checked(tmp_path: Path) -> None:
    texts = [("trial " * (10 + i)) + f"peer support {i}" for i in range(30)]  # "trial" 10 to 39 times
    pf = rc.ProjectFeatures(np.arange(1, 31, dtype=np.int64), np.arange(30, dtype=np.uint64),
                            rf.RankingFeatures(texts))
    assert sum(len(b.over) for b in pf.features.blocks) > 0
    path = tmp_path / "cache.features"
    rc.save(path, IDENTITY, pf)
    loaded = rc.load(path, IDENTITY)
    assert (loaded.features.matrix() != pf.features.matrix()).nnz == 0
    assert loaded.features.matrix().max() == 39
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x10  # the last large count
    path.write_bytes(bytes(data))
    with pytest.raises(rc.Stale, match="damaged|checksum"):
        rc.load(path, IDENTITY)
    data[-1] ^= 0x10
    data[-2 - 4 * 20] ^= 0x01  # somewhere in the places of the large counts
    path.write_bytes(bytes(data))
    with pytest.raises(rc.Stale, match="damaged|checksum"):
        rc.load(path, IDENTITY)


def test_training_rows_come_in_the_classifiers_type_so_it_takes_them_without_a_copy() -> None:
    from sklearn.utils import check_array

    features = rf.RankingFeatures(TEXTS)
    x = features.rows([5, 1, 200, 7])
    assert x.dtype == np.float64 and x.shape == (4, rf.N_FEATURES)
    assert check_array(x, accept_sparse="csr", dtype=np.float64).data is x.data
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    # still the normalised TF-IDF rows (a row whose terms all weigh nothing stays empty)
    assert np.allclose(norms, features.norms[[5, 1, 200, 7]] > 0, atol=1e-6) and norms.sum() >= 3
