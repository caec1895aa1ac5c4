"""This installation's identity: its site record and name."""
from __future__ import annotations

import uuid

from hospitaldesk import text
from hospitaldesk.db import local_state, stamping
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Site
from hospitaldesk.db.reference import load_reference
from hospitaldesk.errors import FieldError, HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services import authority

SITE_NAME_MAX = 300


def is_initialised() -> bool:
    return stamping.local_site_id_or_none() is not None


def site_name() -> str | None:
    site_id = stamping.local_site_id_or_none()
    if site_id is None:
        return None
    site = Site.get_or_none(Site.id == site_id)
    return site.name if site else None


def _clean_name(name: str) -> str:
    cleaned = text.clean_line(name)
    if not cleaned:
        raise ValidationError([FieldError("site", _("Site name"), _("This field is required."))])
    if len(cleaned) > SITE_NAME_MAX:
        raise ValidationError([FieldError("site", _("Site name"), _("Too long: {length} characters, at most {limit}.").format(length=len(cleaned), limit=SITE_NAME_MAX))])
    return cleaned


def init_site(name: str) -> uuid.UUID:
    """Name this installation once and load the reference data, in one transaction."""
    cleaned = _clean_name(name)
    if is_initialised():
        raise HospitalDeskError(
            _("This database is already set up for '{name}'. Change the name in Settings.").format(name=site_name())
        )
    try:
        with atomic():
            load_reference()
            site_id = uuid.uuid4()
            stamping.set_local_site_id(site_id)
            Site(id=site_id, name=cleaned).save(force_insert=True)
            from hospitaldesk.services.sync.identity import ensure_keys  # it reads this module

            ensure_keys()
    except BaseException:
        stamping.forget()  # the transaction rolled back: so must the cached site id
        raise
    return site_id


def rename_site(name: str) -> None:
    authority.require("settings")
    cleaned = _clean_name(name)
    with atomic():
        site = Site.get_by_id(stamping.local_site_id())
        site.name = cleaned
        site.save()


def site_facility_id() -> str:
    """The facility this site works for ('' when not chosen): new agreements take it as Party B."""
    site = Site.get_or_none(Site.id == stamping.local_site_id_or_none())
    return str(site.facility_id) if site is not None and site.facility_id else ""


def set_site_facility(facility_id: str) -> None:
    """Choose (or clear, with '') the facility this site works for."""
    authority.require("settings")
    from hospitaldesk.db.models import Facility
    from hospitaldesk.errors import FieldError, ValidationError

    with atomic():
        site = Site.get_by_id(stamping.local_site_id())
        if facility_id:
            try:
                key = uuid.UUID(facility_id)
            except ValueError:
                key = None
            if key is None or Facility.get_or_none((Facility.id == key) & (Facility.deleted == False)) is None:  # noqa: E712
                raise ValidationError([FieldError("facility", _("Our facility"), _("Choose one of the values in the list."))])
            site.facility_id = key
        else:
            site.facility_id = None
        site.save()


# The readiness threshold is this installation's policy, kept with the database (LocalState) so a
# backup carries it; every assessment records the threshold it was started with, so it never syncs.
THRESHOLD_KEY = "readiness_threshold"
THRESHOLD_RANGE = (50.0, 100.0)  # percent


def readiness_threshold() -> float:
    """The share (0.5–1) a new assessment's index must reach to be "ready"; 0.8 unless changed."""
    from hospitaldesk.services.readiness_terms import DEFAULT_THRESHOLD

    stored = local_state.read(THRESHOLD_KEY)
    try:
        value = float(stored) if stored is not None else DEFAULT_THRESHOLD
    except ValueError:
        return DEFAULT_THRESHOLD
    low, high = THRESHOLD_RANGE
    return value if low / 100 <= value <= high / 100 else DEFAULT_THRESHOLD


def set_readiness_threshold(raw: str) -> float:
    """Set the threshold from what the user typed ("80", "82,5", "85 %"); returns the share stored."""
    authority.require("settings")
    typed = str(raw).strip().rstrip("%").strip().replace(",", ".")
    try:
        percent = float(typed)
    except ValueError:
        percent = -1.0
    low, high = THRESHOLD_RANGE
    if not low <= percent <= high:
        raise ValidationError([FieldError("threshold", _("Readiness threshold (%)"),
                                          _("Write a percentage from 50 to 100, e.g. 80."))])
    share = round(percent / 100, 4)
    with atomic():
        local_state.write(THRESHOLD_KEY, str(share))
    return share
