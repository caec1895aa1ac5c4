"""The 6-monthly review report (báo cáo sơ kết), in the administrative style of NĐ 30/2020: the national
header, the title and period, I. the results (the main figures, then agreements, techniques, training
and retention, readiness and gaps, cases and referrals with a chart, then what the user wrote),
II. difficulties, III. the next 6 months' tasks, IV. proposals to the provincial People's Committee and
to the Ministry of Health; recipients on the left and the signature on the right.

build_review_report(document) -> PDF bytes: pure, no database, no screen.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from hospitaldesk.i18n import _, current_language, format_date, format_number
from hospitaldesk.reports.blocks import BLANK_NUMBER, grid_style, national_header, signature_cell, table_style
from hospitaldesk.reports.page import PageSetup, render
from hospitaldesk.reports.readiness_checklist import dotted, extra, section
from hospitaldesk.reports.readiness_report import NO_VALUE, percent
from hospitaldesk.reports.review_chart import CasesChart
from hospitaldesk.reports.review_data import AgreementLine, ReviewDocument, ReviewFigures, ReviewText
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import CONTENT_WIDTH, esc, para, rich, sheet
from hospitaldesk.text import nfc

Cell: TypeAlias = Flowable | Paragraph | str
_HEADLINE_MM = (125, 40)
_AGREEMENT_MM = (9, 26, 30, 30, 48, 22)
_STEP_MM = (9, 30, 42, 58, 26)
_TRAINING_MM = (9, 96, 30, 30)
_READINESS_MM = (9, 45, 55, 28, 28)
_CASES_MM = (9, 52, 18, 18, 18, 25, 25)
LISTED = 60  # rows of a list printed; a region's review has thousands, which the workbook carries in full


def _table(rows: list[list[Cell]], widths: Sequence[float], *commands: tuple[object, ...]) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(table_style(*grid_style(), *commands))
    return table


def _heads(*labels: str) -> list[Cell]:
    s = sheet()
    return [para(label, s.cell_head) for label in labels]


def _n(value: int) -> Paragraph:
    return para(format_number(value), sheet().cell_centre)


def _per_month(value: float | None) -> str:
    return NO_VALUE if value is None else format_number(value)


def _paragraphs(text: str) -> list[Flowable]:
    """The user's lines as paragraphs of the body; nothing written: dotted lines to write on by hand."""
    lines = [line.strip() for line in nfc(text).splitlines() if line.strip()]
    if not lines:
        return [dotted("", extra().line), dotted("", extra().line)]
    return [para(line, sheet().body) for line in lines]


def _more(total: int) -> list[Flowable]:
    """The line under a list cut at LISTED rows."""
    if total <= LISTED:
        return []
    return [para(_("… and {count} more: the Excel export lists them all.").format(count=format_number(total - LISTED)), extra().legend)]


def build_review_report(document: ReviewDocument) -> bytes:
    f, t, s = document.figures, document.text, sheet()
    period = _("from {start} to {end}").format(start=format_date(f.period.start), end=format_date(f.period.end))
    story: list[Flowable] = [
        national_header(t.issuer_parent, t.issuer, t.number or f"{BLANK_NUMBER}/BC", t.place, t.issued_on),
        para(_("REPORT"), s.title),
        para(_("Review of technique transfer over the period {period}").format(period=period), s.subtitle),
        rich("<br/>".join(esc(line) for line in (_("Scope: {scope}").format(scope=f.scope_label),
                                                  _("Figures compiled from the records on {date}").format(date=format_date(document.compiled_on)))),
             s.centre_italic),
    ]
    story += section(_("I. RESULTS"))
    story += [para(_("1. The main figures"), s.article), _headline_table(document.headline)]
    story += _agreements(f)
    story += _techniques(f)
    story += _training(f)
    story += _readiness(f)
    story += _cases(f)
    story += [para(_("7. Other results"), s.article), *_paragraphs(t.results)]
    story += [*section(_("II. DIFFICULTIES AND OBSTACLES")), *_paragraphs(t.difficulties)]
    story += [*section(_("III. TASKS FOR THE NEXT 6 MONTHS")), *_paragraphs(t.plans)]
    story += [*section(_("IV. PROPOSALS")),
              para(_("1. To the provincial People's Committee"), s.article), *_paragraphs(t.proposals_committee),
              para(_("2. To the Ministry of Health"), s.article), *_paragraphs(t.proposals_ministry)]
    story.append(KeepTogether([Spacer(1, 10), _closing(t)]))
    scope = f.scope_label
    stamp = DocumentStamp("review", document.record_id, t.number, "", current_language())
    return render(story, PageSetup(
        stamp=stamp, draft=False,
        footer=_("Review · {scope} · {period}").format(scope=scope, period=period),
        title=_("Review of technique transfer: {scope}, {period}").format(scope=scope, period=period),
        subject=_("6-monthly review of technique transfer"),
    ))


def _headline_table(lines: Sequence[tuple[str, str]]) -> Table:
    s = sheet()
    rows: list[list[Cell]] = [_heads(_("Indicator"), _("Result"))]
    rows += [[para(label, s.cell), para(value, s.cell_centre)] for label, value in lines]
    return _table(rows, _HEADLINE_MM)


def _agreement_rows(lines: Sequence[AgreementLine]) -> list[list[Cell]]:
    s = sheet()
    return [[para(str(i), s.cell_centre), para(a.number, s.cell), para(a.party_a, s.cell), para(a.party_b, s.cell),
             para(a.techniques, s.cell), para(format_date(a.day), s.cell_centre)] for i, a in enumerate(lines, 1)]


def _agreements(f: ReviewFigures) -> list[Flowable]:
    s, x = sheet(), extra()
    out: list[Flowable] = [para(_("2. Responsibility contracts"), s.article), para(_(
        "{signed} signed and {accepted} accepted in the period, {terminated} terminated; {running} running at its end; "
        "{reviews} 6-monthly reviews held.").format(signed=len(f.signed), accepted=len(f.accepted), terminated=len(f.terminated),
                                                    running=f.running_at_end, reviews=f.reviews_held), s.body)]
    for title, lines, day in ((_("Signed in the period"), f.signed, _("Signed on")),
                              (_("Accepted in the period"), f.accepted, _("Accepted on")),
                              (_("Terminated in the period"), f.terminated, _("Terminated on"))):
        if lines:
            rows = [_heads(_("No."), _("Number"), _("Transferring (A)"), _("Receiving (B)"), _("Techniques"), day),
                    *_agreement_rows(lines[:LISTED])]
            out += [KeepTogether([para(title, x.line), _table(rows, _AGREEMENT_MM)]), *_more(len(lines)), Spacer(1, 4)]
    return out


def _techniques(f: ReviewFigures) -> list[Flowable]:
    s = sheet()
    out: list[Flowable] = [para(_("3. Techniques performed independently and accepted"), s.article)]
    if not f.technique_steps:
        return out + [para(_("No technique reached independence or acceptance in the period."), extra().line)]
    rows: list[list[Cell]] = [_heads(_("No."), _("Contract"), _("Receiving hospital"), _("Technique"), _("Since"))]
    for i, step in enumerate(f.technique_steps[:LISTED], 1):
        rows.append([para(str(i), s.cell_centre), para(step.agreement, s.cell), para(step.facility, s.cell),
                     rich(f"{esc(step.technique)}<br/><i>{esc(step.progress_label)}</i>", s.cell),
                     para(format_date(step.day), s.cell_centre)])
    return out + [_table(rows, _STEP_MM), *_more(len(f.technique_steps))]


def _training(f: ReviewFigures) -> list[Flowable]:
    s = sheet()
    share = percent(f.working_at_end / f.trained_by_end, "#,##0") if f.trained_by_end else NO_VALUE
    out: list[Flowable] = [para(_("4. Training and retention of staff"), s.article), para(_(
        "People trained in the period: {trained}, of whom {retained} still working at its end. Of the {by_end} people trained by "
        "the end of the period, {working} were working then ({share}). Trained people who left in the period: {left}, of whom "
        "{breaking} before the end of their commitment to serve and {private} to a private hospital.").format(
        trained=f.trained, retained=f.retained, by_end=f.trained_by_end, working=f.working_at_end, share=share, left=f.departures,
        breaking=f.departures_breaking, private=f.departures_private), s.body)]
    if f.training:
        rows: list[list[Cell]] = [_heads(_("No."), _("Technique"), _("Trained in the period"), _("Still working at the end"))]
        rows += [[para(str(i), s.cell_centre), para(t.technique, s.cell), _n(t.trained), _n(t.retained)]
                 for i, t in enumerate(f.training, 1)]
        out.append(_table(rows, _TRAINING_MM))
    return out


def _readiness_value(index: float | None, ready: bool | None) -> str:
    if index is None:
        return _("not assessed")
    verdict = _("ready") if ready else _("not ready")
    return f"{percent(index)} ({verdict})"


def _readiness(f: ReviewFigures) -> list[Flowable]:
    s = sheet()
    out: list[Flowable] = [para(_("5. Readiness of equipment and infrastructure"), s.article), para(_(
        "{assessments} assessments in the period; {ready} techniques became ready. Gaps: {closed} closed ({cost} VND), "
        "{open} still open at the end of the period, {overdue} of them overdue and {critical} essential.").format(
        assessments=f.assessments, ready=f.became_ready, closed=f.gaps_closed, cost=format_number(f.gaps_closed_cost),
        open=f.gaps_open, overdue=f.gaps_overdue, critical=f.gaps_open_critical), s.body)]
    if f.readiness:
        rows: list[list[Cell]] = [_heads(_("No."), _("Facility"), _("Technique"), _("Before the period"), _("At its end"))]
        for i, r in enumerate(f.readiness[:LISTED], 1):
            after = esc(_readiness_value(r.after, r.after_ready))
            rows.append([para(str(i), s.cell_centre), para(r.facility, s.cell), para(r.technique, s.cell),
                         para(_readiness_value(r.before, r.before_ready), s.cell_centre),
                         rich(f"<b>{after}</b>" if r.became_ready else after, s.cell_centre)])
        out += [_table(rows, _READINESS_MM), *_more(len(f.readiness))]
    return out


def _cases(f: ReviewFigures) -> list[Flowable]:
    s, x = sheet(), extra()
    out: list[Flowable] = [para(_("6. Cases performed and patients referred to HCMC"), s.article)]
    if not f.cases:
        return out + [para(_("No case log in the period."), x.line)]
    previous = _("{start} – {end}").format(start=format_date(f.previous.start), end=format_date(f.previous.end))
    rows: list[list[Cell]] = [_heads(_("No."), _("Technique"), _("With support"), _("Independently"), _("Referred to HCMC"),
                                     _("Referred per month"), _("Per month, the period before"))]
    for i, c in enumerate(f.cases, 1):
        falling = c.referred_per_month is not None and c.referred_per_month_before is not None \
            and c.referred_per_month < c.referred_per_month_before
        now = esc(_per_month(c.referred_per_month))
        rows.append([para(str(i), s.cell_centre), para(c.technique, s.cell), _n(c.with_support), _n(c.independent), _n(c.referred),
                     rich(f"<b>{now}</b>" if falling else now, s.cell_centre), para(_per_month(c.referred_per_month_before), s.cell_centre)])
    out += [_table(rows, _CASES_MM), Spacer(1, 2), para(_(
        "The period before: {previous}. Per month: over the facility-months with a log (a month without one is unknown, "
        "not zero); in bold where referrals fell.").format(previous=previous), x.legend)]
    if f.independence:
        reached = "; ".join(f"{i.facility} – {i.technique} ({i.month.month:02d}/{i.month.year})" for i in f.independence)
        out.append(para(_("Done independently from this period on (case logs): {list}.").format(list=reached), s.body))
    out += [Spacer(1, 4), KeepTogether([para(_("Cases per month in the scope"), x.line), CasesChart(f.case_months)])]
    return out


def _closing(t: ReviewText) -> Table:
    """Recipients on the left, the signature on the right (NĐ 30/2020)."""
    s = sheet()
    left: list[Flowable] = [para(_("Recipients:"), s.recipients_title)]
    left += [para(f"- {r.strip()}", s.recipients) for r in t.recipients if r.strip()]
    right = signature_cell(nfc(t.signer_title).upper() or _("DIRECTOR"), names=[t.signer_name])
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55])
    table.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)))
    return table


__all__ = ["build_review_report"]
