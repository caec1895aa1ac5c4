"""Gap actions: each item an assessment found missing, tracked to closure (who, by when, cost, funding)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Assessment, Facility, GapAction, TemplateItem, Technique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.forms import FieldSpec, validate

FIELDS: list[FieldSpec] = [
    FieldSpec("owner", N_("Responsible"), max_length=200, hint=N_("A person or a department, e.g. Phòng Vật tư – Thiết bị y tế.")),
    FieldSpec("due", N_("Due date"), "date"),
    FieldSpec("cost", N_("Estimated cost (VND)"), "money"),
    FieldSpec("funding_source", N_("Funding source"), "choice", choices=terms.funding_choices),
    FieldSpec("status", N_("Status"), "choice", required=True, choices=terms.gap_status_choices),
    FieldSpec("note", N_("Notes"), "multiline"),
]


def update(gap_id: str | uuid.UUID, raw: dict[str, Any], today: dt.date | None = None) -> None:
    values = validate(FIELDS, raw)
    with atomic():
        gap = GapAction.live().where(GapAction.id == parse_id(gap_id)).first()
        if gap is None:
            raise NotFoundError(_("No such record: {id}").format(id=gap_id))
        if values["status"] == "done" and not values["owner"]:
            raise ValidationError([FieldError("owner", _("Responsible"), _("Say who closed the gap."))])
        closing = values["status"] in ("done", "cancelled") and gap.status not in ("done", "cancelled")
        for name in ("owner", "due", "funding_source", "status", "note"):
            setattr(gap, name, values[name])
        gap.cost = values["cost"] or 0
        if closing:
            gap.closed_on = today or dt.date.today()
        elif values["status"] in terms.OPEN_GAP_STATUSES:
            gap.closed_on = None
        gap.save()


def listing(status: str = "open", overdue: bool = False, funding_source: str = "", facility_id: str = "",
            today: dt.date | None = None) -> list[dict[str, Any]]:
    """Gap actions with their item, facility and technique; `status` "open" means open or in progress."""
    today = today or dt.date.today()
    query = (GapAction.select(GapAction, TemplateItem, Assessment, Facility, Technique)
             .join(TemplateItem, on=(GapAction.item == TemplateItem.id)).switch(GapAction)
             .join(Assessment, on=(GapAction.assessment == Assessment.id))
             .join(Facility, on=(Assessment.facility == Facility.id)).switch(Assessment)
             .join(Technique, on=(Assessment.technique == Technique.id))
             .where(GapAction.deleted == False, Assessment.deleted == False))  # noqa: E712
    if status == "open":
        query = query.where(GapAction.status.in_(terms.OPEN_GAP_STATUSES))
    elif status:
        query = query.where(GapAction.status == status)
    if overdue:
        query = query.where(GapAction.due.is_null(False), GapAction.due < today, GapAction.status.in_(terms.OPEN_GAP_STATUSES))
    if funding_source:
        query = query.where(GapAction.funding_source == funding_source)
    if facility_id:
        query = query.where(Assessment.facility == parse_id(facility_id))
    rows = []
    for gap in query.order_by(GapAction.due.is_null(), GapAction.due, TemplateItem.position):
        item, assessment = gap.item, gap.assessment
        rows.append({
            "id": str(gap.id), "item": item.text, "critical": bool(item.critical), "facility": assessment.facility.name,
            "technique": assessment.technique.name, "owner": gap.owner, "due": format_date(gap.due),
            "overdue": gap.due is not None and gap.due < today and gap.status in terms.OPEN_GAP_STATUSES,
            "cost": gap.cost, "funding_source": gap.funding_source, "funding": terms.label(terms.FUNDING_SOURCES, gap.funding_source) if gap.funding_source else "",
            "status": gap.status, "status_label": terms.label(terms.GAP_STATUS, gap.status), "note": gap.note,
            "assessment_id": str(assessment.id),
        })
    return rows
