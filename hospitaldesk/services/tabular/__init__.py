"""Spreadsheets in and out: read a chosen .xlsx/.csv into text rows, map its headers
to fields, write any list to .xlsx. No database and no tkinter here; the import
services validate the rows (forms.validate) and the list screens export through
write_xlsx.

    table = read_table(path)                      # HospitalDeskError when unreadable
    header_map = map_headers(table.headers, STAFF_COLUMNS)
    header_map.check()                            # ValidationError: missing/duplicate columns
    for row in table.rows:
        values = header_map.values(row)           # field -> text; report errors with row.number

openpyxl is imported only when a workbook is read or written, so importing this
package costs nothing at start-up.
"""
from __future__ import annotations

from hospitaldesk.services.tabular.headers import ColumnSpec, HeaderMap, column_letter, header_key, map_headers
from hospitaldesk.services.tabular.reading import MAX_ROWS, read_table
from hospitaldesk.services.tabular.table import Progress, Table, TableRow
from hospitaldesk.services.tabular.writing import COLUMN_KINDS, Sheet, safe_sheet_title, write_xlsx, write_xlsx_sheets

__all__ = [
    "COLUMN_KINDS",
    "Sheet",
    "MAX_ROWS",
    "ColumnSpec",
    "HeaderMap",
    "Progress",
    "Table",
    "TableRow",
    "column_letter",
    "header_key",
    "map_headers",
    "read_table",
    "safe_sheet_title",
    "write_xlsx",
    "write_xlsx_sheets",
]
