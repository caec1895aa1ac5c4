"""Diacritic-insensitive search over a table's folded `search_key`, fast on 100,000 rows.

SQLite: each searchable table gets an FTS5 index with the trigram tokenizer over
its search_key (already folded: "nguyen van an"), kept in step by triggers. A word
of three letters or more is found anywhere in the key. A shorter word is found at
the start of a word, as people type a name: "ho bao" finds "Hồ Gia Bảo", not every
"Khoa" or "Thoa" named Bảo. The index holds each key after a space, so a two-letter
word plus that space is a trigram (" ho") and the index answers it too. A one-letter word is checked with
LIKE on the rows the index already narrowed. PostgreSQL later: pg_trgm plays the same
part; only this module changes.
"""
from __future__ import annotations

from typing import Any

from peewee import SQL, Column, SqliteDatabase, Value

from hospitaldesk.db.models import CatalogRecord

TRIGRAM = 3


def index_name(model: type[CatalogRecord]) -> str:
    return f"{model._meta.table_name}_search"


WORD_START = " "  # put before every indexed key, so a word's first letters follow a space


def create_search_index(db: SqliteDatabase, model: type[CatalogRecord]) -> None:
    """The FTS5 index and the triggers that keep it in step; fills it from existing rows.
    The index keeps its own copy of each key, after WORD_START (a few MB for 100,000 rows)."""
    table, index = model._meta.table_name, index_name(model)
    key = f"'{WORD_START}' || new.search_key"
    statements = [
        f'CREATE VIRTUAL TABLE "{index}" USING fts5(search_key, tokenize="trigram")',
        f'CREATE TRIGGER "{index}_ai" AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{index}"(rowid, search_key) VALUES (new.rowid, {key}); END',
        f'CREATE TRIGGER "{index}_ad" AFTER DELETE ON "{table}" BEGIN DELETE FROM "{index}" WHERE rowid = old.rowid; END',
        f'CREATE TRIGGER "{index}_au" AFTER UPDATE OF search_key ON "{table}" BEGIN '
        f'UPDATE "{index}" SET search_key = {key} WHERE rowid = new.rowid; END',
        f'INSERT INTO "{index}"(rowid, search_key) SELECT rowid, \'{WORD_START}\' || search_key FROM "{table}"',
    ]
    for statement in statements:
        db.execute_sql(statement)


def drop_search_index(db: SqliteDatabase, model: type[CatalogRecord]) -> None:
    index = index_name(model)
    for trigger in ("ai", "ad", "au"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{index}_{trigger}"')
    db.execute_sql(f'DROP TABLE IF EXISTS "{index}"')


def matches(key: str, term: str) -> bool:
    """The rule the index and LIKE both apply, in Python (for tests and for lists filtered in memory)."""
    return term in key if len(term) >= TRIGRAM else f"{WORD_START}{term}" in f"{WORD_START}{key}"


def where_matches(query: Any, model: type[CatalogRecord], terms: list[str], many_hits: bool = False) -> Any:
    """Narrow `query` to rows whose search key has every folded term (see `matches`).

    With `many_hits` (more than a page's worth in every stretch of the table) the
    full-text index is not used: SQLite walks the search_key index in display
    order, checks each key with LIKE and stops at the page's last row, which is
    cheaper than fetching and sorting thousands of matches.
    """
    indexed = [] if many_hits else [t for t in terms if len(WORD_START + t) >= TRIGRAM]
    if indexed:
        # Terms are folded to [0-9a-z] only (text.search_terms), so quoting them is safe.
        match = " AND ".join(f'"{term}"' if len(term) >= TRIGRAM else f'"{WORD_START}{term}"' for term in indexed)
        index = index_name(model)
        rowid = Column(model._meta.table, "rowid")
        query = query.where(rowid.in_(SQL(f'(SELECT rowid FROM "{index}" WHERE "{index}" MATCH ?)', [match])))
    for term in terms:
        if term in indexed:
            continue
        if len(term) >= TRIGRAM:
            query = query.where(model.search_key.contains(term))
        else:
            query = query.where(Value(WORD_START).concat(model.search_key).contains(WORD_START + term))
    return query
