"""Regional specialty networks: the list (hubs, members, warnings counted), the selected network's hubs,
members and the duplication warnings that concern it (the members they name highlighted), and the
actions on both. Two more tabs, built when first opened: which provinces can reach a technique (a map
and a table) and the case logs with their outcome."""
from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import networks
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.record_actions import delete_after_asking, edit_dialog
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.choice_list import ChoiceList
from hospitaldesk.ui.widgets.lazy_tabs import LazyTabs
from hospitaldesk.ui.widgets.tree_columns import scrolled_tree

WARNING_TEXT, WARNING_ROW = "#8a3a00", "#fff3cd"  # dark amber on pale yellow: legible, and not an error's red
NETWORK_COLUMNS = [("name", N_("Network"), 320, "w"), ("specialty", N_("Specialty"), 170, "w"), ("hubs", N_("Hubs"), 280, "w"),
                   ("members", N_("Members"), 70, "e"), ("warnings", N_("Warnings"), 70, "e")]
NETWORKS_TAB, COVERAGE_TAB, CASES_TAB = 0, 1, 2
MEMBER_COLUMNS = [("facility", N_("Facility"), 250, "w"), ("province", N_("Province"), 170, "w"), ("technique", N_("Technique"), 270, "w"),
                  ("status", N_("Status"), 150, "c"), ("planned_year", N_("Planned year"), 80, "e")]


class NetworksScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=12)
        self.dialog: ActionDialog | None = None
        self.rows: dict[str, dict[str, Any]] = {}
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_("Regional networks"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        self.tabs = LazyTabs(self)
        self.tabs.pack(fill="both", expand=True)
        self._build_networks()
        self.tabs.add_lazy(_("Coverage of a technique"), _coverage_view)
        self.tabs.add_lazy(_("Case logs"), _case_logs_view)
        self.refresh()

    # --- the networks tab ---------------------------------------------------------------------
    def _build_networks(self) -> None:
        tab = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(tab, text=_("Networks"))
        bar = ttk.Frame(tab)
        bar.pack(fill="x", pady=(0, 6))
        self.summary = ttk.Label(bar, text="", bootstyle="secondary")
        self.summary.pack(side="left")
        self.buttons: dict[str, ttk.Button] = {}
        for key, label, style, action, command in (
                ("delete", _("Delete network"), "danger-outline", "delete", self.delete_network),
                ("edit", _("Edit network…"), "secondary-outline", "edit", self.edit_network),
                ("new", _("New network (Ctrl+N)"), "success", "edit", self.new_network)):
            self.buttons[key] = ttk.Button(bar, text=label, bootstyle=style, command=command, state=edit_state(action))
            self.buttons[key].pack(side="right", padx=(6, 0))
        lower = ttk.Frame(tab)
        lower.pack(side="bottom", fill="both", expand=True, pady=(10, 0))
        self.tree = scrolled_tree(tab, NETWORK_COLUMNS, 4, expand=False)  # the members below take the height
        self.tree.tag_configure("warned", foreground=WARNING_TEXT)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self.show_network())
        self.tree.bind("<Double-1>", lambda _e: self.edit_network())
        self.detail_title = ttk.Label(lower, text="", font=("TkHeadingFont", 12, "bold"))
        self.detail_title.pack(anchor="w")
        self.hubs_label = ttk.Label(lower, text="", justify="left", wraplength=1000)
        self.hubs_label.pack(anchor="w", pady=(2, 0))
        self.warnings_label = ttk.Label(lower, text="", foreground=WARNING_TEXT, background=WARNING_ROW, justify="left",
                                        wraplength=1000, font=("TkDefaultFont", 10, "bold"))
        member_bar = ttk.Frame(lower)
        member_bar.pack(fill="x", pady=(6, 4))
        self.members_title = ttk.Label(member_bar, text=_("Members"), font=("TkHeadingFont", 11, "bold"))
        self.members_title.pack(side="left")
        for key, label, style, action, command in (
                ("delete_member", _("Delete member"), "danger-outline", "delete", self.delete_member),
                ("edit_member", _("Edit member…"), "secondary-outline", "edit", self.edit_member),
                ("add_member", _("Add member…"), "success-outline", "edit", self.add_member)):
            self.buttons[key] = ttk.Button(member_bar, text=label, bootstyle=style, command=command)
            self.buttons[key].pack(side="right", padx=(6, 0))
        self.members = scrolled_tree(lower, MEMBER_COLUMNS, 7)
        self.members.tag_configure("duplicated", background=WARNING_ROW, foreground=WARNING_TEXT)
        self.members.bind("<<TreeviewSelect>>", lambda _e: self._member_buttons())
        self.members.bind("<Double-1>", lambda _e: self.edit_member())

    def refresh(self, select: str | None = None) -> None:
        try:
            rows = networks.listing()
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        keep = select or self.selected_network()
        self.rows = {row["id"]: row for row in rows}
        self.tree.delete(*self.tree.get_children())
        for row in rows:
            warned = len(row["duplications"])
            self.tree.insert("", "end", iid=row["id"], tags=("warned",) if warned else (), values=(
                row["name"], row["specialty"], ", ".join(row["hubs"]) or "—", len(row["members"]), f"⚠ {warned}" if warned else "0"))
        self.summary.configure(text=_("{count} networks").format(count=len(rows)))
        if not keep or not self.tree.exists(keep):  # at first, the first network with a warning
            keep = next((row["id"] for row in rows if row["duplications"]), rows[0]["id"] if rows else None)
        if keep:
            self.tree.selection_set(keep)
            self.tree.see(keep)
        self.show_network()

    def selected_network(self) -> str | None:
        selection = self.tree.selection()
        return str(selection[0]) if selection else None

    def selected_member(self) -> str | None:
        selection = self.members.selection()
        return str(selection[0]) if selection else None

    def show_network(self) -> None:
        row = self.rows.get(self.selected_network() or "")
        self.members.delete(*self.members.get_children())
        editable = edit_state() == "normal"
        for key in ("edit", "delete"):
            self.buttons[key].configure(state=edit_state(key) if row else "disabled")
        self.buttons["add_member"].configure(state="normal" if row and editable else "disabled")
        if row is None:
            self.detail_title.configure(text=_("Select a network to see its hubs, members and warnings."))
            self.hubs_label.configure(text="")
            self.warnings_label.pack_forget()
            self._member_buttons()
            return
        self.detail_title.configure(text=row["name"])
        hubs = _("Hubs: {hubs}").format(hubs=", ".join(row["hubs"]) or _("none yet"))
        self.hubs_label.configure(text=hubs + (f"\n{row['notes']}" if row["notes"] else ""))
        flagged = {(f["facility_id"], d["technique_id"]) for d in row["duplications"] for f in d["facilities"]}
        for member in row["members"]:
            duplicated = (member["facility_id"], member["technique_id"]) in flagged
            self.members.insert("", "end", iid=member["id"], tags=("duplicated",) if duplicated else (), values=(
                ("⚠ " if duplicated else "") + member["facility"], member["province"], member["technique"], member["status_label"],
                member["planned_year"] or ""))
        self.members_title.configure(text=_("Members ({count})").format(count=len(row["members"])))
        if row["duplications"]:
            self.warnings_label.configure(text="\n".join("⚠ " + d["message"] for d in row["duplications"]))
            self.warnings_label.pack(anchor="w", fill="x", pady=(6, 0), ipadx=6, ipady=4, after=self.hubs_label)
        else:
            self.warnings_label.pack_forget()
        self._member_buttons()

    def _member_buttons(self) -> None:
        chosen = self.selected_member() is not None
        self.buttons["edit_member"].configure(state=edit_state("edit") if chosen else "disabled")
        self.buttons["delete_member"].configure(state=edit_state("delete") if chosen else "disabled")

    # --- actions --------------------------------------------------------------------------------
    def _hub_list(self, master: tk.Misc) -> ChoiceList:
        return ChoiceList(master, "hubs", _("Hubs"), networks.hub_choices(), height=6,
                          hint=_("The Ho Chi Minh City hospitals leading the network."))

    def new_network(self) -> ActionDialog | None:
        if edit_state() != "normal":
            return None

        def submit(values: dict[str, Any]) -> None:
            self._saved = networks.save_network(values, hubs=values.pop("hubs"))

        self.dialog = ActionDialog(self, _("New network"), _("A regional network of one specialty: its hubs at HCMC, then its members."),
                                   networks.network_form_fields(), {}, submit, _("Save"), on_done=lambda: self.refresh(self._saved),
                                   extra=self._hub_list)
        return self.dialog

    def edit_network(self) -> ActionDialog | None:
        network_id = self.selected_network()
        if network_id is None or edit_state() != "normal":
            return None

        self.dialog = edit_dialog(self, _("Edit network"), networks.network_form_fields(), lambda: networks.network_form(network_id),
                                  lambda values: networks.save_network(values, network_id, hubs=values.pop("hubs")),
                                  on_done=lambda: self.refresh(network_id), extra=self._hub_list)
        return self.dialog

    def delete_network(self) -> None:
        row = self.rows.get(self.selected_network() or "")
        if row is None:
            return
        question = _("Delete the network '{name}' with its hubs and {count} members? Other sites will receive the deletion at the next "
                     "sync.").format(name=row["name"], count=len(row["members"]))
        if delete_after_asking(self, question, lambda: networks.delete_network(row["id"])):
            self.refresh()

    def add_member(self) -> ActionDialog | None:
        network_id = self.selected_network()
        if network_id is None:
            return None

        def submit(values: dict[str, Any]) -> None:
            self._saved = networks.save_member(network_id, values)

        self.dialog = ActionDialog(self, _("Add member"), _("A hospital of the region and a technique it offers or plans to offer."),
                                   networks.member_form_fields(), {"status": "plans"}, submit, _("Save"),
                                   on_done=lambda: self._after_member(network_id, self._saved))
        return self.dialog

    def edit_member(self) -> ActionDialog | None:
        network_id, member_id = self.selected_network(), self.selected_member()
        if network_id is None or member_id is None or edit_state() != "normal":
            return None
        self.dialog = edit_dialog(self, _("Edit member"), networks.member_form_fields(), lambda: networks.member_form(member_id),
                                  lambda values: networks.save_member(network_id, values, member_id),
                                  on_done=lambda: self._after_member(network_id, member_id))
        return self.dialog

    def delete_member(self) -> None:
        network_id, member_id = self.selected_network(), self.selected_member()
        if network_id is None or member_id is None:
            return
        values = self.members.item(member_id, "values")
        facility, technique = str(values[0]), str(values[2])
        question = _("Remove {technique} of {facility} from the network?").format(technique=technique, facility=facility.removeprefix("⚠ "))
        if delete_after_asking(self, question, lambda: networks.delete_member(member_id)):
            self.refresh(network_id)

    def _after_member(self, network_id: str, member_id: str) -> None:
        self.refresh(network_id)
        if self.members.exists(member_id):
            self.members.selection_set(member_id)
            self.members.see(member_id)

    @property
    def coverage(self) -> Any:
        return self.tabs.views.get(COVERAGE_TAB)

    @property
    def cases(self) -> Any:
        return self.tabs.views.get(CASES_TAB)

    # --- screen protocol used by the main window ----------------------------------------------
    def on_show(self) -> None:
        view = self.tabs.current_view()
        if view is not None:
            view.on_show()
        else:
            self.refresh()

    def new_record(self) -> Any:
        """Ctrl+N: a new network, or a new month in the case logs tab."""
        view = self.tabs.current_view()
        return view.new_record() if view is not None else self.new_network()

    def open_record(self, network_id: str) -> None:
        self.tabs.select(NETWORKS_TAB)
        self.refresh(network_id)


def _coverage_view(master: tk.Misc) -> Any:
    from hospitaldesk.ui.screens.coverage_view import CoverageView

    return CoverageView(master)


def _case_logs_view(master: tk.Misc) -> Any:
    from hospitaldesk.ui.screens.case_logs_view import CaseLogsView

    return CaseLogsView(master)
