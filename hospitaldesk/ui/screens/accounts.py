"""Accounts: who is signed in, changing one's own password, and (administrators) adding accounts,
setting a forgotten password, sign-in at start and the idle lock."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import accounts, authority
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.screens.audit import local_time
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

COLUMNS = [("username", N_("User name"), 140, "c"), ("full_name", N_("Full name"), 220, "w"), ("role", N_("Role"), 140, "c"),
           ("changed", N_("Password changed"), 150, "c")]


class AccountsScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, on_sign_out: Callable[[], None]) -> None:
        super().__init__(master, padding=12)
        self.on_sign_out = on_sign_out
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_("Accounts"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        self.sign_out_button = ttk.Button(header, text=_("Sign out"), bootstyle="secondary-outline", command=self.sign_out)
        self.sign_out_button.pack(side="right")
        self.own_button = ttk.Button(header, text=_("Change my password…"), bootstyle="secondary-outline", command=self.change_own)
        self.own_button.pack(side="right", padx=8)
        self.who = ttk.Label(self, text="", font=("TkDefaultFont", 10, "bold"))
        self.who.pack(anchor="w", pady=(0, 6))
        admin = ttk.Frame(self)
        admin.pack(fill="x", pady=(0, 6))
        self.add_button = ttk.Button(admin, text=_("Add account…"), bootstyle="primary", command=self.add)
        self.add_button.pack(side="left")
        self.reset_button = ttk.Button(admin, text=_("Set password…"), bootstyle="secondary-outline", command=self.reset)
        self.reset_button.pack(side="left", padx=8)
        self.tree = scrolled_tree(self, COLUMNS, 10)
        settings = ttk.Labelframe(self, text=_("On this computer"), padding=10)
        settings.pack(fill="x", pady=(10, 0))
        self.ask_var = tk.BooleanVar(value=True)
        self.ask_check = ttk.Checkbutton(settings, variable=self.ask_var, command=self.toggle_sign_in,
                                         text=_("Ask to sign in at start (leave off only on a computer one person uses)"))
        self.ask_check.pack(anchor="w")
        row = ttk.Frame(settings)
        row.pack(anchor="w", pady=(8, 0))
        ttk.Label(row, text=_("Lock after (minutes) without use")).pack(side="left")
        self.idle_var = tk.StringVar()
        self.idle_entry = ttk.Entry(row, textvariable=self.idle_var, width=6)
        self.idle_entry.pack(side="left", padx=8)
        self.idle_button = ttk.Button(row, text=_("Save"), bootstyle="secondary-outline", command=self.save_idle)
        self.idle_button.pack(side="left")
        self.refresh()

    def refresh(self) -> None:
        user = authority.current_user()
        if user is not None:
            self.who.configure(text=_("Signed in as {name} ({user}), {role}.").format(name=user.full_name, user=user.username, role=user.role_label))
        elif accounts.has_accounts():
            self.who.configure(text=_("Sign-in is off on this computer: anyone here may change everything."))
        else:
            self.who.configure(text=_("No accounts yet: anyone at this computer may change everything. Add the administrator account."))
        self.tree.delete(*self.tree.get_children())
        for row in accounts.list_accounts():
            self.tree.insert("", "end", iid=row["username"], values=(row["username"], row["full_name"], row["role_label"],
                                                                     local_time(row["password_changed_at"])))
        manage = authority.allowed("accounts")
        for widget in (self.add_button, self.reset_button, self.ask_check, self.idle_entry, self.idle_button):
            widget.configure(state="normal" if manage else "disabled")  # the services refuse anyway; this saves a click
        self.own_button.configure(state="normal" if user is not None else "disabled")
        self.sign_out_button.configure(state="normal" if user is not None else "disabled")
        self.ask_var.set(not authority.accounts_switched_off())
        self.idle_var.set(str(authority.idle_lock_minutes()))

    def on_show(self) -> None:
        self.refresh()

    def focus_search(self) -> None:
        self.tree.focus_set()

    def selected(self) -> str:
        chosen = self.tree.selection()
        return chosen[0] if chosen else ""

    def add(self) -> Any:
        def submit(values: dict[str, Any]) -> None:
            password = accounts.typed_twice(values)
            authority.add_account(values["username"], values["full_name"], values["role"], password)

        first = not accounts.has_accounts()
        intro = _("The first account is the administrator's.") if first else _("Editors create and change records; viewers only read and print.")
        return ActionDialog(self, _("Add account"), intro, accounts.ACCOUNT_FIELDS, {"role": accounts.ADMINISTRATOR if first else accounts.EDITOR},
                            submit, _("Add"), on_done=self.refresh)

    def reset(self) -> Any:
        username = self.selected()
        if not username:
            dialogs.show_info(self, _("Choose an account in the list first."))
            return None
        return ActionDialog(self, _("Set password"), _("A new password for {user}; tell it to them in person.").format(user=username),
                            accounts.NEW_PASSWORD_FIELDS, {}, lambda v: authority.reset_password(username, accounts.typed_twice(v)),
                            _("Set password"), on_done=self.refresh)

    def change_own(self) -> Any:
        def submit(values: dict[str, Any]) -> None:
            authority.change_own_password(values.get("old_password", ""), accounts.typed_twice(values))

        return ActionDialog(self, _("Change my password"), "", accounts.CHANGE_PASSWORD_FIELDS, {}, submit, _("Change"),
                            on_done=lambda: dialogs.show_info(self, _("Your password was changed.")))

    def toggle_sign_in(self) -> None:
        try:
            authority.set_accounts_off(not self.ask_var.get())
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
        self.refresh()

    def save_idle(self) -> None:
        try:
            authority.set_idle_lock_minutes(self.idle_var.get())
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.refresh()

    def sign_out(self) -> None:
        self.on_sign_out()
