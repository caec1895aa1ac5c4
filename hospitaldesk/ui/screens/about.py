"""About: what HospitalDesk is, its version, where its files are."""
from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from hospitaldesk import __version__, config
from hospitaldesk.i18n import _
from hospitaldesk.logs import log_path

COMPONENTS = "Python, Tk, ttkbootstrap, Peewee, SQLite, ReportLab, Babel, platformdirs"


class AboutScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=24)
        ttk.Label(self, text="HospitalDesk", font=("TkHeadingFont", 20, "bold")).pack(anchor="w")
        ttk.Label(self, text=_("Version {version}").format(version=__version__), bootstyle="secondary").pack(anchor="w", pady=(0, 12))
        ttk.Label(
            self,
            text=_(
                "HospitalDesk helps the hospitals of Ho Chi Minh City and the Mekong Delta run technique transfer: "
                "readiness of equipment and infrastructure, trainees and their retention, responsibility contracts, "
                "and exchange of data between sites by file, without a network."
            ),
            wraplength=760, justify="left",
        ).pack(anchor="w")
        facts = ttk.Frame(self)
        facts.pack(anchor="w", pady=16)
        rows = [
            (_("Data folder"), str(config.data_dir())),
            (_("Settings file"), str(config.settings_path())),
            (_("Log file"), str(log_path())),
            (_("Built with"), COMPONENTS),
        ]
        for row, (label, value) in enumerate(rows):
            ttk.Label(facts, text=label, bootstyle="secondary").grid(row=row, column=0, sticky="w", padx=(0, 16), pady=2)
            ttk.Label(facts, text=value).grid(row=row, column=1, sticky="w", pady=2)
        ttk.Label(self, text=_("Keyboard shortcuts"), font=("TkHeadingFont", 12, "bold")).pack(anchor="w", pady=(8, 4))
        shortcuts = [
            ("Ctrl+1 … Ctrl+4", _("Facilities, provinces, specialties, techniques")),
            ("Ctrl+F", _("Search in the current list")),
            ("Ctrl+N", _("New record")),
            ("Ctrl+S", _("Save the form")),
            ("F5", _("Refresh")),
            ("Ctrl+Q", _("Quit")),
        ]
        keys = ttk.Frame(self)
        keys.pack(anchor="w")
        for row, (key, meaning) in enumerate(shortcuts):
            ttk.Label(keys, text=key, font=("TkFixedFont", 10)).grid(row=row, column=0, sticky="w", padx=(0, 16))
            ttk.Label(keys, text=meaning).grid(row=row, column=1, sticky="w")

    def on_show(self) -> None:
        pass

    def focus_search(self) -> None:
        pass
