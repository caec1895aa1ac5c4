"""The two printed readiness documents, in one place for callers:

- build_checklist(form: ChecklistForm) -> bytes: the blank checklist to fill in by hand on a
  ward round (readiness_checklist.py);
- build_readiness_report(report: ReadinessReport) -> bytes: the filled assessment, with the
  verdict, the domain scores, the essential items missing and the action plan
  (readiness_report.py).

Both take the plain data of readiness_data.py and never touch the database.
"""
from __future__ import annotations

from hospitaldesk.reports.readiness_checklist import build_checklist
from hospitaldesk.reports.readiness_report import build_readiness_report

__all__ = ["build_checklist", "build_readiness_report"]
