"""Run every HospitalDesk benchmark and print numbers, ratios to same-run baselines and verdicts.

    python tests/bench/run.py [--fresh] [--facilities N] [--techniques N] [--agreements N] [--assessments N]
                              [--seed N] [--as-of YYYY-MM-DD] [--repeat N] [--list-repeat N] [--readiness-repeat N]
                              [--score-passes N] [--answer-calls N] [--runs N] [--timeout S] [--skip-startup] [--pdf-runs N]
                              [--sync-records N] [--sync-big-import] [--skip-sync]

See tests/bench/README.md for what each number means and the goals.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import queue
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hospitaldesk.db import connection  # noqa: E402
from hospitaldesk.db.migrations import LATEST_VERSION  # noqa: E402
from peewee import fn  # noqa: E402

from hospitaldesk.db.models import Agreement, Assessment, Facility, Province, Specialty, TemplateItem, Technique  # noqa: E402
from hospitaldesk.db.rows import raw_rows  # noqa: E402
from hospitaldesk.db.store import close_store, open_store  # noqa: E402
from hospitaldesk.resources import reference_dir  # noqa: E402
from hospitaldesk.services.agreements import AgreementCatalog  # noqa: E402
from hospitaldesk.services.catalog import Catalog  # noqa: E402
from hospitaldesk.services.catalogs import catalog  # noqa: E402
from hospitaldesk.services.forms import ListQuery  # noqa: E402
from hospitaldesk.services.readiness_score import ScoredItem, score  # noqa: E402
from tests.bench import contract_pdf, readiness_pdf, synthetic  # noqa: E402
from tests.bench import sync as sync_bench  # noqa: E402

SEARCH_GOAL_MS = 30.0
OPEN_GOAL_MS = 200.0
AGREEMENT_GOAL_MS = 200.0  # the agreements window shows one page: each list query, p95
STARTUP_GOAL_RATIO = 2.0
OVERVIEW_GOAL_MS = 300.0  # the overview (the first screen) compiled for the region or a filter: p95
REVIEW_GOAL_MS = 2000.0  # the 6-monthly review's figures compiled for the region, a province or a hospital: p95
READINESS_LIST_GOAL_MS = 200.0  # the readiness screen's lists, as the agreements list: each call, p95
ANSWER_GOAL_MS = 50.0  # a key press in the assessment entry view must feel instant: p95
SCORE_GOAL_MS = 1000.0  # scoring 10,000 assessments of 60 items "well under a second": p95 of the passes, shown as a share
STAFF_SEARCH_GOAL_MS = 30.0  # staff search by name, with or without diacritics: p95
RETENTION_GOAL_MS = 1000.0  # the retention view for every facility: p95
IMPORT_GOAL_S = 10.0  # a 10,000-row Excel import, check and write
# What an administrator types to find a person: names with and without accents, part of a CCCD, nothing.
STAFF_QUERIES = ["nguyen van an", "Nguyễn Văn An", "NGUYEN", "tran thi hanh", "Trần Thị Hạnh", "le minh", "Lê Minh Khoa",
                 "hanh", "Hạnh", "phan thi", "vo thanh binh", "Võ Thanh Bình", "đặng", "dang quoc", "huynh anh", "bui thi thu",
                 "Bùi Thị Thu", "ngo kim", "ho bao", "0960", "094123", "an", "zzzz", "nguyen zzzz"]
READINESS_SEARCH = "ca mau"  # a province people type in the readiness screen's search box
READY_MARKER = "HOSPITALDESK_READY"
BARE_MARKER = "BARE_READY"
APP_LABEL = "main.py --db BIG, main window usable"
BARE_LABEL = "  baseline: bare ttkbootstrap.App() + update()"

# ~50 technique searches: with and without diacritics, upper/lower case, 1-3 words, English,
# codes, and some that match nothing. Words come from synthetic.py's name parts.
TECHNIQUE_QUERIES = [
    # one word
    "gan", "tim", "thận", "than", "phổi", "stent", "nội", "soi", "ECMO", "laser",
    "robot", "sinh", "mạch", "mach", "khớp", "biopsy", "kidney",
    # two words
    "nội soi", "noi soi", "NỘI SOI", "đặt stent", "dat stent", "túi mật", "tui mat", "khớp gối",
    "khop goi", "sinh thiết", "sinh thiet", "van hai", "trẻ em", "tre em", "sóng cao", "cột sống",
    "liver biopsy", "KT000123", "SYN-KT0421",
    # three words
    "phẫu thuật cắt", "phau thuat cat", "động mạch vành", "dong mach vanh", "dưới hướng dẫn",
    "đặt stent động", "ghép thận robot", "tạo hình giác", "nội soi trẻ",
    # nothing matches
    "zzzz", "qwerty", "covid vắc xin", "xét nghiệm máu", "tim phổi nhân tạo",
]
FACILITY_QUERIES = [
    "bệnh viện", "benh vien", "đa khoa", "da khoa", "Sóc Trăng", "soc trang", "cần thơ", "trung tâm y tế",
    "trung tam y te", "khu vực", "my xuyen", "Mỹ Xuyên", "phòng khám", "phong kham", "nhi", "mắt",
    "y học cổ truyền", "SYN-F0012", "sở y tế", "trần hưng đạo", "phước thiện", "hoàn mỹ", "ca mau",
    "tư nhân", "trung ương", "zzzz", "bệnh viện vũ trụ", "qwerty",
]
# What people type in the agreements window's search box: a specialty, an end-line hospital
# (with and without diacritics), a technique, their own hospital's name, a contract number.
AGREEMENT_SEARCHES = ["tim mach", "Nhi Đồng", "cho ray", "loc mau", synthetic.SITE_NAME, "12/HĐ-CGKT"]
# Filters: (label, filter name, value or a reference code resolved to an id at run time).
AGREEMENT_FILTERS = [
    ("status = in progress", "status", "in_progress"),
    ("review = overdue", "review", "overdue"),
    ("review = due within 90 days", "review", "due90"),
    ("province = Cần Thơ (since 2025: with Sóc Trăng, Hậu Giang)", "province", "92/2025"),
    ("specialty = Tim mạch can thiệp", "specialty", "TM-CAN-THIEP"),
    ("partner = Bệnh viện Chợ Rẫy", "partner", "HCM-CHORAY"),
]


# --- numbers -----------------------------------------------------------------------------


def overview_cases() -> dict[str, Any]:
    """j. the overview's filters: the region, a delta province (Cần Thơ, with Sóc Trăng and Hậu Giang merged
    into it), the specialty with the most techniques, and Chợ Rẫy as the partner."""
    from hospitaldesk.services.overview import Scope

    can_tho = Province.get(Province.code == "92/2025")  # Cần Thơ today: former Cần Thơ, Sóc Trăng and Hậu Giang
    busiest = (Technique.select(Technique.specialty, fn.COUNT(Technique.id)).group_by(Technique.specialty)
               .order_by(fn.COUNT(Technique.id).desc()).tuples().first())
    cho_ray = Facility.get(Facility.code == "HCM-CHORAY")
    return {"the region (no filter)": Scope(), "province: Cần Thơ (and the units merged into it)": Scope(province=str(can_tho.id)),
            "specialty: the one with the most techniques": Scope(specialty=str(busiest[0])),
            "partner: Chợ Rẫy": Scope(partner=str(cho_ray.id))}


def count_by_status() -> list[tuple[Any, ...]]:
    """The baseline of j and k: agreements counted by status (the overview tiles' own query), one grouped query."""
    return raw_rows(Agreement.select(Agreement.status, fn.COUNT(Agreement.id)).where(
        Agreement.deleted == False).group_by(Agreement.status))  # noqa: E712


def measure_cases(cases: dict[str, Any], call: Callable[[Any], Any], repeat: int, label: str,
                  note: Callable[[Any], str]) -> tuple[list[Row], dict[str, Any]]:
    """`call(case)` for each case, `repeat` passes (at least 3) interleaved with the baseline; rows then the baseline."""
    count_by_status()
    times: dict[str, list[float]] = {name: [] for name in cases}
    found: dict[str, Any] = {}
    base: list[float] = []
    for _ in range(max(3, repeat)):
        for name, case in cases.items():
            elapsed, found[name] = timed(lambda: call(case))
            times[name].append(elapsed)
        base.append(timed(count_by_status)[0])
    baseline = Row("  baseline: agreements counted by status (one grouped query)", base)
    rows = [Row(f"{label}, {name}", times[name], ratio=ratio(statistics.median(times[name]), baseline.p50, "p50"),
                note=note(found[name])) for name in cases]
    return [*rows, baseline], found


def measure_overview(path: Path, repeat: int) -> list[Row]:
    """j. overview.compile_overview() for each filter, after the first call of all: the first of a day (the
    pairs counted for yesterday, as on a PC used every day) on a freshly opened store, three times."""
    from hospitaldesk.services import overview, retention_facts

    today = dt.date.today()
    cases = overview_cases()
    firsts: list[float] = []
    for _ in range(3):
        retention_facts.count_absent_on(today - dt.timedelta(days=1))
        close_store()
        open_store(path)
        first_ms, first = timed(lambda: overview.compile_overview(next(iter(cases.values())), today))
        firsts.append(first_ms)

    def note(o: Any) -> str:
        return (f"{sum(o.statuses.values()):,} agreements, {o.reviews_overdue.total + o.reviews_due.total:,} reviews, "
                f"{o.at_risk:,} at risk, {o.gaps_overdue.total:,} gaps overdue")

    rows, _found = measure_cases(cases, lambda scope: overview.compile_overview(scope, today), repeat, "overview", note)
    base = rows[-1].p50
    return [Row("overview, the region, first call of a day (fresh open_store)", firsts, ratio=ratio(statistics.median(firsts), base, "p50"),
                note=note(first)),
            *rows]


def review_cases(as_of: dt.date) -> tuple[Any, dict[str, Any]]:
    """k. the review of the last finished half-year before `as_of`, for the region, Cần Thơ (with the units merged
    into it) and the facility that is party to the most agreements."""
    from hospitaldesk.services.review import ReviewScope, half_year

    can_tho = Province.get(Province.code == "92/2025")
    parties = (Agreement.select(Agreement.party_b, fn.COUNT(Agreement.id)).group_by(Agreement.party_b)
               .order_by(fn.COUNT(Agreement.id).desc()).tuples().first())
    return half_year(as_of), {"the region": ReviewScope(), "province: Cần Thơ (and the units merged into it)": ReviewScope(
        province=str(can_tho.id)), "one hospital: the busiest receiving party": ReviewScope(facility=str(parties[0]))}


def measure_review(repeat: int, as_of: dt.date) -> list[Row]:
    """k. review.compile_review(period, scope) for each scope; baseline: the agreements counted by status (as in j)."""
    from hospitaldesk.services import review

    period, cases = review_cases(as_of)

    def note(f: Any) -> str:
        return (f"{len(f.signed):,} signed, {f.trained:,} trained, {f.assessments:,} assessed, {f.gaps_open:,} gaps open, "
                f"{sum(c.referred for c in f.cases):,} referred")

    rows, _found = measure_cases(cases, lambda scope: review.compile_review(period, scope), repeat,
                                 f"review {period.start:%m/%Y}-{period.end:%m/%Y}", note)
    return rows


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Row:
    label: str
    samples: list[float]  # milliseconds
    ratio: str = ""  # to this section's baseline
    note: str = ""
    unavailable: str = ""  # why there are no samples

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def max(self) -> float:
        return max(self.samples) if self.samples else float("nan")


@dataclass
class Verdict:
    goal: str
    value: str
    met: bool | None  # None: could not be measured


def ms(value: float) -> str:
    """Enough digits that a sub-millisecond baseline does not print as 0.0."""
    return f"{value:,.3f}" if value < 1 else f"{value:,.2f}" if value < 10 else f"{value:,.1f}"


def ratio(value: float, base: float, stat: str) -> str:
    if base <= 0:
        return "n/a"
    r = value / base
    return f"{r:,.2f}× ({stat})" if r < 0.95 else f"{r:,.1f}× ({stat})"  # below the baseline: show how far


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


# --- the database ------------------------------------------------------------------------


def _digest(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_path(args: argparse.Namespace) -> Path:
    """Keyed by the generator's parameters and everything that shapes its output."""
    services = REPO / "hospitaldesk" / "services"
    key = json.dumps({
        "facilities": args.facilities, "techniques": args.techniques, "agreements": args.agreements,
        "assessments": args.assessments, "staff": args.staff, "case_log_pairs": args.case_log_pairs, "networks": args.networks,
        "seed": args.seed,
        "as_of": args.as_of.isoformat(),  # agreements are dated relative to it: a new day, a new database
        "schema": LATEST_VERSION,
        "generator": _digest([Path(synthetic.__file__)]),
        # the app code that shapes stored rows: models (search_parts), migrations, reference loading, folding,
        # the agreement vocabulary and signed content the agreements step reuses, and the readiness
        # vocabulary, scoring, item codes and watched statuses the assessments step reuses
        "app": _digest(sorted((REPO / "hospitaldesk" / "db").glob("*.py")) + [REPO / "hospitaldesk" / "text.py"]
                       + [services / "agreement_terms.py", services / "contract_content.py"]
                       + [services / f"readiness_{name}.py" for name in ("score", "terms", "templates", "warnings")]
                       + [services / "agreement_terms.py"]),
        "reference": _digest(sorted(reference_dir().glob("*.json"))),
    }, sort_keys=True)
    name = (f"{args.facilities}f-{args.techniques}t-{args.agreements}a-{args.assessments}r-{args.staff}s-{args.case_log_pairs}c-"
            f"{args.networks}n-seed{args.seed}-"
            f"{hashlib.sha256(key.encode()).hexdigest()[:12]}")
    return args.cache_dir / name / "bench.sqlite3"


def ensure_database(args: argparse.Namespace) -> tuple[Path, str]:
    synthetic.wait_for_reference(args.reference_wait, lambda line: print(line, flush=True))
    path = cache_path(args)
    if path.exists() and not args.fresh:
        return path, "cached"
    if path.parent.exists():
        shutil.rmtree(path.parent)
    path.parent.mkdir(parents=True)
    part = path.with_name("generating.sqlite3")
    print(f"Generating {args.facilities:,} facilities, {args.techniques:,} techniques, {args.agreements:,} agreements"
          f", {args.assessments:,} readiness assessments and {args.staff:,} staff with {2 * args.staff:,} trainings"
          f" (as of {args.as_of.isoformat()}) into {path.parent} ...", flush=True)
    report = synthetic.generate(part, args.facilities, args.techniques, args.seed,
                                extra={"agreements": args.agreements, "assessments": args.assessments, "trainees": args.staff,
                                       "case_logs": args.case_log_pairs, "networks": args.networks},
                                as_of=args.as_of, log=lambda line: print(line, flush=True))
    for suffix in ("-wal", "-shm"):
        Path(str(part) + suffix).unlink(missing_ok=True)  # empty after a clean close
    part.replace(path)
    # Entries for the same parameters but older code are stale: do not let them pile up.
    prefix = path.parent.name.rsplit("-", 1)[0] + "-"
    for stale in path.parent.parent.glob(prefix + "*"):
        if stale != path.parent and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return path, f"generated in {report.seconds:.1f} s"


# --- a. search ---------------------------------------------------------------------------


@dataclass
class SearchResult:
    row: Row
    baseline: Row
    per_query: dict[str, tuple[float, int]]  # query -> (median ms, hits)


def measure_search(name: str, queries: list[str], model: Any, codes: list[str], repeat: int, key: str = "code") -> SearchResult:
    cat = catalog(name)
    hits: dict[str, int] = {}
    for q in queries:  # warm-up pass: page cache, statement cache, hit counts
        hits[q] = cat.list_page(ListQuery(search=q, page_size=100)).total
    times: dict[str, list[float]] = {q: [] for q in queries}
    for _ in range(repeat):
        for q in queries:
            ms, _page = timed(lambda: cat.list_page(ListQuery(search=q, page_size=100)))
            times[q].append(ms)
    column = getattr(model, key)
    for code in codes:
        model.get_or_none(column == code)
    base: list[float] = []
    for _ in range(repeat):
        for code in codes:
            ms, found = timed(lambda: model.get_or_none(column == code))
            assert found is not None, code
            base.append(ms)
    samples = [t for ts in times.values() for t in ts]
    total = model.select().count()
    no_hits = sum(1 for q in queries if hits[q] == 0)
    row = Row(f"search {name} ({total:,} rows)", samples,
              note=f"{len(queries)} queries × {repeat}; {no_hits} with no hits")
    baseline = Row(f"  baseline: {model.__name__}.{key} == x (indexed)", base, note=f"{len(codes)} values × {repeat}")
    row.ratio = ratio(row.p95, baseline.p95, "p95")
    return SearchResult(row, baseline, {q: (statistics.median(ts), hits[q]) for q, ts in times.items()})


def search_breakdown(name: str, query: str) -> str:
    """Where the time of one search goes: the (capped) count vs fetching and building the page."""
    from hospitaldesk import text
    from hospitaldesk.db.search import where_matches
    from hospitaldesk.services.catalog import SEARCH_COUNT_CAP

    cat = catalog(name)
    terms = text.search_terms(query)
    count_ms = min(
        timed(lambda: where_matches(cat.base_query(), cat.model, terms).limit(SEARCH_COUNT_CAP + 1).count())[0] for _ in range(3)
    )
    total_ms = min(timed(lambda: cat.list_page(ListQuery(search=query, page_size=100)))[0] for _ in range(3))
    return f"count() {count_ms:.1f} ms + page query & rows {max(0.0, total_ms - count_ms):.1f} ms = {total_ms:.1f} ms"


# --- b. opening the facilities table ------------------------------------------------------


def measure_open(path: Path, cold_runs: int, warm_runs: int) -> tuple[list[Row], Row]:
    cat = catalog("facilities")
    opens, firsts = [], []
    for _ in range(cold_runs):
        close_store()
        t0 = time.perf_counter()
        open_store(path)
        t1 = time.perf_counter()
        page = cat.list_page(ListQuery(page_size=100))
        t2 = time.perf_counter()
        assert len(page.rows) == min(100, page.total)
        opens.append((t1 - t0) * 1000)
        firsts.append((t2 - t1) * 1000)
    warm = [timed(lambda: cat.list_page(ListQuery(page_size=100)))[0] for _ in range(warm_runs)]
    db = connection.database
    db.execute_sql("SELECT count(*) FROM facility").fetchone()
    base = [timed(lambda: db.execute_sql("SELECT count(*) FROM facility").fetchone())[0] for _ in range(warm_runs)]
    baseline = Row("  baseline: SELECT count(*) FROM facility", base)
    cold_row = Row("facilities first page, cold (fresh open_store)", firsts,
                   ratio=ratio(statistics.median(firsts), baseline.p50, "p50"))
    warm_row = Row("facilities first page, warm", warm, ratio=ratio(statistics.median(warm), baseline.p50, "p50"))
    open_row = Row("  open_store itself (pre-flight incl. quick_check)", opens, note="informative, not part of the goal")
    return [cold_row, warm_row, open_row], baseline


# --- e. the agreements list ---------------------------------------------------------------


@dataclass
class ListCase:
    label: str
    query: ListQuery
    hits: str = ""  # what the first call returned


@dataclass
class AgreementsResult:
    rows: list[Row]  # cold, warm, then one per search and filter
    baseline: Row
    cases: dict[str, ListCase]  # row label -> its query (for the plans)
    count: int


def window_query(**kwargs: object) -> ListQuery:
    """A ListQuery as the agreements window sends it: 100 rows, newest signed first (ui/screens/agreements.py)."""
    return ListQuery(sort="signed_on", descending=True, page_size=100, **kwargs)  # type: ignore[arg-type]


def agreement_cases() -> list[ListCase]:
    """The searches and filters, with reference codes resolved to this database's ids."""
    cases = [ListCase(f"search {q!r}", window_query(search=q)) for q in AGREEMENT_SEARCHES]
    lookups: dict[str, Callable[[str], Any]] = {
               "province": lambda code: Province.get_or_none(Province.code == code),
               "specialty": lambda code: Specialty.get_or_none(Specialty.code == code),
               "partner": lambda code: Facility.get_or_none(Facility.code == code)}
    for label, name, value in AGREEMENT_FILTERS:
        if name in lookups:
            found = lookups[name](value)
            if found is None:
                continue  # the shipped reference data changed: leave the filter out rather than fail
            value = str(found.id)
        cases.append(ListCase(f"filter {label}", window_query(filters={name: value})))
    return cases


def _hits(cat: AgreementCatalog, q: ListQuery) -> str:
    page = cat.list_page(q)
    return f"{page.total:,}{'+ (capped)' if page.capped else ''} hits"


def measure_agreements(path: Path, repeat: int, cold_runs: int, rng: random.Random) -> AgreementsResult:
    """The agreements window: first page cold and warm, searches, filters; baseline 100 rows by primary key."""
    cat = AgreementCatalog()
    first = window_query()
    firsts = []
    for _ in range(cold_runs):
        close_store()
        open_store(path)
        elapsed, page = timed(lambda: cat.list_page(first))
        assert len(page.rows) == min(100, page.total)  # type: ignore[attr-defined]
        firsts.append(elapsed)
    count = Agreement.select().count()
    cases = agreement_cases()
    for case in cases:  # warm-up: page cache, statement cache, hit counts
        case.hits = _hits(cat, case.query)
    cat.list_page(first)
    warm: list[float] = []
    times: dict[str, list[float]] = {c.label: [] for c in cases}
    for _ in range(repeat):  # interleaved, so drift hits every query alike
        warm.append(timed(lambda: cat.list_page(first))[0])
        for case in cases:
            times[case.label].append(timed(lambda: cat.list_page(case.query))[0])
    ids = [r.id for r in Agreement.select(Agreement.id).order_by(Agreement.id)]
    sample = rng.sample(ids, min(100, len(ids)))
    list(Agreement.select().where(Agreement.id.in_(sample)))
    base = [timed(lambda: list(Agreement.select().where(Agreement.id.in_(sample))))[0] for _ in range(repeat)]
    baseline = Row(f"  baseline: {len(sample)} agreements by primary key (Agreement.id.in_(...))", base,
                   note=f"{repeat} fetches of whole rows")
    cold_row = Row("first page, cold (fresh open_store)", firsts, ratio=ratio(statistics.median(firsts), baseline.p50, "p50"),
                   note="sorted by signed_on, newest first")
    warm_row = Row("first page, warm", warm, ratio=ratio(statistics.median(warm), baseline.p50, "p50"),
                   note=f"{count:,} agreements")
    rows = [cold_row, warm_row]
    for case in cases:
        rows.append(Row(case.label, times[case.label], ratio=ratio(statistics.median(times[case.label]), baseline.p50, "p50"),
                        note=case.hits))
    by_label = {c.label: c for c in cases}
    by_label[cold_row.label] = by_label[warm_row.label] = ListCase(warm_row.label, first)
    return AgreementsResult(rows, baseline, by_label, count)


def statements_of(fn: Callable[[], object]) -> list[tuple[str, tuple]]:
    """The SQL statements (with parameters) `fn` runs, caught at the database object."""
    db = connection.database.obj
    caught: list[tuple[str, tuple]] = []
    original = db.execute_sql

    def spy(sql: str, params: Sequence[object] | None = None) -> object:
        caught.append((sql, tuple(params or ())))
        return original(sql, params)

    db.execute_sql = spy
    try:
        fn()
    finally:
        del db.execute_sql
    return caught


def explain(q: ListQuery) -> list[str]:
    """Each statement of one list_page call: its own time (best of 3), its SQL and SQLite's query plan."""
    cat = AgreementCatalog()
    return statement_plans(lambda: cat.list_page(q))


def statement_plans(call: Callable[[], object]) -> list[str]:
    """Each statement `call` runs: its own time (best of 3), its SQL and SQLite's query plan."""
    db = connection.database
    out: list[str] = []
    for sql, params in statements_of(call):
        best = min(timed(lambda: db.execute_sql(sql, params).fetchall())[0] for _ in range(3))
        shown = sql if len(sql) <= 400 else sql[:180] + " ... " + sql[-200:]
        out.append(f"    {best:7.1f} ms  {shown}")
        plan = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        depth: dict[int, int] = {0: 0}
        for node, parent, _unused, detail in plan:
            depth[node] = depth.get(parent, 0) + 1
            out.append(f"{' ' * (12 + 2 * depth[node])}{detail}")
    return out


# --- f. readiness ---------------------------------------------------------------------------


@dataclass
class ReadinessBench:
    score_rows: list[Row]  # all 10,000 (per pass), one assessment; then their baselines
    answer_rows: list[Row]  # answer() on drafts, baseline
    listing_rows: list[Row]  # one per listing, then the baseline
    flag_rows: list[Row]  # agreements pages with flags, each followed by its baseline without them
    listing_calls: dict[str, Callable[[], object]]  # row label -> the call (for the plans)
    assessments: int


def scored_lists() -> list[list[ScoredItem]]:
    """Every assessment's items as the scorer takes them, built once from the database (one query)."""
    rows = connection.database.execute_sql(
        "SELECT a.assessment_id, i.domain, a.answer, i.weight, i.critical, i.quantity, a.quantity, i.id "
        "FROM assessment_answer a JOIN template_item i ON i.id = a.item_id "
        "WHERE a.deleted = 0 ORDER BY a.assessment_id, i.position").fetchall()
    lists: dict[str, list[ScoredItem]] = {}
    for assessment, domain, answer, weight, critical, required, found, key in rows:
        lists.setdefault(assessment, []).append(ScoredItem(domain=domain, answer=answer, weight=weight, critical=bool(critical),
                                                           quantity_required=required, quantity_found=found, key=key))
    return list(lists.values())


def _weights(items: list[ScoredItem], threshold: float) -> float:
    """The baseline: the same walk over the items, doing only a sum of weights."""
    return sum(item.weight for item in items)


def measure_scoring(passes: int) -> list[Row]:
    lists = scored_lists()
    items = sum(len(x) for x in lists)

    def whole(fn: Callable[[list[ScoredItem], float], object]) -> float:
        t = time.perf_counter()
        for x in lists:
            fn(x, 0.8)
        return (time.perf_counter() - t) * 1000

    def each(fn: Callable[[list[ScoredItem], float], object]) -> list[float]:
        out = []
        for x in lists:
            t = time.perf_counter()
            fn(x, 0.8)
            out.append((time.perf_counter() - t) * 1000)
        return out

    whole(score)  # warm-up
    whole(_weights)
    totals: list[float] = []
    base_totals: list[float] = []
    for _ in range(passes):  # alternate, so drift hits both alike
        totals.append(whole(score))
        base_totals.append(whole(_weights))
    one, base_one = each(score), each(_weights)
    n = len(lists)
    total_row = Row(f"score(): all {n:,} assessments", totals, note=f"{passes} passes; {items:,} items, {items / max(n, 1):.0f} per assessment")
    total_base = Row(f"  baseline: the same {n:,} lists, sum of weights only", base_totals, note=f"{passes} passes")
    one_row = Row("score(): one assessment", one, note=f"each of the {n:,}, timed alone")
    one_base = Row("  baseline: one list, sum of weights only", base_one)
    total_row.ratio = ratio(total_row.p50, total_base.p50, "p50")
    one_row.ratio = ratio(one_row.p50, one_base.p50, "p50")
    return [total_row, total_base, one_row, one_base]


def measure_answer(calls: int, rng: random.Random) -> list[Row]:
    """assessments.answer() on drafts, as the entry screen calls it on each key press (a write and a re-score)."""
    from hospitaldesk.services import assessments

    drafts = [(r.id, r.template_id) for r in Assessment.select(Assessment.id, Assessment.template)
              .where(Assessment.status == "draft", Assessment.deleted == False).order_by(Assessment.id)]  # noqa: E712
    if not drafts:
        return [Row("answer() on a draft", [], unavailable="no drafts in the database")]
    picks = [rng.choice(drafts) for _ in range(calls + 1)]
    items: dict[Any, list[Any]] = {}
    for _draft, template in picks:
        if template not in items:
            items[template] = [i.id for i in TemplateItem.select(TemplateItem.id).where(TemplateItem.template == template)]
    values = ["yes", "yes", "yes", "partly", "no"]
    done: list[float] = []
    for n, (draft, template) in enumerate(picks):
        item, value = rng.choice(items[template]), rng.choice(values)
        quantity = "" if rng.random() < 0.7 else str(rng.randint(0, 4))
        elapsed, _result = timed(lambda: assessments.answer(draft, item, value, quantity, ""))
        if n:  # the first one warms up
            done.append(elapsed)
    Assessment.get_by_id(picks[0][0])
    base = [timed(lambda: Assessment.get_by_id(draft))[0] for draft, _t in picks[1:]]
    row = Row("answer() on a draft: save one answer, re-score", done,
              note=f"{len(done)} calls on {len({d for d, _t in picks[1:]})} drafts (one commit each)")
    baseline = Row("  baseline: Assessment.get_by_id(draft)", base, note="primary key")
    row.ratio = ratio(row.p95, baseline.p95, "p95")
    return [row, baseline]


def readiness_listings() -> dict[str, Callable[[], list[dict[str, Any]]]]:
    """The lists of the readiness screen and the CLI, as they call the services."""
    from hospitaldesk.services import assessments, gaps

    busiest = (Assessment.select(Assessment.facility, fn.COUNT(Assessment.id).alias("n"))
               .where(Assessment.deleted == False).group_by(Assessment.facility)  # noqa: E712
               .order_by(fn.COUNT(Assessment.id).desc(), Assessment.facility).first())
    calls: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "assessments.summaries() (all)": lambda: assessments.summaries(),
        f"assessments.summaries(search={READINESS_SEARCH!r})": lambda: assessments.summaries(search=READINESS_SEARCH),
    }
    if busiest is not None:
        facility = str(busiest.facility_id)
        calls["assessments.summaries(facility_id=...)"] = lambda: assessments.summaries(facility_id=facility)
    # The gap actions tab: the 500 due first, and the counts and cost of all of them (what it shows).
    calls['gap tab: listing(status="open", limit=500) + totals()'] = lambda: [*gaps.listing(status="open", limit=500), gaps.totals(status="open")]
    calls["gap tab: listing(overdue=True, limit=500) + totals()"] = lambda: [*gaps.listing(overdue=True, limit=500), gaps.totals(overdue=True)]
    calls['  all: gaps.listing(status="open") (CLI/export use, not the tab)'] = lambda: gaps.listing(status="open")
    return calls


def measure_listings(repeat: int) -> tuple[list[Row], dict[str, Callable[[], object]]]:
    calls = readiness_listings()
    hits = {label: len(call()) for label, call in calls.items()}  # warm-up and row counts
    times: dict[str, list[float]] = {label: [] for label in calls}
    count = Assessment.select().where(Assessment.deleted == False).count()  # noqa: E712

    def plain() -> list[tuple[Any, ...]]:
        return list(cast(Iterable[tuple[Any, ...]], Assessment.select(Assessment.id, Assessment.readiness_index).limit(count).tuples()))

    plain()
    base: list[float] = []
    for _ in range(repeat):  # interleaved, so drift hits every call alike
        for label, call in calls.items():
            times[label].append(timed(call)[0])
        base.append(timed(plain)[0])
    baseline = Row(f"  baseline: {count:,} Assessment rows (id, readiness_index) as tuples", base, note="plain Peewee select")
    rows = [Row(label, times[label], ratio=ratio(statistics.median(times[label]), baseline.p50, "p50"), note=f"{hits[label]:,} rows")
            for label in calls]
    return [*rows, baseline], dict(calls)


def measure_flags(repeat: int) -> list[Row]:
    """The agreements list's page with readiness flags (AgreementCatalog.list_page) and without (Catalog.list_page)."""
    cat = AgreementCatalog()
    cases = [("first page", window_query()), ("status = in progress", window_query(filters={"status": "in_progress"}))]
    rows: list[Row] = []
    for label, q in cases:
        page = cat.list_page(q)
        Catalog.list_page(cat, q)
        flagged = sum(1 for row in page.rows if row["not_ready"])
        with_flags: list[float] = []
        without: list[float] = []
        for _ in range(repeat):
            with_flags.append(timed(lambda: cat.list_page(q))[0])
            without.append(timed(lambda: Catalog.list_page(cat, q))[0])
        baseline = Row("  baseline: the same page without flags (Catalog.list_page)", without)
        row = Row(f"agreements {label}, with readiness flags", with_flags, ratio=ratio(statistics.median(with_flags), baseline.p50, "p50"),
                  note=f"{flagged} of {len(page.rows)} rows flagged")
        rows += [row, baseline]
    return rows


def measure_readiness(repeat: int, list_repeat: int, score_passes: int, answer_calls: int, rng: random.Random) -> ReadinessBench:
    score_rows = measure_scoring(score_passes)
    listing_rows, calls = measure_listings(repeat)
    flag_rows = measure_flags(list_repeat)
    answer_rows = measure_answer(answer_calls, rng)  # last: it writes
    count = Assessment.select().where(Assessment.deleted == False).count()  # noqa: E712
    return ReadinessBench(score_rows, answer_rows, listing_rows, flag_rows, calls, count)


def explain_call(call: Callable[[], object]) -> list[str]:
    """statement_plans() of one service call, then the whole call's time: the difference is Python building rows."""
    out = statement_plans(call)
    total = min(timed(call)[0] for _ in range(3))
    out.append(f"    {total:7.1f} ms  the whole call (best of 3), SQL and building the rows")
    return out


# --- c. cold start ------------------------------------------------------------------------


@contextmanager
def display() -> Iterator[str | None]:
    """The current DISPLAY, or an Xvfb of our own on a free display number (stopped afterwards)."""
    if os.environ.get("DISPLAY") or sys.platform == "win32" or sys.platform == "darwin":
        yield os.environ.get("DISPLAY", "")
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield None
        return
    number = next(n for n in range(90, 400) if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists())
    proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                yield None
                return
            time.sleep(0.05)
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


BARE_SCRIPT = f"""
import os, time
t0 = float(os.environ["HOSPITALDESK_BENCH_T0"])
import ttkbootstrap
app = ttkbootstrap.App()
app.update()
print("{BARE_MARKER}", f"{{time.perf_counter() - t0:.3f}}", flush=True)
app.destroy()
"""


@dataclass
class Launch:
    wall_ms: float | None  # spawn -> marker line, measured here
    reported_s: float | None  # the number the process printed after the marker
    problem: str = ""


def launch(cmd: list[str], env: dict[str, str], marker: str, timeout: float, workdir: Path) -> Launch:
    """Spawn, wait for the marker line on stdout, let the process exit (or end it)."""
    stderr_path = workdir / "stderr.txt"
    lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
    with stderr_path.open("w+", encoding="utf-8", errors="replace") as stderr:
        env = {**env, "HOSPITALDESK_BENCH_T0": repr(time.perf_counter())}
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=env,
                                cwd=str(workdir), text=True, encoding="utf-8", errors="replace")

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put((time.perf_counter(), line))
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        result = Launch(None, None)
        deadline = t0 + timeout
        try:
            while True:
                try:
                    item = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
                except queue.Empty:
                    result.problem = f"no {marker} line within {timeout:.0f} s"
                    break
                if item is None:
                    proc.wait()
                    stderr.seek(0)
                    tail = [ln.strip() for ln in stderr.read().splitlines() if ln.strip()][-1:]
                    result.problem = f"exited {proc.returncode} without {marker}" + (f": {tail[0][:110]}" if tail else "")
                    break
                at, line = item
                if line.startswith(marker):
                    result.wall_ms = (at - t0) * 1000
                    try:
                        result.reported_s = float(line.split()[1])
                    except (IndexError, ValueError):
                        pass
                    break
        finally:
            try:
                # Ready: give it time to close its window. Not ready: it has had its chance.
                proc.wait(timeout=10 if result.wall_ms is not None else 0.1)
            except subprocess.TimeoutExpired:
                proc.kill()  # the one process we started
                proc.wait()
                if result.wall_ms is not None:
                    result.problem = "did not exit within 10 s after the marker (killed)"
    return result


def measure_startup(db_path: Path, runs: int, timeout: float, workdir: Path) -> tuple[Row, Row, str]:
    bare_cmd = [sys.executable, "-c", BARE_SCRIPT]
    app_cmd = [sys.executable, str(REPO / "main.py"), "--db", str(db_path)]
    home = workdir / "home"  # the app's settings and log go here, not into the user's folders
    home.mkdir(exist_ok=True)
    with display() as disp:
        if disp is None:
            why = "no DISPLAY and no Xvfb"
            return Row(BARE_LABEL, [], unavailable=why), Row(APP_LABEL, [], unavailable=why), ""
        env = {**os.environ, "HOSPITALDESK_HOME": str(home), "HOSPITALDESK_BENCH_EXIT": "1"}
        if disp:
            env["DISPLAY"] = disp
        # One untimed launch each: byte-code caches and fonts, as on any PC after the first start.
        launch(bare_cmd, env, BARE_MARKER, timeout, workdir)
        first = launch(app_cmd, env, READY_MARKER, timeout, workdir)
        app_ok = first.wall_ms is not None
        bare, app, bare_rep, app_rep = [], [], [], []
        app_problems: set[str] = set()
        for _ in range(runs):  # alternate, so drift hits both alike
            b = launch(bare_cmd, env, BARE_MARKER, timeout, workdir)
            if b.wall_ms is not None:
                bare.append(b.wall_ms)
                bare_rep.append(b.reported_s)
            if app_ok:
                a = launch(app_cmd, env, READY_MARKER, timeout, workdir)
                if a.wall_ms is None:
                    first = a
                    app_ok = False
                else:
                    app.append(a.wall_ms)
                    app_rep.append(a.reported_s)
                    if a.problem:
                        app_problems.add(a.problem)
    where = f"own Xvfb on {disp}" if not os.environ.get("DISPLAY") else f"DISPLAY {disp}"
    bare_row = Row(BARE_LABEL, bare, note=_reported(bare_rep))
    if app_ok and app:
        app_row = Row(APP_LABEL, app, note="; ".join([_reported(app_rep), *sorted(app_problems)]).strip("; "))
        app_row.ratio = ratio(statistics.median(app), statistics.median(bare), "median") if bare else ""
    else:
        app_row = Row(APP_LABEL, [], unavailable=f"not available ({first.problem})")
    return bare_row, app_row, where


def _reported(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"self-reported median {statistics.median(known) * 1000:.0f} ms" if known else ""


# --- output -------------------------------------------------------------------------------


def print_table(sections: list[tuple[str, list[Row]]]) -> None:
    header = ("Measurement", "n", "p50 ms", "p95 ms", "max ms", "ratio to baseline", "notes")
    body: list[tuple[str, ...] | None] = []
    for title, rows in sections:
        body.append((title, "", "", "", "", "", ""))
        for r in rows:
            if r.samples:
                body.append((r.label, str(len(r.samples)), ms(r.p50), ms(r.p95), ms(r.max), r.ratio, r.note))
            else:
                body.append((r.label, "0", "-", "-", "-", "", r.unavailable or r.note))
        body.append(None)
    widths = [max(len(header[i]), *(len(b[i]) for b in body if b)) for i in range(len(header) - 1)]
    right = {1, 2, 3, 4}

    def line(cells: tuple[str, ...]) -> str:
        parts = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells[:-1])]
        return ("  ".join(parts) + "  " + cells[-1]).rstrip()

    print(line(header))
    print("-" * (sum(widths) + 2 * len(widths) + len(header[-1])))
    for b in body[:-1]:
        print(line(b) if b else "")


def sync_rows(result: sync_bench.SyncBench | None) -> list[Row]:
    """Section i's lines as table rows: one timed run each, in milliseconds like every other row."""
    if result is None:
        return [Row("sync export and import", [], unavailable="skipped (--skip-sync)")]
    return [Row(line.label, [] if line.seconds is None else [line.seconds * 1000], ratio=line.ratio, note=line.note)
            for line in result.lines()]


@dataclass
class TraineeBench:
    search: SearchResult
    retention_rows: list[Row]  # retention(), departures(), commitments_ending(), the facts rebuild, then the baseline
    import_rows: list[Row]  # the import, then reading the file alone
    import_seconds: float
    import_peak_mb: float  # tracemalloc peak of checking the file (a dry run)
    import_rss_mb: float
    staff: int
    enrollments: int
    pairs: int  # facility + technique rows of the retention view
    at_risk: int


def _import_workbook(path: Path, rows: int, rng: random.Random) -> Path:
    """An Excel list as a hospital keeps it: Vietnamese headings, one row a person and their training."""
    from hospitaldesk.services.tabular import write_xlsx

    facilities = [r.code for r in Facility.select(Facility.code).where(Facility.code.startswith("SYN-")).limit(200)]
    techniques = [t["technique"] for t in json.loads((reference_dir() / "readiness_templates.json").read_text(encoding="utf-8"))["templates"]]
    headers = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Chức danh", "Khoa/Phòng", "Số CCCD", "Mã cơ sở", "Kỹ thuật",
               "Ngày bắt đầu", "Ngày kết thúc", "Số chứng nhận", "Ngày cấp", "Số năm cam kết"]
    body = []
    for n in range(1, rows + 1):
        start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        end = start + dt.timedelta(days=rng.randint(60, 300))
        body.append([n, f"{synthetic._person(rng)} {n}", dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28), rng.choice(("Nữ", "Nam")),
                     rng.choice(("Bác sĩ", "Điều dưỡng", "Kỹ thuật viên", "BS", "ĐD")), "Khoa Hồi sức tích cực", f"099{n:09d}",
                     rng.choice(facilities), rng.choice(techniques), start, end, f"{n}/CN", end, rng.randint(2, 5)])
    return write_xlsx(path, "Danh sách", headers, body)


def measure_trainees(repeat: int, import_rows: int, workdir: Path, rng: random.Random) -> TraineeBench:
    """h. the staff search, the retention view for every facility, and a spreadsheet import."""
    import resource
    import tracemalloc

    from hospitaldesk.db.models import Enrollment, Staff
    from hospitaldesk.services import retention, staff_import
    from hospitaldesk.services.tabular import read_table

    ids = [r.national_id for r in Staff.select(Staff.national_id).where(Staff.national_id != "").limit(5000)]
    search = measure_search("staff", STAFF_QUERIES, Staff, rng.sample(ids, min(50, len(ids))), repeat, key="national_id")
    today = dt.date.today()
    calls: dict[str, Callable[[], object]] = {
        "retention.retention(): every facility and technique": lambda: retention.retention(today),
        "retention.departures(): every trained person who left": lambda: retention.departures(),
        "retention.commitments_ending(): the next 90 days": lambda: retention.commitments_ending(today),
    }
    # The first view after the generator's bulk insert rebuilds every person's retention facts (as the
    # first start after migration 6 does); later views only rebuild the people changed since.
    from hospitaldesk.services import retention_facts

    stale = retention_facts.stale_count()
    rebuild_ms, _facts = timed(retention_facts.refresh)
    found = {label: call() for label, call in calls.items()}  # warm-up
    plain = lambda: list(Enrollment.select(Enrollment.staff, Enrollment.technique, Enrollment.end_on).tuples())  # noqa: E731
    plain()
    times: dict[str, list[float]] = {label: [] for label in calls}
    base: list[float] = []
    for _ in range(max(3, repeat)):
        for label, call in calls.items():
            times[label].append(timed(call)[0])
        base.append(timed(plain)[0])
    enrollments = Enrollment.select().count()
    baseline = Row(f"  baseline: {enrollments:,} enrollments (staff, technique, end) as tuples", base, note="what retention must read")
    rows = [Row(label, times[label], ratio=ratio(statistics.median(times[label]), baseline.p50, "p50"),
                note=f"{len(cast(Sequence[Any], found[label])):,} rows") for label in calls]
    rows.append(Row("retention_facts.refresh(): rebuilding every trained person's facts, once", [rebuild_ms],
                    ratio=ratio(rebuild_ms, baseline.p50, "p50"), note=f"{stale:,} people"))
    pairs = cast(list[Any], found["retention.retention(): every facility and technique"])
    # The import: a workbook as a hospital fills it, read alone (baseline), checked under tracemalloc, then imported.
    book = _import_workbook(workdir / "nhap-nhan-su.xlsx", import_rows, rng)
    read_ms, _table = timed(lambda: read_table(book))
    tracemalloc.start()
    checked = staff_import.import_staff(book, dry_run=True)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    if checked.errors:
        raise AssertionError(f"the benchmark's workbook has problems: {staff_import.describe(checked.errors[0])}")
    import_ms, done = timed(lambda: staff_import.import_staff(book))
    report = cast(staff_import.ImportReport, done)
    if not report.written or report.people_new != import_rows:
        raise AssertionError(f"import wrote {report.people_new} of {import_rows} people")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import_row = Row(f"staff_import.import_staff(): {import_rows:,} rows of .xlsx, checked and written", [import_ms],
                     ratio=ratio(import_ms, read_ms, "×read"), note=f"{report.people_new:,} people, {report.trainings_new:,} trainings")
    read_row = Row("  baseline: tabular.read_table() of the same file (openpyxl)", [read_ms])
    return TraineeBench(search, [*rows, baseline], [import_row, read_row], import_ms / 1000, peak, rss,
                        Staff.select().count(), enrollments, len(pairs), sum(1 for r in pairs if r.at_risk))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached database")
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--techniques", type=int, default=100_000)
    parser.add_argument("--agreements", type=int, default=20_000)
    parser.add_argument("--assessments", type=int, default=10_000, help="readiness assessments of 60 items (default 10,000)")
    parser.add_argument("--staff", type=int, default=100_000, help="staff, with twice as many trainings (default 100,000)")
    parser.add_argument("--case-log-pairs", type=int, default=5_000,
                        help="facility-technique pairs with 24 months of case logs (default 5,000)")
    parser.add_argument("--networks", type=int, default=40, help="regional networks of 25 members (default 40)")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the Excel file imported in section h (default 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(), metavar="YYYY-MM-DD",
                        help="the day the synthetic agreements' story stops (default: today)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the search queries (default 3)")
    parser.add_argument("--list-repeat", type=int, default=20, help="timed passes over the agreements list queries (default 20)")
    parser.add_argument("--readiness-repeat", type=int, default=10,
                        help="timed passes over the readiness lists (default 10)")
    parser.add_argument("--score-passes", type=int, default=5, help="timed passes scoring every assessment (default 5)")
    parser.add_argument("--answer-calls", type=int, default=50, help="timed answer() calls on drafts (default 50)")
    parser.add_argument("--runs", type=int, default=5, help="launches per cold-start row (default 5)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a window to be ready")
    parser.add_argument("--skip-startup", action="store_true", help="leave out the cold-start measurement")
    parser.add_argument("--pdf-runs", type=int, default=15, help="timed builds of each PDF (contract, readiness; default 15)")
    parser.add_argument("--reference-wait", type=float, default=600.0, help="seconds to wait for assets/reference/*.json")
    parser.add_argument("--overview-only", action="store_true", help="only section j (the overview), on the cached database")
    parser.add_argument("--review-only", action="store_true", help="only section k (the 6-monthly review), on the cached database")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "hospitaldesk-bench")
    parser.add_argument("--sync-records", type=int, default=sync_bench.RECORDS,
                        help="records in section i's measured sync bundle (default 100,000)")
    parser.add_argument("--sync-big-import", action="store_true",
                        help="section i: also import the whole benchmark database into a fresh one (minutes)")
    parser.add_argument("--skip-sync", action="store_true", help="leave out section i (sync export and import)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    cached, how = ensure_database(args)
    workdir = Path(tempfile.mkdtemp(prefix="hospitaldesk-bench-run-"))
    try:
        db_path = workdir / "bench.sqlite3"
        shutil.copyfile(cached, db_path)  # the cache stays untouched by this run
        print()
        print(f"HospitalDesk benchmarks, {time.strftime('%Y-%m-%d %H:%M')}: Python {platform.python_version()}, "
              f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
        print(f"Database: {cached} ({cached.stat().st_size / 1e6:.0f} MB, {how}); measured on a copy")
        if hasattr(os, "getloadavg"):
            load = os.getloadavg()[0]
            busy = load > 0.5 * (os.cpu_count() or 1)
            print(f"Load average (1 min) {load:.2f}" + (": other work is running, timings will be pessimistic" if busy else ""))
        print()

        open_store(db_path)
        rng = random.Random(args.seed)
        if args.review_only:
            from hospitaldesk.services import retention_facts

            rebuild_ms, _facts = timed(retention_facts.refresh)
            print(f"retention_facts.refresh() first: {rebuild_ms:,.0f} ms (left out of section k, as in h)")
            review_rows = measure_review(args.repeat, args.as_of)
            print_table([("k. The 6-monthly review: review.compile_review(period, scope)", review_rows)])
            worst = max(review_rows[:-1], key=lambda r: r.p95)
            print(f"Goal: every scope p95 <= {REVIEW_GOAL_MS:,.0f} ms: {'met' if worst.p95 <= REVIEW_GOAL_MS else 'NOT MET'}"
                  f" (worst: {worst.label}, {worst.p95:.1f} ms)")
            return 0
        if args.overview_only:
            from hospitaldesk.services import retention_facts

            rebuild_ms, _facts = timed(retention_facts.refresh)  # once, as section h does; the overview reads the facts
            print(f"retention_facts.refresh() first: {rebuild_ms:,.0f} ms (left out of section j, as in h)")
            over_rows = measure_overview(db_path, args.repeat)
            print_table([("j. Overview: overview.compile_overview(scope)", over_rows)])
            worst_over = max(over_rows[1:-1], key=lambda r: r.p95)
            print(f"Goal: every filter p95 <= {OVERVIEW_GOAL_MS:.0f} ms: {'met' if worst_over.p95 <= OVERVIEW_GOAL_MS else 'NOT MET'}"
                  f" (worst: {worst_over.label}, {worst_over.p95:.1f} ms)")
            return 0
        t_codes = [r.code for r in Technique.select(Technique.code).where(Technique.code.startswith("SYN-")).order_by(Technique.code)]
        f_codes = [r.code for r in Facility.select(Facility.code).where(Facility.code.startswith("SYN-")).order_by(Facility.code)]
        tech = measure_search("techniques", TECHNIQUE_QUERIES, Technique, rng.sample(t_codes, min(50, len(t_codes))), args.repeat)
        fac = measure_search("facilities", FACILITY_QUERIES, Facility, rng.sample(f_codes, min(50, len(f_codes))), args.repeat)
        slowest = sorted(tech.per_query.items(), key=lambda kv: -kv[1][0])[:5]
        breakdown = search_breakdown("techniques", slowest[0][0]) if slowest else ""
        open_rows, open_base = measure_open(db_path, cold_runs=5, warm_runs=20)
        agr = measure_agreements(db_path, args.list_repeat, cold_runs=5, rng=rng)
        over = [r for r in agr.rows if r.p95 > AGREEMENT_GOAL_MS]
        to_explain = over or sorted(agr.rows[1:], key=lambda r: -r.p95)[:2]
        plans = [(r, explain(agr.cases[r.label].query)) for r in to_explain]
        ready = measure_readiness(args.readiness_repeat, args.list_repeat, args.score_passes, args.answer_calls, rng)
        listings = [r for r in ready.listing_rows[:-1] if not r.label.startswith("  all:")]  # the tab's calls
        ready_over = [r for r in listings if r.p95 > READINESS_LIST_GOAL_MS]
        ready_explain = ready_over or sorted(listings, key=lambda r: -r.p95)[:2]
        ready_plans = [(r, explain_call(ready.listing_calls[r.label])) for r in ready_explain]
        trainees = measure_trainees(args.repeat, args.import_rows, workdir, rng)  # the import adds rows
        over_rows = measure_overview(db_path, args.repeat)  # after h: its retention facts are built, as on a PC in use
        review_rows = measure_review(args.repeat, args.as_of)
        close_store()

        if args.skip_startup:
            bare_row = Row(BARE_LABEL, [], unavailable="skipped (--skip-startup)")
            app_row = Row(APP_LABEL, [], unavailable="skipped (--skip-startup)")
            where = ""
        else:
            bare_row, app_row, where = measure_startup(db_path, args.runs, args.timeout, workdir)

        # i. sync: its own 100,000-record site, then this run's copy of the big database exported whole.
        # Each export and import runs in a child process, so its memory is its own.
        sync_result = None if args.skip_sync else sync_bench.measure(
            workdir, args.sync_records, db_path, big_import=args.sync_big_import, log=lambda line: print(line, flush=True))

        # d. runs last: it installs the Vietnamese catalog, which the sections above never needed.
        pdf = contract_pdf.measure(args.pdf_runs)
        pdf_base = Row(contract_pdf.BASELINE_LABEL, pdf.baseline_ms)
        pdf_row = Row(contract_pdf.CONTRACT_LABEL, pdf.contract_ms, ratio=ratio(statistics.median(pdf.contract_ms), pdf_base.p50, "p50"),
                      note=f"{pdf.pages} pages, {pdf.size_kb:.0f} KB; first build {pdf.first_contract_ms:.0f} ms (fonts, Babel)")
        # g. likewise (the same fonts and catalog: its first build is cheaper than d's).
        rpdf = readiness_pdf.measure(args.pdf_runs)
        rpdf_base = Row(readiness_pdf.BASELINE_LABEL, rpdf.baseline_ms)
        rpdf_row = Row(readiness_pdf.REPORT_LABEL, rpdf.report_ms, ratio=ratio(statistics.median(rpdf.report_ms), rpdf_base.p50, "p50"),
                       note=f"{rpdf.pages} pages, {rpdf.size_kb:.0f} KB; first build {rpdf.first_report_ms:.0f} ms")
        rchk_row = Row(readiness_pdf.CHECKLIST_LABEL, rpdf.checklist_ms,
                       ratio=ratio(statistics.median(rpdf.checklist_ms), rpdf_base.p50, "p50"), note=f"{rpdf.checklist_pages} pages")

        print_table([
            ("a. Search: catalog(...).list_page(ListQuery(search=q, page_size=100))",
             [tech.row, tech.baseline, fac.row, fac.baseline]),
            ("b. Opening the facilities table: list_page(ListQuery(page_size=100))", [*open_rows, open_base]),
            ("c. Cold start, spawn -> READY line, wall time" + (f" ({where})" if where else ""),
             [app_row, bare_row]),
            ("d. Printing: the contract PDF, in Vietnamese", [pdf_row, pdf_base]),
            ("e. Agreements list: AgreementCatalog().list_page(...), 100 rows, newest signed first",
             [*agr.rows, agr.baseline]),
            (f"f. Readiness: scoring, the entry screen's key press, the lists ({ready.assessments:,} assessments of 60 items)",
             [*ready.score_rows, *ready.answer_rows, *ready.listing_rows, *ready.flag_rows]),
            ("g. Printing: the readiness report and blank checklist PDF, in Vietnamese", [rpdf_row, rchk_row, rpdf_base]),
            (f"h. Trainees ({trainees.staff:,} staff, {trainees.enrollments:,} trainings; the retention view has {trainees.pairs:,} "
             f"facility-technique rows, {trainees.at_risk:,} at risk)",
             [trainees.search.row, trainees.search.baseline, *trainees.retention_rows, *trainees.import_rows]),
            ("i. Sync: a full bundle made (export_bundle) and taken in by a fresh site (import_bundle), each in a child process",
             sync_rows(sync_result)),
            ("j. Overview: overview.compile_overview(scope), the first screen", over_rows),
            ("k. The 6-monthly review: review.compile_review(period, scope)", review_rows),
        ])
        print(f"Import memory: tracemalloc peak {trainees.import_peak_mb:.1f} MB while checking {args.import_rows:,} rows;"
              f" process peak RSS {trainees.import_rss_mb:.0f} MB (the whole run).")
        print("Slowest staff searches (median): " + ", ".join(
            f"{q!r} {ms:.1f} ms ({hits:,})" for q, (ms, hits) in sorted(trainees.search.per_query.items(), key=lambda kv: -kv[1][0])[:4]))
        print()
        print("Slowest technique searches (median of the timed passes):")
        for q, (ms, hits) in slowest:
            print(f"  {ms:7.1f} ms  {hits:>7,} hits  {q!r}")
        if breakdown:
            print(f"  {slowest[0][0]!r}: {breakdown}")
        print()
        print("Agreements list, " + ("queries over the goal" if over else "the two slowest queries")
              + ": each statement's own time (best of 3), its SQL and SQLite's plan:")
        for slow, lines in plans:
            print(f"  {slow.label} (p95 {slow.p95:.1f} ms)")
            for line in lines:
                print(line)
        print()
        print("Readiness lists, " + ("calls over the goal" if ready_over else "the two slowest calls")
              + ": each statement's own time (best of 3), its SQL and SQLite's plan:")
        for slow, lines in ready_plans:
            print(f"  {slow.label} (p95 {slow.p95:.1f} ms)")
            for line in lines:
                print(line)
        print()

        verdicts = [
            Verdict(f"a. technique search p95 <= {SEARCH_GOAL_MS:.0f} ms", f"{tech.row.p95:.1f} ms", tech.row.p95 <= SEARCH_GOAL_MS),
            Verdict(f"   facility search p95 <= {SEARCH_GOAL_MS:.0f} ms (same goal, smaller table)", f"{fac.row.p95:.1f} ms", fac.row.p95 <= SEARCH_GOAL_MS),
            Verdict(f"b. facilities first page <= {OPEN_GOAL_MS:.0f} ms, cold (worst of {len(open_rows[0].samples)}) and warm (p95)",
                    f"cold {open_rows[0].max:.1f} ms, warm {open_rows[1].p95:.1f} ms",
                    max(open_rows[0].max, open_rows[1].p95) <= OPEN_GOAL_MS),
        ]
        if app_row.samples and bare_row.samples:
            r = statistics.median(app_row.samples) / statistics.median(bare_row.samples)
            verdicts.append(Verdict(f"c. cold start <= {STARTUP_GOAL_RATIO:.0f}× a bare ttkbootstrap window (medians)",
                                    f"{r:.2f}× ({statistics.median(app_row.samples):.0f} vs {statistics.median(bare_row.samples):.0f} ms)",
                                    r <= STARTUP_GOAL_RATIO))
        else:
            verdicts.append(Verdict(f"c. cold start <= {STARTUP_GOAL_RATIO:.0f}× a bare ttkbootstrap window (medians)",
                                    app_row.unavailable or bare_row.unavailable, None))
        verdicts.append(Verdict(f"d. contract PDF ({contract_pdf.TECHNIQUES} techniques, {contract_pdf.TRAINEES} trainees) "
                                f"p95 <= {contract_pdf.GOAL_MS:.0f} ms", f"{pdf_row.p95:.1f} ms", pdf_row.p95 <= contract_pdf.GOAL_MS))
        worst = max(agr.rows, key=lambda r: r.p95)
        verdicts.append(Verdict(f"e. agreements list: every query p95 <= {AGREEMENT_GOAL_MS:.0f} ms ({len(agr.rows)} queries, cold and warm)",
                                f"worst: {worst.label}, {worst.p95:.1f} ms", worst.p95 <= AGREEMENT_GOAL_MS))
        all_scored = ready.score_rows[0]
        verdicts.append(Verdict(f"f. scoring {ready.assessments:,} assessments well under a second: p95 <= {SCORE_GOAL_MS:,.0f} ms",
                                f"{all_scored.p95:.1f} ms, {all_scored.p95 / SCORE_GOAL_MS:.0%} of it"
                                f" ({all_scored.p95 * 1000 / max(ready.assessments, 1):.0f} µs each)",
                                all_scored.p95 <= SCORE_GOAL_MS))
        typed = ready.answer_rows[0]
        verdicts.append(Verdict(f"   answer() round trip (a key press) p95 <= {ANSWER_GOAL_MS:.0f} ms",
                                f"{typed.p95:.1f} ms" if typed.samples else typed.unavailable,
                                typed.p95 <= ANSWER_GOAL_MS if typed.samples else None))
        worst_list = max(listings, key=lambda r: r.p95)
        verdicts.append(Verdict(f"   readiness lists: every call p95 <= {READINESS_LIST_GOAL_MS:.0f} ms ({len(listings)} calls)",
                                f"worst: {worst_list.label}, {worst_list.p95:.1f} ms", worst_list.p95 <= READINESS_LIST_GOAL_MS))
        flagged = ready.flag_rows[::2]
        worst_flag = max(flagged, key=lambda r: r.p95)
        verdicts.append(Verdict(f"   agreements pages with readiness flags p95 <= {AGREEMENT_GOAL_MS:.0f} ms (as e)",
                                f"worst: {worst_flag.label}, {worst_flag.p95:.1f} ms", worst_flag.p95 <= AGREEMENT_GOAL_MS))
        worst_pdf = max(rpdf_row.p95, rchk_row.p95)
        verdicts.append(Verdict(f"g. readiness report and blank checklist PDF ({readiness_pdf.ITEMS} items) p95 <= {readiness_pdf.GOAL_MS:.0f} ms",
                                f"report {rpdf_row.p95:.1f} ms, checklist {rchk_row.p95:.1f} ms", worst_pdf <= readiness_pdf.GOAL_MS))
        verdicts.append(Verdict(f"h. staff search p95 <= {STAFF_SEARCH_GOAL_MS:.0f} ms", f"{trainees.search.row.p95:.1f} ms",
                                trainees.search.row.p95 <= STAFF_SEARCH_GOAL_MS))
        whole = trainees.retention_rows[0]
        verdicts.append(Verdict(f"   retention view, every facility, p95 <= {RETENTION_GOAL_MS:,.0f} ms", f"{whole.p95:.1f} ms",
                                whole.p95 <= RETENTION_GOAL_MS))
        verdicts.append(Verdict(f"   {args.import_rows:,}-row Excel import <= {IMPORT_GOAL_S:.0f} s", f"{trainees.import_seconds:.1f} s,"
                                f" {trainees.import_peak_mb:.0f} MB peak (tracemalloc)", trainees.import_seconds <= IMPORT_GOAL_S))
        if sync_result is None:
            verdicts.append(Verdict("i. sync export and import", "skipped (--skip-sync)", None))
        else:
            verdicts += [Verdict(g.goal, g.value, g.met) for g in sync_result.goals()]
        worst_over = max(over_rows[1:-1], key=lambda r: r.p95)
        verdicts.append(Verdict(f"j. overview, every filter, p95 <= {OVERVIEW_GOAL_MS:.0f} ms", f"worst: {worst_over.label}, {worst_over.p95:.1f} ms",
                                worst_over.p95 <= OVERVIEW_GOAL_MS))
        worst_review = max(review_rows[:-1], key=lambda r: r.p95)
        verdicts.append(Verdict(f"k. review, every scope, p95 <= {REVIEW_GOAL_MS:,.0f} ms",
                                f"worst: {worst_review.label}, {worst_review.p95:.1f} ms", worst_review.p95 <= REVIEW_GOAL_MS))
        print("Goals:")
        width = max(len(v.goal) for v in verdicts)
        for v in verdicts:
            state = "not measured" if v.met is None else ("met" if v.met else "NOT MET")
            print(f"  {v.goal.ljust(width)}  {state:<12}  {v.value}")
        print()
        print(f"Total run time {time.perf_counter() - started:.0f} s.")
    finally:
        close_store()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
