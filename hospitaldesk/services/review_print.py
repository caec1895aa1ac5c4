"""The printed 6-monthly review and its workbook: the figures compiled now (services/review.py) with what
the user wrote for that period and scope (services/review_drafts.py), or the defaults when nothing was."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hospitaldesk.i18n import _, format_date, parse_date, pgettext
from hospitaldesk.reports.review_data import Period, ReviewDocument, ReviewFigures, ReviewScope, ReviewText
from hospitaldesk.services import authority, review, review_drafts
from hospitaldesk.services.tabular import Sheet, write_xlsx_sheets


def review_text(values: dict[str, Any]) -> ReviewText:
    """The form's (or the saved review's) values as the document reads them."""
    texts: dict[str, Any] = {spec.name: str(values.get(spec.name) or "") for spec in review_drafts.FIELDS
                             if spec.name not in ("recipients", "issued_on")}
    recipients = tuple(line.strip() for line in str(values.get("recipients") or "").splitlines() if line.strip())
    issued = values.get("issued_on")
    return ReviewText(**texts, issued_on=issued if isinstance(issued, dt.date) else parse_date(str(issued or "")), recipients=recipients)


def review_document(period: Period, scope: ReviewScope, values: dict[str, Any] | None = None,
                    figures: ReviewFigures | None = None) -> ReviewDocument:
    """The document: the figures given (those on screen) or compiled now, and the text given (the form's, unsaved)
    or saved (or the defaults)."""
    figures = figures or review.compile_review(period, scope)
    saved = review_drafts.load(period, scope)
    text = review_text(values if values is not None else saved)
    return ReviewDocument(figures, text, tuple(review.total_lines(figures)), saved["id"])


def review_pdf(period: Period, scope: ReviewScope, values: dict[str, Any] | None = None, figures: ReviewFigures | None = None) -> bytes:
    from hospitaldesk.reports.review_report import build_review_report

    return build_review_report(review_document(period, scope, values, figures))


def print_review(period: Period, scope: ReviewScope, path: Path, values: dict[str, Any] | None = None) -> Path:
    from hospitaldesk.reports.render import write_pdf

    authority.require("read")
    write_pdf(review_pdf(period, scope, values), path)
    return path


def _sheets(f: ReviewFigures) -> Iterable[Sheet]:
    """One sheet per table of the report, numbers as numbers."""
    period = _("{start} – {end}").format(start=format_date(f.period.start), end=format_date(f.period.end))
    yield Sheet(_("Main figures"), [_("Indicator"), _("Result")],
                [[_("Scope"), f.scope_label], [_("Period"), period], *[[label, value] for label, value in review.total_lines(f)]])
    agreements = [[kind, a.number, a.party_a, a.party_b, a.techniques, a.day]
                  for kind, lines in ((_("Signed"), f.signed), (_("Accepted"), f.accepted), (_("Terminated"), f.terminated))
                  for a in lines]
    yield Sheet(_("Agreements"), [_("Event"), _("Number"), _("Transferring (A)"), _("Receiving (B)"), _("Techniques"), _("Date")],
                agreements, {5: "date"})
    yield Sheet(_("Techniques"), [_("Contract"), _("Receiving hospital"), _("Technique"), _("Progress"), _("Since")],
                [[s.agreement, s.facility, s.technique, s.progress_label, s.day] for s in f.technique_steps], {4: "date"})
    yield Sheet(pgettext("sheet", "Training"), [_("Technique"), _("Trained in the period"), _("Still working at the end")],
                [[t.technique, t.trained, t.retained] for t in f.training], {1: "int", 2: "int"})
    yield Sheet(_("Readiness"), [_("Facility"), _("Technique"), _("Before the period"), _("Ready before"), _("At its end"),
                                 _("Ready at the end"), _("Assessed on")],
                [[r.facility, r.technique, r.before, _yes_no(r.before_ready), r.after, _yes_no(r.after_ready), r.assessed_on]
                 for r in f.readiness], {2: "percent", 4: "percent", 6: "date"})
    yield Sheet(_("Cases"), [_("Technique"), _("Facilities logging"), _("With support"), _("Independently"), _("Referred to HCMC"),
                             _("Referred, the period before"), _("Months logged"), _("Months logged, the period before")],
                [[c.technique, c.facilities, c.with_support, c.independent, c.referred, c.referred_before, c.months, c.months_before]
                 for c in f.cases], {n: "int" for n in range(1, 8)})
    yield Sheet(_("Cases per month"), [_("Month"), _("With support"), _("Independently"), _("Referred to HCMC"), _("Logs")],
                [[f"{m.month.month:02d}/{m.month.year}", m.with_support, m.independent, m.referred, m.logs] for m in f.case_months],
                {n: "int" for n in range(1, 5)})


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def export_review(period: Period, scope: ReviewScope, path: Path, figures: ReviewFigures | None = None) -> Path:
    """The review's figures (those given, or compiled now) to an Excel workbook, one sheet per table."""
    from hospitaldesk.services.exports import record_export

    authority.require("export")
    figures = figures or review.compile_review(period, scope)
    record_export("review", path, f"{figures.scope_label} {period.start.isoformat()}..{period.end.isoformat()}")
    return write_xlsx_sheets(path, list(_sheets(figures)))
