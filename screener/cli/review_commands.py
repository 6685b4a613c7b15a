"""CLI handlers for screening, conflicts, agreement, history, PRISMA and export."""

from __future__ import annotations

import argparse
import csv
from typing import Any

from screener.cli.commands import opened
from screener.cli.output import emit_json, info, say, table
from screener.cli.retrieval_commands import add_retrieval_command
from screener.cli.team_commands import acting_reviewer
from screener.types import ScreenerError

DECISION_COLUMNS = ("record_id", "reviewer", "stage", "decision", "reason", "note")


def add_review_commands(sub: Any, stages: list[str]) -> None:
    c = sub.add_parser("decide", help="record a reviewer's decision")
    c.add_argument("project")
    c.add_argument("record_id", nargs="?", type=int)
    c.add_argument("decision", nargs="?", choices=["include", "exclude", "maybe"])
    c.add_argument("--reviewer", help="who decides (on a strict project: the role you log in as)")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--reason", default="", help="a full-text exclusion reason: its text or its number in the list")
    c.add_argument("--note", default="")
    c.add_argument("--from-csv", dest="from_csv")
    c.set_defaults(func=cmd_decide)

    add_retrieval_command(sub)

    c = sub.add_parser("conflicts", help="list open conflicts")
    c.add_argument("project")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_conflicts)

    c = sub.add_parser("resolve", help="record the final decision for a conflict")
    c.add_argument("project")
    c.add_argument("record_id", type=int)
    c.add_argument("decision", choices=["include", "exclude"])
    c.add_argument("--reviewer", help="who resolves (on a strict project: the role you log in as); "
                   "who may is a project setting: see 'screener settings'")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--reason", default="", help="a full-text exclusion reason: its text or its number in the list")
    c.add_argument("--note", default="")
    c.set_defaults(func=cmd_resolve)

    c = sub.add_parser("reopen", help="reopen a resolved conflict")
    c.add_argument("project")
    c.add_argument("record_id", type=int)
    c.add_argument("--reviewer")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.set_defaults(func=cmd_reopen)

    c = sub.add_parser("agreement", help="agreement between reviewers")
    c.add_argument("project")
    c.add_argument("--stage", choices=stages, default="title_abstract")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_agreement)

    c = sub.add_parser("history", help="a record's full history")
    c.add_argument("project")
    c.add_argument("record_id", type=int)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_history)

    c = sub.add_parser("prisma", help="the PRISMA 2020 flow")
    c.add_argument("project")
    c.add_argument("--json", action="store_true")
    c.add_argument("--csv")
    c.add_argument("--svg")
    c.add_argument("--png")
    c.add_argument("--pdf")
    c.add_argument("--updated-review", action=argparse.BooleanOptionalAction, default=None,
                   help="the updated-review template: previous studies from the project's earlier "
                        "rounds (the default once the project holds an update)")
    c.add_argument("--set", action="append", default=[], metavar="KEY=N",
                   help="enter a box by hand (excluded_automatic, excluded_other, previous_studies, "
                        "previous_reports); KEY= clears it")
    c.set_defaults(func=cmd_prisma)

    c = sub.add_parser("export", help="write records or the decision log")
    c.add_argument("project")
    c.add_argument("--what", required=True, choices=["included", "excluded", "all", "decisions", "log"],
                   help="log is the screening log, the same as decisions")
    c.add_argument("--stage", choices=stages, default=None)
    c.add_argument("--format", required=True, choices=["ris", "csv", "bibtex", "asreview"])
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark, for Excel")
    c.add_argument("--with-decisions", action="store_true",
                   help="RIS: add each record's decisions, labels and tags as a note (N1), "
                        "which Zotero and EndNote keep")
    c.set_defaults(func=cmd_export)

    c = sub.add_parser("package", help="write a reviewer's screening package to work apart")
    c.add_argument("project")
    c.add_argument("--reviewer")
    c.add_argument("-o", "--output", required=True)
    c.set_defaults(func=cmd_package)

    c = sub.add_parser("merge-package", help="merge the decisions of a returned screening package")
    c.add_argument("project")
    c.add_argument("package")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_merge_package)

    c = sub.add_parser("simulate", help="replay a labelled dataset through the ranking model")
    c.add_argument("labelled_file")
    c.add_argument("--seed", type=int, required=True)
    c.add_argument("--prior-included", type=int, default=1)
    c.add_argument("--prior-excluded", type=int, default=1)
    c.add_argument("--output", required=True)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_simulate)


def cmd_decide(args: argparse.Namespace) -> int:
    if args.from_csv:
        if args.record_id is not None or args.decision:
            raise ScreenerError("give either --from-csv or RECORD_ID DECISION, not both")
        rows = read_decisions_csv(args.from_csv)
        with opened(args.project) as p:
            n = p.screening.decide_many(rows, source=args.from_csv)
        info(f"applied {n} decisions from {args.from_csv}")
        return 0
    if args.record_id is None or not args.decision:
        raise ScreenerError("decide needs RECORD_ID and include|exclude|maybe (or --from-csv FILE)")
    with opened(args.project) as p:
        d = p.screening.decide(args.record_id, acting_reviewer(p, args.reviewer), args.decision,
                               args.stage, args.reason, args.note)
    info(f"record {d.record_id}: {d.reviewer} {d.decision}d at {d.stage}".replace("maybed", "said maybe"))
    if d.warning:
        info(f"warning: {d.warning}")
    return 0


def read_decisions_csv(path: str) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in ("record_id", "reviewer", "decision") if c not in header]
            if missing:
                raise ScreenerError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
            rows = []
            for row in reader:
                clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
                if any("\x00" in v for v in clean.values()):
                    raise ScreenerError(f"{path}, line {reader.line_num}: the row holds a NUL character "
                                        "(binary data); nothing was applied")
                clean["line"] = str(reader.line_num)
                rows.append(clean)
            return rows
    except UnicodeDecodeError as e:
        raise ScreenerError(f"{path}: not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise ScreenerError(f"{path}: not a readable CSV ({e})") from None


def cmd_conflicts(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        conflicts = p.conflicts.conflicts(args.stage)
    if args.json:
        emit_json([{"record_id": c.record_id, "stage": c.stage, "kind": c.kind, "title": c.title,
                    "decisions": c.decisions} for c in conflicts])
    else:
        rows = [[c.record_id, c.kind, "; ".join(f"{d['reviewer']}: {d['decision']}"
                 + (f" ({d['reason']})" if d["reason"] else "") for d in c.decisions), c.title]
                for c in conflicts]
        table(rows, ["id", "on", "decisions", "title"])
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        r = p.conflicts.resolve(args.record_id, args.decision, acting_reviewer(p, args.reviewer),
                                args.stage, args.reason, args.note)
    by = " (a party to the conflict: resolved by consensus)" if r.party else ""
    info(f"record {r.record_id}: resolved as {r.decision} at {r.stage} by {r.reviewer}{by}")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        p.conflicts.reopen(args.record_id, acting_reviewer(p, args.reviewer), args.stage)
    info(f"record {args.record_id}: conflict reopened at {args.stage}")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        pairs = p.conflicts.agreement(args.stage)
        n_all, fleiss = p.conflicts.fleiss(args.stage)
    if args.json:
        out = [
            {"reviewers": list(a.reviewers), "stage": a.stage, "n": a.n,
             "percent_agreement": a.percent_agreement, "kappa": a.kappa,
             "pabak": a.pabak, "gwet_ac1": a.gwet_ac1}
            for a in pairs
        ]
        emit_json(out)
    else:
        table([[" & ".join(a.reviewers), a.stage, a.n, f"{a.percent_agreement:.1f}",
                _fmt(a.kappa), _fmt(a.pabak), _fmt(a.gwet_ac1)] for a in pairs],
              ["reviewers", "stage", "n", "% agree", "kappa", "PABAK", "AC1"])
        if fleiss is not None:
            say(f"Fleiss' kappa over {n_all} records decided by every reviewer: {fleiss:.3f}")
    return 0


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def cmd_history(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        entries = p.history.history(args.record_id)
    if args.json:
        emit_json(entries)
    else:
        for e in entries:
            what = ", ".join(f"{k}={v}" for k, v in e.detail.items() if v not in (None, "", []))
            say(f"{e.at[:19]}  {e.kind.replace('_', ' '):<14} {e.reviewer:<12} {e.stage:<15} {what}")
    return 0


def cmd_prisma(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        for item in args.set:
            key, _, value = item.partition("=")
            try:
                p.prisma.set_manual(key.strip(), int(value) if value.strip() else None)
            except ValueError:
                raise ScreenerError(f"--set {item}: the value must be a whole number") from None
        counts = p.prisma.counts(args.updated_review)
    updated = args.updated_review if args.updated_review is not None else "update" in counts
    from screener.core.export.atomic import atomic_write
    from screener.core.prisma_csv import write_prisma_csv
    from screener.core.prisma_diagram import render_svg

    svg = render_svg(counts, updated_review=updated)

    def write_csv(path: str) -> None:
        with atomic_write(path) as fp:
            write_prisma_csv(counts, fp)

    def write_svg(path: str) -> None:
        with atomic_write(path) as fp:
            fp.write(svg)

    def write_picture(path: str, kind: str) -> None:
        from screener.gui.prisma_render import ensure_gui_application, render_pdf, render_png

        ensure_gui_application()
        (render_png if kind == "png" else render_pdf)(svg, path)

    # Each file asked for is written even when another cannot be; then the failures are named.
    failed = []
    for path, write in ((args.csv, write_csv), (args.svg, write_svg),
                        (args.png, lambda f: write_picture(f, "png")), (args.pdf, lambda f: write_picture(f, "pdf"))):
        if path:
            try:
                write(path)
            except (OSError, ValueError, ScreenerError) as e:
                failed.append(str(e) if path in str(e) else f"{path}: {e}")
    if failed:
        raise ScreenerError("; ".join(failed))
    if args.json:
        emit_json(counts)
    elif not (args.csv or args.svg or args.png or args.pdf):
        from screener.cli.prisma_table import prisma_lines

        for line in prisma_lines(counts, updated):
            say(line)
        if counts.get("update"):
            u = counts["update"]
            say(f"Update {u['round']}: {u['duplicates_of_previous']} records of the new search were already "
                f"in the previous version (counted as duplicates); {u['previous_pending']} records of the "
                "previous version await a final decision")
        if counts.get("ta_excluded_reasons"):
            say("")
            say("Reasons for exclusion at title/abstract (a table of the report, not a PRISMA box)")
            table([[reason, n] for reason, n in counts["ta_excluded_reasons"]], ["reason", "records"])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        n = p.export.export(args.what, args.format, args.output, args.stage, bom=args.bom,
                            with_decisions=args.with_decisions)
    info(f"wrote {n} rows to {args.output}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from screener.core.simulation import run_simulation

    result = run_simulation(args.labelled_file, args.seed, args.prior_included, args.prior_excluded, args.output)
    if args.json:
        emit_json(result)
    else:
        info(f"WSS@95: {result['wss95']:.3f}  WSS@100: {result['wss100']:.3f}  "
             f"RRF@10: {result['rrf10']:.3f}  ATD: {result['atd']:.3f}  loss: {result['loss']:.3f}")
        info(f"stopping rule: stops at {result['stop_at']} records, recall {result['recall_at_stop']:.3f}")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        report = p.packages.create_package(acting_reviewer(p, args.reviewer), args.output)
    info(f"wrote {report.records} records for {report.reviewer} to {report.path}")
    return 0


def cmd_merge_package(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        report = p.packages.merge_package(args.package)
    if args.json:
        emit_json(report)
    else:
        info(f"{report.reviewer}: {report.applied} decisions merged, {report.unchanged} unchanged, "
             f"{len(report.changed_in_both)} changed in both places (kept as in the project)")
        for c in report.changed_in_both:
            info(f"  record {c['record_id']} at {c['stage']}: package {c['package']}, project {c['project']}")
    return 0
