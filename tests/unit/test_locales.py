"""The translation catalogs: complete, well-formed, and in step with the code."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hospitaldesk.resources import app_root, locales_dir

PLACEHOLDER = re.compile(r"\{(\w+)\}")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}


def catalog(language: str):  # type: ignore[no-untyped-def]
    with (locales_dir() / language / "LC_MESSAGES" / "hospitaldesk.po").open("rb") as fh:
        return read_po(fh)


def code_msgids() -> set[tuple[str | None, str]]:
    found = extract_from_dir(str(app_root() / "hospitaldesk"), method_map=[("**.py", "python")], keywords=KEYWORDS)
    ids: set[tuple[str | None, str]] = set()
    for _file, _line, message, _comments, context in found:
        ids.add((context, message[0] if isinstance(message, tuple) else message))
    return ids


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_string_in_the_code_is_in_the_catalog(language: str) -> None:
    known = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog(language) if m.id}
    missing = sorted(code_msgids() - known)
    assert not missing, f"run scripts/i18n.sh and translate: {missing[:10]}"


def test_vietnamese_catalog_has_no_empty_or_fuzzy_entry() -> None:
    problems = []
    for message in catalog("vi"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_translations_keep_placeholders_and_are_nfc(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, f"{ids[0]!r} -> {text!r}"
            assert unicodedata.is_normalized("NFC", text), f"not NFC: {text!r}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_msgfmt_check_is_clean(language: str, tmp_path: Path) -> None:
    po = locales_dir() / language / "LC_MESSAGES" / "hospitaldesk.po"
    result = subprocess.run(["msgfmt", "-c", "--statistics", "-o", str(tmp_path / "x.mo"), str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
