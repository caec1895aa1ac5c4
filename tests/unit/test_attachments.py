"""services/attachments.py: a copy beside the database, named and checked by its SHA-256."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.services import attachments


def scan(tmp_path: Path, name: str = "Hợp đồng đã ký.pdf", content: bytes = b"%PDF-1.4 scan") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_an_attachment_is_copied_and_hashed(draft_id: str, tmp_path: Path, site_store: Path) -> None:
    source = scan(tmp_path)
    attachment = attachments.add_attachment(draft_id, source, "Bản scan có chữ ký")
    [row] = attachments.attachments_of(draft_id)
    assert row["id"] == attachment and row["file_name"] == "Hợp đồng đã ký.pdf" and row["present"]
    assert row["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    stored = attachments.attachment_path(attachment)
    assert stored.parent == site_store.parent / "attachments"
    assert stored.read_bytes() == source.read_bytes()
    source.unlink()  # the user's original may go: the copy stays
    assert attachments.attachment_path(attachment).is_file()


def test_no_temporary_file_is_left_behind(draft_id: str, tmp_path: Path, site_store: Path) -> None:
    attachments.add_attachment(draft_id, scan(tmp_path))
    assert [p.name.startswith(".incoming-") for p in (site_store.parent / "attachments").iterdir()] == [False]


def test_the_same_scan_twice_is_stored_once(draft_id: str, tmp_path: Path, site_store: Path) -> None:
    attachments.add_attachment(draft_id, scan(tmp_path, "a.pdf"))
    attachments.add_attachment(draft_id, scan(tmp_path, "b.pdf"))
    assert len(attachments.attachments_of(draft_id)) == 2
    assert len(list((site_store.parent / "attachments").iterdir())) == 1


def test_a_changed_stored_copy_is_refused(draft_id: str, tmp_path: Path) -> None:
    attachment = attachments.add_attachment(draft_id, scan(tmp_path))
    attachments.attachment_path(attachment).write_bytes(b"forged")
    with pytest.raises(HospitalDeskError) as caught:
        attachments.attachment_path(attachment)
    assert "changed" in caught.value.message


def test_a_missing_source_is_a_clear_error(draft_id: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        attachments.add_attachment(draft_id, tmp_path / "không có.pdf")
    assert "không có.pdf" in caught.value.message


def test_removing_leaves_a_tombstone(draft_id: str, tmp_path: Path) -> None:
    attachment = attachments.add_attachment(draft_id, scan(tmp_path))
    attachments.remove_attachment(attachment)
    assert attachments.attachments_of(draft_id) == []


def test_export_copies_the_verified_file(draft_id: str, tmp_path: Path) -> None:
    attachment = attachments.add_attachment(draft_id, scan(tmp_path))
    target = attachments.export_attachment(attachment, tmp_path / "out.pdf")
    assert target.read_bytes() == b"%PDF-1.4 scan"


def test_attaching_the_good_file_again_repairs_a_damaged_copy(draft_id: str, tmp_path: Path) -> None:
    source = scan(tmp_path)
    first = attachments.add_attachment(draft_id, source)
    attachments.attachment_path(first).write_bytes(b"damaged")  # the kept copy goes bad on disk
    with pytest.raises(HospitalDeskError):
        attachments.attachment_path(first)
    attachments.add_attachment(draft_id, source)
    assert attachments.attachment_path(first).read_bytes() == source.read_bytes()


def test_viewing_uses_a_temporary_copy(draft_id: str, tmp_path: Path) -> None:
    attachment = attachments.add_attachment(draft_id, scan(tmp_path))
    copy = attachments.export_for_viewing(attachment)
    assert copy != attachments.attachment_path(attachment) and copy.read_bytes() == b"%PDF-1.4 scan"
