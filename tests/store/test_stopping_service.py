"""Stopping screening early on a real project file: the figures, the random sample, a stop
recorded and withdrawn, PRISMA's automation box and the exports."""

from __future__ import annotations

import csv
import json

import pytest

from screener.core.services.stopping_state import left_unscreened
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture()
def project(tmp_path):
    p = new_project(str(tmp_path / "review.screener"), reviewers=("ana",), per_record=1)
    add_batch(p, [make_record(i) for i in range(1, 41)])
    yield p
    p.close()


def decide(p, ids, decision, who="ana"):
    for rid in ids:
        p.screening.decide(rid, who, decision)


def test_figures_count_share_streak_and_relevant(project):
    decide(project, [1, 2], "include")
    decide(project, [3, 4, 5], "exclude")
    decide(project, [6], "include")
    decide(project, [7, 8, 9, 10], "exclude")
    f = project.stopping.figures("ana")
    assert (f.total, f.screened, f.relevant) == (40, 10, 3)
    assert f.share_screened == 0.25
    assert f.consecutive_irrelevant == 4
    assert f.streak_of == "ana"
    assert f.sample is None and f.stop is None
    assert f.ranked is not None and f.ranked.test.urn_size <= 40
    doc = f.to_json()
    json.dumps(doc)  # JSON-safe: NaN and infinities are None
    assert doc["consecutive_irrelevant"] == 4 and doc["total"] == 40


def test_the_sample_counts_from_its_first_record_without_gaps(project):
    decide(project, [1, 2], "include")
    decide(project, [3, 4], "exclude")
    drawn = project.stopping.draw_sample("ana", seed=7)
    assert drawn["urn_size"] == 36
    queue = project.stopping.sample_queue()
    assert sorted(queue) == list(range(5, 41))
    # the same seed gives the same order
    again = project.stopping.figures().sample
    assert again is not None and again.next_record_id == queue[0]
    # screening the sample's second record first counts for nothing yet
    decide(project, [queue[1]], "exclude")
    f = project.stopping.figures()
    assert f.sample.screened == 0
    decide(project, [queue[0]], "exclude")
    f = project.stopping.figures()
    assert (f.sample.screened, f.sample.relevant) == (2, 0)
    assert f.sample.next_record_id == queue[2]
    # all 36 screened, none relevant: the null (K >= 1 relevant among them) is impossible
    decide(project, queue[2:], "exclude")
    f = project.stopping.figures()
    assert f.sample.screened == 36 and f.sample.test.stop and f.sample.test.p_value == 0.0


def test_a_stop_is_recorded_counted_in_prisma_exported_and_withdrawn(project, tmp_path):
    decide(project, [1, 2], "include")
    decide(project, range(3, 21), "exclude")
    before = project.prisma.counts()
    assert before["pending"]["title_abstract"] == 20 and before["excluded_automatic"] == 0
    with pytest.raises(ScreenerError, match="does not say stop"):
        project.stopping.stop("ana", "sample")
    stop = project.stopping.stop("ana", "judgement", note="budget spent")
    assert stop.left == 20 and stop.decided_by == "ana" and stop.method == "judgement"
    assert stop.figures["screened"] == 20 and stop.figures["relevant"] == 2
    with pytest.raises(ScreenerError, match="already been stopped"):
        project.stopping.stop("ana", "judgement")
    after = project.prisma.counts()
    assert after["excluded_automatic"] == 20
    assert after["pending"]["title_abstract"] == 0
    assert after["records_screened"] == before["records_screened"]
    assert after["stopped"]["method"] == "judgement"
    # nothing is hidden: the records are still there, and still in the export, marked
    out = tmp_path / "all.csv"
    project.export.export("all", "csv", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 40
    marked = [r for r in rows if r["ta_automation"]]
    assert len(marked) == 20 and all("ineligible by automation" in r["ta_automation"] for r in marked)
    # one of them screened anyway leaves the automation box for records screened
    decide(project, [21], "include")
    later = project.prisma.counts()
    assert later["excluded_automatic"] == 19 and later["records_screened"] == 21
    # withdrawn: back to pending, and both rows stay in the history
    project.stopping.withdraw("ana", note="reviewer 2 joined")
    back = project.prisma.counts()
    assert back["excluded_automatic"] == 0 and back["pending"]["title_abstract"] == 19
    history = project.stopping.decisions()
    assert [h.action for h in history] == ["stop", "withdraw"]
    assert history[1].withdraws_id == history[0].stop_id
    with project.stopping.reading() as s:
        assert left_unscreened(s) == set()


def test_only_a_resolver_may_stop_when_the_project_has_one(tmp_path):
    p = new_project(str(tmp_path / "team.screener"), reviewers=("ana", "ben"), per_record=1)
    p.settings.add_reviewer("carla", role="resolver")
    add_batch(p, [make_record(i) for i in range(1, 6)])
    with pytest.raises(ScreenerError, match="resolver role"):
        p.stopping.stop("ana", "judgement")
    assert p.stopping.stop("carla", "judgement").left == 5
    with pytest.raises(ScreenerError, match="resolver role"):
        p.stopping.withdraw("ben")
    p.close()


def test_in_a_dual_review_a_stop_leaves_records_one_reviewer_decided_with_their_decision(tmp_path):
    p = new_project(str(tmp_path / "dual.screener"), reviewers=("ana", "ben"), per_record=2)
    add_batch(p, [make_record(i) for i in range(1, 11)])
    for rid in (1, 2):
        p.screening.decide(rid, "ana", "exclude")
        p.screening.decide(rid, "ben", "exclude")
    p.screening.decide(3, "ana", "include")
    p.screening.decide(3, "ben", "exclude")  # a conflict: it needs resolving, not a stop
    p.screening.decide(4, "ana", "exclude")  # ben has not seen it
    stop = p.stopping.stop("ana", "judgement")
    assert stop.left == 7 and stop.figures["partly_screened"] == 1
    assert p.prisma.counts()["excluded_automatic"] == 7
    assert [d.reviewer for d in p.screening.decisions_of(4)] == ["ana"]  # nothing deleted
    p.close()
