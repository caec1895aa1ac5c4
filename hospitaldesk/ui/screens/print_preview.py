"""Print preview: a document's pages on screen before it is saved, opened or printed.

The caller hands over `build()`, which returns the PDF bytes. Building and rasterising
both run in a worker thread (a contract takes about half a second); only the
PIL -> PhotoImage step happens on the Tk thread, because Tk images are not thread-safe.
"""
from __future__ import annotations

import logging
import tempfile
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ttkbootstrap as ttk

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _, ngettext
from hospitaldesk.reports.render import render_page_images, write_pdf
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.background import Job, Progress, run_in_thread
from hospitaldesk.ui.system_open import open_with_system

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageTk import PhotoImage

log = logging.getLogger("hospitaldesk.ui")

SIZE, MIN_SIZE = (900, 700), (560, 420)  # fits a 1366x768 screen with its taskbar
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)  # multiples of the fit-to-width size
MARGIN, GAP, SHADOW = 24, 18, 3  # pixels around, between and under the pages
A4_WIDTH_PT = 595.28  # first guess of the page width; corrected after one render if wrong
BACKDROP, SHADOW_FILL, EDGE = "#c4c8cd", "#8e9399", "#7d8287"
Rendered = tuple[bytes, float, list["Image"]]


class PrintPreview(ttk.Toplevel):
    def __init__(
        self, master: tk.Misc, title: str, build: Callable[[], bytes], suggested_name: str,
        warnings: list[str] | None = None, on_saved: Callable[[Path], None] | None = None,
        on_output: Callable[[], None] | None = None,
    ) -> None:
        owner = master.winfo_toplevel()
        super().__init__(title=title, master=master, transient=owner, minsize=MIN_SIZE)
        self.withdraw()  # shown once placed, so it never appears at 0,0 and jumps
        self.title_text, self.build, self.on_saved = title, build, on_saved
        self.on_output = on_output  # the document left the app (saved, or opened to print): e.g. logged
        self.suggested_name = suggested_name if suggested_name.lower().endswith(".pdf") else f"{suggested_name}.pdf"
        self.data: bytes | None = None
        self.zoom_index = ZOOMS.index(1.0)
        self.photos: list[PhotoImage] = []  # Tk draws from these: dropping them blanks the pages
        self.page_width_pt = A4_WIDTH_PT
        self.job: Job | None = None
        self.generation = 0  # a zoom clicked twice quickly: only the newest render is shown
        self.warning_labels: list[ttk.Label] = []
        if warnings:
            self._build_warnings(warnings)
        self._build_toolbar()
        self._build_canvas()
        self._bind_keys()
        self._place_over(owner)
        self.deiconify()
        self.focus_set()
        self._render()

    # --- layout ---------------------------------------------------------------------------
    def _build_warnings(self, warnings: list[str]) -> None:
        box = ttk.Frame(self, bootstyle="@warning", padding=(12, 8))
        box.pack(fill="x", padx=8, pady=(8, 0))
        for text in warnings:
            label = ttk.Label(box, text=f"⚠  {text}", bootstyle="@warning", wraplength=SIZE[0] - 60, justify="left")
            label.pack(anchor="w")
            self.warning_labels.append(label)

    def _build_toolbar(self) -> None:
        bar = ttk.Frame(self, padding=8)
        bar.pack(fill="x")
        self.save_button = ttk.Button(bar, text=_("Save PDF…"), bootstyle="primary", command=self.save, state="disabled")
        self.save_button.pack(side="left")
        self.open_button = ttk.Button(bar, text=_("Open in PDF viewer"), bootstyle="secondary-outline", command=self.open_externally, state="disabled")
        self.open_button.pack(side="left", padx=(8, 24))
        self.zoom_out_button = ttk.Button(bar, text="−", width=3, bootstyle="secondary-outline", command=lambda: self.zoom(-1))
        self.zoom_out_button.pack(side="left")
        self.zoom_label = ttk.Label(bar, text="", width=7, anchor="center")
        self.zoom_label.pack(side="left")
        self.zoom_in_button = ttk.Button(bar, text="+", width=3, bootstyle="secondary-outline", command=lambda: self.zoom(1))
        self.zoom_in_button.pack(side="left")
        self.count_label = ttk.Label(bar, text="", bootstyle="secondary")
        self.count_label.pack(side="left", padx=24)
        ttk.Button(bar, text=_("Close"), bootstyle="secondary", command=self.close).pack(side="right")
        self._update_zoom_controls()

    def _build_canvas(self) -> None:
        frame = ttk.Frame(self)
        frame.pack(fill="both", expand=True)
        frame.rowconfigure(0, weight=1)
        frame.columnconfigure(0, weight=1)
        self.canvas = tk.Canvas(frame, background=BACKDROP, highlightthickness=0, yscrollincrement=40, xscrollincrement=40)
        yscroll = ttk.Scrollbar(frame, orient="vertical", command=self.canvas.yview)
        self.xscroll = ttk.Scrollbar(frame, orient="horizontal", command=self.canvas.xview)
        self.canvas.configure(yscrollcommand=yscroll.set, xscrollcommand=self.xscroll.set)
        self.canvas.grid(row=0, column=0, sticky="nsew")
        yscroll.grid(row=0, column=1, sticky="ns")
        self.canvas.bind("<Configure>", lambda _e: self._layout())
        # Over the pages, not in the toolbar: it is what a person looks at while waiting.
        self.message = ttk.Label(frame, text="", padding=(20, 14), wraplength=SIZE[0] - 200, justify="center")

    def _bind_keys(self) -> None:
        # Bound on the window and ending in "break": the main window's bind_all Ctrl+S must not fire too.
        keys: dict[str, Callable[[], Any]] = {
            "<Control-s>": self.save, "<Control-S>": self.save, "<Escape>": self.close,
            "<plus>": lambda: self.zoom(1), "<equal>": lambda: self.zoom(1), "<KP_Add>": lambda: self.zoom(1),
            "<minus>": lambda: self.zoom(-1), "<KP_Subtract>": lambda: self.zoom(-1),
            "<Prior>": lambda: self._scroll(-1, "pages"), "<Next>": lambda: self._scroll(1, "pages"),
            "<Up>": lambda: self._scroll(-1), "<Down>": lambda: self._scroll(1),
            "<Button-4>": lambda: self._scroll(-3), "<Button-5>": lambda: self._scroll(3),
        }
        for sequence, action in keys.items():
            self.bind(sequence, self._handler(action))
        # Windows and macOS: delta is ±120 per notch on Windows, small steps on macOS.
        self.bind("<MouseWheel>", lambda e: self._scroll(-max(1, abs(e.delta) // 120) * (1 if e.delta > 0 else -1) * 3))
        self.protocol("WM_DELETE_WINDOW", self.close)

    @staticmethod
    def _handler(action: Callable[[], Any]) -> Callable[[tk.Event[Any]], str]:
        def handle(_event: tk.Event[Any]) -> str:
            action()
            return "break"
        return handle

    def _place_over(self, owner: tk.Misc) -> None:
        owner.update_idletasks()
        screen_w, screen_h = self.winfo_screenwidth(), self.winfo_screenheight()
        width, height = min(SIZE[0], screen_w - 20), min(SIZE[1], screen_h - 60)
        x = owner.winfo_rootx() + (owner.winfo_width() - width) // 2
        y = owner.winfo_rooty() + (owner.winfo_height() - height) // 2
        x, y = max(0, min(x, screen_w - width)), max(0, min(y, screen_h - height - 40))  # 40: taskbar
        self.geometry(f"{width}x{height}+{x}+{y}")

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.configure(text=text, bootstyle="danger" if error else "default")
        self.message.place(relx=0.5, rely=0.4, anchor="center")

    # --- rendering ------------------------------------------------------------------------
    def _fit_width(self) -> int:
        width = self.canvas.winfo_width()  # below 100: not mapped yet, estimate from the size we asked for
        return max(200, (width if width >= 100 else SIZE[0] - 20) - 2 * MARGIN)

    def _render(self) -> None:
        self.generation += 1
        generation, data, build = self.generation, self.data, self.build
        target = self._fit_width() * ZOOMS[self.zoom_index]
        page_pt = self.page_width_pt
        self._show_message(_("Preparing the preview…"))
        if self.job is not None:
            self.job.cancel()

        def work(_job: Job, _progress: Progress) -> Rendered:
            pdf = data if data is not None else build()
            images = render_page_images(pdf, target / page_pt)
            if images and abs(images[0].width - target) > 0.03 * target:  # not A4 portrait: one more pass
                width_pt = images[0].width * page_pt / target
                return pdf, width_pt, render_page_images(pdf, target / width_pt)
            return pdf, page_pt, images

        self.job = run_in_thread(self, work, lambda result: self._on_rendered(generation, result), self._on_error)

    def _on_rendered(self, generation: int, result: Rendered) -> None:
        if generation != self.generation or not self.winfo_exists():
            return
        from PIL.ImageTk import PhotoImage

        self.data, self.page_width_pt, images = result
        self.photos = [PhotoImage(image, master=self) for image in images]
        self.message.place_forget()
        self.count_label.configure(text=ngettext("{count} page", "{count} pages", len(images)).format(count=len(images)))
        self.save_button.configure(state="normal")
        self.open_button.configure(state="normal")
        self._layout()
        first, last = self.canvas.xview()  # zoomed past the width: keep the middle of the page in view
        self.canvas.xview_moveto((1 - (last - first)) / 2)

    def _on_error(self, exc: BaseException) -> None:
        if not self.winfo_exists():
            return
        if isinstance(exc, HospitalDeskError):
            text = exc.message
        else:  # the traceback is in the log (background.py); the person gets a sentence
            log.error("print preview %r failed: %r", self.title_text, exc)
            text = _("The preview could not be prepared because of an unexpected error. The details are in the log file.")
        self._show_message(text, error=True)

    def _layout(self) -> None:
        """Redraw the pages centred, from the PhotoImages we already have (cheap: no re-rasterising)."""
        self.canvas.delete("all")
        if not self.photos:
            return
        widest = max(photo.width() for photo in self.photos)
        total_width = max(self.canvas.winfo_width(), widest + 2 * MARGIN)
        if total_width > self.canvas.winfo_width():  # only zoomed in past the window's width
            self.xscroll.grid(row=1, column=0, sticky="ew")
        else:
            self.xscroll.grid_remove()
        y = MARGIN
        for photo in self.photos:
            left, w, h = (total_width - photo.width()) // 2, photo.width(), photo.height()
            self.canvas.create_rectangle(left + SHADOW, y + SHADOW, left + w + SHADOW, y + h + SHADOW, fill=SHADOW_FILL, width=0)
            self.canvas.create_image(left, y, image=photo, anchor="nw", tags=("page",))
            self.canvas.create_rectangle(left - 1, y - 1, left + w, y + h, outline=EDGE)
            y += h + GAP
        self.canvas.configure(scrollregion=(0, 0, total_width, y - GAP + MARGIN))

    def _scroll(self, amount: int, what: Literal["units", "pages"] = "units") -> None:
        self.canvas.yview_scroll(amount, what)

    def zoom(self, step: int) -> None:
        index = max(0, min(len(ZOOMS) - 1, self.zoom_index + step))
        if index != self.zoom_index:
            self.zoom_index = index
            self._update_zoom_controls()
            self._render()

    def _update_zoom_controls(self) -> None:
        self.zoom_label.configure(text=f"{round(ZOOMS[self.zoom_index] * 100)} %")
        self.zoom_out_button.configure(state="normal" if self.zoom_index > 0 else "disabled")
        self.zoom_in_button.configure(state="normal" if self.zoom_index < len(ZOOMS) - 1 else "disabled")

    # --- actions --------------------------------------------------------------------------
    def save(self) -> None:
        if self.data is None:
            return
        path = dialogs.ask_save_pdf(self, _("Save PDF"), self.suggested_name)
        if path is None:
            return
        if not self._output():
            return
        try:
            write_pdf(self.data, path)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        dialogs.show_info(self, _("The PDF was saved to {path}.").format(path=path))
        if self.on_saved is not None:
            self.on_saved(path)

    def _output(self) -> bool:
        """Before the document leaves the app: log it (and be refused when that is not allowed)."""
        if self.on_output is None:
            return True
        try:
            self.on_output()
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        return True

    def open_externally(self) -> None:
        if self.data is None:
            return
        try:
            # A fresh folder each time: on Windows the previous copy may still be locked by the viewer.
            if not self._output():
                return
            path = Path(tempfile.mkdtemp(prefix="hospitaldesk-")) / self.suggested_name
            write_pdf(self.data, path)
            open_with_system(path)
        except HospitalDeskError as exc:
            dialogs.show_error(self, exc.message)
        except OSError as exc:  # mkdtemp: the temporary folder is full or not writable
            dialogs.show_error(self, _("Could not prepare a copy for the PDF viewer: {reason}.").format(reason=exc.strerror or exc))

    def close(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.destroy()
