"""services/forms.py and errors.py: cleaning and checking form values, and the errors they raise."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.services.forms import (
    DEFAULT_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    Choice,
    FieldSpec,
    Page,
    clean_value,
    validate,
)

NAME = FieldSpec("name", "Name", required=True)
NOTES = FieldSpec("notes", "Notes", "multiline")
DAY = FieldSpec("day", "Day", "date")
COUNT = FieldSpec("count", "Count", "int")
FLAG = FieldSpec("flag", "Flag", "bool")
COLOUR = FieldSpec("colour", "Colour", "choice", choices=lambda: [Choice("red", "Red"), Choice("blue", "Blue")])


def field_error(specs: list[FieldSpec], raw: dict[str, object], field: str) -> str | None:
    with pytest.raises(ValidationError) as caught:
        validate(specs, raw)
    return caught.value.for_field(field)


def test_validate_returns_cleaned_nfc_values() -> None:
    raw = {"name": unicodedata.normalize("NFD", "  Chợ   Rẫy "), "notes": " dòng 1 \r\n dòng 2 "}
    assert validate([NAME, NOTES], raw) == {"name": "Chợ Rẫy", "notes": "dòng 1\ndòng 2"}


def test_missing_required_field_is_named_in_the_error() -> None:
    assert field_error([NAME], {"name": "   "}, "name") == "This field is required."


def test_optional_empty_field_is_accepted_as_empty_string() -> None:
    assert validate([NOTES], {}) == {"notes": ""}


def test_text_longer_than_default_limit_is_refused() -> None:
    message = field_error([NAME], {"name": "x" * (DEFAULT_MAX_LENGTH + 1)}, "name")
    assert message is not None and str(DEFAULT_MAX_LENGTH) in message


def test_text_at_default_limit_is_accepted() -> None:
    assert validate([NAME], {"name": "x" * DEFAULT_MAX_LENGTH})["name"] == "x" * DEFAULT_MAX_LENGTH


def test_multiline_text_has_the_larger_notes_limit() -> None:
    assert validate([NOTES], {"notes": "x" * NOTES_MAX_LENGTH})["notes"] == "x" * NOTES_MAX_LENGTH
    assert field_error([NOTES], {"notes": "x" * (NOTES_MAX_LENGTH + 1)}, "notes") is not None


def test_date_field_is_parsed_from_dd_mm_yyyy() -> None:
    assert validate([DAY], {"day": "21/07/2023"}) == {"day": dt.date(2023, 7, 21)}


def test_empty_optional_date_becomes_none() -> None:
    assert validate([DAY], {"day": ""}) == {"day": None}


def test_date_objects_pass_through() -> None:
    assert validate([DAY], {"day": dt.date(2025, 7, 1)}) == {"day": dt.date(2025, 7, 1)}


def test_bad_date_is_refused_with_a_hint() -> None:
    message = field_error([DAY], {"day": "31/02/2023"}, "day")
    assert message is not None and "dd/mm/yyyy" in message


def test_int_field_is_parsed() -> None:
    assert validate([COUNT], {"count": " -12 "}) == {"count": -12}


def test_non_number_in_int_field_is_refused() -> None:
    assert field_error([COUNT], {"count": "twelve"}, "count") is not None


@pytest.mark.parametrize("raw", ["--5", "²"])
def test_malformed_number_is_a_validation_error_not_a_crash(raw: str) -> None:
    assert field_error([COUNT], {"count": raw}, "count") is not None


def test_text_field_given_a_number_is_cleaned_to_a_string() -> None:
    assert clean_value(NAME, 123) == "123"


@pytest.mark.parametrize("raw", ["1", "true", "Yes", "có", "CÓ", "x", True])
def test_bool_field_reads_yes_values(raw: object) -> None:
    assert validate([FLAG], {"flag": raw}) == {"flag": True}


@pytest.mark.parametrize("raw", ["", "0", "no", "không", False])
def test_bool_field_reads_other_values_as_no(raw: object) -> None:
    assert validate([FLAG], {"flag": raw}) == {"flag": False}


def test_choice_outside_the_list_is_refused() -> None:
    assert field_error([COLOUR], {"colour": "green"}, "colour") == "Choose one of the values in the list."


def test_choice_in_the_list_is_accepted() -> None:
    assert validate([COLOUR], {"colour": "blue"}) == {"colour": "blue"}


def test_extra_check_runs_on_non_empty_values_only() -> None:
    spec = FieldSpec("code", "Code", check=lambda v: None if v.isupper() else "Upper case only.")
    assert validate([spec], {"code": ""}) == {"code": ""}
    assert field_error([spec], {"code": "abc"}, "code") == "Upper case only."


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        validate([NAME, DAY, COUNT], {"name": "", "day": "soon", "count": "many"})
    assert [e.field for e in caught.value.errors] == ["name", "day", "count"]


def test_validation_error_message_names_the_field_label() -> None:
    with pytest.raises(ValidationError) as caught:
        validate([NAME], {"name": ""})
    assert caught.value.message == "Name: This field is required."


def test_field_error_with_row_mentions_the_row() -> None:
    assert FieldError("name", "Name", "This field is required.", row=4).describe() == "Row 4, Name: This field is required."


def test_for_field_is_none_for_a_field_without_error() -> None:
    error = ValidationError([FieldError("name", "Name", "Bad.")])
    assert error.for_field("code") is None


@pytest.mark.parametrize(("total", "page_size", "pages"), [(0, 100, 1), (1, 100, 1), (100, 100, 1), (101, 100, 2), (250, 50, 5)])
def test_page_count(total: int, page_size: int, pages: int) -> None:
    assert Page(rows=[], total=total, page=0, page_size=page_size).page_count == pages
