"""Case logs: per facility, technique and month, the cases done with support and independently, and
the patients still referred to HCMC for it. Counts only, never a patient. One live row per facility,
technique and month: a second one for the same month is refused, naming the one to change instead."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import CaseLog, Facility, Technique
from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import N_, _, parse_date
from hospitaldesk.services import authority
from hospitaldesk.services.catalog import get_live, live_by_id, parse_id, tombstone
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, FieldSpec, preferred_first, validate, with_choices
from hospitaldesk.services.techniques import technique_choices

COUNTS = ("cases_with_support", "cases_independent", "referred_to_hcmc")
MAX_COUNT = 100_000  # cases of one technique in one month at one hospital: more is a typing slip
_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: Any) -> dt.date | None:
    """The first day of the month written as mm/yyyy (07/2024, 7-2024), yyyy-mm, or any day of it."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    found = _MONTH.match(text)
    month, year = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    iso = _ISO_MONTH.match(text)
    if iso:
        year, month = int(iso.group(1)), int(iso.group(2))
    if year and 1 <= month <= 12 and 1900 <= year <= 2100:
        return dt.date(year, month, 1)
    day = parse_date(text) if not (found or iso) else None
    return day.replace(day=1) if day else None


def month_label(month: dt.date) -> str:
    return f"{month.month:02d}/{month.year}"


def _check_month(value: str) -> str | None:
    return None if parse_month(value) else _("Write the month as mm/yyyy, e.g. 07/2024.")


def _check_count(value: str) -> str | None:
    number = int(value)
    if number < 0:
        return _("A count cannot be negative.")
    return None if number <= MAX_COUNT else _("This number is too large.")


FIELDS: list[FieldSpec] = [
    FieldSpec("facility", N_("Facility"), required=True),
    FieldSpec("technique", N_("Technique"), required=True),
    FieldSpec("month", N_("Month"), required=True, check=_check_month, hint=N_("mm/yyyy, e.g. 07/2024.")),
    FieldSpec("cases_with_support", N_("Cases with support"), "int", check=_check_count,
              hint=N_("Done with the transferring hospital's team present or on call.")),
    FieldSpec("cases_independent", N_("Cases done independently"), "int", check=_check_count),
    FieldSpec("referred_to_hcmc", N_("Patients referred to HCMC"), "int", check=_check_count,
              hint=N_("Patients sent to a Ho Chi Minh City hospital for this condition in the month.")),
]


def form_fields() -> list[FieldSpec]:
    """FIELDS as the window shows them: the facility and the technique from lists."""
    from hospitaldesk.services.facilities import facility_choices
    return with_choices(FIELDS, {"facility": facility_choices, "technique": technique_choices})


def logged_facility_choices() -> list[Choice]:
    """Every facility, those with case logs first."""
    logged = CaseLog.select(CaseLog.facility).where(CaseLog.deleted == False).distinct()  # noqa: E712
    return preferred_first(facility_choices(), {str(row.facility_id) for row in logged})


def form_values(case_log_id: str | uuid.UUID) -> dict[str, Any]:
    """A month's case log as its form shows it."""
    authority.require("read")
    record = get_case_log(case_log_id)
    return {"facility": str(record.facility_id), "technique": str(record.technique_id), "month": month_label(record.month),
            **{name: str(getattr(record, name)) for name in COUNTS}}


def _clean(raw: dict[str, Any], row: int | None) -> dict[str, Any]:
    """Checked values: ids as UUIDs, the month as its first day, empty counts as 0."""
    month = raw.get("month")
    values = validate(FIELDS, {**raw, "month": month_label(month) if isinstance(month, dt.date) else month}, row)
    errors = []
    for name, model, label in (("facility", Facility, N_("Facility")), ("technique", Technique, N_("Technique"))):
        record = live_by_id(model, values[name])
        if record is None:
            errors.append(FieldError(name, _(label), _("Choose one of the values in the list."), row))
        else:
            values[name] = record.id
    if errors:
        raise ValidationError(errors)
    values["month"] = parse_month(values["month"])
    for name in COUNTS:
        values[name] = values[name] or 0
    return values


def _same_month(values: dict[str, Any], record_id: uuid.UUID | None) -> CaseLog | None:
    query = CaseLog.live().where(CaseLog.facility == values["facility"], CaseLog.technique == values["technique"],
                                 CaseLog.month == values["month"])
    if record_id is not None:
        query = query.where(CaseLog.id != record_id)
    return query.first()


def _duplicate(values: dict[str, Any], row: int | None) -> FieldError:
    facility, technique = Facility.get_by_id(values["facility"]), Technique.get_by_id(values["technique"])
    return FieldError("month", _("Month"), _("{facility} already has a case log for {technique} in {month}. Change that one instead.").format(
        facility=facility.name, technique=technique.name, month=month_label(values["month"])), row)


def save(raw: dict[str, Any], case_log_id: str | uuid.UUID | None = None) -> str:
    """Create a month's case log, or change one (`case_log_id`); returns its id."""
    authority.require("edit")
    values = _clean(raw, None)
    with atomic():
        record = CaseLog() if case_log_id is None else get_case_log(case_log_id)
        if _same_month(values, None if case_log_id is None else record.id):
            raise ValidationError([_duplicate(values, None)])
        for name, value in values.items():
            setattr(record, name, value)
        record.save(force_insert=case_log_id is None)
        return str(record.id)


def save_many(rows: list[dict[str, Any]]) -> list[str]:
    """New case logs, all or none: every row is checked first, and each problem names its row (from 1)."""
    authority.require("edit")
    cleaned, errors = [], []
    seen: set[tuple[uuid.UUID, uuid.UUID, dt.date]] = set()
    for number, raw in enumerate(rows, start=1):
        try:
            values = _clean(raw, number)
        except ValidationError as exc:
            errors += exc.errors
            continue
        key = (values["facility"], values["technique"], values["month"])
        if key in seen or _same_month(values, None):
            errors.append(_duplicate(values, number))
        seen.add(key)
        cleaned.append(values)
    if errors:
        raise ValidationError(errors)
    with atomic():
        return [str(CaseLog.create(**values).id) for values in cleaned]


def get_case_log(case_log_id: str | uuid.UUID) -> CaseLog:
    return get_live(CaseLog, case_log_id)


def delete(case_log_id: str | uuid.UUID) -> None:
    tombstone(CaseLog, case_log_id)


def listing(facility_id: str | uuid.UUID | None = None, technique_id: str | uuid.UUID | None = None,
            month_from: Any = None, month_to: Any = None) -> list[dict[str, Any]]:
    """Live case logs, oldest month first, narrowed by facility, technique and months (both ends included)."""
    authority.require("read")
    query = (CaseLog.select(CaseLog, Facility, Technique)
             .join(Facility, on=(CaseLog.facility == Facility.id)).switch(CaseLog)
             .join(Technique, on=(CaseLog.technique == Technique.id))
             .where(CaseLog.deleted == False))  # noqa: E712
    if facility_id:
        query = query.where(CaseLog.facility == parse_id(facility_id))
    if technique_id:
        query = query.where(CaseLog.technique == parse_id(technique_id))
    first, last = parse_month(month_from) if month_from else None, parse_month(month_to) if month_to else None
    if first:
        query = query.where(CaseLog.month >= first)
    if last:
        query = query.where(CaseLog.month <= last)
    return [{"id": str(r.id), "facility_id": str(r.facility_id), "facility": r.facility.name, "technique_id": str(r.technique_id),
             "technique": r.technique.name, "month": r.month.isoformat()[:7], "month_label": month_label(r.month),
             **{name: getattr(r, name) for name in COUNTS}}
            for r in query.order_by(CaseLog.month, Technique.search_key, Facility.search_key)]
