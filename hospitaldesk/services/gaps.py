"""Gap actions: each item an assessment found missing, tracked to closure (who, by when, cost, funding)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from peewee import Case, fn

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Assessment, Facility, GapAction, TemplateItem, Technique
from hospitaldesk.db.rows import date_value, id_text, names_of, raw_rows
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


def _filtered(columns: list[Any], status: str, overdue: bool, funding_source: str, facility_id: str, today: dt.date,
              with_item: bool = True, facilities: Any = None, techniques: Any = None, joined: bool = True) -> tuple[Any, Any]:
    """The gap actions the filters allow, selecting `columns` (the item's too when `with_item`);
    and the assessments' condition (for naming). `facilities`, `techniques`: ids (a list, rows.listed() or a
    select) the assessment's facility and technique must be among; None: any. Not `joined`, when
    no filter names the assessment: the gaps of the few deleted assessments are left out instead of
    joining every gap to its assessment (the region's 35,000 overdue counted in half the time)."""
    assessed = Assessment.deleted == False  # noqa: E712
    if facility_id:
        assessed &= Assessment.facility == parse_id(facility_id)
    if facilities is not None:
        assessed &= Assessment.facility.in_(facilities)
    if techniques is not None:
        assessed &= Assessment.technique.in_(techniques)
    query = GapAction.select(*columns)
    if with_item:
        query = query.join(TemplateItem, on=(GapAction.item == TemplateItem.id)).switch(GapAction)
    if joined or facility_id or facilities is not None or techniques is not None:
        query = (query.join(Assessment, on=(GapAction.assessment == Assessment.id))
                 .where(GapAction.deleted == False, assessed))  # noqa: E712
    else:  # every gap's assessment exists (a foreign key): those not deleted are the live ones
        deleted = Assessment.select(Assessment.id).where(Assessment.deleted == True)  # noqa: E712
        query = query.where(GapAction.deleted == False, GapAction.assessment.not_in(deleted))  # noqa: E712
    if status == "open":
        query = query.where(GapAction.status.in_(terms.OPEN_GAP_STATUSES))
    elif status:
        query = query.where(GapAction.status == status)
    if overdue:
        query = query.where(GapAction.due.is_null(False), GapAction.due < today, GapAction.status.in_(terms.OPEN_GAP_STATUSES))
    if funding_source:
        query = query.where(GapAction.funding_source == funding_source)
    return query, assessed


def totals(status: str = "open", overdue: bool = False, funding_source: str = "", facility_id: str = "",
           today: dt.date | None = None, facilities: Any = None, techniques: Any = None) -> dict[str, int]:
    """How many gap actions the filters allow, how many are overdue, and their estimated cost: counted
    in the database, so the tab can show the first rows only and still say what all of them add up to."""
    today = today or dt.date.today()
    late = fn.SUM(Case(None, [((GapAction.due < today) & GapAction.status.in_(terms.OPEN_GAP_STATUSES), 1)], 0))
    query, _assessed = _filtered([fn.COUNT(GapAction.id), late, fn.SUM(GapAction.cost)], status, overdue, funding_source, facility_id,
                                 today, with_item=False, facilities=facilities, techniques=techniques, joined=False)
    count, overdue_count, cost = raw_rows(query)[0]
    return {"count": int(count or 0), "overdue": int(overdue_count or 0), "cost": int(cost or 0)}


def listing(status: str = "open", overdue: bool = False, funding_source: str = "", facility_id: str = "",
            today: dt.date | None = None, limit: int | None = None, facilities: Any = None,
            techniques: Any = None) -> list[dict[str, Any]]:
    """Gap actions with their item, facility and technique, earliest due first; `status` "open" means
    open or in progress; `limit`: the first so many (the tab shows 500 of a region's 49,000).

    Only the columns shown are read, raw, and each facility and technique is named once, not joined
    to every row (tests/bench, section f)."""
    today = today or dt.date.today()
    columns = [GapAction.id, TemplateItem.text, TemplateItem.critical, Assessment.facility, Assessment.technique, GapAction.owner,
               GapAction.due, GapAction.cost, GapAction.funding_source, GapAction.status, GapAction.note, GapAction.assessment]
    query, assessed = _filtered(columns, status, overdue, funding_source, facility_id, today, facilities=facilities, techniques=techniques)
    # Dated gaps first, earliest due first, then the undated: two queries, so each can walk the index
    # on `due` and stop at `limit` instead of sorting every open gap of the region.
    undated = query.where(GapAction.due.is_null()).order_by(GapAction.id)
    if limit is None:
        dated = query.where(GapAction.due.is_null(False)).order_by(GapAction.due, GapAction.id)
    else:
        # The first ids found without the items, then only their rows joined to their item's text: otherwise a
        # filter's gaps (Cần Thơ's 6,000, found through their assessments) are each joined before the cut.
        first, _assessed = _filtered([GapAction.id], status, overdue, funding_source, facility_id, today, with_item=False,
                                     facilities=facilities, techniques=techniques)
        first = first.where(GapAction.due.is_null(False)).order_by(GapAction.due, GapAction.id).limit(limit)
        found = [gap for (gap,) in raw_rows(first)]
        shown, _assessed = _filtered(columns, "", False, "", "", today)  # the rows of the ids found: no filter to check again
        dated = shown.where(GapAction.id.in_(found)).order_by(GapAction.due, GapAction.id)
    rows = raw_rows(dated)
    if limit is None or len(rows) < limit:
        rest = undated if limit is None else undated.limit(limit - len(rows))
        rows += raw_rows(rest)
    facilities = names_of(Facility.id, Facility.name, (row[3] for row in rows), Assessment.select(Assessment.facility).where(assessed))
    techniques = names_of(Technique.id, Technique.name, (row[4] for row in rows), Assessment.select(Assessment.technique).where(assessed))
    statuses = {code: terms.label(terms.GAP_STATUS, code) for code in terms.GAP_STATUS}
    fundings = {code: terms.label(terms.FUNDING_SOURCES, code) for code in terms.FUNDING_SOURCES}
    dates: dict[Any, tuple[dt.date | None, str]] = {}
    assessment_ids: dict[Any, str] = {}  # an assessment has several gaps
    out = []
    for gap_id, item_text, critical, facility, technique, owner, due_raw, cost, funding, gap_status, note, assessment in rows:
        if due_raw not in dates:
            day = date_value(due_raw)
            dates[due_raw] = (day, format_date(day))
        due, due_text = dates[due_raw]
        if assessment not in assessment_ids:
            assessment_ids[assessment] = id_text(assessment)
        out.append({
            "id": id_text(gap_id), "item": item_text, "critical": bool(critical), "facility": facilities.get(facility, ""),
            "technique": techniques.get(technique, ""), "owner": owner, "due": due_text,
            "overdue": due is not None and due < today and gap_status in terms.OPEN_GAP_STATUSES,
            "cost": cost, "funding_source": funding,
            "funding": (fundings.get(funding) or terms.label(terms.FUNDING_SOURCES, funding)) if funding else "",
            "status": gap_status, "status_label": statuses.get(gap_status) or terms.label(terms.GAP_STATUS, gap_status),
            "note": note, "assessment_id": assessment_ids[assessment],
        })
    return out
