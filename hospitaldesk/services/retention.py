"""Who stayed: retention of trained staff per facility and technique, the techniques at risk,
the commitments about to end, and the departures that broke one.

The rules are retention_math's (tested there on hand-built cases); retention_facts applies them
to each person when their records change, and the region's view sums those facts in SQL, so
200,000 trainings are counted without becoming Python objects (tests/bench, section h).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from collections.abc import Callable, Collection, Iterable
from typing import Any

from peewee import SQL, fn

from hospitaldesk.db.connection import database
from hospitaldesk.db.migrations import REQUIRED_STAFF_WHERE
from hospitaldesk.db.rows import CHUNK, date_value, id_text, names_of, raw_rows
from hospitaldesk.db.models import ChecklistTemplate, Enrollment, RetentionFact, Facility, Staff, StaffDeparture, TemplateItem, Technique
from hospitaldesk.services import retention_facts
from hospitaldesk.services.retention_facts import WORKING_ON_DAY, on_day
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.retention_math import Milestone, breaks_commitment, commitment_end, commitment_start
from hospitaldesk.services.staff import departure_fields


@dataclass(slots=True)
class TechniqueRetention:
    facility_id: str
    facility: str
    technique_id: str
    technique: str
    trained: int
    active: int
    required: int | None  # trained staff the readiness checklist asks for; None: no checklist
    # Per milestone month (terms.MILESTONE_MONTHS), eligible then retained, as summed: 27,000 rows'
    # Milestone objects are only built for the rows someone reads (tests/bench, h).
    counts: tuple[int | None, ...] = ()

    @property
    def at_risk(self) -> bool:
        return self.required is not None and self.active < self.required

    @property
    def milestones(self) -> list[Milestone]:
        return [Milestone(k, self.counts[2 * n + 1] or 0, self.counts[2 * n] or 0) for n, k in enumerate(terms.MILESTONE_MONTHS)]


def _required_sql() -> str:
    """Per technique with a current checklist: the trained people it requires (technique_id, needed).
    The current checklist is the newest live version (as current_template), found in one walk of migration
    18's index: SQLite gives MAX()'s row for the bare `id`; its required items are summed through their
    partial index, whose WHERE is named word for word so SQLite uses it."""
    templates, items = ChecklistTemplate._meta.table_name, TemplateItem._meta.table_name
    return (f"SELECT c.technique_id, c.needed FROM (SELECT t.technique_id, (SELECT SUM(i.quantity) FROM (SELECT template_id, quantity "
            f"FROM {items} WHERE {REQUIRED_STAFF_WHERE}) i WHERE i.template_id = t.id) AS needed "
            f"FROM (SELECT technique_id, id, MAX(version) FROM {templates} WHERE deleted = 0 GROUP BY technique_id) t) c "
            "WHERE c.needed IS NOT NULL")


def _place_starters(unknown: Callable[[list[Any]], set[Any]]) -> set[Any]:
    """Put in place the starter checklist of the shipped techniques without one that `unknown` (given the
    stored ids of the shipped techniques without a checklist) says are wanted; returns those placed."""
    from hospitaldesk.services.readiness_templates import current_template
    from hospitaldesk.services.readiness_terms import starter_templates

    shipped = [t["technique"] for t in starter_templates().get("templates", [])]
    if not shipped:
        return set()
    marks = ", ".join("?" * len(shipped))
    lacking = [technique for (technique,) in database.execute_sql(
        f"SELECT t.id FROM {Technique._meta.table_name} t WHERE t.code IN ({marks}) AND NOT EXISTS (SELECT 1 FROM "
        f"{ChecklistTemplate._meta.table_name} c WHERE c.technique_id = t.id AND c.deleted = 0)", shipped).fetchall()]
    placed = set()
    for technique in sorted(unknown(lacking)) if lacking else []:
        if current_template(uuid.UUID(id_text(technique))) is not None:
            placed.add(technique)
    return placed


def required_for(technique_ids: Iterable[str]) -> dict[str, int | None]:
    """How many trained people each technique's current checklist requires, by stored id: the sum of
    its critical human-resources items (e.g. 2 doctors + 8 nurses = 10); None when it has none. Each
    technique's latest version counts; the items are read through their own partial index (migration 7).
    A shipped technique whose starter checklist was never opened gets it now."""
    wanted = list(technique_ids)
    _place_starters(lambda lacking: set(lacking) & set(wanted))  # their sums are then read with the others
    sums = dict(database.execute_sql(_required_sql()).fetchall())
    return {t: sums.get(t) for t in wanted}


def retention(today: dt.date | None = None, facility_id: str | uuid.UUID | None = None,
              technique_id: str | uuid.UUID | None = None, agreement_id: str | uuid.UUID | None = None) -> list[TechniqueRetention]:
    """Per facility and technique: trained, still working now, retained at 6/12/24 months, required;
    the techniques at risk first, then by facility and technique name.

    Sums the people's retention facts (retention_facts: retention_math's rules, applied when a
    person's records change), so the region's 200,000 trainings are one index walk (tests/bench, h)."""
    retention_facts.refresh()
    today = today or dt.date.today()
    where, params = ["f.first = 1"], []
    if agreement_id:  # the people trained under this agreement, as of their training under it
        where = ["f.agreement = ?"]
        params.append(parse_id(agreement_id).hex)
    if facility_id:
        where.append("f.facility = ?")
        params.append(parse_id(facility_id).hex)
    if technique_id:
        where.append("f.technique = ?")
        params.append(parse_id(technique_id).hex)
    active = WORKING_ON_DAY
    stones = ", ".join(f"SUM(f.{at} <= :day), SUM(f.{at} <= :day AND f.{kept})"
                       for at, kept in (retention_facts.MILESTONE_COLUMNS[k] for k in terms.MILESTONE_MONTHS))
    sums = (f"SELECT f.facility, f.technique, COUNT(*), SUM({active}), {stones} "
            f"FROM retention_fact f WHERE {' AND '.join(where)} GROUP BY f.facility, f.technique")
    name_column = 5 + 2 * len(terms.MILESTONE_MONTHS)  # after facility, technique, trained, working and the pairs
    # Names joined and ordered here: SQLite compares UTF-8 bytes, which orders as Python's str does.
    sql = (f"SELECT s.*, COALESCE(a.name, ''), COALESCE(t.name, '') FROM ({sums}) s "
           f"LEFT JOIN {Facility._meta.table_name} a ON a.id = s.facility "
           f"LEFT JOIN {Technique._meta.table_name} t ON t.id = s.technique "
           f"ORDER BY {name_column}, {name_column + 1}, s.facility, s.technique")
    # Every :day sits in the select list, before the filters' parameters.
    sql, day_params = on_day(sql, today)
    rows = database.execute_sql(sql, day_params + params).fetchall()
    required = required_for({r[1] for r in rows})
    ids: dict[Any, str] = {}  # each distinct id formatted once
    risky: list[TechniqueRetention] = []
    stable: list[TechniqueRetention] = []
    for facility, technique, trained, working, *pairs, facility_name, technique_name in rows:
        needed = required.get(technique)
        row = TechniqueRetention(ids.get(facility) or ids.setdefault(facility, id_text(facility)), facility_name,
                                 ids.get(technique) or ids.setdefault(technique, id_text(technique)), technique_name,
                                 trained, working or 0, needed, tuple(pairs))
        (risky if needed is not None and row.active < needed else stable).append(row)
    return risky + stable  # at risk first, each part in the name order SQLite gave


@dataclass(frozen=True, slots=True)
class BelowNeed:
    """A facility and technique whose trained staff working today are fewer than its checklist requires."""

    facility_id: str
    facility: str
    technique_id: str
    technique: str
    active: int
    required: int


def below_need(today: dt.date | None = None, facilities: Collection[Any] | None = None, techniques: Collection[Any] | None = None,
               first: int | None = None) -> tuple[int, list[BelowNeed]]:
    """The rows retention() puts first, at risk (working < required), in its order (facility name, technique
    name): how many, and the `first` of them (all when None), without counting what the others need
    (milestones) or naming more than are returned. `facilities`, `techniques`: stored ids to keep (None: all).

    Working is counted the other way round: the trained of the pair less those not working on the day,
    both counted beside the facts (migration 18; retention_facts.count_absent_on recounts them when the
    day changes). Not working is retention()'s `active` negated: WORKING_ON_DAY."""
    retention_facts.refresh()
    day = today or dt.date.today()
    facts = RetentionFact._meta.table_name

    def trained_lacking(lacking: list[Any]) -> set[Any]:  # shipped techniques people were trained in, no checklist yet
        marks = ", ".join("?" * len(lacking))
        return {t for (t,) in database.execute_sql(
            f"SELECT DISTINCT technique FROM {facts} WHERE first = 1 AND technique IN ({marks})", lacking).fetchall()}

    _place_starters(trained_lacking)
    retention_facts.count_absent_on(day)
    # A filter's facilities (a province, a partner's hospitals) are ranges of the pairs' key: only theirs are read.
    among = sorted(facilities) if facilities is not None and len(facilities) <= 10 * CHUNK else None
    only = "" if among is None else f" AND facility IN ({', '.join('?' * len(among))})"
    of = sorted(techniques) if techniques is not None and len(techniques) <= 10 * CHUNK else None
    # A list checked per pair, not one SQLite drives the query by (a specialty's 4,000 techniques in each facility).
    only += "" if of is None else f" AND CASE WHEN technique IN ({', '.join('?' * len(of))}) THEN 1 ELSE 0 END = 1"
    short = database.execute_sql(  # each checklist's need summed once (MATERIALIZED), not once per pair
        f"WITH r AS MATERIALIZED ({_required_sql()}) "
        f"SELECT t.facility, t.technique, t.trained - t.absent, r.needed FROM (SELECT facility, technique, trained, absent "
        f"FROM retention_pair WHERE 1{only}) t "
        "CROSS JOIN r "  # CROSS: the pairs outside, so a filter's facilities are ranges of their key
        "WHERE r.technique_id = t.technique AND t.trained - t.absent < r.needed", [*(among or []), *(of or [])]).fetchall()
    if (facilities is not None and among is None) or (techniques is not None and of is None):  # filters too long for SQL
        short = [row for row in short if (facilities is None or row[0] in facilities) and (techniques is None or row[1] in techniques)]
    # In retention()'s order: by facility name, then the technique's; only the facilities up to the `first`-th
    # row's name are sorted row by row and their techniques named (a region has 7,900 rows; the overview shows 200).
    facility_names = dict(database.execute_sql(f"SELECT id, name FROM {Facility._meta.table_name}").fetchall())
    shown = short
    if first is not None and len(short) > first:
        rows_of = Counter(row[0] for row in short)
        kept: set[Any] = set()
        count, last = 0, None
        for facility in sorted(rows_of, key=lambda f: (facility_names.get(f, ""), f)):
            name = facility_names.get(facility, "")
            if count >= first and name != last:  # the `first`-th row reached, and every facility of its name kept
                break
            kept.add(facility)
            count, last = count + rows_of[facility], name
        shown = [row for row in short if row[0] in kept]
    techniques_named = names_of(Technique.id, Technique.name, {row[1] for row in shown})
    shown.sort(key=lambda row: (facility_names.get(row[0], ""), techniques_named.get(row[1], ""), row[0], row[1]))
    ids: dict[Any, str] = {}  # each distinct id formatted once
    return len(short), [
        BelowNeed(ids.get(facility) or ids.setdefault(facility, id_text(facility)), facility_names.get(facility, ""),
                  ids.get(technique) or ids.setdefault(technique, id_text(technique)), techniques_named.get(technique, ""), working, needed)
        for facility, technique, working, needed in (shown if first is None else shown[:first])]


def _ending_within(today: dt.date, days: int, facility_id: str | uuid.UUID | None, facilities: Collection[Any] | None,
                   techniques: Collection[Any] | None) -> list[tuple[Any, ...]]:
    """(ends as ISO text, enrollment, person, facility, technique) of the people still working whose commitment ends
    within `days`, soonest first; raw ids. SQLite computes each end as commitment_end does, but for a
    training ended on 29 February, whose end commitment_end computes (the window has a day's margin each
    side for it). Names are left to the caller: a region has 5,000 such rows and the overview shows 200."""
    until = today + dt.timedelta(days=days)
    ended = fn.COALESCE(Enrollment.end_on, Enrollment.certificate_date)
    # Migration 13's index on COMMITMENT_END_SQL, spelled the same (the format a literal, not a parameter,
    # or SQLite does not see it is the indexed expression): the window is a range of that index. The staff
    # row is read through migration 16's covering index (id, deleted, status, facility), not the table.
    ends_sql = fn.date(ended, fn.printf(SQL("'+%d years'"), Enrollment.commitment_years))
    query = (Enrollment.select(Enrollment.id, Enrollment.staff, Staff.facility, Enrollment.technique, ended, Enrollment.commitment_years,
                               ends_sql)
             .join(Staff, on=(Enrollment.staff == Staff.id))
             .where(Enrollment.deleted == False, Staff.deleted == False, Staff.status != "left",  # noqa: E712
                    Enrollment.commitment_years.is_null(False), Enrollment.status.in_(terms.TRAINED_STATUSES),
                    ends_sql.between((today - dt.timedelta(days=1)).isoformat(), (until + dt.timedelta(days=1)).isoformat())))
    if facility_id:
        query = query.where(Staff.facility == parse_id(facility_id))
    first, last = today.isoformat(), until.isoformat()
    found = []
    for enrollment, person, facility, technique, ended_raw, years, ends in raw_rows(query):
        if (facilities is not None and facility not in facilities) or (techniques is not None and technique not in techniques):
            continue
        if str(ended_raw)[5:10] == "02-29":  # SQLite's year later is 1 March; commitment_end's, 28 February
            exact = commitment_end(date_value(ended_raw), years)
            ends = exact.isoformat() if exact else None
        if ends is not None and first <= ends <= last:
            found.append((ends, enrollment, person, facility, technique))
    found.sort()  # by the end, then the person and the enrollment (ids as stored): the same order every time
    return found


def _named_commitments(rows: list[tuple[Any, ...]], today: dt.date) -> list[dict[str, Any]]:
    """The rows as the screens, the printed list and the overview show them: with the person's and the
    technique's names, each read once for all the rows."""
    people = names_of(Staff.id, Staff.full_name, [row[2] for row in rows])
    techniques = names_of(Technique.id, Technique.name, [row[4] for row in rows])
    ids: dict[Any, str] = {}  # facilities and techniques recur: each formatted once
    return [{"enrollment_id": id_text(enrollment), "staff_id": id_text(person), "name": people.get(person, ""),
             "facility_id": ids.get(facility) or ids.setdefault(facility, id_text(facility)),
             "technique_id": ids.get(technique) or ids.setdefault(technique, id_text(technique)),
             "technique": techniques.get(technique, ""), "ends_on": ends, "days_left": (ends - today).days}
            for ends, enrollment, person, facility, technique in ((dt.date.fromisoformat(row[0]), *row[1:]) for row in rows)]


def commitments_ending(today: dt.date | None = None, days: int = terms.COMMITMENT_WARNING_DAYS,
                       facility_id: str | uuid.UUID | None = None) -> list[dict[str, Any]]:
    """People still working here whose commitment ends within `days` (soonest first): the moment to
    talk to them about staying."""
    today = today or dt.date.today()
    return _named_commitments(_ending_within(today, days, facility_id, None, None), today)


def commitments_first(today: dt.date, first: int, facilities: Collection[Any] | None = None,
                      techniques: Collection[Any] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """For the overview: how many commitments end within 90 days, and the `first` of them named.
    `facilities`, `techniques`: stored ids to keep (None: all)."""
    rows = _ending_within(today, terms.COMMITMENT_WARNING_DAYS, None, facilities, techniques)
    return len(rows), _named_commitments(rows[:first], today)


def departures(facility_id: str | uuid.UUID | None = None, since: dt.date | None = None, until: dt.date | None = None,
               ids: Any = None) -> list[dict[str, Any]]:
    """Trained people who left (newest first), with the techniques they took with them and
    whether leaving broke a commitment. Raw rows: a region has thousands of leavers (tests/bench, h).
    `since`, `until`: left on those days or between; `ids`: only these departures (a select of their ids)."""
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
    if until is not None:
        query = query.where(StaffDeparture.left_on <= until)
    if ids is not None:
        query = query.where(StaffDeparture.id.in_(ids))
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
