"""Any list to an Excel workbook, with the headings the screen shows (in the UI's language)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hospitaldesk.i18n import _
from hospitaldesk.db import audit
from hospitaldesk.db.connection import atomic
from hospitaldesk.services import authority, retention
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.catalog import Catalog
from hospitaldesk.services.forms import ListQuery
from hospitaldesk.services.tabular import write_xlsx

EXPORT_PAGE = 1000


def suggested_name(title: str, today: dt.date | None = None) -> str:
    """'Nhân sự 2026-12-02.xlsx': the list's name and the day, safe as a file name."""
    cleaned = "".join(ch for ch in title if ch not in '\\/:*?"<>|').strip() or "export"
    return f"{cleaned} {(today or dt.date.today()).isoformat()}.xlsx"


def export_list(catalog: Catalog[Any], query: ListQuery, path: Path, progress: Callable[[int], None] | None = None) -> Path:
    """Every row the list shows with this search and these filters (all pages), in its order."""
    authority.require("export")
    columns = catalog.columns

    def rows() -> Iterator[list[Any]]:
        page = 0
        while True:
            result = catalog.list_page(dataclasses.replace(query, page=page, page_size=EXPORT_PAGE))
            for row in result.rows:
                yield [row.get(column.key, "") for column in columns]
            if page + 1 >= result.page_count:
                return
            page += 1

    record_export(catalog.kind, path, query.search)
    return write_xlsx(path, _(catalog.title), [_(column.label) for column in columns], rows(), progress=progress)


def export_retention(path: Path, facility_id: str | None = None, today: dt.date | None = None) -> Path:
    """The retention table: per facility and technique, trained, working now, kept at 6/12/24 months."""
    authority.require("export")
    rows = retention.retention(today or dt.date.today(), facility_id=facility_id or None)
    headers = [_("Facility"), _("Technique"), _("Trained"), _("Working now")]
    for months in terms.MILESTONE_MONTHS:
        headers += [_("Still working after {months} months").format(months=months), _("Trained {months}+ months ago").format(months=months)]
    headers += [_("Required"), _("At risk")]
    body = []
    for r in rows:
        line: list[Any] = [r.facility, r.technique, r.trained, r.active]
        for m in r.milestones:
            line += [m.retained, m.eligible]
        line += [r.required if r.required is not None else "", _("Yes") if r.at_risk else _("No")]
        body.append(line)
    kinds = {index: "int" for index in range(2, len(headers) - 1)}
    record_export("retention", path, facility_id or "")
    return write_xlsx(path, _("Retention"), headers, body, kinds)


def record_export(what: str, path: Path, narrowed_by: str) -> None:
    """An export is in the audit log before its file is written (a file never leaves unlogged): which list, which file."""
    with atomic("event"):
        audit.record("export", what, details={"file": path.name, "filter": narrowed_by})
