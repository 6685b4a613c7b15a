"""the one-statement decision on a server: ``screener_decide`` and ``screener_refresh_status``
(store/server_functions.py) on every PostgreSQL project, plain or strict

A project file has no functions: nothing changes there. After this (as after every
migration) ``store.security.after_migrate`` creates the functions again, and a strict
project's triggers and policies.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from alembic import op

from screener.store.server_functions import install_functions

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    install_functions(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("schema 0008 cannot be taken back to 0007")
