"""The vocabulary of staff and training: professions, statuses, reasons for leaving, places.

Labels are English msgids translated at display time; the database keeps the codes.
"""
from __future__ import annotations

from hospitaldesk.i18n import N_
from hospitaldesk.services.agreement_terms import SUPPORT_MODES
from hospitaldesk.services.forms import Choice
from hospitaldesk.services.forms import code_choices as choices
from hospitaldesk.services.forms import code_label as label

__all__ = ["choices", "label"]

SEXES = {"female": N_("Female"), "male": N_("Male")}
PROFESSIONS = {
    "doctor": N_("Doctor"),
    "nurse": N_("Nurse"),
    "technician": N_("Technician"),
    "midwife": N_("Midwife"),
    "pharmacist": N_("Pharmacist"),
    "other": N_("Other"),
}
STAFF_STATUS = {"working": N_("Working here"), "on_leave": N_("On leave"), "left": N_("Left")}  # not "Working": that is a device
LEAVE_REASONS = {
    "income": N_("Income"),
    "family": N_("Family"),
    "study": N_("Further study"),
    "retirement": N_("Retirement"),
    "transfer": N_("Transfer by the authorities"),
    "other": N_("Other"),
}
DESTINATION_KINDS = {
    "public": N_("Another public hospital"),
    "private": N_("A private hospital"),
    "abroad": N_("Abroad"),
    "other": N_("Other"),
}
# Where the training takes place: the agreement's support modes, so the words match the contract.
PLACES = SUPPORT_MODES
ENROLLMENT_STATUS = {
    "planned": N_("Planned"),
    "in_training": N_("In training"),
    "completed": N_("Completed"),
    "certified": N_("Certified"),
    "dropped": N_("Dropped"),
}
TRAINED_STATUSES = ("completed", "certified")  # these count as trained in retention
MILESTONE_MONTHS = (6, 12, 24)  # retention is read at these points after training
COMMITMENT_WARNING_DAYS = 90  # commitments ending within this many days are listed


def sex_choices() -> list[Choice]:
    return choices(SEXES)


def profession_choices() -> list[Choice]:
    return choices(PROFESSIONS)


def staff_status_choices() -> list[Choice]:
    return choices(STAFF_STATUS)


def leave_reason_choices() -> list[Choice]:
    return choices(LEAVE_REASONS)


def destination_kind_choices() -> list[Choice]:
    return choices(DESTINATION_KINDS)


def place_choices() -> list[Choice]:
    return choices(PLACES)


def enrollment_status_choices() -> list[Choice]:
    return choices(ENROLLMENT_STATUS)
