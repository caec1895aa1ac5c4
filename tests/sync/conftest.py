"""Several sites on one machine: each a database file of its own, opened in turn (the app holds one
open database at a time), exchanging bundles through files in the test's folder."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.connection import database
from hospitaldesk.db.models import Facility
from hospitaldesk.db.store import close_store, open_store
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.site import init_site
from hospitaldesk.services.sync import export, identity, importing
from hospitaldesk.services.sync.records import synced_models
from tests.unit.test_trainees import person

SKIPPED = ("change_seq", "vector")  # this site's own counter, and history that need not be equal


class Sites:
    """Named sites in `folder`; `with sites.at("A"):` makes A the open database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: dict[str, Path] = {}
        self.bundles = 0

    def add(self, name: str) -> None:
        path = self.folder / f"{name}.sqlite3"
        close_store()
        open_store(path)
        init_site(f"Bệnh viện {name}")
        close_store()
        self.paths[name] = path

    @contextmanager
    def at(self, name: str) -> Iterator[None]:
        close_store()
        open_store(self.paths[name])
        try:
            yield
        finally:
            close_store()

    def trust_all(self) -> None:
        cards = {}
        for name in self.paths:
            with self.at(name):
                cards[name] = identity.write_identity_file(self.folder / f"{name}.identity.json")
        for name in self.paths:
            with self.at(name):
                for other in self.paths:
                    if other != name:
                        identity.trust(identity.read_identity_file(self.folder / f"{other}.identity.json"))

    def send(self, source: str, target: str, *, full: bool = False, encrypted: bool = True) -> importing.ImportResult:
        """Export at `source` (for `target`, or a full bundle to anyone) and import it at `target`."""
        self.bundles += 1
        path = self.folder / f"{source}-to-{target}-{self.bundles}.hdsync"
        with self.at(source):
            export.export_bundle(path, f"Bệnh viện {target}" if encrypted else "", full=full)
        with self.at(target):
            return importing.import_bundle(path)

    def dump(self, name: str) -> dict[str, list[tuple[Any, ...]]]:
        """Every synced record's stored values but the site's own counter and vector, in id order."""
        with self.at(name):
            return canonical_dump()


def canonical_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Shipped reference rows that nobody edited (change number 0) are compared by id alone: every site
    loaded them itself, at its own time."""
    dump = {}
    for model in synced_models():
        table = model._meta.table_name
        names = [f.column_name for f in model._meta.sorted_fields if f.column_name not in SKIPPED]
        columns = ", ".join(f'"{n}"' for n in names)
        dump[table] = [tuple(r) for r in database.execute_sql(
            f'SELECT {columns} FROM "{table}" WHERE change_seq > 0 ORDER BY id').fetchall()]
        dump[f"{table} (shipped)"] = [tuple(r) for r in database.execute_sql(
            f'SELECT id FROM "{table}" WHERE change_seq = 0 ORDER BY id').fetchall()]
    return dump


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[Sites]:
    """Sites A, B and C, each trusting the two others."""
    made = Sites(tmp_path)
    for name in ("A", "B", "C"):
        made.add(name)
    made.trust_all()
    yield made
    close_store()
    shutil.rmtree(tmp_path, ignore_errors=True)


def facility_id(code: str = "CM-SANNHI") -> str:
    return str(Facility.get(Facility.code == code).id)


def add_staff(name: str, **values: Any) -> str:
    """A staff member at Cà Mau's obstetrics-paediatrics hospital, with no CCCD or birth date (so any number
    of them are not duplicates of each other)."""
    return catalog("staff").save(person(full_name=name, birth_date="", national_id="", phone="", **values))


def edit_staff(record_id: str, **values: Any) -> None:
    cat = catalog("staff")
    raw = {**cat.get(record_id), **values}
    cat.save(raw, record_id)


def staff_name(record_id: str) -> str:
    return str(catalog("staff").get(record_id)["full_name"])
