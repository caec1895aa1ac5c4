"""Why a sync bundle is refused: `BundleError`, the refusals that both the zip container and its
encrypted envelope make, and how sizes and hostile names are shown in those messages."""
from __future__ import annotations

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_number

_SHOWN_NAME = 80


class BundleError(HospitalDeskError):
    """A bundle cannot be written or must not be read. `reason` is a short code for callers and tests:
    not_bundle, truncated, tampered, bad_signature, unsafe_name, duplicate_member, unlisted_member,
    missing_member, too_big, bad_json, newer_format, not_for_us, cancelled."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def not_bundle(label: str) -> BundleError:
    return BundleError("not_bundle", _(
        "The file {file} is not a HospitalDesk sync file, or it is damaged. Choose the .hdsync file the other site "
        "sent; if it is the right file, ask the sending site to export it again.").format(file=label))


def truncated(label: str) -> BundleError:
    return BundleError("truncated", _(
        "The file {file} seems incomplete: it was probably cut short while being copied, sent or downloaded. "
        "Ask the sending site to send it again.").format(file=label))


def size_text(count: int) -> str:
    if count < 1024**2:
        return _("{count} bytes").format(count=format_number(count))
    return _("{count} MB").format(count=format_number(count // 1024**2))


def shown(name: str) -> str:
    """A name from a hostile file, made printable and short before it is shown to a person."""
    text = name.encode("unicode_escape").decode("ascii")
    return text if len(text) <= _SHOWN_NAME else text[:_SHOWN_NAME] + "…"
