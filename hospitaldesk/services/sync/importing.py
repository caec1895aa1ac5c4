"""Take in a bundle: check it, and apply it in one transaction (or roll it back, for a preview). Nothing
is written until the file is known to be whole, signed by a trusted site, meant for us and from a schema
we understand; then its records are checked and applied in one pass, a batch written only while every
record so far is well formed, and the transaction kept only when every record is and every reference
resolves (services/sync/incoming.py): otherwise it is rolled back and the database is as it was.

Each incoming record is compared with ours by version vectors (records.compare): newer replaces ours,
older or the same changes nothing (so importing a bundle twice, or an old one after a new one, is
harmless), and concurrent versions are a conflict: both are kept in sync_conflict, the record shows
the deterministic winner, and a person decides later (services/sync/conflicts.py).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from hospitaldesk.db import audit, stamping
from hospitaldesk.db.bulk import unique_keys, write_row, write_rows
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.models import Record, SyncBundle, SyncConflict, utcnow
from hospitaldesk.i18n import _
from hospitaldesk.services import authority, readiness_templates
from hospitaldesk.services.attachments import attachments_dir
from hospitaldesk.services.sync import container, identity
from hospitaldesk.services.sync.export import reached_seq
from hospitaldesk.services.sync.incoming import (
    BATCH,
    SyncImportError,
    UntrustedSiteError,
    begin_scan,
    check_manifest,
    check_trust,
    checked_batches,
    declared_total,
    finish_scan,
    needed_starters,
)
from hospitaldesk.services.sync.records import (
    FROZEN,
    VECTOR,
    Order,
    Vector,
    compare,
    dumps_vector,
    in_force,
    merged,
    parse_vector,
    same_content,
    stored_columns,
    synced_models,
    table_label,
    winner_is_theirs,
)

__all__ = ["BATCH", "ImportResult", "SyncImportError", "TableChanges", "UntrustedSiteError", "import_bundle", "table_label"]
Progress = Callable[[int, int], None]


@dataclass
class TableChanges:
    new: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "deleted": self.deleted, "conflicts": self.conflicts,
                "unchanged": self.unchanged}


@dataclass
class ImportResult:
    bundle_id: str
    sender: identity.Identity
    created_at: str
    tables: dict[str, TableChanges] = field(default_factory=dict)
    files: int = 0
    applied: bool = False  # False for a preview, or when the bundle was taken in before
    already_imported_at: str = ""  # when an identical bundle was taken in before
    newly_trusted: bool = False
    missed: tuple[int, int] | None = None  # the sender's change numbers no bundle taken in here has brought

    @property
    def missed_warning(self) -> str:
        """A bundle made before this one for this site never arrived: what it held will not come by itself."""
        if self.missed is None:
            return ""
        return _("A bundle '{name}' made for this site earlier was never imported here (its changes {first} to {last}). "
                 "Import it if you still have it, or ask '{name}' for a full bundle (tick 'Everything').").format(
            name=self.sender.name, first=self.missed[0] + 1, last=self.missed[1])

    def totals(self) -> TableChanges:
        total = TableChanges()
        for changes in self.tables.values():
            for key, value in changes.as_dict().items():
                setattr(total, key, getattr(total, key) + value)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"bundle_id": self.bundle_id, "from": self.sender.name, "from_site": self.sender.site_id,
                "created_at": self.created_at, "applied": self.applied, "already_imported_at": self.already_imported_at,
                "files": self.files, "tables": {t: c.as_dict() for t, c in self.tables.items()}, "missed_warning": self.missed_warning,
                "totals": self.totals().as_dict()}


class _Preview(Exception):
    """Raised inside the transaction to roll a preview back."""


# --- applying ------------------------------------------------------------------------------------------


Written = tuple[bool, dict[str, Any]]  # (an existing record's new version, the row to store)


class _Applier:
    """Applies one table's records batch by batch inside the import's transaction.

    Most tables are written many rows to a statement (db/bulk.write_rows), new records then changed ones.
    A table with a UNIQUE index besides its id (a facility's code) is written one row at a time in the
    bundle's order (its sender's change order), new and changed records as they come: a code freed by one
    record and given to another at the sender is freed here first too. A bundle carries each record's
    latest version only, so that order can still meet a code not freed yet (the freeing record was edited
    again later): such a row waits, and is written again once the table's other rows are (finish). What is
    still refused then (another record here has the code, or two records swapped codes) refuses the bundle."""

    def __init__(self, model: type[Record], bundle_id: str, local_site: str, changes: TableChanges) -> None:
        self.model, self.bundle_id, self.local_site, self.changes = model, bundle_id, local_site, changes
        self.table = model._meta.table_name
        self.names = stored_columns(model)
        self.conflicts: list[dict[str, Any]] = []
        self.unique = unique_keys(self.table)
        self.waiting: list[Written] = []  # rows of an ordered table refused by a UNIQUE index, written again at the end

    def local_rows(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        marks = ", ".join("?" for _id in ids)
        cols = ", ".join(f'"{n}"' for n in self.names)
        rows = database.execute_sql(f'SELECT {cols} FROM "{self.table}" WHERE id IN ({marks})', ids).fetchall()
        return {row[0]: dict(zip(self.names, row)) for row in rows}

    def apply(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        ours = self.local_rows([r["id"] for _line, r in batch])
        written: list[Written] = []  # new records, and existing ones the incoming version replaces, in bundle order
        vectors: list[tuple[str, str]] = []  # ours stays, knowing the incoming version too
        for _line, incoming in batch:
            theirs: Vector = incoming[VECTOR]
            mine = ours.get(incoming["id"])
            if mine is None:
                written.append((False, self._stored(incoming, theirs)))
                self._count_new(incoming)
                continue
            mine_vector = in_force(mine[VECTOR], mine["last_site"], mine["change_seq"], self.local_site)
            order = compare(theirs, mine_vector)
            if order in (Order.SAME, Order.OLDER):
                self.changes.unchanged += 1
            elif same_content(mine, incoming):
                # The same content with other bookkeeping: ours come back with more history, or one edit
                # made at both sites. Take the stamp every site takes (the newer version's, or the winner's);
                # when ours is kept, only the longer history.
                both = merged(theirs, mine_vector)
                if order is Order.NEWER or winner_is_theirs(mine, incoming):
                    written.append((True, self._stored(incoming, both)))
                else:
                    vectors.append((dumps_vector(both), mine["id"]))
                self.changes.unchanged += 1
            elif order is Order.NEWER:
                self._check_frozen(mine, incoming)
                written.append((True, self._stored(incoming, theirs)))
                if incoming.get("deleted") and not mine.get("deleted"):
                    self.changes.deleted += 1
                else:
                    self.changes.updated += 1
            else:
                self._conflict(mine, mine_vector, incoming, theirs, written, vectors)
        self._write(written, vectors)

    def _count_new(self, incoming: dict[str, Any]) -> None:
        if incoming.get("deleted"):
            self.changes.deleted += 1
        else:
            self.changes.new += 1

    def _stored(self, incoming: dict[str, Any], vector: Vector) -> dict[str, Any]:
        return {**incoming, VECTOR: dumps_vector(vector)}

    def _conflict(self, mine: dict[str, Any], mine_vector: Vector, incoming: dict[str, Any], theirs: Vector,
                  written: list[Written], vectors: list[tuple[str, str]]) -> None:
        both = merged(theirs, mine_vector)
        theirs_wins = winner_is_theirs(mine, incoming)
        if theirs_wins:
            self._check_frozen(mine, incoming)
            written.append((True, {**incoming, VECTOR: dumps_vector(both)}))
        else:
            vectors.append((dumps_vector(both), mine["id"]))
        mine_shown = {k: v for k, v in mine.items() if k not in ("change_seq", VECTOR)} | {VECTOR: mine_vector}
        self.conflicts.append({"table_name": self.table, "record_id": mine["id"], "mine": json.dumps(mine_shown, ensure_ascii=False),
                               "theirs": json.dumps(incoming, ensure_ascii=False), "winner": "theirs" if theirs_wins else "mine",
                               "bundle_id": self.bundle_id, "detected_at": utcnow()})
        self.changes.conflicts += 1

    def _check_frozen(self, mine: dict[str, Any], incoming: dict[str, Any]) -> None:
        """A signed contract's text never changes, whatever arrives."""
        columns = FROZEN.get(self.table)
        if not columns or not mine.get("content_hash"):
            return
        if any(mine.get(c) != incoming.get(c) for c in columns):
            raise SyncImportError("frozen", _(
                "The bundle changes the signed text of {what} {number}. A signed text never changes; changes are made "
                "by amendments. Nothing was imported; tell the sending site.").format(
                what=table_label(self.table).lower(), number=mine.get("number", mine["id"])))

    def _write(self, written: list[Written], vectors: list[tuple[str, str]]) -> None:
        cursor = database.cursor()
        if vectors:
            cursor.executemany(f'UPDATE "{self.table}" SET vector = ? WHERE id = ?', vectors)
        rows = [row for _existing, row in written]
        if not rows:
            return
        # A version another site made gets a new change number here, so it travels on to this site's other
        # peers. A version this site made itself (come back, and now in force) keeps the number it was made
        # with: a new one would read as a new local edit (records.in_force) and turn later edits into conflicts.
        relayed = [row for row in rows if row.get("last_site") != self.local_site]
        for row in rows:
            if row.get("last_site") == self.local_site:
                row["change_seq"] = parse_vector(row[VECTOR]).get(self.local_site, 0)
        first = stamping.next_change_seq(len(relayed)) if relayed else 0
        for n, row in enumerate(relayed):
            row["change_seq"] = first + n
        if self.unique:
            self.waiting.extend(self._write_in_order(written))
            return
        write_rows(self.table, self.names, [self._values(r) for existing, r in written if not existing])
        write_rows(self.table, self.names, [self._values(r) for existing, r in written if existing], key="id")

    def _values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row.get(n) for n in self.names)

    def _write_in_order(self, written: list[Written]) -> list[Written]:
        """Each row in its own statement, in the given order; the rows a UNIQUE index refused are returned
        (their statement undone, nothing else)."""
        refused = []
        for existing, row in written:
            try:
                write_row(self.table, self.names, self._values(row), key="id" if existing else None)
            except sqlite3.IntegrityError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_CONSTRAINT_UNIQUE:
                    raise
                refused.append((existing, row))
        return refused

    def finish(self) -> None:
        """Once every batch of the table is written: the rows that waited, again while that frees more of
        them; a row still refused refuses the bundle."""
        while self.waiting:
            still = self._write_in_order(self.waiting)
            if len(still) == len(self.waiting):
                raise self._taken(still[0][1])
            self.waiting = still

    def _taken(self, row: dict[str, Any]) -> SyncImportError:
        """The refusal for `row`, whose unique value another record here holds."""
        for columns in self.unique:
            where = " AND ".join(f'"{c}" = ?' for c in columns)
            found = database.execute_sql(f'SELECT id FROM "{self.table}" WHERE {where} AND id <> ?',
                                         [row.get(c) for c in columns] + [row["id"]]).fetchone()
            if found is None:
                continue
            other = self.local_rows([found[0]]).get(found[0], {"id": found[0]})
            field = _("code") if columns == ("code",) else ", ".join(columns)
            return SyncImportError("taken", _(
                "{table}: the record {record} in the bundle has the {field} '{value}', but the record {other} here "
                "already has it, and two records cannot share it. Nothing was imported. Change the {field} of one of "
                "the two records at one of the sites (to one no other record uses), then export again.").format(
                table=table_label(self.table), record=_naming(row), field=field,
                value=" / ".join(str(row.get(c)) for c in columns), other=_naming(other)))
        return broken(self.table)


def _naming(record: dict[str, Any]) -> str:
    """A record as a person knows it: its code or number, and its name."""
    code = record.get("code") or record.get("number")
    name = record.get("name") or record.get("full_name")
    if code and name:
        return f"{code} ({name})"
    return str(code or name or record.get("id"))


def broken(table: str) -> SyncImportError:
    """The refusal when the database itself refuses a table's records (an IntegrityError)."""
    return SyncImportError("integrity", _(
        "{table}: the bundle's records could not be written, because they break a rule of this site's database. "
        "Nothing was imported. Ask the sending site for a full bundle; if this happens again, keep the bundle file "
        "and contact support.").format(table=table_label(table)))


def _store_files(opened: container.OpenedBundle) -> int:
    """Attached files the bundle brings and this site lacks, copied in under their stored names."""
    from hospitaldesk.db.models import Attachment

    folder = attachments_dir()
    stored = 0
    wanted = {a.sha256: a.stored_name for a in Attachment.select(Attachment.sha256, Attachment.stored_name)}
    for sha, name in wanted.items():
        target = folder / name
        if target.is_file() or not opened.has_file(sha):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with opened.open_file(sha) as source, open(partial, "wb") as out:
            while block := source.read(1024 * 1024):
                out.write(block)
        partial.replace(target)
        stored += 1
    return stored


def _apply(opened: container.OpenedBundle, result: ImportResult, progress: Progress | None) -> None:
    """Check and apply every record in one pass (incoming.checked_batches); raises SyncImportError for a
    bundle with any wrong record, after reading it whole so that the refusal lists what a check alone lists."""
    local_site = uuid.UUID(str(stamping.local_site_id())).hex
    done, total = 0, declared_total(opened)
    database.execute_sql("PRAGMA defer_foreign_keys = ON")  # a record may point to one later in its table
    readiness_templates.put_starters_in_place(needed_starters(opened))
    scan = begin_scan(opened)
    failed: Exception | None = None  # applying went wrong: raised once the records are known to be well formed
    for model in synced_models():
        table = model._meta.table_name
        applier = None
        if table in opened.tables():
            applier = _Applier(model, result.bundle_id, local_site, result.tables.setdefault(table, TableChanges()))
        for batch in checked_batches(opened, model, scan):  # every table: a declared one may be missing
            if applier is not None and failed is None and not scan.problem_count:
                failed = _applying(applier, applier.apply, batch)
            done += len(batch)
            if progress:
                progress(done, total)
        if applier is not None and failed is None and not scan.problem_count:
            failed = _applying(applier, applier.finish)
        if applier is not None and failed is None and not scan.problem_count:
            for conflict in applier.conflicts:
                SyncConflict.create(**conflict)
    finish_scan(scan)
    if scan.problem_count:
        more = scan.problem_count - len(scan.problems)
        lines = scan.problems + ([_("… and {count} more.").format(count=more)] if more > 0 else [])
        raise SyncImportError("bad_records", _(
            "The bundle was not imported, because some of its records are wrong:\n{problems}\n"
            "Nothing was changed. Ask the sending site to check these records and export again.").format(problems="\n".join(lines)))
    if failed is not None:
        raise failed


def _applying(applier: _Applier, step: Callable[..., None], *args: Any) -> Exception | None:
    """What went wrong in `step` (None: nothing), to be raised once the records are known to be well
    formed, unless a wrong record says more; the database refusing a record is said in words."""
    try:
        step(*args)
    except (sqlite3.IntegrityError, peewee.IntegrityError) as exc:
        refusal = broken(applier.table)
        refusal.__cause__ = exc
        return refusal
    except Exception as exc:
        return exc
    return None


def import_bundle(path: Path, *, dry_run: bool = False, trust_fingerprint: str | None = None,
                  progress: Progress | None = None) -> ImportResult:
    """Check `path` and take it in (or, with `dry_run`, say what it would change and change nothing).
    `trust_fingerprint`: the sender's fingerprint as the person confirmed it, to trust a new site."""
    authority.require("import")
    with container.open_bundle(path, decryption_key=identity.encryption_key()) as opened:
        sender = check_manifest(opened)
        newly_trusted = check_trust(sender, trust_fingerprint)
        manifest = opened.manifest
        result = ImportResult(bundle_id=manifest["bundle_id"], sender=sender, created_at=str(manifest.get("created_at", "")),
                              newly_trusted=newly_trusted)
        before = SyncBundle.get_or_none((SyncBundle.direction == "in") &
                                        ((SyncBundle.id == result.bundle_id) | (SyncBundle.sha256 == opened.sha256)))
        if before is not None:
            result.already_imported_at = before.recorded_at.isoformat(sep=" ", timespec="minutes")
            return result
        result.missed = _missed(sender.site_id, manifest)
        try:
            with atomic():
                if newly_trusted:
                    identity.trust(sender)
                _apply(opened, result, progress)
                if dry_run:
                    raise _Preview()
                result.files = _store_files(opened)
                user = authority.current_user()
                counts = {t: c.as_dict() for t, c in result.tables.items()}
                SyncBundle.create(id=result.bundle_id, sha256=opened.sha256, direction="in", peer_site=sender.site_id,
                                  seq_to=int(manifest.get("seq_to") or 0),
                                  peer_name=sender.name, created_at=_parse_created(result.created_at), counts=json.dumps(counts),
                                  audit_head=str(manifest.get("audit_head", ""))[:80], file_name=path.name,
                                  by_user=user.username if user else "")
                audit.record("import", "sync_bundle", result.bundle_id, details={
                    "file": path.name, "from": sender.name, "fingerprint": sender.fingerprint,
                    "their_audit_head": manifest.get("audit_head", ""), "totals": result.totals().as_dict()})
        except _Preview:
            return result
        result.applied = True
    return result


def _missed(sender_site: str, manifest: dict[str, Any]) -> tuple[int, int] | None:
    """An incremental bundle starts where the sender's last bundle for us ended: when that is beyond what
    the bundles taken in from it reached, one was lost on the way (a full bundle starts from nothing)."""
    start = manifest.get("seq_from")
    if manifest.get("full") or not isinstance(start, int) or start <= 0:
        return None
    reached = reached_seq("in", sender_site)
    return (reached, start) if start > reached else None


def _parse_created(value: str) -> Any:
    try:
        return dt.datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return utcnow()
