"""Message boxes and file choosers, translated, in one place.

Tests replace these functions (they would otherwise block waiting for a click).
"""
from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog

from ttkbootstrap.dialogs.message import Messagebox

from hospitaldesk.i18n import _



def _db_filetypes() -> list[tuple[str, str]]:
    return [(_("HospitalDesk database"), "*.sqlite3 *.sqlite *.db"), (_("All Files"), "*")]


def show_error(parent: tk.Misc, message: str, title: str | None = None) -> None:
    Messagebox.show_error(message, title or _("Error"), parent=parent, buttons=[_("OK") + ":primary"], localize=False)


def show_info(parent: tk.Misc, message: str, title: str | None = None) -> None:
    Messagebox.show_info(message, title or _("Information"), parent=parent, buttons=[_("OK") + ":primary"], localize=False)


def show_warning(parent: tk.Misc, message: str, title: str | None = None) -> None:
    Messagebox.show_warning(message, title or _("Warning"), parent=parent, buttons=[_("OK") + ":primary"], localize=False)


def ask_yes_no(parent: tk.Misc, message: str, title: str | None = None) -> bool:
    yes, no = _("Yes"), _("No")
    result = Messagebox.yesno(message, title or _("Please confirm"), parent=parent, buttons=[no, yes + ":primary"], localize=False)
    return result == yes


def ask_save_path(parent: tk.Misc, title: str, initial_name: str) -> Path | None:
    name = filedialog.asksaveasfilename(
        parent=parent, title=title, initialdir=str(Path.home()), initialfile=initial_name,
        defaultextension=".sqlite3", filetypes=_db_filetypes(),
    )
    return Path(name) if name else None


def ask_open_path(parent: tk.Misc, title: str) -> Path | None:
    name = filedialog.askopenfilename(parent=parent, title=title, initialdir=str(Path.home()), filetypes=_db_filetypes())
    return Path(name) if name else None


def ask_save_pdf(parent: tk.Misc, title: str, initial_name: str) -> Path | None:
    name = filedialog.asksaveasfilename(
        parent=parent, title=title, initialdir=str(Path.home()), initialfile=initial_name,
        defaultextension=".pdf", filetypes=[(_("PDF document"), "*.pdf"), (_("All Files"), "*")],
    )
    return Path(name) if name else None


def ask_open_file(parent: tk.Misc, title: str) -> Path | None:
    """Any file to attach (a scan: PDF or picture, usually)."""
    filetypes = [(_("Scans and documents"), "*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.docx *.doc"), (_("All Files"), "*")]
    name = filedialog.askopenfilename(parent=parent, title=title, initialdir=str(Path.home()), filetypes=filetypes)
    return Path(name) if name else None


def ask_open_spreadsheet(parent: tk.Misc, title: str) -> Path | None:
    name = filedialog.askopenfilename(parent=parent, title=title, initialdir=str(Path.home()), filetypes=[
        (_("Excel workbook or CSV"), "*.xlsx *.xlsm *.csv *.txt"), (_("All Files"), "*")])
    return Path(name) if name else None


def ask_save_xlsx(parent: tk.Misc, title: str, initial_name: str) -> Path | None:
    name = filedialog.asksaveasfilename(
        parent=parent, title=title, initialdir=str(Path.home()), initialfile=initial_name,
        defaultextension=".xlsx", filetypes=[(_("Excel workbook"), "*.xlsx"), (_("All Files"), "*")],
    )
    return Path(name) if name else None


def ask_save_typed(parent: tk.Misc, title: str, initial_name: str, extension: str, kind: str) -> Path | None:
    """A file to write of one kind (a sync bundle "*.hdsync", an identity "*.json"); `kind` names it in the filter."""
    name = filedialog.asksaveasfilename(
        parent=parent, title=title, initialdir=str(Path.home()), initialfile=initial_name,
        defaultextension=extension, filetypes=[(kind, f"*{extension}"), (_("All Files"), "*")],
    )
    return Path(name) if name else None


def ask_open_typed(parent: tk.Misc, title: str, extension: str, kind: str) -> Path | None:
    name = filedialog.askopenfilename(parent=parent, title=title, initialdir=str(Path.home()),
                                      filetypes=[(kind, f"*{extension}"), (_("All Files"), "*")])
    return Path(name) if name else None
