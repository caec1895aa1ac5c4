"""Display names that depend on the UI language (reference data carries both)."""
from __future__ import annotations

from typing import Any

from hospitaldesk.i18n import current_language


def localized_name(record: Any) -> str:
    """English name when the UI is English and one is recorded, else the Vietnamese name."""
    name_en = getattr(record, "name_en", "")
    if current_language() == "en" and name_en:
        return str(name_en)
    return str(record.name)


def yes_no(value: bool) -> str:
    from hospitaldesk.i18n import _

    return _("Yes") if value else _("No")
