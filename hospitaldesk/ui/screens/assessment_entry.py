"""Answering a readiness checklist by keyboard, with the score running beside it.

In the item list: 1 available and working, 2 partly, 3 not available, 4 (or 0) not
applicable, Space cycles through them; each answer moves to the next item, so a
60-item checklist is answered with the number keys alone. Q jumps to the quantity
found, N to the note; Enter there saves and comes back to the list.
"""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services import assessments
from hospitaldesk.services import readiness_terms as terms
from hospitaldesk.services.readiness_print import percent, verdict
from hospitaldesk.services.readiness_score import Score
from hospitaldesk.ui import dialogs

KEYS = {"1": "yes", "2": "partly", "3": "no", "4": "na", "0": "na"}
CYCLE = ["yes", "partly", "no", "na"]
ANSWER_MARK = {"yes": "✓", "partly": "½", "no": "✗", "na": "—", "": ""}


def _sentence(text: str) -> str:
    """The text ending in a full stop (the checklist's texts are written without one)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


class AssessmentEntry(ttk.Frame):
    def __init__(self, master: tk.Misc, on_close: Callable[[str], None], on_print: Callable[[str], None]) -> None:
        super().__init__(master)
        self.on_close, self.on_print = on_close, on_print
        self.assessment_id = ""
        self.items: dict[str, dict[str, Any]] = {}  # by item id
        self.order: list[str] = []
        self.final = False
        header = ttk.Frame(self)
        header.pack(fill="x", pady=(0, 6))
        # Buttons first: a long technique and facility name wraps instead of pushing them off the screen.
        ttk.Button(header, text=_("Close"), bootstyle="secondary-outline", command=lambda: self.on_close(self.assessment_id)).pack(side="right")
        ttk.Button(header, text=_("Print report…"), bootstyle="secondary-outline", command=lambda: self.on_print(self.assessment_id)).pack(side="right", padx=8)
        self.finalise_button = ttk.Button(header, text=_("Finalise…"), bootstyle="primary", command=self.finalise)
        self.finalise_button.pack(side="right")
        self.title_label = ttk.Label(header, text="", font=("TkHeadingFont", 14, "bold"), wraplength=760, justify="left")
        self.title_label.pack(side="left", fill="x", expand=True)
        self.subtitle = ttk.Label(self, text="", bootstyle="secondary", wraplength=1080, justify="left")
        self.subtitle.pack(anchor="w", fill="x")
        ttk.Label(self, text=_("Keys: 1 available · 2 partly · 3 not available · 4 not applicable · Space changes · Q quantity · N note"),
                  bootstyle="info").pack(anchor="w", pady=(2, 6))
        self._build_score(self)
        self._build_detail(self)  # packed before the list so the list cannot squeeze it out
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self._build_items(body)
        self.threshold = terms.DEFAULT_THRESHOLD

    # --- building -----------------------------------------------------------------------------
    def _build_items(self, master: tk.Misc) -> None:
        # The answer column fits "✓ Có và hoạt động tốt"; the item's full text is shown below the list.
        columns = [("code", _("Code"), 60), ("item", _("Item"), 440), ("required", _("Required"), 66),
                   ("found", _("Found"), 76), ("answer", _("Answer"), 190), ("note", _("Note"), 160)]
        self.tree = ttk.Treeview(master, columns=[c for c, _l, _w in columns], show="tree headings", selectmode="browse")
        self.tree.column("#0", width=24, stretch=False)
        for key, heading, width in columns:
            self.tree.heading(key, text=heading)
            self.tree.column(key, width=width, stretch=key in ("item", "note"), anchor="e" if key in ("required", "found") else "w")
        self.tree.tag_configure("domain", font=("TkHeadingFont", 10, "bold"))
        # Red: a critical item answered as missing, the ones that block readiness now.
        self.tree.tag_configure("blocking", foreground="#b02a37")
        scroll = ttk.Scrollbar(master, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)
        for key, value in KEYS.items():
            self.tree.bind(key, self._answer_key(value))
        self.tree.bind("<space>", lambda _e: self._cycle())
        self.tree.bind("q", lambda _e: self._edit_field(self.quantity_entry))
        self.tree.bind("n", lambda _e: self._edit_field(self.note_entry))
        self.tree.bind("<Return>", lambda _e: self._move(1))
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._show_selected())

    def _build_detail(self, master: tk.Misc) -> None:
        """The selected item in full, with its quantity and note to edit."""
        detail = ttk.Frame(master)
        detail.pack(side="bottom", fill="x", pady=(6, 0))
        self.detail_label = ttk.Label(detail, text="", wraplength=1080, justify="left")
        self.detail_label.grid(row=0, column=0, columnspan=4, sticky="w")
        ttk.Label(detail, text=_("Quantity found")).grid(row=1, column=0, sticky="w")
        self.quantity_var = tk.StringVar()
        self.quantity_entry = ttk.Entry(detail, textvariable=self.quantity_var, width=8)
        self.quantity_entry.grid(row=1, column=1, sticky="w", padx=(6, 16))
        ttk.Label(detail, text=_("Note")).grid(row=1, column=2, sticky="w")
        self.note_var = tk.StringVar()
        self.note_entry = ttk.Entry(detail, textvariable=self.note_var, width=70)
        self.note_entry.grid(row=1, column=3, sticky="ew", padx=(6, 0))
        detail.columnconfigure(3, weight=1)
        for entry in (self.quantity_entry, self.note_entry):
            entry.bind("<Return>", lambda _e: self._save_detail())
            entry.bind("<Escape>", lambda _e: self.tree.focus_set())
        self.message = ttk.Label(detail, text="", bootstyle="danger")
        self.message.grid(row=2, column=0, columnspan=4, sticky="w")

    def _build_score(self, master: tk.Misc) -> None:
        box = ttk.Frame(master)
        box.pack(fill="x", pady=(0, 6))
        self.bars: dict[str, tuple[ttk.Progressbar, ttk.Label]] = {}
        for column, (domain, label) in enumerate(terms.DOMAINS.items()):
            cell = ttk.Frame(box)
            cell.grid(row=0, column=column, sticky="ew", padx=(0, 10))
            box.columnconfigure(column, weight=1, uniform="score")
            ttk.Label(cell, text=_(label), font=("TkDefaultFont", 9)).pack(anchor="w")
            bar = ttk.Progressbar(cell, maximum=100, bootstyle="success")
            bar.pack(fill="x")
            value = ttk.Label(cell, text="—", font=("TkDefaultFont", 9))
            value.pack(anchor="w")
            self.bars[domain] = (bar, value)
        self.verdict_label = ttk.Label(master, text="", font=("TkHeadingFont", 11, "bold"), wraplength=1000, justify="left")
        self.verdict_label.pack(anchor="w", pady=(0, 4))

    # --- loading ------------------------------------------------------------------------------
    def load(self, assessment_id: str) -> None:
        shown = assessments.details(assessment_id)
        self.assessment_id = assessment_id
        self.final = shown["status"] == "final"
        self.title_label.configure(text=_("{technique} at {facility}").format(technique=shown["technique"], facility=shown["facility"]))
        status = terms.label(terms.ASSESSMENT_STATUS, shown["status"]).lower()
        self.subtitle.configure(text=_("Assessment of {date} ({status}) · checklist version {version} · assessors: {assessors}").format(
            date=shown["assessed_on"], status=status, version=shown["template_version"],
            assessors=", ".join(line for line in shown["assessors"].splitlines() if line.strip()) or "—"))
        self.finalise_button.configure(state="disabled" if self.final else "normal")
        for entry in (self.quantity_entry, self.note_entry):  # a finalised assessment is read, not edited
            entry.configure(state="readonly" if self.final else "normal")
        self.tree.delete(*self.tree.get_children())
        self.items, self.order = {}, []
        parents: dict[str, str] = {}
        for item in shown["items"]:
            domain = item["domain"]
            if domain not in parents:
                parents[domain] = self.tree.insert("", "end", iid=f"domain:{domain}", text="",
                                                   values=("", terms.label(terms.DOMAINS, domain), "", "", "", ""), open=True, tags=("domain",))
            self.items[item["item_id"]] = item
            self.order.append(item["item_id"])
            self.tree.insert(parents[domain], "end", iid=item["item_id"], values=self._row(item))
        self.threshold = shown["threshold"]
        self._show_score(shown["score"], self.threshold)
        # From the top, with the first domain's heading in view; again once shown (an unmapped tree scrolls oddly).
        self.tree.yview_moveto(0)
        self.after_idle(lambda: self.tree.yview_moveto(0))
        if self.order:
            self.select(0)
        self.tree.focus_set()

    def _row(self, item: dict[str, Any]) -> tuple[str, ...]:
        answer = item["answer"]
        label = f"{ANSWER_MARK[answer]} {terms.label(terms.ANSWERS, answer)}" if answer else ""
        text = ("★ " if item["critical"] else "") + item["text"]
        return (item["code"], text, str(item["quantity_required"]), item["quantity"], label, item["note"])

    def _show_score(self, result: Score, threshold: float) -> None:
        for domain, (bar, value) in self.bars.items():
            score = result.domains.get(domain)
            bar.configure(value=0 if score is None else score * 100)
            value.configure(text=percent(score))
        text = _("Readiness index {index}").format(index=percent(result.index)) + " · " + verdict(
            result.index, result.ready, len(result.critical_missing), result.unanswered, threshold)
        self.verdict_label.configure(text=text, bootstyle="success" if result.ready else "danger")
        blocking = set(result.critical_missing)
        for item_id in self.order:
            answered = bool(self.items[item_id]["answer"])
            self.tree.item(item_id, tags=("blocking",) if answered and item_id in blocking else ())

    # --- keyboard entry -----------------------------------------------------------------------
    def selected_item(self) -> str | None:
        selection = self.tree.selection()
        return selection[0] if selection and selection[0] in self.items else None

    def select(self, index: int) -> None:
        index = max(0, min(index, len(self.order) - 1))
        item_id = self.order[index]
        self.tree.selection_set(item_id)
        self.tree.focus(item_id)
        self.tree.see(item_id)

    def _move(self, step: int) -> str:
        current = self.selected_item()
        index = self.order.index(current) if current else -1
        self.select(index + step)
        return "break"

    def _show_selected(self) -> None:
        item_id = self.selected_item()
        if item_id is None:
            return
        item = self.items[item_id]
        means = _("Counts as available when: {means}").format(means=item["available_means"]) if item["available_means"] else ""
        critical = _("Critical: missing it blocks readiness.") if item["critical"] else ""
        self.detail_label.configure(text=" ".join(_sentence(part) for part in (item["text"], means, critical) if part))
        self.quantity_var.set(item["quantity"])
        self.note_var.set(item["note"])
        self.message.configure(text="")

    def set_answer(self, value: str, advance: bool = True) -> bool:
        """Answer the selected item (and go to the next one)."""
        item_id = self.selected_item()
        if item_id is None or self.final:
            return False
        item = self.items[item_id]
        if not self._save(item_id, value, item["quantity"], item["note"]):
            return False
        if advance:
            self._move(1)
        return True

    def _answer_key(self, value: str) -> Callable[[tk.Event], str]:
        def handler(_event: tk.Event) -> str:
            self.set_answer(value)
            return "break"

        return handler

    def _cycle(self) -> str:
        item_id = self.selected_item()
        if item_id is not None:
            current = self.items[item_id]["answer"]
            following = CYCLE[(CYCLE.index(current) + 1) % len(CYCLE)] if current in CYCLE else CYCLE[0]
            self.set_answer(following, advance=False)
        return "break"

    def _edit_field(self, entry: ttk.Entry) -> str:
        if not self.final and self.selected_item() is not None:
            entry.focus_set()
            entry.select_range(0, "end")
        return "break"

    def _save_detail(self) -> str:
        item_id = self.selected_item()
        if item_id is not None:
            item = self.items[item_id]
            if self._save(item_id, item["answer"], self.quantity_var.get(), self.note_var.get()):
                self.tree.focus_set()
        return "break"

    def _save(self, item_id: str, value: str, quantity: str, note: str) -> bool:
        try:
            result = assessments.answer(self.assessment_id, item_id, value, quantity, note)
        except ValidationError as exc:
            self.message.configure(text=exc.errors[0].describe() if exc.errors else exc.message)
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        item = self.items[item_id]
        item.update(answer=value, quantity=quantity.strip() if isinstance(quantity, str) else str(quantity or ""), note=note.strip())
        self.tree.item(item_id, values=self._row(item))
        self.message.configure(text="")
        self._show_score(result, self.threshold)
        return True

    # --- finishing ----------------------------------------------------------------------------
    def finalise(self) -> bool:
        if self.final:
            return False
        if not dialogs.ask_yes_no(self, _("Finalise this assessment? Its answers are then frozen and every missing item becomes a gap action.")):
            return False
        try:
            assessments.finalise(self.assessment_id)
        except ValidationError as exc:
            rows = [e.row for e in exc.errors if e.row is not None]
            if rows:
                self.select(rows[0] - 1)
            self.message.configure(text=_("{count} items are not answered yet; the first one is selected.").format(count=len(exc.errors)))
            return False
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self.load(self.assessment_id)
        return True
