"""Where the password for a team project is kept: the system keyring, or ``~/.pgpass``.

Never in Screener's settings, the recent list or the log. The keyring is reached through
the ``keyring`` package (Secret Service, KWallet, macOS Keychain, Windows Credential
Manager); ``~/.pgpass`` is PostgreSQL's own password file, which the driver reads by
itself, so a password kept there also works for ``psql`` and the ``screener`` command.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from screener.core.connection import TeamConnection
from screener.types import ScreenerError

SERVICE = "Screener"  # the keyring's service name for every team project


def key(c: TeamConnection) -> str:
    """The keyring's user name for a connection: one password per user, server and database."""
    return f"{c.user}@{c.host}:{c.port}/{c.database}"


# the system keyring
def keyring_backend_name() -> str | None:
    """The name of the keyring in use, or None when this computer offers none (a headless
    machine with no Secret Service, for example)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring set-up means: no keyring
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    return type(backend).__module__.rsplit(".", 1)[-1] + " " + type(backend).__name__


def keyring_password(c: TeamConnection) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, key(c))
    except Exception:  # noqa: BLE001 - no keyring, or it is locked: ask instead
        return None


def save_to_keyring(c: TeamConnection, password: str) -> None:
    try:
        import keyring

        keyring.set_password(SERVICE, key(c), password)
    except Exception as e:  # noqa: BLE001
        raise ScreenerError(f"the system keyring did not keep the password: {e}") from None


def forget_keyring_password(c: TeamConnection) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, key(c))
    except Exception:  # noqa: BLE001 - nothing stored, or no keyring: nothing to forget
        pass


# ~/.pgpass
def pgpass_path() -> Path:
    """PostgreSQL's password file: $PGPASSFILE, or ~/.pgpass (%APPDATA%\\postgresql\\pgpass.conf
    on Windows)."""
    if os.environ.get("PGPASSFILE"):
        return Path(os.environ["PGPASSFILE"])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", "~")).expanduser() / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _fields(line: str) -> list[str]:
    out: list[str] = []
    cur, i = "", 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur += line[i + 1]
            i += 2
            continue
        if ch == ":" and len(out) < 4:
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    out.append(cur)
    return out


def _entry(c: TeamConnection) -> list[str]:
    return [c.host, str(c.port), c.database, c.user]


def pgpass_password(c: TeamConnection, path: Path | None = None) -> str | None:
    """The password ``~/.pgpass`` holds for this connection (its first matching line, ``*``
    matching anything, as libpq reads it), or None."""
    path = path or pgpass_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    want = _entry(c)
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _fields(line)
        if len(fields) == 5 and all(f in ("*", w) for f, w in zip(fields, want, strict=False)):
            return fields[4]
    return None


def save_to_pgpass(c: TeamConnection, password: str, path: Path | None = None) -> Path:
    """Add (or replace) this connection's line in ``~/.pgpass``, readable by its owner only
    (mode 0600, which libpq requires). Other lines are kept as they were. The file is
    replaced whole, so a crash leaves the old one or the new one, never half of either."""
    if any(ch in password for ch in "\r\n"):
        raise ScreenerError("a password with a line break cannot be kept in .pgpass")
    path = path or pgpass_path()
    want = _entry(c)
    try:
        old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    except (OSError, UnicodeDecodeError) as e:
        raise ScreenerError(f"{path}: cannot read it ({e})") from None
    kept = [line for line in old if _fields(line)[:4] != want]
    kept.append(":".join(_escape(f) for f in [*want, password]))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".pgpass-", dir=path.parent)  # created with mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(kept) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ScreenerError(f"{path}: cannot write it ({e})") from None
    return path


def stored_password(c: TeamConnection) -> tuple[str | None, str]:
    """The remembered password and where it came from (``keyring``, ``pgpass`` or ``""``)."""
    pw = keyring_password(c)
    if pw is not None:
        return pw, "keyring"
    pw = pgpass_password(c)
    if pw is not None:
        return pw, "pgpass"
    return None, ""
