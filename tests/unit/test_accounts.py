"""Accounts, passwords and roles: services/accounts.py and services/authority.py."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from hospitaldesk.db.models import Account, utcnow
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import accounts, authority
from hospitaldesk.services.accounts import SignInError
from hospitaldesk.services.authority import NotAllowedError

PASSWORD = "mật-khẩu-đủ-dài"  # Vietnamese letters in a password must work too


def people() -> None:
    """An administrator, an editor and a viewer; nobody signed in afterwards."""
    authority.add_account("Quản.Trị", "Trần Văn Quản", "administrator", PASSWORD)
    authority.sign_in("quan.tri", PASSWORD)
    authority.add_account("hanh", "Nguyễn Thị Hạnh", "editor", PASSWORD)
    authority.add_account("thanh.tra", "Lê Minh Thanh", "viewer", PASSWORD)
    authority.sign_out()


def test_the_first_account_must_be_an_administrator(site_store: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        authority.add_account("hanh", "Nguyễn Thị Hạnh", "editor", PASSWORD)
    assert caught.value.for_field("role") == "The first account must be an administrator."
    user = authority.add_account(" Quản.Trị ", "Trần Văn Quản", "administrator", PASSWORD)
    assert (user.username, user.role) == ("quan.tri", "administrator")


def test_account_fields_are_checked_together(site_store: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        authority.add_account("a b", "", "boss", "short")
    assert {e.field for e in caught.value.errors} == {"username", "full_name", "role", "password"}  # "a b" -> "ab": too short
    with pytest.raises(ValidationError) as caught:
        authority.add_account("x!", "Trần Văn Quản", "administrator", PASSWORD)
    assert caught.value.for_field("username")
    people()
    authority.sign_in("quan.tri", PASSWORD)
    with pytest.raises(ValidationError) as caught:
        authority.add_account("HANH", "Another Hạnh", "viewer", PASSWORD)
    assert caught.value.for_field("username") == "'hanh' is taken: choose another."


def test_sign_in_with_the_right_password_only(site_store: Path) -> None:
    people()
    assert authority.sign_in("Hạnh", PASSWORD).full_name == "Nguyễn Thị Hạnh"  # typed with an accent
    assert authority.current_user() is not None
    with pytest.raises(SignInError) as wrong:
        accounts.authenticate("hanh", PASSWORD + "x")
    with pytest.raises(SignInError) as unknown:
        accounts.authenticate("nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message == "Wrong user name or password."  # no hint which was wrong


def test_wrong_passwords_block_the_account_for_longer_each_time(site_store: Path) -> None:
    people()
    now = utcnow()
    for _attempt in range(accounts.FREE_ATTEMPTS - 1):
        with pytest.raises(SignInError):
            accounts.authenticate("hanh", "wrong-password", now=now)
    assert Account.get(Account.username == "hanh").blocked_until is None
    with pytest.raises(SignInError, match="try again in 30 seconds"):
        accounts.authenticate("hanh", "wrong-password", now=now)  # the fifth
    with pytest.raises(SignInError, match="Too many wrong passwords"):
        accounts.authenticate("hanh", PASSWORD, now=now + dt.timedelta(seconds=29))  # even the right one, while blocked
    with pytest.raises(SignInError, match="try again in 60 seconds"):
        accounts.authenticate("hanh", "wrong-password", now=now + dt.timedelta(seconds=31))  # the sixth: twice as long
    later = now + dt.timedelta(seconds=92)
    assert accounts.authenticate("hanh", PASSWORD, now=later).username == "hanh"
    account = Account.get(Account.username == "hanh")
    assert (account.failed_logins, account.blocked_until) == (0, None)


def test_the_block_never_exceeds_fifteen_minutes(site_store: Path) -> None:
    people()
    now, waits = utcnow(), []
    for _attempt in range(accounts.FREE_ATTEMPTS + 12):
        with pytest.raises(SignInError):
            accounts.authenticate("hanh", "wrong-password", now=now)
        blocked = Account.get(Account.username == "hanh").blocked_until
        if blocked is not None:
            waits.append(blocked - now)
            now = blocked  # the next try comes as soon as it may
    assert waits[:3] == [dt.timedelta(seconds=30), dt.timedelta(seconds=60), dt.timedelta(seconds=120)]
    assert max(waits) == waits[-1] == accounts.BLOCK_MAX


def test_a_hash_made_with_older_parameters_is_remade_at_sign_in(site_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    people()
    before = Account.get(Account.username == "hanh").password_hash
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    accounts.authenticate("hanh", PASSWORD)
    after = Account.get(Account.username == "hanh").password_hash
    assert after != before and "m=2048,t=2" in after and after.startswith("$argon2id$")
    accounts.authenticate("hanh", PASSWORD)
    assert Account.get(Account.username == "hanh").password_hash == after  # already current: kept


def test_passwords_are_never_kept_in_clear(site_store: Path, isolated_environment: Path) -> None:
    people()
    with pytest.raises(SignInError):
        accounts.authenticate("hanh", "một-mật-khẩu-sai")
    from hospitaldesk.db.connection import database

    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = b"".join(p.read_bytes() for p in site_store.parent.glob(site_store.name + "*"))
    logs = b"".join(p.read_bytes() for p in isolated_environment.rglob("*.log"))
    for secret in (PASSWORD, "một-mật-khẩu-sai"):
        for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
            assert encoded not in stored and encoded not in logs


def test_change_your_own_password_with_the_old_one(site_store: Path) -> None:
    people()
    authority.sign_in("hanh", PASSWORD)
    with pytest.raises(SignInError):
        authority.change_own_password("not-the-old-one", "mật-khẩu-mới-2026")
    authority.change_own_password(PASSWORD, "mật-khẩu-mới-2026")
    assert accounts.authenticate("hanh", "mật-khẩu-mới-2026").username == "hanh"
    with pytest.raises(SignInError):
        accounts.authenticate("hanh", PASSWORD)


def test_only_an_administrator_resets_a_password(site_store: Path) -> None:
    people()
    authority.sign_in("hanh", PASSWORD)
    with pytest.raises(NotAllowedError, match=r"Your role \(Editor\) may not manage accounts"):
        authority.reset_password("thanh.tra", "đặt-lại-2026")
    authority.sign_in("quan.tri", PASSWORD)
    authority.reset_password("thanh.tra", "đặt-lại-2026")
    assert accounts.authenticate("thanh.tra", "đặt-lại-2026").role == "viewer"


# What each role may do, written out by hand: the services must agree with this table.
ROLE_TABLE = {
    #  action      administrator editor viewer
    "read": (True, True, True),
    "print": (True, True, True),
    "edit": (True, True, False),
    "delete": (True, True, False),
    "import": (True, True, False),
    "export": (True, True, False),
    "accounts": (True, False, False),
    "settings": (True, False, False),
    "restore": (True, False, False),
    "trust": (True, False, False),
}


@pytest.mark.parametrize("action", sorted(ROLE_TABLE))
def test_each_role_against_each_action(site_store: Path, action: str) -> None:
    people()
    assert set(ROLE_TABLE) == set(authority.ACTIONS)
    for username, expected in zip(("quan.tri", "hanh", "thanh.tra"), ROLE_TABLE[action]):
        authority.sign_in(username, PASSWORD)
        assert authority.allowed(action) is expected, (username, action)
        if expected:
            authority.require(action)
        else:
            with pytest.raises(NotAllowedError, match="Ask an administrator"):
                authority.require(action)
    authority.sign_out()
    with pytest.raises(NotAllowedError, match="Sign in first"):
        authority.require(action)


def test_without_accounts_or_with_them_switched_off_nobody_signs_in(site_store: Path) -> None:
    assert not authority.sign_in_required() and authority.allowed("restore")
    people()
    assert authority.sign_in_required() and not authority.allowed("read")
    authority.sign_in("hanh", PASSWORD)
    with pytest.raises(NotAllowedError):
        authority.set_accounts_off(True)
    authority.sign_in("quan.tri", PASSWORD)
    authority.set_accounts_off(True)
    authority.sign_out()
    assert not authority.sign_in_required() and authority.allowed("accounts")
    assert authority.accounts_switched_off()


def test_asking_for_the_password_again(site_store: Path) -> None:
    people()
    authority.sign_in("hanh", PASSWORD)
    authority.confirm_password(PASSWORD)
    with pytest.raises(NotAllowedError, match="Wrong user name or password"):
        authority.confirm_password("wrong-password")
