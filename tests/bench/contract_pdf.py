"""Benchmark: building the printed responsibility contract (not a pytest test).

    python tests/bench/contract_pdf.py [--runs N]

A synthetic contract with 30 techniques (long names) and 40 trainees, in Vietnamese, is
built with `build_contract` N times; between those runs, a one-page ReportLab baseline
(the same registered font, a title and four paragraphs through SimpleDocTemplate) is
built as many times, so a slow or busy PC slows both alike. One untimed build of each
comes first: font registration and Babel's first import are start-up costs, shown as
a note, not part of the goal. run.py calls `measure()` as its section d.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hospitaldesk import i18n  # noqa: E402
from hospitaldesk.reports.contract import build_contract  # noqa: E402
from hospitaldesk.reports.contract_data import ContractDocument  # noqa: E402
from hospitaldesk.reports.styles import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_SIZE, para, sheet  # noqa: E402
from tests.reports import samples  # noqa: E402

GOAL_MS = 500.0
TECHNIQUES, TRAINEES = 30, 40
CONTRACT_LABEL = f"build_contract: {TECHNIQUES} techniques (long names), {TRAINEES} trainees"
BASELINE_LABEL = "  baseline: one-page ReportLab PDF, same font, 4 paragraphs"


def synthetic_contract() -> ContractDocument:
    return samples.contract(TECHNIQUES, TRAINEES, long_names=True)


def baseline_pdf() -> bytes:
    from reportlab.platypus import SimpleDocTemplate

    s = sheet()
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, initialFontName=s.body.fontName)
    text = ("Bên A cử cán bộ có đủ trình độ chuyên môn, kinh nghiệm đào tạo, chuyển giao kỹ thuật theo đúng nội dung "
            "và tiến độ; hướng dẫn cầm tay chỉ việc cho đến khi học viên thực hiện độc lập được kỹ thuật.")
    doc.build([para("HỢP ĐỒNG TRÁCH NHIỆM", s.title), *(para(text, s.body) for _ in range(4))])
    return buffer.getvalue()


@dataclass
class PdfTimings:
    contract_ms: list[float]
    baseline_ms: list[float]
    first_contract_ms: float  # includes registering the fonts and importing Babel
    pages: int
    size_kb: float


def _timed(fn: Callable[[], bytes]) -> tuple[float, bytes]:
    t = time.perf_counter()
    data = fn()
    return (time.perf_counter() - t) * 1000, data


def measure(runs: int = 15) -> PdfTimings:
    """Vietnamese, as hospitals print it: the vi catalog is installed for the measurement."""
    i18n.setup("vi")
    doc = synthetic_contract()
    first, data = _timed(lambda: build_contract(doc))
    _timed(baseline_pdf)
    contract, baseline = [], []
    for _ in range(runs):  # alternate, so drift hits both alike
        contract.append(_timed(lambda: build_contract(doc))[0])
        baseline.append(_timed(baseline_pdf)[0])
    from pypdf import PdfReader

    return PdfTimings(contract, baseline, first, len(PdfReader(BytesIO(data)).pages), len(data) / 1024)


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed builds of each document (default 15)")
    args = parser.parse_args(argv)
    t = measure(args.runs)
    c50, c95 = statistics.median(t.contract_ms), percentile(t.contract_ms, 95)
    b50, b95 = statistics.median(t.baseline_ms), percentile(t.baseline_ms, 95)
    print(f"{CONTRACT_LABEL}: p50 {c50:.1f} ms, p95 {c95:.1f} ms, max {max(t.contract_ms):.1f} ms "
          f"({t.pages} pages, {t.size_kb:.0f} KB; first build {t.first_contract_ms:.0f} ms)")
    print(f"{BASELINE_LABEL.strip()}: p50 {b50:.1f} ms, p95 {b95:.1f} ms")
    print(f"ratio {c50 / b50:.1f}× (p50), {c95 / b95:.1f}× (p95)")
    print(f"goal p95 <= {GOAL_MS:.0f} ms: {'met' if c95 <= GOAL_MS else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
