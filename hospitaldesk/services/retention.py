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
from typing import Any

from hospitaldesk.db.models import Enrollment, Facility, Staff, StaffDeparture, Technique
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
    facility_id: uuid.UUID
    employment_start: dt.date | None
    absences: list[Absence] = field(default_factory=list)


def required_staff(technique_id: uuid.UUID) -> int | None:
    """How many trained people the technique's current checklist requires: the sum of its critical
    human-resources items (e.g. 2 doctors + 8 nurses = 10). None when it has no such item."""
    from hospitaldesk.services.readiness_templates import current_template, items_of

    template = current_template(technique_id)
    if template is None:
        return None
    quantities = [item.quantity for item in items_of(template.id) if item.domain == "human_resources" and item.critical]
    return sum(quantities) if quantities else None


def _people(facility_id: uuid.UUID | None) -> dict[uuid.UUID, _Person]:
    query = Staff.select(Staff.id, Staff.facility, Staff.employment_start).where(Staff.deleted == False)  # noqa: E712
    if facility_id is not None:
        query = query.where(Staff.facility == facility_id)
    people = {row.id: _Person(row.facility_id, row.employment_start) for row in query}
    departures = StaffDeparture.select(StaffDeparture.staff, StaffDeparture.left_on, StaffDeparture.returned_on).where(
        StaffDeparture.deleted == False)  # noqa: E712
    if facility_id is not None:
        departures = departures.where(StaffDeparture.staff.in_(list(people)))
    rows: Any = departures.tuples()
    for person_id, left_on, returned_on in rows:
        if person_id in people:
            people[person_id].absences.append(Absence(left_on, returned_on))
    return people


def _trained(people: dict[uuid.UUID, _Person], technique_id: uuid.UUID | None = None,
             agreement_id: uuid.UUID | None = None) -> dict[tuple[uuid.UUID, uuid.UUID], list[TrainedPerson]]:
    """Trained people grouped by (facility, technique); a person trained twice counts once, from the first end."""
    query = (Enrollment.select(Enrollment.staff, Enrollment.technique, Enrollment.end_on, Enrollment.certificate_date)
             .where(Enrollment.deleted == False, Enrollment.status.in_(terms.TRAINED_STATUSES)))  # noqa: E712
    if technique_id is not None:
        query = query.where(Enrollment.technique == technique_id)
    if agreement_id is not None:
        query = query.where(Enrollment.agreement == agreement_id)
    first_end: dict[tuple[uuid.UUID, uuid.UUID], dt.date] = {}
    rows: Any = query.tuples()
    for person_id, technique, end_on, certificate_date in rows:
        ended = end_on or certificate_date
        if person_id not in people or ended is None:
            continue
        key = (person_id, technique)
        if key not in first_end or ended < first_end[key]:
            first_end[key] = ended
    grouped: dict[tuple[uuid.UUID, uuid.UUID], list[TrainedPerson]] = defaultdict(list)
    for (staff_id, technique), ended in first_end.items():
        person = people[staff_id]
        grouped[(person.facility_id, technique)].append(
            TrainedPerson(str(staff_id), ended, person.employment_start, tuple(person.absences)))
    return grouped


def retention(today: dt.date | None = None, facility_id: str | uuid.UUID | None = None,
              technique_id: str | uuid.UUID | None = None, agreement_id: str | uuid.UUID | None = None) -> list[TechniqueRetention]:
    """Per facility and technique: trained, still working now, retained at 6/12/24 months, required;
    the techniques at risk first, then by facility and technique name."""
    today = today or dt.date.today()
    facility_key = parse_id(facility_id) if facility_id else None
    people = _people(facility_key)
    grouped = _trained(people, parse_id(technique_id) if technique_id else None, parse_id(agreement_id) if agreement_id else None)
    facilities = {f.id: f.name for f in Facility.select(Facility.id, Facility.name).where(Facility.id.in_({k[0] for k in grouped}))}
    techniques = {t.id: t.name for t in Technique.select(Technique.id, Technique.name).where(Technique.id.in_({k[1] for k in grouped}))}
    required = {tech: required_staff(tech) for tech in techniques}
    rows = [
        TechniqueRetention(str(fac), facilities.get(fac, ""), str(tech), techniques.get(tech, ""), len(trained),
                           active_now(trained, today), required.get(tech), milestones(trained, today, terms.MILESTONE_MONTHS))
        for (fac, tech), trained in grouped.items()
    ]
    rows.sort(key=lambda r: (not r.at_risk, r.facility, r.technique))
    return rows


def commitments_ending(today: dt.date | None = None, days: int = terms.COMMITMENT_WARNING_DAYS,
                       facility_id: str | uuid.UUID | None = None) -> list[dict[str, Any]]:
    """People still working here whose commitment ends within `days` (soonest first): the moment to
    talk to them about staying."""
    today = today or dt.date.today()
    until = today + dt.timedelta(days=days)
    query = (Enrollment.select(Enrollment, Staff, Technique)
             .join(Staff, on=(Enrollment.staff == Staff.id)).switch(Enrollment)
             .join(Technique, on=(Enrollment.technique == Technique.id))
             .where(Enrollment.deleted == False, Staff.deleted == False, Staff.status != "left",  # noqa: E712
                    Enrollment.commitment_years.is_null(False), Enrollment.status.in_(terms.TRAINED_STATUSES)))
    if facility_id:
        query = query.where(Staff.facility == parse_id(facility_id))
    found: list[dict[str, Any]] = []
    for e in query:
        ends = commitment_end(e.end_on or e.certificate_date, e.commitment_years)
        if ends is not None and today <= ends <= until:
            found.append({"enrollment_id": str(e.id), "staff_id": str(e.staff_id), "name": e.staff.full_name,
                          "facility_id": str(e.staff.facility_id),
                          "technique": e.technique.name, "ends_on": ends, "days_left": (ends - today).days})
    found.sort(key=lambda r: r["ends_on"])
    return found


def departures(facility_id: str | uuid.UUID | None = None, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Trained people who left (newest first), with the techniques they took with them and
    whether leaving broke a commitment."""
    query = (StaffDeparture.select(StaffDeparture, Staff).join(Staff, on=(StaffDeparture.staff == Staff.id))
             .where(StaffDeparture.deleted == False, Staff.deleted == False)  # noqa: E712
             .order_by(StaffDeparture.left_on.desc()))
    if facility_id:
        query = query.where(Staff.facility == parse_id(facility_id))
    if since is not None:
        query = query.where(StaffDeparture.left_on >= since)
    leavers = list(query)
    enrollments: dict[uuid.UUID, list[Any]] = defaultdict(list)
    if leavers:
        rows = (Enrollment.select(Enrollment, Technique).join(Technique, on=(Enrollment.technique == Technique.id))
                .where(Enrollment.staff.in_({d.staff_id for d in leavers}), Enrollment.deleted == False,  # noqa: E712
                       Enrollment.status != "dropped"))
        for e in rows:
            enrollments[e.staff_id].append(e)
    from hospitaldesk.services.staff import departure_row

    facility_names = {f.id: f.short_name or f.name for f in Facility.select(Facility.id, Facility.name, Facility.short_name)
                      .where(Facility.id.in_({d.staff.facility_id for d in leavers}))} if leavers else {}
    result = []
    for departure in leavers:
        trainings = enrollments.get(departure.staff_id, [])
        broken = any(
            breaks_commitment(departure.left_on,
                              min((d for d in (e.start_on, e.commitment_signed_on) if d is not None), default=None),
                              commitment_end(e.end_on or e.certificate_date, e.commitment_years), departure.returned_on)
            for e in trainings)
        result.append({**departure_row(departure), "staff_id": str(departure.staff_id), "name": departure.staff.full_name,
                       "facility": facility_names.get(departure.staff.facility_id, ""),
                       "profession": terms.label(terms.PROFESSIONS, departure.staff.profession) if departure.staff.profession else "",
                       "techniques": sorted({e.technique.name for e in trainings}), "breaks_commitment": broken})
    return result


def at_risk(today: dt.date | None = None) -> list[TechniqueRetention]:
    """The (facility, technique) pairs whose working trained staff fell below what the checklist requires."""
    return [row for row in retention(today) if row.at_risk]
