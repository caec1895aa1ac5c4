"""The vocabulary of an agreement: levels, programmes, statuses and their allowed
changes, support modes, payers, per-technique progress, and the default clauses.

Labels are English msgids (translated at display time). The default clauses are
Vietnamese legal text kept as data in assets/reference/agreement_defaults.json:
they become part of a contract the user edits, not interface strings.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

from hospitaldesk.i18n import N_
from hospitaldesk.resources import reference_dir
from hospitaldesk.services.forms import Choice, code_choices
from hospitaldesk.services.forms import code_label as label

REVIEW_MONTHS = 6  # the directors review every agreement every 6 months
DEFAULT_RETENTION_YEARS = 3
NUMBER_SUFFIX = "HĐ-CGKT"

LEVELS = {
    "1": N_("Level 1: on the receiving hospital's demand"),
    "2": N_("Level 2: regional specialty network"),
}
PROGRAMMES = {
    "responsibility": N_("Responsibility contract for technique transfer"),
    "rotation_1816": N_("Project 1816 staff rotation"),
    "satellite": N_("Satellite hospital project"),
    "line_direction": N_("Professional line direction"),
}
STATUSES = {
    "draft": N_("Draft"),
    "signed": N_("Signed"),
    "in_progress": N_("In progress"),
    "accepted": N_("Accepted"),
    "closed": N_("Closed"),
    "terminated": N_("Terminated"),
}
# Allowed status changes. A draft that is abandoned is deleted, not terminated:
# nothing was agreed, so nothing needs ending.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("signed",),
    "signed": ("in_progress", "terminated"),
    "in_progress": ("accepted", "terminated"),
    "accepted": ("closed",),
    "closed": (),
    "terminated": (),
}
ACTIVE_STATUSES = ("signed", "in_progress")  # reviews are due for these
REASON_REQUIRED = ("terminated",)
SUPPORT_MODES = {
    "onsite": N_("On-site training at Party B"),
    "at_a": N_("Trainees at Party A"),
    "remote": N_("Remote consultation"),
}
PAYERS = {
    "a": N_("Party A"),
    "b": N_("Party B"),
    "shared": N_("Both parties"),
    "other": N_("Other source (project, province)"),
}
PROGRESS = {
    "not_started": N_("Not started"),
    "training": N_("Training"),
    "supported": N_("Performing with support"),
    "independent": N_("Performing independently"),
    "accepted": N_("Accepted"),
}


def level_choices() -> list[Choice]:
    return code_choices(LEVELS)


def programme_choices() -> list[Choice]:
    return code_choices(PROGRAMMES)


def status_choices() -> list[Choice]:
    return code_choices(STATUSES)


def support_mode_choices() -> list[Choice]:
    return code_choices(SUPPORT_MODES)


def payer_choices() -> list[Choice]:
    return code_choices(PAYERS)


def progress_choices() -> list[Choice]:
    return code_choices(PROGRESS)


def can_change(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the 31st becomes the month's last day (31/08 + 6 = 28/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def review_after(signed_on: dt.date, reviewed_through: dt.date | None) -> dt.date:
    """The first 6-monthly review date after `reviewed_through` (or after signing)."""
    after = reviewed_through or signed_on
    k = 1
    while (due := add_months(signed_on, REVIEW_MONTHS * k)) <= after:
        k += 1
    return due


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    with open(reference_dir() / "agreement_defaults.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def default_clauses(level: str, retention_years: int = DEFAULT_RETENTION_YEARS) -> dict[str, str]:
    """The editable clauses of a new agreement, one clause per line."""
    data = _defaults()
    level = level if level in LEVELS else "1"
    return {
        "legal_bases": "\n".join(data["legal_bases"]),
        "obligations_a": "\n".join(data["obligations_a"][level]),
        "obligations_b": "\n".join(data["obligations_b"][level]),
        "acceptance_criteria": "\n".join(data["acceptance_criteria"]),
        "retention_terms": "\n".join(line.format(years=retention_years) for line in data["retention_terms"]),
    }


def fixed_clauses(term_end: dt.date | None) -> dict[str, list[str]]:
    """Clauses every contract carries as they are (term, general provisions, recipients)."""
    data = _defaults()
    if term_end is not None:
        end = f"{term_end.day:02d}/{term_end.month:02d}/{term_end.year}"
        term = [line.format(end=end) for line in data["term"]]
    else:
        term = list(data["term_open"])
    return {
        "term": term,
        "general": [line.format(months=REVIEW_MONTHS) for line in data["general"]],
        "recipients": list(data["recipients"]),
    }


def split_lines(value: str) -> list[str]:
    """Clause text as edited (one per line) to a list, blank lines dropped."""
    return [line.strip() for line in value.splitlines() if line.strip()]
