"""Fonts and escaping: the foundations every document stands on."""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from hospitaldesk.reports import styles


def test_the_page_is_a4_with_the_decree_margins() -> None:
    mm = 72 / 25.4
    assert styles.PAGE_SIZE == pytest.approx((595.2756, 841.8898), abs=0.01)
    assert (styles.MARGIN_TOP, styles.MARGIN_BOTTOM, styles.MARGIN_LEFT, styles.MARGIN_RIGHT) == pytest.approx(
        (20 * mm, 20 * mm, 30 * mm, 15 * mm))
    body = styles.sheet().body
    assert body.fontSize == 13 and body.leading == pytest.approx(15.6) and body.spaceAfter >= 6


def test_a_system_times_new_roman_is_found_by_its_windows_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = styles.shipped_fonts()
    for source, name in zip(shipped.all(), ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf")):
        shutil.copyfile(source, tmp_path / name)
    monkeypatch.setattr(styles, "system_font_dirs", lambda: [tmp_path / "missing", tmp_path])
    found = styles.system_times()
    assert found is not None and found.bold == tmp_path / "timesbd.ttf"
    (tmp_path / "timesbi.ttf").unlink()  # an incomplete family is not used
    assert styles.system_times() is None


def test_a_font_without_vietnamese_glyphs_is_refused() -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("probe", str(styles.shipped_fonts().regular))
    assert styles.missing_glyphs(font) == ""  # the shipped font draws every Vietnamese letter
    del font.face.charToGlyph[ord("ữ")]  # as in old msttcorefonts copies of Times New Roman
    assert styles.missing_glyphs(font) == "ữ"


def test_esc_escapes_markup_and_composes_vietnamese() -> None:
    raw = unicodedata.normalize("NFD", "Tiếng Việt <b>đậm</b> & \"x\"\ndòng hai")
    out = styles.esc(raw)
    assert out == "Tiếng Việt &lt;b&gt;đậm&lt;/b&gt; &amp; \"x\"<br/>dòng hai"
    assert unicodedata.is_normalized("NFC", out)
