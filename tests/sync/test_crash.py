"""An import cut off half way (the PC loses power, the process is killed) leaves the database as it was,
and the command line's import: a preview that changes nothing, a damaged file refused with exit 1.

The interrupted import runs in a child process that opens the receiving site's database and ends itself
abruptly from the progress callback, after the first batch of records was written inside the import's
transaction: no Python clean-up, no rollback, as a power cut or the task manager would leave it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from hospitaldesk import text
from hospitaldesk.db import stamping
from hospitaldesk.db.connection import atomic, database, full_check
from hospitaldesk.db.models import Staff
from hospitaldesk.services.sync import export, importing
from tests.sync.conftest import Sites, add_staff, edit_staff, facility_id

REPO = Path(__file__).resolve().parents[2]
RECORDS = 3_000  # six batches of importing.BATCH
EDITED = 40  # records B already has, changed at A since: the bundle's first batch replaces them at B
CRASH_EXIT = 9

CRASHING_IMPORT = """
import os, signal, sys
from pathlib import Path
from hospitaldesk.db.connection import database
from hospitaldesk.db.store import open_store
from hospitaldesk.services.sync import importing

database_path, bundle, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def progress(done: int, total: int) -> None:
    print(f"applied {done} of {total}", flush=True)
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(9)

open_store(database_path)
# A page cache of a few pages: the batch's pages spill into the WAL file before the end, as they do with
# a big import, so the crash leaves written but uncommitted pages on disk.
database.execute_sql("PRAGMA cache_size = 8")
importing.import_bundle(bundle, progress=progress)
print("the import finished", flush=True)
"""


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HOSPITALDESK_DB"}
    env["HOSPITALDESK_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    return env


def add_many_staff(count: int) -> None:
    """`count` staff members at the open site, as add_staff would store them, written in one transaction
    (add_staff itself takes ~6 ms a person: half a minute for a few thousand)."""
    site = stamping.local_site_id()
    facility = uuid.UUID(facility_id())
    with atomic():
        first = stamping.next_change_seq(count)
        people = []
        for n in range(count):
            name = f"Nhân viên thử nghiệm {n:05d}"
            national_id = f"0{n:011d}"
            people.append(Staff(id=uuid.uuid4(), facility=facility, full_name=name, sex="female", profession="nurse",
                                department="Hồi sức", national_id=national_id, status="working", last_site=site,
                                change_seq=first + n, search_key=text.search_key(name, national_id, "", "Hồi sức", "")))
        Staff.bulk_create(people, batch_size=importing.BATCH)


def big_bundle(sites: Sites) -> Path:
    """A bundle from A for B: EDITED records B already has, changed at A since (first in the bundle), then
    RECORDS new ones."""
    with sites.at("A"):
        known = [add_staff(f"Người đã đồng bộ {n}") for n in range(EDITED)]
    sites.send("A", "B")
    with sites.at("A"):
        for n, person in enumerate(known):
            edit_staff(person, phone=f"09{n:08d}", department="Khoa Nhi")
        add_many_staff(RECORDS)
        path = sites.folder / "a-to-b.hdsync"
        made = export.export_bundle(path, "Bệnh viện B")
    assert made.counts["staff"] == EDITED + RECORDS
    return path


def integrity() -> list[str]:
    checked = [row[0] for row in database.execute_sql("PRAGMA integrity_check").fetchall()]
    assert checked == ["ok"], checked
    return full_check(database.obj)


@pytest.mark.parametrize("how", ["exit", pytest.param("kill", marks=pytest.mark.skipif(
    sys.platform == "win32", reason="no SIGKILL on Windows"))])
def test_an_import_cut_off_after_its_first_batch_leaves_the_database_as_it_was(
        sites: Sites, isolated_environment: Path, how: str) -> None:
    path = big_bundle(sites)
    before = sites.dump("B")
    assert len(before["staff"]) == EDITED
    wal = Path(f"{sites.paths['B']}-wal")
    assert not wal.exists() or wal.stat().st_size == 0

    child = subprocess.run([sys.executable, "-c", CRASHING_IMPORT, str(sites.paths["B"]), str(path), how],
                           env=child_env(isolated_environment), cwd=sites.folder, capture_output=True, text=True,
                           timeout=120)
    if how == "kill":
        assert child.returncode == -signal.SIGKILL, child.stderr
    else:
        assert child.returncode == CRASH_EXIT, child.stderr
    assert child.stdout.splitlines() == [f"applied {importing.BATCH} of {EDITED + RECORDS}"], child.stdout + child.stderr
    assert wal.stat().st_size > 0, "the first batch's pages were never written: the crash would prove nothing"

    assert sites.dump("B") == before
    with sites.at("B"):
        assert integrity() == []
        result = importing.import_bundle(path)  # the same file, whole this time
        assert result.applied and not result.already_imported_at
        assert (result.tables["staff"].new, result.tables["staff"].updated) == (RECORDS, EDITED)
        assert integrity() == []
    after_a, after_b = sites.dump("A"), sites.dump("B")
    assert after_a["staff"] == after_b["staff"]


# --- the command line ------------------------------------------------------------------------------


def cli(home: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hospitaldesk", "--db", str(db), "--lang", "en", *args],
                          env=child_env(home), cwd=db.parent, capture_output=True, text=True, timeout=120)


def small_bundle(sites: Sites) -> Path:
    with sites.at("A"):
        for name in ("Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng"):
            add_staff(name)
        path = sites.folder / "small.hdsync"
        export.export_bundle(path, "Bệnh viện B")
    return path


def test_the_cli_preview_lists_each_table_and_changes_nothing(sites: Sites, isolated_environment: Path) -> None:
    path = small_bundle(sites)
    before = sites.dump("B")

    done = cli(isolated_environment, sites.paths["B"], "import", str(path), "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Table\tNew\tUpdated\tDeleted\tConflicts\tUnchanged" in lines
    assert f"{importing.table_label('staff')}\t3\t0\t0\t0\t0" in lines
    assert f"{importing.table_label('site')}\t1\t0\t0\t0\t0" in lines
    assert lines[-1] == "Preview only: nothing was changed."
    assert sites.dump("B") == before

    taken = cli(isolated_environment, sites.paths["B"], "import", str(path))  # a preview does not count as taken in
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.splitlines()[-1] == "Imported."
    assert sites.dump("A")["staff"] == sites.dump("B")["staff"]


@pytest.mark.parametrize("damage", ["flipped byte", "cut short"])
def test_the_cli_refuses_a_damaged_bundle_with_exit_1_and_changes_nothing(
        sites: Sites, isolated_environment: Path, damage: str) -> None:
    path = small_bundle(sites)
    data = bytearray(path.read_bytes())
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0x40
    else:
        del data[len(data) * 2 // 3:]
    broken = path.with_name("broken.hdsync")
    broken.write_bytes(bytes(data))
    before = sites.dump("B")

    done = cli(isolated_environment, sites.paths["B"], "import", str(broken))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith("Error:"), done.stderr
    assert "Traceback" not in done.stderr
    assert sites.dump("B") == before
    with sites.at("B"):
        assert importing.import_bundle(path).applied  # the undamaged file is still welcome
