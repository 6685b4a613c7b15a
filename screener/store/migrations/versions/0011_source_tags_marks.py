"""a record's source tags may be stored in the marked form (``store.source_tags``): a value
its columns already hold (abstract, title, journal, the run of authors or keywords) is
written once, in its column, and put back in its tag on reading

Nothing changes in the tables, and rows written before keep their form and read as before.
The revision is raised so that an earlier Screener, which cannot read the marked form,
refuses a project that may hold it ("made by a newer version of Screener") instead of
failing on its records when it exports them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the form is per row: the leading mark tells the two apart (store.source_tags)


def downgrade() -> None:
    pass  # rows in the marked form stay: an earlier Screener cannot export their tags
