"""What a spreadsheet reads into, and the one place that turns raw rows into it.

Both readers (xlsx and CSV) hand `collect` their rows as (number, cells) pairs in
file order; `collect` picks the header, skips blank rows, fits every row to the
header's width and enforces the row limit, so the two formats behave the same.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_number

Progress = Callable[[int], None]
PROGRESS_EVERY = 1000  # rows between two progress calls


@dataclass(frozen=True)
class TableRow:
    number: int  # as the user finds it: the row number in Excel (header row = 1 when it is the first)
    cells: list[str]  # NFC, stripped, "" when empty; exactly as many as Table.headers

    def cell(self, index: int | None) -> str:
        """The cell at `index`, "" for None (a column the file does not have)."""
        return "" if index is None else self.cells[index]


@dataclass
class Table:
    headers: list[str]  # NFC, stripped; trailing empty header cells dropped, empty ones inside kept as ""
    rows: list[TableRow]  # data rows only: blank rows are skipped, the others keep their numbers
    source_encoding: str | None = None  # CSV: "utf-8", "utf-8-sig", "utf-16", "utf-32" or "cp1258"; None for xlsx
    header_row: int = 1  # the number of the header row (blank rows above it are skipped)
    sheet_name: str = ""  # xlsx: the worksheet that was read
    delimiter: str = ""  # CSV: ",", ";" or "\t"


def cell_text(value: str) -> str:
    """NFC and stripped (spaces, tabs, line breaks and no-break spaces at both ends)."""
    return unicodedata.normalize("NFC", value).strip()


def collect(
    path: Path,
    raw_rows: Iterable[tuple[int, list[str]]],
    max_rows: int,
    progress: Progress | None = None,
) -> tuple[list[str], int, list[TableRow]]:
    """(headers, header row number, data rows) from rows whose cells are already text."""
    headers: list[str] | None = None
    header_row = 0
    rows: list[TableRow] = []
    for number, cells in raw_rows:
        if headers is None:
            if any(cells):
                headers = _trim(cells)
                header_row = number
            continue
        width = len(headers)
        if len(cells) != width:
            cells = cells[:width] if len(cells) > width else cells + [""] * (width - len(cells))
        if not any(cells):
            continue
        if len(rows) >= max_rows:
            raise HospitalDeskError(_(
                "{file} has more than {limit} rows. Split it into files of at most {limit} rows and import them one by one."
            ).format(file=path.name, limit=format_number(max_rows)))
        rows.append(TableRow(number, cells))
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows))
    if headers is None:
        raise HospitalDeskError(_("{file} is empty: its first row must hold the column headers.").format(file=path.name))
    return headers, header_row, rows


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
