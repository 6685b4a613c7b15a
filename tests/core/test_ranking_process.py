"""The ranking process: it holds a project's features across retrains, keeps them in a cache
file that survives a restart, updates them on import instead of rebuilding them, never
believes a tampered cache, can be cancelled while it builds (keeping what it built), works the
same when the window sends the texts (a server project), and a process that dies is said in
words and started afresh."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.core.project import Project
from screener.core.ranking_cache import cache_path
from screener.core.ranking_process import RankingProcess
from screener.core.services.queue_order import QueueOrderService
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project

TEXTS = [
    "peer support workers in mental health services recovery",
    "peer support workers recovery oriented mental health care",
    "cost effectiveness of hip replacement surgery in older adults",
    "mental health peer workers and recovery in community services",
    "surgery outcomes for knee replacement and hip fractures",
    "randomised trial of knee surgery rehabilitation",
]


def prepare(process: RankingProcess, project: Project, by_window: bool = False) -> int:
    """Prepare the features (the process reads the file, or the window sends the texts, as for a
    server project); returns how many records the process vectorised from their text."""
    before = process.built
    for _ in process.prepare(project.queue_order, None if by_window else project.target):
        pass
    return process.built - before


@pytest.fixture
def process() -> Iterator[RankingProcess]:
    p = RankingProcess()
    yield p
    p.close()


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = new_project(str(tmp_path / "review.screener"))
    add_batch(p, [make_record(i, title=t, abstract="") for i, t in enumerate(TEXTS, 1)])
    yield p
    p.close()


def test_features_are_built_once_and_reused_by_every_retrain(process: RankingProcess, project: Project) -> None:
    assert prepare(process, project) == 6
    assert process.missing(range(1, 7)) == []
    first = process.order({1: 1, 3: 0}, [2, 4, 5, 6])
    assert set(first[:2]) == {2, 4}
    for labels in ({1: 1, 3: 0, 5: 0}, {1: 1, 2: 1, 3: 0}, {1: 1, 3: 0}):
        process.order(labels, [i for i in range(1, 7) if i not in labels])
    assert prepare(process, project) == 0  # nothing new: nothing built
    assert process.built == 6
    assert process.order({1: 1, 3: 0}, [2, 4, 5, 6]) == first


def test_the_cache_survives_a_restart_and_is_updated_not_rebuilt_on_import(
        process: RankingProcess, project: Project, tmp_path: Path) -> None:
    prepare(process, project)
    before = process.order({1: 1, 3: 0}, [2, 4, 5, 6])
    process.close()
    assert cache_path(project.queue_order.identity()).is_file()
    assert prepare(process, project) == 0  # a new process reads the cache file
    assert process.order({1: 1, 3: 0}, [2, 4, 5, 6]) == before
    (tmp_path / "more.ris").write_text("another export\n", encoding="utf-8")
    add_batch(project, [make_record(i, title=t, abstract="") for i, t in enumerate(
        ["peer workers support recovery in mental health", "hip surgery in older adults"], 1)],
        file_name="more.ris")
    assert sorted(process.missing(range(1, 9))) == [7, 8]
    assert prepare(process, project) == 2  # only the imported records
    order = process.order({1: 1, 3: 0}, [2, 4, 5, 6, 7, 8])
    assert set(order[:3]) == {2, 4, 7}
    process.close()
    assert prepare(process, project) == 0  # the updated cache was saved
    assert process.order({1: 1, 3: 0}, [2, 4, 5, 6, 7, 8]) == order


def test_a_tampered_cache_is_rebuilt_never_believed(process: RankingProcess, project: Project) -> None:
    prepare(process, project)
    expected = process.order({1: 1, 3: 0}, [2, 4, 5, 6])
    process.close()
    path = cache_path(project.queue_order.identity())
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01  # a term count (truncated and other damage: tests/core/test_ranking_cache.py)
    path.write_bytes(bytes(data))
    assert prepare(process, project) == 6
    assert process.order({1: 1, 3: 0}, [2, 4, 5, 6]) == expected
    process.close()
    assert prepare(process, project) == 0  # and saved again, whole


def test_records_that_leave_are_dropped_and_a_reused_id_is_noticed(
        process: RankingProcess, project: Project, tmp_path: Path) -> None:
    prepare(process, project)
    (tmp_path / "second.ris").write_text("second export\n", encoding="utf-8")
    batch = add_batch(project, [make_record(1, title="knee surgery trial", abstract="")], file_name="second.ris")
    assert prepare(process, project) == 1
    project.imports.delete_batch(batch)  # record 7 goes; its id may be given to the next import
    (tmp_path / "third.ris").write_text("third export, other records\n", encoding="utf-8")
    add_batch(project, [make_record(1, title="peer support in mental health recovery", abstract="")],
              file_name="third.ris")
    assert prepare(process, project) == 1  # the new record 7 (or 8) is built; the rest kept
    new_id = max(project.queue_order.feature_ids())
    order = process.order({1: 1, 3: 0}, [2, 4, 5, 6, new_id])
    assert set(order[:3]) == {2, 4, new_id}


def test_cancelling_keeps_what_was_built_and_the_next_prepare_goes_on(
        process: RankingProcess, tmp_path: Path) -> None:
    project = new_project(str(tmp_path / "big.screener"))
    add_batch(project, [make_record(i, title=f"{TEXTS[i % 6]} {i}") for i in range(1, 61)])

    class SmallParts(QueueOrderService):  # the same service, reading 10 records at a time
        def texts(self, ids, chunk=10):  # type: ignore[no-untyped-def]
            return super().texts(ids, chunk)

    service = SmallParts(project.store)
    work = process.prepare(service, None)
    seen = [next(work) for _ in range(3)]
    assert seen[-1].done == 20 and seen[-1].total == 60
    work.close()  # what the window's Cancel does
    assert not process.prepared
    before = process.built
    for _ in process.prepare(service, None):
        pass
    assert 0 < process.built - before <= 40  # only the rest was built
    assert process.order({1: 1, 3: 0}, [2, 4])
    project.close()


def test_a_server_projects_texts_sent_by_the_window(process: RankingProcess, postgres) -> None:  # type: ignore[no-untyped-def]
    project = new_project(postgres.new_database())
    try:
        add_batch(project, [make_record(i, title=t, abstract="") for i, t in enumerate(TEXTS, 1)],
                  tmp=Path(os.environ["HOME"]))
        assert prepare(process, project, by_window=True) == 6
        assert set(process.order({1: 1, 3: 0}, [2, 4, 5, 6])[:2]) == {2, 4}
        process.close()
        assert prepare(process, project, by_window=True) == 0  # cached on this machine
        assert set(process.order({1: 1, 3: 0}, [2, 4, 5, 6])[:2]) == {2, 4}
    finally:
        project.close()


def test_a_process_that_dies_is_said_in_words_and_the_next_call_starts_another(
        process: RankingProcess, project: Project) -> None:
    prepare(process, project)
    process.order({1: 1, 3: 0}, [2, 5])
    pid = process._process.pid
    os.kill(pid, signal.SIGKILL)
    process._process.join(10)
    with pytest.raises(ScreenerError, match="the ranking process stopped"):
        process.order({1: 1, 3: 0}, [2, 5])
    assert process.missing([1, 2]) == [1, 2]  # a new process holds nothing yet
    assert prepare(process, project) == 0  # the cache file
    assert process._process.pid != pid
    assert set(process.order({1: 1, 3: 0}, [2, 5, 4])[:2]) == {2, 4}
