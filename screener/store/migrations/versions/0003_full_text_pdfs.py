"""Full text: PDFs in the database for server projects, checksums of attached PDFs, the
"not_retrieved" status, and the once-only question about the old default reason.

- ``stored_pdf`` holds a server project's PDFs (a project file keeps them beside it);
- ``retrieval`` gains the attached PDF's checksum (unique: one PDF, one record) and its
  original file name;
- ``project.legacy_reason_asked``: whether the reviewers were asked what the old default
  reason "Not available in full text" means in this project (existing projects: not yet);
- a report marked not retrieved now has the full-text status ``not_retrieved`` (derived,
  as every status is, from the decisions and the retrieval), so it leaves every queue.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stored_pdf',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['record.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('record_id'),
    )
    with op.batch_alter_table('retrieval', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pdf_name', sa.Text(), nullable=False, server_default=''))
    op.create_index('uq_retrieval_pdf_sha256', 'retrieval', ['pdf_sha256'], unique=True,
                    sqlite_where=sa.text("pdf_sha256 != ''"), postgresql_where=sa.text("pdf_sha256 != ''"))
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legacy_reason_asked', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('retrieval', 'pdf_sha256', server_default=None)
        op.alter_column('retrieval', 'pdf_name', server_default=None)
        op.alter_column('project', 'legacy_reason_asked', server_default=None)
    op.execute(
        "UPDATE stage_status SET status = 'not_retrieved', reason = '' "
        "WHERE stage = 'full_text' AND status != 'duplicate' AND record_id IN "
        "(SELECT record_id FROM retrieval WHERE retrieved = " + ("0" if op.get_bind().dialect.name == 'sqlite' else "false") + ")"
    )


def downgrade() -> None:
    raise NotImplementedError("schema 0003 cannot be taken back to 0002")
