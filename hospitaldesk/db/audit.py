"""The audit log: every change to a record, and the events that matter (signing in, exports,
imports, printing a contract), appended in the transaction that makes them and chained by
SHA-256, so an entry edited or removed behind the app's back is found by verify().

- Triggers on every audited table write an entry for each insert, update and delete, whoever
  makes it: a form, an import, sync, or another program. An update names only the fields that
  changed, each with its old and new value; bookkeeping columns and secrets are left out.
- At the start of each transaction the app writes who is acting into `audit_context` (one row),
  and before it commits it seals that transaction's entries: each entry's hash is SHA-256 over
  the previous sealed entry's hash and the entry's canonical form, then the context row goes.
  An entry written by another program has no transaction token: it stays unsealed and verify()
  reports it.
- Triggers refuse DELETE on the log and every UPDATE but sealing an unsealed entry, once.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peewee import SqliteDatabase

from hospitaldesk.db.bulk import write_rows
from hospitaldesk.db.connection import database
from hospitaldesk.db.models import ACCOUNT_TABLES, RECORD_TABLES, BaseModel, Record

GENESIS = "0" * 64  # the "previous hash" of the first entry
# Columns that change on every save or are derived, and say nothing about what a person did.
BOOKKEEPING = frozenset({"created_at", "updated_at", "last_site", "change_seq", "search_key", "vector"})
SECRETS = {"account": frozenset({"password_hash", "failed_logins", "blocked_until"})}
JSON_ARGS = 50  # columns per json_object(): SQLite allows 127 arguments to a function by default
ENTRY_COLUMNS = ("seq", "at", "actor", "action", "table_name", "record_id", "changes")

CREATE_LOG = [
    """CREATE TABLE audit_entry (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT,
        txn TEXT,
        action TEXT NOT NULL,
        table_name TEXT NOT NULL DEFAULT '',
        record_id TEXT NOT NULL DEFAULT '',
        changes TEXT NOT NULL DEFAULT '{}',
        hash TEXT)""",
    "CREATE INDEX audit_entry_record ON audit_entry (record_id)",
    "CREATE INDEX audit_entry_txn ON audit_entry (txn) WHERE hash IS NULL",
    "CREATE TABLE audit_context (id INTEGER PRIMARY KEY CHECK (id = 1), actor TEXT NOT NULL, txn TEXT NOT NULL)",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
    f"""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       WHEN old.hash IS NOT NULL OR new.hash IS NULL
         OR {' OR '.join(f'new.{c} IS NOT old.{c}' for c in (*ENTRY_COLUMNS, 'txn'))}
       BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END""",
]

def audited_models() -> list[type[BaseModel]]:
    """Every table a person changes: the synced records and the accounts (not the derived or local ones)."""
    return [m for m in RECORD_TABLES if issubclass(m, Record)] + list(ACCOUNT_TABLES)


_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_CONTEXT = "(SELECT {column} FROM audit_context WHERE id = 1)"


def audited_columns(model: type[BaseModel]) -> list[str]:
    table = model._meta.table_name
    hidden = BOOKKEEPING | SECRETS.get(table, frozenset())
    return [f.column_name for f in model._meta.sorted_fields if f.column_name not in hidden and f.column_name != "id"]


def _object(row: str, columns: list[str]) -> str:
    """json_object() of the row's columns, in pieces SQLite accepts, patched together."""
    pairs = [f"'{c}', {row}.\"{c}\"" for c in columns]
    pieces = [f"json_object({', '.join(pairs[i:i + JSON_ARGS])})" for i in range(0, len(pairs), JSON_ARGS)] or ["json_object()"]
    combined = pieces[0]
    for piece in pieces[1:]:
        combined = f"json_patch({combined}, {piece})"
    return combined


def _entry(action: str, table: str, record: str, changes: str) -> str:
    return (f"INSERT INTO audit_entry (at, actor, txn, action, table_name, record_id, changes) VALUES "
            f"({_NOW}, {_CONTEXT.format(column='actor')}, {_CONTEXT.format(column='txn')}, {action}, '{table}', {record}, {changes});")


def create_triggers(db: SqliteDatabase, model: type[BaseModel]) -> None:
    """The three triggers that log every insert, update and delete of `model`'s table."""
    table = model._meta.table_name
    columns = audited_columns(model)
    changed = [f'old."{c}" IS NOT new."{c}"' for c in columns]
    diff = " UNION ALL ".join(f"SELECT '{c}' AS f, json_array(old.\"{c}\", new.\"{c}\") AS v WHERE {test}"
                              for c, test in zip(columns, changed))
    action = "'update'"
    if "deleted" in columns:  # a tombstone reads as a deletion, its removal as a restore
        action = ("CASE WHEN new.deleted AND NOT old.deleted THEN 'delete' "
                  "WHEN old.deleted AND NOT new.deleted THEN 'restore' ELSE 'update' END")
    statements = [
        f'CREATE TRIGGER "audit_{table}_insert" AFTER INSERT ON "{table}" BEGIN '
        f"{_entry(repr('insert'), table, 'new.id', _object('new', columns))} END",
        f'CREATE TRIGGER "audit_{table}_update" AFTER UPDATE ON "{table}" WHEN {" OR ".join(changed) or "0"} BEGIN '
        f"{_entry(action, table, 'new.id', f'(SELECT json_group_object(f, json(v)) FROM ({diff}))')} END",
        f'CREATE TRIGGER "audit_{table}_delete" AFTER DELETE ON "{table}" BEGIN '
        f"{_entry(repr('erase'), table, 'old.id', _object('old', columns))} END",
    ]
    for statement in statements:
        db.execute_sql(statement)


def create_setting_triggers(db: SqliteDatabase) -> None:
    """This PC's settings (local_state: sign-in switched off, the idle lock...) are logged too, so one
    switched with the sqlite3 shell shows; the change counter, bumped by every write, is not."""
    entry = _entry("'setting'", "local_state", "{row}.key", "json_object('value', {value})")
    db.execute_sql("CREATE TRIGGER audit_local_state_insert AFTER INSERT ON local_state WHEN new.key != 'change_seq' BEGIN "
                   + entry.format(row="new", value="new.value") + " END")
    db.execute_sql("CREATE TRIGGER audit_local_state_update AFTER UPDATE ON local_state "
                   "WHEN new.key != 'change_seq' AND old.value IS NOT new.value BEGIN "
                   + entry.format(row="new", value="json_array(old.value, new.value)") + " END")
    db.execute_sql("CREATE TRIGGER audit_local_state_delete AFTER DELETE ON local_state WHEN old.key != 'change_seq' BEGIN "
                   + entry.format(row="old", value="old.value") + " END")


def refresh_triggers(db: SqliteDatabase) -> None:
    """Every audited table's triggers made again from its model: a migration that adds or removes a
    column calls this, so the new column is logged (tests/unit/test_audit.py checks they agree)."""
    for model in audited_models():
        if not db.table_exists(model._meta.table_name):
            continue  # made by a later migration, which creates its triggers itself
        drop_triggers(db, model)
        create_triggers(db, model)


def drop_triggers(db: SqliteDatabase, model: type[BaseModel]) -> None:
    table = model._meta.table_name
    for event in ("insert", "update", "delete"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "audit_{table}_{event}"')


# --- the app's side: who acts, events, sealing -------------------------------------------------

_actor: dict[str, str] = {"name": ""}


def set_actor(name: str) -> None:
    """Who the entries of the next transactions name: the signed-in user ('' with no accounts)."""
    _actor["name"] = name


def begin() -> str:
    """Called by atomic() as a transaction starts: name the actor and a token for its entries."""
    token = uuid.uuid4().hex
    database.execute_sql("INSERT OR REPLACE INTO audit_context (id, actor, txn) VALUES (1, ?, ?)", (_actor["name"], token))
    return token


def record(action: str, table: str = "", record_id: str = "", details: dict[str, Any] | None = None) -> None:
    """An event that is not a row change (signing in, an export, a printed contract), inside the
    caller's transaction so it is sealed with it."""
    database.execute_sql(
        f"INSERT INTO audit_entry (at, actor, txn, action, table_name, record_id, changes) VALUES "
        f"({_NOW}, {_CONTEXT.format(column='actor')}, {_CONTEXT.format(column='txn')}, ?, ?, ?, ?)",
        (action, table, record_id, canonical(details or {})))


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # made once: 100,000 entries a sync


def canonical(value: Any) -> str:
    """json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), the form every hash is made over."""
    return _CANONICAL.encode(value)


def entry_hash(previous: str, row: tuple[Any, ...]) -> str:
    """SHA-256 over the previous hash and the entry (ENTRY_COLUMNS) in one canonical JSON form."""
    return hashlib.sha256(canonical([previous, *row]).encode("utf-8")).hexdigest()


def head() -> tuple[int, str]:
    """The last sealed entry: its number and hash (GENESIS before the first)."""
    row = database.execute_sql("SELECT seq, hash FROM audit_entry WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def hash_of(seq: int) -> str | None:
    """The stored hash of entry `seq` (None: no such entry, or never sealed)."""
    row = database.execute_sql("SELECT hash FROM audit_entry WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


SEAL_SLICE = 2_000  # entries read and hashed at a time: an import of 100,000 records must not hold them all


def seal(token: str) -> None:
    """Called by atomic() before it commits: hash this transaction's entries onto the chain, a slice
    at a time (each entry holds its record's columns: reading them all at once took 150 MB for a
    100,000-record sync import, tests/bench section i)."""
    seqs = [r[0] for r in database.execute_sql("SELECT seq FROM audit_entry WHERE txn = ? AND hash IS NULL ORDER BY seq",
                                               (token,)).fetchall()]
    previous = head()[1] if seqs else GENESIS
    for start in range(0, len(seqs), SEAL_SLICE):
        part = seqs[start:start + SEAL_SLICE]
        rows = database.execute_sql(
            f"SELECT {', '.join(ENTRY_COLUMNS)} FROM audit_entry WHERE txn = ? AND hash IS NULL AND seq BETWEEN ? AND ? ORDER BY seq",
            (token, part[0], part[-1])).fetchall()
        sealed = []
        for row in rows:
            previous = entry_hash(previous, tuple(row))
            sealed.append((row[0], previous))
        write_rows("audit_entry", ("seq", "hash"), sealed, key="seq")  # an UPDATE a few hundred entries at a time
    database.execute_sql("DELETE FROM audit_context")


@dataclass(frozen=True)
class Finding:
    seq: int
    problem: str  # "changed": the entry or one before it was altered; "unsealed": written by another program


@dataclass(frozen=True)
class Verification:
    entries: int
    head_seq: int
    head_hash: str
    findings: list[Finding]  # in log order: the first is the first broken link

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(rows: Iterable[tuple[Any, ...]] | None = None) -> Verification:
    """Walk the whole log in order, recomputing each hash from the one before.
    The first entry whose hash does not follow is where the chain broke."""
    if rows is None:
        rows = database.execute_sql(f"SELECT {', '.join(ENTRY_COLUMNS)}, hash FROM audit_entry ORDER BY seq")
    previous, count, head_seq, findings = GENESIS, 0, 0, []
    for *entry, stored in rows:
        count += 1
        if stored is None:
            findings.append(Finding(entry[0], "unsealed"))
            continue
        expected = entry_hash(previous, tuple(entry))
        if expected != stored:  # this entry, or the one sealed before it, is not as it was sealed
            findings.append(Finding(entry[0], "changed"))
        previous, head_seq = stored, entry[0]
    return Verification(count, head_seq, previous, findings)
