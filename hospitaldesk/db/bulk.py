"""Many records at once (imports, generators, sync): stamped exactly as save() would stamp each one,
and written many rows to a statement.

Many rows to a statement, not one statement per row: a table with a search index (db/search.py) has a
trigger that writes the FTS5 index, and FTS5 flushes what it holds in memory to disk whenever a
statement that writes it through a trigger opens its savepoint, so one row per statement made one
tiny index segment per row, merged again and again (100,000 staff: 7.6 s of index writes one row to a
statement, 1.7 s at 500 rows to a statement; tests/bench section i). Triggers fire for each row as
before, in the order of the rows.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from hospitaldesk.db import stamping
from hospitaldesk.db.connection import database
from hospitaldesk.db.models import Record, utcnow

ROWS_PER_STATEMENT = 500
SAFE_VARIABLES = 999  # the smallest limit an SQLite build may have (before 3.32)


def rows_per_statement(columns: int) -> int:
    """How many rows of `columns` values one statement may bind, within this SQLite's limit."""
    try:
        limit = database.connection().getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # no getlimit(): a Python before 3.11
        limit = SAFE_VARIABLES
    return max(1, min(ROWS_PER_STATEMENT, limit // max(1, columns)))


def _statement(table: str, columns: Sequence[str], key: str | None) -> tuple[str, str, str]:
    """The INSERT (or, with `key`, UPDATE ... FROM) that writes rows of `columns`: head, one row's marks, tail."""
    marks = "(" + ", ".join("?" for _c in columns) + ")"
    if key is None:
        return f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) VALUES ', marks, ""
    # VALUES names its columns column1, column2, ...
    new = {c: f"v.column{n}" for n, c in enumerate(columns, start=1)}
    assignments = ", ".join(f'"{c}" = {new[c]}' for c in columns if c != key)
    return f'UPDATE "{table}" SET {assignments} FROM (VALUES ', marks, f') AS v WHERE "{table}"."{key}" = {new[key]}'


def unique_keys(table: str) -> list[tuple[str, ...]]:
    """The columns of each UNIQUE index of `table` but its primary key, as the database holds them
    (models and migrations alike): the rows of such a table are written in order (write_row)."""
    found = []
    for _seq, name, unique, origin, _partial in database.execute_sql(f'PRAGMA index_list("{table}")').fetchall():
        if unique and origin != "pk":
            found.append(tuple(r[2] for r in database.execute_sql(f'PRAGMA index_info("{name}")').fetchall()))
    return found


def write_row(table: str, columns: Sequence[str], row: tuple[Any, ...], *, key: str | None = None) -> None:
    """write_rows for one row, one statement: rows written one by one change the table in the order they
    are written, whatever their rowids. sqlite3.IntegrityError undoes this row's statement only."""
    head, marks, tail = _statement(table, columns, key)
    database.cursor().execute(head + marks + tail, row)


def write_rows(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], *, key: str | None = None) -> None:
    """INSERT `rows` (tuples of `columns`' values) into `table`, many to a statement. With `key` (one of
    `columns`) the rows are existing ones, found by that column and set in every other: an UPDATE ...
    FROM (VALUES ...), so the table's UPDATE triggers fire for them (SQLite 3.33; the search index's
    trigram tokenizer already needs 3.34). Must run inside the caller's write transaction.

    An UPDATE ... FROM applies its rows in the table's rowid order, not in the order of `rows`: a table
    whose rows must change in a given order (a UNIQUE column handed from one row to another) takes
    write_row, one statement per row (unique_keys says which tables). Each key appears at most once
    in `rows` (ValueError otherwise): which of two values would win is not defined."""
    if key is not None:
        at = list(columns).index(key)
        keys = {row[at] for row in rows}
        if len(keys) != len(rows):
            raise ValueError(f"write_rows: a {key} appears twice in the rows for {table}")
    if not rows:
        return
    head, marks, tail = _statement(table, columns, key)
    per = rows_per_statement(len(columns))
    cursor = database.cursor()
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        cursor.execute(head + ", ".join([marks] * len(part)) + tail, [value for row in part for value in row])


def insert_stamped(model: type[Record], records: list[Any]) -> None:
    """Insert new `records` of `model`, each with this site and a change number of its own, in prepared
    statements (Peewee's insert_many builds SQL text per row: 3 s for 10,000). Must run inside the
    caller's write transaction; triggers (the search index) fire as for any insert."""
    if not records:
        return
    first = stamping.next_change_seq(len(records))
    now, site = utcnow(), stamping.local_site_id()
    fields = model._meta.sorted_fields
    stamp = {"created_at": now, "updated_at": now, "last_site": site, "deleted": False}
    rows = []
    for n, record in enumerate(records):
        data = {**record.__data__, **stamp, "change_seq": first + n}
        rows.append(tuple(f.db_value(data.get(f.name)) for f in fields))
    write_rows(model._meta.table_name, [f.column_name for f in fields], rows)
