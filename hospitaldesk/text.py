"""Text hygiene: NFC for everything stored, a folded key for search, small validators.

Vietnamese arrives in NFD from some keyboards (macOS, some Windows IMEs, copy
from PDFs). Storing NFC keeps equality and sorting sane; the folded key makes
"nguyen van an", "NGUYỄN VĂN AN" and "Nguyễn Văn Ân" the same for search.
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0]+")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Characters with no Unicode decomposition to a Latin base letter.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss"})


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def clean(value: object) -> str:
    """NFC, trimmed, runs of spaces collapsed; line breaks are kept for notes."""
    if value is None:
        return ""
    text = nfc(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def clean_line(value: object) -> str:
    """A single-line field: like clean() but line breaks become spaces."""
    return _SPACES.sub(" ", clean(value).replace("\n", " "))


def fold(value: str) -> str:
    """Lower-case, strip diacritics (đ -> d), punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = stripped.lower().translate(_FOLD_EXTRA)
    return _NON_WORD.sub(" ", lowered).strip()


def search_key(*parts: object) -> str:
    """The indexed search column: all searchable parts folded, space separated."""
    return " ".join(f for f in (fold(str(p)) for p in parts if p) if f)


def search_terms(query: str) -> list[str]:
    """Folded words of a user query; each must occur in the search key."""
    return [t for t in fold(query).split(" ") if t]


_PHONE = re.compile(r"\+?[0-9 .\-()]{8,20}")
_NOT_DIGIT = re.compile(r"[^0-9]")


def is_valid_phone(value: str) -> bool:
    """Vietnamese numbers: 10 digits (0xx...), or +84 followed by 9 digits; landlines with area codes pass too."""
    if not _PHONE.fullmatch(value):
        return False
    digits = _NOT_DIGIT.sub("", value)
    return 9 <= len(digits) <= 12


def is_valid_national_id(value: str) -> bool:
    """Citizen identity card (CCCD): exactly 12 digits."""
    return bool(re.fullmatch(r"[0-9]{12}", value))


def is_valid_tax_code(value: str) -> bool:
    """Mã số thuế: 10 digits, or 10 digits + '-' + 3 digits for a branch."""
    return bool(re.fullmatch(r"[0-9]{10}(-[0-9]{3})?", value))
