"""Is a pooled server connection still alive? Asked at every checkout, without a round trip.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` to the server before every unit of work:
a round trip, and a wake-up of the server's process, for each decision. Instead, an idle
connection is looked at: when the server has gone (stopped, restarted, the backend
terminated) the operating system has already seen it close the connection (or the server's
last word is waiting, unread), so its socket has something to read. An idle connection
that is alive has nothing to read: nothing is sent to it unasked. A connection found
readable, closed or broken is thrown away, and the pool opens a new one before anything
is sent; nothing is lost. (A server that vanished without closing anything, such as a
network cut, is found by the first statement instead, which fails within the keepalive
and ``tcp_user_timeout`` limits of ``engine.PG_CONNECT_DEFAULTS``, as a ping would.)
"""

from __future__ import annotations

import selectors
from typing import Any

from sqlalchemy.exc import DisconnectionError


def check_alive(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """A pool ``checkout`` hook: raise DisconnectionError (the pool then connects again) for
    a connection the server has closed."""
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        raise DisconnectionError("the connection was closed")
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(dbapi_conn.fileno(), selectors.EVENT_READ)
            readable = bool(sel.select(0))
    except (OSError, ValueError) as e:
        raise DisconnectionError(f"the connection cannot be checked ({e})") from None
    if readable:
        raise DisconnectionError("the server closed the connection")
