"""Files kept with an agreement (the scan of the signed paper, minutes of a review).

The file is copied into an `attachments` folder beside the database, named by
its SHA-256, so the record proves which file it means and two identical scans
are stored once. The copy is written to a temporary name and renamed, so a
power cut never leaves half a file under a real name.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Attachment
from hospitaldesk.db.store import current_path
from hospitaldesk.errors import FieldError, HospitalDeskError, NotFoundError, ValidationError
from hospitaldesk.i18n import _, format_date, format_number
from hospitaldesk.services.agreements import get_agreement
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services import authority
from hospitaldesk.db import audit

MAX_SIZE = 200 * 1024 * 1024  # a scanned contract is a few MB; 200 MB is a wrong file
CHUNK = 1024 * 1024


def attachments_dir() -> Path:
    db_path = current_path()
    if db_path is None:
        raise HospitalDeskError(_("No database is open."))
    return db_path.parent / "attachments"


def _copy_hashed(source: Path, folder: Path) -> tuple[str, int, Path]:
    """Copy `source` into `folder` under a temporary name while hashing it; return (sha256, size, temp path)."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with open(source, "rb") as src, os.fdopen(handle, "wb") as dst:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > MAX_SIZE:
                    raise ValidationError([FieldError("file", _("File"), _("The file is larger than 200 MB: choose the scan itself."))])
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size, Path(temp_name)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def add_attachment(agreement_id: str | uuid.UUID, source: Path, description: str = "") -> str:
    """Keep a copy of `source` with the agreement; returns the attachment id."""
    agreement = get_agreement(agreement_id)
    if not source.is_file():
        raise ValidationError([FieldError("file", _("File"), _("{file} does not exist or is not a file.").format(file=source))])
    folder = attachments_dir()
    try:
        sha256, size, temp = _copy_hashed(source, folder)
    except OSError as exc:
        raise HospitalDeskError(_("Could not copy {file}: {reason}").format(file=source.name, reason=exc.strerror or exc)) from exc
    suffix = "".join(c for c in source.suffix.lower() if c.isalnum() or c == ".")[:10]
    stored = folder / f"{sha256}{suffix}"
    try:
        if stored.exists() and _sha256_of(stored) == sha256:
            temp.unlink()
        else:  # new, or the kept copy was damaged: the good bytes just copied take its place
            os.replace(temp, stored)
        with atomic():
            attachment = Attachment.create(
                id=uuid.uuid4(), agreement=agreement.id, file_name=text.nfc(source.name)[:300], stored_name=stored.name,
                sha256=sha256, size=size, description=text.clean_line(description)[:500],
            )
    finally:
        temp.unlink(missing_ok=True)
    return str(attachment.id)


def attachments_of(agreement_id: str | uuid.UUID) -> list[dict[str, Any]]:
    rows = Attachment.live().where(Attachment.agreement == parse_id(agreement_id)).order_by(Attachment.created_at)
    return [{"id": str(a.id), "file_name": a.file_name, "description": a.description, "sha256": a.sha256,
             "size": _("{size} KB").format(size=format_number(max(1, a.size // 1024))),
             "added_on": format_date(a.created_at.date()), "present": (attachments_dir() / a.stored_name).is_file()}
            for a in rows]


def attachment_path(attachment_id: str | uuid.UUID) -> Path:
    """The stored copy, checked against its SHA-256 (a changed or missing file is refused)."""
    attachment = Attachment.live().where(Attachment.id == parse_id(attachment_id)).first()
    if attachment is None:
        raise NotFoundError(_("No such record: {id}").format(id=attachment_id))
    path = attachments_dir() / attachment.stored_name
    if not path.is_file():
        raise HospitalDeskError(_("The file {name} is missing from {folder}. It may not have been copied from the other site yet.").format(
            name=attachment.file_name, folder=path.parent))
    if _sha256_of(path) != attachment.sha256:
        raise HospitalDeskError(_("The stored copy of {name} has been changed since it was attached: do not rely on it.").format(name=attachment.file_name))
    return path


def export_attachment(attachment_id: str | uuid.UUID, target: Path) -> Path:
    """Copy a stored attachment out (to send it), verified first: an export."""
    authority.require("export")
    with atomic("event"):
        audit.record("export", "attachment", parse_id(attachment_id).hex, {"file": target.name})
    return _copy_out(attachment_id, target)


def _copy_out(attachment_id: str | uuid.UUID, target: Path) -> Path:
    shutil.copyfile(attachment_path(attachment_id), target)
    return target


def export_for_viewing(attachment_id: str | uuid.UUID) -> Path:
    """A verified copy in a fresh temporary folder, to open in another program (which may lock
    or rewrite what it opens: never the kept copy)."""
    attachment = Attachment.live().where(Attachment.id == parse_id(attachment_id)).first()
    if attachment is None:
        raise NotFoundError(_("No such record: {id}").format(id=attachment_id))
    folder = Path(tempfile.mkdtemp(prefix="hospitaldesk-"))
    safe_name = "".join(c if c.isalnum() or c in " .-_()" else "_" for c in attachment.file_name) or "attachment"
    return _copy_out(attachment_id, folder / safe_name)


def remove_attachment(attachment_id: str | uuid.UUID) -> None:
    """The record goes (a tombstone); the file stays, as another record may share it."""
    authority.require("delete")
    with atomic():
        attachment = Attachment.live().where(Attachment.id == parse_id(attachment_id)).first()
        if attachment is None:
            raise NotFoundError(_("No such record: {id}").format(id=attachment_id))
        attachment.deleted = True
        attachment.save()
