"""Accounts on a shared office PC: who signs in, with which role, and their passwords.

Passwords are kept as argon2id hashes (argon2-cffi's defaults; a hash made with older
parameters is remade at the next right password) and never stored, logged or shown in clear.
After FREE_ATTEMPTS wrong passwords in a row an account is blocked for a while that doubles
with each further wrong one (up to BLOCK_MAX), so guessing at the keyboard gets nowhere.
The roles' powers are in services/authority.py.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any


from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Account, utcnow
from hospitaldesk.errors import FieldError, HospitalDeskError, ValidationError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services.forms import Choice, FieldSpec, code_choices, code_label, validate

ADMINISTRATOR, EDITOR, VIEWER = "administrator", "editor", "viewer"
ROLES = {ADMINISTRATOR: N_("Administrator"), EDITOR: N_("Editor"), VIEWER: N_("Viewer")}
MIN_PASSWORD = 8
FREE_ATTEMPTS = 5
BLOCK_FIRST = dt.timedelta(seconds=30)
BLOCK_MAX = dt.timedelta(minutes=15)
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")

HASHER: Any = None  # argon2's PasswordHasher, made on first use (its import costs the window's start 30 ms); tests put in a cheaper one


def _hasher() -> Any:
    global HASHER
    if HASHER is None:
        from argon2 import PasswordHasher

        HASHER = PasswordHasher()  # argon2id with the library's defaults
    return HASHER

_PASSWORD = FieldSpec("password", N_("Password"), kind="password", required=True, max_length=200,
                      hint=N_("At least 8 characters. A short sentence is easy to remember and hard to guess."))
_AGAIN = FieldSpec("password_again", N_("Password again"), kind="password", required=True, max_length=200)
ACCOUNT_FIELDS = [
    FieldSpec("username", N_("User name"), required=True, max_length=40, hint=N_("e.g. hanh.nguyen: what the person types to sign in")),
    FieldSpec("full_name", N_("Full name"), required=True, max_length=200),
    FieldSpec("role", N_("Role"), kind="choice", required=True, choices=lambda: role_choices()),
    _PASSWORD, _AGAIN,
]
NEW_PASSWORD_FIELDS = [_PASSWORD, _AGAIN]
CHANGE_PASSWORD_FIELDS = [FieldSpec("old_password", N_("Current password"), kind="password", required=True, max_length=200),
                          *NEW_PASSWORD_FIELDS]


class SignInError(HospitalDeskError):
    """A wrong user name or password, or an account blocked or switched off."""


@dataclass(frozen=True)
class User:
    """Who is signed in: what services check and the audit log names."""

    id: str
    username: str
    full_name: str
    role: str

    @property
    def role_label(self) -> str:
        return code_label(ROLES, self.role)


def role_choices() -> list[Choice]:
    return code_choices(ROLES)


def typed_twice(raw: dict[str, Any]) -> str:
    """The new password of a form, once both fields agree."""
    values = validate(NEW_PASSWORD_FIELDS, raw)
    if values["password"] != values["password_again"]:
        raise ValidationError([FieldError("password_again", _("Password again"), _("The two passwords differ."))])
    return str(values["password"])


def _user(account: Account) -> User:
    return User(str(account.id), account.username, account.full_name, account.role)


def has_accounts() -> bool:
    return bool(Account.select().where(Account.active == True).exists())  # noqa: E712


def clean_username(raw: str) -> str:
    """ "Hạnh.Nguyễn " -> "hanh.nguyen": lower case without accents or spaces, as people will type it."""
    decomposed = unicodedata.normalize("NFD", raw.strip().lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and not ch.isspace())


def _check_password(password: str, field: str = "password") -> list[FieldError]:
    if len(password) < MIN_PASSWORD:
        return [FieldError(field, _("Password"), _("At least {count} characters.").format(count=MIN_PASSWORD))]
    if password.strip() != password:
        return [FieldError(field, _("Password"), _("No spaces at the start or the end."))]
    return []


def list_accounts() -> list[dict[str, Any]]:
    return [{"id": str(a.id), "username": a.username, "full_name": a.full_name, "role": a.role,
             "role_label": code_label(ROLES, a.role), "active": a.active,
             "password_changed_at": a.password_changed_at.isoformat(timespec="seconds")}
            for a in Account.select().order_by(Account.username)]


def account_errors(username: str, full_name: str, role: str, password: str) -> list[FieldError]:
    """What is wrong with a new account's fields by themselves (before anything is written)."""
    name = clean_username(username)
    errors: list[FieldError] = []
    if not USERNAME.fullmatch(name):
        errors.append(FieldError("username", _("User name"),
                                 _("3 to 40 letters or digits (dots, dashes and underscores allowed), e.g. hanh.nguyen.")))
    full = text.clean_line(full_name)
    if not full:
        errors.append(FieldError("full_name", _("Full name"), _("This field is required.")))
    if role not in ROLES:
        errors.append(FieldError("role", _("Role"), _("Choose administrator, editor or viewer.")))
    return errors + _check_password(password)


def create_account(username: str, full_name: str, role: str, password: str) -> User:
    """A new account (one transaction); the first of an installation is an administrator.
    Unchecked: authority.add_account is the way in, with its check of who is asking."""
    name, full = clean_username(username), text.clean_line(full_name)
    errors = account_errors(username, full_name, role, password)
    with atomic():
        if not errors and Account.select().where(Account.username == name).exists():
            errors.append(FieldError("username", _("User name"), _("'{name}' is taken: choose another.").format(name=name)))
        if not errors and role != ADMINISTRATOR and not has_accounts():
            errors.append(FieldError("role", _("Role"), _("The first account must be an administrator.")))
        if errors:
            raise ValidationError(errors)
        account = Account.create(id=uuid.uuid4(), username=name, full_name=full, role=role, password_hash=_hash(password))
    return _user(account)


def _blocked_for(account: Account, now: dt.datetime) -> dt.timedelta | None:
    if account.blocked_until is not None and now < account.blocked_until:
        return account.blocked_until - now
    return None


def _hash(password: str) -> str:
    """Passwords are hashed in NFC, so the same word typed with a keyboard that sends decomposed
    accents (NFD) still matches."""
    return str(_hasher().hash(unicodedata.normalize("NFC", password)))


def _verify(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(hashed, unicodedata.normalize("NFC", password)))
    except (VerificationError, InvalidHashError):
        return False


_UNKNOWN_USER_HASH: list[str] = []  # checked against for unknown names, so they take as long as known ones


def authenticate(username: str, password: str, now: dt.datetime | None = None) -> User:
    """The user, when the password is right and the account may sign in; SignInError otherwise.
    A wrong password is counted (committed before the error is raised) and blocks after FREE_ATTEMPTS."""
    now = now or utcnow()
    account = Account.get_or_none(Account.username == clean_username(username))
    if account is None or not account.active:
        if not _UNKNOWN_USER_HASH:
            _UNKNOWN_USER_HASH.append(_hash(uuid.uuid4().hex))
        _verify(_UNKNOWN_USER_HASH[0], password)
        raise SignInError(_("Wrong user name or password."))
    wait = _blocked_for(account, now)
    if wait is not None:
        raise SignInError(_blocked_message(wait))
    right = _verify(account.password_hash, password)
    this = Account.id == account.id
    # Only the counters (and a remade hash) are written, each from the row as it stands in this
    # transaction: attempts made side by side all count, and a reset made meanwhile is kept.
    with atomic("session"):
        if right:
            fields: dict[Any, Any] = {Account.failed_logins: 0, Account.blocked_until: None}
            if _hasher().check_needs_rehash(account.password_hash):
                fields[Account.password_hash] = _hash(password)
            Account.update(fields).where(this).execute()
        else:
            Account.update(failed_logins=Account.failed_logins + 1).where(this).execute()
            beyond = Account.get(this).failed_logins - FREE_ATTEMPTS
            if beyond >= 0:
                Account.update(blocked_until=now + min(BLOCK_MAX, BLOCK_FIRST * (2 ** min(beyond, 10)))).where(this).execute()
    if not right:
        wait = _blocked_for(Account.get(this), now)
        raise SignInError(_("Wrong user name or password.") + (" " + _blocked_message(wait) if wait else ""))
    return _user(account)


def _blocked_message(wait: dt.timedelta) -> str:
    return _("Too many wrong passwords: try again in {seconds} seconds.").format(seconds=math.ceil(wait.total_seconds()))


def exists(username: str) -> bool:
    return bool(Account.select().where(Account.username == clean_username(username)).exists())


def _account(username: str) -> Account:
    account = Account.get_or_none(Account.username == clean_username(username))
    if account is None:
        raise HospitalDeskError(_("No account named '{name}'.").format(name=username))
    return account


def change_password(username: str, old: str, new: str) -> None:
    """A person changes their own password: the old one first."""
    authenticate(username, old)
    set_password(username, new)


def set_password(username: str, new: str) -> None:
    """A new password (someone forgot theirs), and any block lifted. Unchecked: authority.reset_password
    is the way in, for administrators only."""
    errors = _check_password(new, "new_password")
    if errors:
        raise ValidationError(errors)
    with atomic("session"):  # one's own password; an administrator's reset is checked by authority first
        account = _account(username)
        account.password_hash = _hash(new)
        account.password_changed_at = utcnow()
        account.failed_logins, account.blocked_until = 0, None
        account.save()


def get_user(username: str) -> User:
    return _user(_account(username))
