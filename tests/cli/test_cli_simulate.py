"""``screener simulate``: the order CSV and the figures of its JSON (CLI.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from screener.cli.main import main
from screener.core.ranking import metrics

SAMPLE = Path(__file__).parent.parent / "data" / "csv" / "Kitchenham_2010_sample400.csv"


def test_simulate_json_has_the_figures_of_the_written_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "order.csv"
    code = main(["simulate", str(SAMPLE), "--seed", "1", "--output", str(out), "--json"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(stdout)
    with open(out, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    assert [r["position"] for r in rows] == [str(i) for i in range(1, 401)]
    order = [int(r["row"]) for r in rows]
    labels = [0] * 400
    for r in rows:
        labels[int(r["row"])] = int(r["label"])
    assert sorted(order) == list(range(400)) and sum(labels) == 25
    figures = metrics(order, labels)
    for key in ("wss95", "wss100", "rrf10", "atd", "loss"):
        assert report[key] == pytest.approx(figures[key])
    assert report["recall_at_10"] == report["rrf10"]
    assert (report["records"], report["included"]) == (400, 25)
    assert 0 < report["loss"] < 0.5 and report["wss95"] > 0.3


def test_simulate_without_json_says_the_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", str(SAMPLE), "--seed", "2", "--output", str(tmp_path / "o.csv")])
    _, err = capsys.readouterr()
    assert code == 0
    for name in ("WSS@95", "WSS@100", "RRF@10", "ATD", "loss"):
        assert name in err
