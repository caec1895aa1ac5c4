"""The tables. Every synced record shares `Record`'s bookkeeping columns.

`id` is a UUID so two offline sites never collide; `updated_at` (UTC), `last_site`
and `change_seq` say who changed it last and in which order; `deleted` is a
tombstone so a deletion can travel to other sites like any other change; `vector`
is the record's version vector as last received from another site (services/sync).
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
    UUIDField,
)

from hospitaldesk import text
from hospitaldesk.db.connection import database

# Reference rows shipped with the app carry this site and sequence 0: every
# installation has them already, so sync never needs to send them.
REFERENCE_SITE = uuid.uuid5(uuid.NAMESPACE_URL, "https://hospitaldesk.vn/reference")
REFERENCE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://hospitaldesk.vn/ids")


def reference_id(kind: str, key: str) -> uuid.UUID:
    """Deterministic id for shipped data: the same on every site."""
    return uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{key}")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class LocalState(BaseModel):
    """Facts about this installation only (never synced): site id, change counter."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    name = CharField(max_length=200)
    applied_at = DateTimeField(default=utcnow)


class Record(BaseModel):
    id = UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)
    last_site = UUIDField(null=True)
    change_seq = IntegerField(default=0, index=True)
    # No index of its own: nearly every row is live, and such an index leads SQLite's
    # planner to walk the whole table through it (measured in tests/bench).
    deleted = BooleanField(default=False)
    # The version vector (site id -> that site's change number) the record had when it last came
    # in by sync, as JSON; "{}" for a record only ever edited here. A local edit needs no update of
    # it: the vector in force is this one plus {last_site: change_seq} when last_site is this site.
    vector = TextField(default="{}", constraints=[SQL("DEFAULT '{}'")])  # in SQL too: as migration 11 made it
    # Whether the table travels in sync bundles; a later table joins by leaving this True.
    synced = True

    def save(self, *args: Any, stamp: bool = True, **kwargs: Any) -> int:
        if stamp:
            from hospitaldesk.db import stamping

            self.updated_at = utcnow()
            self.last_site = stamping.local_site_id()
            self.change_seq = stamping.next_change_seq()
        return super().save(*args, **kwargs)

    @classmethod
    def live(cls) -> Any:
        """Rows not deleted: what every list shows."""
        return cls.select().where(cls.deleted == False)  # noqa: E712  (Peewee expression)


class CatalogRecord(Record):
    """A record found by search: `search_key` holds its folded searchable text (indexed).

    The key starts with the folded name, so ordering by it is alphabetical order too.
    """

    search_key = TextField(index=True, default="")

    def search_parts(self) -> list[Any]:
        return [getattr(self, "name", "")]

    def refresh_search_key(self) -> str:
        self.search_key = text.search_key(*self.search_parts())
        return self.search_key

    def dependents(self) -> list["CatalogRecord"]:
        """Records whose search key quotes this one (they are re-indexed when it changes)."""
        return []


class Site(Record):
    """An installation of HospitalDesk (a hospital, a Department of Health...)."""

    name = CharField(max_length=300)
    facility_id = UUIDField(null=True)  # the facility it works for, when known


class Province(CatalogRecord):
    """A province-level unit. Units abolished by the 2025 merger keep their row,
    with `valid_to` and `successor`, so old records keep the name they were signed under."""

    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)
    kind = CharField(max_length=20)  # "province" | "city"
    region = CharField(max_length=50)  # "mekong" | "southeast"
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)
    successor = ForeignKeyField("self", null=True, backref="predecessors", on_delete="RESTRICT")
    successor_id: uuid.UUID | None  # Peewee's raw foreign-key accessor, declared for the type checker

    def search_parts(self) -> list[Any]:
        successor = Province.get_or_none(Province.id == self.successor_id) if self.successor_id else None
        return [self.name, self.code, successor.name if successor else ""]

    def current(self) -> "Province":
        """Follow successor links to the unit in force today."""
        province, seen = self, {self.id}
        while province.successor_id is not None:
            nxt = Province.get_or_none(Province.id == province.successor_id)
            if nxt is None or nxt.id in seen:
                break
            seen.add(nxt.id)
            province = nxt
        return province

    def dependents(self) -> list[CatalogRecord]:
        merged: list[CatalogRecord] = list(Province.select().where(Province.successor == self.id))
        facilities = list(Facility.select().where(Facility.province.in_([self.id, *[p.id for p in merged]])))
        ids = [f.id for f in facilities]
        parties = Agreement.select().where(Agreement.party_a.in_(ids) | Agreement.party_b.in_(ids)) if ids else []
        return merged + facilities + list(parties)


class Specialty(CatalogRecord):
    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=200)
    name_en = CharField(max_length=200, default="")

    def search_parts(self) -> list[Any]:
        return [self.name, self.name_en, self.code]

    def dependents(self) -> list[CatalogRecord]:
        return list(Technique.select().where(Technique.specialty == self.id))


class Facility(CatalogRecord):
    """A hospital or health authority that gives or receives techniques."""

    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=300)
    short_name = CharField(max_length=120, default="")
    kind = CharField(max_length=30)  # see services.facilities.FACILITY_KINDS
    ownership = CharField(max_length=10, default="public")  # "public" | "private"
    province = ForeignKeyField(Province, backref="facilities", on_delete="RESTRICT")
    province_id: uuid.UUID
    address = CharField(max_length=500, default="")  # commune/ward + street: no districts since 2025
    phone = CharField(max_length=40, default="")
    notes = TextField(default="")

    def search_parts(self) -> list[Any]:
        """Its names, code, address and its province by the old and the current name."""
        province = Province.get_by_id(self.province_id)
        now = province.current()
        return [self.name, self.short_name, self.code, province.name, now.name if now.id != province.id else "", self.address]

    def dependents(self) -> list[CatalogRecord]:
        return list(Agreement.select().where((Agreement.party_a == self.id) | (Agreement.party_b == self.id)))


class Technique(CatalogRecord):
    """An advanced technique that can be transferred."""

    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=300)
    name_en = CharField(max_length=300, default="")
    specialty = ForeignKeyField(Specialty, backref="techniques", on_delete="RESTRICT")
    specialty_id: uuid.UUID
    moh_code = CharField(max_length=40, default="")  # code in Thông tư 23/2024/TT-BYT's list, when known
    needs_moh_approval = BooleanField(default=False)
    description = TextField(default="")

    def search_parts(self) -> list[Any]:
        specialty = Specialty.get_or_none(Specialty.id == self.specialty_id)
        return [self.name, self.name_en, self.code, self.moh_code, specialty.name if specialty else ""]

    def dependents(self) -> list[CatalogRecord]:
        using = AgreementTechnique.select(AgreementTechnique.agreement).where(AgreementTechnique.technique == self.id)
        return list(Agreement.select().where(Agreement.id.in_(using)))


FOUNDATION_TABLES: list[type[BaseModel]] = [LocalState, SchemaVersion, Site, Province, Specialty, Facility, Technique]


# --- technique-transfer agreements (migration 2) ----------------------------------------


class Agreement(CatalogRecord):
    """A responsibility contract between a transferring (A) and a receiving (B) facility.

    Editable while `status` is "draft". Signing freezes the contract's text into
    `frozen_json` with its SHA-256 in `content_hash`; later changes are amendments.
    """

    number = CharField(max_length=60)
    year = IntegerField()  # numbering year: numbers restart every year per site
    origin_site = UUIDField(null=True)  # the site that drew it up: numbers are unique per (site, year)
    title = CharField(max_length=500)
    level = IntegerField(default=1)  # 1: on the receiving hospital's demand; 2: regional network
    programme = CharField(max_length=40)
    party_a = ForeignKeyField(Facility, backref="agreements_given", on_delete="RESTRICT")
    party_a_id: uuid.UUID
    party_b = ForeignKeyField(Facility, backref="agreements_received", on_delete="RESTRICT")
    party_b_id: uuid.UUID
    a_representative = CharField(max_length=200, default="")
    a_position = CharField(max_length=200, default="")
    a_phone = CharField(max_length=40, default="")
    a_address = CharField(max_length=500, default="")
    a_tax_code = CharField(max_length=20, default="")
    a_bank_account = CharField(max_length=300, default="")
    b_representative = CharField(max_length=200, default="")
    b_position = CharField(max_length=200, default="")
    b_phone = CharField(max_length=40, default="")
    b_address = CharField(max_length=500, default="")
    b_tax_code = CharField(max_length=20, default="")
    b_bank_account = CharField(max_length=300, default="")
    # Clause lists: one clause per line, edited as text.
    legal_bases = TextField(default="")
    obligations_a = TextField(default="")
    obligations_b = TextField(default="")
    acceptance_criteria = TextField(default="")
    retention_terms = TextField(default="")
    term_end = DateField(null=True)
    sign_place = CharField(max_length=120, default="")
    signed_on = DateField(null=True)
    status = CharField(max_length=20, default="draft", index=True)
    status_changed_on = DateField(null=True)
    next_review = DateField(null=True, index=True)  # 6-monthly directors' review; None when not running
    frozen_json = TextField(default="")
    content_hash = CharField(max_length=64, default="")
    notes = TextField(default="")

    def search_parts(self) -> list[Any]:
        parts: list[Any] = [self.number, self.title]
        for facility_id in (self.party_a_id, self.party_b_id):
            facility = Facility.get_or_none(Facility.id == facility_id)
            if facility is not None:
                province = Province.get_or_none(Province.id == facility.province_id)
                parts += [facility.name, facility.short_name, province.name if province else ""]
        lines = (
            Technique.select(Technique.name)
            .join(AgreementTechnique, on=(AgreementTechnique.technique == Technique.id))
            .where(AgreementTechnique.agreement == self.id, AgreementTechnique.deleted == False)  # noqa: E712
        )
        return parts + [t.name for t in lines]


class Amendment(Record):
    """A phụ lục: the only way a signed agreement changes. Frozen itself once signed."""

    agreement = ForeignKeyField(Agreement, backref="amendments", on_delete="RESTRICT")
    agreement_id: uuid.UUID
    number = CharField(max_length=80)
    sequence = IntegerField()  # 1, 2, ... within its agreement
    subject = CharField(max_length=500)
    clauses = TextField(default="")  # one clause per line
    sign_place = CharField(max_length=120, default="")
    signed_on = DateField(null=True)
    status = CharField(max_length=20, default="draft")  # "draft" | "signed"
    frozen_json = TextField(default="")
    content_hash = CharField(max_length=64, default="")


class AgreementTechnique(Record):
    """A technique the agreement transfers, with its schedule and costs.

    Lines of the original contract have no `amendment`; an amendment adds lines of
    its own, and a line that `replaces` another supersedes it once the amendment is signed.
    """

    agreement = ForeignKeyField(Agreement, backref="techniques", on_delete="RESTRICT")
    agreement_id: uuid.UUID
    amendment = ForeignKeyField(Amendment, null=True, backref="techniques", on_delete="RESTRICT")
    amendment_id: uuid.UUID | None
    replaces = ForeignKeyField("self", null=True, backref="replaced_by", on_delete="RESTRICT")
    replaces_id: uuid.UUID | None
    technique = ForeignKeyField(Technique, backref="agreement_lines", on_delete="RESTRICT")
    technique_id: uuid.UUID
    position = IntegerField(default=0)
    start = DateField(null=True)
    end = DateField(null=True)
    trainees_planned = IntegerField(default=0)
    training_place = CharField(max_length=300, default="")
    duration = CharField(max_length=120, default="")
    support_mode = CharField(max_length=20, default="onsite")
    cost = IntegerField(default=0)  # VND
    payer = CharField(max_length=20, default="b")
    # Operational, not contract text: may change after signing.
    progress = CharField(max_length=20, default="not_started")
    progress_changed_on = DateField(null=True)


class AgreementEvent(Record):
    """The life of an agreement: each status change and each 6-monthly review, with date and reason."""

    agreement = ForeignKeyField(Agreement, backref="events", on_delete="RESTRICT")
    agreement_id: uuid.UUID
    kind = CharField(max_length=20)  # "status" | "review" | "progress" | "amendment"
    from_status = CharField(max_length=80, default="")  # status or progress code
    to_status = CharField(max_length=80, default="")  # status or progress code; the amendment's number
    on_date = DateField()
    reason = TextField(default="")


class Attachment(Record):
    """A file kept with an agreement (the scan of the signed paper...), copied into the data folder."""

    agreement = ForeignKeyField(Agreement, backref="attachments", on_delete="RESTRICT")
    agreement_id: uuid.UUID
    amendment = ForeignKeyField(Amendment, null=True, backref="attachments", on_delete="RESTRICT")
    amendment_id: uuid.UUID | None
    file_name = CharField(max_length=300)  # the name the user chose, for display
    stored_name = CharField(max_length=300)  # under the attachments folder: "<sha256>.<ext>"
    sha256 = CharField(max_length=64)
    size = IntegerField()
    description = CharField(max_length=500, default="")


AGREEMENT_TABLES: list[type[BaseModel]] = [Agreement, Amendment, AgreementTechnique, AgreementEvent, Attachment]


# --- readiness checklists (migration 4) ---------------------------------------------------


class ChecklistTemplate(Record):
    """The readiness checklist of a technique, in versions: an assessment keeps the version it used,
    so changing the list later never changes a finished assessment."""

    technique = ForeignKeyField(Technique, backref="checklists", on_delete="RESTRICT")
    technique_id: uuid.UUID
    version = IntegerField(default=1)
    notes = TextField(default="")


class TemplateItem(Record):
    template = ForeignKeyField(ChecklistTemplate, backref="items", on_delete="RESTRICT")
    template_id: uuid.UUID
    position = IntegerField(default=0)
    code = CharField(max_length=20)
    domain = CharField(max_length=30)  # see services.readiness_terms.DOMAINS
    text = CharField(max_length=300)
    quantity = IntegerField(default=1)
    critical = BooleanField(default=False)
    weight = IntegerField(default=1)
    available_means = CharField(max_length=300, default="")  # what counts as "available"
    equipment_category = CharField(max_length=60, default="")  # links the item to inventory rows


class EquipmentItem(CatalogRecord):
    """A device in a facility's equipment inventory."""

    facility = ForeignKeyField(Facility, backref="equipment", on_delete="RESTRICT")
    facility_id: uuid.UUID
    name = CharField(max_length=300)
    category = CharField(max_length=60, default="")
    model = CharField(max_length=200, default="")
    serial = CharField(max_length=100, default="")
    department = CharField(max_length=200, default="")
    year = IntegerField(null=True)
    funding_source = CharField(max_length=40, default="")
    status = CharField(max_length=20, default="working")  # working | broken | maintenance | retired
    last_maintenance = DateField(null=True)
    notes = TextField(default="")

    def search_parts(self) -> list[Any]:
        return [self.name, self.model, self.serial, self.department]


class Assessment(Record):
    """A readiness assessment of a facility for a technique: a draft until finalised, then frozen."""

    facility = ForeignKeyField(Facility, backref="assessments", on_delete="RESTRICT")
    facility_id: uuid.UUID
    technique = ForeignKeyField(Technique, backref="assessments", on_delete="RESTRICT")
    technique_id: uuid.UUID
    template = ForeignKeyField(ChecklistTemplate, backref="assessments", on_delete="RESTRICT")
    template_id: uuid.UUID
    agreement = ForeignKeyField(Agreement, null=True, backref="assessments", on_delete="RESTRICT")
    agreement_id: uuid.UUID | None
    assessed_on = DateField(index=True)
    assessors = TextField(default="")  # one name per line
    status = CharField(max_length=20, default="draft")  # draft | final
    # The score as last computed (kept for fast lists; recomputed on every answer).
    readiness_index = FloatField(null=True)  # not `index`: Peewee models have an index() method
    ready = BooleanField(default=False)
    threshold = FloatField(default=0.8)
    critical_missing = IntegerField(default=0)
    notes = TextField(default="")


class AssessmentAnswer(Record):
    assessment = ForeignKeyField(Assessment, backref="answers", on_delete="RESTRICT")
    assessment_id: uuid.UUID
    item = ForeignKeyField(TemplateItem, backref="answers", on_delete="RESTRICT")
    item_id: uuid.UUID
    answer = CharField(max_length=10, default="")  # yes | partly | no | na | "" (not answered yet)
    quantity = IntegerField(null=True)  # how many were found
    note = CharField(max_length=500, default="")


class GapAction(Record):
    """What must be done about an item found missing: who, by when, at what cost, paid by whom."""

    assessment = ForeignKeyField(Assessment, backref="gaps", on_delete="RESTRICT")
    assessment_id: uuid.UUID
    item = ForeignKeyField(TemplateItem, backref="gaps", on_delete="RESTRICT")
    item_id: uuid.UUID
    owner = CharField(max_length=200, default="")
    due = DateField(null=True, index=True)
    cost = IntegerField(default=0)  # estimated, VND
    funding_source = CharField(max_length=40, default="")
    status = CharField(max_length=20, default="open")  # open | in_progress | done | cancelled
    closed_on = DateField(null=True)
    note = TextField(default="")


READINESS_TABLES: list[type[BaseModel]] = [ChecklistTemplate, TemplateItem, EquipmentItem, Assessment, AssessmentAnswer, GapAction]


class Staff(CatalogRecord):
    """A person on a facility's staff: who is trained in a technique, and whether they stayed."""

    facility = ForeignKeyField(Facility, backref="staff", on_delete="RESTRICT")
    facility_id: uuid.UUID
    full_name = CharField(max_length=200)
    birth_date = DateField(null=True)
    sex = CharField(max_length=10, default="")  # female | male | ""
    profession = CharField(max_length=30, default="")  # doctor | nurse | technician | midwife | pharmacist | other
    qualification = CharField(max_length=200, default="")  # e.g. "BS.CKI Nhi khoa"
    department = CharField(max_length=200, default="")
    phone = CharField(max_length=30, default="")
    national_id = CharField(max_length=12, default="", index=True)  # CCCD, 12 digits, optional
    employment_start = DateField(null=True)
    status = CharField(max_length=20, default="working")  # working | on_leave | left
    notes = TextField(default="")

    def search_parts(self) -> list[Any]:
        return [self.full_name, self.national_id, self.phone, self.department, self.qualification]


class StaffDeparture(Record):
    """A time a person left the facility (and, if they came back, when)."""

    staff = ForeignKeyField(Staff, backref="departures", on_delete="RESTRICT")
    staff_id: uuid.UUID
    left_on = DateField()
    reason = CharField(max_length=30, default="")  # income | family | study | retirement | transfer | other
    destination_facility = ForeignKeyField(Facility, null=True, backref="arrivals", on_delete="RESTRICT")
    destination_facility_id: uuid.UUID | None
    destination_name = CharField(max_length=300, default="")  # typed when not in the facilities list
    destination_kind = CharField(max_length=20, default="")  # public | private | abroad | other | ""
    still_performs = BooleanField(null=True)  # still performs the technique in the region
    returned_on = DateField(null=True)
    notes = TextField(default="")


class Enrollment(Record):
    """A person trained (or to be trained) in a technique, usually under an agreement, with the
    commitment to serve afterwards (cam kết)."""

    staff = ForeignKeyField(Staff, backref="enrollments", on_delete="RESTRICT")
    staff_id: uuid.UUID
    agreement = ForeignKeyField(Agreement, null=True, backref="enrollments", on_delete="RESTRICT")
    agreement_id: uuid.UUID | None
    technique = ForeignKeyField(Technique, backref="enrollments", on_delete="RESTRICT")
    technique_id: uuid.UUID
    place = CharField(max_length=20, default="")  # onsite | at_a | remote (as the agreement's support modes)
    start_on = DateField(null=True)
    end_on = DateField(null=True)
    status = CharField(max_length=20, default="planned")  # planned | in_training | completed | certified | dropped
    result = CharField(max_length=300, default="")
    certificate_number = CharField(max_length=60, default="")
    certificate_date = DateField(null=True)
    commitment_years = IntegerField(null=True)  # years to serve after the training ends
    commitment_signed_on = DateField(null=True)
    reimbursement = TextField(default="")  # the clause: what is repaid when leaving early
    training_cost = IntegerField(null=True)  # VND, what the reimbursement is computed from
    notes = TextField(default="")


TRAINEE_TABLES: list[type[BaseModel]] = [Staff, StaffDeparture, Enrollment]


# --- case logs and regional specialty networks (migration 12) ------------------------------


class CaseLog(Record):
    """A month of a technique at a facility: cases done with the transferring hospital's support, cases
    done independently, and patients still sent to HCMC for it. Counts only: no patient is named.
    One live row per facility, technique and month (services/case_logs.py holds that rule)."""

    facility = ForeignKeyField(Facility, backref="case_logs", on_delete="RESTRICT")
    facility_id: uuid.UUID
    technique = ForeignKeyField(Technique, backref="case_logs", on_delete="RESTRICT")
    technique_id: uuid.UUID
    month = DateField()  # always the first day of the month
    cases_with_support = IntegerField(default=0)
    cases_independent = IntegerField(default=0)
    referred_to_hcmc = IntegerField(default=0)


class Network(Record):
    """A regional specialty network (level 2 in the 2023 plan): hubs at HCMC, member hospitals in the
    provinces, and the techniques each member offers or plans (services/networks.py)."""

    specialty = ForeignKeyField(Specialty, backref="networks", on_delete="RESTRICT")
    specialty_id: uuid.UUID
    name = CharField(max_length=300)
    level = IntegerField(default=2)  # level 2: a regional network (level 1 is a hospital's own demand)
    notes = TextField(default="")


class NetworkHub(Record):
    """An HCMC end-line hospital leading a network."""

    network = ForeignKeyField(Network, backref="hubs", on_delete="RESTRICT")
    network_id: uuid.UUID
    facility = ForeignKeyField(Facility, backref="network_hubs", on_delete="RESTRICT")
    facility_id: uuid.UUID


class NetworkMember(Record):
    """A member hospital and one technique it offers, or plans to offer by `planned_year`."""

    network = ForeignKeyField(Network, backref="members", on_delete="RESTRICT")
    network_id: uuid.UUID
    facility = ForeignKeyField(Facility, backref="network_members", on_delete="RESTRICT")
    facility_id: uuid.UUID
    technique = ForeignKeyField(Technique, backref="network_members", on_delete="RESTRICT")
    technique_id: uuid.UUID
    status = CharField(max_length=10, default="plans")  # offers | plans
    planned_year = IntegerField(null=True)  # when a planned technique should start


NETWORK_TABLES: list[type[BaseModel]] = [CaseLog, Network, NetworkHub, NetworkMember]


# --- the 6-monthly review (migration 13) -----------------------------------------------------------


class Review(Record):
    """A 6-monthly review report (báo cáo sơ kết) being written: its period and scope (one facility, one
    province, or neither: the region), the document's header and the narrative the compiled figures are
    printed with (services/review_drafts.py). The figures themselves are never stored: they are compiled
    from the records each time, so they are always those of the day of printing."""

    period_start = DateField()
    period_end = DateField()
    province = ForeignKeyField(Province, null=True, backref="reviews", on_delete="RESTRICT")
    province_id: uuid.UUID | None
    facility = ForeignKeyField(Facility, null=True, backref="reviews", on_delete="RESTRICT")
    facility_id: uuid.UUID | None
    issuer_parent = CharField(max_length=300, default="")  # "UBND TỈNH CÀ MAU"
    issuer = CharField(max_length=300, default="")  # "SỞ Y TẾ"
    number = CharField(max_length=60, default="")  # "15/BC-SYT"; "" prints dots to fill in by hand
    place = CharField(max_length=120, default="")
    issued_on = DateField(null=True)
    results = TextField(default="")  # one paragraph per line, like the contract's clauses
    difficulties = TextField(default="")
    plans = TextField(default="")
    proposals_committee = TextField(default="")  # to the provincial People's Committee
    proposals_ministry = TextField(default="")  # to the Ministry of Health
    signer_title = CharField(max_length=200, default="")
    signer_name = CharField(max_length=200, default="")
    recipients = TextField(default="")  # one per line


REVIEW_TABLES: list[type[BaseModel]] = [Review]
# Every table of records people write, in the order they were added: what sync carries and the audit log watches.
RECORD_TABLES: list[type[BaseModel]] = [*FOUNDATION_TABLES, *AGREEMENT_TABLES, *READINESS_TABLES, *TRAINEE_TABLES, *NETWORK_TABLES,
                                        *REVIEW_TABLES]


class RetentionFact(BaseModel):
    """Derived, never synced: a person trained in a technique (under an agreement), with the days
    retention is read on and whether they were working there on each. Rebuilt from the person's
    records whenever a trigger marks them stale (services/retention_facts.py), so the region's view
    sums 200,000 of these instead of re-deriving them (tests/bench, section h)."""

    staff = UUIDField()
    technique = UUIDField()
    agreement = UUIDField(null=True)
    facility = UUIDField()
    first = BooleanField()  # the person's earliest training in the technique: what the unfiltered view counts
    started = DateField(null=True)  # employment start
    trained_on = DateField()
    moved = BooleanField()  # has left at least once: "working today" must look at the departures
    at6 = DateField()
    kept6 = BooleanField()
    at12 = DateField()
    kept12 = BooleanField()
    at24 = DateField()
    kept24 = BooleanField()


class RetentionStale(BaseModel):
    """People whose retention facts must be rebuilt; filled by triggers on every change to their
    trainings, employment or departures, whoever makes it (a form, an import, sync)."""

    staff = UUIDField(primary_key=True)


RETENTION_TABLES: list[type[BaseModel]] = [RetentionFact, RetentionStale]


class Account(BaseModel):
    """A person who signs in on this installation. Never synced: each PC keeps its own accounts,
    and a password hash never leaves it (services/accounts.py)."""

    id = UUIDField(primary_key=True, default=uuid.uuid4)
    username = CharField(max_length=40, unique=True)  # lower case, no accents: "hanh.nguyen"
    full_name = CharField(max_length=200)
    role = CharField(max_length=20)  # see services.accounts.ROLES
    password_hash = TextField()  # argon2id, with its parameters (PHC string)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    password_changed_at = DateTimeField(default=utcnow)
    failed_logins = IntegerField(default=0)  # wrong passwords in a row; reset by a right one
    blocked_until = DateTimeField(null=True)  # no attempt accepted before this (UTC), after too many wrong ones


ACCOUNT_TABLES: list[type[BaseModel]] = [Account]


class SyncSecret(BaseModel):
    """This site's private keys. Apart from LocalState because settings are written to the audit
    log with their values, and a private key must never be."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class SyncPeer(BaseModel):
    """A site whose bundles this installation accepts (local: each site chooses whom it trusts)."""

    site_id = CharField(primary_key=True, max_length=36)
    name = CharField(max_length=300)
    signing_key = CharField(max_length=64)  # base64 of the raw Ed25519 public key
    encryption_key = CharField(max_length=64)  # base64 of the raw X25519 public key
    fingerprint = CharField(max_length=64)  # what people read to each other over the phone
    trusted_at = DateTimeField(default=utcnow)
    trusted_by = CharField(max_length=40, default="")


class SyncBundle(BaseModel):
    """A bundle made here or taken in here: the history, and how a re-import is recognised."""

    id = CharField(primary_key=True, max_length=36)  # the bundle's own id, from its manifest
    sha256 = CharField(max_length=64, index=True)  # of the file as sent
    direction = CharField(max_length=3)  # "out" | "in"
    peer_site = CharField(max_length=36, default="")  # the recipient (out, "" for a full bundle) or the sender (in)
    peer_name = CharField(max_length=300, default="")
    created_at = DateTimeField()  # when the sending site made it (UTC)
    recorded_at = DateTimeField(default=utcnow)
    seq_to = IntegerField(default=0)  # out: this site's change number the bundle reaches
    counts = TextField(default="{}")  # JSON: per table, records (out) or new/updated/deleted/conflicts (in)
    audit_head = CharField(max_length=80, default="")  # the sender's audit-log head, "seq:hash"
    file_name = CharField(max_length=300, default="")
    by_user = CharField(max_length=40, default="")


class SyncConflict(BaseModel):
    """Two versions of a record made at two sites without either knowing the other. Both are kept
    here; the record holds the deterministic winner until a person decides."""

    id = IntegerField(primary_key=True)
    table_name = CharField(max_length=64)
    record_id = CharField(max_length=36, index=True)
    mine = TextField()  # JSON of the version this site had
    theirs = TextField()  # JSON of the version that came in
    winner = CharField(max_length=6)  # "mine" | "theirs": what the record shows meanwhile
    bundle_id = CharField(max_length=36)
    detected_at = DateTimeField(default=utcnow)
    resolved_at = DateTimeField(null=True)
    resolution = CharField(max_length=10, default="")  # "mine" | "theirs" | "fields" | "superseded"
    resolved_by = CharField(max_length=40, default="")


SYNC_TABLES: list[type[BaseModel]] = [SyncSecret, SyncPeer, SyncBundle, SyncConflict]
