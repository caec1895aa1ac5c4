"""The main window: navigation on the left, one screen at a time, a status bar below."""
from __future__ import annotations

import logging
import os
import sys
import time
import tkinter as tk
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from hospitaldesk import config, i18n
from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import accounts, authority, maintenance, session, site
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.ui import dialogs, tk_locale
from hospitaldesk.ui.background import run_in_thread
from hospitaldesk.ui.first_run import SiteNameForm, StartPage
from hospitaldesk.ui.sign_in import AdministratorForm, SignInForm, sign_in_overlay
from hospitaldesk.ui.screens.about import AboutScreen
from hospitaldesk.ui.screens.agreements import AgreementsScreen
from hospitaldesk.ui.screens.catalog_screen import CatalogScreen
from hospitaldesk.ui.screens.settings import SettingsScreen

log = logging.getLogger("hospitaldesk.ui")
STARTED = time.perf_counter()

# (key, label msgid, shortcut digit or None)
NAVIGATION: list[tuple[str, str, str | None]] = [
    ("overview", N_("Overview"), "0"),
    ("agreements", N_("Agreements"), "1"),
    ("readiness", N_("Readiness"), "2"),
    ("staff", N_("Staff"), "3"),
    ("retention", N_("Retention"), "4"),
    ("networks", N_("Networks"), None),
    ("review", N_("6-monthly review"), None),
    ("equipment", N_("Equipment"), "5"),
    ("facilities", N_("Facilities"), "6"),
    ("provinces", N_("Provinces"), "7"),
    ("specialties", N_("Specialties"), "8"),
    ("techniques", N_("Techniques"), "9"),
    ("sync", N_("Sync"), None),
    ("settings", N_("Settings"), None),
    ("accounts", N_("Accounts"), None),
    ("audit", N_("Audit log"), None),
    ("about", N_("About"), None),
]
IDLE_CHECK_MS = 20_000


class MainWindow:
    def __init__(self, root: ttk.App, settings: config.Settings) -> None:
        self.root = root
        self.settings = settings
        self.screens: dict[str, Any] = {}
        self.nav_buttons: dict[str, ttk.Button] = {}
        self.current: str | None = None
        self.warnings: list[str] = []
        self.callback_errors: list[BaseException] = []  # tests assert this stays empty
        root.report_callback_exception = self._on_callback_error
        self.frame: ttk.Frame | None = None
        self.lock_cover: ttk.Frame | None = None
        self.locked_user = ""  # who was signed in when the window locked
        self.last_activity = time.monotonic()

    # --- building -------------------------------------------------------------------------
    def build(self) -> None:
        if self.frame is not None:
            self.frame.destroy()
        self.screens.clear()
        self.nav_buttons.clear()
        self.root.title(_("HospitalDesk — technique transfer"))
        self.frame = ttk.Frame(self.root)
        self.frame.pack(fill="both", expand=True)
        self._build_status_bar(self.frame)
        self._build_sidebar(self.frame)
        self.content = ttk.Frame(self.frame)
        self.content.pack(side="left", fill="both", expand=True)
        self._bind_keys()
        self.show(self.current or "overview")

    def _build_sidebar(self, master: tk.Misc) -> None:
        sidebar = ttk.Frame(master, padding=(10, 12), bootstyle="secondary")
        sidebar.pack(side="left", fill="y")
        ttk.Label(sidebar, text="HospitalDesk", font=("TkHeadingFont", 15, "bold"), bootstyle="@secondary").pack(anchor="w", pady=(0, 2))
        ttk.Label(sidebar, text=_("Technique transfer"), bootstyle="@secondary").pack(anchor="w", pady=(0, 8))
        for key, label, digit in NAVIGATION:
            if key == "settings":
                ttk.Separator(sidebar).pack(fill="x", pady=6)
            text = _(label) + (f"   Ctrl+{digit}" if digit else "")
            button = ttk.Button(sidebar, text=text, width=19, bootstyle="secondary", command=lambda k=key: self.show(k))
            button.pack(fill="x", pady=1)  # 17 screens fit a 1366×768 screen less the Windows taskbar
            self.nav_buttons[key] = button

    def _build_status_bar(self, master: tk.Misc) -> None:
        bar = ttk.Frame(master, padding=(10, 4), bootstyle="light")
        bar.pack(side="bottom", fill="x")
        self.status_site = ttk.Label(bar, text="", bootstyle="@light", font=("TkDefaultFont", 9, "bold"))
        self.status_site.pack(side="left")
        self.status_path = ttk.Label(bar, text="", bootstyle="@light")
        self.status_path.pack(side="left", padx=16)
        self.status_warning = ttk.Label(bar, text="", bootstyle="@light", foreground="#b02a37")
        self.status_warning.pack(side="right")
        self.update_status()

    def update_status(self) -> None:
        user = authority.current_user()
        who = f"   ·   {user.full_name} ({user.role_label})" if user is not None else ""
        self.status_site.configure(text=(site.site_name() or "") + who)
        self.status_path.configure(text=_("Database: {path}").format(path=session.database_path() or ":memory:"))
        self.status_warning.configure(text=" · ".join(self.warnings))

    def _bind_keys(self) -> None:
        for key, _label, digit in NAVIGATION:
            if digit:
                self.root.bind_all(f"<Control-Key-{digit}>", self._navigate_to(key))
        self.root.bind_all("<Control-f>", lambda _e: self._on_screen("focus_search"))
        self.root.bind_all("<Control-n>", lambda _e: self._on_screen("new_record"))
        self.root.bind_all("<Control-s>", lambda _e: self._on_screen("save_record"))
        self.root.bind_all("<F5>", lambda _e: self._on_screen("on_show"))
        self.root.bind_all("<Control-q>", lambda _e: self.quit())
        self.root.protocol("WM_DELETE_WINDOW", self.quit)

    def _navigate_to(self, key: str) -> Callable[[tk.Event], str]:
        def handler(_event: tk.Event) -> str:
            if self.lock_cover is None:  # under the lock, shortcuts do nothing
                self.show(key)
            return "break"

        return handler

    def _on_screen(self, method: str) -> str:
        if self.lock_cover is not None:
            return "break"
        screen = self.screens.get(self.current or "")
        action: Callable[[], Any] | None = getattr(screen, method, None)
        if action is not None:
            action()
        return "break"

    # --- navigation -----------------------------------------------------------------------
    def _make_screen(self, key: str) -> Any:
        if key == "settings":
            return SettingsScreen(self.content, self)
        if key == "about":
            return AboutScreen(self.content)
        if key == "accounts":
            from hospitaldesk.ui.screens.accounts import AccountsScreen

            return AccountsScreen(self.content, on_sign_out=self.sign_out)
        if key == "audit":
            from hospitaldesk.ui.screens.audit import AuditScreen

            return AuditScreen(self.content, open_record=self.open_record)
        if key == "sync":
            from hospitaldesk.ui.screens.sync import SyncScreen

            return SyncScreen(self.content)
        if key == "overview":
            from hospitaldesk.ui.screens.overview import OverviewScreen

            return OverviewScreen(self.content, open_record=self.open_record)
        if key == "agreements":
            return AgreementsScreen(self.content)
        if key == "readiness":
            from hospitaldesk.ui.screens.readiness import ReadinessScreen  # not needed to open the first screen

            return ReadinessScreen(self.content)
        if key == "staff":
            from hospitaldesk.ui.screens.staff import StaffScreen

            return StaffScreen(self.content)
        if key == "review":
            from hospitaldesk.ui.screens.review import ReviewScreen

            return ReviewScreen(self.content)
        if key == "retention":
            from hospitaldesk.ui.screens.retention import RetentionScreen

            return RetentionScreen(self.content)
        if key == "networks":
            from hospitaldesk.ui.screens.networks import NetworksScreen

            return NetworksScreen(self.content)
        return CatalogScreen(self.content, catalog(key))

    def show(self, key: str) -> None:
        if key == self.current and key in self.screens:
            return
        if self.current in self.screens:
            self.screens[self.current].pack_forget()
        fresh = key not in self.screens
        if fresh:
            self.screens[key] = self._make_screen(key)
        screen = self.screens[key]
        screen.pack(fill="both", expand=True)
        if not fresh:
            screen.on_show()
        elif key == "settings":
            screen.on_show()
        self.current = key
        for name, button in self.nav_buttons.items():
            button.configure(bootstyle="primary" if name == key else "secondary")

    def open_record(self, key: str, stored_id: str) -> None:
        """Show a record named by the audit log or the overview (its id as stored: 32 hex digits) in its
        own screen; with no id, the screen alone."""
        self.show(key)
        if not stored_id:
            return
        opener = getattr(self.screens[key], "open_record", None)
        if opener is not None:
            opener(str(uuid.UUID(stored_id)))

    # --- signing in, out, and the idle lock -----------------------------------------------
    def watch_idle(self) -> None:
        """Lock after the idle time set in Accounts: every key press and click counts as use."""
        for event in ("<KeyPress>", "<ButtonPress>", "<MouseWheel>"):
            self.root.bind_all(event, self._touch, add="+")
        self.root.after(IDLE_CHECK_MS, self._check_idle)

    def _touch(self, _event: tk.Event) -> None:
        self.last_activity = time.monotonic()

    def _check_idle(self) -> None:
        try:
            idle_minutes = (time.monotonic() - self.last_activity) / 60
            if self.lock_cover is None and authority.current_user() is not None and authority.sign_in_required() \
                    and idle_minutes >= authority.idle_lock_minutes():
                self.lock(idle=True)
        except HospitalDeskError as exc:  # the database went away (restored, removed): try again later
            log.warning("idle check: %s", exc.message)
        if self.frame is not None and self.frame.winfo_exists():
            self.root.after(IDLE_CHECK_MS, self._check_idle)

    def lock(self, idle: bool = False) -> None:
        """Cover the window until someone signs in: the same person, or another (the screens are then rebuilt)."""
        user = authority.current_user()
        if self.lock_cover is not None:
            return
        self.locked_user = user.username if user else ""
        authority.sign_out()
        for window in _toplevels(self.root):  # a print preview or a dialog left open must not stay usable
            window.destroy()
        self.update_status()
        self.lock_cover = sign_in_overlay(self.root, self.locked_user, self._unlocked, self.quit, idle=idle)

    def _unlocked(self, user: accounts.User) -> None:
        if self.lock_cover is not None:
            self.lock_cover.destroy()
            self.lock_cover = None
        self.last_activity = time.monotonic()
        if user.username != self.locked_user:
            self.build()  # another person: what they may do differs
        self.update_status()

    def sign_out(self) -> None:
        if authority.sign_in_required():
            self.lock()
        else:
            authority.sign_out()
            self.update_status()

    # --- reactions to the settings screen -------------------------------------------------
    def apply_settings(self, settings: config.Settings) -> None:
        language_changed = settings.language != self.settings.language
        self.settings = settings
        config.save_settings(settings)
        ttk.Style().theme_use(settings.theme)
        if language_changed:
            i18n.setup(settings.language)
            tk_locale.install(self.root)
            self.build()

    def site_changed(self) -> None:
        self.update_status()

    def database_replaced(self) -> None:
        self.current = "settings"
        self.build()
        if authority.sign_in_required():  # the restored file has its own accounts
            self.lock()

    def check_pages_in_background(self) -> None:
        """quick_check reads the whole file: do it while the person starts working, and speak up if it fails."""
        path = session.database_path()
        if path is None:
            return

        def report(problem: str | None) -> None:
            if problem:
                self.warnings.append(_("Database damaged: restore a backup"))
                self.update_status()
                dialogs.show_error(self.root, problem)

        run_in_thread(self.root, lambda _job, _progress: maintenance.quick_check(path), report, self._on_check_failed)

    def _on_check_failed(self, exc: BaseException) -> None:
        log.error("quick_check could not run: %s", exc)

    # --- errors and quitting --------------------------------------------------------------
    def _on_callback_error(self, exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        if isinstance(exc, HospitalDeskError):
            dialogs.show_error(self.root, exc.message)
            return
        log.error("unexpected error in the window", exc_info=(exc_type, exc, tb))
        self.callback_errors.append(exc)
        dialogs.show_error(
            self.root,
            _("Something unexpected went wrong ({detail}). What you saved before is safe; the details are in the log file.").format(detail=exc_type.__name__),
        )

    def quit(self) -> None:
        screen = self.screens.get(self.current or "")
        form = getattr(screen, "form", None)
        dirty = getattr(screen, "is_dirty", None)  # a screen of several forms says so itself
        if (form is not None and form.is_dirty()) or (callable(dirty) and dirty()):
            if not dialogs.ask_yes_no(self.root, _("You have unsaved changes in this form. Quit anyway?")):
                return
        self.root.destroy()


def _toplevels(widget: tk.Misc) -> list[tk.Toplevel]:
    found: list[tk.Toplevel] = []
    for child in widget.winfo_children():
        if isinstance(child, tk.Toplevel):
            found.append(child)
        else:
            found += _toplevels(child)
    return found


def _fit_to_screen(root: ttk.App) -> None:
    width, height = root.winfo_screenwidth(), root.winfo_screenheight()
    root.geometry(f"{min(1366, width)}x{min(768, height) - 40}+0+0")
    try:
        if sys.platform == "win32":
            root.state("zoomed")
    except tk.TclError:
        pass


def open_with_recovery(root: ttk.App, db_path: Path) -> bool:
    """Open the database; on a problem, say what is wrong and offer another file."""
    while True:
        try:
            opened = session.open_database(db_path, check_pages=False)  # checked once the window shows
        except HospitalDeskError as exc:
            if not dialogs.ask_yes_no(root, exc.message + "\n\n" + _("Open another database file?"), _("Cannot open the database")):
                return False
            chosen = dialogs.ask_open_path(root, _("Choose a HospitalDesk database"))
            if chosen is None:
                return False
            db_path = chosen
            continue
        root.opened_warnings = opened.warnings  # type: ignore[attr-defined]
        return True


def create_root(settings: config.Settings) -> ttk.App:
    root = ttk.App(title="HospitalDesk", theme=settings.theme, minsize=(1000, 600))
    tk_locale.install(root)
    _fit_to_screen(root)
    return root


def run_gui(db_path: Path, settings: config.Settings) -> int:
    root = create_root(settings)
    page = StartPage(root)
    root.update()
    if not open_with_recovery(root, db_path):
        root.destroy()
        return 1
    window = MainWindow(root, settings)
    window.warnings = list(getattr(root, "opened_warnings", []))

    def start_main() -> None:
        page.destroy()
        window.build()
        window.watch_idle()
        window.check_pages_in_background()
        if os.environ.get("HOSPITALDESK_BENCH_EXIT"):
            root.after_idle(lambda: _report_ready_and_quit(root))

    def identify() -> None:
        """The first administrator account, or signing in, before any screen shows."""
        for child in page.card.winfo_children()[2:]:  # the forms shown so far; the title and subtitle stay
            child.destroy()
        if not accounts.has_accounts():
            AdministratorForm(page.card, on_done=start_main, on_quit=root.destroy).pack(fill="x")
        elif authority.sign_in_required():
            SignInForm(page.card, on_done=lambda _user: start_main(), on_quit=root.destroy).pack(fill="x")
        else:
            start_main()

    if site.is_initialised():
        identify()
    else:
        SiteNameForm(page, on_done=identify, on_quit=root.destroy)
    root.mainloop()
    session.close_database()
    return 0


def _report_ready_and_quit(root: ttk.App) -> None:
    """Benchmarks: the first screen is drawn with its data; say when, then leave."""
    root.update()
    print(f"HOSPITALDESK_READY {time.perf_counter() - STARTED:.3f}", flush=True)
    root.destroy()
