"""team review you can trust: strict mode, who may resolve, package secrets, checked values

- ``project.strict``: on a PostgreSQL server, blinding enforced by the database
  (row-level security installed by ``screener.store.security``, not here: a project is
  made strict when it is created, or copied, with ``--strict``).
- ``project.resolve_policy``: who may resolve a conflict (consensus by default).
- ``reviewer.login``: the database login role that is this reviewer.
- ``package_token``: the SHA-256 of each screening package's secret.
- CHECK constraints: a decision is include, exclude or maybe; a resolution include or
  exclude; a stage title_abstract or full_text. Existing rows are checked first, and a
  project holding a foreign value is refused with a message naming the row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from screener.types import ScreenerError

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

STAGES = "('title_abstract', 'full_text')"
CHECKS = {
    'decision': (("ck_decision_value", "decision IN ('include', 'exclude', 'maybe')"),
                 ("ck_decision_stage", f"stage IN {STAGES}")),
    'resolution': (("ck_resolution_value", "decision IN ('include', 'exclude')"),
                   ("ck_resolution_stage", f"stage IN {STAGES}")),
}


def _refuse_foreign_values() -> None:
    conn = op.get_bind()
    for table, checks in CHECKS.items():
        for _name, condition in checks:
            row = conn.exec_driver_sql(
                f"SELECT record_id, stage, decision FROM {table} WHERE NOT ({condition}) LIMIT 1"
            ).first()
            if row is not None:
                raise ScreenerError(
                    f"this project holds a {table} that is not valid (record {row[0]}, stage "
                    f"{row[1]!r}, decision {row[2]!r}): it was edited outside Screener; "
                    "correct or delete that row, then open the project again"
                )


def upgrade() -> None:
    op.add_column('project', sa.Column('strict', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.add_column('project', sa.Column('resolve_policy', sa.String(length=20), nullable=False,
                                       server_default='consensus'))
    op.add_column('reviewer', sa.Column('login', sa.String(length=63), nullable=True))
    op.create_index('ix_reviewer_login', 'reviewer', ['login'], unique=True)
    op.create_table('package_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('file', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=True),
    sa.Column('merged_as', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('secret_sha256')
    )
    op.create_index('ix_package_token_reviewer_id', 'package_token', ['reviewer_id'], unique=False)
    _refuse_foreign_values()
    # SQLite adds a CHECK only by rebuilding the table (neither table is referenced by another).
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    raise NotImplementedError("schema 0004 cannot be taken back to 0003")
