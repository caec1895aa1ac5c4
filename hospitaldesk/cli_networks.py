"""The networks', outcomes' and review's commands of the command line: `list networks` (cli.py's `list`
sends it here), `report cases|coverage|review` and `print review` (hospitaldesk/cli.py registers them)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from collections.abc import Callable
from typing import Any

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_date, format_number

EXIT_OK, EXIT_USAGE = 0, 2


def add_parsers(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help=_("figures: a facility's case logs and outcomes, which provinces lack a technique, "
                                             "or the 6-monthly review's figures"))
    report.add_argument("what", choices=("cases", "coverage", "review"))
    report.add_argument("--facility", metavar="CODE", help=_("cases: the facility (its code, e.g. ST-BVDK); review: only this hospital"))
    report.add_argument("--technique", metavar="CODE", help=_("cases: only this technique; coverage: the technique (its code, e.g. TM-PCI)"))
    add_period_arguments(report)
    report.add_argument("--json", action="store_true", help=_("print JSON"))


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """--from, --to and --province, for the review (report review, print review)."""
    parser.add_argument("--from", dest="start", metavar="DATE", help=_("review: the first day of the period (dd/mm/yyyy or yyyy-mm-dd)"))
    parser.add_argument("--to", dest="end", metavar="DATE", help=_("review: the last day of the period"))
    parser.add_argument("--province", metavar="CODE", help=_("review: only this province (its code or name, e.g. 96 or Cà Mau)"))


def _print(line: str = "") -> None:
    print(line, flush=True)


def _json(value: Any) -> None:
    _print(json.dumps(value, ensure_ascii=False, indent=2))


def list_networks(args: argparse.Namespace) -> int:
    """Each network with its hubs and members, then the duplication warnings."""
    from hospitaldesk.services import networks

    rows = networks.listing()
    if args.json:
        _json(rows)
        return EXIT_OK
    for row in rows:
        _print(f"{row['name']}\t{row['specialty']}\t{row['id']}")
        _print("  " + _("Hubs: {hubs}").format(hubs=", ".join(row["hubs"]) or "—"))
        for member in row["members"]:
            status = member["status_label"] + (f" {member['planned_year']}" if member["planned_year"] else "")
            _print("\t".join(["  ", member["facility"], member["province"], member["technique"], status]))
    for warning in networks.duplication_warnings():
        _print(_("Warning: {message}").format(message=warning.message))
    return EXIT_OK


def _number(value: float | None) -> str:
    return "—" if value is None else format_number(value)


def _month(iso: str | None) -> str:
    """"2024-03" (as the JSON gives it) as people write it: 03/2024."""
    return f"{iso[5:7]}/{iso[:4]}" if iso else "—"


def _report_cases(args: argparse.Namespace) -> int:
    from hospitaldesk.services import case_outcomes
    from hospitaldesk.services.readiness_print import resolve_facility, resolve_technique

    if not args.facility:
        raise HospitalDeskError(_("Say which facility: --facility CODE."))
    technique = resolve_technique(args.technique).id if args.technique else None
    found = case_outcomes.outcomes(resolve_facility(args.facility), technique)
    if args.json:
        _json(found)
        return EXIT_OK
    for row in found:
        _print(f"{row['facility']} · {row['technique']}")
        _print("\t".join([_("Month"), _("With support"), _("Independently"), _("Referred to HCMC")]))
        for month in row["months"]:
            _print("\t".join([month["label"], str(month["cases_with_support"]), str(month["cases_independent"]),
                              str(month["referred_to_hcmc"])]))
        _print(_("First month with cases: {month}").format(month=_month(row["first_month"])))
        _print(_("Independence reached: {month}").format(
            month=_month(row["independence_month"]) if row["independence_month"] else _("not yet")))
        _print(_("Referrals to HCMC per month: {before} before the transfer start ({start}), {after} since.").format(
            before=_number(row["referrals_before"]["per_month"]), start=_month(row["transfer_start"]),
            after=_number(row["referrals_after"]["per_month"])))
    if not found:
        _print(_("No case logs."))
    return EXIT_OK


def _report_coverage(args: argparse.Namespace) -> int:
    from hospitaldesk.services import networks
    from hospitaldesk.services.readiness_print import resolve_technique

    if not args.technique:
        raise HospitalDeskError(_("Say which technique: --technique CODE."))
    technique = resolve_technique(args.technique)
    rows = [row.as_dict() for row in networks.technique_coverage(technique.id)]
    if args.json:
        _json(rows)
        return EXIT_OK
    _print(technique.name)
    for row in rows:
        _print("\t".join([row["province"], ", ".join(row["offered_by"]) if row["access"] else _("no access in the province or a neighbour")]))
    return EXIT_OK


def review_request(args: argparse.Namespace) -> tuple[Any, Any]:
    """The period and scope the review's options ask for (the period is required)."""
    from hospitaldesk.services import provinces, review
    from hospitaldesk.services.readiness_print import resolve_facility

    if not args.start or not args.end:
        raise HospitalDeskError(_("Say which period: --from DATE --to DATE."))
    period = review.period_of(args.start, args.end)
    province = ""
    if args.province:
        found = provinces.resolve(args.province)
        if found is None:
            raise HospitalDeskError(_("No province with the code or name {name}.").format(name=args.province))
        province = str(found.id)
    facility = str(resolve_facility(args.facility)) if args.facility else ""
    return period, review.ReviewScope(province=province, facility=facility)


def _report_review(args: argparse.Namespace) -> int:
    from hospitaldesk.services import review

    figures = review.compile_review(*review_request(args))
    data = figures.as_dict()
    if args.json:
        _json(data)
        return EXIT_OK
    _print(_("Review of {scope}, {start} – {end}").format(scope=figures.scope_label, start=format_date(figures.period.start),
                                                          end=format_date(figures.period.end)))
    for label, value in review.total_lines(figures):
        _print(f"{label}\t{value}")
    return EXIT_OK


def print_review(args: argparse.Namespace, output: Path) -> int:
    """`print review`: the figures compiled now, with what was written for that period and scope in the app."""
    from hospitaldesk.services import review_print

    period, scope = review_request(args)
    review_print.print_review(period, scope, output)
    _print(_("Review written to {path}.").format(path=output))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    if args.what == "review":
        return _report_review(args)
    return _report_cases(args) if args.what == "cases" else _report_coverage(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"report": cmd_report}
