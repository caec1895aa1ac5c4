"""Fonts, page geometry and paragraph styles of every printed document.

Layout follows Nghị định 30/2020/NĐ-CP (administrative documents): A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman 13 pt body. The font is
the PC's own Times New Roman when it has every Vietnamese glyph, else the shipped
Liberation Serif (metric-compatible, OFL), so a document looks the same either way.
Fonts are registered on first use, never at import.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from hospitaldesk.resources import assets_dir
from hospitaldesk.text import nfc

PAGE_SIZE = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

FAMILY = "HDSerif"  # our internal name; the PDF shows the real font's name
REGULAR, BOLD, ITALIC, BOLD_ITALIC = FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic"
BODY_SIZE = 13
LEADING = 1.2

# Checked in a system Times New Roman before using it: old copies (msttcorefonts 2.x) lack Vietnamese.
_VIETNAMESE_SAMPLE = "ĂÂĐÊÔƠƯăâđêôơưảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ₫–“”"
_TIMES_NAMES = (
    ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    ("Times_New_Roman.ttf", "Times_New_Roman_Bold.ttf", "Times_New_Roman_Italic.ttf", "Times_New_Roman_Bold_Italic.ttf"),
    ("Times New Roman.ttf", "Times New Roman Bold.ttf", "Times New Roman Italic.ttf", "Times New Roman Bold Italic.ttf"),
)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def all(self) -> tuple[Path, Path, Path, Path]:
        return (self.regular, self.bold, self.italic, self.bold_italic)


def shipped_fonts() -> FontFiles:
    folder = assets_dir() / "fonts"
    return FontFiles(*(folder / f"LiberationSerif-{v}.ttf" for v in ("Regular", "Bold", "Italic", "BoldItalic")))


def system_font_dirs() -> list[Path]:
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    return [
        Path(windir) / "Fonts",
        Path("/usr/share/fonts/truetype/msttcorefonts"),
        Path("/usr/share/fonts/msttcore"),  # Fedora's msttcore-fonts
        Path("/System/Library/Fonts/Supplemental"),
        Path("/Library/Fonts"),
    ]


def system_times() -> FontFiles | None:
    for folder in system_font_dirs():
        for names in _TIMES_NAMES:
            files = FontFiles(*(folder / n for n in names))
            if all(p.is_file() for p in files.all()):
                return files
    return None


_lock = threading.Lock()
_registered: FontFiles | None = None


def missing_glyphs(font: Any) -> str:
    """The Vietnamese letters (and ₫, dashes, quotes) a loaded TTFont cannot draw."""
    return "".join(ch for ch in _VIETNAMESE_SAMPLE if ord(ch) not in font.face.charToGlyph)


def _load(files: FontFiles) -> list[Any]:
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = [TTFont(name, str(path)) for name, path in zip((REGULAR, BOLD, ITALIC, BOLD_ITALIC), files.all())]
    for font, path in zip(fonts, files.all()):
        if missing_glyphs(font):
            raise ValueError(f"{path} cannot draw {missing_glyphs(font)!r}")
    return fonts


def ensure_fonts() -> FontFiles:
    """Registers the serif family once (thread-safe: PDFs are built off the Tk thread); returns its files."""
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics

        chosen, fonts = shipped_fonts(), None
        system = system_times()
        if system is not None:
            try:
                fonts, chosen = _load(system), system
            except Exception:  # unreadable, restricted or incomplete system font: the shipped one always works
                fonts = None
        if fonts is None:
            fonts = _load(chosen)
        for font in fonts:
            pdfmetrics.registerFont(font)
        # Lets <b> and <i> inside a Paragraph pick the right face, whatever face the style starts from.
        for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
            addMapping(FAMILY, bold, italic, name)
        _registered = chosen
        return chosen


# --- paragraph styles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    body: ParagraphStyle
    basis: ParagraphStyle  # "Căn cứ ..." lines
    article: ParagraphStyle  # "Điều n. ..." headings
    party: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    centre: ParagraphStyle
    centre_italic: ParagraphStyle
    header_parent: ParagraphStyle
    header_org: ParagraphStyle
    header_number: ParagraphStyle
    header_nation: ParagraphStyle
    header_motto: ParagraphStyle
    header_date: ParagraphStyle
    sign_title: ParagraphStyle
    sign_hint: ParagraphStyle
    sign_name: ParagraphStyle
    recipients_title: ParagraphStyle
    recipients: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_centre: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle


def _style(name: str, size: float = BODY_SIZE, font: str = REGULAR, align: int = TA_JUSTIFY, **kw: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=round(size * LEADING, 2), alignment=align, **kw)


@cache
def sheet() -> Sheet:
    ensure_fonts()
    indent = 10 * mm  # NĐ 30: paragraphs start 1–1.27 cm in
    body = _style("body", spaceAfter=6, firstLineIndent=indent)
    cell = _style("cell", 10, align=TA_LEFT)
    return Sheet(
        body=body,
        basis=_style("basis", font=ITALIC, spaceAfter=6, firstLineIndent=indent),
        article=_style("article", font=BOLD, spaceBefore=6, spaceAfter=6, firstLineIndent=indent, keepWithNext=1),
        party=_style("party", font=BOLD, align=TA_LEFT, spaceBefore=6, spaceAfter=6, firstLineIndent=indent, keepWithNext=1),
        title=_style("title", 14, BOLD, TA_CENTER, spaceBefore=18, spaceAfter=2),
        subtitle=_style("subtitle", font=BOLD, align=TA_CENTER, spaceAfter=2),
        centre=_style("centre", align=TA_CENTER, spaceAfter=6),
        centre_italic=_style("centre_italic", font=ITALIC, align=TA_CENTER, spaceAfter=6),
        header_parent=_style("header_parent", 12, align=TA_CENTER),
        header_org=_style("header_org", 12, BOLD, TA_CENTER),
        header_number=_style("header_number", align=TA_CENTER, spaceBefore=4),
        header_nation=_style("header_nation", 12, BOLD, TA_CENTER),
        header_motto=_style("header_motto", 13, BOLD, TA_CENTER),
        header_date=_style("header_date", font=ITALIC, align=TA_CENTER, spaceBefore=8),
        sign_title=_style("sign_title", font=BOLD, align=TA_CENTER),
        sign_hint=_style("sign_hint", 12, ITALIC, TA_CENTER),
        sign_name=_style("sign_name", font=BOLD, align=TA_CENTER),
        recipients_title=_style("recipients_title", 12, BOLD_ITALIC, TA_LEFT, spaceBefore=12),
        recipients=_style("recipients", 11, align=TA_LEFT),
        note=_style("note", 11, align=TA_LEFT, spaceAfter=2),
        cell=cell,
        cell_centre=_style("cell_centre", 10, align=TA_CENTER),
        cell_right=_style("cell_right", 10, align=TA_RIGHT),
        cell_head=_style("cell_head", 10, BOLD, TA_CENTER),
    )


# --- user text into Paragraph markup --------------------------------------------------------------


def esc(text: str) -> str:
    """NFC and escaped for Paragraph markup; line breaks kept as <br/>. Every user string passes here."""
    return escape(nfc(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (user data or a translated sentence): never read as markup."""
    return Paragraph(esc(text), style)


def rich(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph from markup the builder assembled itself out of esc()-ed pieces and literal tags."""
    return Paragraph(markup, style)
