"""Readiness assessments: a facility checked against a technique's checklist.

A draft is answered item by item (the score is recomputed on every answer, so the
screen can show it running); finalising freezes it, records the verdict with the
threshold in force, and turns every item not fully available into a gap action.
"""
from __future__ import annotations

import datetime as dt
import uuid
from functools import lru_cache
from typing import Any

from peewee import Field

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import (
    Agreement,
    Assessment,
    AssessmentAnswer,
    EquipmentItem,
    Facility,
    GapAction,
    TemplateItem,
    Technique,
)
from hospitaldesk.db.rows import date_value, id_text, names_of, raw_rows
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.agreement_lifecycle import _date
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import FieldSpec, validate
from hospitaldesk.services.readiness_score import Score, ScoredItem, score
from hospitaldesk.services.readiness_templates import current_template, items_of
from hospitaldesk.services import authority

NEW_FIELDS: list[FieldSpec] = [
    FieldSpec("facility", N_("Facility"), "choice", required=True, choices=facility_choices),
    FieldSpec("assessed_on", N_("Date of the assessment"), "date", required=True),
    FieldSpec("assessors", N_("Assessors"), "multiline", hint=N_("One name per line, with their position.")),
]


def get_assessment(assessment_id: str | uuid.UUID) -> Assessment:
    found = Assessment.live().where(Assessment.id == parse_id(assessment_id)).first()
    if found is None:
        raise NotFoundError(_("No such record: {id}").format(id=assessment_id))
    return found


def _prefill(facility_id: uuid.UUID, item: TemplateItem) -> tuple[str, int | None]:
    """An equipment item's answer from the inventory: working devices of its category, counted."""
    if not item.equipment_category:
        return "", None
    rows = list(EquipmentItem.live().where(EquipmentItem.facility == facility_id, EquipmentItem.category == item.equipment_category,
                                           EquipmentItem.status != "retired"))
    if not rows:
        return "", None  # nothing recorded: the assessors look for themselves
    working = sum(1 for row in rows if row.status == "working")
    if working == 0:
        return "no", 0
    return ("yes" if working >= item.quantity else "partly"), working


def start(technique_id: str | uuid.UUID, raw: dict[str, Any], agreement_id: str | uuid.UUID | None = None,
          threshold: float | None = None) -> str:
    """A new draft against the technique's current checklist, equipment prefilled from the inventory;
    judged against `threshold`, by default the one set in Settings (kept with the assessment)."""
    values = validate(NEW_FIELDS, raw)
    if threshold is None:
        from hospitaldesk.services.site import readiness_threshold

        threshold = readiness_threshold()
    facility_id = parse_id(values["facility"])
    with atomic():
        template = current_template(technique_id)
        if template is None:
            raise ValidationError([FieldError("technique", _("Technique"), _("This technique has no checklist yet. Write one first."))])
        assessment = Assessment.create(
            id=uuid.uuid4(), facility=facility_id, technique=parse_id(technique_id), template=template.id,
            agreement=parse_id(agreement_id) if agreement_id else None, assessed_on=values["assessed_on"],
            assessors=values["assessors"], status="draft", threshold=threshold,
        )
        for item in items_of(template.id):
            answer, quantity = _prefill(facility_id, item)
            AssessmentAnswer.create(id=uuid.uuid4(), assessment=assessment.id, item=item.id, answer=answer, quantity=quantity)
        _rescore(assessment)
    return str(assessment.id)


def _answers(assessment_id: uuid.UUID) -> list[tuple[AssessmentAnswer, TemplateItem]]:
    rows = (AssessmentAnswer.select(AssessmentAnswer, TemplateItem)
            .join(TemplateItem, on=(AssessmentAnswer.item == TemplateItem.id))
            .where(AssessmentAnswer.assessment == assessment_id, AssessmentAnswer.deleted == False)  # noqa: E712
            .order_by(TemplateItem.position))
    return [(row, row.item) for row in rows]


def _scored(pairs: list[tuple[AssessmentAnswer, TemplateItem]], threshold: float) -> Score:
    return score([ScoredItem(domain=item.domain, answer=answer.answer, weight=item.weight, critical=item.critical,
                             quantity_required=item.quantity, quantity_found=answer.quantity, key=str(item.id))
                  for answer, item in pairs], threshold)


def _rescore(assessment: Assessment) -> Score:
    result = _scored(_answers(assessment.id), assessment.threshold)
    assessment.readiness_index, assessment.ready, assessment.critical_missing = result.index, result.ready, len(result.critical_missing)
    assessment.save()
    return result


def _editable(assessment: Assessment) -> None:
    if assessment.status != "draft":
        raise ValidationError([FieldError("status", _("Status"), _("This assessment is finalised: it cannot change. Make a new assessment."))])


def answer(assessment_id: str | uuid.UUID, item_id: str | uuid.UUID, value: str, quantity: str | int | None = None,
           note: str = "") -> Score:
    """Answer one item of a draft; returns the running score."""
    if value not in (*terms.ANSWERS, ""):
        raise ValidationError([FieldError("answer", _("Answer"), _("Choose one of the values in the list."))])
    found: int | None
    if quantity in (None, ""):
        found = None
    else:
        try:
            found = int(str(quantity).strip())
        except ValueError:
            found = -1
        if not 0 <= found <= 100_000:
            raise ValidationError([FieldError("quantity", _("Quantity found"), _("Write a number of 0 or more."))])
    with atomic():
        assessment = get_assessment(assessment_id)
        _editable(assessment)
        row = AssessmentAnswer.live().where(AssessmentAnswer.assessment == assessment.id, AssessmentAnswer.item == parse_id(item_id)).first()
        if row is None:
            raise NotFoundError(_("No such record: {id}").format(id=item_id))
        row.answer, row.quantity, row.note = value, found, text.clean_line(note)[:500]
        row.save()
        return _rescore(assessment)


def finalise(assessment_id: str | uuid.UUID) -> Score:
    """Freeze a draft: every item answered, the verdict recorded, a gap action for each item missing."""
    with atomic():
        assessment = get_assessment(assessment_id)
        _editable(assessment)
        pairs = _answers(assessment.id)
        unanswered = [n for n, (answer_row, _item) in enumerate(pairs, start=1) if not answer_row.answer]
        if unanswered:
            raise ValidationError([FieldError("answer", _("Answer"), _("Not answered yet."), row) for row in unanswered[:20]])
        result = _rescore(assessment)
        missing = set(result.missing)
        for answer_row, item in pairs:
            if str(item.id) in missing:
                GapAction.create(id=uuid.uuid4(), assessment=assessment.id, item=item.id, status="open")
        assessment.status = "final"
        assessment.save()
        return result


def delete_draft(assessment_id: str | uuid.UUID) -> None:
    authority.require("delete")
    with atomic():
        assessment = get_assessment(assessment_id)
        _editable(assessment)
        for answer_row in AssessmentAnswer.live().where(AssessmentAnswer.assessment == assessment.id):
            answer_row.deleted = True
            answer_row.save()
        assessment.deleted = True
        assessment.save()


def details(assessment_id: str | uuid.UUID) -> dict[str, Any]:
    """Everything the assessment screen shows: header, items with answers, running score."""
    assessment = get_assessment(assessment_id)
    pairs = _answers(assessment.id)
    result = _scored(pairs, assessment.threshold)
    return {
        "id": str(assessment.id), "status": assessment.status,
        "facility": Facility.get_by_id(assessment.facility_id).name,
        "technique": Technique.get_by_id(assessment.technique_id).name,
        "assessed_on": format_date(assessment.assessed_on), "assessors": assessment.assessors,
        "threshold": assessment.threshold, "template_version": assessment.template.version,
        "items": [{"item_id": str(item.id), "code": item.code, "domain": item.domain, "text": item.text,
                   "quantity_required": item.quantity, "critical": bool(item.critical), "weight": item.weight,
                   "available_means": item.available_means, "answer": answer_row.answer,
                   "quantity": "" if answer_row.quantity is None else str(answer_row.quantity), "note": answer_row.note}
                  for answer_row, item in pairs],
        "score": result,
    }


def latest_final(facility_id: uuid.UUID, technique_id: uuid.UUID) -> Assessment | None:
    return (Assessment.live()
            .where(Assessment.facility == facility_id, Assessment.technique == technique_id, Assessment.status == "final")
            .order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc()).first())


def history(facility_id: str | uuid.UUID, technique_id: str | uuid.UUID) -> list[tuple[dt.date, float | None, bool]]:
    """(date, index, ready) of each finalised assessment, oldest first: progress over time."""
    rows = (Assessment.live()
            .where(Assessment.facility == parse_id(facility_id), Assessment.technique == parse_id(technique_id), Assessment.status == "final")
            .order_by(Assessment.assessed_on))
    return [(row.assessed_on, row.readiness_index, bool(row.ready)) for row in rows]


@lru_cache(maxsize=100_000)
def _folded(*names: str) -> str:
    """Folding is the costly part of a search (about 40 µs a name): the list's names recur on every key press."""
    return text.search_key(*names)


def _assessed_matching(names: list[Field], assessed: Field, term: str) -> set[Any]:
    """The stored ids of the assessed facilities (or techniques) with `term` in one of their `names`, folded.
    Their search_key holds those names folded among other parts: SQL narrows by it, the names decide here."""
    model = names[0].model
    query = model.select(model.id, *names).where(model.id.in_(Assessment.select(assessed)), model.search_key.contains(term))
    return {row[0] for row in raw_rows(query) if term in _folded(*(name or "" for name in row[1:]))}


def summaries(facility_id: str | None = None, technique_id: str | None = None, search: str = "") -> list[dict[str, Any]]:
    """Every assessment, newest first, as plain objects (the CLI's JSON and the list);
    `search` matches facility and technique names, accents and case ignored.

    The screen asks again on every key press in its search box, over 10,000 assessments in a big
    database (tests/bench, section f): the rows are read raw, each word of the search is looked up
    among the assessed facilities and techniques once, and each facility, technique and agreement
    shown is named once rather than joined to every row."""
    query = (Assessment.select(Assessment.id, Assessment.facility, Assessment.technique, Assessment.assessed_on,
                               Assessment.readiness_index, Assessment.ready, Assessment.status, Assessment.critical_missing,
                               Assessment.agreement)
             .where(Assessment.deleted == False))  # noqa: E712
    if facility_id:
        query = query.where(Assessment.facility == parse_id(facility_id))
    if technique_id:
        query = query.where(Assessment.technique == parse_id(technique_id))
    rows = raw_rows(query.order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc()))
    for term in text.search_terms(search):  # every word, in the facility's names or the technique's name
        if not rows:
            break
        facilities_found = _assessed_matching([Facility.name, Facility.short_name], Assessment.facility, term)
        techniques_found = _assessed_matching([Technique.name], Assessment.technique, term)
        rows = [row for row in rows if row[1] in facilities_found or row[2] in techniques_found]
    def among(field: Field) -> Any:  # the rows are the query's, or some of them
        return query.select(field).order_by()

    facilities = names_of(Facility.id, Facility.name, (row[1] for row in rows), among(Assessment.facility))
    techniques = names_of(Technique.id, Technique.name, (row[2] for row in rows), among(Assessment.technique))
    numbers = names_of(Agreement.id, Agreement.number, (row[8] for row in rows), among(Assessment.agreement))
    ids = {key: id_text(key) for key in (*facilities, *techniques)}
    out = []
    for a_id, f_id, t_id, day, index, ready, status, critical_missing, agreement in rows:
        assessed_on = date_value(day)
        out.append({"id": id_text(a_id), "facility": facilities.get(f_id, ""), "technique": techniques.get(t_id, ""),
                    "facility_id": ids.get(f_id) or id_text(f_id), "technique_id": ids.get(t_id) or id_text(t_id),
                    "date": assessed_on.isoformat() if assessed_on else "",
                    "index": None if index is None else round(index, 4), "ready": bool(ready), "status": status,
                    "critical_missing": critical_missing, "agreement": numbers.get(agreement, "") if agreement else ""})
    return out
