"""The retention report of trained staff (báo cáo duy trì nhân lực được đào tạo): per technique, how
many were trained, how many still work at the facility, and how many stayed 6, 12 and 24 months
after their training; the departures, with the commitments broken; the commitments to serve that
end soon. Techniques at risk are shaded and marked in bold red, like the critical gaps of the
readiness report.

build_retention_report(data) -> PDF bytes: pure, no database, no screen.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from hospitaldesk.i18n import _, current_language, format_date, format_number, ngettext, pgettext
from hospitaldesk.reports.blocks import CELL_PAD, grid_style, national_header, signature_cell, table_style
from hospitaldesk.reports.page import PageSetup, render
from hospitaldesk.reports.readiness_checklist import extra, section
from hospitaldesk.reports.readiness_report import MISSING_FILL, NO_VALUE, NOT_READY_INK, percent
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import esc, para, rich, sheet
from hospitaldesk.reports.trainee_blocks import aligned_signatures
from hospitaldesk.reports.trainee_data import (
    CommitmentLine, DepartureLine, Milestone, RetentionReportData, TechniqueRetention,
)

# mm, summing to the 165 mm text width. The milestone columns share _MILESTONES_MM.
_TECHNIQUE_MM = (9, 39, 15, 16)
_MILESTONES_MM = 48
_TAIL_MM = (17, 21)  # required, assessment
_DEPARTURE_MM = (9, 31, 29, 19, 19, 21, 19, 18)
_ENDING_MM = (9, 54, 55, 25, 22)
Cell: TypeAlias = Flowable | Paragraph | str


def _red(markup: str) -> str:
    return f'<font color="#{NOT_READY_INK.hexval()[2:]}"><b>{markup}</b></font>'


def build_retention_report(data: RetentionReportData) -> bytes:
    s, x = sheet(), extra()
    as_of = format_date(data.as_of)
    story: list[Flowable] = [
        national_header(data.facility_parent, data.facility, None, data.place, data.as_of),
        para(_("RETENTION REPORT OF TRAINED STAFF"), s.title),
    ]
    notes = [_("As of {date}").format(date=as_of), data.period.strip()]
    story += [rich("<br/>".join(esc(n) for n in notes if n), s.centre_italic), Spacer(1, 2)]
    story += _summary(data)
    story += section(_("I. Retention by technique"))
    if data.techniques:
        story += [para(_("n/m: of the m people whose training ended at least that long ago, n were still working at "
                         "the facility then; —: nobody has reached that point yet. Techniques at risk are shaded and "
                         "marked in bold red."), x.legend),
                  Spacer(1, 3), _technique_table(data.techniques, data.milestone_months)]
    else:
        story.append(para(_("No technique has trained staff yet."), x.line))
    story += [*section(_("II. Trained staff who left")),
              _departure_table(data.departures) if data.departures
              else para(_("No trained staff member has left."), x.line)]
    ending = ngettext("III. Commitments to serve ending within {days} day",
                      "III. Commitments to serve ending within {days} days", data.window_days).format(days=data.window_days)
    story += [*section(ending),
              _ending_table(data.commitments_ending) if data.commitments_ending
              else para(_("No commitment ends in this period."), x.line)]
    story.append(KeepTogether([Spacer(1, 12), *_closing(data)]))
    facility = data.facility.strip()
    stamp = DocumentStamp("retention_report", data.record_id, data.as_of.isoformat(), "", current_language())
    return render(story, PageSetup(
        stamp=stamp, draft=False,
        footer=_("Retention report · {facility} · as of {date}").format(facility=facility, date=as_of),
        title=_("Retention report of trained staff: {facility}, as of {date}").format(facility=facility, date=as_of),
        subject=_("Retention report of trained staff"),
    ))


def _summary(data: RetentionReportData) -> list[Flowable]:
    line = extra().line
    at_risk = sum(1 for t in data.techniques if t.at_risk)
    broken = sum(1 for d in data.departures if d.breaks_commitment)
    lines = [
        ngettext("{count} technique followed, {risk} at risk.", "{count} techniques followed, {risk} at risk.",
                 len(data.techniques)).format(count=len(data.techniques), risk=at_risk),
        ngettext("{count} departure, {broken} of them before the end of the commitment to serve.",
                 "{count} departures, {broken} of them before the end of the commitment to serve.",
                 len(data.departures)).format(count=len(data.departures), broken=broken),
    ]
    return [para(text, line) for text in lines]


def milestone_text(milestone: Milestone | None, width: float | None = None) -> str:
    """'7/9 (78 %)' on two lines; '—' when nobody is eligible yet. Counts too wide for `width` (points)
    break after the slash rather than inside a number."""
    if milestone is None or milestone.eligible <= 0:
        return NO_VALUE
    share = percent(milestone.retained / milestone.eligible, "#,##0")
    counts = f"{format_number(milestone.retained)}/{format_number(milestone.eligible)}"
    s = sheet().cell_centre
    slash = "/<br/>" if width is not None and stringWidth(counts, s.fontName, s.fontSize) > width else "/"
    return f"{esc(format_number(milestone.retained))}{slash}{esc(format_number(milestone.eligible))}<br/>({esc(share)})"


def _technique_table(techniques: Sequence[TechniqueRetention], months: Sequence[int]) -> Table:
    s, x = sheet(), extra()
    k = max(len(months), 1)
    inner = _MILESTONES_MM * mm / k - 2 * CELL_PAD
    heads = [_("No."), _("Technique"), _("Trained"), _("Working now")]
    tails = [_("Minimum required"), _("Assessment")]
    rows: list[list[Cell]] = [
        [para(h, s.cell_head) for h in heads] + [para(_("Still working after"), s.cell_head)] + [""] * (k - 1)
        + [para(tails[0], x.head_small), para(tails[1], s.cell_head)],
        [""] * len(heads) + [para(ngettext("{count} month", "{count} months", m).format(count=m), s.cell_head)
                             for m in months] + [""] * len(tails),
    ]
    commands: list[tuple[object, ...]] = [
        *grid_style(header_rows=2), ("SPAN", (len(heads), 0), (len(heads) + k - 1, 0)),
        *(("SPAN", (c, 0), (c, 1)) for c in [*range(len(heads)), len(heads) + k, len(heads) + k + 1]),
        ("VALIGN", (2, 2), (-1, -1), "MIDDLE"),
    ]
    for i, t in enumerate(techniques, 1):
        r = len(rows)
        by_months = {m.months: m for m in t.milestones}
        short = t.required is not None and t.active < t.required
        active = esc(format_number(t.active))
        status = _red(esc(_("At risk"))) if t.at_risk else esc(_("Stable"))
        rows.append([
            para(str(i), s.cell_centre),
            rich(_red(esc(t.technique)) if t.at_risk else esc(t.technique), s.cell),
            para(format_number(t.trained), s.cell_centre),
            rich(_red(active) if short else active, s.cell_centre),
            *(rich(milestone_text(by_months.get(m), inner), s.cell_centre) for m in months),
            para(format_number(t.required) if t.required is not None else NO_VALUE, s.cell_centre),
            rich(status, s.cell_centre),
        ])
        if t.at_risk:
            commands.append(("BACKGROUND", (0, r), (-1, r), MISSING_FILL))
    widths = [*_TECHNIQUE_MM, *([_MILESTONES_MM / k] * k), *_TAIL_MM]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=2)
    table.setStyle(table_style(*commands))
    return table


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not known")
    return pgettext("retention", "Yes") if value else pgettext("retention", "No")


def _departure_table(departures: Sequence[DepartureLine]) -> Table:
    s, x = sheet(), extra()
    heads = [_("No."), _("Full name, profession"), _("Technique"), _("Left on"), _("Reason"), _("Moved to"),
             _("Commitment broken"), _("Still performs it in the region")]
    rows: list[list[Cell]] = [[para(h, x.head_small if i >= 6 else s.cell_head) for i, h in enumerate(heads)]]
    commands: list[tuple[object, ...]] = [*grid_style()]
    for i, d in enumerate(departures, 1):
        r = len(rows)
        who = esc(d.name) + (f"<br/><i>{esc(d.profession)}</i>" if d.profession.strip() else "")
        broken = _red(esc(_yes_no(True))) if d.breaks_commitment else esc(_yes_no(False))
        rows.append([
            para(str(i), s.cell_centre), rich(who, s.cell),
            rich("<br/>".join(esc(t) for t in d.techniques if t.strip()), s.cell),
            para(format_date(d.left_on) or NO_VALUE, s.cell_centre), para(d.reason, s.cell),
            para(d.destination or NO_VALUE, s.cell), rich(broken, s.cell_centre),
            para(_yes_no(d.still_performs), s.cell_centre),
        ])
        if d.breaks_commitment:
            commands.append(("BACKGROUND", (0, r), (-1, r), MISSING_FILL))
    table = Table(rows, colWidths=[w * mm for w in _DEPARTURE_MM], repeatRows=1)
    table.setStyle(table_style(*commands))
    return table


def _ending_table(lines: Sequence[CommitmentLine]) -> Table:
    s = sheet()
    heads = [_("No."), _("Full name"), _("Technique"), _("Ends on"), _("Days left")]
    rows: list[list[Cell]] = [[para(h, s.cell_head) for h in heads]]
    for i, line in enumerate(lines, 1):
        rows.append([
            para(str(i), s.cell_centre), para(line.name, s.cell), para(line.technique, s.cell),
            para(format_date(line.ends_on), s.cell_centre),
            para(ngettext("{count} day", "{count} days", line.days_left).format(count=format_number(line.days_left)),
                 s.cell_centre),
        ])
    table = Table(rows, colWidths=[w * mm for w in _ENDING_MM], repeatRows=1)
    table.setStyle(table_style(*grid_style()))
    return table


def _closing(data: RetentionReportData) -> list[Flowable]:
    s = sheet()
    out: list[Flowable] = [aligned_signatures([
        signature_cell(_("PREPARED BY"), names=[data.prepared_by], hint=_("(Signature and full name)")),
        signature_cell(_("FOR THE FACILITY"), position=data.signer_title.strip() or _("Director"),
                       names=[data.signer_name]),
    ])]
    recipients = [r.strip() for r in data.recipients if r.strip()]
    if recipients:
        out.append(para(_("Recipients:"), s.recipients_title))
        out += [para(f"- {r}", s.recipients) for r in recipients]
    return out


__all__ = ["build_retention_report", "milestone_text"]
