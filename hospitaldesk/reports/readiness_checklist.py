"""The blank readiness checklist (bảng kiểm đánh giá sự sẵn sàng), printed to fill in by hand on
a ward round: one row per item with four tick boxes, a box for the quantity found and room
for notes; a legend, and signatures of the assessors and the facility's director.

build_checklist(form) -> PDF bytes: pure, no database, no screen. The pieces the filled report
shares with it (header and title, the essential-item tag, the signatures, the extra styles)
live here too; readiness_report.py imports them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from hospitaldesk.i18n import _, current_language, pgettext
from hospitaldesk.reports.blocks import (
    CELL_PAD, GRID, grid_style, national_header, signature_cell, signature_table, table_style,
)
from hospitaldesk.reports.page import PageSetup, render
from hospitaldesk.reports.readiness_data import ChecklistForm, ChecklistItem
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import CONTENT_WIDTH, ITALIC, esc, para, rich, sheet

SECTION_FILL = colors.Color(0.95, 0.95, 0.95)
HINT_GREY = colors.Color(0.25, 0.25, 0.25)
BOX_SIZE = 3.6 * mm
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
# mm, summing to the 165 mm text width: No., item, required, found, four tick boxes, notes.
_WIDTHS_MM = (9, 59, 13, 13, 11, 11, 11, 11, 27)
FILL_DATE = "....../....../.........."  # a date to write in by hand


@dataclass(frozen=True)
class Extra:
    """Styles only the readiness documents use, derived from the house sheet."""

    line: ParagraphStyle  # "Cơ sở y tế: ...", flush left
    section: ParagraphStyle  # "I. Kết quả theo lĩnh vực"
    means: ParagraphStyle  # the "counts as available" criterion under an item
    head_small: ParagraphStyle  # the tick columns' headers
    legend: ParagraphStyle
    verdict: ParagraphStyle


@cache
def extra() -> Extra:
    s = sheet()
    return Extra(
        line=ParagraphStyle("rd_line", parent=s.body, alignment=TA_LEFT, firstLineIndent=0, spaceAfter=3),
        section=ParagraphStyle("rd_section", parent=s.article, firstLineIndent=0, spaceBefore=12, spaceAfter=5,
                               keepWithNext=0),  # section() keeps it with what follows
        means=ParagraphStyle("rd_means", parent=s.cell, fontName=ITALIC, fontSize=8.5, leading=10, textColor=HINT_GREY),
        head_small=ParagraphStyle("rd_head_small", parent=s.cell_head, fontSize=8, leading=9.5),
        legend=ParagraphStyle("rd_legend", parent=s.cell, fontSize=10, leading=12),
        verdict=ParagraphStyle("rd_verdict", parent=s.title, fontSize=15, leading=18, spaceBefore=0, spaceAfter=4),
    )


# --- pieces both readiness documents use ---------------------------------------------------------


class TickBox(Flowable):
    """An empty square to tick by hand, centred in its cell: drawn, so it prints as a box in any font."""

    def __init__(self, size: float = BOX_SIZE) -> None:
        super().__init__()
        self.size = size
        self._avail = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, self.size

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.setStrokeColor(colors.black)
        self.canv.rect((self._avail - self.size) / 2, 0, self.size, self.size, stroke=1, fill=0)


def essential_tag() -> str:
    """' (thiết yếu)' in bold: marks a critical item in every table, legible in black and white."""
    tag = _("(essential)")  # outside the f-string: pybabel must see it
    return f" <b>{esc(tag)}</b>"


def title_block(title: str, technique: str, specialty: str, version: int) -> list[Flowable]:
    s = sheet()
    out: list[Flowable] = [para(title, s.title),
                           para(_("Technique: {technique}").format(technique=technique.strip()), s.subtitle)]
    lines = [_("Specialty: {specialty}").format(specialty=specialty.strip())] if specialty.strip() else []
    lines.append(_("Checklist version {version}").format(version=version))
    out += [rich("<br/>".join(esc(line) for line in lines), s.centre_italic), Spacer(1, 4)]
    return out


def signatures(assessors: Sequence[str], space: float) -> Table:
    """The assessors (each with room to sign) on the left, the facility's director on the right."""
    return signature_table([
        signature_cell(_("THE ASSESSORS"), names=assessors, hint=_("(Signature and full name)"), space=space),
        signature_cell(_("FOR THE FACILITY"), position=_("Director")),
    ])


def section(heading: str) -> list[Flowable]:
    """A section heading that never ends a page: it moves on when less than 35 mm is left for what follows.
    (keepWithNext would carry a whole table to the next page, leaving half a page blank.)"""
    return [CondPageBreak(35 * mm), para(heading, extra().section)]


def section_row(text: str, columns: int) -> list[Paragraph | str]:
    return [rich(f"<b>{esc(text)}</b>", sheet().cell), *([""] * (columns - 1))]


def domain_heading(number: int, label: str) -> str:
    return f"{ROMAN[number - 1] if number <= len(ROMAN) else number}. {label.strip()}"


def dotted(text: str, style: ParagraphStyle, width: float = CONTENT_WIDTH) -> Paragraph:
    """`text` followed by dots to the end of the line: a line to fill in by hand."""
    used = stringWidth(text, style.fontName, style.fontSize) + stringWidth(" ", style.fontName, style.fontSize)
    dots = int((width - used) / stringWidth(".", style.fontName, style.fontSize)) - 2
    return para(f"{text} {'.' * max(dots, 3)}", style)


# --- the checklist -------------------------------------------------------------------------------


def build_checklist(form: ChecklistForm) -> bytes:
    story: list[Flowable] = [national_header("", form.issuer, None, "", None, dated=False)]
    story += title_block(_("READINESS ASSESSMENT CHECKLIST"), form.technique, form.specialty, form.template_version)
    story += _fill_lines(form)
    story += [*section(_("How to fill in")), _legend(), Spacer(1, 8)]
    story.append(checklist_table(form))
    story += [Spacer(1, 10), signatures([], 25 * mm)]
    stamp = DocumentStamp("readiness_checklist", form.record_id, str(form.template_version), "", current_language())
    return render(story, PageSetup(
        stamp=stamp, draft=False,
        footer=_("Checklist {technique} · version {version}").format(technique=form.technique.strip(),
                                                                       version=form.template_version),
        title=_("Readiness checklist: {technique}").format(technique=form.technique.strip()),
        subject=_("Readiness assessment checklist"),
    ))


def _fill_lines(form: ChecklistForm) -> list[Flowable]:
    line = extra().line
    facility = _("Facility: {facility}")
    out: list[Flowable] = [
        para(facility.format(facility=form.facility.strip()), line) if form.facility.strip()
        else dotted(facility.format(facility="").rstrip(), line),
        para(_("Date of assessment: {date}").format(date=FILL_DATE), line),
        para(_("Assessors (full name, title, unit):"), line),
    ]
    out += [dotted(f"{n}.", line) for n in (1, 2, 3)]
    return out


def _legend() -> Table:
    x = extra()
    rows: list[list[Flowable | Paragraph | str]] = [[para(_("Tick exactly one box for each item, write the quantity "
                                                            "found, and note what is missing or still to be done."),
                                                          x.legend), "", ""]]
    for label, meaning in _ticks():
        rows.append([TickBox(), rich(f"<b>{esc(label)}</b>", x.legend), para(meaning, x.legend)])
    rows.append([rich(essential_tag().strip(), x.legend), "",
                 para(_("An essential item: if it is not fully available, the facility is not ready to carry out "
                        "the technique, even when its readiness index reaches the threshold."), x.legend)])
    table = Table(rows, colWidths=[10 * mm, 30 * mm, CONTENT_WIDTH - 40 * mm])
    table.setStyle(table_style(
        ("SPAN", (0, 0), (-1, 0)), ("SPAN", (0, -1), (1, -1)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BOX", (0, 0), (-1, -1), 0.5, GRID),
    ))
    return table


def _ticks() -> list[tuple[str, str]]:
    """The four answers, as the column headers and the legend name them."""
    return [
        (pgettext("readiness answer", "Yes"),
         _("available in the required quantity and meeting the criterion printed under the item")),
        (pgettext("readiness answer", "Partly"),
         _("available, but not in the required quantity or not meeting the whole criterion")),
        (pgettext("readiness answer", "No"), _("not available")),
        (pgettext("readiness answer", "N/A"), _("does not apply to this facility; not counted in the score")),
    ]


def checklist_table(form: ChecklistForm) -> Table:
    """Two header rows repeated on every page; a domain's heading never ends a page without its first item."""
    s, x = sheet(), extra()
    columns = len(_WIDTHS_MM)
    rows: list[list[Flowable | Paragraph | str]] = [
        [para(_("No."), s.cell_head), para(_("Item and what counts as available"), s.cell_head),
         para(_("Required quantity"), x.head_small), para(_("Quantity found"), x.head_small),
         para(_("Assessment (tick one box)"), x.head_small), "", "", "", para(_("Notes"), s.cell_head)],
        ["", "", "", "", *(para(label, x.head_small) for label, _meaning in _ticks()), ""],
    ]
    commands: list[tuple[object, ...]] = [
        *grid_style(header_rows=2),
        *(("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 8)), ("SPAN", (4, 0), (7, 0)),
        ("LEFTPADDING", (2, 0), (7, -1), 1.5), ("RIGHTPADDING", (2, 0), (7, -1), 1.5),
        ("VALIGN", (2, 2), (7, -1), "MIDDLE"),
    ]
    number = 0
    for d, domain in enumerate(form.domains, 1):
        r = len(rows)
        rows.append(section_row(domain_heading(d, domain.label), columns))
        commands += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_FILL)]
        if domain.items:
            commands.append(("NOSPLIT", (0, r), (-1, r + 1)))
        for item in domain.items:
            number += 1
            rows.append([para(str(number), s.cell_centre), _item_cell(item), para(str(item.quantity), s.cell_centre),
                         Spacer(1, 8 * mm), TickBox(), TickBox(), TickBox(), TickBox(), ""])
    table = Table(rows, colWidths=[w * mm for w in _WIDTHS_MM], repeatRows=2)
    table.setStyle(table_style(*commands))
    return table


def _item_cell(item: ChecklistItem) -> list[Flowable]:
    s, x = sheet(), extra()
    cell: list[Flowable] = [rich(esc(item.text) + (essential_tag() if item.critical else ""), s.cell)]
    if item.available_means.strip():
        cell.append(para(_("Counts as available: {criterion}").format(criterion=item.available_means.strip()), x.means))
    return cell


__all__ = ["TickBox", "build_checklist", "checklist_table", "essential_tag", "extra", "signatures", "title_block"]
