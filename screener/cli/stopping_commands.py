"""CLI handlers for stopping screening early: the figures (``stopping``), the random sample
for the stopping test (``stopping --draw-sample``), and the team's decision (``stop``)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from screener.cli.commands import opened
from screener.cli.output import emit_json, info, say

METHOD_WORDS = ["sample", "ranked", "knee", "consecutive", "judgement"]


def _levels(c: Any) -> None:
    c.add_argument("--recall-target", type=float, default=0.95, help="recall to reach, 0 to 1 (0.95)")
    c.add_argument("--confidence", type=float, default=0.95, help="confidence of the test, 0 to 1 (0.95)")


def add_stopping_commands(sub: Any, stages: list[str]) -> None:
    c = sub.add_parser("stopping", help="when can screening stop? the figures, and how each is computed")
    c.add_argument("project")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--reviewer", default=None,
                   help="count this reviewer's own run of irrelevant records (else the final decisions')")
    _levels(c)
    c.add_argument("--draw-sample", action="store_true",
                   help="draw the random sample for the stopping test (as --reviewer)")
    c.add_argument("--seed", type=int, default=None, help="with --draw-sample: the same seed, the same sample")
    c.add_argument("--sample-queue", action="store_true",
                   help="list the sample's records still to screen, in the order drawn")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_stopping)

    c = sub.add_parser("stop", help="record the team's decision to stop screening (or withdraw it)")
    c.add_argument("project")
    c.add_argument("--reviewer", required=True, help="who decides (a resolver, if the project has one)")
    c.add_argument("--method", choices=METHOD_WORDS, default=None,
                   help="the method the decision rests on (its figures are recorded)")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    _levels(c)
    c.add_argument("--note", default="")
    c.add_argument("--withdraw", action="store_true", help="withdraw the stop that stands")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_stop)


def cmd_stopping(args: argparse.Namespace) -> int:
    from screener.types import ScreenerError

    with opened(args.project) as p:
        if args.draw_sample:
            if not args.reviewer:
                raise ScreenerError("--draw-sample needs --reviewer NAME")
            drawn = p.stopping.draw_sample(args.reviewer, args.seed, stage=args.stage)
            if args.json:
                emit_json(drawn)
            else:
                info(f"drew a random sample of {drawn['urn_size']} records (sample {drawn['sample_id']}, "
                     f"seed {drawn['seed']}); screen them in the order of 'stopping --sample-queue'")
            return 0
        if args.sample_queue:
            queue = p.stopping.sample_queue(args.stage)
            if args.json:
                emit_json(queue)
            else:
                for rid in queue:
                    say(rid)
            return 0
        f = p.stopping.figures(args.reviewer, args.stage, args.recall_target, args.confidence)
    if args.json:
        emit_json(f.to_json())
        return 0
    from screener.core.stopping_text import explain

    for line in explain(f):
        say(line)
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from screener.types import ScreenerError

    with opened(args.project) as p:
        if args.withdraw:
            done = p.stopping.withdraw(args.reviewer, args.stage, args.note)
        else:
            if args.method is None:
                raise ScreenerError("give --method (" + ", ".join(METHOD_WORDS) + ") or --withdraw")
            done = p.stopping.stop(args.reviewer, args.method, args.stage, args.recall_target,
                                   args.confidence, args.note)
    if args.json:
        emit_json(asdict(done))
    elif done.action == "stop":
        info(f"screening stopped at {done.stage} by {done.decided_by} ({done.method}); "
             f"{done.left} records left unscreened count as marked ineligible by automation tools")
    else:
        info(f"the stop (#{done.withdraws_id}) is withdrawn by {done.decided_by}")
    return 0
