"""Who may do what: the signed-in user and each role's powers, checked here in the services so
the window and the command line obey the same rules (hiding a button is only a courtesy).

Until the first account exists, and on a single-user PC where an administrator switched
accounts off, nobody signs in and everything is allowed, as before accounts existed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from hospitaldesk.db import audit, local_state
from hospitaldesk.db.connection import atomic, set_write_guard
from hospitaldesk.errors import FieldError, HospitalDeskError, ValidationError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import accounts
from hospitaldesk.services.accounts import ADMINISTRATOR, EDITOR, VIEWER, User

ACCOUNTS_OFF_KEY = "accounts_off"
IDLE_LOCK_KEY = "idle_lock_minutes"
IDLE_LOCK_DEFAULT, IDLE_LOCK_RANGE = 15, (1, 240)

# Each action and the roles allowed it. Deleting, exporting and restoring also ask for the
# password again (confirm_password), because they are the ones that hurt when done by someone
# who sat down at a PC left signed in.
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "read": (frozenset({ADMINISTRATOR, EDITOR, VIEWER}), N_("read records")),
    "print": (frozenset({ADMINISTRATOR, EDITOR, VIEWER}), N_("print")),
    "edit": (frozenset({ADMINISTRATOR, EDITOR}), N_("create or change records")),
    "delete": (frozenset({ADMINISTRATOR, EDITOR}), N_("delete records")),
    "import": (frozenset({ADMINISTRATOR, EDITOR}), N_("import files")),
    "export": (frozenset({ADMINISTRATOR, EDITOR}), N_("export data")),
    "accounts": (frozenset({ADMINISTRATOR}), N_("manage accounts")),
    "settings": (frozenset({ADMINISTRATOR}), N_("change settings")),
    "restore": (frozenset({ADMINISTRATOR}), N_("restore a backup")),
    "trust": (frozenset({ADMINISTRATOR}), N_("trust another site")),
}


# Asked for the password again: typed within this long counts (signing in counts as typing it).
CONFIRMED_ACTIONS = frozenset({"delete", "export", "restore"})
FRESH_S = 120.0


class NotAllowedError(HospitalDeskError):
    """The signed-in user's role does not allow this, or nobody is signed in."""


class PasswordNeededError(NotAllowedError):
    """Allowed, once the password is typed again (confirm_password)."""


@dataclass
class _Session:
    user: User | None = None
    confirmed_at: float | None = None  # when the password was last typed (time.monotonic())


_session = _Session()


def _sign_in_first() -> NotAllowedError:
    return NotAllowedError(_("Sign in first: this installation has accounts."))


def current_user() -> User | None:
    return _session.user


def sign_in(username: str, password: str) -> User:
    """Check the password and make this user the one every later change is logged under.
    Both a sign-in and a refused one go into the audit log (the name tried, never the password)."""
    try:
        user = accounts.authenticate(username, password)
    except accounts.SignInError:
        # The name only when it is an account's: a password typed into the name box must not stay in the log.
        known = accounts.clean_username(username) if accounts.exists(username) else ""
        with atomic("session"):
            audit.record("sign_in_failed", "account", details={"username": known})
        raise
    audit.set_actor(user.username)
    try:
        with atomic("session"):
            audit.record("sign_in", "account", user.id.replace("-", ""))
    except BaseException:
        audit.set_actor("")
        raise
    _session.user, _session.confirmed_at = user, time.monotonic()  # signed in only once that is logged
    return user


def sign_out() -> None:
    _session.user = _session.confirmed_at = None
    audit.set_actor("")


def accounts_switched_off() -> bool:
    return local_state.read(ACCOUNTS_OFF_KEY) == "1"


def sign_in_required() -> bool:
    """Accounts exist and were not switched off: nothing happens before someone signs in."""
    return accounts.has_accounts() and not accounts_switched_off()


def password_needed(action: str) -> bool:
    """The window asks for the password before `action` when this is true (the service would refuse)."""
    if action not in CONFIRMED_ACTIONS or not sign_in_required() or current_user() is None:
        return False
    return _session.confirmed_at is None or time.monotonic() - _session.confirmed_at > FRESH_S


def allowed(action: str, user: User | None = None) -> bool:
    roles, _label = ACTIONS[action]
    if not sign_in_required():
        return True
    who = user or current_user()
    return who is not None and who.role in roles


def require(action: str) -> None:
    """Raise NotAllowedError, saying why and what to do, unless the current user may do `action`
    (and, for deleting, exporting and restoring, typed the password within FRESH_S)."""
    if allowed(action):
        if password_needed(action):
            raise PasswordNeededError(_("Type your password again to {action}.").format(action=_(ACTIONS[action][1])))
        return
    user = current_user()
    if user is None:
        raise _sign_in_first()
    raise NotAllowedError(_("Your role ({role}) may not {action}. Ask an administrator.").format(
        role=user.role_label, action=_(ACTIONS[action][1])))


def confirm_password(password: str) -> None:
    """Deleting, exporting and restoring ask for the signed-in user's password again."""
    user = current_user()
    if not sign_in_required():
        return
    if user is None:
        raise _sign_in_first()
    try:
        accounts.authenticate(user.username, password)
    except accounts.SignInError as exc:
        raise NotAllowedError(exc.message) from exc
    _session.confirmed_at = time.monotonic()


def set_accounts_off(off: bool) -> None:
    """An administrator switches sign-in off for a single-user PC (or back on)."""
    require("accounts")
    with atomic():
        local_state.write(ACCOUNTS_OFF_KEY, "1" if off else "0")  # logged by trigger


def idle_lock_minutes() -> int:
    """Minutes without a key press or a click after which the window locks (a setting of this PC)."""
    value = local_state.read(IDLE_LOCK_KEY) or ""
    return int(value) if value.isdigit() else IDLE_LOCK_DEFAULT


def set_idle_lock_minutes(raw: str) -> int:
    require("settings")
    low, high = IDLE_LOCK_RANGE
    value = raw.strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise ValidationError([FieldError("idle_lock_minutes", _("Lock after (minutes)"),
                                          _("Write a whole number from {low} to {high}.").format(low=low, high=high))])
    with atomic():
        local_state.write(IDLE_LOCK_KEY, value)  # logged by trigger
    return int(value)


def add_account(username: str, full_name: str, role: str, password: str) -> User:
    """The first account needs no one signed in (it is the administrator); later ones, an administrator."""
    if accounts.has_accounts():
        require("accounts")
    return accounts.create_account(username, full_name, role, password)


def reset_password(username: str, new: str) -> None:
    require("accounts")
    accounts.set_password(username, new)


def change_own_password(old: str, new: str) -> None:
    user = current_user()
    if user is None:
        raise _sign_in_first()
    accounts.change_password(user.username, old, new)


def _guard(purpose: str) -> None:
    """Every write transaction passes here first (db/connection.atomic): a person's edits need the
    edit right; signing in and putting shipped data in place do not."""
    if purpose == "edit":
        require("edit")


set_write_guard(_guard)
