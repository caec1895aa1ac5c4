"""Staff: the registry (table and form, as every catalogue), and under the table the selected
person's card: their trainings with the commitment to serve, their departures, and the actions
(add or edit a training, record a departure or a return, print the certificate or commitment).
"""
from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, format_date
from hospitaldesk.services import enrollments
from hospitaldesk.services import staff as staff_service
from hospitaldesk.ui.screens.catalog_screen import CatalogScreen
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.tree_columns import set_column

CARD_COLUMNS = [("technique", 120), ("status", 142), ("end", 92), ("certificate", 100), ("commitment", 162)]


def _day(iso: str) -> str:
    """'2024-06-30' -> '30/06/2024' (the services give ISO dates to plain-data readers)."""
    import datetime as dt

    return format_date(dt.date.fromisoformat(iso)) if iso else ""


class StaffScreen(CatalogScreen):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, staff_service.StaffCatalog())
        self.dialog: ActionDialog | None = None
        self.preview: Any = None
        ttk.Button(self.header, text=_("Import from Excel…"), bootstyle="primary-outline", command=self.import_file,
                   state=edit_state("import")).pack(side="right")
        self.import_dialog: Any = None
        self.card = self._build_card()
        self.card.pack(side="bottom", fill="x", before=self.table, pady=(10, 0))
        self.show_card(None)

    def import_file(self) -> Any:
        from hospitaldesk.ui.screens.staff_import_dialog import StaffImportDialog

        self.import_dialog = StaffImportDialog(self, on_imported=lambda: self.table.refresh(reset_page=True))
        return self.import_dialog

    # --- the card -----------------------------------------------------------------------------
    def _build_card(self) -> ttk.Frame:
        card = ttk.Frame(self)
        self.card_title = ttk.Label(card, text="", font=("TkHeadingFont", 11, "bold"))
        self.card_title.pack(anchor="w")
        self.card_facts = ttk.Label(card, text="", justify="left", wraplength=660)
        self.card_facts.pack(anchor="w", fill="x")
        # Two rows: the training's actions, then the person's (Vietnamese labels are long).
        person_row, training_row = ttk.Frame(card), ttk.Frame(card)
        person_row.pack(side="bottom", fill="x", pady=(4, 0))
        training_row.pack(side="bottom", fill="x", pady=(6, 0))
        self.card_buttons: dict[str, ttk.Button] = {}
        for row, key, label, style in (
            (training_row, "add", _("Add training…"), "success-outline"), (training_row, "edit", _("Edit training…"), "secondary-outline"),
            (training_row, "certificate", _("Certificate…"), "secondary-outline"),
            (training_row, "commitment", _("Commitment letter…"), "secondary-outline"),
            (person_row, "departure", _("Record departure…"), "warning-outline"), (person_row, "return", _("Record return…"), "secondary-outline"),
        ):
            button = ttk.Button(row, text=label, bootstyle=style, command=lambda k=key: self._card_action(k))
            button.pack(side="left", padx=(0, 6))
            self.card_buttons[key] = button
        self.trainings = ttk.Treeview(card, columns=[c for c, _w in CARD_COLUMNS], show="headings", height=3, selectmode="browse")
        headings = {"technique": _("Technique"), "status": _("Status"), "end": _("End"), "certificate": _("Certificate number"),
                    "commitment": _("Commitment ends")}
        for key, width in CARD_COLUMNS:
            set_column(self.trainings, key, headings[key], width, stretch=key == "technique")
        self.trainings.tag_configure("broken", foreground="#b02a37")
        self.trainings.pack(fill="x", pady=(4, 0))
        self.trainings.bind("<Double-1>", lambda _e: self._card_action("edit"))
        self.trainings.bind("<<TreeviewSelect>>", lambda _e: self._training_buttons())
        return card

    def show_card(self, staff_id: str | None) -> None:
        self.trainings.delete(*self.trainings.get_children())
        self.card_info: dict[str, Any] = {}
        if staff_id is None:
            self.card_title.configure(text=_("Select a person to see their trainings and commitments."))
            self.card_facts.configure(text="")
            for button in self.card_buttons.values():
                button.configure(state="disabled")
            return
        try:
            info = enrollments.staff_card(staff_id)
        except HospitalDeskError:
            self.show_card(None)
            return
        self.card_info = info
        self.card_title.configure(text=_("{name} · {profession} · {status}").format(
            name=info["name"], profession=info["profession"] or "—", status=info["status_label"]))
        facts = []
        for departure in info["departures"]:
            where = departure["destination"] or departure["destination_kind"] or "—"
            line = _("Left on {date} ({reason}) for {place}").format(date=_day(departure["left_on"]), reason=departure["reason"] or "—", place=where)
            if departure["returned_on"]:
                line += " · " + _("came back on {date}").format(date=_day(departure["returned_on"]))
            facts.append(line)
        self.card_facts.configure(text="\n".join(facts), bootstyle="warning" if info["status"] == "left" else "default")
        for row in info["enrollments"]:
            commitment = _day(row["commitment_ends_on"])
            if row["commitment_broken_on"]:
                commitment = _("not kept: {date}").format(date=_day(row["commitment_broken_on"]))
            self.trainings.insert("", "end", iid=row["id"], values=(row["technique"], row["status_label"], _day(row["end_on"]),
                                                                   row["certificate_number"], commitment),
                                  tags=("broken",) if row["commitment_broken_on"] else ())
        gone, editable = info["status"] == "left", edit_state() == "normal"
        self.card_buttons["add"].configure(state=edit_state())
        self.card_buttons["departure"].configure(state="normal" if editable and not gone else "disabled")
        self.card_buttons["return"].configure(state="normal" if editable and gone else "disabled")
        children = self.trainings.get_children()
        if children:
            self.trainings.selection_set(children[-1])
        self._training_buttons()

    def _training_buttons(self) -> None:
        selected = self.selected_training()
        certified = bool(selected) and any(r["id"] == selected and r["status"] == "certified" for r in self.card_info.get("enrollments", []))
        self.card_buttons["edit"].configure(state="normal" if selected and edit_state() == "normal" else "disabled")
        self.card_buttons["certificate"].configure(state="normal" if certified else "disabled")
        self.card_buttons["commitment"].configure(state="normal" if selected else "disabled")

    def selected_training(self) -> str | None:
        selection = self.trainings.selection()
        return selection[0] if selection else None

    # --- CatalogScreen hooks: the card follows the form --------------------------------------------
    def load(self, record_id: str) -> None:
        super().load(record_id)
        self.show_card(record_id if self.current_id == record_id else None)

    def new_record(self, ask: bool = True) -> None:
        super().new_record(ask)
        if self.current_id is None and hasattr(self, "card"):
            self.show_card(None)

    def record_name(self) -> str:
        return str(self.form.get_values().get("full_name", ""))

    # --- actions --------------------------------------------------------------------------------
    def _card_action(self, key: str) -> Any:
        staff_id = self.card_info.get("id")
        if not staff_id:
            return None
        actions = {"add": self.add_training, "edit": self.edit_training, "departure": self.record_departure,
                   "return": self.record_return, "certificate": self.print_certificate, "commitment": self.print_commitment}
        return actions[key]()

    def _refresh_after(self) -> None:
        staff_id = self.card_info.get("id")
        self.table.refresh(select=staff_id)
        if staff_id:
            super().load(staff_id)
            self.show_card(staff_id)

    def add_training(self) -> ActionDialog:
        staff_id = self.card_info["id"]

        def submit(values: dict[str, Any]) -> None:
            enrollments.save(staff_id, values)

        self.dialog = ActionDialog(self, _("Add training"), _("A training of {name} in a technique.").format(name=self.card_info["name"]),
                                   enrollments.ENROLLMENT_FIELDS, enrollments.new_enrollment(), submit, _("Save"),
                                   on_done=self._refresh_after, columns=2)
        return self.dialog

    def edit_training(self) -> ActionDialog | None:
        enrollment_id = self.selected_training()
        if enrollment_id is None:
            return None
        staff_id = self.card_info["id"]

        def submit(values: dict[str, Any]) -> None:
            enrollments.save(staff_id, values, enrollment_id)

        self.dialog = ActionDialog(self, _("Edit training"), "", enrollments.ENROLLMENT_FIELDS, enrollments.get(enrollment_id),
                                   submit, _("Save"), on_done=self._refresh_after, columns=2)
        return self.dialog

    def record_departure(self) -> ActionDialog:
        staff_id = self.card_info["id"]

        def submit(values: dict[str, Any]) -> None:
            staff_service.record_departure(staff_id, values)

        self.dialog = ActionDialog(self, _("Record departure"),
                                   _("{name} left the facility. Their trainings stay on record; retention counts from this date.").format(
                                       name=self.card_info["name"]),
                                   staff_service.DEPARTURE_FIELDS, {}, submit, _("Record"), on_done=self._refresh_after)
        return self.dialog

    def record_return(self) -> ActionDialog:
        staff_id = self.card_info["id"]
        self.dialog = ActionDialog(self, _("Record return"), _("{name} works here again.").format(name=self.card_info["name"]),
                                   staff_service.RETURN_FIELDS, {}, lambda values: staff_service.record_return(staff_id, values),
                                   _("Record"), on_done=self._refresh_after)
        return self.dialog

    def print_certificate(self) -> Any:
        return self._preview("certificate")

    def print_commitment(self) -> Any:
        return self._preview("commitment")

    def _preview(self, document: str) -> Any:
        enrollment_id = self.selected_training()
        if enrollment_id is None:
            return None
        from hospitaldesk.services import trainee_print
        from hospitaldesk.ui.screens.print_preview import PrintPreview

        if document == "certificate":
            self.preview = PrintPreview(self, _("Training certificate"), lambda: trainee_print.certificate_pdf(enrollment_id),
                                        "ChungNhan.pdf")
        else:
            self.preview = PrintPreview(self, _("Commitment letter"), lambda: trainee_print.commitment_pdf(enrollment_id),
                                        "BanCamKet.pdf")
        return self.preview
