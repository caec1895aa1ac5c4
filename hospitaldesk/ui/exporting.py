"""Export a list to .xlsx in the background: choose the file, a progress window with Cancel,
then say where it went. A cancelled or failed export leaves no file behind (write_xlsx)."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_number
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import Job, Progress, run_in_thread
from hospitaldesk.ui.widgets.busy import BusyDialog

ExportWork = Callable[[Path, Callable[[int], None]], Path]


class ExportCancelled(Exception):
    """Raised from the progress callback when the user presses Cancel."""


def export_to_excel(parent: tk.Misc, suggested: str, work: ExportWork) -> Job | None:
    """Ask where, then run `work(path, rows_written)` in a thread. Returns the job (None: no file chosen)."""
    from hospitaldesk.ui.sign_in import password_again  # sign_in builds on the form widgets

    if not password_again(parent, "export"):
        return None
    target = dialogs.ask_save_xlsx(parent, _("Export to Excel"), suggested)
    if target is None:
        return None
    busy = BusyDialog(parent, _("Exporting…"))

    def run(job: Job, progress: Progress) -> Path:
        def rows_written(count: int) -> None:
            if job.cancelled:
                raise ExportCancelled
            progress(0.5, _("{count} rows written…").format(count=format_number(count)))

        return work(target, rows_written)

    def done(path: Any) -> None:
        busy.close()
        dialogs.show_info(parent, _("Exported to {path}.").format(path=path))

    def failed(exc: BaseException) -> None:
        busy.close()
        if isinstance(exc, ExportCancelled):
            return
        message = exc.message if isinstance(exc, HospitalDeskError) else _(
            "Unexpected problem ({detail}). No file was written.").format(detail=type(exc).__name__)
        dialogs.show_error(parent, message)

    busy.job = run_in_thread(parent, run, done, failed, busy.set_progress)
    return busy.job
