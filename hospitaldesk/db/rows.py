"""Long lists read fast: rows as the database returns them, without a model (or a UUID) per value.

Peewee turns every value of every row into its Python type: a model per joined table, a
`uuid.UUID` per id, a `date` per date. That is about 10 µs a row, a second for the 49,000
open gap actions of a big database (tests/bench, section f). Lists that only show values
read them raw with `raw_rows`, name their ids' records with `names_of` (one lookup per
distinct id rather than a join per row), and format with `id_text` and `date_value`.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from peewee import SQL, Field

from hospitaldesk.db.connection import database

CHUNK = 500  # ids per IN list: well under every SQLite build's limit on parameters


def listed(values: Iterable[Any]) -> SQL:
    """`(?, ?, …)` of values as stored, for `field.in_(listed(ids))`: Peewee renders each value of a
    Python list itself (~6 µs each: 15 ms for a partner's 800 facilities in three queries)."""
    values = list(values)
    return SQL(f"({', '.join('?' * len(values)) or 'NULL'})", values)


def raw_rows(query: Any) -> list[tuple[Any, ...]]:
    """The rows of a Peewee select as SQLite returns them: ids as stored, dates as ISO text, booleans as 0/1."""
    return list(database.execute(query).fetchall())


def id_text(value: Any) -> str:
    """What str(uuid.UUID(value)) gives for a stored id (SQLite keeps 32 hex digits), without building a UUID."""
    if isinstance(value, str) and len(value) == 32:
        value = value.lower()
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return "" if value is None else str(uuid.UUID(str(value)))


@lru_cache(maxsize=4096)
def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def date_value(value: Any) -> dt.date | None:
    """A stored date (ISO text in SQLite) as a date; the same few thousand dates recur in long lists."""
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else _date(str(value))


def names_of(key: Field, value: Field, ids: Iterable[Any], among: Any = None) -> dict[Any, Any]:
    """{stored id: value} for the distinct `ids` (raw, as `raw_rows` returns them): listed in IN lists of
    CHUNK as they came from SQLite, or for more than a CHUNK, through `among` when given (a select of
    at least those ids), since Peewee renders every listed id (~4 µs each)."""
    wanted = sorted({i for i in ids if i is not None}, key=str)
    if among is not None and len(wanted) > CHUNK:
        return dict(raw_rows(key.model.select(key, value).where(key.in_(among))))
    found: dict[Any, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        found.update(raw_rows(key.model.select(key, value).where(key.in_(listed(chunk)))))
    return found
