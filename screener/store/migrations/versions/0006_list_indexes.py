"""indexes for the record list: its queue, filters and sorts at 100,000 records

- ``stage_status (status, stage, record_id, n_decisions)``: every list reads its rows from
  this index alone, in record order (no lookups into the table, no sort);
- ``record (year)``: the list sorted by year;
- the list sorted by title or first author, as the list compares them (``records.SORTS``):
  ``title COLLATE NOCASE`` on SQLite, ``lower(title)`` on PostgreSQL (backend-specific,
  so they live here and not in the models).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SORT_COLUMNS = ("title", "first_author")


def upgrade() -> None:
    op.create_index('ix_stage_status_list', 'stage_status', ['status', 'stage', 'record_id', 'n_decisions'])
    op.create_index('ix_record_year', 'record', ['year'])
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in SORT_COLUMNS:
        key = f"{column} COLLATE NOCASE" if sqlite else f"lower({column})"
        op.execute(f"CREATE INDEX ix_record_sort_{column} ON record ({key}, id)")


def downgrade() -> None:
    raise NotImplementedError("schema 0006 cannot be taken back to 0005")
