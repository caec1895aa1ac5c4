"""The page check the GUI runs after start: silent on a sound file, a clear message on a damaged one."""
from __future__ import annotations

from pathlib import Path

from hospitaldesk.db.store import close_store
from hospitaldesk.services import maintenance
from hospitaldesk.services.catalogs import all_rows


def test_sound_file_passes(site_store: Path) -> None:
    assert maintenance.quick_check(site_store) is None


def test_damaged_pages_are_reported_in_words(site_store: Path) -> None:
    assert len(all_rows("facilities")) > 10
    close_store()
    data = bytearray(site_store.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(3, len(data) // page_size - 1):  # scribble over every page but the header's
        start = page * page_size
        data[start : start + 64] = b"\xff" * 64
    site_store.write_bytes(bytes(data))
    message = maintenance.quick_check(site_store)
    assert message is not None
    assert str(site_store) in message
    assert "Traceback" not in message
