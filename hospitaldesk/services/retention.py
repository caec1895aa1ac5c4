"""Who stayed: retention of trained staff per facility and technique, the techniques at risk,
the commitments about to end, and the departures that broke one.

Reads every relevant row in a few queries and groups in Python (retention_math does the
arithmetic), so the whole region's view is one pass over the enrollments.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

from peewee import fn

from hospitaldesk.db.rows import date_value, id_text, names_of, raw_rows
from hospitaldesk.db.models import ChecklistTemplate, Enrollment, Facility, Staff, StaffDeparture, TemplateItem, Technique
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.retention_math import (
    Absence,
    Milestone,
    TrainedPerson,
    active_now,
    breaks_commitment,
    commitment_end,
    milestones,
)


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


@dataclass
class _Person:
    facility_id: Any  # as stored
    employment_start: dt.date | None
    absences: list[Absence] = field(default_factory=list)


def required_staff(technique_id: uuid.UUID) -> int | None:
    """How many trained people the technique's current checklist requires: the sum of its critical
    human-resources items (e.g. 2 doctors + 8 nurses = 10). None when it has no such item."""
    return required_for([technique_id]).get(technique_id)


def required_for(technique_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int | None]:
    """required_staff() of many techniques in a few queries: the sum over each technique's latest
    checklist version. A shipped technique whose starter checklist was never opened gets it now."""
    from hospitaldesk.db.rows import CHUNK
    from hospitaldesk.services.readiness_templates import current_template
    from hospitaldesk.services.readiness_terms import starter_templates

    wanted = list(technique_ids)
    latest = (ChecklistTemplate.select(ChecklistTemplate.technique, fn.MAX(ChecklistTemplate.version).alias("version"))
              .where(ChecklistTemplate.deleted == False).group_by(ChecklistTemplate.technique))  # noqa: E712
    found: dict[uuid.UUID, int | None] = {}
    known: set[uuid.UUID] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        versions = {row.technique_id: row.version for row in latest.where(ChecklistTemplate.technique.in_(chunk))}
        known.update(versions)
        sums = (TemplateItem.select(ChecklistTemplate.technique, ChecklistTemplate.version, fn.SUM(TemplateItem.quantity))
                .join(ChecklistTemplate, on=(TemplateItem.template == ChecklistTemplate.id))
                .where(ChecklistTemplate.technique.in_(chunk), ChecklistTemplate.deleted == False, TemplateItem.deleted == False,  # noqa: E712
                       TemplateItem.domain == "human_resources", TemplateItem.critical == True)  # noqa: E712
                .group_by(ChecklistTemplate.technique, ChecklistTemplate.version).tuples())
        rows: Any = sums
        for technique, version, total in rows:
            if versions.get(technique) == version:
                found[technique] = int(total)
    unknown = [t for t in wanted if t not in known]
    if unknown:  # only shipped techniques have a starter checklist to put in place
        shipped = {t["technique"] for t in starter_templates().get("templates", [])}
        for start in range(0, len(unknown), CHUNK):
            for technique in Technique.select(Technique.id, Technique.code).where(Technique.id.in_(unknown[start:start + CHUNK])):
                if technique.code in shipped and current_template(technique.id) is not None:
                    found.update({k: v for k, v in required_for([technique.id]).items() if v is not None})
    return {technique: found.get(technique) for technique in wanted}


def _people(facility_id: uuid.UUID | None) -> dict[Any, _Person]:
    """Staff by stored id (raw rows: 100,000 people read without a model each; tests/bench, section h)."""
    query = Staff.select(Staff.id, Staff.facility, Staff.employment_start).where(Staff.deleted == False)  # noqa: E712
    if facility_id is not None:
        query = query.where(Staff.facility == facility_id)
    people = {person: _Person(facility, date_value(start)) for person, facility, start in raw_rows(query)}
    departures = StaffDeparture.select(StaffDeparture.staff, StaffDeparture.left_on, StaffDeparture.returned_on).where(
        StaffDeparture.deleted == False)  # noqa: E712
    if facility_id is not None:
        departures = departures.join(Staff, on=(StaffDeparture.staff == Staff.id)).where(Staff.facility == facility_id)
    for person, left_on, returned_on in raw_rows(departures):
        if person in people:
            left = date_value(left_on)
            if left is not None:
                people[person].absences.append(Absence(left, date_value(returned_on)))
    return people


def _trained(people: dict[Any, _Person], technique_id: uuid.UUID | None = None,
             agreement_id: uuid.UUID | None = None) -> dict[tuple[Any, Any], list[TrainedPerson]]:
    """Trained people grouped by (facility, technique) stored ids; a person trained twice counts once, from the first end."""
    query = (Enrollment.select(Enrollment.staff, Enrollment.technique, Enrollment.end_on, Enrollment.certificate_date)
             .where(Enrollment.deleted == False, Enrollment.status.in_(terms.TRAINED_STATUSES)))  # noqa: E712
    if technique_id is not None:
        query = query.where(Enrollment.technique == technique_id)
    if agreement_id is not None:
        query = query.where(Enrollment.agreement == agreement_id)
    first_end: dict[tuple[Any, Any], dt.date] = {}
    for person, technique, end_on, certificate_date in raw_rows(query):
        ended = date_value(end_on or certificate_date)
        if person not in people or ended is None:
            continue
        key = (person, technique)
        if key not in first_end or ended < first_end[key]:
            first_end[key] = ended
    grouped: dict[tuple[Any, Any], list[TrainedPerson]] = defaultdict(list)
    for (person, technique), ended in first_end.items():
        who = people[person]
        grouped[(who.facility_id, technique)].append(TrainedPerson(str(person), ended, who.employment_start, tuple(who.absences)))
    return grouped


def retention(today: dt.date | None = None, facility_id: str | uuid.UUID | None = None,
              technique_id: str | uuid.UUID | None = None, agreement_id: str | uuid.UUID | None = None) -> list[TechniqueRetention]:
    """Per facility and technique: trained, still working now, retained at 6/12/24 months, required;
    the techniques at risk first, then by facility and technique name."""
    today = today or dt.date.today()
    facility_key = parse_id(facility_id) if facility_id else None
    people = _people(facility_key)
    grouped = _trained(people, parse_id(technique_id) if technique_id else None, parse_id(agreement_id) if agreement_id else None)
    facilities = names_of(Facility.id, Facility.name, (k[0] for k in grouped), Staff.select(Staff.facility))
    techniques = names_of(Technique.id, Technique.name, (k[1] for k in grouped), Enrollment.select(Enrollment.technique))
    as_uuid = {raw: uuid.UUID(id_text(raw)) for raw in techniques}
    required = required_for(as_uuid.values())
    rows = [
        TechniqueRetention(id_text(fac), facilities.get(fac, ""), id_text(tech), techniques.get(tech, ""), len(trained),
                           active_now(trained, today), required.get(as_uuid[tech]) if tech in as_uuid else None,
                           milestones(trained, today, terms.MILESTONE_MONTHS))
        for (fac, tech), trained in grouped.items()
    ]
    rows.sort(key=lambda r: (not r.at_risk, r.facility, r.technique))
    return rows


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
            breaks_commitment(left, min((d for d in (date_value(start), date_value(signed)) if d is not None), default=None),
                              commitment_end(date_value(end_on or certificate), years), back)
            for _technique, start, signed, end_on, certificate, years in taken)
        result.append({
            "id": id_text(departure), "left_on": left.isoformat() if left else "", "returned_on": back.isoformat() if back else "",
            "reason": terms.label(terms.LEAVE_REASONS, reason) if reason else "",
            "destination": facilities.get(destination_facility, "") if destination_facility else destination_name,
            "destination_kind": terms.label(terms.DESTINATION_KINDS, kind) if kind else "",
            "still_performs": None if performs is None else bool(performs),
            "staff_id": id_text(person), "name": name, "facility": short.get(facility) or facilities.get(facility, ""),
            "profession": terms.label(terms.PROFESSIONS, profession) if profession else "",
            "techniques": sorted({t[0] for t in taken}), "breaks_commitment": broken})
    return result


def at_risk(today: dt.date | None = None) -> list[TechniqueRetention]:
    """The (facility, technique) pairs whose working trained staff fell below what the checklist requires."""
    return [row for row in retention(today) if row.at_risk]
