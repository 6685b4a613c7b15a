"""The hot path of screening on a server: one reviewer's title/abstract decision as ONE
statement in its own transaction, ``SELECT screener_decide(...)`` (store/server_functions.py).

On a plain project the function takes the record's status lock, writes the decision and its
history event and refreshes the status; on a strict one it runs as the reviewer's own role,
so row-level security and the triggers check and complete it as they do the ORM's
statements (the role is the identity; the history stays append-only). Either way one round
trip instead of a transaction of eight or more (BEGIN, locks, reads, writes, COMMIT), which
is what many reviewers deciding at once on a few shared cores wait for
(tests/bench/bench_team_load.py).

It takes the common case only: no reason to check against the project's list and, on a
strict project, the connection's own reviewer (anyone else is refused by the general way
with its message). When the function says the general way must do it (NULL: nothing was
written), ``ScreeningService.decide`` does, in a unit of work of its own.
tests/store/test_decide_server.py checks that both leave the same rows.
"""

from __future__ import annotations

from datetime import datetime

from screener.store.engine import Store
from screener.store.identity import identity_of
from screener.store.server_functions import call_decide
from screener.text import has_controls, strip_controls

ENABLED = True  # tests/bench/bench_team_load.py turns it off to measure the general way


def decide_on_server(store: Store, record_id: int, reviewer: str, decision: str, reason: str,
                     note: str) -> tuple[datetime, str] | None:
    """Record the decision (committed) and return (decided at, reason as stored), or None
    (nothing written) when the general way must do it."""
    if not ENABLED or store.is_sqlite or reason.strip():
        return None
    with store.WriteSession() as s:  # no connection yet: only who this project says we are
        me = identity_of(s)
    if me.strict and me.reviewer != reviewer:
        return None  # the general way refuses, saying who this login is
    if has_controls(note):  # as the ORM's flush does for every row (store.clean_text)
        note = strip_controls(note)
    at = call_decide(store.WriteSession.kw["bind"], record_id, reviewer, decision, note)
    return None if at is None else (at, "")
