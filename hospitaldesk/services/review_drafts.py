"""The 6-monthly review reports being written: for one period and scope, the document's header (who
issues it, its number, place and date), the narrative sections the user writes (results, difficulties,
the next period's plans, proposals to the provincial People's Committee and to the Ministry of Health),
the signer and the recipients. One per period and scope: opening the same review again finds the text
written before. The figures are never stored (services/review.py compiles them)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Facility, Province, Review
from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.reports.review_data import Period, ReviewScope
from hospitaldesk.services import authority
from hospitaldesk.services.agreements import place_name
from hospitaldesk.services.provinces import province_words
from hospitaldesk.services.catalog import parse_id, tombstone
from hospitaldesk.services.forms import FieldSpec, validate
from hospitaldesk.services.site import site_facility_id

HEADER_FIELDS: list[FieldSpec] = [
    FieldSpec("issuer_parent", N_("Issuing body's superior"), max_length=300, hint=N_("e.g. UBND TỈNH CÀ MAU; may be left empty.")),
    FieldSpec("issuer", N_("Issuing body"), required=True, max_length=300, hint=N_("e.g. SỞ Y TẾ, or the hospital's name.")),
    FieldSpec("number", N_("Number"), max_length=60, hint=N_("e.g. 15/BC-SYT; empty: dots to fill in by hand.")),
    FieldSpec("place", N_("Place"), max_length=120, hint=N_("Printed before the date, e.g. Cà Mau.")),
    FieldSpec("issued_on", N_("Date of the report"), "date", hint=N_("Empty: dots to fill in by hand.")),
]
NARRATIVE_FIELDS: list[FieldSpec] = [
    FieldSpec("results", N_("Results"), "multiline", hint=N_("What went well, beyond the figures. One paragraph per line.")),
    FieldSpec("difficulties", N_("Difficulties and obstacles"), "multiline"),
    FieldSpec("plans", N_("Tasks for the next 6 months"), "multiline"),
    FieldSpec("proposals_committee", N_("Proposals to the provincial People's Committee"), "multiline"),
    FieldSpec("proposals_ministry", N_("Proposals to the Ministry of Health"), "multiline"),
]
SIGNING_FIELDS: list[FieldSpec] = [
    FieldSpec("signer_title", N_("Signer's position"), max_length=200, hint=N_("e.g. Giám đốc, or KT. Giám đốc – Phó Giám đốc.")),
    FieldSpec("signer_name", N_("Signer's full name"), max_length=200),
    FieldSpec("recipients", N_("Recipients"), "multiline", hint=N_("One per line, e.g. Bộ Y tế (để báo cáo).")),
]
FIELDS = HEADER_FIELDS + NARRATIVE_FIELDS + SIGNING_FIELDS


def _scope_filter(query: Any, scope: ReviewScope) -> Any:
    province = parse_id(scope.province) if scope.province else None
    facility = parse_id(scope.facility) if scope.facility else None
    query = query.where(Review.province.is_null() if province is None else Review.province == province)
    return query.where(Review.facility.is_null() if facility is None else Review.facility == facility)


def find(period: Period, scope: ReviewScope) -> Review | None:
    """The review written for this period and scope (the one changed last, should two sites have made one)."""
    query = Review.live().where(Review.period_start == period.start, Review.period_end == period.end)
    return _scope_filter(query, scope).order_by(Review.updated_at.desc()).first()


def defaults(scope: ReviewScope) -> dict[str, Any]:
    """What a new review's header and signing block start with: a province's Department of Health reports
    to its People's Committee; a hospital to its Department of Health; the region from this site."""
    values: dict[str, Any] = {spec.name: "" for spec in FIELDS}
    values["issued_on"] = None
    values["signer_title"] = _("Director")
    ministry = _("Ministry of Health (to report)")
    if scope.province:
        province = Province.get_by_id(parse_id(scope.province))
        words = province_words(province)
        values.update(issuer_parent=_("People's Committee of {province}").format(province=words).upper(), issuer=_("Department of Health").upper(),
                      place=place_name(province.current().name), recipients="\n".join([
                          _("People's Committee of {province} (to report)").format(province=words), ministry, _("Archives")]))
        return values
    facility_id = scope.facility or site_facility_id()
    facility = Facility.get_or_none(Facility.id == parse_id(facility_id)) if facility_id else None
    if facility is not None:
        province = Province.get_by_id(facility.province_id)
        values.update(issuer=facility.name.upper(), place=place_name(province.current().name),
                      issuer_parent=_("Department of Health of {province}").format(province=province_words(province)).upper())
        if scope.facility:
            values["recipients"] = "\n".join([_("Department of Health of {province} (to report)").format(
                province=province_words(province)), ministry, _("Archives")])
            return values
    values["recipients"] = "\n".join([ministry, _("Archives")])
    return values


def load(period: Period, scope: ReviewScope) -> dict[str, Any]:
    """The form's values: the saved review's, or the defaults; "id" is the saved one's ("" when new)."""
    authority.require("read")
    saved = find(period, scope)
    if saved is None:
        return {"id": "", **defaults(scope)}
    return {"id": str(saved.id), **{spec.name: getattr(saved, spec.name) for spec in FIELDS}}


def save(period: Period, scope: ReviewScope, raw: dict[str, Any]) -> str:
    """Keep the review's header, narrative and signing block for this period and scope; returns its id."""
    authority.require("edit")
    values = validate(FIELDS, {k: (format_date(v) if isinstance(v, dt.date) else v) for k, v in raw.items()})
    with atomic():
        found = find(period, scope)
        record = found or Review(period_start=period.start, period_end=period.end,
                                               province=parse_id(scope.province) if scope.province else None,
                                               facility=parse_id(scope.facility) if scope.facility else None)
        if values["issued_on"] is not None and values["issued_on"] < period.end:
            raise ValidationError([FieldError("issued_on", _("Date of the report"), _(
                "The report is dated after its period, which ends on {date}.").format(date=format_date(period.end)))])
        for name, value in values.items():
            setattr(record, name, value)
        record.save(force_insert=found is None)
        return str(record.id)


def listing() -> list[dict[str, Any]]:
    """The reviews written, the latest period first."""
    authority.require("read")
    from hospitaldesk.services.review import scope_label

    rows = []
    for r in Review.live().order_by(Review.period_end.desc(), Review.updated_at.desc()):
        scope = ReviewScope(province=str(r.province_id) if r.province_id else "", facility=str(r.facility_id) if r.facility_id else "")
        rows.append({"id": str(r.id), "start": r.period_start, "end": r.period_end, "scope": scope, "scope_label": scope_label(scope),
                     "number": r.number, "updated_at": r.updated_at})
    return rows


def delete(review_id: str | uuid.UUID) -> None:
    tombstone(Review, review_id)
