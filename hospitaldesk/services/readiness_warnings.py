"""Training running ahead of readiness: the articles' second problem, made visible.

A technique line is "at stake" when its agreement is signed or running (or still a
draft with training planned), and its training has not finished yet. It is flagged
when the receiving facility's latest finalised assessment for that technique is
missing or not "ready".
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple, cast

from hospitaldesk.db.connection import database
from hospitaldesk.db.migrations import WATCHED_LINES_WHERE
from hospitaldesk.db.models import Agreement, AgreementTechnique, Amendment, Assessment, Facility, Technique
from hospitaldesk.db.rows import date_value
from hospitaldesk.i18n import _, format_date, ngettext
from hospitaldesk.services.readiness_terms import percent

WATCHED_STATUSES = ("draft", "signed", "in_progress")
WATCHED_PROGRESS = ("not_started", "training")  # once performing, readiness is proven in practice


class _Line(NamedTuple):
    """A watched technique line: what the flags and the warnings need of it."""

    agreement_id: uuid.UUID
    technique_id: uuid.UUID
    position: int


class _Latest(NamedTuple):
    """What the warnings say of the latest finalised assessment."""

    assessed_on: dt.date
    readiness_index: float | None
    ready: bool
    critical_missing: int


def _lines_in_force(agreement_ids: list[uuid.UUID]) -> list[_Line]:
    """The watched lines of many agreements (the list shows a hundred at once), found through the
    agreement's index. Whether a line's amendment is signed is checked here: written in SQL as
    `amendment IS NULL OR amendment IN (signed ones)`, it led SQLite to walk every original line
    through the amendment index (30 ms a page on 48,000 lines; tests/bench section f)."""
    if not agreement_ids:
        return []
    line = AgreementTechnique
    rows = list(cast(Iterable[tuple[Any, ...]], line.select(
        line.id, line.agreement, line.technique, line.position, line.amendment, line.replaces, line.progress,
    ).where(line.agreement.in_(agreement_ids), line.deleted == False).tuples()))  # noqa: E712
    amendments = list({row[4] for row in rows if row[4] is not None})
    signed = {a.id for a in Amendment.select(Amendment.id).where(
        Amendment.id.in_(amendments), Amendment.status == "signed", Amendment.deleted == False)} if amendments else set()  # noqa: E712
    in_force = [row for row in rows if row[4] is None or row[4] in signed]
    replaced = {row[5] for row in in_force if row[5] is not None}
    return [_Line(row[1], row[2], row[3]) for row in in_force if row[0] not in replaced and row[6] in WATCHED_PROGRESS]


# Which finalised assessment is a facility's latest for a technique: the newest by date, then the one made
# last, then (two made in the same instant) the larger id. Read through migration 13's index, in its order.
LATEST_ORDER = "assessed_on DESC, created_at DESC, id DESC"


def latest_assessments(pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> dict[tuple[uuid.UUID, uuid.UUID], _Latest]:
    """The latest finalised assessment of each (facility, technique): one query, the first row of each
    pair in LATEST_ORDER (a window over the pairs' assessments, walked through their index)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    facilities = sorted({f.hex for f, _t in wanted})
    techniques = sorted({t.hex for _f, t in wanted})
    table = Assessment._meta.table_name
    sql = (f"SELECT facility_id, technique_id, assessed_on, readiness_index, ready, critical_missing FROM ("
           f"SELECT *, ROW_NUMBER() OVER (PARTITION BY facility_id, technique_id ORDER BY {LATEST_ORDER}) AS n FROM {table} "
           f"WHERE facility_id IN ({', '.join('?' * len(facilities))}) AND technique_id IN ({', '.join('?' * len(techniques))}) "
           "AND status = 'final' AND deleted = 0) WHERE n = 1")
    latest: dict[tuple[uuid.UUID, uuid.UUID], _Latest] = {}
    for facility, technique, assessed_on, index, ready, critical_missing in database.execute_sql(sql, [*facilities, *techniques]).fetchall():
        key = (uuid.UUID(facility), uuid.UUID(technique))
        if key in wanted:
            day = date_value(assessed_on)
            assert day is not None  # a NOT NULL column
            latest[key] = _Latest(day, index, bool(ready), critical_missing)
    return latest


def _not_ready_sql(agreements: str, techniques: str = "") -> str:
    """The watched lines in force of `agreements` (SQL selecting id, party_b_id and number of the agreements
    to look at, already narrowed to WATCHED_STATUSES) whose receiving facility's latest finalised assessment
    for the technique is missing or not ready: agreement, facility, technique, the agreement's number.
    `techniques`: SQL selecting the technique ids to keep; empty: all.

    What _lines_in_force and latest_assessments do for a page, in one statement for a region: the lines
    through their covering index (migration 13), a line's amendment must be signed, a line a line in force
    replaces is out (a replacing line belongs to the same agreement: amendments.py; `> ''` is "not null"
    as a range of the replaces index, ids are never empty), and the latest assessment is one probe of its
    index per line. Parameters: the agreements' own, then the techniques'."""
    lines, amendments = AgreementTechnique._meta.table_name, Amendment._meta.table_name
    signed = f"SELECT m.id FROM {amendments} m WHERE m.status = 'signed' AND m.deleted = 0"
    latest_ready = (f"SELECT x.ready FROM {Assessment._meta.table_name} x WHERE x.facility_id = a.party_b_id "
                    f"AND x.technique_id = l.technique_id AND x.status = 'final' AND x.deleted = 0 "
                    f"ORDER BY {', '.join('x.' + part for part in LATEST_ORDER.split(', '))} LIMIT 1")
    # The watched lines' partial index (migration 13) is used when its WHERE is named word for word.
    return (f"SELECT a.id, a.party_b_id, l.technique_id, a.number FROM ({agreements}) a "
            f"JOIN (SELECT * FROM {lines} WHERE {WATCHED_LINES_WHERE}) l ON l.agreement_id = a.id WHERE TRUE "
            # Not a condition SQLite drives the query by (the specialty's thousands of techniques): a list checked per line.
            + (f"AND CASE WHEN l.technique_id IN ({techniques}) THEN 1 ELSE 0 END = 1 " if techniques else "") +
            f"AND (l.amendment_id IS NULL OR l.amendment_id IN ({signed})) "
            f"AND l.id NOT IN (SELECT r.replaces_id FROM {lines} r WHERE r.replaces_id > '' AND r.deleted = 0 "
            f"AND CASE WHEN r.amendment_id IS NULL THEN 1 ELSE r.amendment_id IN ({signed}) END) "
            f"AND COALESCE(({latest_ready}), 0) = 0")


def _statement(agreements: Any, techniques: Any) -> tuple[str, list[Any]]:
    sql, params = agreements.sql()
    among, among_params = techniques.sql() if techniques is not None else ("", [])
    return _not_ready_sql(sql, among), [*params, *among_params]


def not_ready_rows(agreements: Any, techniques: Any = None) -> list[tuple[Any, ...]]:
    """Raw rows (stored ids: agreement, facility, technique; the agreement's number) of the lines not (yet)
    assessed as ready among `agreements`: a Peewee select of Agreement.id, Agreement.party_b and
    Agreement.number, narrowed to WATCHED_STATUSES by the caller; `techniques`: a select of the technique
    ids to keep (None: all)."""
    sql, params = _statement(agreements, techniques)
    return list(database.execute_sql(sql, params).fetchall())


def not_ready_first(agreements: Any, techniques: Any, first: int) -> tuple[int, list[tuple[Any, ...]]]:
    """How many rows not_ready_rows() has, and those of the `first` smallest agreement numbers (with every
    line of the last number among them): what a list in number order shows, without carrying a region's
    20,000 lines to Python. The lines are found once (a materialised CTE), then counted and cut."""
    sql, params = _statement(agreements, techniques)
    cut = "SELECT number FROM nr ORDER BY number LIMIT 1 OFFSET ?"
    rows = database.execute_sql(
        f"WITH nr AS MATERIALIZED ({sql}) SELECT (SELECT COUNT(*) FROM nr), nr.* FROM nr "
        f"WHERE nr.number <= COALESCE(({cut}), (SELECT MAX(number) FROM nr))", [*params, max(first, 1) - 1]).fetchall()
    return (rows[0][0] if rows else 0), [row[1:] for row in rows]


class NotReadyLine(NamedTuple):
    """A watched line whose receiving facility is not (yet) assessed as ready; `latest` None: never assessed."""

    agreement_id: uuid.UUID
    facility_id: uuid.UUID
    technique_id: uuid.UUID
    latest: _Latest | None


def not_ready_lines(agreement_ids: list[uuid.UUID]) -> list[NotReadyLine]:
    """The lines of these agreements that train a technique at a facility not (yet) assessed as ready."""
    if not agreement_ids:
        return []
    # The status is checked here: `status IN (...)` in SQL made SQLite walk the status index over
    # thousands of agreements rather than fetch the hundred by primary key.
    watched = [agreement for agreement, status in cast(Iterable[tuple[Any, ...]], Agreement.select(
        Agreement.id, Agreement.status).where(Agreement.id.in_(agreement_ids)).tuples()) if status in WATCHED_STATUSES]
    if not watched:
        return []
    rows = [(uuid.UUID(a), uuid.UUID(f), uuid.UUID(t)) for a, f, t, _number in not_ready_rows(
        Agreement.select(Agreement.id, Agreement.party_b, Agreement.number).where(Agreement.id.in_(watched)))]
    latest = latest_assessments((facility, technique) for _a, facility, technique in rows)
    return [NotReadyLine(agreement, facility, technique, latest.get((facility, technique))) for agreement, facility, technique in rows]


def flagged_agreements(agreement_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these agreements train a technique at a facility not (yet) assessed as ready."""
    return {line.agreement_id for line in not_ready_lines(agreement_ids)}


def warnings_for(agreement_id: uuid.UUID) -> list[str]:
    """Sentences for the agreement's panel and its draft's print: one per technique not ready."""
    agreement = Agreement.get_by_id(agreement_id)
    if agreement.status not in WATCHED_STATUSES:
        return []
    facility = Facility.get_by_id(agreement.party_b_id)
    lines = _lines_in_force([agreement.id])
    latest = latest_assessments((facility.id, line.technique_id) for line in lines)
    messages = []
    for line in sorted(lines, key=lambda line: line.position):
        technique = Technique.get_by_id(line.technique_id)
        found = latest.get((facility.id, line.technique_id))
        if found is None:
            messages.append(_("{facility} has no finalised readiness assessment for {technique}: check equipment and staff before training starts.").format(
                facility=facility.name, technique=technique.name))
        elif not found.ready:
            messages.append(ngettext(
                "{facility} is not ready for {technique} (assessment of {date}: index {index}, {count} critical item missing).",
                "{facility} is not ready for {technique} (assessment of {date}: index {index}, {count} critical items missing).",
                found.critical_missing).format(facility=facility.name, technique=technique.name, date=format_date(found.assessed_on),
                                               index=percent(found.readiness_index), count=found.critical_missing))
    return messages
