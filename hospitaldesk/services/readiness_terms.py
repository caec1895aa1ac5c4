"""The vocabulary of readiness: domains, answers, equipment status, funding sources, gap status.

Labels are English msgids translated at display time; the equipment categories come
with the starter templates (assets/reference/readiness_templates.json) in both languages.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from hospitaldesk.i18n import N_, _, current_language
from hospitaldesk.resources import reference_dir
from hospitaldesk.services.forms import Choice

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


def label(labels: dict[str, str], key: str) -> str:
    return _(labels[key]) if key in labels else key


def choices(labels: dict[str, str]) -> list[Choice]:
    return [Choice(k, _(v)) for k, v in labels.items()]


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
