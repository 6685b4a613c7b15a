"""``screener simulate``: replay a labelled data set through the ranking model."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from screener.core.export.atomic import atomic_write
from screener.core.ranking import record_text, simulate
from screener.types import ScreenerError


def read_labelled(path: str | Path) -> tuple[list[str], list[int]]:
    """Titles+abstracts and 0/1 labels from a CSV with ``title``, ``abstract`` and
    ``label_included`` columns (ASReview's layout). Names the file and line on error."""
    texts: list[str] = []
    labels: list[int] = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = {c.strip().lower(): c for c in reader.fieldnames or []}
            for needed in ("title", "label_included"):
                if needed not in columns:
                    raise ScreenerError(f"{path}, line 1: no {needed!r} column")
            for row in reader:
                raw = (row.get(columns["label_included"]) or "").strip()
                if raw not in ("0", "1"):
                    raise ScreenerError(
                        f"{path}, line {reader.line_num}: label_included must be 0 or 1, not {raw!r}"
                    )
                abstract = row.get(columns["abstract"], "") if "abstract" in columns else ""
                texts.append(record_text(row.get(columns["title"]), abstract))
                labels.append(int(raw))
    except UnicodeDecodeError as e:
        raise ScreenerError(f"{path}: not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise ScreenerError(f"{path}: not a readable CSV ({e})") from None
    return texts, labels


def run_simulation(path: str | Path, seed: int, prior_included: int, prior_excluded: int,
                   output: str | Path) -> dict[str, Any]:
    texts, labels = read_labelled(path)
    try:
        result = simulate(texts, labels, seed, prior_included, prior_excluded)
    except ValueError as e:
        raise ScreenerError(f"{path}: {e}") from None
    with atomic_write(output) as fp:
        writer = csv.writer(fp)
        writer.writerow(["position", "row", "label"])
        for position, row in enumerate(result.order, start=1):
            writer.writerow([position, row, labels[row]])
    from screener.core.stopping_sim import HEADLINE, simulate_stopping

    stopping = simulate_stopping([labels[i] for i in result.order], seed)
    return {
        "records": len(texts),
        "included": sum(labels),
        **result.figures(),  # wss95, wss100, rrf10, atd, loss
        "recall_at_10": result.recall_at_10,
        # the stopping rule (core/stopping_sim.py): records screened when it says stop,
        # the recall and the share of screening saved then; every rule under "stopping"
        "stop_at": stopping[HEADLINE]["stop_at"],
        "recall_at_stop": stopping[HEADLINE]["recall_at_stop"],
        "work_saved_at_stop": stopping[HEADLINE]["work_saved_at_stop"],
        "stopping": stopping,
        "output": str(output),
    }
