"""Fast bulk insertion of imported records.

An import writes 100,000 records in one transaction; going through the ORM per row
costs several times the parse itself. Here rows prepared by ``store.rows`` go to the
driver's ``executemany`` as they are, and the rows that depend on them (search index,
stage status) are filled in by SQL from the records just written.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from screener.store.models import Record
from screener.store.rows import COLUMNS, JSON_COLUMNS, ROW_COLUMNS, PreparedRows
from screener.store.sqlite_file import DEFERRED_INDEXES
from screener.types import Stage, Status

STAGES = (Stage.TITLE_ABSTRACT.value, Stage.FULL_TEXT.value)
_STAGES = " UNION ALL ".join(f"SELECT '{stage}' AS stage" for stage in STAGES)
DEFER_INDEXES_FROM = 10_000  # records: below this, keeping the indexes up costs less
# Indexes an import adds to in a few places only (ix_record_batch_id, ix_record_duplicate_of,
# ix_record_type_key, ix_stage_status_list): its records, all of one batch, of a few types,
# none merged, all undecided, take the largest ids, so each index's new entries go at the end
# of a handful of runs and touch the same few pages. Kept up row by row, while the reading
# processes still read, they cost less than building them again at the end, when nothing
# else runs (each build reads every record once more). The others are ``DEFERRED_INDEXES``.


def drop_indexes_for_import(s: Session, expected: int) -> list[str]:
    """Inside an import's transaction: for an import of about ``expected`` records, at
    least as many as the project holds, drop ``sqlite_file.DEFERRED_INDEXES`` and return the
    SQL that makes them again (``create_indexes``, once the rows are in). Keeping them up
    row by row costs about half of the storing (titles and DOIs come in no order, so every
    row touches pages all over each index); building them once, by sorting, costs a fraction
    of that. Other processes reading meanwhile see the project as it was, indexes and all;
    an import that fails or is killed before it commits its rows rolls back to the indexes
    as they were. The import makes them again in a transaction of their own after the rows'
    (``ImportService``); one killed between the two leaves them missing until the project
    is next opened (``engine.open_store`` makes them). SQLite only (on PostgreSQL, []).
    """
    if s.get_bind().dialect.name != "sqlite" or expected < DEFER_INDEXES_FROM:
        return []
    if expected < (s.scalar(select(func.max(Record.id))) or 0):
        return []
    conn = s.connection()
    present = {name for (name,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record'")}
    dropped = [name for name in DEFERRED_INDEXES if name in present]
    for name in dropped:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [DEFERRED_INDEXES[name] for name in dropped]


def create_indexes(s: Session, statements: list[str]) -> None:
    """Make again the indexes ``drop_indexes_for_import`` dropped (those still missing)."""
    conn = s.connection()
    for sql in statements:
        conn.exec_driver_sql(sql)


def allocate_record_ids(s: Session, n: int) -> list[int]:
    """Reserve ``n`` new record ids from PostgreSQL's sequence."""
    rows = s.execute(
        text("SELECT nextval(pg_get_serial_sequence('record', 'id')) FROM generate_series(1, :n)"),
        {"n": n},
    )
    return [int(r[0]) for r in rows]


def _placeholders(prepared: PreparedRows, mark: str) -> str:
    """The VALUES placeholders of a prepared row: position and line shifted by the rows'
    offsets, JSON columns cast on PostgreSQL."""
    out = [f"{mark} + {int(offset)}" if offset else mark
           for offset in (prepared.position_offset, prepared.line_offset)]
    for column in ROW_COLUMNS[2:]:
        out.append(f"CAST({mark} AS JSON)" if mark == "%s" and column in JSON_COLUMNS else mark)
    return ", ".join(out)


def _insert_sqlite(s: Session, batch_id: int, file_id: int, prepared: PreparedRows) -> range:
    # The write transaction is exclusive (BEGIN IMMEDIATE), and SQLite gives each new row
    # of an INTEGER PRIMARY KEY table the largest id plus one: the rows get the ids that
    # follow the largest, in order. Checked after the insert all the same.
    first = (s.scalar(select(func.max(Record.id))) or 0) + 1
    ids = range(first, first + len(prepared.rows))
    conn = s.connection()
    conn.exec_driver_sql(
        f"INSERT INTO record (batch_id, file_id, {', '.join(ROW_COLUMNS)}) "
        f"VALUES ({int(batch_id)}, {int(file_id)}, {_placeholders(prepared, '?')})",
        prepared.rows,
    )
    last = s.scalar(select(func.max(Record.id)))
    if last != ids[-1]:
        raise RuntimeError(f"records got ids up to {last}, expected {ids[-1]}")
    conn.exec_driver_sql(
        f"INSERT INTO record_fts(rowid, title, abstract, authors, keywords) VALUES (? + {first}, ?, ?, ?, ?)",
        prepared.search,
    )
    # Two status rows a record, made in SQL from the ids alone (the record rows, many
    # pages of text, are not read back).
    conn.exec_driver_sql(
        "WITH RECURSIVE ids(id) AS (SELECT ? UNION ALL SELECT id + 1 FROM ids WHERE id < ?) "
        "INSERT INTO stage_status (record_id, stage, status, reason, n_decisions) "
        f"SELECT ids.id, stages.stage, '{Status.UNDECIDED.value}', '', 0 FROM ids CROSS JOIN ({_STAGES}) AS stages",
        (ids[0], ids[-1]),
    )
    return ids


def _insert_postgresql(s: Session, batch_id: int, file_id: int, prepared: PreparedRows) -> list[int]:
    ids = allocate_record_ids(s, len(prepared.rows))
    values = ", ".join("CAST(%s AS JSON)" if c in JSON_COLUMNS else "%s" for c in COLUMNS[:3])
    s.connection().exec_driver_sql(
        f"INSERT INTO record ({', '.join(COLUMNS)}) VALUES ({values}, {_placeholders(prepared, '%s')})",
        [(rid, batch_id, file_id, *row) for rid, row in zip(ids, prepared.rows, strict=True)],
    )
    return ids  # PostgreSQL's search index is an expression index on the record table


def insert_records(s: Session, batch_id: int, file_id: int, prepared: PreparedRows) -> range | list[int]:
    """Insert prepared rows under new ids, index them for search, start them undecided
    at both stages, and return the ids (in the order of the rows)."""
    if not prepared.rows:
        return []
    if s.get_bind().dialect.name == "sqlite":
        return _insert_sqlite(s, batch_id, file_id, prepared)
    ids = _insert_postgresql(s, batch_id, file_id, prepared)
    s.execute(
        text(
            "INSERT INTO stage_status (record_id, stage, status, reason, n_decisions) "
            f"SELECT record.id, stages.stage, '{Status.UNDECIDED.value}', '', 0 "
            f"FROM record CROSS JOIN ({_STAGES}) AS stages "
            "WHERE record.file_id = :file_id AND record.id BETWEEN :first AND :last"
        ),
        {"file_id": file_id, "first": min(ids), "last": max(ids)},
    )
    return ids
