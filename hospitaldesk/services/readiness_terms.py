"""The vocabulary of readiness: domains, answers, equipment status, funding sources, gap status.

Labels are English msgids translated at display time; the equipment categories come
with the starter templates (assets/reference/readiness_templates.json) in both languages.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from hospitaldesk.i18n import N_, _, current_language, format_number, ngettext
from hospitaldesk.resources import reference_dir
from hospitaldesk.services.forms import Choice
from hospitaldesk.services.forms import code_choices as choices
from hospitaldesk.services.forms import code_label as label

DEFAULT_THRESHOLD = 0.8  # "ready" needs an index of at least 80 % and no critical item missing

DOMAINS = {
    "equipment": N_("Equipment"),
    "infrastructure": N_("Infrastructure"),
    "human_resources": N_("Human resources"),
    "medicines_supplies": N_("Medicines and supplies"),
    "procedures": N_("Procedures and protocols"),
}
ANSWERS = {
    "yes": N_("Available and working"),
    "partly": N_("Partly"),
    "no": N_("Not available"),
    "na": N_("Not applicable"),
}
# What an answer is worth in a domain's score; "na" leaves the item out of the count.
CREDIT = {"yes": 1.0, "partly": 0.5, "no": 0.0, "": 0.0}
EQUIPMENT_STATUS = {
    "working": N_("Working"),
    "broken": N_("Broken"),
    "maintenance": N_("Under maintenance"),
    "retired": N_("Retired"),
}
FUNDING_SOURCES = {
    "hospital": N_("Hospital's own budget"),
    "province": N_("Provincial People's Committee"),
    "moh": N_("Ministry of Health"),
    "party_a": N_("Transferring hospital (Party A)"),
    "project": N_("Project or sponsor"),
    "other": N_("Other"),
}
GAP_STATUS = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}
OPEN_GAP_STATUSES = ("open", "in_progress")
ASSESSMENT_STATUS = {"draft": N_("Draft"), "final": N_("Finalised")}


def domain_choices() -> list[Choice]:
    return choices(DOMAINS)


def answer_choices() -> list[Choice]:
    return choices(ANSWERS)


def equipment_status_choices() -> list[Choice]:
    return choices(EQUIPMENT_STATUS)


def funding_choices() -> list[Choice]:
    return choices(FUNDING_SOURCES)


def gap_status_choices() -> list[Choice]:
    return choices(GAP_STATUS)


@lru_cache(maxsize=1)
def starter_templates() -> dict[str, Any]:
    """The shipped starter checklists (data, reviewed by clinicians: see READINESS_SOURCES.md)."""
    with open(reference_dir() / "readiness_templates.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def category_label(code: str) -> str:
    entry = starter_templates().get("equipment_categories", {}).get(code)
    if not entry:
        return code
    return str(entry.get("en") if current_language() == "en" and entry.get("en") else entry.get("vi", code))


def category_choices() -> list[Choice]:
    return sorted((Choice(code, category_label(code)) for code in starter_templates().get("equipment_categories", {})),
                  key=lambda c: c.label)


def percent(value: float | None) -> str:
    """0.825 -> '82,5 %' (vi) / '82.5 %' (en); '—' when there is nothing to score."""
    return "—" if value is None else f"{format_number(round(value * 100, 1))} %"


def verdict(index: float | None, ready: bool, critical_missing: int, unanswered: int, threshold: float) -> str:
    if ready:
        return _("Ready: index {index} (threshold {threshold}), no critical item missing.").format(
            index=percent(index), threshold=percent(threshold))
    reasons = []
    if unanswered:
        reasons.append(ngettext("{count} item not answered", "{count} items not answered", unanswered).format(count=unanswered))
    if critical_missing:
        reasons.append(ngettext("{count} critical item missing", "{count} critical items missing", critical_missing).format(
            count=critical_missing))
    if index is None or index < threshold:
        reasons.append(_("index {index} below the threshold {threshold}").format(index=percent(index), threshold=percent(threshold)))
    return _("Not ready: {reasons}.").format(reasons="; ".join(reasons))
