"""The 6-monthly review (sơ kết): the figures of a period for one hospital, one province or the region,
compiled from the records. Plain data; the printed report (reports/review_report.py), the workbook and
`report review --json` all read it.

The rules, as a director would count by hand (both ends of the period included):
- agreements signed: signed on a day of the period (a draft has no signing day);
  accepted / terminated: their status changed to it on a day of the period;
  running at the end: signed by the end, and not accepted, closed or terminated by then;
  reviews held: the 6-monthly reviews recorded on a day of the period;
- techniques performed independently / accepted: a technique line's progress changed to it in the period;
- trained: people whose (first) training in a technique ended in the period; retained: of those, the
  ones working at the facility on the last day; working at the end: of everyone trained by the last day,
  the ones working then; departures: trained people who left in the period, and how many of them broke
  their commitment to serve or went to a private hospital;
- readiness: per facility and technique assessed (final) in the period, the latest assessment before the
  period against the latest by its end; "became ready": not ready (or never assessed) before, ready at the end;
- gaps: closed as done in the period; open at the end (found by an assessment by then, not closed by
  then); overdue at the end (open, due before the last day);
- cases and referrals: the case logs of the months of the period, summed (two live rows for the same
  facility, technique and month count once: the one changed last), beside the same months one period
  earlier; independence reached: the first month with independent cases at least the supported ones
  (case_outcomes' rule) falls in the period.

The scope: one hospital covers the agreements it is a party to, and what happens at it and at the hospitals it
transfers techniques to (as Party A: an HCMC hospital's review is about its partners' results); a province covers
its facilities and those of the units merged into it (a former province, abolished in 2025, covers its own);
the region covers everything.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from peewee import Case, fn

from hospitaldesk.db.models import (
    Agreement, AgreementEvent, Assessment, CaseLog, Facility, GapAction, Province, RetentionFact, StaffDeparture, TemplateItem,
    Technique,
)
from hospitaldesk.db.rows import date_value, id_text, names_of, raw_rows
from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import _, format_date, format_number, parse_date
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import authority, retention, retention_facts
from hospitaldesk.reports.review_data import (
    AgreementLine, CaseLine, Independence, MonthCases, Period, ReadinessChange, ReviewFigures, ReviewScope, TechniqueStep, TrainingLine,
)
from hospitaldesk.services.case_outcomes import independence_months, sums_by
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.facilities import short_names
from hospitaldesk.services.provinces import province_words, with_predecessors

ENDED_STATUSES = ("accepted", "closed", "terminated")
LONGEST_DAYS = 731  # a review covers half a year, or a year; more is a typing slip


# --- the period and the scope -----------------------------------------------------------------------


def period_of(start: Any, end: Any) -> Period:
    """A checked period from what was typed (dd/mm/yyyy or ISO), both days included."""
    errors = []
    first = start if isinstance(start, dt.date) else parse_date(str(start or "").strip())
    last = end if isinstance(end, dt.date) else parse_date(str(end or "").strip())
    if first is None:
        errors.append(FieldError("start", _("From"), _("Write a date as dd/mm/yyyy, e.g. 01/01/2026.")))
    if last is None:
        errors.append(FieldError("end", _("To"), _("Write a date as dd/mm/yyyy, e.g. 30/06/2026.")))
    if first is not None and last is not None:
        if last < first:
            errors.append(FieldError("end", _("To"), _("The end of the period is before its start.")))
        elif (last - first).days > LONGEST_DAYS:
            errors.append(FieldError("end", _("To"), _("A review covers at most two years.")))
    if errors:
        raise ValidationError(errors)
    assert first is not None and last is not None
    return Period(first, last)


def half_year(day: dt.date) -> Period:
    """The half-year before the one `day` falls in: what the directors' meeting reviews."""
    if day.month <= 6:
        return Period(dt.date(day.year - 1, 7, 1), dt.date(day.year - 1, 12, 31))
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 6, 30))


def _scope_parties(scope: ReviewScope) -> Any:
    """The facilities whose agreements the review counts, as a select of their ids; None: all."""
    if scope.facility:
        return Facility.select(Facility.id).where(Facility.id == parse_id(scope.facility))
    if scope.province:  # the unit and those merged into it, not the one it became: a former province is itself
        return Facility.select(Facility.id).where(Facility.province.in_(with_predecessors(parse_id(scope.province))))
    return None


def _scope_facilities(scope: ReviewScope) -> Any:
    """The facilities whose people, readiness, gaps and cases the review counts: the parties' own, and for one
    hospital also those it transfers techniques to (an HCMC hospital's review is about its partners' results)."""
    parties = _scope_parties(scope)
    if not scope.facility:
        return parties
    facility = parse_id(scope.facility)
    partners = Agreement.select(Agreement.party_b).where(Agreement.party_a == facility, Agreement.deleted == False,  # noqa: E712
                                                         Agreement.status != "draft")
    return Facility.select(Facility.id).where((Facility.id == facility) | Facility.id.in_(partners))


def scope_label(scope: ReviewScope) -> str:
    if scope.facility:
        facility = Facility.get_or_none(Facility.id == parse_id(scope.facility))
        return facility.name if facility else ""
    if scope.province:
        province = Province.get_or_none(Province.id == parse_id(scope.province))
        if province is None:
            return ""
        if province.valid_to is None:
            return province_words(province)
        own, now = province_words(province, as_it_was=True), province_words(province)
        if own == now:  # merged into a new unit of the same name: the old one ended on a date
            return _("{province} (to {date})").format(province=own, date=format_date(province.valid_to))
        return _("{province} (now part of {successor})").format(province=own, successor=now)
    return _("The Mekong Delta region")


# --- the parts ------------------------------------------------------------------------------------


def _mine(facilities: Any) -> Any:
    """The condition on an agreement (joined or selected) that it is live and, with `facilities`, theirs. A
    condition, not a subquery of ids: a region's review then reads the agreements through their own indexes."""
    condition = Agreement.deleted == False  # noqa: E712
    if facilities is not None:
        condition &= Agreement.party_a.in_(facilities) | Agreement.party_b.in_(facilities)
    return condition


def _technique_names(agreement_ids: list[Any]) -> dict[Any, str]:
    """The techniques of each agreement's lines in force, joined by '; ', in the lines' order."""
    from hospitaldesk.services.amendments import techniques_in_force

    found: dict[Any, list[str]] = defaultdict(list)
    lines = techniques_in_force(agreement_ids)
    names = names_of(Technique.id, Technique.name, {technique for _a, technique in lines})
    for agreement, technique in lines:
        found[agreement].append(names.get(technique, ""))
    return {a: "; ".join(n for n in found[a] if n) for a in agreement_ids}


def _agreement_lines(rows: list[tuple[Any, ...]]) -> list[AgreementLine]:
    """rows: (id, number, party_a, party_b, day), in the order to print."""
    parties = short_names({r[2] for r in rows} | {r[3] for r in rows})
    techniques = _technique_names([r[0] for r in rows])
    return [AgreementLine(number, parties.get(a, ""), parties.get(b, ""), techniques.get(agreement, ""), date_value(day))
            for agreement, number, a, b, day in rows]


def agreements_part(figures: ReviewFigures, facilities: Any) -> None:
    period, mine = figures.period, _mine(facilities)
    signed = (Agreement.select(Agreement.id, Agreement.number, Agreement.party_a, Agreement.party_b, Agreement.signed_on)
              .where(mine, Agreement.status != "draft", Agreement.signed_on.between(period.start, period.end))
              .order_by(Agreement.signed_on, Agreement.number))
    figures.signed = _agreement_lines(raw_rows(signed))
    for target, status in ((figures.accepted, "accepted"), (figures.terminated, "terminated")):
        changed = (Agreement.select(Agreement.id, Agreement.number, Agreement.party_a, Agreement.party_b, fn.MIN(AgreementEvent.on_date))
                   .join(AgreementEvent, on=(AgreementEvent.agreement == Agreement.id))
                   .where(mine, AgreementEvent.deleted == False, AgreementEvent.kind == "status",  # noqa: E712
                          AgreementEvent.to_status == status, AgreementEvent.on_date.between(period.start, period.end))
                   .group_by(Agreement.id).order_by(fn.MIN(AgreementEvent.on_date), Agreement.number))
        target.extend(_agreement_lines(raw_rows(changed)))
    ended = (AgreementEvent.select(AgreementEvent.agreement)
             .where(AgreementEvent.deleted == False, AgreementEvent.kind == "status",  # noqa: E712
                    AgreementEvent.to_status.in_(ENDED_STATUSES), AgreementEvent.on_date <= period.end))
    figures.running_at_end = (Agreement.select().where(mine, Agreement.status != "draft",
                                                       Agreement.signed_on <= period.end, Agreement.id.not_in(ended)).count())
    figures.reviews_held = (AgreementEvent.select().join(Agreement, on=(AgreementEvent.agreement == Agreement.id)).where(
        mine, AgreementEvent.deleted == False, AgreementEvent.kind == "review",  # noqa: E712
        AgreementEvent.on_date.between(period.start, period.end)).count())


def techniques_part(figures: ReviewFigures, facilities: Any) -> None:
    """Technique lines reaching independence or accepted in the period (the progress events): each line once per
    step, on the first day it reached it in the period, however often its progress went back and forth. A line
    is known by its agreement and technique (the event names the technique)."""
    period = figures.period
    first_day = fn.MIN(AgreementEvent.on_date)
    rows = raw_rows(AgreementEvent.select(Agreement.number, Agreement.party_b, AgreementEvent.reason, first_day, AgreementEvent.to_status)
                    .join(Agreement, on=(AgreementEvent.agreement == Agreement.id))
                    .where(_mine(facilities), AgreementEvent.deleted == False,  # noqa: E712
                           AgreementEvent.kind == "progress", AgreementEvent.to_status.in_(("independent", "accepted")),
                           AgreementEvent.on_date.between(period.start, period.end))
                    .group_by(AgreementEvent.agreement, AgreementEvent.reason, AgreementEvent.to_status)
                    .order_by(first_day, Agreement.number, AgreementEvent.reason))
    names = short_names({r[1] for r in rows})
    figures.technique_steps = [TechniqueStep(number, names.get(b, ""), technique, date_value(day) or period.start, progress,
                                             terms.label(terms.PROGRESS, progress)) for number, b, technique, day, progress in rows]


def training_part(figures: ReviewFigures, facilities: Any) -> None:
    """From the retention facts (one per person and technique: their first training in it), as retention.py sums
    them. The table counts per technique; the totals count people (someone trained in two techniques is one)."""
    period = figures.period
    retention_facts.refresh()
    working, working_params = retention_facts.on_day(retention_facts.WORKING_ON_DAY, period.end)
    where, params = "f.first = 1 AND f.trained_on <= ?", [period.end.isoformat()]
    if facilities is not None:
        sql, ids = facilities.sql()
        where += f" AND f.facility IN ({sql})"
        params += list(ids)
    # One pass over the facts trained by the end: (person, technique, trained in the period, working at the end),
    # summed here per technique and per person (someone trained in two techniques is one person).
    facts = RetentionFact._meta.database.execute_sql(
        f"SELECT f.staff, f.technique, f.trained_on >= ?, {working} FROM retention_fact f WHERE {where}",
        [period.start.isoformat(), *working_params, *params]).fetchall()
    per_technique: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    in_period: dict[Any, bool] = {}  # person -> working at the end (for those trained in the period)
    everyone: dict[Any, bool] = {}  # person -> working at the end (everyone trained by then)
    for person, technique, recent, working_then in facts:
        everyone[person] = bool(working_then)
        if recent:
            counts = per_technique[technique]
            counts[0] += 1
            counts[1] += bool(working_then)
            in_period[person] = bool(working_then)
    names = names_of(Technique.id, Technique.name, set(per_technique))
    figures.training = sorted((TrainingLine(names.get(t, ""), n, kept) for t, (n, kept) in per_technique.items()),
                              key=lambda line: line.technique)
    figures.trained, figures.retained = len(in_period), sum(in_period.values())
    figures.trained_by_end, figures.working_at_end = len(everyone), sum(everyone.values())
    _departures(figures, facilities)


def _departures(figures: ReviewFigures, facilities: Any) -> None:
    """The people trained before they left who left in the period; each person once, however often they left."""
    period = figures.period
    trained_before = (RetentionFact.select(RetentionFact.staff)
                      .where(RetentionFact.staff == StaffDeparture.staff, RetentionFact.trained_on <= StaffDeparture.left_on))
    if facilities is not None:
        trained_before = trained_before.where(RetentionFact.facility.in_(facilities))
    leaving = StaffDeparture.select(StaffDeparture.id, StaffDeparture.staff, StaffDeparture.destination_kind).where(
        StaffDeparture.deleted == False, fn.EXISTS(trained_before),  # noqa: E712
        StaffDeparture.left_on.between(period.start, period.end))
    left = raw_rows(leaving)
    figures.departures = len({person for _d, person, _kind in left})
    figures.departures_private = len({person for _d, person, kind in left if kind == "private"})
    if left:  # whether a departure broke a commitment: retention's rule, for these departures alone
        broke = retention.departures(since=period.start, until=period.end, ids=leaving.select(StaffDeparture.id))
        figures.departures_breaking = len({d["staff_id"] for d in broke if d["breaks_commitment"]})


def readiness_part(figures: ReviewFigures, facilities: Any) -> None:
    period = figures.period
    final = Assessment.select(Assessment.facility, Assessment.technique, Assessment.assessed_on, Assessment.readiness_index,
                              Assessment.ready).where(Assessment.deleted == False, Assessment.status == "final")  # noqa: E712
    if facilities is not None:
        final = final.where(Assessment.facility.in_(facilities))
    in_period = final.where(Assessment.assessed_on.between(period.start, period.end))
    figures.assessments = in_period.count()
    pairs = {(f, t) for f, t, *_rest in raw_rows(in_period)}
    if not pairs:
        return
    before: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    after: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    assessed_here = in_period.select(Assessment.facility)  # a subquery: a region's facilities would overflow an IN list
    touched = final.where(Assessment.assessed_on <= period.end,
                          Assessment.facility.in_(assessed_here)).order_by(Assessment.assessed_on, Assessment.created_at)
    for facility, technique, day, index, ready in raw_rows(touched):
        if (facility, technique) not in pairs:
            continue
        target = before if date_value(day) < period.start else after  # type: ignore[operator]
        target[(facility, technique)] = (index, bool(ready), date_value(day))
    facility_names = short_names({f for f, _t in pairs})
    technique_names = names_of(Technique.id, Technique.name, {t for _f, t in pairs})
    changes = []
    for key in pairs:
        old, new = before.get(key), after[key]
        changes.append(ReadinessChange(facility_names.get(key[0], ""), technique_names.get(key[1], ""),
                                       old[0] if old else None, old[1] if old else None, new[0], new[1], new[2]))
    figures.readiness = sorted(changes, key=lambda c: (not c.became_ready, c.facility, c.technique))


def gaps_part(figures: ReviewFigures, facilities: Any) -> None:
    """Gap actions of the final assessments made by the end: closed as done in the period (and their cost); open at
    the end (not closed by then; a cancelled one without a closing day never was), overdue then, essential."""
    period = figures.period
    assessed = Assessment.select(Assessment.id).where(Assessment.deleted == False, Assessment.status == "final",  # noqa: E712
                                                      Assessment.assessed_on <= period.end)
    if facilities is not None:
        assessed = assessed.where(Assessment.facility.in_(facilities))
    closed = (GapAction.status == "done") & GapAction.closed_on.between(period.start, period.end)
    still_open = ((GapAction.closed_on.is_null() | (GapAction.closed_on > period.end))
                  & ~((GapAction.status == "cancelled") & GapAction.closed_on.is_null()))

    def count(condition: Any) -> Any:
        return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)

    # One walk of the gap actions for every figure (a region has 40,000 open).
    row = raw_rows(GapAction.select(count(closed), fn.COALESCE(fn.SUM(Case(None, [(closed, GapAction.cost)], 0)), 0), count(still_open),
                                    count(still_open & (GapAction.due < period.end)), count(still_open & (TemplateItem.critical == True)))  # noqa: E712
                   .join(TemplateItem, on=(GapAction.item == TemplateItem.id))
                   .where(GapAction.deleted == False, GapAction.assessment.in_(assessed)))[0]  # noqa: E712
    (figures.gaps_closed, figures.gaps_closed_cost, figures.gaps_open, figures.gaps_overdue,
     figures.gaps_open_critical) = (int(n or 0) for n in row)


def cases_part(figures: ReviewFigures, facilities: Any) -> None:
    months, before = figures.period.months(), figures.period.months_before()
    if not months:
        return  # a period inside one month holds no month's log
    now = {t: row for t, *row in sums_by("technique_id", months[0], months[-1], facilities)}
    earlier = {t: row for t, *row in sums_by("technique_id", before[0], before[-1], facilities)}
    names = names_of(Technique.id, Technique.name, set(now) | set(earlier))
    empty = [0, 0, 0, 0, 0]

    def line(technique: Any) -> CaseLine:
        facilities_logging, supported, independent, referred, logs = (int(n or 0) for n in now.get(technique, empty))
        before_referred, before_logs = (int(n or 0) for n in earlier.get(technique, empty)[3:])
        return CaseLine(names.get(technique, ""), facilities_logging, supported, independent, referred, before_referred, logs,
                        before_logs)

    figures.cases = sorted((line(t) for t in set(now) | set(earlier)), key=lambda c: c.technique)
    per_month = {date_value(m): row for m, _f, *row in sums_by("month", months[0], months[-1], facilities)}
    figures.case_months = [MonthCases(m, *(int(n or 0) for n in per_month.get(m, (0, 0, 0, 0)))) for m in months]
    _independence(figures, facilities, months)


def _independence(figures: ReviewFigures, facilities: Any, months: list[dt.date]) -> None:
    """The facility-technique pairs whose independence month (case_outcomes' rule, over every month logged up to
    the period's last month) is one of the period's months."""
    reached = [(pair, month) for pair, month in independence_months(months[-1], facilities).items() if months[0] <= month]
    facility_names = short_names({k[0] for k, _m in reached})
    technique_names = names_of(Technique.id, Technique.name, {k[1] for k, _m in reached})
    figures.independence = sorted((Independence(facility_names.get(k[0], ""), technique_names.get(k[1], ""), m) for k, m in reached),
                                  key=lambda x: (x.month, x.facility, x.technique))


def _per_month(value: float | None) -> str:
    return "—" if value is None else format_number(value)


def total_lines(f: ReviewFigures) -> list[tuple[str, str]]:
    """The headline figures as (label, value) lines: the CLI prints them, the screen and the workbook show them."""
    referred = sum(c.referred for c in f.cases)
    referred_before = sum(c.referred_before for c in f.cases)
    months, months_before = sum(c.months for c in f.cases), sum(c.months_before for c in f.cases)
    lines: list[tuple[str, int | str]] = [
        (_("Agreements signed"), len(f.signed)),
        (_("Agreements accepted"), len(f.accepted)),
        (_("Agreements terminated"), len(f.terminated)),
        (_("Agreements running at the end of the period"), f.running_at_end),
        (_("6-monthly reviews held"), f.reviews_held),
        (_("Techniques performed independently"), f.techniques_independent),
        (_("Techniques accepted"), f.techniques_accepted),
        (_("Staff trained in the period"), f.trained),
        (_("… of them still working at the end"), f.retained),
        (_("Trained staff working at the end / all trained"), f"{format_number(f.working_at_end)}/{format_number(f.trained_by_end)}"),
        (_("Trained staff who left"), f.departures),
        (_("… breaking their commitment to serve"), f.departures_breaking),
        (_("… to a private hospital"), f.departures_private),
        (_("Readiness assessments"), f.assessments),
        (_("Techniques that became ready"), f.became_ready),
        (_("Gaps closed"), f.gaps_closed),
        (_("Gaps open at the end (overdue)"), f"{format_number(f.gaps_open)} ({format_number(f.gaps_overdue)})"),
        (_("Cases with support"), sum(c.with_support for c in f.cases)),
        (_("Cases done independently"), sum(c.independent for c in f.cases)),
        (_("Techniques now done independently (case logs)"), len(f.independence)),
        (_("Patients referred to HCMC (the period before)"), f"{format_number(referred)} ({format_number(referred_before)})"),
        (_("Referred per logged month (the period before)"), "{now} ({before})".format(
            now=_per_month(round(referred / months, 2) if months else None),
            before=_per_month(round(referred_before / months_before, 2) if months_before else None))),
    ]
    return [(label, value if isinstance(value, str) else format_number(value)) for label, value in lines]


def compile_review(period: Period, scope: ReviewScope | None = None) -> ReviewFigures:
    """Every figure of the review for the period and the scope."""
    authority.require("read")
    scope = scope or ReviewScope()
    parties, facilities = _scope_parties(scope), _scope_facilities(scope)
    figures = ReviewFigures(period, period.previous(), scope, scope_label(scope))
    agreements_part(figures, parties)
    techniques_part(figures, parties)
    for part in (training_part, readiness_part, gaps_part, cases_part):
        part(figures, facilities)
    return figures

