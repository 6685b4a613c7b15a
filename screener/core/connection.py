"""A project on a PostgreSQL server: where it is, how to reach it, and what went wrong.

A ``TeamConnection`` names a server project by its parts (host, port, database, user and
TLS mode) and turns them into the project's URL. The URL never holds a password: that is
passed to the driver on its own (see ``credentials``), so the URL can be shown, logged
and remembered as a recent project. Driver errors become one plain sentence each.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.engine import URL, make_url

from screener.types import ScreenerError

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
VERIFYING = ("verify-ca", "verify-full")  # modes that check the server's certificate
DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"


@dataclass(frozen=True)
class TeamConnection:
    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str = "prefer"
    sslrootcert: str = ""  # a root certificate file, for verify-ca and verify-full

    def check(self) -> TeamConnection:
        """Itself, or a ScreenerError naming the part that is missing or wrong."""
        for label, value in (("server", self.host), ("database", self.database),
                             ("user", self.user)):
            if not value.strip():
                raise ScreenerError(f"give the {label}")
            if any(ord(c) < 32 for c in value):
                raise ScreenerError(f"the {label} holds a control character")
        if not 0 < self.port < 65536:
            raise ScreenerError(f"port {self.port} is not a TCP port (1-65535)")
        if self.sslmode not in SSL_MODES:
            raise ScreenerError(f"TLS mode must be one of {', '.join(SSL_MODES)}")
        return self

    @property
    def url(self) -> str:
        """The project's address, e.g. ``postgresql+psycopg://ana@db.example.org:5432/review``
        (with ``?sslmode=…`` unless it is libpq's default, ``prefer``). No password."""
        query: dict[str, str] = {}
        if self.sslmode != "prefer":
            query["sslmode"] = self.sslmode
        if self.sslrootcert and self.sslmode not in ("disable", "allow", "prefer"):
            query["sslrootcert"] = self.sslrootcert
        url = URL.create(DRIVER, username=self.user, host=self.host.strip(), port=self.port,
                         database=self.database, query=query)
        return url.render_as_string(hide_password=False)

    @property
    def label(self) -> str:
        """How a person names it: ``review on db.example.org``."""
        return f"{self.database} on {self.host}"

    @property
    def address(self) -> str:
        """``ana@db.example.org:5432``, and the TLS mode when it is not the default."""
        tls = "" if self.sslmode == "prefer" else f" · TLS {self.sslmode}"
        return f"{self.user}@{self.host}:{self.port}{tls}"

    @classmethod
    def from_url(cls, url: str) -> TeamConnection:
        """The parts of a ``postgresql…://user@host:port/db?sslmode=…`` URL (a password in it
        is ignored: it is never kept)."""
        try:
            u = make_url(url)
        except Exception:  # noqa: BLE001 - any unparsable text
            raise ScreenerError(f"not a database URL: {url!r}") from None
        if not u.drivername.startswith("postgresql"):
            raise ScreenerError(f"not a PostgreSQL URL: {url!r}")
        query = {k: (v if isinstance(v, str) else v[0]) for k, v in u.query.items()}
        return cls(host=u.host or "localhost", database=u.database or "", user=u.username or "",
                   port=u.port or DEFAULT_PORT, sslmode=query.get("sslmode", "prefer"),
                   sslrootcert=query.get("sslrootcert", ""))


def is_team_url(target: str) -> bool:
    return target.startswith("postgresql")


def without_password(url: str) -> str:
    """The URL with any password taken out (for showing, logging and remembering)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = unquote(parts.username or "")
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}@{host}" if user else host
    if parts.port:
        netloc += f":{parts.port}"
    query = "&".join(f"{k}={v[0]}" for k, v in parse_qs(parts.query).items())
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def explain(error: BaseException, target: str) -> str:
    """One plain sentence for a failure to open a project on a server."""
    text = str(error)
    where = target
    try:
        c = TeamConnection.from_url(target)
        where = f"{c.host}:{c.port}"
        user, database, mode = c.user, c.database, c.sslmode
    except ScreenerError:
        user, database, mode = "", "", ""
    low = text.lower()
    if "password authentication failed" in low:
        return f"The server at {where} refused the password for {user!r}. Check it and try again."
    if "no password supplied" in low:
        return f"The server at {where} asks for a password for {user!r}."
    if "no encryption" in low and ("pg_hba" in low):
        return (f"The server at {where} accepts only encrypted connections: choose the TLS mode "
                f"'require' or stronger (now {mode!r}).")
    if "does not support ssl" in low:
        return (f"The server at {where} does not offer TLS, which TLS mode {mode!r} requires: "
                "ask its administrator, or choose 'prefer'.")
    if "certificate" in low or "ssl" in low and "verify" in low:
        detail = text.split("failed:", 1)[-1].strip().splitlines()[0]
        return f"The server's TLS certificate could not be verified: {detail}"
    if "pg_hba.conf" in low:
        return (f"The server at {where} does not let {user!r} connect to {database!r} from "
                "this computer; ask its administrator.")
    if "database" in low and "does not exist" in low:
        return f"There is no database {database!r} on the server at {where}."
    if "role" in low and "does not exist" in low:
        return f"The server at {where} has no user {user!r}."
    if ("connection refused" in low or "failed to resolve host" in low or "timeout" in low
            or "could not translate host name" in low or "no route to host" in low
            or "network is unreachable" in low or "server closed the connection" in low
            or "ssl negotiation" in low):
        first = text.split("failed:", 1)[-1].strip().splitlines()[0]
        return (f"Cannot reach the server at {where} ({first}). Check the server name and port, "
                "and that it is running and reachable from this computer.")
    return f"Cannot open the project at {where}: {text.strip().splitlines()[0] if text.strip() else type(error).__name__}"
