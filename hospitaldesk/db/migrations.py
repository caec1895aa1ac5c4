"""Ordered schema migrations. Each capability appends its own step; never edit a
step that has shipped. Steps run in one transaction each, after a backup."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from peewee import SqliteDatabase

from hospitaldesk.db import audit
from hospitaldesk.db.backup import copy_database
from hospitaldesk.db.connection import full_check
from hospitaldesk.db.models import (
    ACCOUNT_TABLES,
    AGREEMENT_TABLES,
    FOUNDATION_TABLES,
    NETWORK_TABLES,
    READINESS_TABLES,
    RETENTION_TABLES,
    REVIEW_TABLES,
    SYNC_TABLES,
    TRAINEE_TABLES,
    Agreement,
    Record,
    EquipmentItem,
    Facility,
    Province,
    SchemaVersion,
    Specialty,
    Staff,
    Technique,
)
from hospitaldesk.db.search import create_search_index, drop_search_index
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _

Step = Callable[[SqliteDatabase], None]


def _m1_foundation(db: SqliteDatabase) -> None:
    db.create_tables(FOUNDATION_TABLES)
    for model in (Province, Specialty, Facility, Technique):
        create_search_index(db, model)


def _m2_agreements(db: SqliteDatabase) -> None:
    db.create_tables(AGREEMENT_TABLES)
    create_search_index(db, Agreement)


def _m3_agreement_list_indexes(db: SqliteDatabase) -> None:
    """The agreements list sorts by signing date, drafts first: an index on that very expression
    (with the columns the count needs) turns a 20,000-row sort into an index walk (tests/bench, section e)."""
    db.execute_sql(
        "CREATE INDEX agreement_list_order ON agreement "
        "(COALESCE(signed_on, '9999-12-31') DESC, id, deleted, party_a_id, party_b_id)"
    )
    db.execute_sql("CREATE INDEX agreement_status_order ON agreement (status, COALESCE(signed_on, '9999-12-31') DESC, id)")


def _m4_readiness(db: SqliteDatabase) -> None:
    db.create_tables(READINESS_TABLES)
    create_search_index(db, EquipmentItem)
    # The latest assessment of a facility for a technique is what warnings look at.
    db.execute_sql("CREATE INDEX assessment_latest ON assessment (facility_id, technique_id, status, assessed_on DESC)")


def _m5_trainees(db: SqliteDatabase) -> None:
    db.create_tables(TRAINEE_TABLES)
    create_search_index(db, Staff)
    # Retention and the at-risk list read enrollments by technique and status, the staff card by person.
    db.execute_sql("CREATE INDEX enrollment_technique_status ON enrollment (technique_id, status, deleted)")
    # Retention groups every training by person and technique: this index walks them in that order, covering.
    db.execute_sql("CREATE INDEX enrollment_trained ON enrollment (staff_id, technique_id, status, deleted, end_on, certificate_date)")
    db.execute_sql("CREATE INDEX staff_facility_status ON staff (facility_id, status, deleted)")


# What makes a person's retention facts stale: each statement names the staff id(s) a change touches.
_STALE_TRIGGERS = {
    "enrollment": {"INSERT": ["new.staff_id"], "UPDATE": ["old.staff_id", "new.staff_id"], "DELETE": ["old.staff_id"]},
    "staff_departure": {"INSERT": ["new.staff_id"], "UPDATE": ["old.staff_id", "new.staff_id"], "DELETE": ["old.staff_id"]},
    "staff": {"UPDATE OF facility_id, employment_start, deleted": ["new.id"], "DELETE": ["old.id"]},
}


def _m6_retention_facts(db: SqliteDatabase) -> None:
    """Retention's per-person facts and the triggers that mark them stale (services/retention_facts.py):
    the region's view then sums facts instead of re-deriving 200,000 trainings (tests/bench, section h)."""
    db.create_tables(RETENTION_TABLES)
    # The region's view walks this index in group order without touching the table or sorting.
    db.execute_sql("CREATE INDEX retention_fact_view ON retention_fact (first, facility, technique, started, moved, staff, "
                   "at6, kept6, at12, kept12, at24, kept24)")
    db.execute_sql("CREATE INDEX retention_fact_staff ON retention_fact (staff)")
    db.execute_sql("CREATE INDEX retention_fact_agreement ON retention_fact (agreement)")
    for table, events in _STALE_TRIGGERS.items():
        for event, ids in events.items():
            name = f"{table}_retention_stale_{event.split()[0].lower()}"
            marks = " ".join(f"INSERT OR IGNORE INTO retention_stale (staff) VALUES ({i});" for i in ids)
            db.execute_sql(f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" BEGIN {marks} END')
    db.execute_sql("INSERT OR IGNORE INTO retention_stale (staff) SELECT DISTINCT staff_id FROM enrollment")


# The trained staff a checklist requires: its critical human-resources items (services/retention.py).
REQUIRED_STAFF_WHERE = "domain = 'human_resources' AND critical = 1 AND deleted = 0"


def _m7_required_staff_index(db: SqliteDatabase) -> None:
    """A partial index over the few checklist items that say how many trained people a technique needs
    (12,000 of 270,000 on the benchmark's database), so the retention view reads those alone."""
    db.execute_sql(f"CREATE INDEX template_item_required_staff ON template_item (template_id, quantity) WHERE {REQUIRED_STAFF_WHERE}")


def _m8_word_start_search(db: SqliteDatabase) -> None:
    """Search indexes that find two-letter words at a word's start (db/search.py): rebuilt for every
    searchable table, from the keys already stored."""
    for model in (Province, Specialty, Facility, Technique, Agreement, EquipmentItem, Staff):
        drop_search_index(db, model)
        create_search_index(db, model)


def _m9_accounts(db: SqliteDatabase) -> None:
    db.create_tables(ACCOUNT_TABLES)


def _m10_audit_log(db: SqliteDatabase) -> None:
    """The hash-chained audit log and the triggers that write it (db/audit.py). Entries start here:
    what was written before has no entries, and the log's first entry says so."""
    for statement in audit.CREATE_LOG:
        db.execute_sql(statement)
    audit.refresh_triggers(db)
    audit.create_setting_triggers(db)
    token = audit.begin()
    audit.record("log_started", details={"schema_version": 10})
    audit.seal(token)


def _m11_sync(db: SqliteDatabase) -> None:
    """Version vectors on every synced record, trusted peers, the bundles' history and conflicts.
    Databases made by this release already have the column (models.Record), older ones get it here."""
    for model in (*FOUNDATION_TABLES, *AGREEMENT_TABLES, *READINESS_TABLES, *TRAINEE_TABLES):
        if not issubclass(model, Record):
            continue
        table = model._meta.table_name
        columns = {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}
        if "vector" not in columns:
            db.execute_sql(f"ALTER TABLE \"{table}\" ADD COLUMN vector TEXT NOT NULL DEFAULT '{{}}'")
    db.create_tables(SYNC_TABLES)


def _m12_networks(db: SqliteDatabase) -> None:
    """Case logs and regional specialty networks, audited like every synced table (db/audit.py)."""
    db.create_tables(NETWORK_TABLES)
    # A facility's outcomes read its months of one technique in order.
    db.execute_sql("CREATE INDEX case_log_month ON case_log (facility_id, technique_id, month)")
    db.execute_sql("CREATE INDEX network_member_technique ON network_member (technique_id, status)")
    for model in NETWORK_TABLES:
        audit.create_triggers(db, model)


def _m13_reviews(db: SqliteDatabase) -> None:
    """The 6-monthly reviews being written, audited and synced like every record."""
    db.create_tables(REVIEW_TABLES)
    for model in REVIEW_TABLES:
        audit.create_triggers(db, model)


# The latest finalised assessment of a facility for a technique, newest first: the order readiness_warnings
# reads it in (services/readiness_warnings.py LATEST_ORDER), the columns it needs in the index itself.
LATEST_ASSESSMENT_INDEX = ("facility_id, technique_id, status, deleted, assessed_on DESC, created_at DESC, id DESC, ready, "
                           "readiness_index, critical_missing")
# The technique lines readiness watches (services/readiness_warnings.py WATCHED_PROGRESS), as the partial
# index's WHERE: a query names it word for word to use the index.
WATCHED_LINES_WHERE = "deleted = 0 AND progress IN ('not_started', 'training')"
# When a commitment to serve ends, as SQL (services/retention.py reads through this very expression, word for word).
COMMITMENT_END_SQL = "date(COALESCE(end_on, certificate_date), printf('+%d years', commitment_years))"


def _m14_overview_indexes(db: SqliteDatabase) -> None:
    """Covering indexes for the overview (the first screen, tests/bench section j): an agreement row holds its
    signed text (12 KB), so counting, the reviews and the watched lines read these instead of 20,000 rows;
    the technique lines and the latest assessments are probed without touching their tables; the
    commitments ending soon are a range of their end date; the open gap actions a range of their due date."""
    db.execute_sql("CREATE INDEX agreement_overview ON agreement (status, deleted, next_review, party_a_id, party_b_id, number, id)")
    # Partial: only the lines readiness watches, so no other reading of an agreement's lines changes its plan
    # (nor the order they come in: Agreement.search_parts reads them unordered).
    db.execute_sql("CREATE INDEX agreement_technique_watch ON agreement_technique "
                   f"(agreement_id, deleted, progress, technique_id, amendment_id, replaces_id, id) WHERE {WATCHED_LINES_WHERE}")
    db.execute_sql(f"CREATE INDEX assessment_final_latest ON assessment ({LATEST_ASSESSMENT_INDEX})")
    db.execute_sql("DROP INDEX assessment_latest")  # migration 4's, a prefix of the one above
    db.execute_sql("CREATE INDEX assessment_live ON assessment (id, deleted)")  # gap actions join 35,000 times
    db.execute_sql(f"CREATE INDEX enrollment_commitment_end ON enrollment ({COMMITMENT_END_SQL}, deleted, status, staff_id, "
                   "technique_id, end_on, certificate_date, commitment_years, id) WHERE commitment_years IS NOT NULL")
    # Retention's at-risk pairs (services/retention.py below_need): the trained per pair, then the few not working.
    db.execute_sql("CREATE INDEX retention_fact_pair ON retention_fact (first, facility, technique)")
    db.execute_sql("CREATE INDEX retention_fact_moved ON retention_fact (first, moved, staff, facility, technique)")
    db.execute_sql("CREATE INDEX retention_fact_started ON retention_fact (first, started, facility, technique)")
    # Due first, then id: the gap list's order (it stops at its first 500), and the overdue count a covering range.
    db.execute_sql("CREATE INDEX gap_action_open_due ON gap_action (due, id, status, deleted, assessment_id, cost)")


def _m15_review_indexes(db: SqliteDatabase) -> None:
    """Covering indexes for the 6-monthly review of a region (tests/bench section k): the agreements signed in a
    period (an agreement row holds its 12 KB signed text), the case logs of a range of months, and the people
    trained by a day (read with the facts' columns the review needs)."""
    db.execute_sql("CREATE INDEX agreement_signed ON agreement (signed_on, status, deleted, id, number, party_a_id, party_b_id)")
    db.execute_sql("CREATE INDEX case_log_by_month ON case_log (month, deleted, facility_id, technique_id, updated_at, "
                   "cases_with_support, cases_independent, referred_to_hcmc)")
    db.execute_sql("CREATE INDEX retention_fact_trained ON retention_fact (first, trained_on, staff, technique, facility, started, moved)")


def _m16_staff_live_index(db: SqliteDatabase) -> None:
    """A covering index of whether each person is live, still here, and where: the overview's commitments
    ending soon join 5,000 enrollments of the region to their person, and a staff row is wide (notes,
    search key); the names are read for the 200 shown only (services/retention.py)."""
    db.execute_sql("CREATE INDEX staff_live ON staff (id, deleted, status, facility_id)")


# Two live case logs for one facility, technique and month ("twins": entered at two sites before a sync).
CASE_LOG_TWIN_WHEN = ("new.deleted = 0 AND EXISTS (SELECT 1 FROM case_log o WHERE o.facility_id = new.facility_id "
                      "AND o.technique_id = new.technique_id AND o.month = new.month AND o.deleted = 0 AND o.id != new.id)")


def _m17_case_log_twins(db: SqliteDatabase) -> None:
    """The months that have (or had) twin case logs, noted by triggers when a live row joins another, by
    whatever path (a form, sync, another program): the sums (services/case_outcomes.py) then look up the
    few twins instead of grouping a region's 80,000 rows to find them. A note is never removed: one whose
    twin was since deleted costs a lookup, and the lookup checks."""
    db.execute_sql("CREATE TABLE case_log_twin (facility_id TEXT NOT NULL, technique_id TEXT NOT NULL, month DATE NOT NULL, "
                   "PRIMARY KEY (facility_id, technique_id, month)) WITHOUT ROWID")
    note = "INSERT OR IGNORE INTO case_log_twin (facility_id, technique_id, month) VALUES (new.facility_id, new.technique_id, new.month);"
    db.execute_sql(f"CREATE TRIGGER case_log_twin_insert AFTER INSERT ON case_log WHEN {CASE_LOG_TWIN_WHEN} BEGIN {note} END")
    db.execute_sql("CREATE TRIGGER case_log_twin_update AFTER UPDATE OF facility_id, technique_id, month, deleted ON case_log "
                   f"WHEN {CASE_LOG_TWIN_WHEN} BEGIN {note} END")
    db.execute_sql("INSERT INTO case_log_twin (facility_id, technique_id, month) SELECT facility_id, technique_id, month "
                   "FROM case_log WHERE deleted = 0 GROUP BY facility_id, technique_id, month HAVING COUNT(*) > 1")
    # A province's, a partner's or a specialty's sums (the overview's filters): their logs are ranges of these
    # indexes, where the month index (migration 15) would test each of the region's rows against the filter.
    for first, second in (("technique_id", "facility_id"), ("facility_id", "technique_id")):
        db.execute_sql(f"CREATE INDEX case_log_by_{first[:-3]} ON case_log ({first}, month, deleted, {second}, updated_at, "
                       "cases_with_support, cases_independent, referred_to_hcmc)")


def _m18_retention_pairs(db: SqliteDatabase) -> None:
    """How many people each facility has trained in each technique and how many of them are not working on a
    day, kept beside the retention facts (services/retention_facts.py recounts the pairs a refresh touches,
    and all of them for another day), and covering indexes for the rest of
    the overview's staff below need: the current checklist of a technique, and the people away on a day."""
    db.execute_sql("CREATE TABLE retention_pair (facility TEXT NOT NULL, technique TEXT NOT NULL, trained INTEGER NOT NULL, "
                   "absent INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (facility, technique)) WITHOUT ROWID")
    # The day the pairs' `absent` (trained, not working that day) are counted for: none yet, so the first reading counts.
    db.execute_sql("CREATE TABLE retention_pair_day (id INTEGER PRIMARY KEY CHECK (id = 1), day DATE NOT NULL)")
    db.execute_sql("INSERT INTO retention_pair (facility, technique, trained) SELECT facility, technique, COUNT(*) "
                   "FROM retention_fact WHERE first = 1 GROUP BY facility, technique")
    db.execute_sql("CREATE INDEX checklist_template_current ON checklist_template (technique_id, deleted, version, id)")
    db.execute_sql("CREATE INDEX staff_departure_away ON staff_departure (deleted, left_on, returned_on, staff_id)")


def _m19_specialty_techniques(db: SqliteDatabase) -> None:
    """A specialty's techniques read from an index alone: the overview filtered by a specialty lists its
    4,000 techniques in six of its parts, each a table row per technique without this (6 ms each)."""
    db.execute_sql("CREATE INDEX technique_of_specialty ON technique (specialty_id, id)")


def _m20_watched_lines_by_agreement(db: SqliteDatabase) -> None:
    """Migration 14's index of the watched technique lines, keyed by the agreement alone: its WHERE already
    says the lines are live and not yet trained, so an agreement's lines are one seek, not one per progress
    (the overview's 12,000 watched agreements: 24,000 seeks became 12,000)."""
    db.execute_sql("DROP INDEX agreement_technique_watch")
    db.execute_sql("CREATE INDEX agreement_technique_watch ON agreement_technique "
                   f"(agreement_id, technique_id, amendment_id, replaces_id, id, deleted, progress) WHERE {WATCHED_LINES_WHERE}")


MIGRATIONS: list[tuple[int, str, Step]] = [
    (1, "foundation: sites, provinces, specialties, facilities, techniques", _m1_foundation),
    (2, "agreements: contracts, techniques, amendments, events, attachments", _m2_agreements),
    (3, "agreements: indexes for the list's order", _m3_agreement_list_indexes),
    (4, "readiness: checklist templates, equipment inventory, assessments, gap actions", _m4_readiness),
    (5, "trainees: staff, departures, training enrollments and commitments", _m5_trainees),
    (6, "trainees: retention facts per person, kept up to date by triggers", _m6_retention_facts),
    (7, "readiness: index of the checklist items that count required staff", _m7_required_staff_index),
    (8, "search: two-letter words found at the start of a word, through the index", _m8_word_start_search),
    (9, "accounts: people who sign in, their roles and password hashes", _m9_accounts),
    (10, "audit log: every change and event, hash-chained, written by triggers", _m10_audit_log),
    (11, "sync: version vectors, trusted peers, bundles sent and received, conflicts", _m11_sync),
    (12, "networks: case logs, regional specialty networks, their hubs and members", _m12_networks),
    (13, "reviews: the 6-monthly review reports being written", _m13_reviews),
    (14, "overview: covering indexes for the first screen's counts and lists", _m14_overview_indexes),
    (15, "review: covering indexes for a region's 6-monthly review", _m15_review_indexes),
    (16, "overview: a covering index of the staff who are still here", _m16_staff_live_index),
    (17, "case logs: the months logged twice, noted by triggers; indexes by facility and by technique", _m17_case_log_twins),
    (18, "trainees: the trained per facility and technique, kept beside the retention facts", _m18_retention_pairs),
    (19, "techniques: an index of each specialty's techniques", _m19_specialty_techniques),
    (20, "agreements: the watched technique lines found by their agreement alone", _m20_watched_lines_by_agreement),
]
LATEST_VERSION = MIGRATIONS[-1][0]


def current_version(db: SqliteDatabase) -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: SqliteDatabase, db_path: Path | None, backup_dir: Path) -> Path | None:
    """Bring the schema up to date. Returns the path of the pre-migration backup, if one was made."""
    version = current_version(db)
    pending = [m for m in MIGRATIONS if m[0] > version]
    if not pending:
        return None
    backup_path: Path | None = None
    if version > 0 and db_path is not None:
        problems = full_check(db)
        if problems:
            raise StoreError(
                _("The database {path} is damaged ({detail}). Restore it from a backup in Settings.").format(
                    path=db_path, detail="; ".join(problems[:3])
                )
            )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = backup_dir / f"{db_path.stem}-before-v{pending[0][0]}-{stamp}.sqlite3"
        copy_database(db_path, backup_path)
    for number, name, step in pending:
        with db.atomic():
            step(db)
            SchemaVersion.create(version=number, name=name)
    return backup_path
