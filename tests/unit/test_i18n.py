"""i18n.py: catalogs, dates, money and numbers in Vietnamese usage."""
from __future__ import annotations

import datetime as dt
import gettext
import os
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from hospitaldesk import i18n
from hospitaldesk.resources import locales_dir

VI_PO = locales_dir() / "vi" / "LC_MESSAGES" / "hospitaldesk.po"
needs_vi_catalog = pytest.mark.skipif(not VI_PO.exists(), reason=f"the Vietnamese catalog {VI_PO} is not written yet")


def nbsp_to_space(value: str) -> str:
    return value.replace("\u00a0", " ").replace("\u202f", " ")


# --- parse_date / format_date -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("21/07/2023", dt.date(2023, 7, 21)),
        ("1/7/2023", dt.date(2023, 7, 1)),
        ("21-07-2023", dt.date(2023, 7, 21)),
        ("21.07.2023", dt.date(2023, 7, 21)),
        ("2023-07-21", dt.date(2023, 7, 21)),
        ("  21/07/2023  ", dt.date(2023, 7, 21)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_parse_date_accepts_vietnamese_and_iso_formats(raw: str, expected: dt.date) -> None:
    assert i18n.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "31/02/2023", "29/02/2023", "21/13/2023", "hôm nay", "07/21/2023x", "2023/07/21"])
def test_parse_date_returns_none_for_non_dates(raw: str) -> None:
    assert i18n.parse_date(raw) is None


def test_parse_date_reads_day_before_month() -> None:
    assert i18n.parse_date("05/07/2023") == dt.date(2023, 7, 5)


def test_format_date_is_dd_mm_yyyy_with_leading_zeros() -> None:
    assert i18n.format_date(dt.date(2023, 7, 1)) == "01/07/2023"


def test_format_date_is_the_same_in_english() -> None:
    i18n.setup("en")
    assert i18n.format_date(dt.date(2023, 7, 21)) == "21/07/2023"


def test_format_date_of_none_is_empty() -> None:
    assert i18n.format_date(None) == ""


def test_format_then_parse_date_round_trips() -> None:
    day = dt.date(2025, 6, 30)
    assert i18n.parse_date(i18n.format_date(day)) == day


def test_format_long_date_in_vietnamese_spells_day_month_year() -> None:
    i18n.setup("vi")
    assert i18n.format_long_date(dt.date(2023, 7, 21)).startswith("ngày 21 tháng ")
    assert i18n.format_long_date(dt.date(2023, 7, 21)).endswith(" năm 2023")


def test_format_long_date_in_vietnamese_matches_document_usage() -> None:
    i18n.setup("vi")
    assert i18n.format_long_date(dt.date(2023, 7, 21)) == "ngày 21 tháng 7 năm 2023"


def test_format_long_date_in_vietnamese_pads_day_and_january_february() -> None:
    # Nghị định 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading zero.
    i18n.setup("vi")
    assert i18n.format_long_date(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"


def test_format_long_date_in_english_is_day_month_year() -> None:
    i18n.setup("en")
    assert i18n.format_long_date(dt.date(2023, 7, 21)) == "21 July 2023"


# --- timestamps ---------------------------------------------------------------------------


@pytest.fixture
def vietnam_time() -> Iterator[None]:
    """The PC's clock set to Vietnam (UTC+7, no daylight saving)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset() is POSIX only")
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.mark.usefixtures("vietnam_time")
def test_format_timestamp_shows_stored_utc_in_local_time() -> None:
    assert i18n.format_timestamp(dt.datetime(2023, 7, 20, 20, 30)) == "21/07/2023 03:30"


@pytest.mark.usefixtures("vietnam_time")
def test_format_timestamp_accepts_aware_datetimes() -> None:
    aware = dt.datetime(2023, 7, 21, 1, 0, tzinfo=dt.timezone.utc)
    assert i18n.format_timestamp(aware) == "21/07/2023 08:00"


def test_format_timestamp_of_none_is_empty() -> None:
    assert i18n.format_timestamp(None) == ""


# --- money and numbers --------------------------------------------------------------------


def test_format_money_in_vietnamese() -> None:
    i18n.setup("vi")
    assert nbsp_to_space(i18n.format_money(1_250_000_000)) == "1.250.000.000 ₫"


def test_format_money_accepts_decimal() -> None:
    i18n.setup("vi")
    assert nbsp_to_space(i18n.format_money(Decimal("350000"))) == "350.000 ₫"


def test_format_money_of_none_is_empty() -> None:
    assert i18n.format_money(None) == ""


def test_format_number_in_vietnamese_uses_dot_thousands_and_comma_decimals() -> None:
    i18n.setup("vi")
    assert i18n.format_number(1234567.5) == "1.234.567,5"


def test_format_number_in_english_uses_comma_thousands() -> None:
    assert i18n.format_number(1234567) == "1,234,567"


# --- setup and catalogs -------------------------------------------------------------------


def test_setup_falls_back_to_vietnamese_for_an_unknown_language() -> None:
    i18n.setup("fr")
    assert i18n.current_language() == "vi"


def test_setup_english_sets_current_language() -> None:
    i18n.setup("en")
    assert i18n.current_language() == "en"


def test_english_messages_are_the_msgids() -> None:
    assert i18n._("This field is required.") == "This field is required."


def test_ngettext_picks_singular_and_plural_in_english() -> None:
    assert i18n.ngettext("{count} facility", "{count} facilities", 1) == "{count} facility"
    assert i18n.ngettext("{count} facility", "{count} facilities", 3) == "{count} facilities"


def test_n_underscore_returns_the_msgid_untranslated() -> None:
    i18n.setup("vi")
    assert i18n.N_("Facilities") == "Facilities"


def test_load_translations_without_catalog_files_is_a_null_catalog(tmp_path: Path) -> None:
    translations = i18n.load_translations("vi", localedir=tmp_path)
    assert translations.gettext("Facilities") == "Facilities"


def _write_po(directory: Path, translations: dict[str, str]) -> Path:
    catalog = Catalog(locale="vi", domain=i18n.DOMAIN)
    for msgid, msgstr in translations.items():
        catalog.add(msgid, msgstr)
    po_path = directory / "vi" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as fh:
        write_po(fh, catalog)
    return po_path


def test_a_po_file_is_compiled_to_mo_on_first_use(tmp_path: Path) -> None:
    po_path = _write_po(tmp_path, {"Facilities": "Cơ sở y tế"})
    translations = i18n.load_translations("vi", localedir=tmp_path)
    assert translations.gettext("Facilities") == "Cơ sở y tế"
    assert po_path.with_suffix(".mo").exists()


def test_a_po_file_newer_than_its_mo_is_recompiled(tmp_path: Path) -> None:
    po_path = _write_po(tmp_path, {"Facilities": "Cơ sở"})
    i18n.load_translations("vi", localedir=tmp_path)
    mo_path = po_path.with_suffix(".mo")
    old = time.time() - 3600
    os.utime(mo_path, (old, old))
    _write_po(tmp_path, {"Facilities": "Cơ sở y tế"})
    assert i18n.load_translations("vi", localedir=tmp_path).gettext("Facilities") == "Cơ sở y tế"


def test_an_up_to_date_mo_is_used_as_is(tmp_path: Path) -> None:
    po_path = _write_po(tmp_path, {"Facilities": "Cơ sở y tế"})
    i18n.load_translations("vi", localedir=tmp_path)
    po_path.unlink()
    translations = i18n.load_translations("vi", localedir=tmp_path)
    assert isinstance(translations, gettext.GNUTranslations)
    assert translations.gettext("Facilities") == "Cơ sở y tế"


# --- the shipped Vietnamese catalog -------------------------------------------------------


def _shipped_vi_messages() -> list[tuple[str, str]]:
    with VI_PO.open("rb") as fh:
        catalog = read_po(fh)
    pairs: list[tuple[str, str]] = []
    for message in catalog:
        # Plural entries are left to ngettext; one translated singular sentence is enough here.
        if isinstance(message.id, str) and isinstance(message.string, str) and message.id and message.string and not message.fuzzy:
            pairs.append((message.id, message.string))
    return pairs


@needs_vi_catalog
def test_vietnamese_catalog_loads_and_translates() -> None:
    pairs = _shipped_vi_messages()
    assert pairs, f"{VI_PO} has no translated message"
    i18n.setup("vi")
    translated = [msgid for msgid, msgstr in pairs if i18n._(msgid) == msgstr and msgstr != msgid]
    assert translated, "no msgid came out in Vietnamese"
