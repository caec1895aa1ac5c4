"""The overview: what needs attention, for the whole region or narrowed by province, specialty and
partner hospital. Plain data, compiled from the services that own each rule:

- agreements by status, and their 6-monthly reviews overdue or due within 30 days;
- techniques at risk: training running ahead of readiness (readiness_warnings), trained staff
  fallen below the checklist's need, and commitments to serve ending within 90 days (retention);
- gap actions overdue (gaps), open sync conflicts, duplication warnings of the networks;
- cases per month over the filter's facilities, for the chart.

Every item names the screen and the stored id (32 hex digits) main_window.open_record opens it with.

The filter: a province covers its facilities, those of the units merged into it, and those of the
province it became (a record made after 1 July 2025 names the new province); a partner covers its own
agreements, and for what happens at hospitals (staff, gaps, cases) itself and the hospitals it has an
agreement with; a specialty covers the techniques of that specialty.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from peewee import fn

from hospitaldesk.db.models import Agreement, CaseLog, Facility, Province, Technique
from hospitaldesk.db.rows import date_value, id_text, listed, names_of, raw_rows
from hospitaldesk.i18n import _, ngettext, parse_date
from hospitaldesk.months import month_after
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import authority, gaps, retention
from hospitaldesk.services.agreements import AgreementCatalog
from hospitaldesk.reports.review_data import MonthCases
from hospitaldesk.services.case_outcomes import sums_by
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.facilities import short_names
from hospitaldesk.services.readiness_terms import percent
from hospitaldesk.services.readiness_warnings import WATCHED_STATUSES, latest_assessments as assessed, not_ready_first
from hospitaldesk.services.site import site_facility_id

REVIEW_WARNING_DAYS = 30
CHART_MONTHS = 18
CHART_SLACK = 3  # months read before the chart's, in case the latest logged is not this month
SHOWN = 200  # items kept per list; the count says how many there are in all


@dataclass(frozen=True)
class Scope:
    """The overview's filter; empty strings: no filter."""

    province: str = ""
    specialty: str = ""
    partner: str = ""


@dataclass(frozen=True)
class Item:
    """One line of a list. `screen` and `record_id` open its record (main_window.open_record); an
    empty screen: nothing to open."""

    screen: str
    record_id: str  # the stored id: 32 hex digits
    title: str
    detail: str
    day: dt.date | None = None
    late: bool = False


@dataclass
class Listing:
    items: list[Item] = field(default_factory=list)
    total: int = 0


CaseMonth = MonthCases  # a month's counts summed over facilities and techniques: the review's chart's too


@dataclass
class Overview:
    today: dt.date
    statuses: dict[str, int]  # every status code, in lifecycle order
    reviews_overdue: Listing
    reviews_due: Listing
    not_ready: Listing  # training ahead of readiness
    below_need: Listing  # trained staff working fewer than the checklist needs
    commitments: Listing  # commitments to serve ending within 90 days
    gaps_overdue: Listing
    duplications: Listing
    conflicts: int
    cases: list[CaseMonth]

    @property
    def at_risk(self) -> int:
        return self.not_ready.total + self.below_need.total + self.commitments.total


def stored(value: Any) -> str:
    """An id as main_window.open_record takes it (32 hex digits)."""
    return parse_id(value).hex


# --- the filter ------------------------------------------------------------------------------------


def province_ids(province_id: str | uuid.UUID) -> list[uuid.UUID]:
    """The province, the units merged into it, and the ones it was merged into."""
    from hospitaldesk.services.provinces import with_predecessors

    start = parse_id(province_id)
    ids = with_predecessors(start)
    current = Province.get_or_none(Province.id == start)
    seen = set(ids)
    while current is not None and current.successor_id is not None and current.successor_id not in seen:
        seen.add(current.successor_id)
        ids.append(current.successor_id)
        current = Province.get_or_none(Province.id == current.successor_id)
    return ids


def scope_facilities(scope: Scope) -> set[uuid.UUID] | None:
    """The facilities whose staff, gaps and cases the filter covers; None: all of them."""
    found: set[uuid.UUID] | None = None
    if scope.province:
        found = {f.id for f in Facility.select(Facility.id).where(Facility.province.in_(province_ids(scope.province)),
                                                                    Facility.deleted == False)}  # noqa: E712
    if scope.partner:
        partner = parse_id(scope.partner)
        mine = {partner}
        parties = Agreement.select(Agreement.party_a, Agreement.party_b).where(
            (Agreement.party_a == partner) | (Agreement.party_b == partner), Agreement.deleted == False)  # noqa: E712
        for party_a, party_b in raw_rows(parties):
            mine.update((uuid.UUID(party_a), uuid.UUID(party_b)))
        found = mine if found is None else found & mine
    return found


def scope_techniques(scope: Scope) -> Any:
    """The specialty's techniques as a select (for SQL); None: all."""
    if not scope.specialty:
        return None
    return Technique.select(Technique.id).where(Technique.specialty == parse_id(scope.specialty))


class Filter:
    """A Scope resolved once for all the parts of one overview: its facilities and techniques are read
    from the database when first asked for (Cần Thơ's 337 facilities, a specialty's 4,000 techniques)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @cached_property
    def facilities(self) -> set[uuid.UUID] | None:
        return scope_facilities(self.scope)

    @cached_property
    def techniques(self) -> Any:
        return scope_techniques(self.scope)

    @cached_property
    def facility_ids(self) -> set[str] | None:
        """The facilities as stored (32 hex digits)."""
        return None if self.facilities is None else {f.hex for f in self.facilities}

    @cached_property
    def technique_ids(self) -> set[Any] | None:
        """The techniques as stored."""
        return None if self.techniques is None else {t for (t,) in raw_rows(self.techniques)}


def resolved(scope: Scope | Filter) -> Filter:
    return scope if isinstance(scope, Filter) else Filter(scope)


def _text_ids(ids: Iterable[uuid.UUID] | None) -> set[str] | None:
    return None if ids is None else {str(i) for i in ids}


def _agreements(scope: Scope) -> Any:
    """The live agreements the filter covers (a select of the agreement)."""
    query = Agreement.select().where(Agreement.deleted == False)  # noqa: E712
    catalog = AgreementCatalog()
    if scope.province:
        in_province = Facility.select(Facility.id).where(Facility.province.in_(province_ids(scope.province)))
        query = query.where(Agreement.party_b.in_(in_province) | Agreement.party_a.in_(in_province))
    for name in ("partner", "specialty"):
        value = getattr(scope, name)
        if value:
            query = query.where(catalog.filter_expression(name, value))
    return query


# --- the parts -------------------------------------------------------------------------------------


def status_counts(scope: Scope) -> dict[str, int]:
    counts = dict.fromkeys(terms.STATUSES, 0)
    rows = _agreements(scope).select(Agreement.status, fn.COUNT(Agreement.id)).group_by(Agreement.status)
    for status, count in raw_rows(rows):
        counts[status] = counts.get(status, 0) + count
    return counts


def _partner_text(party_a: Any, party_b: Any, names: dict[Any, str], site: str) -> str:
    a, b = names.get(party_a, ""), names.get(party_b, "")
    if site and id_text(party_b) == site:
        return a
    if site and id_text(party_a) == site:
        return b
    return f"{a} → {b}"


def reviews(scope: Scope, today: dt.date) -> tuple[Listing, Listing]:
    """Reviews overdue (oldest first) and due within 30 days (soonest first)."""
    until = today + dt.timedelta(days=REVIEW_WARNING_DAYS)
    query = (_agreements(scope).select(Agreement.id, Agreement.number, Agreement.party_a, Agreement.party_b, Agreement.next_review)
             .where(Agreement.status.in_(terms.ACTIVE_STATUSES), Agreement.next_review.is_null(False), Agreement.next_review <= until)
             .order_by(Agreement.next_review, Agreement.number))
    rows = raw_rows(query)
    names = short_names([r[2] for r in rows[:2 * SHOWN]] + [r[3] for r in rows[:2 * SHOWN]])
    site = site_facility_id() or ""
    overdue, due = Listing(), Listing()
    for agreement, number, party_a, party_b, review_raw in rows:
        day = date_value(review_raw)
        target = overdue if day is not None and day < today else due
        target.total += 1
        if len(target.items) < SHOWN:
            target.items.append(Item("agreements", stored(agreement), number, _partner_text(party_a, party_b, names, site),
                                     day, target is overdue))
    return overdue, due


def readiness_not_met(scope: Scope | Filter) -> Listing:
    """Technique lines trained (or about to be) at a facility not assessed as ready: readiness_warnings' rule,
    for the whole filter in one query; only the lines shown are named and their assessments read."""
    found_in = resolved(scope)
    watched = _agreements(found_in.scope).select(Agreement.id, Agreement.party_b, Agreement.number).where(
        Agreement.status.in_(WATCHED_STATUSES))
    total, first = not_ready_first(watched, found_in.techniques, SHOWN)
    listing = Listing(total=total)
    if not first:
        return listing
    # Shown in the order of the agreement's number, then the technique's name: `first` holds every line
    # up to the SHOWN-th line's number.
    technique_names = names_of(Technique.id, Technique.name, {row[2] for row in first})
    first.sort(key=lambda row: (row[3], technique_names.get(row[2], ""), row[0], row[2]))
    first = first[:SHOWN]
    facility_names = short_names({row[1] for row in first})
    latest = assessed((uuid.UUID(facility), uuid.UUID(technique)) for _a, facility, technique, _n in first)
    for agreement, facility, technique, number in first:
        found = latest.get((uuid.UUID(facility), uuid.UUID(technique)))
        why = _("not assessed") if found is None else _("not ready ({index})").format(index=percent(found.readiness_index))
        listing.items.append(Item(
            "agreements", stored(agreement), technique_names.get(technique, ""),
            _("{why} · {facility} · {agreement}").format(facility=facility_names.get(facility, ""), agreement=number, why=why),
            found.assessed_on if found else None, True))
    return listing


def staff_below_need(scope: Scope | Filter, today: dt.date) -> Listing:
    """Facility and technique pairs with fewer trained staff working than the checklist asks for (retention)."""
    found_in = resolved(scope)
    total, rows = retention.below_need(today, facilities=found_in.facility_ids, techniques=found_in.technique_ids, first=SHOWN)
    listing = Listing(total=total)
    for row in rows:
        listing.items.append(Item("retention", stored(row.facility_id), row.technique, ngettext(
            "{active} working of {required} needed · {facility}", "{active} working of {required} needed · {facility}",
            row.required or 0).format(facility=row.facility, active=row.active, required=row.required), None, True))
    return listing


def commitments(scope: Scope | Filter, today: dt.date) -> Listing:
    """Trained people still working whose commitment to serve ends within 90 days (soonest first)."""
    found_in = resolved(scope)
    total, rows = retention.commitments_first(today, SHOWN, facilities=found_in.facility_ids, techniques=found_in.technique_ids)
    listing = Listing(total=total)
    names = short_names({stored(r["facility_id"]) for r in rows})
    for row in rows:
        listing.items.append(Item("staff", stored(row["staff_id"]), row["name"], _("{technique} · {facility} · {days} days left").format(
            technique=row["technique"], facility=names.get(stored(row["facility_id"]), ""), days=row["days_left"]), row["ends_on"]))
    return listing


def gaps_overdue(scope: Scope | Filter, today: dt.date) -> Listing:
    """Gap actions past their due date and not closed, the longest overdue first."""
    found_in = resolved(scope)
    facilities = found_in.facility_ids
    wanted = {"status": "open", "overdue": True, "today": today, "techniques": found_in.techniques,
              "facilities": None if facilities is None else listed(sorted(facilities))}
    rows = gaps.listing(**wanted, limit=SHOWN)
    listing = Listing(total=gaps.totals(**wanted)["count"])
    for row in rows:
        due = parse_date(row["due"]) if row["due"] else None
        listing.items.append(Item("readiness", stored(row["id"]), ("★ " if row["critical"] else "") + row["item"],
                                  _("{facility} · {technique}").format(facility=row["facility"], technique=row["technique"]), due, True))
    return listing


def duplications(scope: Scope | Filter) -> Listing:
    """The networks' duplication warnings that concern the filter's hospitals and specialty."""
    from hospitaldesk.services.networks import duplication_warnings

    found_in = resolved(scope)
    facilities = _text_ids(found_in.facilities)
    specialty = str(parse_id(found_in.scope.specialty)) if found_in.scope.specialty else ""
    found = [d for d in duplication_warnings()
             if (facilities is None or d.first.facility_id in facilities or d.second.facility_id in facilities)
             and (not specialty or d.first.specialty_id == specialty)]
    return Listing([Item("networks", stored(d.first.network_id), d.technique, d.message) for d in found[:SHOWN]], len(found))


def cases_per_month(scope: Scope | Filter, today: dt.date, months: int = CHART_MONTHS) -> list[CaseMonth]:
    """Cases with support, independently, and patients referred to HCMC, summed over the filter's facilities
    for the `months` months ending at the latest month logged (this month at the latest: a region whose
    logs stopped still shows its last months rather than an empty chart). Two live rows for the same
    facility, technique and month (entered at two sites before a sync) count once: the one changed last
    (case_outcomes.sums_by)."""
    found_in = resolved(scope)
    facilities, techniques = found_in.facilities, found_in.techniques

    def summed(first: dt.date, last: dt.date) -> dict[dt.date | None, list[Any]]:
        return {date_value(month): row for month, _f, *row in sums_by("month", first, last, facilities, techniques, facilities_logging=False)}

    # The months up to this one and a few more than shown: the latest month logged is nearly always among
    # them (this month or the last), so one reading serves (a specialty's latest month alone took 17 ms).
    searched = month_after(today, 1 - months - CHART_SLACK)
    sums = summed(searched, today)
    latest = max((month for month in sums if month is not None), default=None)
    if latest is None or month_after(latest, 1 - months) < searched:  # the logs stopped long ago, or there are none
        query = CaseLog.select(fn.MAX(CaseLog.month)).where(CaseLog.deleted == False, CaseLog.month <= today)  # noqa: E712
        if facilities is not None:
            query = query.where(CaseLog.facility.in_(list(facilities)))
        if techniques is not None:
            query = query.where(CaseLog.technique.in_(techniques))
        latest = date_value(raw_rows(query)[0][0]) or today.replace(day=1)
        sums = summed(month_after(latest, 1 - months), latest)
    first = month_after(latest, 1 - months)
    out = []
    for offset in range(months):
        month = month_after(first, offset)
        s = [int(n or 0) for n in sums.get(month, [0, 0, 0, 0])]
        out.append(CaseMonth(month, s[0], s[1], s[2], s[3]))
    return out


def compile_overview(scope: Scope | None = None, today: dt.date | None = None) -> Overview:
    """Everything the overview screen shows, for the filter."""
    authority.require("read")
    from hospitaldesk.services.sync.conflicts import count_open

    scope = scope or Scope()
    today = today or dt.date.today()
    overdue, due = reviews(scope, today)
    found_in = Filter(scope)  # the filter's facilities and techniques, read once for all the parts
    return Overview(today, status_counts(scope), overdue, due, readiness_not_met(found_in), staff_below_need(found_in, today),
                    commitments(found_in, today), gaps_overdue(found_in, today), duplications(found_in), count_open(),
                    cases_per_month(found_in, today))
