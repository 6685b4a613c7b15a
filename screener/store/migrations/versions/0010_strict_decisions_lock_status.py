"""a strict project's decisions lock their record's statuses before checking it: a reviewer
role's decision or resolution takes its record's status row locks in a trigger
(``screener_check_lock``, before ``screener_check_write``; store/security.py), as a dedup run does before it
reads decisions, so that a decision and a merge of its record follow each other

Nothing changes in the tables. After this (as after every migration)
``store.security.after_migrate`` creates a strict project's functions and triggers again
with the new trigger (its function is not callable: firing needs no grant); a plain project and a project file
are as they were.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # store.security.after_migrate does the work on a strict project


def downgrade() -> None:
    pass  # the functions stay: they lock and check what the tables of 0009 hold
