"""The staff registry of each facility, and the times a person left (and came back).

A person's departures are what retention is computed from: `status` is only the latest
fact, kept for fast lists; the departures keep the history.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from peewee import Expression

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Enrollment, Facility, Staff, StaffDeparture, Technique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.agreements import technique_choices
from hospitaldesk.services.catalog import Catalog, parse_id
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, Column, FieldSpec, FilterSpec, ListQuery, Page, validate

NATIONAL_ID = re.compile(r"\d{12}")
FIRST_BIRTH_YEAR = 1920


def _check_national_id(value: str) -> str | None:
    return None if NATIONAL_ID.fullmatch(value) else _("A national ID (CCCD) number has 12 digits, e.g. 094123456789.")


def _check_phone(value: str) -> str | None:
    if re.fullmatch(r"[\d\s.+()-]+", value) and 9 <= len(re.sub(r"\D", "", value)) <= 12:
        return None
    return _("Write a phone number of 9 to 12 digits, e.g. 0299 3821 234.")


def still_performs_choices() -> list[Choice]:
    return [Choice("yes", _("Yes")), Choice("no", _("No"))]


STAFF_FIELDS: list[FieldSpec] = [
    FieldSpec("facility", N_("Facility"), "choice", required=True, choices=facility_choices),
    FieldSpec("full_name", N_("Full name"), required=True, max_length=200),
    FieldSpec("birth_date", N_("Date of birth"), "date"),
    FieldSpec("sex", N_("Sex"), "choice", choices=terms.sex_choices),
    FieldSpec("profession", N_("Profession"), "choice", required=True, choices=terms.profession_choices),
    FieldSpec("qualification", N_("Qualification"), max_length=200, hint=N_("e.g. BS.CKI Nhi khoa, Cử nhân điều dưỡng.")),
    FieldSpec("department", N_("Department"), max_length=200),
    FieldSpec("phone", N_("Phone"), max_length=30, check=_check_phone),
    FieldSpec("national_id", N_("National ID (CCCD)"), max_length=12, check=_check_national_id,
              hint=N_("Optional: 12 digits.")),
    FieldSpec("employment_start", N_("Working here since"), "date"),
    FieldSpec("status", N_("Status"), "choice", required=True, choices=terms.staff_status_choices),
    FieldSpec("notes", N_("Notes"), "multiline"),
]
DEPARTURE_FIELDS: list[FieldSpec] = [
    FieldSpec("left_on", N_("Left on"), "date", required=True),
    FieldSpec("reason", N_("Reason"), "choice", required=True, choices=terms.leave_reason_choices),
    FieldSpec("destination_facility", N_("Went to (facility in the list)"), "choice", choices=facility_choices),
    FieldSpec("destination_name", N_("Went to (other)"), max_length=300,
              hint=N_("When the new workplace is not in the list, e.g. Bệnh viện tư nhân Phương Nam.")),
    FieldSpec("destination_kind", N_("Kind of new workplace"), "choice", choices=terms.destination_kind_choices),
    FieldSpec("still_performs", N_("Still performs the technique in the region"), "choice", choices=still_performs_choices),
    FieldSpec("notes", N_("Notes"), "multiline"),
]
RETURN_FIELDS: list[FieldSpec] = [FieldSpec("returned_on", N_("Came back on"), "date", required=True)]


def _facility_filter_choices() -> list[Choice]:
    return facility_choices()


class StaffCatalog(Catalog[Staff]):
    model = Staff
    kind = "staff"
    title = N_("Staff")
    singular = N_("Staff member")
    columns = [
        Column("name", N_("Full name"), 190),
        Column("profession", N_("Profession"), 104, sortable=False, fixed=True),
        Column("facility", N_("Facility"), 150, sortable=False),
        Column("department", N_("Department"), 130),
        Column("trained_in", N_("Trained in"), 170, sortable=False),
        Column("status", N_("Status"), 118, fixed=True),
    ]
    fields = STAFF_FIELDS
    filters = [
        FilterSpec("facility", N_("Facility"), _facility_filter_choices),
        FilterSpec("profession", N_("Profession"), terms.profession_choices),
        FilterSpec("status", N_("Status"), terms.staff_status_choices),
        FilterSpec("technique", N_("Technique"), technique_choices),
    ]

    def base_query(self) -> Any:
        return (Staff.select(Staff, Facility).join(Facility, on=(Staff.facility == Facility.id))
                .where(Staff.deleted == False))  # noqa: E712

    def count_base_query(self) -> Any:
        # The facility is a required foreign key and every filter is on the staff row itself.
        return Staff.select(Staff.id).where(Staff.deleted == False)  # noqa: E712

    def filter_expression(self, name: str, value: str) -> Expression | None:
        if name == "facility":
            return Staff.facility == parse_id(value)
        if name == "profession":
            return Staff.profession == value
        if name == "status":
            return Staff.status == value
        if name == "technique":
            trained = Enrollment.select(Enrollment.staff).where(Enrollment.technique == parse_id(value),
                                                                Enrollment.deleted == False)  # noqa: E712
            return Staff.id.in_(trained)
        return None

    def list_page(self, q: ListQuery) -> Page:
        """The page, with what each person was trained in read for the whole page at once."""
        page = super().list_page(q)
        trained = trained_in([uuid.UUID(row["id"]) for row in page.rows])
        for row in page.rows:
            row["trained_in"] = ", ".join(trained.get(row["id"], []))
        return page

    def to_row(self, record: Staff) -> dict[str, Any]:
        return {
            "id": str(record.id), "name": record.full_name, "profession": terms.label(terms.PROFESSIONS, record.profession),
            "facility": record.facility.short_name or record.facility.name, "department": record.department,
            "status": terms.label(terms.STAFF_STATUS, record.status), "trained_in": "",
        }

    def apply(self, record: Staff, values: dict[str, Any]) -> None:
        super().apply(record, {**values, "facility": uuid.UUID(values["facility"])})

    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors = date_errors(values)
        # "Left" is a fact with a date and a destination: it is recorded as a departure, not typed.
        gone = open_departure(record_id) is not None if record_id is not None else False
        if values["status"] == "left" and not gone:
            errors.append(FieldError("status", _("Status"), _("Use 'Record departure…' to say when they left and where they went.")))
        elif values["status"] != "left" and gone:
            errors.append(FieldError("status", _("Status"), _("This person has left: use 'Record return…' when they come back.")))
        twin = duplicate_of(values, record_id)
        if twin is not None:
            field, label, message = twin
            errors.append(FieldError(field, label, message))
        return errors


def date_errors(values: dict[str, Any]) -> list[FieldError]:
    """A birth date in a plausible range; employment after birth and not in the future."""
    errors: list[FieldError] = []
    birth, start = values.get("birth_date"), values.get("employment_start")
    today = dt.date.today()
    if birth is not None and not (dt.date(FIRST_BIRTH_YEAR, 1, 1) <= birth <= today):
        errors.append(FieldError("birth_date", _("Date of birth"), _("Check the date of birth.")))
    if start is not None and (start > today or (birth is not None and start < birth)):
        errors.append(FieldError("employment_start", _("Working here since"), _("Check the date: it is after the date of birth and not in the future.")))
    return errors


def duplicate_of(values: dict[str, Any], record_id: uuid.UUID | None) -> tuple[str, str, str] | None:
    """The same person already recorded: the same national ID anywhere, or the same name and
    date of birth at the same facility. (field, label, message) or None."""
    query = Staff.select(Staff.id, Staff.full_name, Staff.facility).where(Staff.deleted == False)  # noqa: E712
    if record_id is not None:
        query = query.where(Staff.id != record_id)
    national_id = values.get("national_id") or ""
    if national_id:
        other = query.where(Staff.national_id == national_id).first()
        if other is not None:
            return ("national_id", _("National ID (CCCD)"),
                    _("This national ID is already recorded for {name}.").format(name=other.full_name))
    birth = values.get("birth_date")
    if birth is not None and values.get("facility"):
        name_key = text.search_key(values.get("full_name", ""))
        same = query.where(Staff.facility == uuid.UUID(str(values["facility"])), Staff.birth_date == birth)
        for other in same:
            if text.search_key(other.full_name) == name_key:
                return ("full_name", _("Full name"),
                        _("{name}, born {date}, is already on this facility's staff.").format(name=other.full_name, date=format_date(birth)))
    return None


def trained_in(staff_ids: list[uuid.UUID]) -> dict[str, list[str]]:
    """The techniques each person was trained in or is training in (not dropped), by staff id."""
    if not staff_ids:
        return {}
    rows: Any = (Enrollment.select(Enrollment.staff, Technique.name).join(Technique, on=(Enrollment.technique == Technique.id))
            .where(Enrollment.staff.in_(staff_ids), Enrollment.deleted == False, Enrollment.status != "dropped")  # noqa: E712
            .order_by(Technique.name).tuples())
    found: dict[str, list[str]] = {}
    for person, name in rows:
        names = found.setdefault(str(person), [])
        if name not in names:
            names.append(name)
    return found


def get_staff(staff_id: str | uuid.UUID) -> Staff:
    record = Staff.live().where(Staff.id == parse_id(staff_id)).first()
    if record is None:
        raise NotFoundError(_("No such record: {id}").format(id=staff_id))
    return record


# --- departures ------------------------------------------------------------------------------


def record_departure(staff_id: str | uuid.UUID, raw: dict[str, Any]) -> str:
    """The person left: the departure is recorded and their status becomes "left" (one transaction)."""
    values = validate(DEPARTURE_FIELDS, raw)
    with atomic():
        person = get_staff(staff_id)
        errors = _departure_errors(person, values["left_on"])
        if not values["destination_facility"] and not values["destination_name"] and values["destination_kind"] in ("public", "private"):
            errors.append(FieldError("destination_name", _("Went to (other)"), _("Choose the hospital in the list or type its name.")))
        if errors:
            raise ValidationError(errors)
        destination = uuid.UUID(values["destination_facility"]) if values["destination_facility"] else None
        kind = values["destination_kind"]
        if destination is not None and not kind:
            kind = "private" if Facility.get_by_id(destination).ownership == "private" else "public"
        departure = StaffDeparture.create(
            id=uuid.uuid4(), staff=person.id, left_on=values["left_on"], reason=values["reason"], destination_facility=destination,
            destination_name=values["destination_name"], destination_kind=kind,
            still_performs={"yes": True, "no": False}.get(values["still_performs"]), notes=values["notes"])
        person.status = "left"
        person.save()
    return str(departure.id)


def _departure_errors(person: Staff, left_on: dt.date) -> list[FieldError]:
    label = _("Left on")
    if left_on > dt.date.today():
        return [FieldError("left_on", label, _("The date is in the future: record the departure when it has happened."))]
    if person.employment_start is not None and left_on < person.employment_start:
        return [FieldError("left_on", label, _("The date is before {name} started working here.").format(name=person.full_name))]
    if open_departure(person.id) is not None:
        return [FieldError("left_on", label, _("{name} has already left: record their return first.").format(name=person.full_name))]
    latest = (StaffDeparture.live().where(StaffDeparture.staff == person.id).order_by(StaffDeparture.returned_on.desc()).first())
    if latest is not None and latest.returned_on is not None and left_on < latest.returned_on:
        return [FieldError("left_on", label, _("The date is before their last return ({date}).").format(date=format_date(latest.returned_on)))]
    return []


def open_departure(staff_id: uuid.UUID) -> StaffDeparture | None:
    return StaffDeparture.live().where(StaffDeparture.staff == staff_id, StaffDeparture.returned_on.is_null()).first()


def record_return(staff_id: str | uuid.UUID, raw: dict[str, Any]) -> None:
    """The person came back to work here: their open departure is closed, their status "working"."""
    values = validate(RETURN_FIELDS, raw)
    with atomic():
        person = get_staff(staff_id)
        departure = open_departure(person.id)
        label = _("Came back on")
        if departure is None:
            raise ValidationError([FieldError("returned_on", label, _("{name} has not left: there is nothing to close.").format(name=person.full_name))])
        if not departure.left_on < values["returned_on"] <= dt.date.today():
            raise ValidationError([FieldError("returned_on", label, _("The date is after they left ({date}) and not in the future.").format(
                date=format_date(departure.left_on)))])
        departure.returned_on = values["returned_on"]
        departure.save()
        person.status = "working"
        person.save()


def departures_of(staff_id: str | uuid.UUID) -> list[dict[str, Any]]:
    rows = (StaffDeparture.live().where(StaffDeparture.staff == parse_id(staff_id)).order_by(StaffDeparture.left_on))
    return [departure_row(d) for d in rows]


def departure_row(departure: StaffDeparture) -> dict[str, Any]:
    destination = departure.destination_name
    if departure.destination_facility_id:
        facility = Facility.get_or_none(Facility.id == departure.destination_facility_id)
        destination = facility.name if facility is not None else destination
    return departure_fields(str(departure.id), departure.left_on, departure.returned_on, departure.reason, destination,
                            departure.destination_kind, departure.still_performs)


def departure_fields(departure_id: str, left_on: dt.date | None, returned_on: dt.date | None, reason: str, destination: str,
                     kind: str, still_performs: bool | None) -> dict[str, Any]:
    """A departure as lists and reports show it (dates ISO, reason and kind translated)."""
    return {
        "id": departure_id, "left_on": left_on.isoformat() if left_on else "", "returned_on": returned_on.isoformat() if returned_on else "",
        "reason": terms.label(terms.LEAVE_REASONS, reason) if reason else "",
        "destination": destination, "destination_kind": terms.label(terms.DESTINATION_KINDS, kind) if kind else "",
        "still_performs": still_performs,
    }
