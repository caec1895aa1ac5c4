"""Translation and locale-aware formatting.

Nothing happens at import: `setup(language)` (called by the composition root)
loads the catalog. msgids are English; `vi` is the default language. Catalogs
are compiled from the .po files on first use when the .mo is missing or stale,
so a source checkout never runs on an outdated translation.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import datetime as dt
from functools import lru_cache
import gettext
import os
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from hospitaldesk.resources import locales_dir

DOMAIN = "hospitaldesk"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "vi"


def _compile_po(po_path: Path) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    mo_path = po_path.with_suffix(".mo")
    tmp = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, mo_path)  # two starts at once never read half a catalog
    except OSError:
        tmp.unlink(missing_ok=True)  # read-only install: the in-memory catalog still works
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_translations(language: str, localedir: Path | None = None) -> gettext.NullTranslations:
    base = (localedir or locales_dir()) / language / "LC_MESSAGES"
    po_path, mo_path = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if po_path.exists() and (not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime):
        return _compile_po(po_path)
    if mo_path.exists():
        with mo_path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.NullTranslations()


def setup(language: str) -> None:
    global _translations, _language
    _language = language if language in ("vi", "en") else "vi"
    _translations = load_translations(_language)


def current_language() -> str:
    return _language


@contextmanager
def using_language(language: str) -> Iterator[None]:
    """Messages in `language` for a moment (rebuilding a document as it was printed), then back."""
    global _translations, _language
    saved = _translations, _language
    setup(language)
    try:
        yield
    finally:
        _translations, _language = saved


def _(message: str) -> str:
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Marks a msgid for extraction; translate later with _() at display time."""
    return message


def pgettext(context: str, message: str) -> str:
    """A word whose translation depends on where it is used ('Province' as a type, not a label)."""
    return _translations.pgettext(context, message)


def NP_(context: str, message: str) -> str:
    """Marks a msgid with a context for extraction; translate later with pgettext(context, ...)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def format_date(value: dt.date | None) -> str:
    """dd/MM/yyyy, the Vietnamese usage, in both languages."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_long_date(value: dt.date) -> str:
    """For documents: 'ngày 21 tháng 7 năm 2023' / '21 July 2023'.

    Nghị định 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a leading zero
    ('ngày 05 tháng 02 năm 2024'), so nobody can add a digit to a signed date.
    """
    if _language == "vi":
        month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
        return f"ngày {value.day:02d} tháng {month} năm {value.year}"
    from babel.dates import format_date  # Babel is imported on first use: it is slow to load at start-up

    return format_date(value, format="d MMMM yyyy", locale="en")


def format_timestamp(value: dt.datetime | None) -> str:
    """A stored UTC timestamp shown in the PC's local time: dd/MM/yyyy HH:mm."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    from babel.dates import format_datetime

    return format_datetime(value.astimezone(), "dd/MM/yyyy HH:mm", locale=_language)


def format_money(amount: int | float | Decimal | None) -> str:
    if amount is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(amount, "VND", locale=_language)


def format_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        # The common case (row counts) without loading Babel: 1.234.567 / 1,234,567.
        return f"{value:,}".replace(",", "." if _language == "vi" else ",")
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_language)


def parse_date(text: str) -> dt.date | None:
    """Accepts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and ISO yyyy-mm-dd; None when not a date."""
    return _parse_date(text.strip())


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> dt.date | None:
    """Cached: an imported file repeats the same few hundred dates 100,000 times (tests/bench, h),
    and strptime costs 15 µs a call."""
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
