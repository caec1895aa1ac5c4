"""CSV and text exports (.csv, .txt, .tsv) to text rows.

The encoding is found, not asked: a BOM says UTF-8, UTF-16 (Excel's "Unicode
text") or UTF-32; otherwise the bytes must be valid UTF-8, or else Windows-1258,
what Excel writes as "CSV" on a Vietnamese Windows. Windows-1258 stores most tone
marks as separate combining characters, so its text is NFC-normalised, and it is
accepted only when it reads as Vietnamese: a Latin-1 or TCVN3 file decoded as
1258 shows letters Vietnamese does not have, stray marks or control characters,
and is refused rather than imported as gibberish.

The file is read twice from disk (once to check its encoding, once to parse it),
never held in memory whole. Row numbers count records as Excel shows them when
it opens the file; they equal line numbers unless a quoted cell holds a line break.
"""
from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services.tabular.table import Progress, Table, cell_text, collect

CHUNK = 1024 * 1024
SAMPLE = 32 * 1024  # characters given to the delimiter sniffer
DELIMITERS = ",;\t"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
VIETNAMESE_LETTERS = "".join(
    sorted(
        {unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for tone in _TONES} - set("aeiouyAEIOUY")
    )
) + "đĐ"
# Non-letters a Vietnamese document written on Windows may hold: typographic punctuation, ₫, ° and the like.
_SYMBOLS = "\u00a0–—‘’‚“”„…•†‡‰‹›€™«»°±×÷§©®·₫"
_VIETNAMESE = re.compile(f"[{VIETNAMESE_LETTERS}]")
_NOT_VIETNAMESE = re.compile(f"[^\t\n\r\x20-\x7e{VIETNAMESE_LETTERS}{_SYMBOLS}]")


def not_text_message(path: Path) -> str:
    return _(
        "{file} is not UTF-8 and not Vietnamese Windows (1258) text. Open it in Excel, save it as CSV UTF-8 and try again."
    ).format(file=path.name)


def read_csv(path: Path, max_rows: int, progress: Progress | None = None) -> Table:
    encoding = detect_encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            delimiter = sniff_delimiter(fh.read(SAMPLE))
        with path.open("r", encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            headers, header_row, rows = collect(path, _records(path, reader), max_rows, progress)
    except OSError as exc:
        raise HospitalDeskError(_("Could not open {file}: {reason}.").format(file=path.name, reason=exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:  # a UTF-16 file with an odd number of bytes, cut short
        raise HospitalDeskError(not_text_message(path)) from exc
    return Table(headers, rows, source_encoding=encoding, header_row=header_row, delimiter=delimiter)


def _records(path: Path, reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, [cell_text(value) for value in record]
    except csv.Error as exc:
        raise HospitalDeskError(_(
            "{file}: row {row} cannot be read ({reason}). Look for a quotation mark that is not closed, "
            "save the file again as CSV UTF-8 and try again."
        ).format(file=path.name, row=number + 1, reason=exc)) from exc


def detect_encoding(path: Path) -> str:
    """The codec that reads `path`, or HospitalDeskError when it is neither Unicode nor Vietnamese Windows."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
            for bom, name in _BOMS:
                if head.startswith(bom):
                    return name
            fh.seek(0)
            if _is_utf8(fh):
                return "utf-8"
            fh.seek(0)
            if _is_vietnamese_windows(fh):
                return "cp1258"
    except OSError as exc:
        raise HospitalDeskError(_("Could not open {file}: {reason}.").format(file=path.name, reason=exc.strerror or exc)) from exc
    raise HospitalDeskError(not_text_message(path))


def _is_utf8(fh: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fh.read(CHUNK):
            if b"\x00" in chunk:  # UTF-16 without a BOM, or a binary file: not text we can read
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_vietnamese_windows(fh: BinaryIO) -> bool:
    found = False
    for line in fh:  # 1258 is one byte a character: decoding line by line never splits a character
        try:
            decoded = unicodedata.normalize("NFC", line.decode("cp1258"))
        except UnicodeDecodeError:
            return False
        # After NFC every tone mark sits on its vowel; one left over means this was not Vietnamese.
        if _NOT_VIETNAMESE.search(decoded):
            return False
        found = found or _VIETNAMESE.search(decoded) is not None
    return found


def sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: csv.Sniffer's guess when the header line holds it, else the header's most frequent."""
    header = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    cut = sample.rfind("\n")
    try:
        sniffed = csv.Sniffer().sniff(sample[: cut + 1] if cut > 0 else sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and counts.get(sniffed):
        return sniffed
    best = max(DELIMITERS, key=lambda d: counts[d])  # a tie keeps the first: the comma
    return best if counts[best] else ","
