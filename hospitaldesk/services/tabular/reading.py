"""read_table: one entry point for every spreadsheet a person may choose.

The file's first bytes decide how it is read, its name only how a refusal is
worded: a workbook renamed .csv still reads, and the usual wrong files (old
.xls, a password-protected workbook, a web page saved as .xls) are refused
with what to do instead.
"""
from __future__ import annotations

from pathlib import Path

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services.tabular.csv_reader import read_csv
from hospitaldesk.services.tabular.table import Progress, Table
from hospitaldesk.services.tabular.xlsx_reader import damaged_message, read_xlsx

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
MAX_ROWS = 100_000

_ZIP = b"PK\x03\x04"
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # old .xls, and the envelope of a password-protected .xlsx
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_SCAN_LIMIT = 8 * 1024 * 1024


def read_table(path: Path, max_rows: int = MAX_ROWS, *, progress: Progress | None = None) -> Table:
    """The first visible sheet of an .xlsx/.xlsm, or a CSV/text file, as text cells.

    `progress(rows_read)` is called every 1,000 data rows (from the calling
    thread; raise from it to cancel). Raises HospitalDeskError, with a message
    saying what to do, for a file that cannot be read or holds more than
    `max_rows` data rows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES + TEXT_SUFFIXES + (".xls",):
        raise HospitalDeskError(_(
            "{file} cannot be read: choose an Excel workbook (.xlsx) or a CSV file (.csv, .txt)."
        ).format(file=path.name))
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise HospitalDeskError(_("Could not open {file}: {reason}.").format(file=path.name, reason=exc.strerror or exc)) from exc
    if head.startswith(_ZIP):
        return read_xlsx(path, max_rows, progress)
    if head.startswith(_OLE2):
        raise HospitalDeskError(_password_message(path) if _is_encrypted(path) else _xls_message(path))
    if suffix in WORKBOOK_SUFFIXES or suffix == ".xls":
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise HospitalDeskError(_(
                "{file} is not a real Excel workbook but a web page or XML file named like one. "
                "Open it in Excel, save it as .xlsx (Excel Workbook) or CSV UTF-8 and try again."
            ).format(file=path.name))
        raise HospitalDeskError(_xls_message(path) if suffix == ".xls" else damaged_message(path))
    return read_csv(path, max_rows, progress)


def _is_encrypted(path: Path) -> bool:
    """A password-protected .xlsx is an OLE2 file holding a stream named EncryptedPackage."""
    try:
        with path.open("rb") as fh:
            header = fh.read(512)
            sector_size = 1 << min(int.from_bytes(header[30:32], "little"), 16)
            first_directory_sector = int.from_bytes(header[48:52], "little")
            fh.seek((first_directory_sector + 1) * sector_size)
            if _ENCRYPTED_PACKAGE in fh.read(4 * sector_size):  # the directory usually starts there
                return True
            fh.seek(0)
            return _ENCRYPTED_PACKAGE in fh.read(_SCAN_LIMIT)
    except (OSError, ValueError, OverflowError):
        return False


def _xls_message(path: Path) -> str:
    return _(
        "{file} is in the old Excel format (.xls). Open it in Excel, save it as .xlsx (Excel Workbook) or CSV UTF-8 and try again."
    ).format(file=path.name)


def _password_message(path: Path) -> str:
    return _(
        "{file} is protected by a password. Open it in Excel, remove the password, "
        "save it as .xlsx (Excel Workbook) or CSV UTF-8 and try again."
    ).format(file=path.name)
