"""From records to the readiness documents: the blank checklist and the assessment report."""
from __future__ import annotations

import uuid
from pathlib import Path

from hospitaldesk import text
from hospitaldesk.db.models import Agreement, Facility, GapAction, Specialty, Technique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.reports.readiness_data import (
    Answer,
    ChecklistDomain,
    ChecklistForm,
    ChecklistItem,
    DomainResult,
    GapLine,
    ReadinessReport,
)
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.readiness_terms import percent, verdict
from hospitaldesk.services.assessments import details, get_assessment
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.readiness_score import ScoredItem, effective_answer
from hospitaldesk.services.readiness_templates import current_template, items_of


def resolve_technique(reference: str) -> Technique:
    """A technique by id or by code (e.g. NHI-LOC-MAU-LIEN-TUC), for the CLI."""
    try:
        found = Technique.get_or_none(Technique.id == uuid.UUID(reference))
    except ValueError:
        found = Technique.get_or_none(Technique.code == text.clean_line(reference).upper())
    if found is None or found.deleted:
        raise NotFoundError(_("No technique with the id or code {reference}.").format(reference=reference))
    return found


def resolve_facility(code: str) -> uuid.UUID:
    found = Facility.get_or_none(Facility.code == text.clean_line(code).upper())
    if found is None or found.deleted:
        raise NotFoundError(_("No facility with the code {code}.").format(code=code))
    return found.id


def checklist_form(technique_id: str | uuid.UUID, facility_id: str | uuid.UUID | None = None) -> ChecklistForm:
    technique = Technique.get_by_id(parse_id(technique_id))
    template = current_template(technique.id)
    if template is None:
        raise ValidationError([FieldError("technique", _("Technique"), _("This technique has no checklist yet. Write one first."))])
    specialty = Specialty.get_or_none(Specialty.id == technique.specialty_id)
    facility = Facility.get_or_none(Facility.id == parse_id(facility_id)) if facility_id else None
    by_domain: dict[str, list[ChecklistItem]] = {domain: [] for domain in terms.DOMAINS}
    for item in items_of(template.id):
        by_domain.setdefault(item.domain, []).append(
            ChecklistItem(code=item.code, text=item.text, quantity=item.quantity, critical=bool(item.critical),
                          available_means=item.available_means))
    return ChecklistForm(
        technique=technique.name, specialty=specialty.name if specialty else "", facility=facility.name if facility else "",
        issuer=facility.name if facility else "", template_version=template.version,
        domains=[ChecklistDomain(terms.label(terms.DOMAINS, domain), items) for domain, items in by_domain.items() if items],
        record_id=str(template.id),
    )


def readiness_report(assessment_id: str | uuid.UUID) -> ReadinessReport:
    assessment = get_assessment(assessment_id)
    shown = details(assessment.id)
    result = shown["score"]
    answers_by_domain: dict[str, list[Answer]] = {domain: [] for domain in terms.DOMAINS}
    critical_gaps: list[str] = []
    for item in shown["items"]:
        found = int(item["quantity"]) if item["quantity"] else None
        effective = effective_answer(ScoredItem(domain=item["domain"], answer=item["answer"], quantity_required=item["quantity_required"],
                                                quantity_found=found))
        available = None if effective == "na" else effective == "yes"
        answers_by_domain.setdefault(item["domain"], []).append(Answer(
            code=item["code"], text=item["text"], quantity_required=item["quantity_required"], quantity_found=found,
            answer=terms.label(terms.ANSWERS, item["answer"]) if item["answer"] else _("Not answered"),
            available=available, critical=item["critical"], note=item["note"]))
        if item["critical"] and available is False:
            critical_gaps.append(item["text"])
    gaps = [
        GapLine(text=gap.item.text, critical=bool(gap.item.critical), owner=gap.owner, due=gap.due, cost=gap.cost,
                funding=terms.label(terms.FUNDING_SOURCES, gap.funding_source) if gap.funding_source else "",
                status=terms.label(terms.GAP_STATUS, gap.status))
        for gap in GapAction.live().where(GapAction.assessment == assessment.id).order_by(GapAction.created_at)
    ]
    agreement = Agreement.get_or_none(Agreement.id == assessment.agreement_id) if assessment.agreement_id else None
    return ReadinessReport(
        facility=shown["facility"], issuer=shown["facility"], technique=shown["technique"], assessed_on=assessment.assessed_on,
        assessors=[line for line in assessment.assessors.splitlines() if line.strip()],
        template_version=shown["template_version"], index=result.index, threshold=assessment.threshold, ready=result.ready,
        verdict=verdict(result.index, result.ready, len(result.critical_missing), result.unanswered, assessment.threshold),
        domains=[DomainResult(terms.label(terms.DOMAINS, domain), result.domains.get(domain), answers)
                 for domain, answers in answers_by_domain.items() if answers],
        critical_gaps=critical_gaps, gaps=gaps, agreement_number=agreement.number if agreement else "",
        draft=assessment.status != "final", record_id=str(assessment.id),
    )




def checklist_pdf(technique_id: str | uuid.UUID, facility_id: str | uuid.UUID | None = None) -> bytes:
    from hospitaldesk.reports.readiness import build_checklist

    return build_checklist(checklist_form(technique_id, facility_id))


def readiness_pdf(assessment_id: str | uuid.UUID) -> bytes:
    from hospitaldesk.reports.readiness import build_readiness_report

    return build_readiness_report(readiness_report(assessment_id))


def print_checklist(technique_id: str | uuid.UUID, path: Path, facility_id: str | uuid.UUID | None = None) -> Path:
    from hospitaldesk.reports.render import write_pdf

    write_pdf(checklist_pdf(technique_id, facility_id), path)
    return path


def print_readiness(assessment_id: str | uuid.UUID, path: Path) -> Path:
    from hospitaldesk.reports.render import write_pdf

    write_pdf(readiness_pdf(assessment_id), path)
    return path
