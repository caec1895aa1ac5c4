"""Pieces the trainee documents share: their extra styles, the 'label  value' table of a person's
details and of their training, the training period, and signatures whose hints line up.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from hospitaldesk.i18n import _, format_date
from hospitaldesk.reports.blocks import signature_table, table_style
from hospitaldesk.reports.styles import BOLD, CONTENT_WIDTH, para, sheet

FILL_LINE = "..............................."  # a detail to write in by hand
INDENT = 10 * mm  # NĐ 30: paragraphs start 1–1.27 cm in; the details tables line up with them

Detail = tuple[str, str]  # (label, value)
DetailRow = Detail | tuple[Detail, Detail]  # one detail across the line, or two side by side


@dataclass(frozen=True)
class TraineeStyles:
    cert_title: ParagraphStyle  # "GIẤY CHỨNG NHẬN"
    cert_subtitle: ParagraphStyle
    cert_lead: ParagraphStyle  # "CHỨNG NHẬN ÔNG/BÀ:"
    cert_name: ParagraphStyle
    cert_line: ParagraphStyle  # "Đã hoàn thành khóa đào tạo chuyển giao kỹ thuật:"
    cert_technique: ParagraphStyle
    label: ParagraphStyle  # a details table's labels
    value: ParagraphStyle  # its values, bold
    lead: ParagraphStyle  # a sentence introducing a details table or a list
    title: ParagraphStyle  # "BẢN CAM KẾT": the house title, a little closer to the header
    clause: ParagraphStyle  # a numbered commitment: the body, a little tighter, so the letter keeps to one page


@cache
def trainee_styles() -> TraineeStyles:
    s = sheet()
    return TraineeStyles(
        cert_title=ParagraphStyle("tr_cert_title", parent=s.title, fontSize=26, leading=31, spaceBefore=30, spaceAfter=6),
        cert_subtitle=ParagraphStyle("tr_cert_subtitle", parent=s.subtitle, fontSize=14, leading=17, spaceAfter=0),
        cert_lead=ParagraphStyle("tr_cert_lead", parent=s.subtitle, spaceBefore=22, spaceAfter=6),
        cert_name=ParagraphStyle("tr_cert_name", parent=s.title, fontSize=22, leading=27, spaceBefore=0, spaceAfter=14),
        cert_line=ParagraphStyle("tr_cert_line", parent=s.centre, spaceBefore=14, spaceAfter=4),
        cert_technique=ParagraphStyle("tr_cert_technique", parent=s.title, fontSize=16, leading=20, spaceBefore=0,
                                      spaceAfter=14),
        label=ParagraphStyle("tr_label", parent=s.body, alignment=TA_LEFT, firstLineIndent=0, spaceAfter=0),
        value=ParagraphStyle("tr_value", parent=s.body, fontName=BOLD, alignment=TA_LEFT, firstLineIndent=0,
                             spaceAfter=0),
        lead=ParagraphStyle("tr_lead", parent=s.body, spaceBefore=4, spaceAfter=2, keepWithNext=1),
        title=ParagraphStyle("tr_title", parent=s.title, spaceBefore=12),
        clause=ParagraphStyle("tr_clause", parent=s.body, spaceAfter=3),
    )


def details_table(rows: Sequence[DetailRow], widths: Sequence[float], *, centred: bool = False) -> Table:
    """Labels, then their values in bold; a long value wraps inside its own column.

    `widths` are the columns: (label, value) or (label, value, label, value) when some rows hold two
    details side by side; flush right (so indented like the body when they sum to the text width
    less INDENT), or centred. A one-detail row spans the other columns. An empty value leaves its detail
    out (a pair then becomes a single detail); FILL_LINE keeps a row to fill in by hand."""
    st = trainee_styles()
    columns = len(widths)
    body: list[list[object]] = []
    spans: list[tuple[object, ...]] = []
    for row in rows:
        pair: list[Detail] = list(row) if isinstance(row[0], tuple) else [row]
        kept = [(label, value.strip()) for label, value in pair if value.strip()]
        if not kept:
            continue
        cells: list[object] = []
        for label, value in kept:
            cells += [para(label, st.label), para(value, st.value)]
        if len(kept) == 1 and columns > 2:
            spans.append(("SPAN", (1, len(body)), (-1, len(body))))
        body.append(cells + [""] * (columns - len(cells)))
    table = Table(body or [[""] * columns], colWidths=list(widths),
                  hAlign="CENTER" if centred else "RIGHT")
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        *spans,
    ))
    return table


def period(start: dt.date, end: dt.date) -> str:
    """'từ ngày 05/01/2026 đến ngày 03/04/2026'."""
    return _("from {start} to {end}").format(start=format_date(start), end=format_date(end))


def aligned_signatures(cells: Sequence[list[Flowable]]) -> Table:
    """Signature columns side by side, the room to sign starting at the same height in each (so the
    names line up): a heading on two lines or a position line in one column is matched by space
    above the others' room to sign."""
    width = CONTENT_WIDTH / max(len(cells), 1) - 12  # the cell padding of signature_table

    def head_height(cell: list[Flowable]) -> float:
        total = 0.0
        for flowable in cell:
            if isinstance(flowable, Spacer):
                break
            total += flowable.wrap(width, 1000)[1]
        return total

    tallest = max((head_height(c) for c in cells), default=0.0)
    padded = []
    for cell in cells:
        room = next((i for i, f in enumerate(cell) if isinstance(f, Spacer)), len(cell))
        gap = tallest - head_height(cell)
        padded.append([*cell[:room], Spacer(1, gap), *cell[room:]] if gap > 0.5 else list(cell))
    return signature_table(padded)


__all__ = ["FILL_LINE", "INDENT", "aligned_signatures", "details_table", "period", "trainee_styles"]
