"""Take in a bundle: check everything first, then apply it in one transaction (or roll it back, for a
preview). Nothing is written until the file is known to be whole, signed by a trusted site, meant for
us, from a schema we understand, and every record in it well formed with every reference resolvable.

Each incoming record is compared with ours by version vectors (records.compare): newer replaces ours,
older or the same changes nothing (so importing a bundle twice, or an old one after a new one, is
harmless), and concurrent versions are a conflict: both are kept in sync_conflict, the record shows
the deterministic winner, and a person decides later (services/sync/conflicts.py).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import ForeignKeyField

from hospitaldesk.db import audit, stamping
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.migrations import LATEST_VERSION
from hospitaldesk.db.models import Record, SyncBundle, SyncConflict, utcnow
from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services import authority, readiness_templates
from hospitaldesk.services.attachments import attachments_dir
from hospitaldesk.services.audit_log import TABLES
from hospitaldesk.services.sync import container, identity
from hospitaldesk.services.sync.records import (
    VECTOR,
    Column,
    Order,
    Vector,
    columns_of,
    compare,
    dumps_vector,
    in_force,
    merged,
    parse_incoming_vector,
    same_content,
    stored_columns,
    synced_models,
    winner_is_theirs,
)

BATCH = 500
MAX_PROBLEMS = 10  # listed in a refusal; more are counted
STARTER_TABLES = {"checklist_template", "template_item"}
FROZEN = {"agreement": ("frozen_json", "content_hash"), "amendment": ("frozen_json", "content_hash")}
Progress = Callable[[int, int], None]


class SyncImportError(HospitalDeskError):
    """The bundle is refused as a whole; the database was not touched."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class UntrustedSiteError(SyncImportError):
    """Signed correctly, by a site not trusted yet: the person may check its fingerprint and trust it."""

    def __init__(self, message: str, sender: identity.Identity) -> None:
        super().__init__("untrusted", message)
        self.sender = sender


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

    def totals(self) -> TableChanges:
        total = TableChanges()
        for changes in self.tables.values():
            for key, value in changes.as_dict().items():
                setattr(total, key, getattr(total, key) + value)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"bundle_id": self.bundle_id, "from": self.sender.name, "from_site": self.sender.site_id,
                "created_at": self.created_at, "applied": self.applied, "already_imported_at": self.already_imported_at,
                "files": self.files, "tables": {t: c.as_dict() for t, c in self.tables.items()},
                "totals": self.totals().as_dict()}


def table_label(table: str) -> str:
    return _(TABLES[table]) if table in TABLES else table


class _Preview(Exception):
    """Raised inside the transaction to roll a preview back."""


# --- checks before anything is written --------------------------------------------------------------


def _check_manifest(opened: container.OpenedBundle) -> identity.Identity:
    manifest = opened.manifest
    try:
        sender = identity.identity_from_dict(manifest.get("source"), _("The bundle"))
    except identity.IdentityError as exc:
        raise SyncImportError("not_bundle", exc.message) from None
    schema = manifest.get("schema_version")
    if not isinstance(schema, int) or not isinstance(manifest.get("bundle_id"), str) or not isinstance(manifest.get("tables"), dict):
        raise SyncImportError("not_bundle", _("The bundle's description is incomplete. Ask the sending site to export it again."))
    if schema > LATEST_VERSION:
        raise SyncImportError("newer_schema", _(
            "This bundle was made by HospitalDesk {version} (database version {schema}); this one reads "
            "database versions up to {ours}. Install HospitalDesk {version} or later, then import it again.").format(
            version=manifest.get("app_version", "?"), schema=schema, ours=LATEST_VERSION))
    local = str(stamping.local_site_id())
    if sender.site_id == local:
        raise SyncImportError("own_bundle", _("This bundle was made by this site; it is meant for another site."))
    target = manifest.get("target")
    if isinstance(target, dict) and target.get("site_id") not in (None, local):
        raise SyncImportError("not_for_us", _(
            "This bundle was made for '{name}', not for this site. Ask '{sender}' to export one for this site.").format(
            name=target.get("name", "?"), sender=sender.name))
    return sender


def _digits(fingerprint: str) -> str:
    return "".join(ch for ch in fingerprint if ch.isdigit())


def _check_trust(sender: identity.Identity, trust_fingerprint: str | None) -> bool:
    """Whether the sender is trusted (True: only now, by the fingerprint the person confirmed)."""
    known = identity.peer(sender.site_id)
    if known is not None:
        if (known.signing_key, known.encryption_key) != (sender.signing_key, sender.encryption_key):
            raise SyncImportError("wrong_key", _(
                "This bundle says it comes from '{name}' but is signed with other keys than the ones trusted "
                "for that site (fingerprint {new} instead of {old}). Do not import it; call the site to check.").format(
                name=known.name, new=sender.fingerprint, old=known.fingerprint))
        return False
    if trust_fingerprint is not None and _digits(trust_fingerprint) == _digits(sender.fingerprint):
        return True
    raise UntrustedSiteError(_(
        "'{name}' is not a trusted site yet. Call them and compare the fingerprint they read from their "
        "Settings or Sync screen with this one: {fingerprint}. Trust the site only if every digit matches.").format(
        name=sender.name, fingerprint=sender.fingerprint), sender)


@dataclass
class _Scan:
    """What the first pass over the records learnt: the ids each table brings, the references made."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    refs: dict[str, set[str]] = field(default_factory=dict)  # table referred to -> ids referred to
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    total: int = 0
    starters: set[str] = field(default_factory=set)  # techniques whose shipped checklist must be put in place first

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)


def _foreign_keys(model: type[Record]) -> list[tuple[str, str]]:
    return [(f.column_name, f.rel_model._meta.table_name) for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]


def _clean(model: type[Record], columns: list[Column], raw: dict[str, Any], line: int, scan: _Scan) -> dict[str, Any] | None:
    """The record with every value checked against its column's rule; None (and a problem noted) if not."""
    table = model._meta.table_name
    known = {c.name for c in columns} | {VECTOR}
    where = _("{table}, line {line}").format(table=table_label(table), line=line)
    unknown = sorted(set(raw) - known)
    if unknown:
        scan.problem(_("{where}: unknown field '{field}'.").format(where=where, field=unknown[0]))
        return None
    record: dict[str, Any] = {}
    for column in columns:
        if column.name not in raw:
            if column.required:
                scan.problem(_("{where}: the field '{field}' is missing.").format(where=where, field=column.name))
                return None
            record[column.name] = column.default
            continue
        try:
            record[column.name] = column.check(raw[column.name])
        except ValueError as exc:
            scan.problem(_("{where}, field '{field}': {problem} (found {value}).").format(
                where=where, field=column.name, problem=str(exc), value=json.dumps(raw[column.name], ensure_ascii=False)[:60]))
            return None
    try:
        record[VECTOR] = parse_incoming_vector(raw.get(VECTOR))
    except ValueError as exc:
        scan.problem(_("{where}, field '{field}': {problem}.").format(where=where, field=VECTOR, problem=str(exc)))
        return None
    return record


def _records(opened: container.OpenedBundle, model: type[Record], scan: _Scan) -> Iterator[tuple[int, dict[str, Any]]]:
    columns = columns_of(model)
    for line, raw in enumerate(opened.records(model._meta.table_name), start=1):
        record = _clean(model, columns, raw, line, scan)
        if record is not None:
            yield line, record


def _scan(opened: container.OpenedBundle) -> _Scan:
    scan = _Scan()
    known_tables = {m._meta.table_name for m in synced_models()}
    for table in opened.tables():
        if table not in known_tables:
            scan.problem(_("The bundle holds a table this version does not know: '{table}'. Install the same version of HospitalDesk as the sending site.").format(table=table))
    for model in synced_models():
        table = model._meta.table_name
        ids = scan.ids.setdefault(table, set())
        keys = _foreign_keys(model)
        counted = 0
        for _line, record in _records(opened, model, scan):
            counted += 1
            scan.total += 1
            if record["id"] in ids:
                scan.problem(_("{table}: the record {id} appears twice.").format(table=table_label(table), id=record["id"]))
            ids.add(record["id"])
            for column, target in keys:
                if record.get(column) is not None:
                    scan.refs.setdefault(target, set()).add(record[column])
        declared = opened.manifest["tables"].get(table)
        declared_count = declared.get("count") if isinstance(declared, dict) else declared
        if declared is not None and declared_count != counted and not scan.problem_count:
            scan.problem(_("{table}: the bundle says {declared} record(s) but holds {count}.").format(
                table=table_label(table), declared=declared_count, count=counted))
    starters = readiness_templates.starter_ids() if scan.refs.keys() & STARTER_TABLES else {}
    for target, wanted in scan.refs.items():
        missing = wanted - scan.ids.get(target, set())
        missing -= _existing(target, missing)
        if target in STARTER_TABLES:  # shipped checklists each site puts in place when first used
            shipped = {m for m in missing if m in starters}
            scan.starters.update(starters[m] for m in shipped)
            missing -= shipped
        if missing:
            scan.problem(_(
                "{count} record(s) point to a {table} this site does not have and the bundle does not bring (for "
                "example {id}). Ask the sending site for a full bundle.").format(
                count=len(missing), table=table_label(target), id=sorted(missing)[0]))
    return scan


def _existing(table: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), BATCH):
        part = wanted[start:start + BATCH]
        marks = ", ".join("?" for _id in part)
        found.update(r[0] for r in database.execute_sql(f'SELECT id FROM "{table}" WHERE id IN ({marks})', part).fetchall())
    return found


# --- applying ------------------------------------------------------------------------------------------


class _Applier:
    """Applies one table's records batch by batch inside the import's transaction."""

    def __init__(self, model: type[Record], bundle_id: str, local_site: str, changes: TableChanges) -> None:
        self.model, self.bundle_id, self.local_site, self.changes = model, bundle_id, local_site, changes
        self.table = model._meta.table_name
        self.names = stored_columns(model)
        self.conflicts: list[dict[str, Any]] = []

    def local_rows(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        marks = ", ".join("?" for _id in ids)
        cols = ", ".join(f'"{n}"' for n in self.names)
        rows = database.execute_sql(f'SELECT {cols} FROM "{self.table}" WHERE id IN ({marks})', ids).fetchall()
        return {row[0]: dict(zip(self.names, row)) for row in rows}

    def apply(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        ours = self.local_rows([r["id"] for _line, r in batch])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []  # the incoming version replaces ours
        vectors: list[tuple[str, str]] = []  # ours stays, knowing the incoming version too
        for _line, incoming in batch:
            theirs: Vector = incoming[VECTOR]
            mine = ours.get(incoming["id"])
            if mine is None:
                inserts.append(self._stored(incoming, theirs))
                self._count_new(incoming)
                continue
            mine_vector = in_force(mine[VECTOR], mine["last_site"], mine["change_seq"], self.local_site)
            order = compare(theirs, mine_vector)
            if order in (Order.SAME, Order.OLDER):
                self.changes.unchanged += 1
            elif same_content(mine, incoming):
                # The same content with other bookkeeping: ours come back with more history, or one edit
                # made at both sites. Take the later stamp (as every site will), or just the longer history
                # when ours is kept or the version is this site's own (a new change number would claim an edit).
                both = merged(theirs, mine_vector)
                if incoming.get("last_site") != self.local_site and (order is Order.NEWER or winner_is_theirs(mine, incoming)):
                    updates.append(self._stored(incoming, both))
                else:
                    vectors.append((dumps_vector(both), mine["id"]))
                self.changes.unchanged += 1
            elif order is Order.NEWER:
                self._check_frozen(mine, incoming)
                updates.append(self._stored(incoming, theirs))
                if incoming.get("deleted") and not mine.get("deleted"):
                    self.changes.deleted += 1
                else:
                    self.changes.updated += 1
            else:
                self._conflict(mine, mine_vector, incoming, theirs, updates, vectors)
        self._write(inserts, updates, vectors)

    def _count_new(self, incoming: dict[str, Any]) -> None:
        if incoming.get("deleted"):
            self.changes.deleted += 1
        else:
            self.changes.new += 1

    def _stored(self, incoming: dict[str, Any], vector: Vector) -> dict[str, Any]:
        return {**incoming, VECTOR: dumps_vector(vector)}

    def _conflict(self, mine: dict[str, Any], mine_vector: Vector, incoming: dict[str, Any], theirs: Vector,
                  updates: list[dict[str, Any]], vectors: list[tuple[str, str]]) -> None:
        both = merged(theirs, mine_vector)
        theirs_wins = winner_is_theirs(mine, incoming)
        if theirs_wins:
            self._check_frozen(mine, incoming)
            updates.append({**incoming, VECTOR: dumps_vector(both)})
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

    def _write(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]], vectors: list[tuple[str, str]]) -> None:
        cursor = database.cursor()
        if vectors:
            cursor.executemany(f'UPDATE "{self.table}" SET vector = ? WHERE id = ?', vectors)
        rows = inserts + updates
        if not rows:
            return
        first = stamping.next_change_seq(len(rows))  # so these records travel on to this site's other peers
        for n, row in enumerate(rows):
            row["change_seq"] = first + n
        columns = ", ".join(f'"{n}"' for n in self.names)
        marks = ", ".join("?" for _n in self.names)
        if inserts:
            cursor.executemany(f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})',
                               [tuple(r.get(n) for n in self.names) for r in inserts])
        if updates:
            settable = [n for n in self.names if n != "id"]
            assignments = ", ".join(f'"{n}" = ?' for n in settable)
            cursor.executemany(f'UPDATE "{self.table}" SET {assignments} WHERE id = ?',
                               [tuple(r.get(n) for n in settable) + (r["id"],) for r in updates])


def _batches(records: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in records:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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


def _apply(opened: container.OpenedBundle, result: ImportResult, checked: _Scan, progress: Progress | None) -> None:
    local_site = uuid.UUID(str(stamping.local_site_id())).hex
    scan = _Scan()  # the records were checked by _scan; this one only satisfies the reader
    done, total = 0, checked.total
    database.execute_sql("PRAGMA defer_foreign_keys = ON")  # a record may point to one later in its table
    readiness_templates.put_starters_in_place(checked.starters)
    for model in synced_models():
        table = model._meta.table_name
        if table not in opened.tables():
            continue
        changes = result.tables.setdefault(table, TableChanges())
        applier = _Applier(model, result.bundle_id, local_site, changes)
        for batch in _batches(_records(opened, model, scan)):
            applier.apply(batch)
            done += len(batch)
            if progress:
                progress(done, total)
        for conflict in applier.conflicts:
            SyncConflict.create(**conflict)


def import_bundle(path: Path, *, dry_run: bool = False, trust_fingerprint: str | None = None,
                  progress: Progress | None = None) -> ImportResult:
    """Check `path` and take it in (or, with `dry_run`, say what it would change and change nothing).
    `trust_fingerprint`: the sender's fingerprint as the person confirmed it, to trust a new site."""
    authority.require("import")
    with container.open_bundle(path, decryption_key=identity.encryption_key()) as opened:
        sender = _check_manifest(opened)
        newly_trusted = _check_trust(sender, trust_fingerprint)
        manifest = opened.manifest
        result = ImportResult(bundle_id=manifest["bundle_id"], sender=sender, created_at=str(manifest.get("created_at", "")),
                              newly_trusted=newly_trusted)
        before = SyncBundle.get_or_none((SyncBundle.direction == "in") &
                                        ((SyncBundle.id == result.bundle_id) | (SyncBundle.sha256 == opened.sha256)))
        if before is not None:
            result.already_imported_at = before.recorded_at.isoformat(sep=" ", timespec="minutes")
            return result
        scan = _scan(opened)
        if scan.problem_count:
            more = scan.problem_count - len(scan.problems)
            lines = scan.problems + ([_("… and {count} more.").format(count=more)] if more > 0 else [])
            raise SyncImportError("bad_records", _(
                "The bundle was not imported, because some of its records are wrong:\n{problems}\n"
                "Nothing was changed. Ask the sending site to check these records and export again.").format(problems="\n".join(lines)))
        try:
            with atomic():
                if newly_trusted:
                    identity.trust(sender)
                _apply(opened, result, scan, progress)
                if dry_run:
                    raise _Preview()
                result.files = _store_files(opened)
                user = authority.current_user()
                counts = {t: c.as_dict() for t, c in result.tables.items()}
                SyncBundle.create(id=result.bundle_id, sha256=opened.sha256, direction="in", peer_site=sender.site_id,
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


def _parse_created(value: str) -> Any:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return utcnow()
