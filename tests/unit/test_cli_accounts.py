"""users add|list|passwd and --user: the command line signs in and obeys the roles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.test_cli import Runner, run, set_up_db, db  # noqa: F401  (fixtures)

ADMIN_PASSWORD, EDITOR_PASSWORD = "quản-trị-2026", "biên-tập-2026"


@pytest.fixture
def accounts_db(run: Runner, set_up_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """An administrator (quan.tri) and an editor (hanh)."""
    monkeypatch.setenv("HOSPITALDESK_NEW_PASSWORD", ADMIN_PASSWORD)
    added = run("--lang", "en", "--db", str(set_up_db), "users", "add", "quan.tri", "--name", "Trần Văn Quản", "--role", "administrator")
    assert added.code == 0 and "quan.tri" in added.out
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("HOSPITALDESK_NEW_PASSWORD", EDITOR_PASSWORD)
    assert run("--lang", "en", "--db", str(set_up_db), "--user", "quan.tri", "users", "add", "hanh", "--name", "Nguyễn Thị Hạnh",
               "--role", "editor").code == 0
    monkeypatch.delenv("HOSPITALDESK_PASSWORD")
    monkeypatch.delenv("HOSPITALDESK_NEW_PASSWORD")
    return set_up_db


def test_with_accounts_every_command_needs_a_user(run: Runner, accounts_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(accounts_db), "list", "provinces")
    assert result.code == 1 and "--user NAME" in result.err and result.out == ""


def test_a_wrong_password_is_refused(run: Runner, accounts_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", "not-the-password")
    result = run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "list", "provinces")
    assert result.code == 1 and "Wrong user name or password" in result.err


def test_users_list_as_json(run: Runner, accounts_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", EDITOR_PASSWORD)
    result = run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "users", "list", "--json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert [(r["username"], r["role"]) for r in rows] == [("hanh", "editor"), ("quan.tri", "administrator")]
    assert all("password" not in key for row in rows for key in row if key != "password_changed_at")
    assert ADMIN_PASSWORD not in result.out and EDITOR_PASSWORD not in result.out


def test_an_editor_may_not_add_accounts_or_reset_passwords(run: Runner, accounts_db: Path,  # noqa: F811
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", EDITOR_PASSWORD)
    monkeypatch.setenv("HOSPITALDESK_NEW_PASSWORD", "mới-hoàn-toàn-1")
    added = run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "users", "add", "khach", "--name", "Khách", "--role", "viewer")
    assert added.code == 1 and "may not manage accounts" in added.err
    reset = run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "users", "passwd", "quan.tri")
    assert reset.code == 1 and "may not manage accounts" in reset.err


def test_passwd_changes_your_own_and_an_administrator_resets_others(run: Runner, accounts_db: Path,  # noqa: F811
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", EDITOR_PASSWORD)
    monkeypatch.setenv("HOSPITALDESK_NEW_PASSWORD", "mới-của-hạnh-1")
    assert run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "users", "passwd", "hanh").code == 0
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", "mới-của-hạnh-1")
    assert run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "list", "provinces").code == 0
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("HOSPITALDESK_NEW_PASSWORD", "đặt-lại-cho-hạnh")
    assert run("--lang", "en", "--db", str(accounts_db), "--user", "quan.tri", "users", "passwd", "hanh").code == 0
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", "đặt-lại-cho-hạnh")
    assert run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "list", "provinces").code == 0


def test_without_a_terminal_or_the_variable_there_is_no_password(run: Runner, accounts_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(accounts_db), "--user", "hanh", "list", "provinces")
    assert result.code == 1 and "HOSPITALDESK_PASSWORD" in result.err


def test_audit_lists_who_changed_what_and_verify_checks_the_chain(run: Runner, accounts_db: Path,  # noqa: F811
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", ADMIN_PASSWORD)
    listed = run("--lang", "en", "--db", str(accounts_db), "--user", "quan.tri", "audit", "--by", "quan.tri", "--json")
    assert listed.code == 0
    actions = [(e["action"], e["table"]) for e in json.loads(listed.out)]
    assert ("insert", "account") in actions and ("sign_in", "account") in actions
    verified = run("--lang", "en", "--db", str(accounts_db), "--user", "quan.tri", "audit", "verify")
    assert verified.code == 0 and "intact" in verified.out
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(accounts_db, isolation_level=None)) as other:  # someone with the sqlite3 shell
        other.execute("DROP TRIGGER audit_entry_no_update")
        other.execute("UPDATE audit_entry SET actor = 'someone else' WHERE seq = 3")
    broken = run("--lang", "en", "--db", str(accounts_db), "--user", "quan.tri", "audit", "verify")
    assert broken.code == 1 and "entry no. 3" in broken.out


def test_init_can_create_the_administrator(run: Runner, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("HOSPITALDESK_NEW_PASSWORD", ADMIN_PASSWORD)
    made = run("--lang", "en", "--db", str(db), "init", "--site", "Bệnh viện Sản - Nhi Cà Mau", "--admin", "quan.tri",
               "--admin-name", "Trần Văn Quản")
    assert made.code == 0 and "Account 'quan.tri' added (Administrator)" in made.out
    assert run("--lang", "en", "--db", str(db), "list", "provinces").code == 1  # from now on, --user is needed
    monkeypatch.setenv("HOSPITALDESK_PASSWORD", ADMIN_PASSWORD)
    assert run("--lang", "en", "--db", str(db), "--user", "quan.tri", "list", "provinces").code == 0
