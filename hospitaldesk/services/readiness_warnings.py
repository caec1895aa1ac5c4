"""Training running ahead of readiness: the articles' second problem, made visible.

A technique line is "at stake" when its agreement is signed or running (or still a
draft with training planned), and its training has not finished yet. It is flagged
when the receiving facility's latest finalised assessment for that technique is
missing or not "ready".
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from hospitaldesk.db.models import Agreement, AgreementTechnique, Amendment, Assessment, Facility, Technique
from hospitaldesk.i18n import _, format_date, ngettext
from hospitaldesk.services.readiness_terms import percent

WATCHED_STATUSES = ("draft", "signed", "in_progress")
WATCHED_PROGRESS = ("not_started", "training")  # once performing, readiness is proven in practice


def _lines_in_force(agreement_ids: list[uuid.UUID]) -> list[AgreementTechnique]:
    """The watched lines of many agreements in two queries (the list shows a hundred at once)."""
    signed = Amendment.select(Amendment.id).where(Amendment.status == "signed", Amendment.deleted == False)  # noqa: E712
    lines = list(
        AgreementTechnique.select()
        .where(AgreementTechnique.agreement.in_(agreement_ids), AgreementTechnique.deleted == False,  # noqa: E712
               AgreementTechnique.amendment.is_null() | AgreementTechnique.amendment.in_(signed))
    )
    replaced = {line.replaces_id for line in lines if line.replaces_id}
    return [line for line in lines if line.id not in replaced and line.progress in WATCHED_PROGRESS]


def _latest(pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> dict[tuple[uuid.UUID, uuid.UUID], Assessment]:
    """The latest finalised assessment of each (facility, technique)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    facilities = {f for f, _t in wanted}
    techniques = {t for _f, t in wanted}
    latest: dict[tuple[uuid.UUID, uuid.UUID], Assessment] = {}
    rows = (Assessment.select(Assessment.id, Assessment.facility, Assessment.technique, Assessment.assessed_on,
                              Assessment.readiness_index, Assessment.ready, Assessment.critical_missing)
            .where(Assessment.facility.in_(list(facilities)), Assessment.technique.in_(list(techniques)),
                   Assessment.status == "final", Assessment.deleted == False)  # noqa: E712
            .order_by(Assessment.assessed_on, Assessment.created_at))
    for row in rows:
        key = (row.facility_id, row.technique_id)
        if key in wanted:
            latest[key] = row  # ordered oldest first: the last one wins
    return latest


def flagged_agreements(agreement_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these agreements train a technique at a facility not (yet) assessed as ready."""
    agreements = {a.id: a for a in Agreement.select(Agreement.id, Agreement.party_b, Agreement.status)
                  .where(Agreement.id.in_(agreement_ids), Agreement.status.in_(WATCHED_STATUSES))}
    lines = _lines_in_force(list(agreements))
    latest = _latest((agreements[line.agreement_id].party_b_id, line.technique_id) for line in lines)
    flagged = set()
    for line in lines:
        found = latest.get((agreements[line.agreement_id].party_b_id, line.technique_id))
        if found is None or not found.ready:
            flagged.add(line.agreement_id)
    return flagged


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
