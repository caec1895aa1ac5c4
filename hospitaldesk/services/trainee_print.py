"""The printed trainee documents: the training certificate, the commitment letter, and the
retention report of a facility. Each is filled here from the records and built by reports/.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from hospitaldesk.db.models import Agreement, Enrollment, Facility, Province, Staff, Technique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.reports.trainee_data import (
    CertificateData,
    CommitmentData,
    CommitmentLine,
    DepartureLine,
    Milestone,
    RetentionReportData,
    TechniqueRetention,
)
from hospitaldesk.services import retention
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.agreements import place_name
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.contract_content import content_hash
from hospitaldesk.services.enrollments import get_enrollment, trained_on
from hospitaldesk.services.retention_math import commitment_end
from hospitaldesk.services.site import site_facility_id


def _place_of(facility: Facility | None) -> str:
    if facility is None:
        return ""
    province = Province.get_or_none(Province.id == facility.province_id)
    return place_name(province.current().name) if province is not None else ""


def _sealed(data: Any) -> Any:
    """The data with its content hash (the footer's check code), computed over every other field."""
    fields = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in dataclasses.asdict(data).items() if k != "content_hash"}
    return dataclasses.replace(data, content_hash=content_hash(fields))


def _parts(enrollment: Enrollment) -> tuple[Staff, Facility, Technique, Agreement | None]:
    person = Staff.get_by_id(enrollment.staff_id)
    facility = Facility.get_by_id(person.facility_id)
    technique = Technique.get_by_id(enrollment.technique_id)
    agreement = Agreement.get_or_none(Agreement.id == enrollment.agreement_id) if enrollment.agreement_id else None
    return person, facility, technique, agreement


def _transferring(agreement: Agreement | None) -> Facility | None:
    """Who trained them: the agreement's Party A; without an agreement, this site's facility."""
    if agreement is not None:
        return Facility.get_by_id(agreement.party_a_id)
    own = site_facility_id()
    return Facility.get_or_none(Facility.id == uuid.UUID(own)) if own else None


def certificate_document(enrollment_id: str | uuid.UUID) -> CertificateData:
    enrollment = get_enrollment(enrollment_id)
    if enrollment.status != "certified" or enrollment.start_on is None or enrollment.end_on is None:
        raise ValidationError([FieldError("status", _("Status"), _(
            "A certificate is printed for a certified training: set its dates, status, certificate number and date first."))])
    person, facility, technique, agreement = _parts(enrollment)
    issuer = _transferring(agreement)
    signer_title = (agreement.a_position if agreement is not None else "") or _("Director")
    data = CertificateData(
        issuer=issuer.name if issuer else "", number=enrollment.certificate_number, issued_on=enrollment.certificate_date,
        place=_place_of(issuer), full_name=person.full_name, technique=technique.name, start_on=enrollment.start_on,
        end_on=enrollment.end_on, birth_date=person.birth_date,
        profession=terms.label(terms.PROFESSIONS, person.profession) if person.profession else "",
        qualification=person.qualification, workplace=facility.name, department=person.department,
        agreement_number=agreement.number if agreement else "",
        training_place=terms.label(terms.PLACES, enrollment.place) if enrollment.place else "", result=enrollment.result,
        signer_title=signer_title.upper(), signer_name=agreement.a_representative if agreement else "", record_id=str(enrollment.id))
    return _sealed(data)


def commitment_document(enrollment_id: str | uuid.UUID) -> CommitmentData:
    enrollment = get_enrollment(enrollment_id)
    errors = []
    if enrollment.start_on is None or enrollment.end_on is None:
        errors.append(FieldError("end_on", _("End"), _("The commitment counts from the end of training: enter the training's start and end first.")))
    if not enrollment.commitment_years:
        errors.append(FieldError("commitment_years", _("Years to serve after training"), _("Enter how many years the trainee commits to serve.")))
    if errors:
        raise ValidationError(errors)
    person, facility, technique, agreement = _parts(enrollment)
    transferring = _transferring(agreement)
    ends = commitment_end(trained_on(enrollment), enrollment.commitment_years)
    assert enrollment.start_on is not None and enrollment.end_on is not None and ends is not None  # checked above
    data = CommitmentData(
        full_name=person.full_name, facility=facility.name, technique=technique.name, transferring=transferring.name if transferring else "",
        start_on=enrollment.start_on, end_on=enrollment.end_on, years=enrollment.commitment_years or 0, ends_on=ends,
        birth_date=person.birth_date, national_id=person.national_id,
        profession=terms.label(terms.PROFESSIONS, person.profession) if person.profession else "",
        qualification=person.qualification, department=person.department, agreement_number=agreement.number if agreement else "",
        training_place=terms.label(terms.PLACES, enrollment.place) if enrollment.place else "", reimbursement=enrollment.reimbursement,
        cost=enrollment.training_cost, place=_place_of(facility), signed_on=enrollment.commitment_signed_on, record_id=str(enrollment.id))
    return _sealed(data)


def retention_document(facility_id: str | uuid.UUID, today: dt.date | None = None) -> RetentionReportData:
    facility = Facility.get_or_none(Facility.id == parse_id(facility_id))
    if facility is None:
        raise NotFoundError(_("No such record: {id}").format(id=facility_id))
    today = today or dt.date.today()
    rows = retention.retention(today, facility_id=facility.id)
    left = retention.departures(facility.id)
    ending = retention.commitments_ending(today, facility_id=facility.id)
    return RetentionReportData(
        facility=facility.name, as_of=today, place=_place_of(facility),
        techniques=[TechniqueRetention(r.technique, r.trained, r.active, r.required, r.at_risk,
                                       [Milestone(m.months, m.retained, m.eligible) for m in r.milestones]) for r in rows],
        departures=[DepartureLine(d["name"], dt.date.fromisoformat(d["left_on"]), d["profession"], d["techniques"], d["reason"],
                                  d["destination"] or d["destination_kind"], d["breaks_commitment"], d["still_performs"]) for d in left],
        commitments_ending=[CommitmentLine(c["name"], c["technique"], c["ends_on"], c["days_left"]) for c in ending],
        milestone_months=terms.MILESTONE_MONTHS, window_days=terms.COMMITMENT_WARNING_DAYS, record_id=str(facility.id))


def certificate_pdf(enrollment_id: str | uuid.UUID) -> bytes:
    from hospitaldesk.reports.trainee_docs import build_certificate

    return build_certificate(certificate_document(enrollment_id))


def commitment_pdf(enrollment_id: str | uuid.UUID) -> bytes:
    from hospitaldesk.reports.trainee_docs import build_commitment

    return build_commitment(commitment_document(enrollment_id))


def retention_pdf(facility_id: str | uuid.UUID, today: dt.date | None = None) -> bytes:
    from hospitaldesk.reports.trainee_docs import build_retention_report

    return build_retention_report(retention_document(facility_id, today))


def write(data: bytes, path: Path) -> Path:
    from hospitaldesk.reports.render import write_pdf

    write_pdf(data, path)
    return path
