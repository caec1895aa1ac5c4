"""The filled readiness assessment (báo cáo đánh giá sự sẵn sàng triển khai kỹ thuật): the verdict
and readiness index in a box, a score bar per domain, the essential items still missing, every
answer, and the action plan for the gaps with its total cost.

build_readiness_report(report) -> PDF bytes: pure, no database, no screen.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from hospitaldesk.i18n import _, current_language, format_date, format_money, format_number
from hospitaldesk.reports.blocks import CELL_PAD, grid_style, national_header, table_style
from hospitaldesk.reports.page import PageSetup, render
from hospitaldesk.reports.readiness_checklist import (
    FILL_DATE, SECTION_FILL, domain_heading, essential_tag, extra, section, section_row, signatures, title_block,
)
from hospitaldesk.reports.readiness_data import Answer, DomainResult, GapLine, ReadinessReport
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import BOLD, CONTENT_WIDTH, esc, para, rich, sheet

READY_INK, READY_FILL = colors.Color(0.08, 0.42, 0.18), colors.Color(0.9, 0.96, 0.91)
NOT_READY_INK, NOT_READY_FILL = colors.Color(0.72, 0.08, 0.08), colors.Color(0.99, 0.92, 0.91)
MISSING_FILL = colors.Color(1.0, 0.89, 0.87)  # prints as a light grey: still visible in black and white
BAR_TRACK = colors.Color(0.92, 0.92, 0.92)
NO_VALUE = "—"
# mm, summing to the 165 mm text width.
_DOMAIN_WIDTHS_MM = (9, 61, 20, 55, 20)
_ANSWER_WIDTHS_MM = (9, 65, 15, 15, 28, 33)
_GAP_WIDTHS_MM = (9, 43, 27, 19, 25, 23, 19)


def percent(share: float | None, pattern: str = "#,##0.0") -> str:
    """0.825 -> '82,5 %' (vi) / '82.5%' (en); halves round up, as people expect; None -> '—'."""
    if share is None:
        return NO_VALUE
    from babel.numbers import format_decimal

    places = len(pattern.partition(".")[2])
    value = (Decimal(str(share)) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # A no-break space: '82,5' and '%' never land on two lines.
    return _("{value}%").format(value=format_decimal(value, format=pattern, locale=current_language())).replace(" ", "\u00a0")


def threshold_percent(share: float) -> str:
    return percent(share, "#,##0.#")  # 80 %, 82,5 %


class ScoreBar(Flowable):
    """A domain's score as a filled bar, with the readiness threshold marked across it."""

    HEIGHT = 3.6 * mm

    def __init__(self, score: float, threshold: float) -> None:
        super().__init__()
        self.score, self.threshold = max(0.0, min(score, 1.0)), max(0.0, min(threshold, 1.0))
        self._avail = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, self.HEIGHT

    def draw(self) -> None:
        c, w, h = self.canv, self._avail, self.HEIGHT
        c.setLineWidth(0.4)
        c.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        c.setFillColor(BAR_TRACK)
        c.rect(0, 0, w, h, stroke=1, fill=1)
        if self.score > 0:
            c.setFillColor(READY_INK if self.score >= self.threshold else NOT_READY_INK)
            c.rect(0, 0, w * self.score, h, stroke=0, fill=1)
        c.setStrokeColor(colors.black)
        c.setLineWidth(1)
        c.line(w * self.threshold, -1.2, w * self.threshold, h + 1.2)


def build_readiness_report(report: ReadinessReport) -> bytes:
    x = extra()
    story: list[Flowable] = [national_header("", report.issuer, None, "", report.assessed_on)]
    story += title_block(_("READINESS ASSESSMENT REPORT FOR CARRYING OUT A TECHNIQUE"), report.technique, "",
                         report.template_version)
    story += _identity(report)
    story += [Spacer(1, 6), _verdict_box(report)]
    story += [*section(_("I. Scores by domain")), _domain_table(report)]
    story += [*section(_("II. Essential items still missing")), _critical_gaps(report.critical_gaps)]
    story += [*section(_("III. Detailed results")),
              para(_("Items not met are shaded; essential items not met are also printed in bold red."), x.legend),
              Spacer(1, 3), _answer_table(report.domains)]
    story += [*section(_("IV. Action plan for the gaps")), _gap_table(report.gaps) if report.gaps
              else para(_("No gap needs an action plan."), x.line)]
    story.append(KeepTogether([Spacer(1, 12), signatures(report.assessors, 18 * mm)]))
    stamp = DocumentStamp("readiness_report", report.record_id, report.agreement_number, "", current_language())
    names = {"technique": report.technique.strip(), "facility": report.facility.strip()}
    return render(story, PageSetup(
        stamp=stamp, draft=report.draft,
        footer=_("Readiness report: {technique} · {facility}").format(**names),
        title=_("Readiness assessment report: {technique} at {facility}").format(**names),
        subject=_("Readiness assessment report"),
    ))


def _identity(report: ReadinessReport) -> list[Flowable]:
    line = extra().line
    date = format_date(report.assessed_on) if report.assessed_on else FILL_DATE
    lines = [_("Facility: {facility}").format(facility=report.facility.strip()),
             _("Date of assessment: {date}").format(date=date)]
    assessors = [a.strip() for a in report.assessors if a.strip()]
    if assessors:
        lines.append(_("Assessors: {names}").format(names=", ".join(assessors)))
    if report.agreement_number.strip():
        lines.append(_("Under agreement No. {number}").format(number=report.agreement_number.strip()))
    return [para(text, line) for text in lines]


def _verdict_box(report: ReadinessReport) -> Table:
    s, x = sheet(), extra()
    ink, fill = (READY_INK, READY_FILL) if report.ready else (NOT_READY_INK, NOT_READY_FILL)
    heading = _("CONCLUSION: READY") if report.ready else _("CONCLUSION: NOT READY")
    colour = ink.hexval()[2:]
    body: list[Flowable] = [rich(f'<font color="#{colour}">{esc(heading)}</font>', x.verdict)]
    if report.verdict.strip():
        body.append(para(report.verdict, s.centre_italic))
    index = _("Readiness index: {index} (threshold: {threshold})").format(
        index=percent(report.index), threshold=threshold_percent(report.threshold))
    body.append(rich(f"<b>{esc(index)}</b>", s.centre))
    if not report.ready and report.index is not None and report.index >= report.threshold and report.critical_gaps:
        body.append(para(_("The index reaches the threshold, but a missing essential item blocks readiness."), s.centre))
    box = Table([[body]], colWidths=[CONTENT_WIDTH])
    box.setStyle(table_style(
        ("BOX", (0, 0), (-1, -1), 1.5, ink), ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ))
    return box


def _domain_table(report: ReadinessReport) -> Table:
    s = sheet()
    rows: list[list[Flowable | Paragraph | str]] = [[
        para(_("No."), s.cell_head), para(_("Domain"), s.cell_head), para(_("Score"), s.cell_head),
        para(_("Score against the threshold ({threshold})").format(threshold=threshold_percent(report.threshold)),
             s.cell_head),
        para(_("Items not met"), s.cell_head)]]
    for i, domain in enumerate(report.domains, 1):
        missing = sum(1 for a in domain.answers if a.available is False)
        rows.append([para(str(i), s.cell_centre), para(domain.label, s.cell), para(percent(domain.score), s.cell_centre),
                     _bar(domain.score, report.threshold), para(format_number(missing), s.cell_centre)])
    label = _("Readiness index")
    rows.append([rich(f"<b>{esc(label)}</b>", s.cell), "",
                 rich(f"<b>{esc(percent(report.index))}</b>", s.cell_centre), _bar(report.index, report.threshold), ""])
    table = Table(rows, colWidths=[w * mm for w in _DOMAIN_WIDTHS_MM], repeatRows=1)
    table.setStyle(table_style(*grid_style(), ("VALIGN", (0, 1), (-1, -1), "MIDDLE"), ("SPAN", (0, -1), (1, -1)),
                               ("BACKGROUND", (0, -1), (-1, -1), SECTION_FILL), ("NOSPLIT", (0, -2), (-1, -1))))
    return table


def _bar(score: float | None, threshold: float) -> Flowable:
    return ScoreBar(score, threshold) if score is not None else para(_("not applicable"), extra().means)


def _critical_gaps(gaps: list[str]) -> Flowable:
    x = extra()
    if not gaps:
        return para(_("None: every essential item is available."), x.line)
    colour = NOT_READY_INK.hexval()[2:]
    items = [rich(f'<font color="#{colour}"><b>– {esc(text.strip())}</b></font>', x.line) for text in gaps]
    box = Table([[items]], colWidths=[CONTENT_WIDTH])
    box.setStyle(table_style(
        ("BOX", (0, 0), (-1, -1), 1.2, NOT_READY_INK), ("BACKGROUND", (0, 0), (-1, -1), NOT_READY_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ))
    return box


def _answer_table(domains: list[DomainResult]) -> Table:
    s = sheet()
    heads = [_("No."), _("Item"), _("Required quantity"), _("Quantity found"), _("Result"), _("Notes")]
    rows: list[list[Flowable | Paragraph | str]] = [[para(h, extra().head_small if i in (2, 3) else s.cell_head)
                                                     for i, h in enumerate(heads)]]
    commands: list[tuple[object, ...]] = [*grid_style()]
    number = 0
    for d, domain in enumerate(domains, 1):
        r = len(rows)
        heading = _("{domain} (score: {score})").format(domain=domain_heading(d, domain.label), score=percent(domain.score))
        rows.append(section_row(heading, len(heads)))
        commands += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_FILL)]
        if domain.answers:
            commands.append(("NOSPLIT", (0, r), (-1, r + 1)))
        for answer in domain.answers:
            number += 1
            r = len(rows)
            rows.append(_answer_row(number, answer))
            if answer.available is False:
                commands.append(("BACKGROUND", (4, r), (4, r), MISSING_FILL))
                if answer.critical:
                    commands.append(("BACKGROUND", (0, r), (1, r), MISSING_FILL))
    table = Table(rows, colWidths=[w * mm for w in _ANSWER_WIDTHS_MM], repeatRows=1)
    table.setStyle(table_style(*commands))
    return table


def _answer_row(number: int, answer: Answer) -> list[Flowable | Paragraph | str]:
    s = sheet()
    text, result = esc(answer.text), esc(answer.answer)
    if answer.available is False:
        result = f"<b>{result}</b>"
        if answer.critical:
            text = f'<font color="#{NOT_READY_INK.hexval()[2:]}"><b>{text}</b></font>'
    elif answer.available is None:
        result = f'<i><font color="#{colors.Color(0.35, 0.35, 0.35).hexval()[2:]}">{result}</font></i>'
    found = NO_VALUE if answer.quantity_found is None else format_number(answer.quantity_found)
    return [para(str(number), s.cell_centre), rich(text + (essential_tag() if answer.critical else ""), s.cell),
            para(format_number(answer.quantity_required), s.cell_centre), para(found, s.cell_centre),
            rich(result, s.cell), para(answer.note, s.cell)]


def _gap_table(gaps: list[GapLine]) -> Table:
    s = sheet()
    heads = [_("No."), _("Item to remedy"), _("Responsible"), _("Due date"), _("Estimated cost"), _("Funding source"),
             _("Status")]
    rows: list[list[Flowable | Paragraph | str]] = [[para(h, s.cell_head) for h in heads]]
    for i, gap in enumerate(gaps, 1):
        rows.append([
            para(str(i), s.cell_centre), rich(esc(gap.text) + (essential_tag() if gap.critical else ""), s.cell),
            para(gap.owner, s.cell), para(format_date(gap.due) or NO_VALUE, s.cell_centre),
            para(format_money(gap.cost) if gap.cost else NO_VALUE, s.cell_right), para(gap.funding, s.cell),
            para(gap.status, s.cell),
        ])
    total = format_money(sum(g.cost for g in gaps))
    label = _("Total")
    rows.append([rich(f"<b>{esc(label)}</b>", s.cell_centre), "", "", "",
                 rich(f"<b>{esc(total)}</b>", s.cell_right), "", ""])
    widths = [w * mm for w in _GAP_WIDTHS_MM]
    widest = stringWidth(total, BOLD, s.cell_right.fontSize) + 2 * CELL_PAD + 2
    if widest > widths[4]:  # a large total takes its width from the item column, as in the contract's annex
        widths[1] -= widest - widths[4]
        widths[4] = widest
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(*grid_style(), ("SPAN", (0, -1), (3, -1)), ("NOSPLIT", (0, -2), (-1, -1)),
                               ("BACKGROUND", (0, -1), (-1, -1), SECTION_FILL)))
    return table


__all__ = ["build_readiness_report", "percent"]
