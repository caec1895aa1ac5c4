"""Make a bundle: every synced record changed since the last bundle made for a peer (or all of them),
read in one snapshot and streamed table by table, so 100,000 records never sit in memory at once."""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import fn

from hospitaldesk import __version__
from hospitaldesk.db import audit, local_state, stamping
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.migrations import LATEST_VERSION
from hospitaldesk.db.models import SyncBundle, SyncPeer, utcnow
from hospitaldesk.i18n import _
from hospitaldesk.services import authority
from hospitaldesk.services.attachments import attachments_dir
from hospitaldesk.services.sync import container, identity
from hospitaldesk.services.sync.records import VECTOR, in_force, model_for, stored_columns, synced_models

LINES_PER_CHUNK = 500
FILE_CHUNK = 1024 * 1024
Progress = Callable[[int, int], None]  # records written so far, records in all


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    peer: str  # the recipient's name, "" for a full bundle to anyone
    counts: dict[str, int]  # records per table
    files: int
    seq_to: int
    encrypted: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def reached_seq(direction: str, peer_site: str) -> int:
    """The change number the bundles made for `peer_site` ("out": this site's) or taken in from it ("in":
    the sender's) have reached so far (0: none yet)."""
    found = (SyncBundle.select(fn.MAX(SyncBundle.seq_to))
             .where((SyncBundle.direction == direction) & (SyncBundle.peer_site == peer_site)).scalar())
    return int(found or 0)


def _table_ranges(since: int) -> dict[str, dict[str, int]]:
    """Per table with changes: how many records, and the range of this site's change numbers they span."""
    ranges = {}
    for model in synced_models():
        table = model._meta.table_name
        count, low, high = database.execute_sql(
            f'SELECT COUNT(*), MIN(change_seq), MAX(change_seq) FROM "{table}" WHERE change_seq > ?', (since,)).fetchone()
        if count:
            ranges[table] = {"count": count, "seq_from": low, "seq_to": high}
    return ranges


def _attachment_hashes(since: int) -> list[str]:
    from hospitaldesk.db.models import Attachment

    query = Attachment.select(Attachment.sha256, Attachment.stored_name).where(Attachment.change_seq > since)
    folder = attachments_dir()
    return sorted({a.sha256 for a in query if (folder / a.stored_name).is_file()})


def _lines(table: str, since: int, local_site: str, done: list[int], total: int, progress: Progress | None) -> Iterator[bytes]:
    """The table's records as JSON lines, in chunks of LINES_PER_CHUNK, with the vector in force."""
    model = model_for(table)
    assert model is not None  # `table` comes from synced_models()
    names = stored_columns(model)
    at = {name: i for i, name in enumerate(names)}
    cursor = database.execute_sql(
        f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}" WHERE change_seq > ? ORDER BY change_seq', (since,))
    while rows := cursor.fetchmany(LINES_PER_CHUNK):
        chunk = []
        for row in rows:
            record = {name: row[i] for i, name in enumerate(names) if name != "change_seq"}
            record[VECTOR] = in_force(row[at[VECTOR]], row[at["last_site"]], row[at["change_seq"]], local_site)
            chunk.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        yield ("\n".join(chunk) + "\n").encode("utf-8")
        done[0] += len(chunk)
        if progress:
            progress(done[0], total)


def _file_chunks(sha256: str) -> Iterator[bytes]:
    from hospitaldesk.db.models import Attachment

    stored = Attachment.select(Attachment.stored_name).where(Attachment.sha256 == sha256).first()
    with open(attachments_dir() / stored.stored_name, "rb") as handle:
        while block := handle.read(FILE_CHUNK):
            yield block


def export_bundle(path: Path, peer_key: str = "", *, full: bool = False, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write a bundle to `path`. With `peer_key` (a trusted site's id or name) it is meant for that
    site: incremental since the last bundle made for it (unless `full`), and encrypted to its key.
    Without, a full bundle any trusted site accepts. Logged in the audit log and the history."""
    authority.require("export")
    peer: SyncPeer | None = identity.find_peer(peer_key) if peer_key else None
    me = identity.own_identity()
    signing = identity.signing_key()
    local_site = uuid.UUID(me.site_id).hex
    bundle_id = str(uuid.uuid4())
    with database.atomic():  # one read snapshot: the counts and the records agree
        since = 0 if (full or peer is None) else reached_seq("out", peer.site_id)
        seq_to = int(local_state.read(stamping.SEQ_KEY) or 0)
        ranges = _table_ranges(since)
        counts = {table: r["count"] for table, r in ranges.items()}
        files = _attachment_hashes(since)
        head_seq, head_hash = audit.head()
        manifest: dict[str, Any] = {
            "format": container.FORMAT, "format_version": container.FORMAT_VERSION,
            "bundle_id": bundle_id, "app_version": __version__, "schema_version": LATEST_VERSION,
            "created_at": utcnow().isoformat(timespec="seconds") + "Z",
            "source": me.as_dict(),
            "target": {"site_id": peer.site_id, "name": peer.name} if peer else None,
            "full": since == 0, "seq_from": since, "seq_to": seq_to,
            "tables": ranges, "files": len(files), "audit_head": f"{head_seq}:{head_hash}",
        }
        total, done = sum(counts.values()), [0]
        members: list[tuple[str, Any]] = [
            (f"tables/{table}.jsonl", _lines(table, since, local_site, done, total, progress)) for table in counts]
        members += [(f"files/{sha}", _file_chunks(sha)) for sha in files]
        recipient = (peer.fingerprint, identity.peer_identity(peer).encryption_public_key()) if peer else None
        written = container.write_bundle(path, manifest, members, signing, recipient=recipient, cancelled=cancelled)
    user = authority.current_user()
    with atomic("event"):
        SyncBundle.create(id=bundle_id, sha256=written.sha256, direction="out", peer_site=peer.site_id if peer else "",
                          peer_name=peer.name if peer else "", created_at=utcnow(), seq_to=seq_to,
                          counts=json.dumps(counts), audit_head=manifest["audit_head"], file_name=path.name,
                          by_user=user.username if user else "")
        audit.record("export", "sync_bundle", bundle_id, details={
            "file": path.name, "for": peer.name if peer else "", "records": total, "files": len(files), "sha256": written.sha256})
    return ExportResult(path=path, bundle_id=bundle_id, peer=peer.name if peer else "", counts=counts, files=len(files),
                        seq_to=seq_to, encrypted=peer is not None)


def history() -> list[dict[str, Any]]:
    """Bundles made and taken in, newest first, as a person would read them."""
    rows = []
    for bundle in SyncBundle.select().order_by(SyncBundle.recorded_at.desc()):
        counts = json.loads(bundle.counts or "{}")
        rows.append({"id": bundle.id, "direction": bundle.direction, "peer": bundle.peer_name or _("any trusted site"),
                     "recorded_at": bundle.recorded_at, "created_at": bundle.created_at, "file_name": bundle.file_name,
                     "counts": counts, "by_user": bundle.by_user, "audit_head": bundle.audit_head})
    return rows
