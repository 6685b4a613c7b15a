"""A strict team project on the test server, set up the way docs/team-server.md says: an
owner role (not a superuser) that owns its database, and one login role per reviewer.

The test server trusts connections from 127.0.0.1, so roles log in without a password
here (tests/cli/test_cli_team.py checks passwords on a server that asks for them).
Roles belong to the whole server, so each team's names carry a suffix of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from screener.core.project import Project
from tests.factories import add_batch, make_record
from tests.pg import PostgresServer

REVIEWERS = {"ana": "reviewer", "bob": "reviewer", "carla": "resolver"}


@dataclass
class Team:
    server: PostgresServer
    database: str
    owner: str
    names: dict[str, str] = field(default_factory=dict)  # short name -> reviewer (= role) name

    def __getitem__(self, short: str) -> str:
        return self.names[short]

    def url(self, role: str | None = None) -> str:
        return f"postgresql+psycopg://{role or self.owner}@127.0.0.1:{self.server.port}/{self.database}"

    def open(self, short: str | None = None) -> Project:
        """The project as the owner, or as reviewer ``short`` logged in as their role."""
        return Project.open(self.url(self.names[short] if short else None))

    def sql(self, short: str | None = None, **kw: object) -> psycopg.Connection:
        """A plain psycopg connection, as a reviewer's role (or the owner's)."""
        role = self.names[short] if short else self.owner
        return psycopg.connect(host="127.0.0.1", port=self.server.port, user=role,
                               dbname=self.database, **kw)  # type: ignore[arg-type]


def superuser(server: PostgresServer) -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", port=server.port, user=server.user, dbname="postgres",
                           autocommit=True)


def strict_team(server: PostgresServer, tmp: Path, *, records: int = 6, per_record: int = 2,
                resolve_by: str = "consensus", reviewers: dict[str, str] | None = None,
                strict: bool = True) -> Team:
    uid = uuid.uuid4().hex[:6]
    team = Team(server, f"team_{uid}", f"owner_{uid}")
    with superuser(server) as conn:
        conn.execute(f'CREATE ROLE "{team.owner}" LOGIN CREATEROLE')
        conn.execute(f'CREATE DATABASE "{team.database}" OWNER "{team.owner}"')
    with Project.create(team.url(), title="Peer roles review", reasons=["Wrong population", "Wrong design"],
                        reviewers_per_record=per_record, strict=strict, resolve_policy=resolve_by) as p:
        assert p.setup_warnings == []
        if records:
            add_batch(p, [make_record(i) for i in range(1, records + 1)], tmp=tmp)
        for short, role in (reviewers or REVIEWERS).items():
            team.names[short] = f"{short}_{uid}"
            p.settings.add_reviewer(team.names[short], role, login=strict,
                                    password=f"pw-{short}" if strict else None)
    return team
