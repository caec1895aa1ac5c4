"""Who stayed: retention of trained staff per facility and technique, the techniques at risk,
the commitments about to end, and the departures that broke one.

The rules are retention_math's (tested there on hand-built cases); the region's view applies
them in SQL, so 200,000 trainings are counted without becoming Python objects, and a test
checks that both agree (tests/unit/test_trainees.py).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

from peewee import fn

from hospitaldesk.db.connection import database
from hospitaldesk.db.rows import date_value, id_text, names_of, raw_rows
from hospitaldesk.db.models import ChecklistTemplate, Enrollment, Facility, Staff, StaffDeparture, TemplateItem, Technique
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.agreement_terms import add_months
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.retention_math import Milestone, breaks_commitment, commitment_end, commitment_start
from hospitaldesk.services.staff import departure_fields


@dataclass
class TechniqueRetention:
    facility_id: str
    facility: str
    technique_id: str
    technique: str
    trained: int
    active: int
    required: int | None  # trained staff the readiness checklist asks for; None: no checklist
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return self.required is not None and self.active < self.required


def required_staff(technique_id: uuid.UUID) -> int | None:
    """How many trained people the technique's current checklist requires: the sum of its critical
    human-resources items (e.g. 2 doctors + 8 nurses = 10). None when it has no such item."""
    return required_for([technique_id]).get(technique_id)


def required_for(technique_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int | None]:
    """required_staff() of many techniques: one pass over every checklist's critical staff items (each
    technique's latest version counts). A shipped technique whose starter checklist was never opened
    gets it now."""
    from hospitaldesk.services.readiness_templates import current_template
    from hospitaldesk.services.readiness_terms import starter_templates

    wanted = list(technique_ids)
    latest: dict[Any, int] = {}
    for technique, version in raw_rows(ChecklistTemplate.select(ChecklistTemplate.technique, fn.MAX(ChecklistTemplate.version))
                                       .where(ChecklistTemplate.deleted == False).group_by(ChecklistTemplate.technique)):  # noqa: E712
        latest[technique] = version
    sums: dict[Any, int] = {}
    for technique, version, total in raw_rows(
            TemplateItem.select(ChecklistTemplate.technique, ChecklistTemplate.version, fn.SUM(TemplateItem.quantity))
            .join(ChecklistTemplate, on=(TemplateItem.template == ChecklistTemplate.id))
            .where(ChecklistTemplate.deleted == False, TemplateItem.deleted == False,  # noqa: E712
                   TemplateItem.domain == "human_resources", TemplateItem.critical == True)  # noqa: E712
            .group_by(ChecklistTemplate.technique, ChecklistTemplate.version)):
        if latest.get(technique) == version:
            sums[technique] = int(total)
    found = {t: sums.get(t.hex) for t in wanted}
    unknown = [t for t in wanted if t.hex not in latest]
    if unknown:  # only shipped techniques have a starter checklist to put in place
        shipped = {t["technique"] for t in starter_templates().get("templates", [])}
        from hospitaldesk.db.rows import CHUNK

        for start in range(0, len(unknown), CHUNK):
            for technique in Technique.select(Technique.id, Technique.code).where(Technique.id.in_(unknown[start:start + CHUNK])):
                if technique.code in shipped and current_template(technique.id) is not None:
                    found.update({k: v for k, v in required_for([technique.id]).items() if v is not None})
    return found


def _working(day: str) -> str:
    """SQL: the person of `marks` works at the facility on `day` (retention_math.working_on); most never
    left (`moved` = 0), so their departures are not looked up once per milestone."""
    return (f"((m.started IS NULL OR m.started <= {day}) AND (m.moved = 0 OR NOT EXISTS (SELECT 1 FROM staff_departure d "
            f"WHERE d.staff_id = m.staff AND d.deleted = 0 AND d.left_on <= {day} AND (d.returned_on IS NULL OR {day} < d.returned_on))))")


def retention(today: dt.date | None = None, facility_id: str | uuid.UUID | None = None,
              technique_id: str | uuid.UUID | None = None, agreement_id: str | uuid.UUID | None = None) -> list[TechniqueRetention]:
    """Per facility and technique: trained, still working now, retained at 6/12/24 months, required;
    the techniques at risk first, then by facility and technique name.

    Counted by SQLite in one statement (the rules of retention_math, written in SQL): the region's
    200,000 trainings never become Python objects (tests/bench, section h)."""
    today = today or dt.date.today()
    months = terms.MILESTONE_MONTHS
    trained_where = ["e.deleted = 0", f"e.status IN ({', '.join('?' * len(terms.TRAINED_STATUSES))})"]
    params: list[Any] = list(terms.TRAINED_STATUSES)
    if technique_id:
        trained_where.append("e.technique_id = ?")
        params.append(parse_id(technique_id).hex)
    if agreement_id:
        trained_where.append("e.agreement_id = ?")
        params.append(parse_id(agreement_id).hex)
    staff_where = ["s.deleted = 0", "t.ended IS NOT NULL"]
    if facility_id:
        staff_where.append("s.facility_id = ?")
        params.append(parse_id(facility_id).hex)
    # Each distinct end of training's milestone dates, computed here by the same add_months as everywhere
    # (a few thousand dates), and joined: no date arithmetic per row in SQLite.
    ends = [date_value(raw) for (raw,) in raw_rows(Enrollment.select(fn.COALESCE(Enrollment.end_on, Enrollment.certificate_date))
                                                   .where(Enrollment.deleted == False).distinct())]  # noqa: E712
    stones_rows = [(day.isoformat(), *(add_months(day, k).isoformat() for k in months)) for day in ends if day is not None]
    if not stones_rows:
        return []
    stone_values = ", ".join("(" + ", ".join("?" * (1 + len(months))) + ")" for _row in stones_rows)
    stone_params = [value for row in stones_rows for value in row]
    marks = ", ".join(f"ms.at{k} AS at{k}" for k in months)
    counts = ", ".join(f"SUM(m.at{k} <= :today), SUM(m.at{k} <= :today AND {_working(f'm.at{k}')})" for k in months)
    stone_columns = ", ".join(f"at{k}" for k in months)
    sql = (f"WITH stones(ended, {stone_columns}) AS (VALUES {stone_values}), "
           f"trained AS (SELECT e.staff_id AS staff, e.technique_id AS technique, MIN(COALESCE(e.end_on, e.certificate_date)) AS ended "
           f"FROM enrollment e WHERE {' AND '.join(trained_where)} GROUP BY e.staff_id, e.technique_id), "
           f"marks AS (SELECT s.facility_id AS facility, t.technique AS technique, s.id AS staff, s.employment_start AS started, {marks}, "
           f"EXISTS (SELECT 1 FROM staff_departure d WHERE d.staff_id = s.id AND d.deleted = 0) AS moved "
           f"FROM trained t JOIN staff s ON s.id = t.staff JOIN stones ms ON ms.ended = t.ended WHERE {' AND '.join(staff_where)}) "
           f"SELECT m.facility, m.technique, COUNT(*), SUM({_working(':today')}), {counts} FROM marks m GROUP BY m.facility, m.technique")
    # Named :today inside, positional before it: SQLite numbers them apart, so give it by position too.
    sql = sql.replace(":today", "?")
    params = stone_params + params
    params = params + [today.isoformat()] * (sql.count("?") - len(params))
    rows = list(database.execute_sql(sql, params).fetchall())
    facilities = names_of(Facility.id, Facility.name, (r[0] for r in rows))  # a few thousand: in chunks, not a subquery
    techniques = names_of(Technique.id, Technique.name, (r[1] for r in rows))
    as_uuid = {raw: uuid.UUID(id_text(raw)) for raw in techniques}
    required = required_for(as_uuid.values())
    result = []
    for facility, technique, trained, active, *pairs in rows:
        stones = [Milestone(k, int(pairs[2 * n + 1] or 0), int(pairs[2 * n] or 0)) for n, k in enumerate(months)]
        result.append(TechniqueRetention(id_text(facility), facilities.get(facility, ""), id_text(technique), techniques.get(technique, ""),
                                         int(trained), int(active or 0), required.get(as_uuid[technique]) if technique in as_uuid else None,
                                         stones))
    result.sort(key=lambda r: (not r.at_risk, r.facility, r.technique))
    return result


def commitments_ending(today: dt.date | None = None, days: int = terms.COMMITMENT_WARNING_DAYS,
                       facility_id: str | uuid.UUID | None = None) -> list[dict[str, Any]]:
    """People still working here whose commitment ends within `days` (soonest first): the moment to
    talk to them about staying. SQLite narrows to the window (a day's margin each side for 29 February),
    then each end is computed exactly as everywhere else (commitment_end)."""
    today = today or dt.date.today()
    until = today + dt.timedelta(days=days)
    ended = fn.COALESCE(Enrollment.end_on, Enrollment.certificate_date)
    ends_sql = fn.date(ended, fn.printf("+%d years", Enrollment.commitment_years))
    query = (Enrollment.select(Enrollment.id, Enrollment.staff, Staff.full_name, Staff.facility, Technique.name, ended,
                               Enrollment.commitment_years)
             .join(Staff, on=(Enrollment.staff == Staff.id)).switch(Enrollment)
             .join(Technique, on=(Enrollment.technique == Technique.id))
             .where(Enrollment.deleted == False, Staff.deleted == False, Staff.status != "left",  # noqa: E712
                    Enrollment.commitment_years.is_null(False), Enrollment.status.in_(terms.TRAINED_STATUSES),
                    ends_sql.between((today - dt.timedelta(days=1)).isoformat(), (until + dt.timedelta(days=1)).isoformat())))
    if facility_id:
        query = query.where(Staff.facility == parse_id(facility_id))
    found: list[dict[str, Any]] = []
    for enrollment, person, name, facility, technique, ended_raw, years in raw_rows(query):
        ends = commitment_end(date_value(ended_raw), years)
        if ends is not None and today <= ends <= until:
            found.append({"enrollment_id": id_text(enrollment), "staff_id": id_text(person), "name": name,
                          "facility_id": id_text(facility), "technique": technique, "ends_on": ends, "days_left": (ends - today).days})
    found.sort(key=lambda r: r["ends_on"])
    return found


def departures(facility_id: str | uuid.UUID | None = None, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Trained people who left (newest first), with the techniques they took with them and
    whether leaving broke a commitment. Raw rows: a region has thousands of leavers (tests/bench, h)."""
    query = (StaffDeparture.select(StaffDeparture.id, StaffDeparture.staff, StaffDeparture.left_on, StaffDeparture.returned_on,
                                   StaffDeparture.reason, StaffDeparture.destination_facility, StaffDeparture.destination_name,
                                   StaffDeparture.destination_kind, StaffDeparture.still_performs, Staff.full_name, Staff.facility,
                                   Staff.profession)
             .join(Staff, on=(StaffDeparture.staff == Staff.id))
             .where(StaffDeparture.deleted == False, Staff.deleted == False)  # noqa: E712
             .order_by(StaffDeparture.left_on.desc()))
    if facility_id:
        query = query.where(Staff.facility == parse_id(facility_id))
    if since is not None:
        query = query.where(StaffDeparture.left_on >= since)
    leavers = raw_rows(query)
    if not leavers:
        return []
    left_staff = query.select(StaffDeparture.staff).order_by()
    trainings: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    rows = (Enrollment.select(Enrollment.staff, Technique.name, Enrollment.start_on, Enrollment.commitment_signed_on,
                              Enrollment.end_on, Enrollment.certificate_date, Enrollment.commitment_years)
            .join(Technique, on=(Enrollment.technique == Technique.id))
            .where(Enrollment.staff.in_(left_staff), Enrollment.deleted == False, Enrollment.status != "dropped"))  # noqa: E712
    for person, *training in raw_rows(rows):
        trainings[person].append(tuple(training))
    facilities = names_of(Facility.id, Facility.name, [row[10] for row in leavers] + [row[5] for row in leavers],
                          Facility.select(Facility.id))
    short = names_of(Facility.id, Facility.short_name, [row[10] for row in leavers], Facility.select(Facility.id))
    result = []
    for (departure, person, left_raw, back_raw, reason, destination_facility, destination_name, kind, performs,
         name, facility, profession) in leavers:
        left, back = date_value(left_raw), date_value(back_raw)
        taken = trainings.get(person, [])
        broken = left is not None and any(
            breaks_commitment(left, commitment_start(date_value(start), date_value(signed)),
                              commitment_end(date_value(end_on or certificate), years), back)
            for _technique, start, signed, end_on, certificate, years in taken)
        destination = facilities.get(destination_facility, "") if destination_facility else destination_name
        result.append({
            **departure_fields(id_text(departure), left, back, reason, destination, kind, None if performs is None else bool(performs)),
            "staff_id": id_text(person), "name": name, "facility": short.get(facility) or facilities.get(facility, ""),
            "profession": terms.label(terms.PROFESSIONS, profession) if profession else "",
            "techniques": sorted({t[0] for t in taken}), "breaks_commitment": broken})
    return result


def at_risk(today: dt.date | None = None) -> list[TechniqueRetention]:
    """The (facility, technique) pairs whose working trained staff fell below what the checklist requires."""
    return [row for row in retention(today) if row.at_risk]
