"""Declarative descriptions of forms and tables, shared by the GUI and the CLI.

Labels are English msgids; callers translate them at display time with _(),
so switching language needs no rebuild of these specs.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from hospitaldesk import text
from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import _, parse_date

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")

FieldKind = Literal["text", "multiline", "choice", "bool", "date", "int", "money", "password"]
# Money as people type it: "1.250.000.000", "1 250 000 000 ₫", "1,250,000,000 đ".
_MONEY_UNIT = re.compile(r"\s*(?:₫|đ|đồng|vnd|vnđ)$", re.IGNORECASE)
_MONEY_SEPARATORS = re.compile(r"[.,\s\u00a0]")

# Dates outside these years are typing mistakes (01/12/9999), not plans.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Whole numbers and amounts: a 25-digit cost is a slip of the keyboard (and overflows SQLite's integers).
MAX_NUMBER = 10**15

# Generous, but a 10,000-character paste into "name" is a mistake, not a name.
DEFAULT_MAX_LENGTH = 300
NOTES_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # msgid
    kind: FieldKind = "text"
    required: bool = False
    max_length: int | None = None
    choices: Callable[[], list[Choice]] | None = None
    hint: str = ""  # msgid shown under the field
    check: Callable[[str], str | None] | None = None  # extra rule: returns an error message or None

    def limit(self) -> int:
        if self.max_length is not None:
            return self.max_length
        return NOTES_MAX_LENGTH if self.kind == "multiline" else DEFAULT_MAX_LENGTH


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # msgid
    width: int = 160
    anchor: Literal["w", "e", "center"] = "w"
    sortable: bool = True
    fixed: bool = False  # keeps its width when space is short (numbers, dates, statuses): the text columns give way


@dataclass(frozen=True)
class FilterSpec:
    name: str
    label: str  # msgid
    choices: Callable[[], list[Choice]]


@dataclass
class ListQuery:
    search: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str | None = None
    descending: bool = False
    page: int = 0
    page_size: int = 100


@dataclass
class Page:
    rows: list[dict[str, Any]]  # each has "id" plus one display string per column key
    total: int  # when `capped`, the cap: there are more
    page: int
    page_size: int
    capped: bool = False

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


def clean_value(spec: FieldSpec, raw: Any) -> Any:
    """Normalise one raw form value (strings from widgets or the CLI) to its stored type."""
    if spec.kind == "bool":
        if isinstance(raw, str):
            return text.fold(raw) in {"1", "true", "yes", "co", "x"}
        return bool(raw)
    if spec.kind in ("date", "int", "money") and isinstance(raw, (dt.date, int)) and not isinstance(raw, bool):
        return raw
    if spec.kind == "money":
        return _MONEY_SEPARATORS.sub("", _MONEY_UNIT.sub("", text.clean_line(raw)))
    if spec.kind == "password":  # every character counts; only the Unicode form is made one
        return text.nfc(raw) if isinstance(raw, str) else ""
    return text.clean(raw) if spec.kind == "multiline" else text.clean_line(raw)


def validate(specs: list[FieldSpec], raw: dict[str, Any], row: int | None = None) -> dict[str, Any]:
    """Clean and check every field; raise ValidationError naming each bad one, else return clean values."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for spec in specs:
        value = clean_value(spec, raw.get(spec.name, ""))
        message = _check(spec, value)
        if message:
            errors.append(FieldError(spec.name, _(spec.label), message, row))
            continue
        if spec.kind == "date" and isinstance(value, str):
            value = parse_date(value)
        elif spec.kind in ("int", "money") and isinstance(value, str):
            value = int(value) if value else None
        values[spec.name] = value
    if errors:
        raise ValidationError(errors)
    return values


def _check(spec: FieldSpec, value: Any) -> str | None:
    if spec.kind == "bool":
        return None
    if isinstance(value, str):
        if not value:
            return _("This field is required.") if spec.required else None
        if len(value) > spec.limit():
            return _("Too long: {length} characters, at most {limit}.").format(length=len(value), limit=spec.limit())
        if spec.kind == "date":
            day = parse_date(value)
            if day is None:
                return _("Not a date. Write it as dd/mm/yyyy, e.g. 21/07/2023.")
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                return _("The year must be between {first} and {last}.").format(first=FIRST_YEAR, last=LAST_YEAR)
        if spec.kind == "int" and not _WHOLE_NUMBER.fullmatch(value):
            return _("Write a whole number, e.g. 12.")
        if spec.kind == "money" and not (value.isascii() and value.isdigit()):
            return _("Write an amount in đồng, e.g. 1.250.000.000.")
        if spec.kind in ("int", "money") and abs(int(value)) > MAX_NUMBER:
            return _("This number is too large.")
        if spec.kind == "choice" and spec.choices is not None:
            allowed = {c.value for c in spec.choices()}
            if value not in allowed:
                return _("Choose one of the values in the list.")
    if spec.check is not None and value not in ("", None):
        return spec.check(value)
    return None


def with_choices(specs: list[FieldSpec], choices: dict[str, Callable[[], list[Choice]]]) -> list[FieldSpec]:
    """The same fields, those named in `choices` picked from a list (a form shows ids as names; the
    service's own specs take the id as text and check it against the records)."""
    return [replace(spec, kind="choice", choices=choices[spec.name]) if spec.name in choices else spec for spec in specs]


def preferred_first(choices: list[Choice], preferred: set[str]) -> list[Choice]:
    """The same choices, those in `preferred` first, each part in its order (the techniques a network has,
    the facilities with case logs: what a list is usually opened for)."""
    return [c for c in choices if c.value in preferred] + [c for c in choices if c.value not in preferred]


# --- vocabularies: stored codes with English msgids as labels (agreement_terms, readiness_terms) ---


def code_label(labels: dict[str, str], key: str) -> str:
    """The translated label of a stored code (the code itself if unknown, e.g. from a newer site)."""
    return _(labels[key]) if key in labels else key


def code_choices(labels: dict[str, str]) -> list[Choice]:
    """Every code of a vocabulary with its translated label, in the vocabulary's order."""
    return [Choice(key, _(msgid)) for key, msgid in labels.items()]
