"""Strict mode's rules for the tables of stopping screening early (store/security.py
installs them with its own; kept here so that security.py stays readable).

- Everyone reads the random samples and the decisions to stop: they are the team's
  procedure, not anyone's judgement of a record.
- A reviewer role draws a sample only in its own name, and adds records only to a sample
  it drew in the same transaction.
- A reviewer role records (or withdraws) a stop only in its own name, and only if it has
  the resolver role or the project has no resolver (as core/services/stopping.py checks);
  it lists the records left unscreened only with a stop it made in the same transaction.
- Nothing is changed or deleted: a stop is withdrawn by a new row naming it.
- Times are the server's clock (the ``screener_check_write`` trigger).
"""

from __future__ import annotations

STOPPING_EVENT_KINDS = ("stopping_sample", "stopped", "stop_withdrawn")
STOPPING_WRITES = {
    "stopping_sample": "INSERT",
    "stopping_sample_record": "INSERT",
    "stopping_decision": "INSERT",
    "stopping_left": "INSERT",
}
STOPPING_RLS = tuple(STOPPING_WRITES)
STOPPING_SEQUENCES = ("stopping_sample", "stopping_decision")
#: (table, the column the server's clock stamps) for ``screener_check_write``
STOPPING_STAMPED = (("stopping_sample", "started_at"), ("stopping_decision", "decided_at"))


def stopping_policies(s: str) -> dict[str, list[str]]:
    me = f"(SELECT r.id FROM {s}.reviewer r WHERE r.login = current_user)"
    this_transaction = "(now() AT TIME ZONE 'utc')"
    may_stop = (f"(EXISTS (SELECT 1 FROM {s}.reviewer r WHERE r.login = current_user "
                f"AND r.role = 'resolver') OR NOT EXISTS (SELECT 1 FROM {s}.reviewer r "
                f"WHERE r.role = 'resolver'))")
    return {
        "stopping_sample": [
            "FOR SELECT USING (true)",
            f"FOR INSERT WITH CHECK (reviewer_id = {me})",
        ],
        "stopping_sample_record": [
            "FOR SELECT USING (true)",
            f"FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM {s}.stopping_sample ss "
            f"WHERE ss.id = stopping_sample_record.sample_id AND ss.reviewer_id = {me} "
            f"AND ss.started_at >= {this_transaction}))",
        ],
        "stopping_decision": [
            "FOR SELECT USING (true)",
            f"FOR INSERT WITH CHECK (reviewer_id = {me} AND {may_stop} AND "
            "((action = 'stop' AND withdraws_id IS NULL) OR "
            "(action = 'withdraw' AND withdraws_id IS NOT NULL)))",
        ],
        "stopping_left": [
            "FOR SELECT USING (true)",
            f"FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM {s}.stopping_decision d "
            f"WHERE d.id = stopping_left.stop_id AND d.action = 'stop' AND d.reviewer_id = {me} "
            f"AND d.decided_at >= {this_transaction}))",
        ],
    }
