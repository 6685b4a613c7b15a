"""CLI for working as a team on a server: strict projects, login roles, who may resolve,
and copying a project between files and servers."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from screener.cli.output import emit_json, info, table
from screener.types import ScreenerError

if TYPE_CHECKING:
    from screener.core.project import Project

POLICIES = ["consensus", "resolver", "third-party"]
RESOLVE_HELP = (
    "who may resolve a conflict: consensus (default: any reviewer records what the two "
    "agreed, as the Cochrane Handbook 5.1, section 7.2.4, expects, with a third person only "
    "when discussion fails), resolver (only reviewers with the resolver role), or "
    "third-party (only someone who is not a party to the conflict)"
)


def add_new_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--strict", action="store_true",
                   help="on a PostgreSQL server: the database enforces blinding and identity, "
                        "with one login role per reviewer (see docs/team-server.md)")
    c.add_argument("--resolve-by", choices=POLICIES, default="consensus", help=RESOLVE_HELP)


def add_login_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--login", action="store_true",
                   help="strict server project: the reviewer is also the database login role NAME")
    c.add_argument("--password-file", metavar="FILE",
                   help="the new login role's password (the file's first line)")


def add_team_commands(sub: Any) -> None:
    c = sub.add_parser("copy", help="copy a project losslessly, history included (file or URL to file or URL)")
    c.add_argument("source")
    c.add_argument("dest")
    c.add_argument("--strict", action="store_true", help="make the copy on a server strict")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_copy)

    c = sub.add_parser("settings", help="show the project's settings, or change who may resolve")
    c.add_argument("project")
    c.add_argument("--resolve-by", choices=POLICIES, help=RESOLVE_HELP)
    c.add_argument("--strict", action="store_true",
                   help="make this server project strict, or apply its security again (after a restore)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_settings)


def acting_reviewer(p: Project, given: str | None) -> str:
    """``--reviewer``, or on a strict project the reviewer you logged in as."""
    if given:
        return given
    bound = p.settings.bound_reviewer()
    if bound is None:
        raise ScreenerError("--reviewer NAME is needed (on a strict project, log in as a reviewer's role)")
    return bound


def read_password_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            password = f.readline().rstrip("\r\n")
    except OSError as e:
        raise ScreenerError(f"{path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ScreenerError(f"{path}: the password file is not UTF-8 text") from None
    if not password:
        raise ScreenerError(f"{path}: the password file's first line is empty")
    if "\x00" in password:
        raise ScreenerError(f"{path}: the password holds a NUL character")
    return password


def cmd_copy(args: argparse.Namespace) -> int:
    from screener.core.services.copying import copy_project

    report = copy_project(args.source, args.dest, strict=args.strict)
    for warning in report.warnings:
        info(f"warning: {warning}")
    if args.json:
        emit_json({"source": report.source, "dest": report.dest, "strict": report.strict,
                   "rows": report.rows})
    else:
        info(f"copied {report.rows.get('record', 0):,} records and {report.rows.get('event', 0):,} "
             f"history events to {args.dest}" + (" (strict)" if report.strict else ""))
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from screener.cli.commands import opened

    with opened(args.project) as p:
        if args.strict:
            for warning in p.settings.make_strict():
                info(f"warning: {warning}")
        if args.resolve_by:
            p.settings.update(resolve_policy=args.resolve_by)
        s = p.settings.info()
        me = p.settings.bound_reviewer()
    if args.json:
        emit_json({"title": s.title, "strict": s.strict, "resolve_by": s.resolve_policy,
                   "reviewers_per_record": s.reviewers_per_record, "blind": s.blind,
                   "you_are": me})
    else:
        rows: list[list[object]] = [["title", s.title], ["strict", "yes" if s.strict else "no"],
                                    ["who may resolve", s.resolve_policy],
                                    ["reviewers per record", s.reviewers_per_record.get("title_abstract")]]
        if me:
            rows.append(["you are", me])
        table(rows, ["setting", "value"])
    return 0
