"""write_xlsx: any list to an Excel workbook people can sort, filter and sum.

openpyxl's write-only mode streams the rows to a temporary file, so 100,000 rows
never sit in memory as cells. The workbook is saved to a temporary name beside the
target and renamed over it: a crash or a cancel never leaves half a file, and an
older copy open in Excel is refused before the work starts.

Column kinds (`column_kinds`, by 0-based column index; "auto" when absent):
- "auto": dates become Excel dates, numbers stay General numbers, the rest text;
- "text": always text, even digits, so a national ID or phone number keeps its
  leading zero (the cell is formatted "@" so editing it in Excel keeps it text too);
- "date": Excel dates shown dd/mm/yyyy (a dd/mm/yyyy string is converted);
- "int" / "money": numbers with a thousands separator (Excel shows 1.250.000 on a
  Vietnamese Windows); a string of digits with separators is converted;
- "percent": a share (0.825) shown as a percentage (82.5 %).
A workbook of several sheets (write_xlsx_sheets) takes the same kinds per sheet.
Text is written as given (only the control characters a workbook cannot hold are
dropped), and a text starting with "=" stays text, never a formula.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_date, parse_date
from hospitaldesk.services.tabular.headers import column_letter
from hospitaldesk.services.tabular.table import PROGRESS_EVERY, Progress
from hospitaldesk.services.tabular.xlsx_reader import number_text

COLUMN_KINDS = ("auto", "text", "date", "int", "money", "percent")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
THOUSANDS_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
TEXT_FORMAT = "@"
HEADER_FILL = "DDEBF7"  # light blue, prints fine in black and white
WIDTH_SAMPLE = 200  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 60
MAX_TITLE = 31  # Excel's limit for a sheet name

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an .xlsx cannot hold (openpyxl refuses them)
_BAD_TITLE = re.compile(r"[\\/*?:\[\]\x00-\x1f]+")
_DIGITS_WITH_SEPARATORS = re.compile(r"-?[0-9]{1,3}(?:[.,\s\u00a0]?[0-9]{3})*")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title (made safe), headers, rows and column kinds (see above)."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    column_kinds: dict[int, str] = field(default_factory=dict)


def write_xlsx(
    path: Path,
    sheet_title: str,
    headers: list[str],
    rows: Iterable[Sequence[Any]],
    column_kinds: dict[int, str] | None = None,
    *,
    progress: Progress | None = None,
) -> Path:
    """Write `headers` and `rows` to `path` (".xlsx" added when missing) and return the path written.

    `progress(rows_written)` is called every 1,000 rows; raise from it to cancel
    (the target is then left as it was). Raises HospitalDeskError when the file
    cannot be written (open in Excel, read-only folder, disk full).
    """
    return write_xlsx_sheets(path, [Sheet(sheet_title, headers, rows, dict(column_kinds or {}))], progress=progress)


def write_xlsx_sheets(path: Path, sheets: Sequence[Sheet], *, progress: Progress | None = None) -> Path:
    """write_xlsx for a workbook of several sheets, in the order given (all written, or none)."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    for sheet_spec in sheets:
        for index, kind in sheet_spec.column_kinds.items():
            if kind not in COLUMN_KINDS:
                raise ValueError(f"column {index}: unknown kind {kind!r}, expected one of {COLUMN_KINDS}")
    temp = _reserve(path)
    workbook = Workbook(write_only=True)
    written: list[Any] = []
    try:
        count = 0
        for sheet_spec in sheets:
            sheet = workbook.create_sheet(safe_sheet_title(sheet_spec.title))
            written.append(sheet)
            count = _fill(sheet, sheet_spec, count, progress)
        with open(temp, "wb") as fh:
            workbook.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise HospitalDeskError(_save_message(path, exc)) from exc
    finally:
        temp.unlink(missing_ok=True)
        for sheet in written:
            _discard_stream(sheet)
    return path


def _fill(sheet: Any, spec: Sheet, count: int, progress: Progress | None) -> int:
    """Headers, column widths, frozen header, filter and rows; returns the rows written so far in the workbook."""
    headers, kinds = spec.headers, spec.column_kinds
    source = iter(spec.rows)
    sample = list(islice(source, WIDTH_SAMPLE))
    width = max([len(headers), *(len(row) for row in sample)] or [1])
    for index in range(width):
        header = headers[index] if index < len(headers) else ""
        sheet.column_dimensions[column_letter(index)].width = _width(header, [row[index] for row in sample if index < len(row)])
    sheet.freeze_panes = "A2"
    cells = _RowCells(sheet, [kinds.get(index, "auto") for index in range(width)])
    sheet.append(cells.header(headers))
    first = count
    for row in chain(sample, source):
        sheet.append(cells.row(row))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    sheet.auto_filter.ref = f"A1:{column_letter(max(len(headers), 1) - 1)}{count - first + 1}"
    return count


def _discard_stream(sheet: Any) -> None:
    """After a failure or a cancel: close and delete openpyxl's temporary file of rows (a no-op once saved)."""
    writer = getattr(sheet, "_writer", None)
    if writer is None or not os.path.exists(writer.out):
        return
    with suppress(Exception):
        rows = getattr(sheet, "_rows", None)
        if rows is not None:
            rows.close()
    with suppress(Exception):
        writer.close()
    with suppress(Exception):
        writer.cleanup()


def safe_sheet_title(title: str) -> str:
    """At most 31 characters, none of \\ / * ? : [ ], not starting or ending with an apostrophe."""
    cleaned = " ".join(_BAD_TITLE.sub(" ", title).split()).strip("'")
    cleaned = cleaned[:MAX_TITLE].strip().strip("'")
    return cleaned or _("List")


def _reserve(path: Path) -> Path:
    """The temporary file beside `path`, made before any work so a locked target or folder is refused at once."""
    try:
        if path.exists():
            with path.open("ab"):  # Windows refuses this while Excel has the file open; nothing is written
                pass
        handle, name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".xlsx.part", dir=path.parent)
        os.close(handle)
    except OSError as exc:
        raise HospitalDeskError(_save_message(path, exc)) from exc
    return Path(name)


def _save_message(path: Path, exc: OSError) -> str:
    return _(
        "Could not save {file}: {reason}. If the file is open in Excel, close it there and try again, "
        "or save under another name or in another folder."
    ).format(file=path, reason=exc.strerror or exc)


def _display_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).split("\n")), default=0)


def _width(header: str, values: list[Any]) -> int:
    longest = max([len(header) + 3, *(_display_length(v) + 2 for v in values)])  # + 3: the filter button
    return min(MAX_WIDTH, max(MIN_WIDTH, longest))


class _RowCells:
    """Turns Python values into what the write-only sheet takes: plain values, or one reusable styled cell per column.

    Reusing a cell is safe: openpyxl serialises each row as soon as it is appended.
    """

    def __init__(self, sheet: Any, kinds: list[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        self._sheet = sheet
        self._kinds = kinds
        self._make: Callable[..., Any] = WriteOnlyCell

        def styled(number_format: str) -> list[Any]:
            cells = []
            for _index in kinds:
                cell = WriteOnlyCell(sheet)
                cell.number_format = number_format
                cells.append(cell)
            return cells

        self._plain_text = [WriteOnlyCell(sheet) for _index in kinds]
        self._text = styled(TEXT_FORMAT)
        self._date = styled(DATE_FORMAT)
        self._datetime = styled(DATETIME_FORMAT)
        self._thousands = styled(THOUSANDS_FORMAT)
        self._percent = styled(PERCENT_FORMAT)

    def header(self, headers: list[str]) -> list[Any]:
        from openpyxl.styles import Alignment, Font, PatternFill

        font, fill = Font(bold=True), PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        alignment = Alignment(vertical="center")
        cells = []
        for header in headers:
            cell = self._make(self._sheet)
            self._set_text(cell, str(header))
            cell.font, cell.fill, cell.alignment = font, fill, alignment
            cells.append(cell)
        return cells

    def row(self, values: Sequence[Any]) -> list[Any]:
        return [self._value(index, value) for index, value in enumerate(values)]

    def _value(self, index: int, value: Any) -> Any:
        if value is None or value == "":
            return None
        kind = self._kinds[index] if index < len(self._kinds) else "auto"
        if kind == "text":
            return self._set_text(self._text[index], _as_text(value))
        if kind == "date" and isinstance(value, str):
            value = parse_date(value) or value
        elif kind in ("int", "money") and isinstance(value, str):
            compact = value.strip()
            if _DIGITS_WITH_SEPARATORS.fullmatch(compact):
                value = int(re.sub(r"[.,\s\u00a0]", "", compact))
        if isinstance(value, bool):
            return value
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:  # stored UTC: shown in the PC's local time, as on screen
                value = value.astimezone().replace(tzinfo=None)
            return self._set(self._datetime, index, value)
        if isinstance(value, dt.date):
            return self._set(self._date, index, value)
        if isinstance(value, (int, float, Decimal)):
            if kind == "percent":
                return self._set(self._percent, index, value)
            return self._set(self._thousands, index, value) if kind in ("int", "money") else value
        text = value if isinstance(value, str) else str(value)
        if text.startswith("=") or _ILLEGAL.search(text):
            return self._set_text(self._plain_text[index] if index < len(self._plain_text) else self._make(self._sheet), text)
        return text

    def _set(self, cells: list[Any], index: int, value: Any) -> Any:
        cell = cells[index] if index < len(cells) else self._make(self._sheet)
        cell.value = value
        return cell

    @staticmethod
    def _set_text(cell: Any, text: str) -> Any:
        cell.value = _ILLEGAL.sub("", text)
        cell.data_type = "s"  # "=SUM(A1)" typed in a note stays a note
        return cell


def _as_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return number_text(value)
    return str(value)
