"""The ``screener`` command: the parser, and turning errors into exit statuses.

Exit 0 on success, 1 on a user error (one line on stderr naming the file and line
where there is one), 2 on a usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from screener import __version__
from screener.cli import (
    commands,
    review_commands,
    stopping_commands,
    team_commands,
    workspace_commands,
)
from screener.cli.output import info
from screener.types import ScreenerError

STAGES = ["title_abstract", "full_text"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="screener", description="Screening for systematic reviews.")
    p.add_argument("--version", action="version", version=f"screener {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("gui", help="open the GUI (on PROJECT if given)")
    c.add_argument("project", nargs="?")
    c.set_defaults(func=commands.cmd_gui)

    c = sub.add_parser("demo", help="create the demo project and open it")
    c.add_argument("dir", nargs="?")
    c.add_argument("--no-gui", action="store_true", help="only create it and print its path")
    c.set_defaults(func=commands.cmd_demo)

    c = sub.add_parser("new", help="create a project")
    c.add_argument("project")
    c.add_argument("--title", required=True)
    c.add_argument("--question", default="")
    c.add_argument("--include-criterion", action="append", default=[])
    c.add_argument("--exclude-criterion", action="append", default=[])
    c.add_argument("--reason", action="append", default=[], help="a full-text exclusion reason")
    c.add_argument("--reviewers-per-record", type=int, choices=[1, 2], default=1)
    team_commands.add_new_options(c)
    c.add_argument("--ta-reason-required", action="store_true",
                   help="a title/abstract exclusion must name a reason from the list")
    c.set_defaults(func=commands.cmd_new)

    c = sub.add_parser("reviewer", help="manage reviewers")
    rsub = c.add_subparsers(dest="action", required=True)
    ra = rsub.add_parser("add", help="add a reviewer")
    ra.add_argument("project")
    ra.add_argument("name")
    ra.add_argument("--role", choices=["reviewer", "resolver"], default="reviewer")
    team_commands.add_login_options(ra)
    ra.set_defaults(func=commands.cmd_reviewer_add)
    rl = rsub.add_parser("list", help="list reviewers")
    rl.add_argument("project")
    rl.add_argument("--json", action="store_true")
    rl.set_defaults(func=commands.cmd_reviewer_list)

    c = sub.add_parser("import", help="import files as one batch")
    c.add_argument("project")
    c.add_argument("files", nargs="+")
    c.add_argument("--source", required=True)
    c.add_argument("--kind", default="database",
                   choices=["database", "register", "website", "organisation", "citation"])
    c.add_argument("--date", default=None, help="search date, YYYY-MM-DD")
    c.add_argument("--search-string", default="")
    c.add_argument("--format", default="auto", choices=["auto", "ris", "nbib", "csv"])
    c.add_argument("--batch", type=int, default=None, help="add the files to this batch")
    c.add_argument("--strict", action="store_true", help="refuse the import if any record is skipped")
    c.add_argument("--dedup", action="store_true", help="run deduplication after the import")
    c.add_argument("--update", action="store_true",
                   help="an update of an earlier search: records already in the project are linked "
                        "to them and keep their decisions; only new records reach the queue")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=commands.cmd_import)

    c = sub.add_parser("batches", help="list batches")
    c.add_argument("project")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=commands.cmd_batches)

    c = sub.add_parser("delete-batch", help="delete a batch none of whose records is screened")
    c.add_argument("project")
    c.add_argument("batch_id", type=int)
    c.set_defaults(func=commands.cmd_delete_batch)

    c = sub.add_parser("records", help="list records at a stage")
    c.add_argument("project")
    c.add_argument("--stage", choices=STAGES, default="title_abstract")
    c.add_argument("--status", choices=["undecided", "included", "excluded", "conflict", "duplicate", "not_retrieved"])
    c.add_argument("--reviewer", help="list NAME's queue: what NAME has still to decide (and is assigned)")
    f = c.add_argument_group("filters (they combine; a filter given twice matches either value)")
    f.add_argument("--batch", type=int, action="append", default=[])
    f.add_argument("--source", action="append", default=[])
    f.add_argument("--year-from", type=int)
    f.add_argument("--year-to", type=int)
    f.add_argument("--type", action="append", default=[], help="record type, e.g. JOUR")
    f.add_argument("--mine", action="append", default=[], choices=["include", "exclude", "maybe", "none"],
                   help="the --reviewer's own decision (with --all-records)")
    f.add_argument("--final", action="append", default=[],
                   choices=["undecided", "pending", "conflict", "included", "excluded", "not_retrieved"])
    f.add_argument("--tag", action="append", default=[])
    f.add_argument("--label", action="append", default=[])
    f.add_argument("--search", default="")
    c.add_argument("--all-records", action="store_true",
                   help="with --reviewer: every record, seen as NAME may see it, not only NAME's queue")
    c.add_argument("--order", choices=["relevance", "file", "random"],
                   help="list in this order: relevance (the model, trained on the final decisions, or on "
                        "NAME's own in a blind project), file (import order) or random (see --seed); "
                        "on a strict project NAME defaults to the role you log in as")
    c.add_argument("--seed", type=int, default=1, help="the random order's seed (same seed, same order)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=commands.cmd_records)

    c = sub.add_parser("dedup", help="find duplicates: merge the certain ones, list candidates")
    c.add_argument("project")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=commands.cmd_dedup)

    c = sub.add_parser("duplicate", help="record a manual dedup decision on a pair")
    c.add_argument("project")
    c.add_argument("id_a", type=int)
    c.add_argument("id_b", type=int)
    g = c.add_mutually_exclusive_group(required=True)
    g.add_argument("--is-duplicate", dest="is_duplicate", action="store_true")
    g.add_argument("--not-duplicate", dest="is_duplicate", action="store_false")
    c.set_defaults(func=commands.cmd_duplicate)

    c = sub.add_parser("unmerge", help="undo a merge")
    c.add_argument("project")
    c.add_argument("record_id", type=int)
    c.set_defaults(func=commands.cmd_unmerge)

    review_commands.add_review_commands(sub, STAGES)
    team_commands.add_team_commands(sub)
    workspace_commands.add_workspace_commands(sub, STAGES)
    stopping_commands.add_stopping_commands(sub, STAGES)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader of our output went away (``| head``): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["gui"])
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        raise  # the reader went away: main() ends quietly
    except ScreenerError as e:
        info(f"screener: error: {e}")
        return 1
    except (OSError, UnicodeError) as e:
        info(f"screener: error: {e}")
        return 1
    except Exception as e:
        from sqlalchemy.exc import SQLAlchemyError  # imported late: the CLI starts quicker

        if not isinstance(e, SQLAlchemyError):
            raise
        # e.g. a PostgreSQL server that is down or refuses us
        first = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        info(f"screener: error: cannot use the project database: {first}")
        return 1
    except KeyboardInterrupt:
        info("screener: cancelled; nothing was changed")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
