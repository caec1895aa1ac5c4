"""Did a transfer work? From a facility's case logs of one technique: when it started doing cases, when
it reached independence, and whether fewer patients went to HCMC after the transfer began.

The rules, as a director would check them by hand:
- first month: the first logged month with any case done (with support or independently);
- independence reached: the first month in which the cases done independently were at least the
  cases done with support, and at least one (a month with no case at all proves nothing);
- transfer start: the month the earliest technique line of an agreement (not a draft) with this
  facility as Party B starts; with no such agreement, the first month;
- referrals before / after: patients referred to HCMC in the logged months before the transfer
  start, and from it on, in total and per logged month (a month without a log is unknown, not zero;
  the two periods differ in length, so it is the monthly figures that are compared).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from hospitaldesk.db.connection import database
from hospitaldesk.db.models import Agreement, CaseLog, Facility, Technique
from hospitaldesk.db.rows import date_value
from hospitaldesk.services import authority
from hospitaldesk.services.amendments import lines_in_force
from hospitaldesk.services.case_logs import month_label
from hospitaldesk.services.catalog import parse_id


@dataclass(frozen=True)
class MonthCount:
    month: dt.date  # its first day
    with_support: int
    independent: int
    referred: int


@dataclass(frozen=True)
class Referrals:
    months: int  # logged months in the period
    total: int

    @property
    def per_month(self) -> float | None:
        return round(self.total / self.months, 2) if self.months else None


@dataclass(frozen=True)
class Summary:
    first_month: dt.date | None
    independence_month: dt.date | None
    transfer_start: dt.date | None
    start_from_agreement: bool  # False: the first month stands in for it
    with_support: int  # totals over every logged month
    independent: int
    referred: int
    before: Referrals
    after: Referrals

    @property
    def referrals_falling(self) -> bool | None:
        """Fewer referrals per month after the start than before; None when either period has no log."""
        if self.before.per_month is None or self.after.per_month is None:
            return None
        return self.after.per_month < self.before.per_month


def summarise(months: list[MonthCount], agreement_start: dt.date | None = None) -> Summary:
    """The indicators of one facility and technique from its months (any order)."""
    ordered = sorted(months, key=lambda m: m.month)
    first = next((m.month for m in ordered if m.with_support + m.independent > 0), None)
    independence = next((m.month for m in ordered if m.independent > 0 and m.independent >= m.with_support), None)
    start = agreement_start.replace(day=1) if agreement_start else first
    before = [m for m in ordered if start is None or m.month < start]
    after = [m for m in ordered if start is not None and m.month >= start]
    return Summary(
        first_month=first, independence_month=independence, transfer_start=start, start_from_agreement=agreement_start is not None,
        with_support=sum(m.with_support for m in ordered), independent=sum(m.independent for m in ordered),
        referred=sum(m.referred for m in ordered),
        before=Referrals(len(before), sum(m.referred for m in before)), after=Referrals(len(after), sum(m.referred for m in after)),
    )


def agreement_start(facility_id: uuid.UUID, technique_id: uuid.UUID) -> dt.date | None:
    """The earliest start of a line transferring the technique to the facility, in an agreement past its draft."""
    starts = [line.start for agreement in Agreement.live().where(Agreement.party_b == facility_id, Agreement.status != "draft")
              for line in lines_in_force(agreement.id) if line.technique_id == technique_id and line.start]
    return min(starts) if starts else None


def _among(column: str, ids: Any) -> tuple[str, list[Any]]:
    """` AND column IN (…)` for ids given as a select or as UUIDs; nothing for None."""
    if ids is None:
        return "", []
    sql, params = ids.sql() if hasattr(ids, "sql") else (", ".join("?" * len(ids)) or "NULL", [i.hex for i in ids])
    return f" AND {column} IN ({sql})", list(params)


def _live_logs(first: dt.date, last: dt.date, facilities: Any, techniques: Any = None) -> tuple[str, list[Any]]:
    """A WHERE for the live case logs of the months first..last (and the facilities and techniques given), of two
    rows for one facility, technique and month the one changed last (as month_counts); and its parameters.
    Such twins (entered at two sites before a sync) are rare, and triggers note their months as they are made
    (migration 17): each noted month of the range is looked up, and the rows that lose are left out by id, so
    the sums read the month index alone (grouping every row to find the twins took 70 ms for the region)."""
    where, params = "month BETWEEN ? AND ?", [first.isoformat(), last.isoformat()]
    for column, ids in (("facility_id", facilities), ("technique_id", techniques)):
        sql, more = _among(column, ids)
        where += sql
        params += more
    twins = database.execute_sql(f"SELECT facility_id, technique_id, month FROM case_log_twin WHERE {where}", params).fetchall()
    where = "deleted = 0 AND " + where
    losers: list[Any] = []
    for facility, technique, month in twins:
        rows = database.execute_sql("SELECT id FROM case_log WHERE deleted = 0 AND facility_id = ? AND technique_id = ? AND month = ? "
                                    "ORDER BY updated_at, id", [facility, technique, month]).fetchall()
        losers += [row[0] for row in rows[:-1]]
    if losers:
        where += f" AND id NOT IN ({', '.join('?' * len(losers))})"
        params += losers
    return where, params


def sums_by(key: str, first: dt.date, last: dt.date, facilities: Any = None, techniques: Any = None,
            facilities_logging: bool = True) -> list[tuple[Any, ...]]:
    """Per technique (`key` "technique_id") or per month ("month"): facilities logging (0 when not
    `facilities_logging`: counting them distinct costs a third of a region's sums), cases with support,
    independently, referred to HCMC, logs; over the months first..last, summed in SQLite."""
    assert key in ("technique_id", "month")
    where, params = _live_logs(first, last, facilities, techniques)
    logging = "COUNT(DISTINCT facility_id)" if facilities_logging else "0"
    return database.execute_sql(
        f"SELECT {key}, {logging}, SUM(cases_with_support), SUM(cases_independent), SUM(referred_to_hcmc), "
        f"COUNT(*) FROM case_log WHERE {where} GROUP BY {key}", params).fetchall()


def independence_months(last: dt.date, facilities: Any = None) -> dict[tuple[Any, Any], dt.date]:
    """(facility, technique) -> the month independence was reached (summarise's rule: the first month with
    independent cases, at least the supported ones and at least one), over the months up to `last`, for the
    facilities given (a select of ids; None: all). Stored ids, as raw rows give them. In SQL: a region's
    100,000 logs stay in SQLite; of two live rows for one month, the one changed last counts (_live_logs)."""
    where, params = _live_logs(dt.date(1900, 1, 1), last, facilities)
    rows = database.execute_sql(
        f"SELECT facility_id, technique_id, MIN(month) FROM case_log WHERE {where} AND cases_independent > 0 "
        "AND cases_independent >= cases_with_support GROUP BY facility_id, technique_id", params).fetchall()
    return {(facility, technique): date_value(month) or last for facility, technique, month in rows}


def month_counts(facility_id: uuid.UUID, technique_id: uuid.UUID) -> list[MonthCount]:
    """The logged months. Two live rows for one month (entered at two sites before a sync) count once:
    the one changed last."""
    by_month: dict[dt.date, MonthCount] = {}
    rows = (CaseLog.live().where(CaseLog.facility == facility_id, CaseLog.technique == technique_id)
            .order_by(CaseLog.updated_at))
    for row in rows:
        by_month[row.month] = MonthCount(row.month, row.cases_with_support, row.cases_independent, row.referred_to_hcmc)
    return list(by_month.values())


def outcome(facility_id: str | uuid.UUID, technique_id: str | uuid.UUID) -> dict[str, Any]:
    """The indicators and the months of one facility and technique, as plain data (the CLI prints it as JSON)."""
    authority.require("read")
    facility, technique = Facility.get_by_id(parse_id(facility_id)), Technique.get_by_id(parse_id(technique_id))
    months = sorted(month_counts(facility.id, technique.id), key=lambda m: m.month)
    summary = summarise(months, agreement_start(facility.id, technique.id))

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat()[:7] if day else None

    return {
        "facility": facility.name, "facility_code": facility.code, "technique": technique.name, "technique_code": technique.code,
        "first_month": iso(summary.first_month), "independence_month": iso(summary.independence_month),
        "transfer_start": iso(summary.transfer_start), "start_from_agreement": summary.start_from_agreement,
        "cases_with_support": summary.with_support, "cases_independent": summary.independent, "referred_to_hcmc": summary.referred,
        "referrals_before": {**asdict(summary.before), "per_month": summary.before.per_month},
        "referrals_after": {**asdict(summary.after), "per_month": summary.after.per_month},
        "referrals_falling": summary.referrals_falling,
        "months": [{"month": iso(m.month), "label": month_label(m.month), "cases_with_support": m.with_support,
                    "cases_independent": m.independent, "referred_to_hcmc": m.referred} for m in months],
    }


def outcomes(facility_id: str | uuid.UUID, technique_id: str | uuid.UUID | None = None) -> list[dict[str, Any]]:
    """One outcome per technique the facility logged cases for (or the one asked for), by technique name."""
    authority.require("read")
    facility = parse_id(facility_id)
    if technique_id:
        return [outcome(facility, technique_id)]
    logged = (Technique.select(Technique.id).join(CaseLog, on=(CaseLog.technique == Technique.id))
              .where(CaseLog.facility == facility, CaseLog.deleted == False)  # noqa: E712
              .distinct().order_by(Technique.search_key))
    return [outcome(facility, t.id) for t in logged]
