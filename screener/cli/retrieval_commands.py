"""``screener retrieval``: one report retrieved or not (optionally with its PDF), or the
PDFs of a whole folder matched to the records at full text."""

from __future__ import annotations

import argparse
from typing import Any

from screener.cli.commands import opened
from screener.cli.output import emit_json, info, run_with_progress
from screener.types import ScreenerError


def add_retrieval_command(sub: Any) -> None:
    c = sub.add_parser("retrieval", help="full text: was the report retrieved; attach PDFs")
    c.add_argument("project")
    c.add_argument("record_id", nargs="?", type=int)
    c.add_argument("state", nargs="?", choices=["retrieved", "not-retrieved"])
    c.add_argument("--pdf", help="attach this PDF (a copy) to the record")
    c.add_argument("--replace", action="store_true", help="replace the PDF the record already has")
    c.add_argument("--remove-pdf", dest="remove_pdf", action="store_true",
                   help="take the record's PDF off it (the file stays in the project folder)")
    c.add_argument("--from-folder", dest="from_folder", metavar="DIR",
                   help="attach the PDFs found in DIR (recursively) to the records they match")
    c.add_argument("--reviewer", default="", help="who did it (kept in the history)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_retrieval)


def cmd_retrieval(args: argparse.Namespace) -> int:
    if args.from_folder:
        if args.record_id is not None or args.state or args.pdf:
            raise ScreenerError("give either --from-folder DIR or RECORD_ID retrieved|not-retrieved, not both")
        with opened(args.project) as p:
            report = run_with_progress(p.retrieval.attach_folder(args.from_folder, args.reviewer))
        info(f"{report.files} PDFs in {args.from_folder}: {report.attached} attached, "
             f"{len(report.matched) - report.attached} matched but not attached, "
             f"{len(report.unmatched)} unmatched, {len(report.ambiguous)} ambiguous "
             f"({report.seconds:.1f} s)")
        for m in report.matched:
            if not m.attached:
                info(f"  not attached: {m.file} (record {m.record_id}): {m.note}")
        if args.json:
            emit_json(report.to_json())
        else:
            for m in report.matched:
                print(f"matched\t{m.record_id}\t{m.by}\t{m.file}")
            for f in report.ambiguous:
                print(f"ambiguous\t\t\t{f}\t{report.why.get(f, '')}")
            for f in report.unmatched:
                print(f"unmatched\t\t\t{f}\t{report.why.get(f, '')}")
        return 0
    if args.record_id is None or not args.state:
        raise ScreenerError("retrieval needs RECORD_ID and retrieved|not-retrieved (or --from-folder DIR)")
    with opened(args.project) as p:
        if args.remove_pdf:
            if args.pdf:
                raise ScreenerError("give either --pdf FILE or --remove-pdf, not both")
            if not p.retrieval.remove_pdf(args.record_id, args.reviewer):
                info(f"record {args.record_id} had no PDF")
        change = p.retrieval.set_retrieval(args.record_id, args.state == "retrieved", args.pdf,
                                           reviewer=args.reviewer, replace=args.replace)
    info(f"record {args.record_id}: {args.state}" + (f", PDF at {change.pdf}" if change.pdf else ""))
    if change.warning:
        info(f"warning: {change.warning}")
    if args.json:
        emit_json({"record_id": args.record_id, "retrieved": args.state == "retrieved", "pdf": change.pdf,
                   "warning": change.warning})
    return 0
