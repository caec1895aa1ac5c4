"""Another program holds the write lock: the save fails with a clear message and changes nothing."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from hospitaldesk.db.store import current_database
from hospitaldesk.errors import StoreError
from hospitaldesk.services.catalogs import all_rows, catalog
from tests.unit.conftest import FormFactory


@pytest.fixture
def locked(site_store: Path) -> Iterator[sqlite3.Connection]:
    current_database().execute_sql("PRAGMA busy_timeout = 200")  # fail fast instead of after 10 s
    with closing(sqlite3.connect(str(site_store), isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        yield other
        other.execute("ROLLBACK")


def test_save_while_locked_says_so_and_writes_nothing(locked: sqlite3.Connection, site_store: Path, facility_form: FormFactory) -> None:
    before = len(all_rows("facilities"))
    with pytest.raises(StoreError) as caught:
        catalog("facilities").save(facility_form(name="Bệnh viện Khoá Thử"))
    assert "in use by another program" in caught.value.message
    assert str(site_store) in caught.value.message
    locked.execute("ROLLBACK")
    locked.execute("BEGIN IMMEDIATE")  # the fixture's teardown rolls this one back
    assert len(all_rows("facilities")) == before


def test_reading_still_works_while_another_program_writes(locked: sqlite3.Connection) -> None:
    assert len(all_rows("facilities")) > 10
