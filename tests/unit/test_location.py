"""db/location.py: telling a local disk from a USB stick or a network share."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hospitaldesk.db import location

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX mount table logic; Windows asks GetDriveTypeW")


@pytest.fixture
def local_filesystem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "_mount_fs_type", lambda path: "ext4")


@pytest.mark.usefixtures("local_filesystem")
def test_a_plain_folder_is_local(tmp_path: Path) -> None:
    assert location.drive_kind(tmp_path / "hospitaldesk.sqlite3") == "local"


@pytest.mark.parametrize("fs_type", ["nfs", "cifs", "smb3", "fuse.sshfs"])
def test_a_network_filesystem_is_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fs_type: str) -> None:
    monkeypatch.setattr(location, "_mount_fs_type", lambda path: fs_type)
    assert location.drive_kind(tmp_path / "db.sqlite3") == "network"


@pytest.mark.usefixtures("local_filesystem")
@pytest.mark.parametrize("path", ["/media/lan/USB/db.sqlite3", "/run/media/lan/KINGSTON/db.sqlite3"])
def test_usb_mount_points_are_removable(path: str) -> None:
    assert location.drive_kind(Path(path)) == "removable"


@pytest.mark.usefixtures("local_filesystem")
def test_a_folder_named_media_inside_home_is_local(tmp_path: Path) -> None:
    assert location.drive_kind(tmp_path / "media" / "hospitaldesk.sqlite3") == "local"


def test_mount_fs_type_picks_the_longest_matching_mount_point(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\nserver:/share /srv/share nfs4 rw 0 0\n/dev/sdb1 /srv/share/usb vfat rw 0 0\n", encoding="utf-8"
    )
    real_path = Path

    def fake_path(value: str = "", *more: str) -> Path:
        return mounts if value == "/proc/mounts" else real_path(value, *more)

    monkeypatch.setattr(location, "Path", fake_path)
    assert location._mount_fs_type(real_path("/srv/share/docs/db.sqlite3")) == "nfs4"
    assert location._mount_fs_type(real_path("/srv/share/usb/db.sqlite3")) == "vfat"
    assert location._mount_fs_type(real_path("/srv/shared/db.sqlite3")) == "ext4"
