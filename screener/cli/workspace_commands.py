"""CLI handlers for the team's workspace: assigning records, the team's progress,
labels, and tagging or labelling many records in one step."""

from __future__ import annotations

import argparse
from typing import Any

from screener.cli.commands import opened
from screener.cli.output import emit_json, info, table
from screener.types import ScreenerError


def add_workspace_commands(sub: Any, stages: list[str]) -> None:
    c = sub.add_parser("assign", help="allocate the undecided records to reviewers")
    c.add_argument("project")
    c.add_argument("--reviewers", required=True, help="comma-separated names, e.g. ana,ben,cara,dan")
    c.add_argument("--per-record", type=int, required=True, choices=[1, 2], help="reviewers per record")
    c.add_argument("--overlap", type=float, default=0.0,
                   help="share of the records (0 to 1) every reviewer screens, for calibration")
    c.add_argument("--seed", type=int, default=None, help="the same seed gives the same allocation")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--batch", type=int, action="append", default=[], help="only this batch's records")
    c.add_argument("--whole-batches", action="store_true",
                   help="give each batch whole to the same reviewers (by batch)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_assign)

    c = sub.add_parser("unassign", help="take back the assignments of undecided records")
    c.add_argument("project")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.set_defaults(func=cmd_unassign)

    c = sub.add_parser("team", help="each reviewer's progress: assigned, decided, left")
    c.add_argument("project")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_team)

    c = sub.add_parser("labels", help="list the project's labels, or set the list")
    c.add_argument("project")
    c.add_argument("--set", dest="labels", default=None, help="the whole list, comma-separated, in order")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_labels)

    c = sub.add_parser("label", help="put a label on records (or take it off), in one step")
    c.add_argument("project")
    c.add_argument("record_ids", type=int, nargs="+")
    c.add_argument("--label", required=True, help="the label's name or number in the list")
    c.add_argument("--reviewer", required=True)
    c.add_argument("--remove", action="store_true")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_label)

    c = sub.add_parser("tag", help="put a tag on records (or take it off), in one step")
    c.add_argument("project")
    c.add_argument("record_ids", type=int, nargs="+")
    c.add_argument("--tag", required=True)
    c.add_argument("--reviewer", default="")
    c.add_argument("--remove", action="store_true")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_tag)

    c = sub.add_parser("undo-step", help="undo a bulk step (the reviewer's newest, or --step N)")
    c.add_argument("project")
    c.add_argument("--reviewer", required=True)
    c.add_argument("--step", type=int, default=None)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_undo_step)


def cmd_assign(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        report = p.allocation.assign(
            args.reviewers.split(","), args.per_record, args.overlap, args.seed,
            stage=args.stage, batches=args.batch or None, whole_batches=args.whole_batches,
        )
    if args.json:
        emit_json({"assignments": report.assignments, "overlap": report.overlap, "records": report.records})
    else:
        info(f"assigned {report.records} records at {report.stage}; {report.overlap} to everyone")
        table([[name, n] for name, n in report.assignments.items()], ["reviewer", "records"])
    return 0


def cmd_unassign(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        n = p.allocation.clear(args.stage)
    info(f"took back the assignments of {n} undecided records; every queue holds them again")
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        team = p.allocation.team(args.stage)
    if args.json:
        emit_json(team)
    else:
        table([[r.name, r.role, r.assigned if team.allocated else "-", r.decided_all, r.queue]
               for r in team.reviewers], ["reviewer", "role", "assigned", "decided", "left"])
        info(f"{team.final} of {team.total} records have a final decision"
             + (f"; {team.unassigned} undecided records are assigned to no one" if team.unassigned else ""))
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        if args.labels is not None:
            p.labels.set_labels([x for x in args.labels.split(",")])
        labels = p.labels.labels()
        usage = p.labels.usage()
    if args.json:
        emit_json([{"number": i, "label": name, "records": usage.get(name, 0)} for i, name in enumerate(labels, 1)])
    else:
        table([[i, name, usage.get(name, 0)] for i, name in enumerate(labels, 1)], ["#", "label", "records"])
    return 0


def _bulk_out(args: argparse.Namespace, result: Any) -> None:
    if args.json:
        emit_json({"step": result.step, "action": result.action, "value": result.value,
                   "changed": result.changed, "unchanged": result.unchanged, "skipped": result.skipped})
    else:
        info(f"{result.action} {result.value!r}: {result.changed} records changed, {result.unchanged} already so"
             + (f", skipped {result.skipped}" if result.skipped else "") + f" (step {result.step})")


def cmd_label(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        result = p.bulk.label(args.record_ids, args.label, args.reviewer, remove=args.remove)
    _bulk_out(args, result)
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        result = p.bulk.tag(args.record_ids, args.tag, args.reviewer, remove=args.remove)
    _bulk_out(args, result)
    return 0


def cmd_undo_step(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        step = args.step if args.step is not None else p.bulk.last_step(args.reviewer)
        if step is None:
            raise ScreenerError(f"{args.reviewer} has no bulk step to undo")
        result = p.bulk.undo(step, args.reviewer)
    _bulk_out(args, result)
    return 0
