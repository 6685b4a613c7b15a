"""The ranking process: texts sent to it (as on a server project) or read by it from a project
file, orders by record id, and a process that dies is said in words and started afresh."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from screener.core.ranking_process import RankingProcess
from screener.core.services.queue_order import rank_ids
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project

TEXTS = {
    10: "peer support workers in mental health services recovery",
    20: "peer support workers recovery oriented mental health care",
    30: "cost effectiveness of hip replacement surgery in older adults",
    40: "mental health peer workers and recovery in community services",
    50: "surgery outcomes for knee replacement and hip fractures",
    60: "randomised trial of knee surgery rehabilitation",
}


@pytest.fixture
def process():  # type: ignore[no-untyped-def]
    p = RankingProcess()
    yield p
    p.close()


def test_texts_sent_to_it_rank_the_candidates_by_record_id(process: RankingProcess) -> None:
    ids = sorted(TEXTS)
    assert process.missing(ids) == ids
    process.add_texts(ids, [TEXTS[i] for i in ids])
    assert process.missing([*ids, 70]) == [70]
    order = process.order({10: 1, 30: 0}, [20, 40, 50, 60])
    assert sorted(order) == [20, 40, 50, 60] and set(order[:2]) == {20, 40}
    from screener.core.ranking import Ranker

    assert order == rank_ids(Ranker([TEXTS[i] for i in ids]), ids, {10: 1, 30: 0}, [20, 40, 50, 60])


def test_a_process_that_dies_is_said_in_words_and_the_next_call_starts_another(process: RankingProcess) -> None:
    ids = sorted(TEXTS)
    process.add_texts(ids, [TEXTS[i] for i in ids])
    process.order({10: 1, 30: 0}, [20, 50])
    pid = process._process.pid
    os.kill(pid, signal.SIGKILL)
    process._process.join(10)
    with pytest.raises(ScreenerError, match="the ranking process stopped"):
        process.order({10: 1, 30: 0}, [20, 50])
    assert process.missing(ids) == ids  # a new process knows no texts yet
    process.add_texts(ids, [TEXTS[i] for i in ids])
    assert process._process.pid != pid
    assert set(process.order({10: 1, 30: 0}, [20, 50, 40])[:2]) == {20, 40}


def test_it_reads_a_project_files_texts_itself(process: RankingProcess, tmp_path: Path) -> None:
    project = new_project(str(tmp_path / "review.screener"))
    add_batch(project, [make_record(i, title=t, abstract="") for i, t in enumerate(TEXTS.values(), 1)])
    project.close()
    assert process.read_texts(str(tmp_path / "review.screener")) == 6
    assert process.missing(range(1, 7)) == []
    order = process.order({1: 1, 3: 0}, [2, 4, 5, 6])
    assert set(order[:2]) == {2, 4}
