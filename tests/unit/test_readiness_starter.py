"""The shipped starter checklists (assets/reference/readiness_templates.json): one per technique
in the reference catalogue, every domain covered, and every item valid by the editor's own rules."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.resources import reference_dir
from hospitaldesk.services import readiness_templates, readiness_terms
from tests.unit.conftest import technique_id


def shipped() -> dict[str, Any]:
    return json.loads((reference_dir() / "readiness_templates.json").read_text(encoding="utf-8"))


def catalogue_codes() -> list[str]:
    data = json.loads((reference_dir() / "techniques.json").read_text(encoding="utf-8"))
    return [row["code"] for row in data["techniques"]]


def test_every_technique_of_the_catalogue_has_exactly_one_starter_checklist() -> None:
    templates = [t["technique"] for t in shipped()["templates"]]
    assert sorted(templates) == sorted(catalogue_codes())


@pytest.mark.parametrize("template", shipped()["templates"], ids=lambda t: t["technique"])
def test_a_starter_checklist_covers_every_domain_with_sound_items(template: dict[str, Any]) -> None:
    data = shipped()
    items = template["items"]
    assert {item["domain"] for item in items} == set(readiness_terms.DOMAINS)
    assert len({item["code"] for item in items}) == len(items), "item codes repeat"
    assert any(item["critical"] for item in items), "nothing is critical: nothing could block readiness"
    for item in items:
        assert item["text"] == unicodedata.normalize("NFC", item["text"])
        assert isinstance(item["quantity"], int) and item["quantity"] >= 1, item
        assert item.get("weight", 1) in (1, 2, 3), item
        category = item.get("equipment_category")
        if category:
            assert category in data["equipment_categories"], item
            assert item["domain"] == "equipment", item


def test_every_equipment_category_is_named_in_both_languages() -> None:
    for code, names in shipped()["equipment_categories"].items():
        assert names.get("vi") and names.get("en"), code


def test_every_starter_checklist_saves_unchanged_through_the_editors_validation(site_store: Path) -> None:
    for code in catalogue_codes():
        shown = readiness_templates.get(technique_id(code))
        assert shown["version"] == 1 and shown["items"], code
        readiness_templates.save(technique_id(code), shown["items"])  # raises ValidationError naming the row
        again = readiness_templates.get(technique_id(code))
        assert again["version"] == 1
        assert [i["text"] for i in again["items"]] == [i["text"] for i in shown["items"]]
