"""The full-text index behind search stays in step with the table, and every search shape agrees."""
from __future__ import annotations

from pathlib import Path

from hospitaldesk import text
from hospitaldesk.db.models import Technique
from hospitaldesk.db.search import matches, where_matches
from hospitaldesk.services.catalog import SEARCH_COUNT_CAP
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.forms import ListQuery


def codes(query: str, many_hits: bool = False) -> set[str]:
    terms = text.search_terms(query)
    return {t.code for t in where_matches(Technique.select(), Technique, terms, many_hits=many_hits)}


def test_index_and_plain_scan_find_the_same_rows(site_store: Path) -> None:
    for query in ("loc mau", "tim", "phẫu thuật tim hở", "em", "ct", "t", "tre em", "m tim", "khong co gi nay"):
        expected = {t.code for t in Technique.select() if all(matches(t.search_key, term) for term in text.search_terms(query))}
        assert codes(query) == expected, query
        assert codes(query, many_hits=True) == expected, query


def test_short_words_match_at_the_start_of_a_word() -> None:
    assert matches("nguyen van le minh", "le") and matches("le van minh", "le") and matches("le van minh", "l")
    assert not matches("khong minh thoa", "ho") and not matches("khong minh", "h")
    assert matches("khong minh thoa", "hon") and not matches("khong minh thoa", "oa")


def test_renamed_record_is_found_by_its_new_name_not_its_old_one(site_store: Path) -> None:
    techniques = catalog("techniques")
    record_id = techniques.list_page(ListQuery(search="loc mau lien tuc")).rows[0]["id"]
    values = techniques.get(record_id)
    techniques.save({**values, "name": "Kỹ thuật Zyxwvu thử nghiệm", "name_en": "Qwerty trial", "code": "NHI-ZYX"}, record_id)
    assert [r["id"] for r in techniques.list_page(ListQuery(search="zyxwvu")).rows] == [record_id]
    assert record_id not in {r["id"] for r in techniques.list_page(ListQuery(search="loc mau lien tuc")).rows}


def test_deleted_row_leaves_the_index(site_store: Path) -> None:
    Technique.delete().where(Technique.code == Technique.select(Technique.code).limit(1).scalar()).execute()
    for query in ("tim", "mau", "phau thuat"):
        expected = {t.code for t in Technique.select() if all(matches(t.search_key, term) for term in text.search_terms(query))}
        assert codes(query) == expected


def test_search_with_more_matches_than_the_cap_says_so(site_store: Path) -> None:
    techniques = catalog("techniques")
    first = techniques.list_page(ListQuery(search="phau")).rows[0]
    values = techniques.get(first["id"])
    for number in range(SEARCH_COUNT_CAP + 5):
        techniques.save({**values, "code": f"X-{number}", "name": f"Phẫu thuật mẫu số {number}", "name_en": ""})
    page = techniques.list_page(ListQuery(search="phau thuat mau so", page_size=100))
    assert page.capped and page.total == SEARCH_COUNT_CAP
    assert len(page.rows) == 100
    names = [r["name"] for r in page.rows]
    assert names == sorted(names, key=text.fold)
