"""Fixtures for the team-project GUI tests: a PostgreSQL server of their own (see
``tests/team_server.py``) and the keyring's file backend in a temporary folder.
Registered with ``pytest_plugins``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from tests.pg import PostgresServer, pg_bin_dir
from tests.team_server import PASSWORD, TeamServer, make_certificates


@pytest.fixture(scope="module")
def team_server() -> Iterator[TeamServer]:
    bindir = pg_bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (apt-get install openssl)")
    server = PostgresServer(bindir)
    server.start()
    try:
        ca, crt, key = make_certificates(server.root)
        if server.as_root:
            for f in (crt, key):
                shutil.chown(f, "postgres")
        key.chmod(0o600)
        with open(server.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"ssl = on\nssl_cert_file = '{crt}'\nssl_key_file = '{key}'\n")
        team = TeamServer(server, ca)
        team.admin(f"CREATE ROLE ana LOGIN PASSWORD '{PASSWORD}'")
        team.admin("CREATE ROLE tlsonly LOGIN PASSWORD 'tls-pw'")
        server.add_hba("hostnossl all tlsonly 127.0.0.1/32 reject",
                       "host all tlsonly 127.0.0.1/32 scram-sha-256",
                       "host all ana 127.0.0.1/32 scram-sha-256")  # also reloads ssl
        yield team
    finally:
        server.stop()


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    """keyring's file backend, in this test's folder."""
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
