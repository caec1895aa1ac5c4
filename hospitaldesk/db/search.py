"""Diacritic-insensitive search over a table's folded `search_key`, fast on 100,000 rows.

SQLite: each searchable table gets an FTS5 index with the trigram tokenizer over
its search_key (already folded: "nguyen van an"), kept in step by triggers, so a
word of three letters or more is found anywhere in the key without scanning the
table. Shorter words ("em", "tp") are checked with LIKE on the rows the index
already narrowed. PostgreSQL later: pg_trgm plays the same part; only this
module changes.
"""
from __future__ import annotations

from typing import Any

from peewee import SQL, Column, SqliteDatabase

from hospitaldesk.db.models import CatalogRecord

TRIGRAM = 3


def index_name(model: type[CatalogRecord]) -> str:
    return f"{model._meta.table_name}_search"


def create_search_index(db: SqliteDatabase, model: type[CatalogRecord]) -> None:
    """The FTS5 index and the triggers that keep it in step; fills it from existing rows."""
    table, index = model._meta.table_name, index_name(model)
    statements = [
        f'CREATE VIRTUAL TABLE "{index}" USING fts5(search_key, content="{table}", content_rowid="rowid", tokenize="trigram")',
        f'CREATE TRIGGER "{index}_ai" AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{index}"(rowid, search_key) VALUES (new.rowid, new.search_key); END',
        f'CREATE TRIGGER "{index}_ad" AFTER DELETE ON "{table}" BEGIN '
        f'INSERT INTO "{index}"("{index}", rowid, search_key) VALUES (\'delete\', old.rowid, old.search_key); END',
        f'CREATE TRIGGER "{index}_au" AFTER UPDATE OF search_key ON "{table}" BEGIN '
        f'INSERT INTO "{index}"("{index}", rowid, search_key) VALUES (\'delete\', old.rowid, old.search_key); '
        f'INSERT INTO "{index}"(rowid, search_key) VALUES (new.rowid, new.search_key); END',
        f'INSERT INTO "{index}"("{index}") VALUES (\'rebuild\')',
    ]
    for statement in statements:
        db.execute_sql(statement)


def where_matches(query: Any, model: type[CatalogRecord], terms: list[str], many_hits: bool = False) -> Any:
    """Narrow `query` to rows whose search key contains every folded term.

    With `many_hits` (more than a page's worth in every stretch of the table) the
    full-text index is not used: SQLite walks the search_key index in display
    order, checks each key with LIKE and stops at the page's last row, which is
    cheaper than fetching and sorting thousands of matches.
    """
    long_terms = [] if many_hits else [t for t in terms if len(t) >= TRIGRAM]
    if long_terms:
        # Terms are folded to [0-9a-z] only (text.search_terms), so quoting them is safe.
        match = " AND ".join(f'"{term}"' for term in long_terms)
        index = index_name(model)
        rowid = Column(model._meta.table, "rowid")
        query = query.where(rowid.in_(SQL(f'(SELECT rowid FROM "{index}" WHERE "{index}" MATCH ?)', [match])))
    for term in terms:
        if term not in long_terms:
            query = query.where(model.search_key.contains(term))
    return query
