"""Which column of a chosen file holds which field.

People write headers their own way: "Họ và tên", "HỌ TÊN", "Ho ten (*)",
"Full name". A header matches a column when its folded form (no accents, đ -> d,
any case, punctuation and a bracketed hint such as "(dd/mm/yyyy)" ignored) equals
the folded label in Vietnamese, in English, in the current language, or one of
the column's aliases. A serial-number column ("STT") is ignored silently.
"""
from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hospitaldesk import text
from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import _, load_translations, ngettext
from hospitaldesk.services.tabular.table import TableRow

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Folded headers ignored without a warning: empty ones and the serial-number column every Vietnamese list has.
SILENT_HEADERS = frozenset({"", "stt", "tt", "so tt", "so thu tu", "no"})


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    label_msgid: str  # English msgid; the header the template shows is _(label_msgid)
    aliases: tuple[str, ...] = ()  # other headers people use, in any language, accents and case free
    required: bool = False


@dataclass
class HeaderMap:
    columns: dict[str, int]  # field -> index of its column in Table.headers / TableRow.cells
    unknown: list[str]  # headers that match no column: their cells are ignored (say so as a warning)
    errors: list[FieldError]  # a required column missing, or two columns for one field

    @property
    def ok(self) -> bool:
        return not self.errors

    def check(self) -> None:
        """Raise ValidationError listing every header problem; nothing should be imported then."""
        if self.errors:
            raise ValidationError(self.errors)

    def values(self, row: TableRow) -> dict[str, str]:
        """The row's text per mapped field (fields whose column is absent are left out)."""
        return {name: row.cells[index] for name, index in self.columns.items()}

    def warnings(self) -> list[str]:
        if not self.unknown:
            return []
        names = ", ".join(f"“{header}”" for header in self.unknown)
        return [ngettext(
            "This column was not recognised and is ignored: {columns}.",
            "These columns were not recognised and are ignored: {columns}.",
            len(self.unknown),
        ).format(columns=names)]


def header_key(header: str) -> str:
    """The folded form headers are compared by."""
    key = text.fold(_BRACKETED.sub(" ", header))
    return key or text.fold(header)


def column_letter(index: int) -> str:
    """Excel's name of the column at 0-based `index`: A, B, ... Z, AA, AB ..."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def map_headers(headers: Sequence[str], columns: Sequence[ColumnSpec]) -> HeaderMap:
    """Match a file's headers to the columns an import knows (the first matching column wins a header)."""
    lookup: dict[str, ColumnSpec] = {}
    for spec in columns:
        for key in _keys(spec):
            lookup.setdefault(key, spec)
    found: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[FieldError] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        match = lookup.get(key)
        if match is None:
            if key not in SILENT_HEADERS:
                unknown.append(header)
            continue
        if match.field in found:
            first = found[match.field]
            errors.append(FieldError(match.field, _(match.label_msgid), _(
                "Two columns hold it: “{first}” (column {first_column}) and “{second}” (column {second_column}). "
                "Keep only one of them."
            ).format(first=headers[first], first_column=column_letter(first), second=header, second_column=column_letter(index))))
            continue
        found[match.field] = index
    for spec in columns:
        if spec.required and spec.field not in found:
            errors.append(FieldError(spec.field, _(spec.label_msgid), _(
                "The file has no column for it. Add a column headed “{header}” beside the other headers."
            ).format(header=_(spec.label_msgid))))
    return HeaderMap(found, unknown, errors)


def _keys(spec: ColumnSpec) -> list[str]:
    names = [_(spec.label_msgid), spec.label_msgid, _vietnamese().gettext(spec.label_msgid), *spec.aliases]
    return [key for key in dict.fromkeys(header_key(name) for name in names) if key]


@functools.lru_cache(maxsize=1)
def _vietnamese() -> gettext.NullTranslations:
    """The Vietnamese catalog whatever the current language: a file made in Vietnamese still maps in English."""
    try:
        return load_translations("vi")
    except Exception:  # a damaged catalog must not stop an import: English labels and aliases still match
        return gettext.NullTranslations()
