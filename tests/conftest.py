"""Fixtures shared by every test folder (unit, reports, gui).

- Every test runs with HOSPITALDESK_HOME in its own temporary folder and without
  HOSPITALDESK_DB, so nothing ever touches the real user's data or settings.
- Messages are English (the msgids) unless a test switches language itself; the
  language in force before the test is put back afterwards.
- Password hashing is cheap, and nobody stays signed in from one test to the next.
- Catalogs are compiled from a per-session copy of locales/, so running the tests
  never writes a .mo file into the checkout.

This file must not import tkinter: GUI tests bring their own conftest.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospitaldesk import i18n
from hospitaldesk.db.store import close_store, open_store
from hospitaldesk.resources import locales_dir

SITE_NAME = "Bệnh viện Đa khoa tỉnh Sóc Trăng"


@pytest.fixture(scope="session")
def locales_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of locales/ (the .po files), where .mo files may be compiled freely."""
    target = tmp_path_factory.mktemp("locales") / "locales"
    source = locales_dir()
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.mo"))
    else:
        target.mkdir(parents=True)
    return target


@pytest.fixture(autouse=True)
def isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, locales_copy: Path
) -> Iterator[Path]:
    """Private HOSPITALDESK_HOME, no HOSPITALDESK_DB, English messages; restored afterwards."""
    home = tmp_path_factory.mktemp("hospitaldesk-home")
    monkeypatch.setenv("HOSPITALDESK_HOME", str(home))
    monkeypatch.delenv("HOSPITALDESK_DB", raising=False)
    monkeypatch.setattr(i18n, "locales_dir", lambda: locales_copy)
    # setattr with the current values: monkeypatch puts them back after the test,
    # whatever setup() rebinds in between.
    monkeypatch.setattr(i18n, "_translations", i18n._translations)
    monkeypatch.setattr(i18n, "_language", i18n._language)
    i18n.setup("en")
    # argon2's defaults (64 MB, 3 passes) are right for a PC and slow for hundreds of tests.
    from argon2 import PasswordHasher

    from hospitaldesk.services import accounts, authority

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.delenv("HOSPITALDESK_PASSWORD", raising=False)
    yield home
    authority.sign_out()
    close_store()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    """A fresh, empty (schema only, no site) database file, open as the current store."""
    path = tmp_path / "store.sqlite3"
    open_store(path)
    yield path
    close_store()


@pytest.fixture
def site_store(store: Path) -> Path:
    """`store` set up as the Sóc Trăng general hospital, with the shipped reference data loaded."""
    from hospitaldesk.services.site import init_site

    init_site(SITE_NAME)
    return store
