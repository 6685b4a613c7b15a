"""record.raw (JSON) becomes record.source_tags (text)

Schema 0001 kept a record's original tags as a JSON list of [tag, value] pairs. Encoding
that list was a third of the cost of an import, so from 0002 they are one text value
(see ``screener.store.rows.encode_tags``), which still reads the JSON list form: the old
values are copied over unchanged.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('record', sa.Column('source_tags', sa.Text(), nullable=False, server_default=''))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("UPDATE record SET source_tags = raw")
    else:
        op.execute("UPDATE record SET source_tags = raw::text")
        op.alter_column('record', 'source_tags', server_default=None)
    op.drop_column('record', 'raw')  # SQLite 3.35 or later drops a column in place


def downgrade() -> None:
    raise NotImplementedError("schema 0002 cannot be taken back to 0001")
