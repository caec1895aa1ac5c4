"""Agreements: the list with its filters, the selected agreement's panel, and every action on it.

The list and the panel share the screen; a draft opens in the tabbed editor and
an amendment in its own editor, each replacing the list until it is closed.
"""
from __future__ import annotations

import datetime as dt
import tkinter as tk
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import agreements
from hospitaldesk.services.forms import Choice, FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.screens.agreement_panel import AgreementPanel
from hospitaldesk.ui.record_actions import delete_after_asking
from hospitaldesk.ui.sign_in import edit_state
from hospitaldesk.ui.widgets.action_dialog import ActionDialog
from hospitaldesk.ui.widgets.table import DataTable

# This is the first screen: what only an action needs (editors, lifecycle, printing, attachments)
# is imported when the action runs, which keeps the window's start-up within budget (tests/bench c).
if TYPE_CHECKING:
    from hospitaldesk.ui.screens.agreement_editor import AgreementEditor
    from hospitaldesk.ui.screens.amendment_editor import AmendmentEditor

PANEL_WIDTH = 430


def _today() -> str:
    return format_date(dt.date.today())


class AgreementsScreen(ttk.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, padding=12)
        self.catalog = agreements.AgreementCatalog()
        self.current_id: str | None = None
        self.dialog: ActionDialog | None = None  # the open action dialog, for tests
        self.preview: Any = None
        self.list_view = ttk.Frame(self)
        self.list_view.pack(fill="both", expand=True)
        header = ttk.Frame(self.list_view)
        header.pack(fill="x", pady=(0, 8))
        ttk.Label(header, text=_("Agreements"), font=("TkHeadingFont", 16, "bold")).pack(side="left")
        ttk.Button(header, text=_("New agreement (Ctrl+N)"), bootstyle="success", command=self.new_record,
                   state=edit_state()).pack(side="right")
        ttk.Button(header, text=_("Export to Excel…"), bootstyle="secondary-outline", command=self.export).pack(side="right", padx=8)
        self.panel = AgreementPanel(self.list_view, self, width=PANEL_WIDTH)
        self.panel.pack(side="right", fill="y", padx=(12, 0))
        self.table = DataTable(self.list_view, self.catalog.columns, self.catalog.list_page_unflagged, self.catalog.filters,
                               on_select=self._on_select, on_open=self._open, fill_later=agreements.readiness_cells)
        self.table.query.sort, self.table.query.descending = "signed_on", True
        self.table.pack(side="left", fill="both", expand=True)
        self._editor: AgreementEditor | None = None
        self._amendment_editor: AmendmentEditor | None = None
        self.table.refresh()

    # --- list and panel -----------------------------------------------------------------------
    def _on_select(self, record_id: str | None) -> None:
        self.current_id = record_id
        self.panel.show(record_id)

    def _open(self, record_id: str) -> None:
        if agreements.summary(record_id)["status"] == "draft":
            self.edit(record_id)
        else:
            self.preview_contract(record_id)

    def refresh(self, select: str | None = None) -> None:
        self.table.refresh(select=select)
        self.panel.show(select or self.current_id)

    def open_record(self, record_id: str) -> None:
        """Shown from elsewhere (the audit log): selected in the list when it is on this page, in the panel either way."""
        self.current_id = record_id
        self.refresh(select=record_id)

    # --- editors ------------------------------------------------------------------------------
    # Built on first use: their choice lists (every facility, every technique) cost start-up time.
    @property
    def editor(self) -> AgreementEditor:
        if self._editor is None:
            from hospitaldesk.ui.screens.agreement_editor import AgreementEditor

            self._editor = AgreementEditor(self, on_close=self._close_editor)
        return self._editor

    @property
    def amendment_editor(self) -> AmendmentEditor:
        if self._amendment_editor is None:
            from hospitaldesk.ui.screens.amendment_editor import AmendmentEditor

            self._amendment_editor = AmendmentEditor(self, on_close=self._close_amendment_editor)
        return self._amendment_editor

    def _editing(self) -> Any:
        """The editor on screen, if any (without building one)."""
        for view in (self._editor, self._amendment_editor):
            if view is not None and view.winfo_ismapped():
                return view
        return None

    def _swap_to(self, view: ttk.Frame) -> None:
        for child in (self.list_view, self._editor, self._amendment_editor):
            if child is not None and child is not view:
                child.pack_forget()
        view.pack(fill="both", expand=True)

    def new_record(self) -> None:
        if self._editing() is not None:
            return
        self.editor.load(None)
        self._swap_to(self.editor)

    def edit(self, record_id: str) -> None:
        try:
            self.editor.load(record_id)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self._swap_to(self.editor)

    def _close_editor(self, record_id: str | None) -> None:
        self._swap_to(self.list_view)
        self.refresh(record_id)

    def edit_amendment(self, agreement_id: str, amendment_id: str | None) -> None:
        try:
            self.amendment_editor.load(agreement_id, amendment_id)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self._swap_to(self.amendment_editor)

    def _close_amendment_editor(self, agreement_id: str) -> None:
        self._swap_to(self.list_view)
        self.refresh(agreement_id)

    def save_record(self) -> None:
        editing = self._editing()
        if editing is not None:
            editing.save_record()

    @property
    def form(self) -> Any:
        """The form the main window asks about unsaved changes before quitting."""
        return self._editing()

    # --- actions on the selected agreement ----------------------------------------------------
    def _action(self, title: str, intro: str, specs: list[FieldSpec], values: dict[str, Any], submit: Any, ok: str) -> ActionDialog:
        self.dialog = ActionDialog(self, title, intro, specs, values, submit, ok, on_done=lambda: self.refresh(self.current_id))
        return self.dialog

    def change_status(self, record_id: str) -> ActionDialog | None:
        from hospitaldesk.services import agreement_lifecycle as life

        info = agreements.summary(record_id)
        targets = info["targets"]
        if not targets:
            dialogs.show_info(self, _("Agreement {number} has ended: its status does not change any more.").format(number=info["number"]))
            return None

        def choices() -> list[Choice]:
            return [Choice(t, terms.label(terms.STATUSES, t)) for t in targets]

        specs = [
            FieldSpec("target", N_("New status"), "choice", required=True, choices=choices),
            FieldSpec("on_date", N_("Date"), "date", required=True),
            FieldSpec("reason", N_("Reason or note"), "multiline", hint=N_("Required when the agreement is terminated.")),
        ]
        intro = _("Agreement {number} is now '{status}'.").format(number=info["number"], status=info["status_label"])
        if "signed" in targets:
            intro += "\n" + _("Signing freezes the contract's text: later changes are made by amendments.")
        return self._action(_("Change status"), intro, specs, {"target": targets[0], "on_date": _today()},
                            lambda v: life.change_status(record_id, v["target"], v["on_date"], v["reason"]), _("Change status"))

    def record_review(self, record_id: str) -> ActionDialog:
        from hospitaldesk.services import agreement_lifecycle as life

        info = agreements.summary(record_id)
        specs = [FieldSpec("on_date", N_("Date of the review"), "date", required=True),
                 FieldSpec("note", N_("Conclusions"), "multiline")]
        intro = _("The directors' 6-monthly review of agreement {number} (due {date}).").format(number=info["number"], date=info["next_review"])
        return self._action(_("Record a review"), intro, specs, {"on_date": _today()},
                            lambda v: life.record_review(record_id, v["on_date"], v["note"]), _("Save"))

    def set_progress(self, line: dict[str, Any]) -> ActionDialog:
        from hospitaldesk.services import agreement_lifecycle as life

        specs = [FieldSpec("progress", N_("Progress"), "choice", required=True, choices=terms.progress_choices),
                 FieldSpec("on_date", N_("Date"), "date", required=True)]
        return self._action(_("Technique progress"), line["name"], specs, {"progress": line["progress"], "on_date": _today()},
                            lambda v: life.set_progress(line["id"], v["progress"], v["on_date"]), _("Save"))

    def sign_amendment(self, amendment_id: str) -> ActionDialog:
        from hospitaldesk.services import amendments

        info = amendments.get(amendment_id)
        specs = [FieldSpec("on_date", N_("Date of signing"), "date", required=True)]
        intro = _("Sign amendment {number}? Its text is then frozen and its technique lines take effect.").format(number=info["number"])
        return self._action(_("Sign the amendment"), intro, specs, {"on_date": _today()},
                            lambda v: amendments.sign_amendment(amendment_id, v["on_date"]), _("Sign"))

    def _confirmed(self, question: str, action: Callable[[], object]) -> bool:
        """Ask, then do it; a refusal from the service is shown, never raised. True when done."""
        return delete_after_asking(self, question, action)

    def delete_draft(self, record_id: str) -> None:
        number = agreements.summary(record_id)["number"]
        question = _("Delete the draft {number}? Other sites will receive the deletion at the next sync.").format(number=number)
        if self._confirmed(question, lambda: agreements.delete_draft(record_id)):
            self.current_id = None
            self.refresh()

    def delete_amendment(self, record_id: str, amendment_id: str) -> None:
        from hospitaldesk.services import amendments

        number = amendments.get(amendment_id)["number"]
        if self._confirmed(_("Delete the draft amendment {number}?").format(number=number),
                           lambda: amendments.delete_amendment(amendment_id)):
            self.panel.show(record_id)

    # --- printing -----------------------------------------------------------------------------
    def preview_contract(self, record_id: str) -> Any:
        from hospitaldesk.services import contract_print

        from hospitaldesk.ui.screens.print_preview import PrintPreview

        info = agreements.summary(record_id)
        warnings = contract_print.preview_warnings(record_id)
        self.preview = PrintPreview(self, _("Contract {number}").format(number=info["number"]),
                                    lambda: contract_print.contract_pdf(record_id),
                                    contract_print.suggested_file_name(info["number"]), warnings=warnings,
                                    on_output=lambda: contract_print.record_printed("agreement", record_id))
        return self.preview

    def preview_amendment(self, amendment_id: str) -> Any:
        from hospitaldesk.services import amendments
        from hospitaldesk.services import contract_print

        from hospitaldesk.ui.screens.print_preview import PrintPreview

        info = amendments.get(amendment_id)
        self.preview = PrintPreview(self, _("Amendment {number}").format(number=info["number"]),
                                    lambda: contract_print.amendment_pdf(amendment_id),
                                    contract_print.suggested_file_name(info["number"], "amendment"),
                                    on_output=lambda: contract_print.record_printed("amendment", amendment_id))
        return self.preview

    # --- attachments --------------------------------------------------------------------------
    def attach_file(self, record_id: str) -> None:
        from hospitaldesk.services import attachments

        path = dialogs.ask_open_file(self, _("Attach a file (the scan of the signed paper...)"))
        if path is None:
            return
        try:
            attachments.add_attachment(record_id, path)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self.panel.show(record_id)

    def open_attachment(self, attachment_id: str) -> None:
        from hospitaldesk.services import attachments

        from hospitaldesk.ui.system_open import open_with_system

        try:
            open_with_system(attachments.export_for_viewing(attachment_id))
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)

    def remove_attachment(self, record_id: str, attachment_id: str, name: str) -> None:
        from hospitaldesk.services import attachments

        if self._confirmed(_("Remove the attachment '{name}' from this agreement?").format(name=name),
                           lambda: attachments.remove_attachment(attachment_id)):
            self.panel.show(record_id)

    # --- screen protocol used by the main window ----------------------------------------------
    def export(self) -> Any:
        """The list as filtered and searched now, every page, to an .xlsx file."""
        import dataclasses

        from hospitaldesk.services.exports import export_list, suggested_name
        from hospitaldesk.ui.exporting import export_to_excel

        query = dataclasses.replace(self.table.query, filters=dict(self.table.query.filters))
        return export_to_excel(self, suggested_name(_("Agreements")), lambda path, rows: export_list(self.catalog, query, path, rows))

    def on_show(self) -> None:
        if self.list_view.winfo_ismapped():
            self.table.refresh()
            self.panel.show(self.current_id)

    def focus_search(self) -> None:
        if self.list_view.winfo_ismapped():
            self.table.focus_search()
