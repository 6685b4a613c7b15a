"""The scripting contract for stopping: ``stopping`` (figures, sample), ``stop`` (record and
withdraw), PRISMA's automation box afterwards, and ``simulate --json``'s stopping fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screener.core.stopping_sim import simulate_stopping
from tests.cli.test_cli_contract import run, run_json

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "review.screener"
    assert run(capsys, "new", path, "--title", "Stopping")[0] == 0
    assert run(capsys, "reviewer", "add", path, "ana")[0] == 0
    text = (DATA / "ris" / "lens_baseline__asreview.ris").read_text(encoding="utf-8-sig")
    records = [r for r in re.split(r"(?m)^ER  -.*$", text) if r.strip()][:30]
    first = tmp_path / "first.ris"
    first.write_text("".join(r.strip("\r\n") + "\r\nER  - \r\n\r\n" for r in records), encoding="utf-8")
    run_json(capsys, "import", path, first, "--source", "Lens")
    return path


def test_stopping_figures_sample_and_a_recorded_stop(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "decide", project, "1", "include", "--reviewer", "ana")[0] == 0
    for rid in range(2, 8):
        assert run(capsys, "decide", project, str(rid), "exclude", "--reviewer", "ana")[0] == 0
    f = run_json(capsys, "stopping", project, "--reviewer", "ana")
    assert (f["total"], f["screened"], f["relevant"], f["consecutive_irrelevant"]) == (30, 7, 1, 6)
    assert f["share_screened"] == pytest.approx(7 / 30)
    assert f["sample"] is None and f["stop"] is None
    assert set(f["ranked"]["test"]) >= {"p_value", "k_target", "remaining_upper", "stop"}
    code, out, _ = run(capsys, "stopping", project)
    assert code == 0 and "Callaghan" in out and "Hypergeometric" not in out
    drawn = run_json(capsys, "stopping", project, "--draw-sample", "--reviewer", "ana", "--seed", "4")
    assert drawn["urn_size"] == 23
    queue = run_json(capsys, "stopping", project, "--sample-queue")
    assert sorted(queue) == list(range(8, 31))
    for rid in queue[:5]:
        run(capsys, "decide", project, str(rid), "exclude", "--reviewer", "ana")
    f = run_json(capsys, "stopping", project)
    assert (f["sample"]["screened"], f["sample"]["relevant"]) == (5, 0)
    assert f["sample"]["next_record_id"] == queue[5]
    # the sample's test does not say stop yet: a stop resting on it is refused, nothing changes
    code, _, err = run(capsys, "stop", project, "--reviewer", "ana", "--method", "sample")
    assert code == 1 and "does not say stop" in err
    assert run_json(capsys, "prisma", project)["excluded_automatic"] == 0
    done = run_json(capsys, "stop", project, "--reviewer", "ana", "--method", "judgement", "--note", "budget")
    assert done["action"] == "stop" and done["left"] == 18 and done["decided_by"] == "ana"
    assert done["figures"]["screened"] == 12
    prisma = run_json(capsys, "prisma", project)
    assert prisma["excluded_automatic"] == 18 and prisma["pending"]["title_abstract"] == 0
    assert run_json(capsys, "stopping", project)["stop"]["stop_id"] == done["stop_id"]
    back = run_json(capsys, "stop", project, "--reviewer", "ana", "--withdraw")
    assert back["action"] == "withdraw" and back["withdraws_id"] == done["stop_id"]
    assert run_json(capsys, "prisma", project)["excluded_automatic"] == 0


def test_stop_with_neither_method_nor_withdraw_is_a_user_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stop", project, "--reviewer", "ana")
    assert code == 1 and "--method" in err
    code, _, err = run(capsys, "stop", project, "--reviewer", "ana", "--withdraw")
    assert code == 1 and "not been stopped" in err


def test_simulate_reports_where_the_stopping_rule_stops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labelled = DATA / "csv" / "Cohen_2006_Antihistamines.csv"
    out = run_json(capsys, "simulate", labelled, "--seed", "1", "--output", tmp_path / "order.csv")
    assert 0 < out["stop_at"] <= out["records"]
    assert 0.0 <= out["recall_at_stop"] <= 1.0
    assert out["work_saved_at_stop"] == pytest.approx(1 - out["stop_at"] / out["records"])
    assert set(out["stopping"]) >= {"sample", "ranked", "knee"}
    # the figures are those of the order written: replaying the rules on it gives the same
    rows = (tmp_path / "order.csv").read_text(encoding="utf-8").splitlines()[1:]
    labels = [int(r.split(",")[2]) for r in rows]
    again = simulate_stopping(labels, seed=1)
    assert out["stopping"]["ranked"] == again["ranked"] and out["stopping"]["knee"] == again["knee"]
    assert out["stop_at"] == again["sample"]["stop_at"]
    found = sum(labels[: out["stopping"]["ranked"]["stop_at"]]) / sum(labels)
    assert out["stopping"]["ranked"]["recall_at_stop"] == pytest.approx(found)
