"""Warn when the database sits on a removable or network drive: WAL needs a local disk,
and a USB stick pulled out mid-write loses data."""
from __future__ import annotations

import os
import sys
from pathlib import Path

_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs", "fuse.davfs2"}
_REMOVABLE_PREFIXES = ("/media/", "/run/media/", "/mnt/usb", "/Volumes/")


def drive_kind(path: Path) -> str:
    """'local', 'removable' or 'network' (best effort; 'local' when unsure)."""
    resolved = path.resolve()
    if sys.platform == "win32":
        return _windows_drive_kind(resolved)
    text = str(resolved)
    fs_type = _mount_fs_type(resolved)
    if fs_type in _NETWORK_FS:
        return "network"
    if any(text.startswith(prefix) for prefix in _REMOVABLE_PREFIXES):
        return "removable"
    return "local"


def _mount_fs_type(path: Path) -> str:
    try:
        lines = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    best, best_type = "", ""
    text = str(path)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (text == mount_point or text.startswith(mount_point.rstrip("/") + "/")) and len(mount_point) > len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def _windows_drive_kind(path: Path) -> str:
    if str(path).startswith("\\\\"):
        return "network"  # UNC path
    try:
        import ctypes

        kind = ctypes.windll.kernel32.GetDriveTypeW(os.path.splitdrive(str(path))[0] + "\\")  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return "local"
    return {2: "removable", 4: "network"}.get(kind, "local")
