"""text.py: NFC cleaning, diacritic folding for search, validators."""
from __future__ import annotations

import unicodedata

import pytest

from hospitaldesk import text


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


# --- fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nguyễn Văn Ân", "nguyen van an"),
        ("NGUYỄN VĂN ÂN", "nguyen van an"),
        ("nguyen van an", "nguyen van an"),
        ("Đức", "duc"),
        ("ĐỨC", "duc"),
        ("đức", "duc"),
        ("Chợ Rẫy", "cho ray"),
        ("Sóc Trăng", "soc trang"),
        ("Hậu Giang", "hau giang"),
        ("Cần Thơ", "can tho"),
    ],
)
def test_fold_strips_diacritics_and_case(raw: str, folded: str) -> None:
    assert text.fold(raw) == folded


def test_fold_of_nfd_input_equals_fold_of_nfc_input() -> None:
    name = "Bệnh viện Đa khoa tỉnh Sóc Trăng"
    assert nfd(name) != name  # the test really feeds decomposed text
    assert text.fold(nfd(name)) == text.fold(name) == "benh vien da khoa tinh soc trang"


def test_fold_turns_punctuation_into_single_spaces() -> None:
    assert text.fold("  BV. Chợ Rẫy -- (TP.HCM)  ") == "bv cho ray tp hcm"


def test_search_key_joins_folded_parts_and_skips_empty_ones() -> None:
    assert text.search_key("Chợ Rẫy", "", None, "BV-CR") == "cho ray bv cr"


def test_search_terms_are_folded_words_of_the_query() -> None:
    assert text.search_terms("  CHỢ   RẪY ") == ["cho", "ray"]
    assert text.search_terms("   ") == []


# --- clean / clean_line -------------------------------------------------------------------


def test_clean_returns_nfc() -> None:
    cleaned = text.clean(nfd("Nguyễn Văn Ân"))
    assert cleaned == "Nguyễn Văn Ân"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_clean_trims_and_collapses_spaces_tabs_and_nbsp() -> None:
    assert text.clean("  Bệnh \t viện\u00a0\u00a0Chợ   Rẫy  ") == "Bệnh viện Chợ Rẫy"


def test_clean_keeps_line_breaks_and_normalises_crlf() -> None:
    assert text.clean(" dòng một \r\n  dòng hai \r dòng ba ") == "dòng một\ndòng hai\ndòng ba"


def test_clean_of_none_is_empty_string() -> None:
    assert text.clean(None) == ""


def test_clean_converts_non_strings() -> None:
    assert text.clean(42) == "42"


def test_clean_line_turns_line_breaks_into_single_spaces() -> None:
    assert text.clean_line("  Bệnh viện\n\nChợ Rẫy \r\n TP.HCM ") == "Bệnh viện Chợ Rẫy TP.HCM"


def test_clean_line_returns_nfc() -> None:
    assert text.clean_line(nfd("Sóc Trăng")) == "Sóc Trăng"


# --- validators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["0912345678", "091 234 5678", "0292 3820 000", "+84 292 3820 000", "+84912345678", "(0292) 3.820.000", "028-3855-4137"],
)
def test_valid_phone_numbers_are_accepted(phone: str) -> None:
    assert text.is_valid_phone(phone)


@pytest.mark.parametrize("phone", ["", "abc", "0912", "09123456789012345", "0912 345 678 ext 2", "0912345678a", "１２３４５６７８９０"])
def test_invalid_phone_numbers_are_refused(phone: str) -> None:
    assert not text.is_valid_phone(phone)


def test_phone_with_trailing_newline_is_refused() -> None:
    assert not text.is_valid_phone("0912345678\n")


def test_national_id_of_twelve_digits_is_valid() -> None:
    assert text.is_valid_national_id("094123456789")


@pytest.mark.parametrize("value", ["", "09412345678", "0941234567890", "09412345678a", "0941 2345 678"])
def test_national_id_not_twelve_digits_is_refused(value: str) -> None:
    assert not text.is_valid_national_id(value)


@pytest.mark.parametrize("value", ["¹²³456789012", "０９４１２３４５６７８９"])
def test_national_id_with_non_ascii_digits_is_refused(value: str) -> None:
    assert not text.is_valid_national_id(value)


@pytest.mark.parametrize("value", ["2200123456", "2200123456-001"])
def test_tax_code_of_ten_digits_or_branch_suffix_is_valid(value: str) -> None:
    assert text.is_valid_tax_code(value)


@pytest.mark.parametrize("value", ["", "220012345", "22001234567", "2200123456-01", "2200123456-0011", "2200123456 001", "abcdefghij"])
def test_malformed_tax_code_is_refused(value: str) -> None:
    assert not text.is_valid_tax_code(value)


def test_tax_code_with_fullwidth_digits_is_refused() -> None:
    assert not text.is_valid_tax_code("２２００１２３４５６")
