"""the team's workspace: labels, assignments, update rounds, reasons at title/abstract

- ``label`` (the project's list) and ``record_label`` (who put which label on a record);
- ``assignment``: records given to reviewers (``screener assign``);
- ``batch.update_round``: 0 for the review's own searches, 1, 2, ... for each update;
- ``project.ta_reason_required``: title/abstract exclusions must name a reason;
- an index on record type, for the list's type filter.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'label',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'record_label',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('label_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['label_id'], ['label.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id']),
        sa.PrimaryKeyConstraint('record_id', 'label_id', 'reviewer_id'),
    )
    op.create_index('ix_record_label_label', 'record_label', ['label_id', 'record_id'])
    op.create_table(
        'assignment',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id']),
        sa.PrimaryKeyConstraint('record_id', 'reviewer_id', 'stage'),
    )
    op.create_index('ix_assignment_reviewer', 'assignment', ['reviewer_id', 'stage', 'record_id'])
    op.add_column('batch', sa.Column('update_round', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('project', sa.Column('ta_reason_required', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    if op.get_bind().dialect.name != 'sqlite':  # SQLite cannot drop a default in place; harmless there
        op.alter_column('batch', 'update_round', server_default=None)
        op.alter_column('project', 'ta_reason_required', server_default=None)
    op.create_index('ix_record_type_key', 'record', ['type', 'id'])


def downgrade() -> None:
    raise NotImplementedError("schema 0003 cannot be taken back to 0002")
