"""A throwaway PostgreSQL server on 127.0.0.1 for the tests that run on both backends."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path


def pg_bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self, bindir: Path, password: str | None = None) -> None:
        """With ``password``, every connection must give one (SCRAM), the superuser's that."""
        self.bindir = bindir
        self.password = password
        self.root = Path(tempfile.mkdtemp(prefix="screener-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "postgres")
        auth = ["-A", "trust"]
        if self.password:
            pwfile = self.root / "pwfile"
            pwfile.write_text(self.password + "\n")
            if self.as_root:
                shutil.chown(pwfile, "postgres")
            auth = ["-A", "scram-sha-256", f"--pwfile={pwfile}"]
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), *auth, "-U", self.user,
                  "--no-sync", "-E", "UTF8")
        self.resume()

    def resume(self) -> None:
        """Start the server (again, after ``halt``) on the same port, with the same data."""
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root} -F", "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start")

    def url(self, database: str) -> str:
        user = f"{self.user}:{self.password}" if self.password else self.user
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        password = f" password={self.password}" if self.password else ""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres{password}",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def halt(self) -> None:
        """Stop the server as if it went away mid-session, keeping its data for ``resume``."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def add_hba(self, *lines: str) -> None:
        """Put pg_hba.conf rules before the default ``trust`` ones and reload the server,
        e.g. ``host all ana 127.0.0.1/32 scram-sha-256`` to make ana give a password."""
        hba = self.data / "pg_hba.conf"
        hba.write_text("\n".join(lines) + "\n" + hba.read_text())
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "reload")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def lead_server(*databases: str) -> Iterator[PostgresServer]:
    """For a module fixture: a server that asks every role for its password (the superuser's
    is ``admin-pw``), a role ``lead`` (password ``lead-pw``) that may create roles, and
    ``databases`` owned by it; stopped and removed afterwards."""
    import psycopg
    import pytest

    bindir = pg_bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    server = PostgresServer(bindir, password="admin-pw")
    server.start()
    try:
        with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user,
                             password="admin-pw", dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE ROLE lead LOGIN CREATEROLE PASSWORD 'lead-pw'")
            for name in databases:
                conn.execute(f'CREATE DATABASE "{name}" OWNER lead')
        yield server
    finally:
        server.stop()
