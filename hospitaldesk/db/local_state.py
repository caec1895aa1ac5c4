"""Facts and settings of this installation only (never synced), by key: the site id, the
readiness threshold, sign-in switched off, the idle lock. Writes join the caller's transaction."""
from __future__ import annotations

from hospitaldesk.db.models import LocalState


def read(key: str) -> str | None:
    row = LocalState.get_or_none(LocalState.key == key)
    return None if row is None else str(row.value)


def write(key: str, value: str) -> None:
    LocalState.insert(key=key, value=value).on_conflict_replace().execute()
