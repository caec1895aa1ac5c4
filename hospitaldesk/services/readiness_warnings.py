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

from hospitaldesk.db.models import Agreement, AgreementTechnique, Amendment, Assessment, Facility, Technique
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


def _latest(pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> dict[tuple[uuid.UUID, uuid.UUID], _Latest]:
    """The latest finalised assessment of each (facility, technique)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    facilities = {f for f, _t in wanted}
    techniques = {t for _f, t in wanted}
    latest: dict[tuple[uuid.UUID, uuid.UUID], _Latest] = {}
    rows = (Assessment.select(Assessment.facility, Assessment.technique, Assessment.assessed_on,
                              Assessment.readiness_index, Assessment.ready, Assessment.critical_missing)
            .where(Assessment.facility.in_(list(facilities)), Assessment.technique.in_(list(techniques)),
                   Assessment.status == "final", Assessment.deleted == False)  # noqa: E712
            .order_by(Assessment.assessed_on, Assessment.created_at).tuples())
    for facility, technique, assessed_on, index, ready, critical_missing in cast(Iterable[tuple[Any, ...]], rows):
        key = (facility, technique)
        if key in wanted:
            latest[key] = _Latest(assessed_on, index, bool(ready), critical_missing)  # oldest first: the last one wins
    return latest


class NotReadyLine(NamedTuple):
    """A watched line whose receiving facility is not (yet) assessed as ready; `latest` None: never assessed."""

    agreement_id: uuid.UUID
    facility_id: uuid.UUID
    technique_id: uuid.UUID
    latest: _Latest | None


def not_ready_lines(agreement_ids: list[uuid.UUID]) -> list[NotReadyLine]:
    """The lines of these agreements that train a technique at a facility not (yet) assessed as ready."""
    # The status is checked here: `status IN (...)` in SQL made SQLite walk the status index over
    # thousands of agreements rather than fetch the hundred by primary key.
    receivers = {agreement: party_b for agreement, party_b, status in cast(Iterable[tuple[Any, ...]], Agreement.select(
        Agreement.id, Agreement.party_b, Agreement.status).where(Agreement.id.in_(agreement_ids)).tuples())
        if status in WATCHED_STATUSES}
    lines = _lines_in_force(list(receivers))
    latest = _latest((receivers[line.agreement_id], line.technique_id) for line in lines)
    found = []
    for line in lines:
        facility = receivers[line.agreement_id]
        assessed = latest.get((facility, line.technique_id))
        if assessed is None or not assessed.ready:
            found.append(NotReadyLine(line.agreement_id, facility, line.technique_id, assessed))
    return found


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
    latest = _latest((facility.id, line.technique_id) for line in lines)
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
