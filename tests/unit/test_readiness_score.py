"""services/readiness_score.py: the rules that decide "ready"."""
from __future__ import annotations

import pytest

from hospitaldesk.services.readiness_score import ScoredItem, score


def item(domain: str, answer: str, **kw: object) -> ScoredItem:
    return ScoredItem(domain=domain, answer=answer, key=kw.pop("key", f"{domain}-{answer}"), **kw)  # type: ignore[arg-type]


ALL_YES = [item(d, "yes", key=d) for d in ("equipment", "infrastructure", "human_resources", "medicines_supplies", "procedures")]


def test_everything_available_is_ready_at_100() -> None:
    result = score(ALL_YES, 0.8)
    assert result.index == 1.0 and result.ready and result.missing == []


def test_a_missing_critical_item_blocks_readiness_whatever_the_index() -> None:
    items = [*ALL_YES * 4, item("human_resources", "no", critical=True, key="nurse")]
    result = score(items, 0.8)
    assert result.index is not None and result.index > 0.9
    assert not result.ready and result.critical_missing == ["nurse"]


def test_partly_counts_half_and_is_missing_for_a_critical_item() -> None:
    result = score([item("equipment", "yes", key="a"), item("equipment", "partly", critical=True, key="b")], 0.5)
    assert result.domains["equipment"] == 0.75
    assert result.critical_missing == ["b"] and not result.ready


def test_not_applicable_leaves_the_denominator() -> None:
    result = score([item("equipment", "yes"), item("equipment", "na", key="x"), item("equipment", "no", key="y")], 0.8)
    assert result.domains["equipment"] == 0.5


def test_a_domain_with_only_not_applicable_items_is_left_out_of_the_index() -> None:
    result = score([item("equipment", "yes"), item("procedures", "na")], 0.8)
    assert result.domains["procedures"] is None and result.index == 1.0


def test_weights_count() -> None:
    result = score([item("equipment", "yes", weight=3, key="a"), item("equipment", "no", weight=1, key="b")], 0.8)
    assert result.domains["equipment"] == 0.75


def test_the_index_is_the_mean_of_the_domains() -> None:
    items = [item("equipment", "yes"), item("infrastructure", "no", key="i"), item("infrastructure", "yes", key="j")]
    assert score(items, 0.8).index == pytest.approx(0.75)


def test_fewer_found_than_required_is_partly() -> None:
    result = score([item("equipment", "yes", quantity_required=4, quantity_found=2, critical=True, key="vent")], 0.5)
    assert result.domains["equipment"] == 0.5 and result.critical_missing == ["vent"]


def test_an_unanswered_item_counts_as_missing_and_blocks_the_verdict() -> None:
    result = score([*ALL_YES, item("equipment", "", key="q")], 0.5)
    assert result.unanswered == 1 and not result.ready and "q" in result.missing


def test_the_threshold_is_inclusive() -> None:
    items = [item("equipment", "yes", key=str(n)) for n in range(4)] + [item("equipment", "no", key="n")]
    assert score(items, 0.8).ready and not score(items, 0.81).ready


def test_nothing_applicable_has_no_index_and_is_not_ready() -> None:
    result = score([item("equipment", "na")], 0.8)
    assert result.index is None and not result.ready
