"""Who is writing (this site) and the next number in this site's change sequence.

Both live in LocalState. The counter is bumped inside the caller's IMMEDIATE
transaction, so two writers can never draw the same number.
"""
from __future__ import annotations

import uuid

from hospitaldesk.db import local_state
from hospitaldesk.db.models import LocalState
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _

SITE_KEY = "site_id"
SEQ_KEY = "change_seq"

_cache: dict[str, uuid.UUID | None] = {"site_id": None}


def forget() -> None:
    """Called when another database is opened."""
    _cache["site_id"] = None


def local_site_id_or_none() -> uuid.UUID | None:
    if _cache["site_id"] is None:
        stored = local_state.read(SITE_KEY)
        _cache["site_id"] = uuid.UUID(stored) if stored else None
    return _cache["site_id"]


def local_site_id() -> uuid.UUID:
    site_id = local_site_id_or_none()
    if site_id is None:
        raise StoreError(_("This installation has no site name yet. Run 'hospitaldesk init --site NAME' or open the app once."))
    return site_id


def set_local_site_id(site_id: uuid.UUID) -> None:
    local_state.write(SITE_KEY, str(site_id))
    _cache["site_id"] = site_id


def next_change_seq(count: int = 1) -> int:
    """Reserve `count` numbers; returns the first. Must run inside a write transaction."""
    updated = LocalState.update(value=(LocalState.value.cast("INTEGER") + count)).where(LocalState.key == SEQ_KEY).execute()
    if not updated:
        LocalState.insert(key=SEQ_KEY, value=str(count)).execute()
        return 1
    current = int(LocalState.get(LocalState.key == SEQ_KEY).value)
    return current - count + 1
