"""The selected agreement at a glance: its facts, the actions its status allows, and four tabs
(techniques and their progress, history, amendments, attachments)."""
from __future__ import annotations

import tkinter as tk
from typing import TYPE_CHECKING, Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services import agreements, authority

if TYPE_CHECKING:
    from hospitaldesk.ui.screens.agreements import AgreementsScreen


def _tree(master: tk.Misc, columns: list[tuple[str, str, int]], height: int = 6) -> ttk.Treeview:
    tree = ttk.Treeview(master, columns=[c for c, _l, _w in columns], show="headings", height=height, selectmode="browse")
    for key, label, width in columns:
        tree.heading(key, text=label)
        tree.column(key, width=width, stretch=key == columns[0][0] or key == columns[-1][0])
    tree.pack(fill="both", expand=True)
    return tree


class AgreementPanel(ttk.Frame):
    def __init__(self, master: tk.Misc, screen: "AgreementsScreen", width: int) -> None:
        super().__init__(master, width=width)
        self.pack_propagate(False)
        self.screen = screen
        self.record_id: str | None = None
        self.facts_shown: dict[str, Any] = {}
        self.title = ttk.Label(self, text="", font=("TkHeadingFont", 12, "bold"), wraplength=width - 10, justify="left")
        self.title.pack(anchor="w")
        self.facts = ttk.Label(self, text="", justify="left", wraplength=width - 10)
        self.facts.pack(anchor="w", pady=(4, 0), fill="x")
        self.review = ttk.Label(self, text="", justify="left", wraplength=width - 10)
        self.review.pack(anchor="w", fill="x")
        # Training running ahead of readiness (issue: trainees come home to no equipment).
        self.readiness = ttk.Label(self, text="", justify="left", wraplength=width - 10, bootstyle="danger")
        self.readiness.pack(anchor="w", fill="x")
        self.buttons: dict[str, ttk.Button] = {}
        self._built = False
        self.show(None)

    def _build(self) -> None:
        """The actions and the four tabs, made when the first agreement is shown: about eighty
        widgets the first screen does not need to open (start-up time, tests/bench c)."""
        if self._built:
            return
        self._built = True
        self.actions = ttk.Frame(self)
        self.actions.pack(fill="x", pady=8)
        self.actions.columnconfigure((0, 1), weight=1, uniform="actions")
        for key, label, style in (
            ("edit", _("Edit draft"), "primary"), ("preview", _("Preview and print"), "primary-outline"),
            ("status", _("Change status…"), "secondary-outline"), ("review", _("Record a review…"), "secondary-outline"),
            ("delete", _("Delete draft"), "danger-outline"),
        ):
            button = ttk.Button(self.actions, text=label, bootstyle=style, command=lambda k=key: self._act(k))
            self.buttons[key] = button
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True)
        self._build_techniques()
        self._build_history()
        self._build_amendments()
        self._build_attachments()

    # --- tabs ---------------------------------------------------------------------------------
    def _tab(self, title: str) -> ttk.Frame:
        frame = ttk.Frame(self.tabs, padding=6)
        self.tabs.add(frame, text=title)
        return frame

    def _build_techniques(self) -> None:
        tab = self._tab(_("Techniques"))
        bar = ttk.Frame(tab)
        bar.pack(side="bottom", fill="x", pady=(6, 0))
        self.progress_button = ttk.Button(bar, text=_("Set progress…"), bootstyle="secondary-outline", command=self._set_progress)
        self.progress_button.pack(side="left")
        self.techniques = _tree(tab, [("name", _("Technique"), 250), ("progress", _("Progress"), 150)])
        self.techniques.bind("<Double-1>", lambda _e: self._set_progress())

    def _build_history(self) -> None:
        tab = self._tab(_("History"))
        self.history = _tree(tab, [("date", _("Date"), 92), ("event", _("Event"), 190), ("reason", _("Reason or note"), 150)])

    def _build_amendments(self) -> None:
        tab = self._tab(_("Amendments"))
        bar = ttk.Frame(tab)
        bar.pack(side="bottom", fill="x", pady=(6, 0))
        self.amendment_buttons = {
            "new": ttk.Button(bar, text=_("New…"), bootstyle="success-outline", command=self._new_amendment),
            "edit": ttk.Button(bar, text=_("Edit"), bootstyle="secondary-outline", command=self._edit_amendment),
            "sign": ttk.Button(bar, text=_("Sign…"), bootstyle="secondary-outline", command=self._sign_amendment),
            "print": ttk.Button(bar, text=_("Print…"), bootstyle="secondary-outline", command=self._print_amendment),
            "delete": ttk.Button(bar, text=_("Delete"), bootstyle="danger-outline", command=self._delete_amendment),
        }
        for button in self.amendment_buttons.values():
            button.pack(side="left", padx=(0, 4))
        self.amendments = _tree(tab, [("number", _("Number"), 140), ("subject", _("Subject"), 190), ("status", _("Status"), 90)])
        self.amendments.bind("<<TreeviewSelect>>", lambda _e: self._amendment_buttons())

    def _build_attachments(self) -> None:
        tab = self._tab(_("Attachments"))
        bar = ttk.Frame(tab)
        bar.pack(side="bottom", fill="x", pady=(6, 0))
        self.attach_button = ttk.Button(bar, text=_("Attach a file…"), bootstyle="success-outline", command=self._attach)
        self.attach_button.pack(side="left")
        ttk.Button(bar, text=_("Open"), bootstyle="secondary-outline", command=self._open_attachment).pack(side="left", padx=4)
        self.remove_button = ttk.Button(bar, text=_("Remove"), bootstyle="danger-outline", command=self._remove_attachment)
        self.remove_button.pack(side="left")
        self.attachments = _tree(tab, [("file", _("File"), 200), ("added", _("Added"), 85), ("size", _("Size"), 80)])
        self.attachments.bind("<Double-1>", lambda _e: self._open_attachment())

    # --- showing an agreement -----------------------------------------------------------------
    def show(self, record_id: str | None) -> None:
        self.record_id = record_id
        if record_id is not None:
            self._build()
        if self._built:
            for tree in (self.techniques, self.history, self.amendments, self.attachments):
                tree.delete(*tree.get_children())
            for button in self.buttons.values():
                button.grid_forget()
        if record_id is None:
            self.title.configure(text=_("Select an agreement in the list."))
            self.facts.configure(text="")
            self.review.configure(text="")
            self.readiness.configure(text="")
            return
        try:
            self.facts_shown = info = agreements.summary(record_id)
        except HospitalDeskError:
            self.show(None)
            return
        self.title.configure(text=f"{info['number']} · {info['title']}")
        lines = [
            _("Status: {status}").format(status=info["status_label"]),
            _("Party A: {name}").format(name=info["party_a"]),
            _("Party B: {name}").format(name=info["party_b"]),
            f"{info['level']} · {info['programme']}",
        ]
        if info["signed_on"]:
            lines.append(_("Signed on {date} · check code {code}").format(date=info["signed_on"], code=info["content_hash"]))
        self.facts.configure(text="\n".join(lines))
        if info["next_review"]:
            text = _("Next 6-monthly review: {date}").format(date=info["next_review"])
            if info["overdue"]:
                text = _("Review overdue since {date}").format(date=info["next_review"])
            self.review.configure(text=text, bootstyle="danger" if info["overdue"] else "default")
        else:
            self.review.configure(text="")
        self.readiness.configure(text="\n".join("⚠ " + warning for warning in info["readiness_warnings"]))
        draft = info["status"] == "draft"
        visible = ["edit", "preview", "status", "delete"] if draft else ["preview", "status"]
        if info["status"] in ("signed", "in_progress"):
            visible.append("review")
        editable = authority.allowed("edit")  # a viewer sees the buttons off; the services refuse anyway
        for index, key in enumerate(visible):  # two a row: the panel is narrow and Vietnamese labels long
            self.buttons[key].grid(row=index // 2, column=index % 2, sticky="ew", padx=(0, 4), pady=2)
            self.buttons[key].configure(state="normal" if editable or key == "preview" else "disabled")
        self._fill(record_id)

    def _fill(self, record_id: str) -> None:
        # Imported here: nothing is selected when the first screen opens (start-up time, tests/bench c).
        from hospitaldesk.services import agreement_lifecycle as life
        from hospitaldesk.services import amendments, attachments

        draft = self.facts_shown["status"] == "draft"
        rows = agreements.get(record_id)["lines"] if draft else amendments.technique_progress(record_id)
        names = {c.value: c.label for c in agreements.technique_choices()} if draft else {}
        for row in rows:
            name = row.get("name") or names.get(row["technique"], "")
            self.techniques.insert("", "end", iid=row["id"], values=(name, row.get("progress_label", _("(draft)"))))
        self._progress_rows = {row["id"]: row for row in rows}
        editable = authority.allowed("edit")
        self.progress_button.configure(state="disabled" if not editable or draft or self.facts_shown["status"] in ("closed", "terminated") else "normal")
        for button in (self.attach_button, self.remove_button):
            button.configure(state="normal" if editable else "disabled")
        for index, event in enumerate(life.history(record_id)):
            self.history.insert("", "end", iid=str(index), values=(event.on_date, event.description, event.reason))
        for row in amendments.amendments_of(record_id):
            self.amendments.insert("", "end", iid=row["id"], values=(row["number"], row["subject"], row["status_label"]))
        self._amendment_rows = {row["id"]: row for row in amendments.amendments_of(record_id)}
        for row in attachments.attachments_of(record_id):
            label = row["file_name"] + ("" if row["present"] else "  ⚠")
            self.attachments.insert("", "end", iid=row["id"], values=(label, row["added_on"], row["size"]))
        self._amendment_buttons()

    def _amendment_buttons(self) -> None:
        from hospitaldesk.services.amendments import AMENDABLE

        selected = self._selected(self.amendments)
        row = self._amendment_rows.get(selected or "") if hasattr(self, "_amendment_rows") else None
        amendable = self.facts_shown.get("status") in AMENDABLE and authority.allowed("edit")
        self.amendment_buttons["new"].configure(state="normal" if amendable else "disabled")
        draft = row is not None and row["status"] == "draft" and amendable
        self.amendment_buttons["edit"].configure(state="normal" if draft else "disabled")
        self.amendment_buttons["sign"].configure(state="normal" if draft else "disabled")
        self.amendment_buttons["print"].configure(state="normal" if row is not None else "disabled")
        deletable = row is not None and row["status"] == "draft" and authority.allowed("edit")
        self.amendment_buttons["delete"].configure(state="normal" if deletable else "disabled")

    @staticmethod
    def _selected(tree: ttk.Treeview) -> str | None:
        selection = tree.selection()
        return str(selection[0]) if selection else None

    # --- actions ------------------------------------------------------------------------------
    def _act(self, key: str) -> None:
        if self.record_id is None:
            return
        {"edit": self.screen.edit, "preview": self.screen.preview_contract, "status": self.screen.change_status,
         "review": self.screen.record_review, "delete": self.screen.delete_draft}[key](self.record_id)

    def _set_progress(self) -> None:
        line = self._selected(self.techniques)
        if line is not None and str(self.progress_button.cget("state")) == "normal":
            self.screen.set_progress(self._progress_rows[line])

    def _new_amendment(self) -> None:
        if self.record_id is not None:
            self.screen.edit_amendment(self.record_id, None)

    def _edit_amendment(self) -> None:
        selected = self._selected(self.amendments)
        if self.record_id is not None and selected is not None:
            self.screen.edit_amendment(self.record_id, selected)

    def _sign_amendment(self) -> None:
        selected = self._selected(self.amendments)
        if selected is not None:
            self.screen.sign_amendment(selected)

    def _print_amendment(self) -> None:
        selected = self._selected(self.amendments)
        if selected is not None:
            self.screen.preview_amendment(selected)

    def _delete_amendment(self) -> None:
        selected = self._selected(self.amendments)
        if self.record_id is not None and selected is not None:
            self.screen.delete_amendment(self.record_id, selected)

    def _attach(self) -> None:
        if self.record_id is not None:
            self.screen.attach_file(self.record_id)

    def _open_attachment(self) -> None:
        selected = self._selected(self.attachments)
        if selected is not None:
            self.screen.open_attachment(selected)

    def _remove_attachment(self) -> None:
        selected = self._selected(self.attachments)
        if self.record_id is not None and selected is not None:
            self.screen.remove_attachment(self.record_id, selected, str(self.attachments.item(selected, "values")[0]))
