"""The start page: a branded frame shown while the database opens, and on the very
first start the form that names this site once ('Bệnh viện Đa khoa tỉnh Sóc Trăng')."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services.site import init_site


class StartPage(ttk.Frame):
    """Fills the root window until the main screens are built."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.pack(fill="both", expand=True)
        self.card = ttk.Frame(self, padding=32)
        self.card.place(relx=0.5, rely=0.42, anchor="center")
        ttk.Label(self.card, text="HospitalDesk", font=("TkHeadingFont", 22, "bold")).pack(anchor="w")
        ttk.Label(self.card, text=_("Technique transfer"), bootstyle="secondary").pack(anchor="w", pady=(0, 16))


def message_and_buttons(form: ttk.Frame, ok_label: str, on_ok: Callable[[], object], on_quit: Callable[[], None],
                        quit_label: str = "") -> ttk.Label:
    """The foot of a start-page form: a red line for what went wrong (returned), then Quit and the main button."""
    error = ttk.Label(form, text="", bootstyle="danger", wraplength=520, justify="left")
    error.pack(anchor="w", pady=(6, 0))
    buttons = ttk.Frame(form)
    buttons.pack(fill="x", pady=(14, 0))
    ttk.Button(buttons, text=ok_label, bootstyle="primary", command=on_ok).pack(side="right")
    ttk.Button(buttons, text=quit_label or _("Quit"), bootstyle="secondary-outline", command=on_quit).pack(side="right", padx=8)
    return error


class SiteNameForm(ttk.Frame):
    """Asks for the site's name; `on_done()` runs once the site is set up."""

    def __init__(self, page: StartPage, on_done: Callable[[], None], on_quit: Callable[[], None]) -> None:
        super().__init__(page.card)
        self.on_done = on_done
        self.pack(fill="x")
        ttk.Label(self, text=_("Welcome to HospitalDesk"), font=("TkHeadingFont", 14, "bold")).pack(anchor="w")
        ttk.Label(
            self,
            text=_("Name this site once: the hospital or office that uses this computer. It appears on every record you create and on printed documents."),
            wraplength=520, justify="left",
        ).pack(anchor="w", pady=(8, 12))
        ttk.Label(self, text=_("Site name *")).pack(anchor="w")
        self.name_var = tk.StringVar()
        self.entry = ttk.Entry(self, textvariable=self.name_var, width=60)
        self.entry.pack(fill="x", pady=(4, 2))
        ttk.Label(self, text=_("For example: Bệnh viện Đa khoa tỉnh Sóc Trăng"), bootstyle="secondary").pack(anchor="w")
        self.error = message_and_buttons(self, _("Start"), self.submit, on_quit)
        self.entry.bind("<Return>", lambda _e: self.submit())
        self.entry.focus_set()

    def submit(self) -> bool:
        try:
            init_site(self.name_var.get())
        except ValidationError as exc:
            self.error.configure(text=exc.errors[0].message)
            return False
        except HospitalDeskError as exc:
            self.error.configure(text=exc.message)
            return False
        self.on_done()
        return True
