"""CLI handlers for projects, imports, records and deduplication."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from screener.cli.output import emit_json, info, run_with_progress, table
from screener.types import ScreenerError

if TYPE_CHECKING:
    from screener.core.project import Project


class _WaitNotice:
    """Says once on stderr what a change is waiting for (an import in another window)."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, message: str | None) -> None:
        if message is None:
            self.shown = False
        elif not self.shown:
            self.shown = True
            info(f"screener: {message}…")


@contextmanager
def opened(target: str) -> Iterator[Project]:
    # Loading the database layer and opening the project allocate many long-lived objects
    # and no garbage worth collecting: the collector stays off meanwhile (a tenth of the
    # start-up), and what was loaded is frozen out of its later passes.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from screener.core.project import Project  # here, so that ``screener --version`` is quick

        project = Project.open(target, on_wait=_WaitNotice())
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    if project.read_only:
        info(f"screener: note: {target} is open for reading only ({project.read_only})")
    try:
        yield project
    finally:
        project.close()


def cmd_gui(args: argparse.Namespace) -> int:
    from screener.gui.app import run_app

    return run_app(args.project)


def cmd_demo(args: argparse.Namespace) -> int:
    from screener.core.demo import demo_project_path, ensure_demo_project

    path = ensure_demo_project(args.dir or demo_project_path().parent)
    if args.no_gui:
        print(path)
        return 0
    from screener.gui.app import run_app

    return run_app(str(path))


def cmd_new(args: argparse.Namespace) -> int:
    from screener.core.project import Project

    project = Project.create(
        args.project,
        title=args.title,
        question=args.question,
        include_criteria=args.include_criterion,
        exclude_criteria=args.exclude_criterion,
        reasons=args.reason,
        reviewers_per_record=args.reviewers_per_record,
        strict=args.strict,
        resolve_policy=args.resolve_by,
    )
    for warning in project.setup_warnings:
        info(f"warning: {warning}")
    project.close()
    if args.ta_reason_required:
        with opened(args.project) as p:
            p.settings.update(ta_reason_required=True)
    info(f"created {args.project}" + (" in strict mode" if args.strict else ""))
    return 0


def cmd_reviewer_add(args: argparse.Namespace) -> int:
    from screener.cli.team_commands import read_password_file

    password = read_password_file(args.password_file) if args.password_file else None
    if password is not None and not args.login:
        raise ScreenerError("--password-file goes with --login")
    with opened(args.project) as p:
        r = p.settings.add_reviewer(args.name, args.role, login=args.login, password=password)
    info(f"added {r.role} {r.name}" + (f", who logs in as database role {r.login}" if r.login else ""))
    return 0


def cmd_reviewer_list(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        reviewers = p.settings.reviewers()
    if args.json:
        emit_json([{"name": r.name, "role": r.role} for r in reviewers])
    else:
        table([[r.name, r.role] for r in reviewers], ["name", "role"])
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from screener.core.gc_pause import gc_paused
    from screener.paths import path_problem

    for f in args.files:
        if problem := path_problem(f):
            raise ScreenerError(f"{f}: {problem}")
    with ExitStack() as stack:
        # Loading the reading code, opening the project, taking in and storing the rows
        # allocate millions of objects and no garbage worth collecting: the collector
        # stays off meanwhile (a twentieth of a second of the importer's time on 80,000
        # records), and comes back on for what follows (--dedup).
        with gc_paused():
            from screener.core.read_ahead import reading_started

            # A large import's reading begins while the project opens, on the other core.
            stack.enter_context(reading_started(args.files, args.format))
            p = stack.enter_context(opened(args.project))
            report = run_with_progress(
                p.imports.import_files(
                    args.files,
                    source=args.source,
                    kind=args.kind,
                    search_date=args.date,
                    search_string=args.search_string,
                    fmt=args.format,
                    batch_id=args.batch,
                    strict=args.strict,
                    update=args.update,
                )
            )
        for w in report.warnings:
            info(f"warning: {w}")
        merged = None
        if args.dedup:
            merged = run_with_progress(p.dedup.run()).merged
    if args.json:
        out = {
            "batch_id": report.batch_id,
            "records": report.records,
            "files": [{"file": f.file, "records": f.records, "skipped": f.skipped} for f in report.files],
            "warnings": report.warnings,
        }
        if merged is not None:
            out["merged"] = merged
        if report.update is not None:
            u = report.update
            out.update(new=u.new, already_screened=u.already_screened, linked=u.linked,
                       update_round=u.round, candidates=u.candidates)
        emit_json(out)
    else:
        info(f"batch {report.batch_id}: imported {report.records} records from {len(report.files)} file(s)")
        if report.update is not None:
            u = report.update
            info(f"update {u.round}: {u.new} new records reach the queue; {u.linked} linked to records "
                 f"already in the project ({u.already_screened} of them already screened)"
                 + (f"; {u.candidates} possible duplicates to review" if u.candidates else ""))
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        batches = p.imports.batches()
    if args.json:
        emit_json(batches)
    else:
        table(
            [[b.id, b.source, b.kind, b.search_date, ", ".join(b.files), b.records] for b in batches],
            ["id", "source", "kind", "date", "files", "records"],
        )
    return 0


def cmd_delete_batch(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        n = p.imports.delete_batch(args.batch_id)
    info(f"deleted batch {args.batch_id} ({n} records)")
    return 0


def queue_reviewer(p: Project, given: str | None) -> str | None:
    """Whose queue ``records --order`` lists: ``--reviewer``, or on a strict project the
    reviewer you logged in as (and no one else)."""
    bound = p.settings.bound_reviewer()
    if bound is not None and given and given != bound:
        raise ScreenerError(f"on this strict project you are {bound!r}; you cannot list the queue of {given!r}")
    return given or bound


def ordered_rows(p: Project, rows: list[Any], order: str, stage: str, reviewer: str | None, seed: int) -> list[Any]:
    by_id = {r.record_id: r for r in rows}
    ids, training = p.queue_order.order(list(by_id), order, stage=stage, reviewer=reviewer, seed=seed)
    if training is not None:
        info(training.describe())
    return [by_id[i] for i in ids]


def cmd_records(args: argparse.Namespace) -> int:
    from screener.core.services.record_filters import RecordFilter

    filters = RecordFilter(
        batches=tuple(args.batch), sources=tuple(args.source), year_from=args.year_from, year_to=args.year_to,
        types=tuple(args.type), mine=tuple(args.mine), final=tuple(args.final), tags=tuple(args.tag),
        labels=tuple(args.label), search=args.search,
    )
    if (args.mine or args.all_records) and not args.reviewer:
        raise ScreenerError("--mine and --all-records need --reviewer NAME")
    with opened(args.project) as p:
        reviewer = queue_reviewer(p, args.reviewer) if args.order else args.reviewer
        view = "my_queue" if reviewer and not args.all_records else "all"
        rows = p.records.listing(args.stage, args.status, view=view, reviewer=reviewer,
                                 filters=filters if filters.active() else None)
        if args.order:
            rows = ordered_rows(p, rows, args.order, args.stage, reviewer, args.seed)
    if args.json:
        emit_json(
            [
                {"record_id": r.record_id, "title": r.title, "year": r.year,
                 "first_author": r.first_author, "status": r.status}
                for r in rows
            ]
        )
    else:
        table([[r.record_id, r.status, r.year, r.first_author, r.title] for r in rows],
              ["id", "status", "year", "first author", "title"])
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        summary = run_with_progress(p.dedup_run.run())
    if args.json:
        emit_json({
            "merged": summary.merged,
            "candidates": [[a, b, round(score, 4)] for a, b, score in summary.candidates],
            "flagged": summary.flagged,
        })
    else:
        info(f"merged {summary.merged} duplicates; {len(summary.candidates)} candidate pairs to review")
        for rid in summary.flagged:
            info(f"warning: records merged into {rid} had different decisions; check record {rid}")
        table([[a, b, f"{score:.3f}"] for a, b, score in summary.candidates], ["id_a", "id_b", "score"])
    return 0


def cmd_duplicate(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        p.dedup.mark(args.id_a, args.id_b, args.is_duplicate)
    info(f"records {args.id_a} and {args.id_b}: {'duplicate' if args.is_duplicate else 'not duplicate'}")
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    with opened(args.project) as p:
        separated = p.dedup.unmerge(args.record_id)
    info(f"unmerged {', '.join(map(str, separated))}")
    return 0
