"""The page around the text: page numbers, the verification footer and QR code, the
draft watermark, PDF metadata, and turning a story of flowables into PDF bytes.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from hospitaldesk.i18n import _, current_language
from hospitaldesk.reports.stamp import DocumentStamp, stamp_keywords
from hospitaldesk.reports.styles import (
    BODY_SIZE, BOLD, CONTENT_WIDTH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_SIZE, REGULAR,
    ensure_fonts,
)
from hospitaldesk.text import nfc

QR_SIZE = 14 * mm
QR_BOTTOM = 4 * mm  # the code spans 4–18 mm from the page's foot: inside the 20 mm margin, clear of the text
FOOTER_SIZE = 8
FOOTNOTE_SIZE = 6
FOOTER_GREY = colors.Color(0.3, 0.3, 0.3)
WATERMARK_GREY = colors.Color(0.86, 0.86, 0.86)


@dataclass(frozen=True)
class PageSetup:
    stamp: DocumentStamp
    footer: str  # translated, e.g. "Hợp đồng số 05/HĐ-CGKT · Mã kiểm tra: 3fa9…"
    draft: bool
    title: str  # PDF metadata
    subject: str
    footnote: str = ""  # small print above the footer: the audit log's chain head when the document was printed


def audit_footnote(head: str) -> str:
    """'Audit log when printed: entry 685, 8b41 393c 387d 7f51' from a stamp's '685:8b41393c…'."""
    seq, _sep, value = head.partition(":")
    return _("Audit log when printed: entry {seq}, {hash}").format(seq=seq, hash=grouped_hash(value)) if head else ""


def grouped_hash(value: str) -> str:
    """The first 16 hex digits in fours: enough to compare by eye, easy to read aloud over the phone."""
    return " ".join(value[i:i + 4] for i in range(0, 16, 4))


def short_hash(content_hash: str) -> str:
    return content_hash[:16]


def qr_payload(stamp: DocumentStamp) -> str:
    return f"HOSPITALDESK|{stamp.kind}|{stamp.number}|{stamp.content_hash}"


def qr_modules(payload: str) -> tuple[int, list[tuple[int, int, int]]]:
    """(size, dark runs as (row, first col, length)) of the QR code; error correction M survives a fold or a stain.
    Runs rather than single cells: fewer rectangles, and no hairline seams between neighbours in viewers."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    n = code.getModuleCount()
    runs: list[tuple[int, int, int]] = []
    for r in range(n):
        c = 0
        while c < n:
            if code.isDark(r, c):
                start = c
                while c < n and code.isDark(r, c):
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return n, runs


class _Decorator:
    """Draws what every page carries; the QR code is computed once per document."""

    def __init__(self, setup: PageSetup) -> None:
        self.setup = setup
        self.qr = qr_modules(qr_payload(setup.stamp)) if setup.stamp.content_hash else None

    def __call__(self, canvas: Any, doc: Any) -> None:
        width, height = PAGE_SIZE
        if self.setup.draft:  # onPage runs before the page's text is drawn: the watermark stays beneath it
            self._watermark(canvas, width, height)
        canvas.saveState()
        page = canvas.getPageNumber()
        if page > 1:  # NĐ 30: Arabic numerals centred in the top margin, none on the first page
            canvas.setFont(REGULAR, BODY_SIZE)
            canvas.setFillColor(colors.black)
            canvas.drawCentredString(MARGIN_LEFT + CONTENT_WIDTH / 2, height - MARGIN_TOP / 2 - BODY_SIZE / 3, str(page))
        self._footer(canvas, width)
        canvas.restoreState()

    def _footer(self, canvas: Any, width: float) -> None:
        footer = nfc(self.setup.footer)  # it may carry user text (a technique's name), like the title
        room = CONTENT_WIDTH - (QR_SIZE + 4 * mm if self.qr else 0)
        size = float(FOOTER_SIZE)
        while size > 5 and stringWidth(footer, REGULAR, size) > room:
            size -= 0.5  # a very long contract number: smaller print rather than running under the QR code
        canvas.setFont(REGULAR, size)
        canvas.setFillColor(FOOTER_GREY)
        canvas.drawString(MARGIN_LEFT, QR_BOTTOM + 2, footer)
        if self.setup.footnote:
            canvas.setFont(REGULAR, FOOTNOTE_SIZE)
            canvas.drawString(MARGIN_LEFT, QR_BOTTOM + 2 + FOOTER_SIZE + 2, nfc(self.setup.footnote))
        if self.qr is not None:
            self._qr(canvas, width - MARGIN_RIGHT - QR_SIZE, QR_BOTTOM, *self.qr)

    @staticmethod
    def _qr(canvas: Any, x: float, y: float, n: int, runs: list[tuple[int, int, int]]) -> None:
        # Drawn as one filled path, not through renderPDF, which would pull Helvetica into the PDF.
        # No quiet zone inside the square: the blank page margin around it serves as one.
        cell = QR_SIZE / n
        path = canvas.beginPath()
        for row, col, length in runs:
            path.rect(x + col * cell, y + (n - 1 - row) * cell, length * cell, cell)
        canvas.setFillColor(colors.black)
        canvas.drawPath(path, stroke=0, fill=1)

    def _watermark(self, canvas: Any, width: float, height: float) -> None:
        text = _("DRAFT")
        size = min(110.0, 0.7 * math.hypot(width, height) / max(stringWidth(text, BOLD, 1), 1))  # fits the diagonal
        canvas.saveState()
        canvas.setFillColor(WATERMARK_GREY)
        canvas.setFont(BOLD, size)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(math.degrees(math.atan2(height, width)))
        canvas.drawCentredString(0, -size / 3, text)
        canvas.restoreState()


def render(story: Sequence[Flowable], setup: PageSetup) -> bytes:
    """Lays the story out on A4 pages with the NĐ 30 margins and returns the PDF."""
    ensure_fonts()
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=nfc(setup.title), author="HospitalDesk", subject=nfc(setup.subject), creator="HospitalDesk",
        keywords=stamp_keywords(setup.stamp),
        lang=current_language(), displayDocTitle=1,
        initialFontName=REGULAR, initialFontSize=BODY_SIZE,  # else ReportLab references Helvetica on every page
    )
    # No frame padding: the text block is exactly the decree's margins.
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, CONTENT_WIDTH, PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_Decorator(setup))])
    doc.build(list(story))
    return buffer.getvalue()
