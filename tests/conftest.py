"""Test set-up shared by every suite: offscreen Qt, and no test touches the user's files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, recent projects, logs and the demo go to a temporary home per test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def postgres():  # type: ignore[no-untyped-def]
    """A PostgreSQL server for the session (started on first use)."""
    from tests.pg import PostgresServer, pg_bin_dir

    bindir = pg_bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def project_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new project goes: a .screener file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "review.screener")
    return request.getfixturevalue("postgres").new_database()
