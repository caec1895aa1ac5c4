"""Everything checked about an incoming bundle: who made it and for whom, whether this site trusts the
sender, whether this version can read it (all before anything is written), and every record's fields
and references (so a refusal names the table, line and field).

The records are checked in the pass that applies them (services/sync/importing.py): begin_scan, then
checked_batches of every table, each batch written only while no problem is known, then finish_scan,
the references; a problem anywhere refuses the bundle and rolls the import's one transaction back, so
the database is as it was. Reading, decrypting and checking each record once, not once to check and
again to apply, saved about 3 s of a 100,000-record import (tests/bench section i)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from peewee import ForeignKeyField

from hospitaldesk.db import stamping
from hospitaldesk.db.connection import database
from hospitaldesk.db.migrations import LATEST_VERSION
from hospitaldesk.db.models import Record
from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services import readiness_templates
from hospitaldesk.services.sync import container, identity
from hospitaldesk.services.sync.records import VECTOR, Column, columns_of, parse_incoming_vector, synced_models, table_label

BATCH = 500
MAX_PROBLEMS = 10  # listed in a refusal; more are counted
STARTER_TABLES = {"checklist_template", "template_item"}


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


def check_manifest(opened: container.OpenedBundle) -> identity.Identity:
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


def check_trust(sender: identity.Identity, trust_fingerprint: str | None) -> bool:
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
class Scan:
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


def _clean(table: str, columns: list[Column], known: frozenset[str], raw: dict[str, Any], line: int,
           scan: Scan) -> dict[str, Any] | None:
    """The record with every value checked against its column's rule; None (and a problem noted) if not."""

    def where() -> str:  # only for a problem: this runs for every record of a bundle
        return _("{table}, line {line}").format(table=table_label(table), line=line)

    if not known.issuperset(raw):
        unknown = sorted(set(raw) - known)
        scan.problem(_("{where}: unknown field '{field}'.").format(where=where(), field=unknown[0]))
        return None
    record: dict[str, Any] = {}
    for column in columns:
        name = column.name
        if name not in raw:
            if column.required:
                scan.problem(_("{where}: the field '{field}' is missing.").format(where=where(), field=name))
                return None
            record[name] = column.default
            continue
        try:
            record[name] = column.check(raw[name])
        except ValueError as exc:
            scan.problem(_("{where}, field '{field}': {problem} (found {value}).").format(
                where=where(), field=name, problem=str(exc), value=json.dumps(raw[name], ensure_ascii=False)[:60]))
            return None
    try:
        record[VECTOR] = parse_incoming_vector(raw.get(VECTOR))
    except ValueError as exc:
        scan.problem(_("{where}, field '{field}': {problem}.").format(where=where(), field=VECTOR, problem=str(exc)))
        return None
    return record


def records(opened: container.OpenedBundle, model: type[Record], scan: Scan) -> Iterator[tuple[int, dict[str, Any]]]:
    table = model._meta.table_name
    columns = columns_of(model)
    known = frozenset(c.name for c in columns) | {VECTOR}
    for line, raw in enumerate(opened.records(table), start=1):
        record = _clean(table, columns, known, raw, line, scan)
        if record is not None:
            yield line, record


def begin_scan(opened: container.OpenedBundle) -> Scan:
    """A scan of `opened`, knowing already of any table this version does not know."""
    scan = Scan()
    known_tables = {m._meta.table_name for m in synced_models()}
    for table in opened.tables():
        if table not in known_tables:
            scan.problem(_("The bundle holds a table this version does not know: '{table}'. Install the same version of HospitalDesk as the sending site.").format(table=table))
    return scan


def checked_batches(opened: container.OpenedBundle, model: type[Record], scan: Scan) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """`model`'s well-formed records (line, record), BATCH at a time, each batch given only once all its
    records are checked: field rules, each id once, the references they make noted. Problems go to
    `scan`; a caller writing a batch looks at scan.problem_count first. Read to the end, the table's count
    is checked against the manifest's; call for every synced table, the bundle's or not."""
    table = model._meta.table_name
    ids = scan.ids.setdefault(table, set())
    keys = _foreign_keys(model)
    counted = 0
    batch: list[tuple[int, dict[str, Any]]] = []
    for line, record in records(opened, model, scan):
        counted += 1
        scan.total += 1
        if record["id"] in ids:
            scan.problem(_("{table}: the record {id} appears twice.").format(table=table_label(table), id=record["id"]))
        ids.add(record["id"])
        for column, target in keys:
            if record.get(column) is not None:
                scan.refs.setdefault(target, set()).add(record[column])
        batch.append((line, record))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
    declared = opened.manifest["tables"].get(table)
    declared_count = _declared_count(opened, table)
    if declared is not None and declared_count != counted and not scan.problem_count:
        scan.problem(_("{table}: the bundle says {declared} record(s) but holds {count}.").format(
            table=table_label(table), declared=declared_count, count=counted))


def _declared_count(opened: container.OpenedBundle, table: str) -> Any:
    """What the manifest says `table` holds: {"count": n, ...}, or n alone (None: nothing said)."""
    declared = opened.manifest["tables"].get(table)
    return declared.get("count") if isinstance(declared, dict) else declared


def declared_total(opened: container.OpenedBundle) -> int:
    """The records the manifest says the bundle's known tables hold (what a progress bar counts to)."""
    counts = [_declared_count(opened, model._meta.table_name) for model in synced_models()]
    return sum(c for c in counts if isinstance(c, int) and not isinstance(c, bool))


def finish_scan(scan: Scan) -> None:
    """Once every table is read: each reference resolvable, in the bundle, here, or a shipped checklist
    this site has not put in place yet (noted in scan.starters)."""
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


def needed_starters(opened: container.OpenedBundle) -> set[str]:
    """The techniques whose shipped checklist must be put in place before the bundle's records are written
    (finish_scan's scan.starters, known beforehand): only the tables that can point to a shipped checklist,
    and the checklists' own, are read for it, checked as checked_batches checks them (problems are left to
    the import's own pass). Nothing is read when the bundle has no such table."""
    pointing = [m for m in synced_models() if any(t in STARTER_TABLES for _c, t in _foreign_keys(m))]
    if not any(m._meta.table_name in opened.tables() for m in pointing):
        return set()
    models = [m for m in synced_models() if m in pointing or m._meta.table_name in STARTER_TABLES]
    scan = Scan()
    for model in models:
        for _batch in checked_batches(opened, model, scan):
            pass
    scan.refs = {target: wanted for target, wanted in scan.refs.items() if target in STARTER_TABLES}
    finish_scan(scan)
    return scan.starters


def _existing(table: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), BATCH):
        part = wanted[start:start + BATCH]
        marks = ", ".join("?" for _id in part)
        found.update(r[0] for r in database.execute_sql(f'SELECT id FROM "{table}" WHERE id IN ({marks})', part).fetchall())
    return found
