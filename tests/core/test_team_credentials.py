"""Team project addresses and where their passwords are kept: the URL never carries a
password, ~/.pgpass is written as libpq reads it (mode 0600, other lines kept), and the
keyring is reached through the keyring package (its file backend in a temporary folder)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from screener.core import credentials
from screener.core.connection import TeamConnection, explain, without_password
from screener.types import ScreenerError

C = TeamConnection(host="db.example.org", database="peer-review", user="ana", port=5433,
                   sslmode="verify-full", sslrootcert="/etc/ssl/team ca.pem")


def test_the_url_names_every_part_but_never_a_password() -> None:
    url = C.url
    assert url.startswith("postgresql+psycopg://ana@db.example.org:5433/peer-review?")
    assert "sslmode=verify-full" in url and "sslrootcert=" in url
    assert TeamConnection.from_url(url) == C
    plain = TeamConnection(host="h", database="d", user="u")
    assert plain.url == "postgresql+psycopg://u@h:5432/d"  # prefer is libpq's default
    assert TeamConnection.from_url("postgresql+psycopg://u:secret@h/d") == plain


def test_a_password_in_a_url_is_taken_out_before_it_is_shown_or_kept() -> None:
    assert without_password("postgresql+psycopg://ana:s3cr%3At@db:5433/rev?sslmode=require") == \
        "postgresql+psycopg://ana@db:5433/rev?sslmode=require"
    assert without_password("postgresql+psycopg://ana@db/rev") == "postgresql+psycopg://ana@db/rev"


@pytest.mark.parametrize("part, value, says", [
    ("host", " ", "give the server"), ("database", "", "give the database"),
    ("user", "a\x07b", "control character"), ("port", 70000, "not a TCP port"),
    ("sslmode", "sometimes", "TLS mode must be one of"),
])
def test_a_connection_with_a_missing_or_wrong_part_is_refused_by_name(part, value, says) -> None:  # type: ignore[no-untyped-def]
    fields = {"host": "h", "database": "d", "user": "u", part: value}
    with pytest.raises(ScreenerError, match=says):
        TeamConnection(**fields).check()  # type: ignore[arg-type]


@pytest.mark.parametrize("driver_error, says", [
    ('connection to server at "db", port 5433 failed: FATAL:  password authentication failed '
     'for user "ana"', "refused the password for 'ana'"),
    ("connection to server at \"db\" failed: fe_sendauth: no password supplied", "asks for a password"),
    ('failed: FATAL:  pg_hba.conf rejects connection for host "1.2.3.4", user "ana", database '
     '"rev", no encryption', "accepts only encrypted connections"),
    ("failed: server does not support SSL, but SSL was required", "does not offer TLS"),
    ("failed: Connection refused\n\tIs the server running", "Cannot reach the server at db.example.org:5433"),
    ("failed to resolve host 'nohost': Name or service not known", "Cannot reach the server"),
    ('failed: FATAL:  database "peer-review" does not exist', "no database 'peer-review'"),
    ("failed: root certificate file \"/x\" does not exist", "certificate could not be verified"),
])
def test_driver_errors_become_one_plain_sentence(driver_error: str, says: str) -> None:
    text = explain(RuntimeError(driver_error), C.url)
    assert says in text
    assert "\n" not in text


def test_pgpass_is_written_for_the_owner_only_and_keeps_other_lines(tmp_path: Path) -> None:
    path = tmp_path / "pgpass"
    path.write_text("# mine\nother.host:5432:*:bob:bobs:pw\n", encoding="utf-8")
    os.chmod(path, 0o644)
    credentials.save_to_pgpass(C, "first", path)
    credentials.save_to_pgpass(C, "pa:ss\\word", path)  # replaces the line, escaped as libpq wants
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["# mine", "other.host:5432:*:bob:bobs:pw"]
    assert lines[2:] == ["db.example.org:5433:peer-review:ana:pa\\:ss\\\\word"]
    assert credentials.pgpass_password(C, path) == "pa:ss\\word"
    bob = TeamConnection(host="other.host", database="anything", user="bob")
    assert credentials.pgpass_password(bob, path) == "bobs:pw"  # '*' matches; the rest is the password
    assert credentials.pgpass_password(TeamConnection("x", "d", "u"), path) is None


def test_pgpass_follows_pgpassfile(file_keyring, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "elsewhere"))
    credentials.save_to_pgpass(C, "pw")
    assert (tmp_path / "elsewhere").exists()
    assert credentials.stored_password(C) == ("pw", "pgpass")


def test_a_password_with_a_line_break_is_refused_for_pgpass(tmp_path: Path) -> None:
    with pytest.raises(ScreenerError, match="line break"):
        credentials.save_to_pgpass(C, "a\nb", tmp_path / "pgpass")
    assert not (tmp_path / "pgpass").exists()


@pytest.fixture
def file_keyring(tmp_path: Path):  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_keyring_keeps_one_password_per_user_server_and_database(file_keyring, tmp_path: Path,
                                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    assert credentials.keyring_backend_name()
    assert credentials.stored_password(C) == (None, "")
    credentials.save_to_keyring(C, "s3cret")
    assert credentials.stored_password(C) == ("s3cret", "keyring")
    assert credentials.keyring_password(TeamConnection(C.host, C.database, "bob", C.port)) is None
    credentials.forget_keyring_password(C)
    assert credentials.keyring_password(C) is None


def test_no_keyring_on_this_computer_is_said_not_hidden(tmp_path: Path) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert credentials.keyring_backend_name() is None
        assert credentials.keyring_password(C) is None
        with pytest.raises(ScreenerError, match="keyring did not keep"):
            credentials.save_to_keyring(C, "pw")
    finally:
        keyring.set_keyring(previous)
