"""one index fewer on the status rows: ``ix_stage_status_status`` goes

``ix_stage_status_list`` (0006) starts with the same column, so it serves every query the
single-column index served; the status rows of an import (two a record) and of every
decision then keep one index up fewer, and a large import builds one fewer at its end.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_stage_status_status', table_name='stage_status')


def downgrade() -> None:
    op.create_index('ix_stage_status_status', 'stage_status', ['status'])
