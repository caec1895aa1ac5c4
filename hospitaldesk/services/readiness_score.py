"""Scoring a readiness assessment: pure functions over plain items, no database.

- An item's credit: available and working 1, partly ½, not available (or not answered) 0;
  "not applicable" leaves it out of its domain's count. A "yes" with fewer found than
  required counts as partly (two ventilators where four are needed are not "available").
- A domain's score: the weighted share of credit over its applicable items; none when
  every item is not applicable.
- The readiness index: the mean of the domain scores (WHO SARA's readiness index).
- The verdict: ready only when every item is answered, the index reaches the threshold,
  and no critical item is missing (partly counts as missing for a critical item).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hospitaldesk.services.readiness_terms import CREDIT, DOMAINS


@dataclass(frozen=True)
class ScoredItem:
    domain: str
    answer: str  # yes | partly | no | na | "" (not answered)
    weight: int = 1
    critical: bool = False
    quantity_required: int = 1
    quantity_found: int | None = None
    key: str = ""  # the item's id, to name it in the result


@dataclass(frozen=True)
class Score:
    domains: dict[str, float | None]  # in DOMAINS order; None: nothing applicable
    index: float | None
    ready: bool
    critical_missing: list[str] = field(default_factory=list)  # keys of critical items missing
    missing: list[str] = field(default_factory=list)  # keys of every item not fully available
    unanswered: int = 0


def effective_answer(item: ScoredItem) -> str:
    if item.answer == "yes" and item.quantity_found is not None and item.quantity_found < item.quantity_required:
        return "partly"
    return item.answer


def score(items: list[ScoredItem], threshold: float) -> Score:
    weights: dict[str, float] = {}
    credits: dict[str, float] = {}
    critical_missing: list[str] = []
    missing: list[str] = []
    unanswered = 0
    for item in items:
        answer = effective_answer(item)
        if answer == "na":
            continue
        if answer == "":
            unanswered += 1
        weight = max(0, item.weight)
        weights[item.domain] = weights.get(item.domain, 0.0) + weight
        credits[item.domain] = credits.get(item.domain, 0.0) + weight * CREDIT.get(answer, 0.0)
        if answer != "yes":
            missing.append(item.key)
            if item.critical:
                critical_missing.append(item.key)
    domains: dict[str, float | None] = {}
    for domain in [*DOMAINS, *sorted(set(weights) - set(DOMAINS))]:
        total = weights.get(domain, 0.0)
        domains[domain] = credits[domain] / total if total > 0 else None
    present = [value for value in domains.values() if value is not None]
    index = sum(present) / len(present) if present else None
    ready = index is not None and index + 1e-9 >= threshold and not critical_missing and unanswered == 0
    return Score(domains, index, ready, critical_missing, missing, unanswered)
