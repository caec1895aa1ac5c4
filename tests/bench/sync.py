"""Benchmark: making and taking in a sync bundle of 100,000 records (not a pytest test).

    python -m tests.bench.sync [--records N] [--big PATH | --big-generate] [--big-import] [--tracemalloc] [--keep DIR]
    python tests/bench/sync.py ...

The 100,000-record case: a fresh database (`init_site`, the shipped reference data) with 99,999
synthetic staff members (Vietnamese names, CCCD, phone, department, dates, spread over the shipped
facilities), loaded in one transaction as a move from an older system would be, plus the site's own
record: a full bundle carries exactly 100,000 records (`--records` changes the total). The shipped
reference rows never travel (every site loads them itself), so the staff point to facilities the
receiving site already has.

Measured, each operation in a child process of its own (so the memory figure is that operation's, not
what building the database left behind):

- `export_bundle(path, full=True)`: a plain full bundle any trusted site takes in;
- `export_bundle(path, "<peer>", full=True)`: the same, encrypted for one site (what a site sends);
- `import_bundle(path)` of the encrypted bundle into a fresh database (`init_site`, the sender
  trusted): decrypting, every check, then the writes in one transaction, with the audit log's
  triggers and the search index as in the app. Afterwards the imported rows are compared with the
  source's (a digest of every column but the change number and the vector).

Memory is the growth of the child's peak resident set (VmHWM in /proc/self/status; `resource` where
there is no /proc) over what it held once the store was open; `--tracemalloc` adds one more untimed run of each under `tracemalloc` (the peak of
Python's own allocations; slower, so not timed).

Baselines, the same rows in the same run: every synced row read with `sqlite3` and written with
`json.dumps` as one JSON object a line (what the bundle's tables are, without zip, signature,
encryption or vectors), and the same rows read with `sqlite3` and inserted with `executemany` into a
new database file holding the same tables and indexes (no triggers, one commit).

With `--big PATH` (a database from `tests/bench/synthetic.py`, e.g. run.py's cached one; copied
first) or `--big-generate` (generate one with run.py's defaults, several minutes), the whole database
is exported too, and with `--big-import` imported into a fresh one: informative, no goal.

Goals (the sync issue): export of 100,000 records <= 10 s, import <= 20 s, peak memory growth
<= 150 MB. run.py calls `measure()` as its section i.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(REPO))

from hospitaldesk import text  # noqa: E402
from hospitaldesk.db import audit, connection, stamping  # noqa: E402
from hospitaldesk.db.models import Facility, Record, Staff  # noqa: E402
from hospitaldesk.db.store import close_store, current_database, open_store  # noqa: E402
from tests.bench import synthetic  # noqa: E402

EXPORT_GOAL_S = 10.0
IMPORT_GOAL_S = 20.0
MEMORY_GOAL_MB = 150.0
RECORDS = 100_000
SOURCE_NAME = synthetic.SITE_NAME
TARGET_NAME = "Bệnh viện Đa khoa khu vực Ngã Bảy"
DEPARTMENTS = ["Khoa Hồi sức tích cực – Chống độc", "Khoa Nhi", "Khoa Sơ sinh", "Khoa Ngoại tổng hợp", "Khoa Nội tim mạch",
               "Khoa Cấp cứu", "Khoa Gây mê hồi sức", "Khoa Sản", "Khoa Chẩn đoán hình ảnh", "Khoa Xét nghiệm",
               "Khoa Thận nhân tạo", "Khoa Nội tiết", "Khoa Ung bướu", "Phòng Điều dưỡng", ""]
QUALIFICATIONS = ["", "", "BS.CKI Nhi khoa", "BS.CKII Hồi sức cấp cứu", "ThS.BS. Nội khoa", "CN. Điều dưỡng", "KTV. Xét nghiệm",
                  "ĐD. Cao đẳng", "BS. Đa khoa", "DS. Đại học"]
NOTES = ["", "", "", "", "Đã học lớp lọc máu liên tục tại Bệnh viện Nhi Đồng 1 năm 2023",
         "Đang học chuyên khoa I", "Phụ trách máy thở của khoa", "Chuyển từ Trung tâm Y tế huyện Mỹ Xuyên"]
CHILD_FLAG = "--child"
CHILD_MARKER = "SYNC_BENCH_RESULT "


# --- building the databases ------------------------------------------------------------------------


def _synced_models() -> list[type[Record]]:
    from hospitaldesk.services.sync.records import synced_models

    return synced_models()


def synced_counts(path: Path) -> dict[str, int]:
    """Records per table that a full bundle carries (change number above 0), read with sqlite3."""
    counts = {}
    with closing(sqlite3.connect(path)) as conn:
        for model in _synced_models():
            table = model._meta.table_name
            found = conn.execute(f'SELECT count(*) FROM "{table}" WHERE change_seq > 0').fetchone()[0]
            if found:
                counts[table] = int(found)
    return counts


def _staff_rows(ctx: synthetic.Context, count: int, facilities: list[Any], first_seq: int) -> Iterator[dict[str, Any]]:
    rng = ctx.rng("sync-bench-staff")
    for n in range(count):
        name = f"{rng.choice(synthetic.SURNAMES)} {rng.choice(synthetic.MIDDLE_NAMES)} {rng.choice(synthetic.GIVEN_NAMES)}"
        national_id = f"0{rng.randint(1, 96):02d}{rng.randint(0, 1)}{n:08d}"
        phone = f"09{rng.randrange(10**8):08d}" if rng.random() < 0.8 else ""
        department, qualification = rng.choice(DEPARTMENTS), rng.choice(QUALIFICATIONS)
        start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        yield {**ctx.bookkeeping(rng, first_seq + n), "vector": "{}", "facility": rng.choice(facilities), "full_name": name,
               "birth_date": start - dt.timedelta(days=rng.randrange(22 * 365, 40 * 365)), "sex": rng.choice(("female", "male")),
               "profession": rng.choices(list(synthetic.PROFESSION_WEIGHTS), list(synthetic.PROFESSION_WEIGHTS.values()))[0],
               "qualification": qualification, "department": department, "phone": phone, "national_id": national_id,
               "employment_start": start, "status": "working" if rng.random() < 0.93 else "on_leave",
               "notes": rng.choice(NOTES), "search_key": text.search_key(name, national_id, phone, department, qualification)}


def build_source(path: Path, records: int, seed: int = 1) -> dict[str, int]:
    """A fresh site whose full bundle holds `records` records: its own site record and staff members."""
    from hospitaldesk.services.site import init_site

    open_store(path)
    try:
        site_id = init_site(SOURCE_NAME)
        own = sum(synced_counts_live().values())  # the site record init_site made
        count = max(0, records - own)
        ctx = synthetic.Context(seed=seed, site_id=site_id, provinces=[], specialties=[])
        facilities = [f.id for f in Facility.select(Facility.id).where(Facility.deleted == False).order_by(Facility.code)]  # noqa: E712
        with connection.atomic():
            # Loaded as records moved in from an older system (as synthetic.py does): one audit entry, not 100,000.
            audited = audit.audited_models()
            for model in audited:
                audit.drop_triggers(current_database(), model)
            first = stamping.next_change_seq(count) if count else 0
            batch: list[dict[str, Any]] = []
            for row in _staff_rows(ctx, count, facilities, first):
                batch.append(row)
                if len(batch) >= 10 * synthetic.BATCH:
                    ctx.insert_rows(Staff, batch)
                    batch = []
            ctx.insert_rows(Staff, batch)
            for model in audited:
                audit.create_triggers(current_database(), model)
            audit.record("bulk_load", details={"generator": "tests/bench/sync.py", "staff": count})
    finally:
        close_store()
    return synced_counts(path)


def synced_counts_live() -> dict[str, int]:
    counts = {}
    for model in _synced_models():
        found = model.select().where(model.change_seq > 0).count()
        if found:
            counts[model._meta.table_name] = int(found)
    return counts


def prepare_pair(source: Path, target: Path, folder: Path, target_name: str = TARGET_NAME) -> None:
    """Make `target` a fresh site, and let the two trust each other (as after exchanging identity files)."""
    from hospitaldesk.services.site import init_site
    from hospitaldesk.services.sync import identity

    source_card, target_card = folder / "source.identity.json", folder / "target.identity.json"
    open_store(target)
    try:
        init_site(target_name)
        identity.write_identity_file(target_card)
    finally:
        close_store()
    open_store(source)
    try:
        identity.write_identity_file(source_card)
        if identity.peer(identity.read_identity_file(target_card).site_id) is None:
            identity.trust(identity.read_identity_file(target_card))
    finally:
        close_store()
    open_store(target)
    try:
        identity.trust(identity.read_identity_file(source_card))
    finally:
        close_store()


def source_site(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return uuid.UUID(str(conn.execute("SELECT value FROM local_state WHERE key = 'site_id'").fetchone()[0])).hex


def content_digest(path: Path, site: str) -> str:
    """Every synced record last changed by `site`, every column but this database's change number and
    the vector, in id order: equal at the source and after the import when every record arrived intact."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(path)) as conn:
        for model in _synced_models():
            table = model._meta.table_name
            names = [f.column_name for f in model._meta.sorted_fields if f.column_name not in ("change_seq", "vector")]
            cursor = conn.execute(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}" '
                                  f"WHERE change_seq > 0 AND last_site = ? ORDER BY id", (site,))
            digest.update(table.encode())
            for row in cursor:
                digest.update(repr(row).encode())
    return digest.hexdigest()


# --- the measured operations, each in a child process ----------------------------------------------


def _memory_mb() -> tuple[float, float] | None:
    """(resident now, peak resident) of this process in MB. Linux: /proc/self/status, whose peak (VmHWM)
    belongs to this process image alone. resource's ru_maxrss would not do: Linux carries the parent's
    peak over into a child started with fork and exec, so a child of a big process never seems to grow."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024**2 if sys.platform == "darwin" else 1024)
    return peak, peak  # (macOS: bytes) no figure for now: the growth is then how far the peak rose


def _reset_peak() -> None:
    """Linux: make the peak (VmHWM) the current resident set, so it says what the operation added."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def child_main(argv: Sequence[str]) -> int:
    """In the child: open the store, note the memory, run one operation, print what it cost as JSON."""
    parser = argparse.ArgumentParser(prog="tests.bench.sync --child")
    parser.add_argument("operation", choices=("export", "import"))
    parser.add_argument("database", type=Path)
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--for", dest="peer", default="")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(list(argv))
    from hospitaldesk.services.sync import export, importing

    open_store(args.database)
    # Loaded before the baseline: the code an operation needs is not the operation's memory.
    import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    _reset_peak()
    before = _memory_mb()
    started = time.perf_counter()
    if args.operation == "export":
        made = export.export_bundle(args.bundle, args.peer, full=True)
        out: dict[str, Any] = {"records": made.total, "counts": made.counts, "bytes": args.bundle.stat().st_size}
    else:
        result = importing.import_bundle(args.bundle)
        if not result.applied:
            raise SystemExit(f"the bundle was not taken in: {result.as_dict()}")
        totals = result.totals()
        out = {"records": sum(totals.as_dict().values()), "totals": totals.as_dict()}
    out["seconds"] = time.perf_counter() - started
    after = _memory_mb()
    out["rss_growth_mb"] = None if before is None or after is None else after[1] - before[0]
    out["rss_peak_mb"] = None if after is None else after[1]
    if args.tracemalloc:
        import tracemalloc

        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024**2
        tracemalloc.stop()
    close_store()
    print(CHILD_MARKER + json.dumps(out), flush=True)
    return 0


def run_child(home: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "HOSPITALDESK_DB"}
    env["HOSPITALDESK_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-m", "tests.bench.sync", CHILD_FLAG, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, encoding="utf-8", errors="replace")
    for line in done.stdout.splitlines():
        if line.startswith(CHILD_MARKER):
            return dict(json.loads(line[len(CHILD_MARKER):]))
    tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
    raise RuntimeError(f"the {args[0]} child exited {done.returncode}:\n{tail}")


# --- baselines ---------------------------------------------------------------------------------------


def _tables(path: Path) -> list[tuple[str, list[str]]]:
    """The synced tables with records to carry, and their columns (as stored)."""
    with closing(sqlite3.connect(path)) as conn:
        out = []
        for model in _synced_models():
            table = model._meta.table_name
            if conn.execute(f'SELECT 1 FROM "{table}" WHERE change_seq > 0 LIMIT 1').fetchone():
                out.append((table, [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]))
        return out


def json_baseline(source: Path, out: Path) -> tuple[float, int, int]:
    """Seconds to read every synced row with sqlite3 and write it with json.dumps, a line each; rows, bytes."""
    tables = _tables(source)
    started = time.perf_counter()
    rows = 0
    with closing(sqlite3.connect(source)) as conn, open(out, "w", encoding="utf-8") as handle:
        for table, names in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}" WHERE change_seq > 0 ORDER BY change_seq')
            for row in cursor:
                handle.write(json.dumps(dict(zip(names, row)), ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
                rows += 1
    return time.perf_counter() - started, rows, out.stat().st_size


def sqlite_copy_baseline(source: Path, out: Path) -> tuple[float, int]:
    """Seconds to read the same rows with sqlite3 and insert them (executemany, one commit) into a new
    file holding the same tables and indexes, with the app's journal and synchronous settings; rows."""
    tables = _tables(source)
    with closing(sqlite3.connect(source)) as conn:
        names = [t for t, _cols in tables]
        marks = ", ".join("?" for _t in names)
        schema = [r[0] for r in conn.execute(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND type IN ('table', 'index') AND sql IS NOT NULL "
            "ORDER BY type DESC", names)]  # tables first
    started = time.perf_counter()
    rows = 0
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(out, isolation_level=None)) as dst:
        dst.execute("PRAGMA journal_mode = wal")
        dst.execute("PRAGMA synchronous = full")
        for statement in schema:
            dst.execute(statement)
        dst.execute("BEGIN")
        for table, columns in tables:
            insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" for _c in columns)})'
            cursor = src.execute(f'SELECT * FROM "{table}" WHERE change_seq > 0 ORDER BY change_seq')
            while batch := cursor.fetchmany(500):
                dst.executemany(insert, batch)
                rows += len(batch)
        dst.execute("COMMIT")
    return time.perf_counter() - started, rows


# --- one case: a source database exported whole and imported into a fresh one ------------------------


@dataclass
class CaseResult:
    name: str
    counts: dict[str, int]  # records per table in the full bundle
    export_plain: dict[str, Any]
    export_encrypted: dict[str, Any]
    imported: dict[str, Any] | None  # None: not imported (the big case without --big-import)
    json_s: float
    json_bytes: int
    copy_s: float
    intact: bool | None  # the imported rows equal the source's (None: not imported)
    traced: dict[str, float] = field(default_factory=dict)  # operation -> tracemalloc peak MB

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def run_case(name: str, source: Path, folder: Path, home: Path, *, do_import: bool = True, trace: bool = False,
             log: Callable[[str], None] = print) -> CaseResult:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "target.sqlite3"
    log(f"  {name}: preparing a fresh receiving site ...")
    prepare_pair(source, target, folder)
    if trace and do_import:
        spare = folder / "target-traced.sqlite3"
        shutil.copyfile(target, spare)
    counts = synced_counts(source)
    log(f"  {name}: baselines (json.dumps, sqlite3 copy) ...")
    json_s, _rows, json_bytes = json_baseline(source, folder / "baseline.jsonl")
    copy_s, _copied = sqlite_copy_baseline(source, folder / "baseline-copy.sqlite3")
    log(f"  {name}: export, plain ...")
    plain = run_child(home, "export", str(source), str(folder / "plain.hdsync"))
    log(f"  {name}: export, encrypted for {TARGET_NAME} ...")
    encrypted = run_child(home, "export", str(source), str(folder / "encrypted.hdsync"), "--for", TARGET_NAME)
    imported: dict[str, Any] | None = None
    intact: bool | None = None
    if do_import:
        log(f"  {name}: import into the fresh site ...")
        imported = run_child(home, "import", str(target), str(folder / "encrypted.hdsync"))
        site = source_site(source)
        intact = content_digest(source, site) == content_digest(target, site)
    traced: dict[str, float] = {}
    if trace:
        log(f"  {name}: again under tracemalloc (not timed) ...")
        traced["export"] = run_child(home, "export", str(source), str(folder / "traced.hdsync"), "--for", TARGET_NAME,
                                     "--tracemalloc")["tracemalloc_peak_mb"]
        if do_import:
            traced["import"] = run_child(home, "import", str(spare), str(folder / "traced.hdsync"),
                                         "--tracemalloc")["tracemalloc_peak_mb"]
    for scratch in ("baseline.jsonl", "baseline-copy.sqlite3", "traced.hdsync"):
        (folder / scratch).unlink(missing_ok=True)
    return CaseResult(name, counts, plain, encrypted, imported, json_s, json_bytes, copy_s, intact, traced)


# --- the whole benchmark -------------------------------------------------------------------------------


@dataclass
class Line:
    """One printed measurement (run.py turns these into its table rows)."""

    label: str
    seconds: float | None
    ratio: str = ""
    note: str = ""


@dataclass
class Goal:
    goal: str
    value: str
    met: bool | None


@dataclass
class SyncBench:
    cases: list[CaseResult]
    build_seconds: float
    big_problem: str = ""  # why the big case is missing, when it was asked for

    def lines(self) -> list[Line]:
        out: list[Line] = []
        for case in self.cases:
            per_table = ", ".join(f"{t} {n:,}" for t, n in sorted(case.counts.items(), key=lambda kv: -kv[1])[:4])
            more = len(case.counts) - 4
            out.append(Line(f"{case.name}: {case.records:,} records", None,
                            note=per_table + (f" and {more} more tables" if more > 0 else "")))
            for label, made in (("export_bundle(full=True), plain", case.export_plain),
                                ("export_bundle(peer, full=True), encrypted", case.export_encrypted)):
                out.append(Line(f"  {label}", made["seconds"], _ratio(made["seconds"], case.json_s, "json"),
                                f"{made['bytes'] / 1e6:,.1f} MB, {case.records / made['seconds']:,.0f} records/s, "
                                f"{_memory(made, case.traced.get('export') if 'encrypted' in label else None)}"))
            if case.imported is not None:
                imp = case.imported
                state = "every record intact" if case.intact else "RECORDS DIFFER from the source"
                out.append(Line("  import_bundle() of the encrypted bundle, fresh site", imp["seconds"],
                                _ratio(imp["seconds"], case.copy_s, "copy"),
                                f"{case.records / imp['seconds']:,.0f} records/s, {_memory(imp, case.traced.get('import'))}; {state}"))
            out.append(Line("    baseline: sqlite3 rows -> json.dumps, a line each", case.json_s, "",
                            f"{case.json_bytes / 1e6:,.1f} MB of JSON lines"))
            out.append(Line("    baseline: sqlite3 rows -> executemany INSERT into a new file", case.copy_s, "",
                            "same tables and indexes, no triggers, one commit"))
        if self.big_problem:
            out.append(Line("whole synthetic database", None, note=self.big_problem))
        return out

    def goals(self) -> list[Goal]:
        case = self.cases[0]
        worst_export = max(case.export_plain["seconds"], case.export_encrypted["seconds"])
        goals = [Goal(f"i. export of {case.records:,} records <= {EXPORT_GOAL_S:.0f} s (plain and encrypted)",
                      f"{case.export_plain['seconds']:.1f} s plain, {case.export_encrypted['seconds']:.1f} s encrypted",
                      worst_export <= EXPORT_GOAL_S)]
        if case.imported is not None:
            goals.append(Goal(f"   import of {case.records:,} records <= {IMPORT_GOAL_S:.0f} s",
                              f"{case.imported['seconds']:.1f} s" + ("" if case.intact else " (records differ!)"),
                              case.imported["seconds"] <= IMPORT_GOAL_S and bool(case.intact)))
        growths = [m.get("rss_growth_mb") for m in (case.export_plain, case.export_encrypted, case.imported) if m is not None]
        known = [float(g) for g in growths if g is not None]
        if len(known) < len(growths):
            goals.append(Goal(f"   peak memory growth <= {MEMORY_GOAL_MB:.0f} MB", "no memory figure on this system", None))
        else:
            worst = max(known)
            goals.append(Goal(f"   peak memory growth <= {MEMORY_GOAL_MB:.0f} MB (export and import, RSS)",
                              f"{worst:.0f} MB at most", worst <= MEMORY_GOAL_MB))
        return goals


def _ratio(value: float, base: float, what: str) -> str:
    return f"{value / base:,.1f}× {what}" if base > 0 else "n/a"


def _memory(made: dict[str, Any], traced: float | None) -> str:
    growth = made.get("rss_growth_mb")
    text_ = "RSS +?" if growth is None else f"RSS +{growth:,.0f} MB"
    return text_ + (f", tracemalloc peak {traced:,.0f} MB" if traced is not None else "")


def measure(workdir: Path, records: int = RECORDS, big: Path | None = None, *, big_import: bool = False,
            trace: bool = False, log: Callable[[str], None] = print) -> SyncBench:
    """The 100,000-record case in `workdir`, then (with `big`) the whole of that database. `big` is
    exported in place (the caller passes a copy) and never changed but for the export's history row."""
    home = workdir / "sync-home"
    home.mkdir(parents=True, exist_ok=True)
    source = workdir / "sync-source.sqlite3"
    log(f"Sync: building a site with a {records:,}-record full bundle ...")
    started = time.perf_counter()
    build_source(source, records)
    build_seconds = time.perf_counter() - started
    cases = [run_case("a new site's staff", source, workdir / "sync-case", home, trace=trace, log=log)]
    problem = ""
    if big is not None:
        try:
            cases.append(run_case(f"whole synthetic database ({big.stat().st_size / 1e6:,.0f} MB)", big,
                                  workdir / "sync-big", home, do_import=big_import, trace=False, log=log))
        except (RuntimeError, OSError, sqlite3.Error) as exc:
            problem = f"not available: {str(exc).splitlines()[0][:160]}"
    return SyncBench(cases, build_seconds, problem)


def print_report(bench: SyncBench) -> None:
    lines = bench.lines()
    width = max(len(line.label) for line in lines)
    print(f"{'Measurement'.ljust(width)}  {'seconds':>8}  {'ratio':<12}  notes")
    print("-" * (width + 60))
    for line in lines:
        seconds = "" if line.seconds is None else f"{line.seconds:8.2f}"
        print(f"{line.label.ljust(width)}  {seconds:>8}  {line.ratio:<12}  {line.note}".rstrip())
    print()
    print("Goals:")
    goals = bench.goals()
    goal_width = max(len(g.goal) for g in goals)
    for goal in goals:
        state = "not measured" if goal.met is None else ("met" if goal.met else "NOT MET")
        print(f"  {goal.goal.ljust(goal_width)}  {state:<12}  {goal.value}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD_FLAG]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=RECORDS, help="records in the measured bundle (default 100,000)")
    whole = parser.add_mutually_exclusive_group()
    whole.add_argument("--big", type=Path, metavar="PATH", help="also export a synthetic database whole (it is copied first)")
    whole.add_argument("--big-generate", action="store_true", help="generate a synthetic database with run.py's defaults, and export it whole")
    parser.add_argument("--big-import", action="store_true", help="also import the whole database into a fresh one (minutes)")
    parser.add_argument("--tracemalloc", action="store_true", help="one more untimed run of the export and import under tracemalloc")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and leave the databases and bundles there")
    args = parser.parse_args(argv)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="hospitaldesk-bench-sync-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["HOSPITALDESK_HOME"] = str(workdir / "home")
    os.environ.pop("HOSPITALDESK_DB", None)
    started = time.perf_counter()
    try:
        big: Path | None = None
        if args.big is not None:
            big = workdir / "big.sqlite3"
            print(f"Copying {args.big} ...", flush=True)
            shutil.copyfile(args.big, big)
        elif args.big_generate:
            big = workdir / "big.sqlite3"
            print("Generating the synthetic database (run.py's defaults) ...", flush=True)
            synthetic.generate(big, extra={"agreements": 20_000, "assessments": 10_000, "trainees": 100_000},
                               log=lambda line: print(line, flush=True))
        bench = measure(workdir, args.records, big, big_import=args.big_import, trace=args.tracemalloc,
                        log=lambda line: print(line, flush=True))
        print()
        load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
        print(f"Sync benchmark, {time.strftime('%Y-%m-%d %H:%M')}: Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
              f"{os.cpu_count()} CPUs{load}; source built in {bench.build_seconds:.1f} s")
        print()
        print_report(bench)
        print()
        print(f"Total run time {time.perf_counter() - started:.0f} s." + (f" Files kept in {workdir}." if args.keep else ""))
    finally:
        close_store()
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
