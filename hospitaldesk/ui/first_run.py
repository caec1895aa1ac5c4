"""The first start: name this site once ('Bệnh viện Đa khoa tỉnh Sóc Trăng')."""
from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services.site import init_site


class SiteNameDialog(ttk.Toplevel):
    """Modal: returns through `.done` whether the site was set up."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(title=_("Welcome to HospitalDesk"), transient=master, resizable=(False, False))
        self.done = False
        body = ttk.Frame(self, padding=24)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=_("Welcome to HospitalDesk"), font=("TkHeadingFont", 16, "bold")).pack(anchor="w")
        ttk.Label(
            body,
            text=_("Name this site once: the hospital or office that uses this computer. It appears on every record you create and on printed documents."),
            wraplength=460, justify="left",
        ).pack(anchor="w", pady=(8, 12))
        ttk.Label(body, text=_("Site name *")).pack(anchor="w")
        self.name_var = tk.StringVar()
        self.entry = ttk.Entry(body, textvariable=self.name_var, width=56)
        self.entry.pack(fill="x", pady=(4, 2))
        ttk.Label(body, text=_("For example: Bệnh viện Đa khoa tỉnh Sóc Trăng"), bootstyle="secondary").pack(anchor="w")
        self.error = ttk.Label(body, text="", bootstyle="danger", wraplength=460, justify="left")
        self.error.pack(anchor="w", pady=(6, 0))
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(16, 0))
        ttk.Button(buttons, text=_("Start"), bootstyle="primary", command=self.submit).pack(side="right")
        ttk.Button(buttons, text=_("Quit"), bootstyle="secondary-outline", command=self.destroy).pack(side="right", padx=8)
        self.entry.bind("<Return>", lambda _e: self.submit())
        self.bind("<Escape>", lambda _e: self.destroy())
        self.entry.focus_set()

    def submit(self) -> None:
        try:
            init_site(self.name_var.get())
        except ValidationError as exc:
            self.error.configure(text=exc.errors[0].message)
            return
        except HospitalDeskError as exc:
            self.error.configure(text=exc.message)
            return
        self.done = True
        self.destroy()


def ask_site_name(master: tk.Misc) -> bool:
    dialog = SiteNameDialog(master)
    dialog.grab_set()
    master.wait_window(dialog)
    return dialog.done
