"""Benchmark: building the printed readiness assessment report (not a pytest test).

    python tests/bench/readiness_pdf.py [--runs N]
    python -m tests.bench.readiness_pdf [--runs N]

The sample assessment of paediatric CRRT at a provincial hospital (tests/reports/
readiness_samples.py): 60 answered items in 6 domains plus one not applicable, 2 essential
items missing, 15 lines in the action plan, in Vietnamese, is built with
`build_readiness_report` N times; the blank 60-item checklist (`build_checklist`) is timed
alongside for information. Between those runs the one-page ReportLab baseline of
contract_pdf.py (the same registered font, a title and four paragraphs) is built as many
times, so a slow or busy PC slows all alike. One untimed build of each comes first: font
registration and Babel's first import are start-up costs, shown as a note, not part of the
goal. Same interface as contract_pdf.py: run.py can call `measure()` as a section of its own.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hospitaldesk import i18n  # noqa: E402
from hospitaldesk.reports.readiness import build_checklist, build_readiness_report  # noqa: E402
from hospitaldesk.reports.readiness_data import ChecklistForm, ReadinessReport  # noqa: E402
from tests.bench.contract_pdf import BASELINE_LABEL, _timed, baseline_pdf, percentile  # noqa: E402
from tests.reports import readiness_samples as samples  # noqa: E402

GOAL_MS = 500.0  # the print preview opens without a noticeable wait, as for the contract
ITEMS, GAPS = samples.ITEM_COUNT, 15
REPORT_LABEL = f"build_readiness_report: {ITEMS} items, {GAPS} gaps"
CHECKLIST_LABEL = f"  build_checklist: {ITEMS} items (blank form)"
__all__ = ["BASELINE_LABEL", "CHECKLIST_LABEL", "GOAL_MS", "REPORT_LABEL", "ReadinessTimings", "main", "measure"]


def synthetic_report() -> ReadinessReport:
    return samples.report(ITEMS, gap_count=GAPS)


def synthetic_checklist() -> ChecklistForm:
    return samples.checklist(ITEMS)


@dataclass
class ReadinessTimings:
    report_ms: list[float]
    checklist_ms: list[float]
    baseline_ms: list[float]
    first_report_ms: float  # includes registering the fonts and importing Babel
    pages: int  # of the report
    size_kb: float  # of the report
    checklist_pages: int


def measure(runs: int = 15) -> ReadinessTimings:
    """Vietnamese, as hospitals print it: the vi catalog is installed for the measurement."""
    i18n.setup("vi")
    report, form = synthetic_report(), synthetic_checklist()
    first, data = _timed(lambda: build_readiness_report(report))
    _, checklist = _timed(lambda: build_checklist(form))
    _timed(baseline_pdf)
    report_ms, checklist_ms, baseline_ms = [], [], []
    for _ in range(runs):  # alternate, so drift hits all alike
        report_ms.append(_timed(lambda: build_readiness_report(report))[0])
        checklist_ms.append(_timed(lambda: build_checklist(form))[0])
        baseline_ms.append(_timed(baseline_pdf)[0])
    from pypdf import PdfReader

    return ReadinessTimings(report_ms, checklist_ms, baseline_ms, first, len(PdfReader(BytesIO(data)).pages),
                            len(data) / 1024, len(PdfReader(BytesIO(checklist)).pages))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed builds of each document (default 15)")
    args = parser.parse_args(argv)
    t = measure(args.runs)
    r50, r95 = statistics.median(t.report_ms), percentile(t.report_ms, 95)
    c50, c95 = statistics.median(t.checklist_ms), percentile(t.checklist_ms, 95)
    b50, b95 = statistics.median(t.baseline_ms), percentile(t.baseline_ms, 95)
    print(f"{REPORT_LABEL}: p50 {r50:.1f} ms, p95 {r95:.1f} ms, max {max(t.report_ms):.1f} ms "
          f"({t.pages} pages, {t.size_kb:.0f} KB; first build {t.first_report_ms:.0f} ms)")
    print(f"{CHECKLIST_LABEL.strip()}: p50 {c50:.1f} ms, p95 {c95:.1f} ms ({t.checklist_pages} pages)")
    print(f"{BASELINE_LABEL.strip()}: p50 {b50:.1f} ms, p95 {b95:.1f} ms")
    print(f"ratio {r50 / b50:.1f}× (p50), {r95 / b95:.1f}× (p95); checklist {c50 / b50:.1f}× (p50)")
    print(f"goal p95 <= {GOAL_MS:.0f} ms: {'met' if r95 <= GOAL_MS and c95 <= GOAL_MS else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
