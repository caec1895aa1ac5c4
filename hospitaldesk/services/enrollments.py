"""Training enrollments: a staff member trained in a technique (usually under an agreement),
with the result, the certificate, and the commitment to serve afterwards (cam kết).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Agreement, Enrollment, Facility, Staff, StaffDeparture, Technique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _, format_date, format_number
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.agreements import technique_choices
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.forms import Choice, FieldSpec, validate
from hospitaldesk.services.retention_math import breaks_commitment, commitment_end, commitment_start
from hospitaldesk.services.staff import get_staff
from hospitaldesk.services import authority

MAX_COMMITMENT_YEARS = 20


def agreement_choices() -> list[Choice]:
    """Agreements, newest first, as "number · title"; none is a valid answer (training outside one)."""
    rows = (Agreement.select(Agreement.id, Agreement.number, Agreement.title).where(Agreement.deleted == False)  # noqa: E712
            .order_by(Agreement.signed_on.desc(nulls="LAST"), Agreement.number))
    return [Choice(str(a.id), f"{a.number} · {a.title}") for a in rows]


def _check_years(value: str) -> str | None:
    return None if 1 <= int(value) <= MAX_COMMITMENT_YEARS else _("Write a number of years from 1 to 20.")


ENROLLMENT_FIELDS: list[FieldSpec] = [
    FieldSpec("technique", N_("Technique"), "choice", required=True, choices=technique_choices),
    FieldSpec("agreement", N_("Agreement"), "choice", choices=agreement_choices,
              hint=N_("The agreement the training is part of, if any.")),
    FieldSpec("place", N_("Training place"), "choice", choices=terms.place_choices),
    FieldSpec("start_on", N_("Start"), "date"),
    FieldSpec("end_on", N_("End"), "date"),
    FieldSpec("status", N_("Status"), "choice", required=True, choices=terms.enrollment_status_choices),
    FieldSpec("result", N_("Result"), max_length=300, hint=N_("e.g. Đạt – thực hiện độc lập 10 ca.")),
    FieldSpec("certificate_number", N_("Certificate number"), max_length=60),
    FieldSpec("certificate_date", N_("Certificate date"), "date"),
    FieldSpec("commitment_years", N_("Years to serve after training"), "int", check=_check_years,
              hint=N_("The commitment (cam kết): how long they stay after the training ends.")),
    FieldSpec("commitment_signed_on", N_("Commitment signed on"), "date"),
    FieldSpec("training_cost", N_("Training cost (VND)"), "money"),
    FieldSpec("reimbursement", N_("Reimbursement clause"), "multiline",
              hint=N_("What is repaid when leaving before the commitment ends. Empty: the usual clause is printed.")),
    FieldSpec("notes", N_("Notes"), "multiline"),
]


def new_enrollment() -> dict[str, Any]:
    return {"status": "planned", "place": "at_a"}


def get_enrollment(enrollment_id: str | uuid.UUID) -> Enrollment:
    record = Enrollment.live().where(Enrollment.id == parse_id(enrollment_id)).first()
    if record is None:
        raise NotFoundError(_("No such record: {id}").format(id=enrollment_id))
    return record


def get(enrollment_id: str | uuid.UUID) -> dict[str, Any]:
    """Form values for editing one enrollment."""
    record = get_enrollment(enrollment_id)
    values: dict[str, Any] = {}
    for spec in ENROLLMENT_FIELDS:
        value = record.__data__.get(spec.name)
        if value is None:
            values[spec.name] = ""
        elif isinstance(value, dt.date):
            values[spec.name] = format_date(value)
        elif spec.kind == "money":
            values[spec.name] = format_number(int(value))  # 60.000.000, as typed in the agreement's lines
        else:
            values[spec.name] = str(value)
    return values


def agreement_techniques(agreement_id: uuid.UUID) -> set[str]:
    """The techniques an agreement transfers now (its lines in force), as id strings."""
    from hospitaldesk.services.amendments import lines_in_force

    return {str(line.technique_id) for line in lines_in_force(agreement_id)}


def rules(values: dict[str, Any], person: Staff, agreements: dict[uuid.UUID, Agreement] | None = None,
          techniques_of: Callable[[uuid.UUID], set[str]] = agreement_techniques) -> list[FieldError]:
    """The checks across fields of a validated enrollment of `person` (an import passes caches)."""
    errors: list[FieldError] = []
    start, end = values["start_on"], values["end_on"]
    if start and end and end < start:
        errors.append(FieldError("end_on", _("End"), _("The end is before the start.")))
    if values["status"] in terms.TRAINED_STATUSES and end is None:
        errors.append(FieldError("end_on", _("End"), _("A finished training needs its end date.")))
    if values["status"] == "certified":
        if not values["certificate_number"]:
            errors.append(FieldError("certificate_number", _("Certificate number"), _("A certified training needs the certificate's number.")))
        if values["certificate_date"] is None:
            errors.append(FieldError("certificate_date", _("Certificate date"), _("A certified training needs the certificate's date.")))
    if values["certificate_date"] and start and values["certificate_date"] < start:
        errors.append(FieldError("certificate_date", _("Certificate date"), _("The certificate is dated before the training started.")))
    if values["agreement"]:
        key = uuid.UUID(values["agreement"])
        agreement = agreements.get(key) if agreements is not None else Agreement.get_or_none(Agreement.id == key)
        if agreement is None:
            errors.append(FieldError("agreement", _("Agreement"), _("Choose one of the values in the list.")))
        else:
            if values["technique"] not in techniques_of(agreement.id):
                errors.append(FieldError("technique", _("Technique"), _("Agreement {number} does not transfer this technique.").format(number=agreement.number)))
            if agreement.party_b_id != person.facility_id:
                errors.append(FieldError("agreement", _("Agreement"), _("{name} works at another facility than this agreement's Party B.").format(
                    name=person.full_name)))
    return errors


def save(staff_id: str | uuid.UUID, raw: dict[str, Any], enrollment_id: str | uuid.UUID | None = None,
         new_id: uuid.UUID | None = None) -> str:
    """Create or update an enrollment of this person (one transaction); returns its id.
    `new_id`: the id of a new one (demo data and imports derive theirs)."""
    with atomic():
        person = get_staff(staff_id)
        values = validate(ENROLLMENT_FIELDS, raw)
        errors = rules(values, person)
        if errors:
            raise ValidationError(errors)
        record = get_enrollment(enrollment_id) if enrollment_id else Enrollment(id=new_id or uuid.uuid4(), staff=person.id)
        if enrollment_id and record.staff_id != person.id:
            raise NotFoundError(_("No such record: {id}").format(id=enrollment_id))
        for name in ("place", "start_on", "end_on", "status", "result", "certificate_number", "certificate_date",
                     "commitment_years", "commitment_signed_on", "training_cost", "reimbursement", "notes"):
            setattr(record, name, values[name])
        record.technique_id = uuid.UUID(values["technique"])
        record.agreement_id = uuid.UUID(values["agreement"]) if values["agreement"] else None
        record.save(force_insert=not enrollment_id)
    return str(record.id)


def delete(enrollment_id: str | uuid.UUID) -> None:
    authority.require("delete")
    with atomic():
        record = get_enrollment(enrollment_id)
        record.deleted = True
        record.save()


# --- reading ---------------------------------------------------------------------------------


def trained_on(record: Enrollment) -> dt.date | None:
    """When the training ended (what retention and the commitment count from)."""
    return record.end_on or record.certificate_date


def commitment(record: Enrollment, departures: list[StaffDeparture]) -> dict[str, Any]:
    """The commitment's end and whether a departure broke it."""
    end = commitment_end(trained_on(record), record.commitment_years)
    start = commitment_start(record.start_on, record.commitment_signed_on)
    broken = [d for d in departures if breaks_commitment(d.left_on, start, end, d.returned_on)]
    return {"ends_on": end, "broken_on": broken[0].left_on if broken else None}


def row(record: Enrollment, person: Staff, technique: Technique, agreement_number: str,
        departures: list[StaffDeparture]) -> dict[str, Any]:
    kept = commitment(record, departures)
    return {
        "id": str(record.id), "staff_id": str(person.id), "staff": person.full_name, "technique_id": str(technique.id),
        "technique": technique.name, "agreement": agreement_number, "status": record.status,
        "status_label": terms.label(terms.ENROLLMENT_STATUS, record.status),
        "place": terms.label(terms.PLACES, record.place) if record.place else "",
        "start_on": record.start_on.isoformat() if record.start_on else "", "end_on": record.end_on.isoformat() if record.end_on else "",
        "certificate_number": record.certificate_number, "commitment_years": record.commitment_years,
        "commitment_ends_on": kept["ends_on"].isoformat() if kept["ends_on"] else "",
        "commitment_broken_on": kept["broken_on"].isoformat() if kept["broken_on"] else "",
    }


def of_staff(staff_id: str | uuid.UUID) -> list[dict[str, Any]]:
    """A person's enrollments, oldest first, each with its commitment."""
    person = get_staff(staff_id)
    departures = list(StaffDeparture.live().where(StaffDeparture.staff == person.id))
    query = (Enrollment.select(Enrollment, Technique).join(Technique, on=(Enrollment.technique == Technique.id))
             .where(Enrollment.staff == person.id, Enrollment.deleted == False)  # noqa: E712
             .order_by(Enrollment.start_on.asc(nulls="LAST"), Enrollment.created_at))
    numbers = _agreement_numbers()
    return [row(e, person, e.technique, numbers.get(e.agreement_id, ""), departures) for e in query]


def _agreement_numbers() -> dict[uuid.UUID | None, str]:
    return {a.id: a.number for a in Agreement.select(Agreement.id, Agreement.number)}


def listing(search: str = "", facility_id: str | None = None, technique_id: str | None = None) -> list[dict[str, Any]]:
    """Every enrollment (the CLI's `list enrollments`), newest training first; `search` matches
    the person's name or the technique, accents and case ignored."""
    query = (Enrollment.select(Enrollment, Staff, Technique)
             .join(Staff, on=(Enrollment.staff == Staff.id)).switch(Enrollment)
             .join(Technique, on=(Enrollment.technique == Technique.id))
             .where(Enrollment.deleted == False, Staff.deleted == False)  # noqa: E712
             .order_by(Enrollment.start_on.desc(nulls="LAST"), Staff.search_key))
    if facility_id:
        query = query.where(Staff.facility == parse_id(facility_id))
    if technique_id:
        query = query.where(Enrollment.technique == parse_id(technique_id))
    wanted = text.search_terms(search)
    departures: dict[uuid.UUID, list[StaffDeparture]] = {}
    for departure in StaffDeparture.live():
        departures.setdefault(departure.staff_id, []).append(departure)
    numbers = _agreement_numbers()
    rows = []
    for e in query:
        if wanted and not all(t in text.search_key(e.staff.full_name, e.technique.name) for t in wanted):
            continue
        rows.append(row(e, e.staff, e.technique, numbers.get(e.agreement_id, ""), departures.get(e.staff_id, [])))
    return rows


def staff_card(staff_id: str | uuid.UUID) -> dict[str, Any]:
    """Everything the staff card shows: the person, their trainings and commitments, their departures."""
    from hospitaldesk.services.staff import departures_of

    person = get_staff(staff_id)
    facility = Facility.get_by_id(person.facility_id)
    return {
        "id": str(person.id), "name": person.full_name, "facility": facility.name,
        "profession": terms.label(terms.PROFESSIONS, person.profession) if person.profession else "",
        "status": person.status, "status_label": terms.label(terms.STAFF_STATUS, person.status),
        "enrollments": of_staff(person.id), "departures": departures_of(person.id),
    }
