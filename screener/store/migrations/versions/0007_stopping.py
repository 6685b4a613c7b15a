"""stopping screening early: random samples for the stopping test, decisions to stop

- ``stopping_sample`` / ``stopping_sample_record``: a random sample of the records
  unscreened when it was drawn, in drawn order (Callaghan & Müller-Hansen 2020);
- ``stopping_decision``: a decision to stop screening at a stage, or to withdraw one, with
  the method, its figures, who decided and when (append-only);
- ``stopping_left``: the records left without a final decision when screening stopped.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stopping_sample',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('urn_size', sa.Integer(), nullable=False),
        sa.Column('relevant_before', sa.Integer(), nullable=False),
        sa.Column('screened_before', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'stopping_sample_record',
        sa.Column('sample_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sample_id'], ['stopping_sample.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('sample_id', 'position'),
    )
    op.create_index('ix_stopping_sample_record', 'stopping_sample_record', ['record_id'])
    op.create_table(
        'stopping_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('withdraws_id', sa.Integer(), nullable=True),
        sa.Column('method', sa.String(length=40), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("action IN ('stop', 'withdraw')", name='ck_stopping_action'),
        sa.CheckConstraint("stage IN ('title_abstract', 'full_text')", name='ck_stopping_stage'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id']),
        sa.ForeignKeyConstraint(['withdraws_id'], ['stopping_decision.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'stopping_left',
        sa.Column('stop_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['stop_id'], ['stopping_decision.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('stop_id', 'record_id'),
    )


def downgrade() -> None:
    raise NotImplementedError("schema 0007 cannot be taken back to 0006")
