"""A PostgreSQL server for the team-project tests: one of their own (it may be stopped and
started, ask for passwords and speak TLS), with a reviewer login that has a password."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from screener.core.connection import TeamConnection
from screener.core.project import Project
from tests.factories import add_batch, make_record
from tests.pg import PostgresServer

PASSWORD = "Pw-of-ana-7f3!q"  # looked for in settings and logs: it must never be there


@dataclass
class TeamServer:
    server: PostgresServer
    ca: Path  # the root certificate that signed the server's

    def admin(self, sql: str, database: str = "postgres") -> None:
        with psycopg.connect(host="127.0.0.1", port=self.server.port, user=self.server.user,
                             dbname=database, autocommit=True) as conn:
            conn.execute(sql)

    def connection(self, database: str, user: str = "ana", sslmode: str = "prefer",
                   sslrootcert: str = "") -> TeamConnection:
        return TeamConnection(host="127.0.0.1", database=database, user=user,
                              port=self.server.port, sslmode=sslmode, sslrootcert=sslrootcert)

    def new_project(self, database: str, records: int = 6, per_record: int = 2,
                    reviewers: tuple[str, ...] = ("ana", "bob")) -> TeamConnection:
        """A project in a new database owned by ana (who must give her password)."""
        self.admin(f'CREATE DATABASE "{database}" OWNER ana')
        c = self.connection(database)
        with Project.create(c.url.replace("ana@", f"ana:{PASSWORD}@"), title="Peer roles review",
                            reasons=["Wrong population"], reviewers_per_record=per_record,
                            include_criteria=["Peer support workers"]) as p:
            for name in reviewers:
                p.settings.add_reviewer(name)
            tmp = Path(self.server.root) / f"import-{database}"
            tmp.mkdir(exist_ok=True)
            add_batch(p, [make_record(i) for i in range(1, records + 1)], tmp=tmp)
        return c


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A root certificate, and a server certificate it signed for 127.0.0.1 and localhost."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, cwd=folder, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Team CA",
        "-keyout", "ca.key", "-out", "ca.crt")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
        "-out", "server.csr")
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt")
    return folder / "ca.crt", folder / "server.crt", folder / "server.key"


