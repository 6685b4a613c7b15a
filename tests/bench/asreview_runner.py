"""Run ASReview LAB's default model on a labelled CSV; for ``bench_ranking.py`` only.

This script runs inside the benchmark's own virtual environment, where ``asreview`` is
installed (never in Screener's)::

    .bench-venv-asreview/bin/python tests/bench/asreview_runner.py DATA.csv PRIORS_JSON

``PRIORS_JSON`` maps each seed to its prior rows, e.g. ``{"1": [12, 40]}``, so ASReview
starts from the same priors as Screener. For each seed it replays ASReview's own
``asreview simulate`` cycle (top-down until both classes are present, then the default
model, retrained after every record, stopping at the last relevant record) and prints
``{"model": name, "version": v, "orders": {seed: [row, ...]}}`` on stdout: the rows in
screening order, priors first. Rows after the last relevant one are not screened by
ASReview; the benchmark appends them, which leaves every metric unchanged.
"""

from __future__ import annotations

import json
import sys

import numpy as np


def main(path: str, priors_json: str) -> None:
    import asreview
    from asreview import load_dataset
    from asreview.learner import ActiveLearningCycle
    from asreview.models.models import get_ai_config
    from asreview.models.queriers import TopDown
    from asreview.models.stoppers import IsFittable, LastRelevant
    from asreview.simulation.simulate import Simulate

    priors = {int(k): [int(i) for i in v] for k, v in json.loads(priors_json).items()}
    config = get_ai_config()
    orders: dict[int, list[int]] = {}
    with load_dataset(path, dataset_id="bench") as db:
        df = db.input.get_df()
        included = db.input["included"]
        for seed, prior_rows in priors.items():
            np.random.seed(seed)
            cycles = [
                ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
                ActiveLearningCycle.from_meta(config["value"]),
            ]
            sim = Simulate(df, included, cycles, stopper=LastRelevant(), print_progress=False)
            sim.label(prior_rows)
            sim.review()
            orders[seed] = [int(i) for i in sim._results["record_id"].values]
    print(json.dumps({"model": config["name"], "version": asreview.__version__,
                      "orders": orders}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
