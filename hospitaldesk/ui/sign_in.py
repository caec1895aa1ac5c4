"""Signing in: the form on the start page, the lock screen over an idle window, the first
administrator account, and asking for the password again before deleting, exporting or restoring."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services import accounts, authority
from hospitaldesk.ui.first_run import message_and_buttons
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.form import FormView


class SignInForm(ttk.Frame):
    """User name and password; `on_done(user)` runs once they are right. With `username` set (the
    lock screen) the name is filled in, and anyone else may still sign in instead."""

    def __init__(self, master: tk.Misc, on_done: Callable[[accounts.User], None], on_quit: Callable[[], None],
                 username: str = "", quit_label: str = "") -> None:
        super().__init__(master)
        self.on_done = on_done
        ttk.Label(self, text=_("Sign in"), font=("TkHeadingFont", 14, "bold")).pack(anchor="w")
        ttk.Label(self, text=_("This computer is shared: sign in with your own account."), wraplength=420,
                  justify="left").pack(anchor="w", pady=(6, 12))
        ttk.Label(self, text=_("User name")).pack(anchor="w")
        self.username = tk.StringVar(value=username)
        self.name_entry = ttk.Entry(self, textvariable=self.username, width=40)
        self.name_entry.pack(fill="x", pady=(2, 8))
        ttk.Label(self, text=_("Password")).pack(anchor="w")
        self.password = tk.StringVar()
        self.password_entry = ttk.Entry(self, textvariable=self.password, show="•", width=40)
        self.password_entry.pack(fill="x", pady=(2, 2))
        self.error = message_and_buttons(self, _("Sign in"), self.submit, on_quit, quit_label)
        for entry in (self.name_entry, self.password_entry):
            entry.bind("<Return>", lambda _e: self.submit())
        (self.password_entry if username else self.name_entry).focus_set()

    def submit(self) -> bool:
        try:
            user = authority.sign_in(self.username.get(), self.password.get())
        except HospitalDeskError as exc:
            self.password.set("")
            self.error.configure(text=exc.message)
            self.password_entry.focus_set()
            return False
        self.password.set("")
        self.on_done(user)
        return True


class AdministratorForm(ttk.Frame):
    """The first account, made on the first start (or the first start after accounts came in):
    the administrator. On a PC one person uses, sign-in can be left off (recorded in the audit log)."""

    def __init__(self, master: tk.Misc, on_done: Callable[[], None], on_quit: Callable[[], None]) -> None:
        super().__init__(master)
        self.on_done = on_done
        ttk.Label(self, text=_("The administrator account"), font=("TkHeadingFont", 14, "bold")).pack(anchor="w")
        ttk.Label(self, text=_("Who looks after HospitalDesk on this computer? This account adds the others (editors who "
                               "enter records, viewers who only read) and changes the settings."),
                  wraplength=520, justify="left").pack(anchor="w", pady=(6, 10))
        specs = [s for s in accounts.ACCOUNT_FIELDS if s.name != "role"]
        self.form = FormView(self, specs, wrap=500)
        self.form.pack(fill="x")
        self.single_user = tk.BooleanVar(value=False)
        ttk.Checkbutton(self, variable=self.single_user,
                        text=_("Only one person uses this computer: do not ask to sign in at start")).pack(anchor="w", pady=(4, 0))
        self.error = message_and_buttons(self, _("Create the account"), self.submit, on_quit)
        self.form.focus_first()

    def submit(self) -> bool:
        values = self.form.get_values()
        try:
            password = accounts.typed_twice(values)
            if not accounts.has_accounts():  # a second try after a later step failed: the account is there already
                authority.add_account(values.get("username", ""), values.get("full_name", ""), accounts.ADMINISTRATOR, password)
            authority.sign_in(values.get("username", ""), password)
            if self.single_user.get():
                authority.set_accounts_off(True)
        except ValidationError as exc:
            self.form.show_errors(exc)
            self.error.configure(text="\n".join(e.describe() for e in exc.errors if e.field not in self.form.inputs))
            return False
        except HospitalDeskError as exc:
            self.error.configure(text=exc.message)
            return False
        self.on_done()
        return True


def edit_state(action: str = "edit") -> str:
    """"disabled" for a button whose action the signed-in user's role does not allow (the services
    refuse it anyway; this spares a click and an error)."""
    return "normal" if authority.allowed(action) else "disabled"


def password_again(parent: tk.Misc, action: str) -> bool:
    """Before deleting, exporting or restoring: the password, when it was not typed in the last
    minutes. True when the action may go on."""
    if not authority.password_needed(action):
        return True
    dialog = ActionDialog(parent, _("Your password"), _("Type your password again to {action}.").format(action=_(authority.ACTIONS[action][1])),
                          [accounts.CHANGE_PASSWORD_FIELDS[0]], {}, lambda values: authority.confirm_password(values["old_password"]),
                          _("Continue"))
    parent.wait_window(dialog)
    return dialog.result


def sign_in_overlay(master: tk.Misc, username: str, on_done: Callable[[accounts.User], None],
                    on_switch: Callable[[], None], idle: bool = False) -> ttk.Frame:
    """Covers the window (after idle time, or a sign-out): nothing behind can be read or clicked until someone signs in."""
    cover = ttk.Frame(master, padding=32)
    cover.place(relx=0, rely=0, relwidth=1, relheight=1)
    card = ttk.Frame(cover, padding=24)
    card.place(relx=0.5, rely=0.4, anchor="center")
    if idle:
        ttk.Label(card, text=_("Locked after {minutes} minutes without use.").format(minutes=authority.idle_lock_minutes()),
                  bootstyle="secondary").pack(anchor="w", pady=(0, 8))
    form: Any = SignInForm(card, on_done, on_switch, username=username, quit_label=_("Quit HospitalDesk"))
    form.pack(fill="x")
    cover.form = form  # type: ignore[attr-defined]
    cover.lift()
    return cover
