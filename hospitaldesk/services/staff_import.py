"""Import staff and their trainings from a spreadsheet (.xlsx or CSV): all or nothing.

One row is a person, with or without one training (a person trained twice is on two rows).
Every row is checked before anything is written; with any error nothing is written and the
report lists each one (row, column, value, what to do). Rows naming a person already recorded
(same CCCD, or same name and date of birth at the facility) are matched to that person, not
added again, and shown as such; their training is added unless it is already there.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.bulk import insert_stamped
from hospitaldesk.db.connection import atomic, database
from hospitaldesk.db.rows import CHUNK, date_value, id_text, raw_rows
from hospitaldesk.db.search import where_matches
from hospitaldesk.db.models import Agreement, Enrollment, Facility, Staff, Technique
from hospitaldesk.errors import ValidationError
from hospitaldesk.i18n import N_, _, current_language, load_translations, parse_date
from hospitaldesk.db import audit
from hospitaldesk.services import authority, enrollments
from hospitaldesk.services import trainee_terms as terms
from hospitaldesk.services.forms import validate
from hospitaldesk.services.staff import STAFF_FIELDS, StaffCatalog, date_errors
from hospitaldesk.services.tabular import ColumnSpec, Table, column_letter, map_headers, read_table

STAFF_COLUMNS = [
    ColumnSpec("facility", N_("Facility"), ("Cơ sở", "Mã cơ sở", "Cơ sở y tế", "Bệnh viện", "Facility code")),
    ColumnSpec("full_name", N_("Full name"), ("Họ và tên", "Họ tên", "Tên", "Name"), required=True),
    ColumnSpec("birth_date", N_("Date of birth"), ("Ngày sinh", "Ngày tháng năm sinh", "DOB")),
    ColumnSpec("sex", N_("Sex"), ("Giới tính", "Giới", "Gender")),
    ColumnSpec("profession", N_("Profession"), ("Nghề nghiệp", "Chức danh", "Chức danh nghề nghiệp"), required=True),
    ColumnSpec("qualification", N_("Qualification"), ("Trình độ", "Trình độ chuyên môn", "Học hàm học vị")),
    ColumnSpec("department", N_("Department"), ("Khoa", "Khoa/Phòng", "Khoa phòng", "Phòng")),
    ColumnSpec("phone", N_("Phone"), ("Điện thoại", "SĐT", "Số điện thoại")),
    ColumnSpec("national_id", N_("National ID (CCCD)"), ("CCCD", "Số CCCD", "Căn cước công dân", "CMND/CCCD", "Số định danh")),
    ColumnSpec("employment_start", N_("Working here since"), ("Ngày vào làm", "Ngày tuyển dụng", "Làm việc từ")),
]
TRAINING_COLUMNS = [
    ColumnSpec("technique", N_("Technique"), ("Kỹ thuật", "Kỹ thuật được đào tạo", "Mã kỹ thuật", "Technique code")),
    ColumnSpec("agreement", N_("Agreement"), ("Hợp đồng", "Số hợp đồng")),
    ColumnSpec("place", N_("Training place"), ("Hình thức đào tạo", "Nơi đào tạo")),
    ColumnSpec("start_on", N_("Start"), ("Bắt đầu", "Ngày bắt đầu", "Từ ngày")),
    ColumnSpec("end_on", N_("End"), ("Kết thúc", "Ngày kết thúc", "Đến ngày")),
    ColumnSpec("status", N_("Training status"), ("Trạng thái đào tạo", "Trạng thái", "Status")),
    ColumnSpec("result", N_("Result"), ("Kết quả", "Xếp loại")),
    ColumnSpec("certificate_number", N_("Certificate number"), ("Số chứng nhận", "Số chứng chỉ", "Số GCN")),
    ColumnSpec("certificate_date", N_("Certificate date"), ("Ngày cấp chứng nhận", "Ngày cấp", "Ngày cấp chứng chỉ")),
    ColumnSpec("commitment_years", N_("Years to serve after training"), ("Số năm cam kết", "Cam kết (năm)", "Thời gian cam kết")),
    ColumnSpec("commitment_signed_on", N_("Commitment signed on"), ("Ngày ký cam kết",)),
]
COLUMNS = STAFF_COLUMNS + TRAINING_COLUMNS
# The rows' choices (facility, technique, profession...) are resolved here against lookups read once,
# so the forms' own list check (a query per field per row) is left out: 10,000 rows stay fast.
_STAFF_SPECS = [dataclasses.replace(spec, choices=None) if spec.kind == "choice" else spec for spec in STAFF_FIELDS]
_TRAINING_SPECS = [dataclasses.replace(spec, choices=None) if spec.kind == "choice" else spec
                   for spec in enrollments.ENROLLMENT_FIELDS]
PREVIEW_ROWS = 200  # rows the wizard shows before importing


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in Excel
    column: str  # "C · Ngày sinh"; "" for a problem of the whole row or file
    value: str
    message: str


@dataclass(frozen=True)
class Matched:
    row: int
    name: str
    matched_by: str  # translated: "the same CCCD", "the same name and date of birth"


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    people_new: int = 0
    trainings_new: int = 0
    trainings_existing: int = 0
    matched: list[Matched] = field(default_factory=list)  # rows naming a person already recorded
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)  # the first rows, field -> text
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Person:
    row: int
    values: dict[str, Any]
    existing: Staff | None = None
    new_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def staff_id(self) -> uuid.UUID:
        return self.existing.id if self.existing is not None else self.new_id


@dataclass
class _Training:
    row: int
    person: _Person
    values: dict[str, Any]


@lru_cache(maxsize=65536)
def _fold(value: str) -> str:
    """Folded for matching; remembered, as a file repeats its codes and labels on every row."""
    return text.search_key(value)


@lru_cache(maxsize=1)
def _vietnamese_labels() -> dict[str, str]:
    """English msgid -> its Vietnamese label, so a Vietnamese file reads the same in either UI language."""
    catalog = load_translations("vi")
    return {msgid: catalog.gettext(msgid) for labels in (terms.SEXES, terms.PROFESSIONS, terms.PLACES, terms.ENROLLMENT_STATUS)
            for msgid in labels.values()}


def _choice_code(labels: dict[str, str], typed: str, extra: dict[str, str] | None = None) -> str | None:
    """The code of a typed choice: the code itself, or its label in Vietnamese, English or the UI language."""
    wanted = _fold(typed)
    return _choice_index(tuple(labels.items()), current_language()).get(wanted) or (extra or {}).get(wanted)


@lru_cache(maxsize=32)
def _choice_index(labels: tuple[tuple[str, str], ...], _language: str) -> dict[str, str]:
    """Every folded way of writing each code of a vocabulary (made once per vocabulary and UI language)."""
    vietnamese = _vietnamese_labels()
    index: dict[str, str] = {}
    for code, msgid in labels:
        for variant in (code, msgid, _(msgid), vietnamese.get(msgid, msgid)):
            index.setdefault(_fold(variant), code)
    return index


def _national_id(typed: str) -> str:
    national_id = typed.strip().replace(" ", "")
    if national_id.isdigit() and len(national_id) == 11:
        national_id = "0" + national_id  # a CCCD typed as a number lost its leading zero
    return national_id


# Common ways of writing a choice that are not its label ("BS", "ĐD", "Nữ"...).
PROFESSION_WORDS = {"bs": "doctor", "bac si": "doctor", "ths.bs": "doctor", "dd": "nurse", "dieu duong": "nurse",
                    "ktv": "technician", "ky thuat vien": "technician", "ho sinh": "midwife", "nu ho sinh": "midwife",
                    "duoc si": "pharmacist", "ds": "pharmacist"}
SEX_WORDS = {"nu": "female", "f": "female", "nam": "male", "m": "male"}


class _Lookups:
    """Everything a row is checked against, read once (10,000 rows must not mean 10,000 queries)."""

    def __init__(self, national_ids: set[str], births: set[str]) -> None:
        """`national_ids` and `births` (ISO dates): what the file's rows say, to read the people it may name."""
        self.facility_by_code = {_fold(f.code): f for f in Facility.live()}
        self.facility_by_name: dict[str, Facility] = {}
        for f in self.facility_by_code.values():
            self.facility_by_name.setdefault(_fold(f.name), f)
            if f.short_name:
                self.facility_by_name.setdefault(_fold(f.short_name), f)
        self._techniques: dict[str, Technique | None] = {}
        self._agreements: dict[uuid.UUID, Agreement] | None = None  # read when a row names one (most files do not)
        self._agreement_by_number: dict[str, list[Agreement]] = {}
        self._trainings_of: dict[uuid.UUID, set[tuple[Any, ...]]] = {}
        self.techniques_of: Callable[[uuid.UUID], set[str]] = lru_cache(maxsize=None)(enrollments.agreement_techniques)
        # The people the file may name, read a few hundred at a time before its rows are checked: those
        # with its CCCDs and those born on its dates. A region's 100,000 staff are never all loaded.
        self._by_id = {person.national_id: person for person in self._people_where("national_id", national_ids)}
        self._by_birth: dict[tuple[uuid.UUID, dt.date], list[Staff]] = {}
        for person in self._people_where("birth_date", births):
            if person.birth_date is not None:
                self._by_birth.setdefault((person.facility_id, person.birth_date), []).append(person)

    @property
    def agreements(self) -> dict[uuid.UUID, Agreement]:
        """Every agreement by id, as light stand-ins (raw rows: a region has 20,000)."""
        if self._agreements is None:
            self._agreements = {}
            for agreement_id, number, party_b in raw_rows(Agreement.select(Agreement.id, Agreement.number, Agreement.party_b)
                                                          .where(Agreement.deleted == False)):  # noqa: E712
                agreement = Agreement(id=uuid.UUID(id_text(agreement_id)), number=number, party_b=uuid.UUID(id_text(party_b)))
                self._agreements[agreement.id] = agreement
                self._agreement_by_number.setdefault(_fold(number), []).append(agreement)
        return self._agreements

    def agreements_numbered(self, typed: str) -> list[Agreement]:
        """The agreements with this number (several years may reuse one)."""
        self.agreements  # noqa: B018  (reads them the first time)
        return self._agreement_by_number.get(_fold(typed), [])

    @staticmethod
    def _people_where(column: str, values: set[str]) -> Iterator[Staff]:
        """Live staff whose `column` is one of `values`, as light stand-ins. Fixed SQL by chunks: a Peewee
        query rendering 10,000 values costs more than running it."""
        wanted = sorted(v for v in values if v)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            sql = (f"SELECT id, facility_id, full_name, birth_date, national_id FROM staff "
                   f"WHERE deleted = 0 AND {column} IN ({', '.join('?' * len(chunk))})")
            for person, facility, name, birth, national_id in database.execute_sql(sql, tuple(chunk)).fetchall():
                yield Staff(id=uuid.UUID(id_text(person)), facility=uuid.UUID(id_text(facility)), full_name=name,
                            national_id=national_id, birth_date=date_value(birth))

    def person(self, national_id: str, facility_id: uuid.UUID | None, name: str, birth: dt.date | None) -> Staff | None:
        """The person already recorded with this CCCD, or else with this name and date of birth at the facility."""
        if national_id and national_id in self._by_id:
            return self._by_id[national_id]
        if facility_id is not None and birth is not None:
            folded = _fold(name)
            for candidate in self._by_birth.get((facility_id, birth), []):
                if _fold(candidate.full_name) == folded:
                    return candidate
        return None

    def enrolled(self, staff_id: uuid.UUID, technique_id: str, start: dt.date | None) -> bool:
        """Whether this person already has this training (same technique and start)."""
        if staff_id not in self._trainings_of:
            self._trainings_of[staff_id] = set(raw_rows(
                Enrollment.select(Enrollment.technique, Enrollment.start_on).where(Enrollment.staff == staff_id, Enrollment.deleted == False)))  # noqa: E712
        return (uuid.UUID(technique_id).hex, start.isoformat() if start else None) in self._trainings_of[staff_id]

    def facility(self, typed: str) -> Facility | None:
        key = _fold(typed)
        return self.facility_by_code.get(key) or self.facility_by_name.get(key)

    def technique(self, typed: str) -> Technique | None:
        """By its code (the unique index), else by its exact name, accents and case aside (the search
        index narrows; a LIKE on 100,000 techniques cost 40 ms a name: tests/bench, h)."""
        key = _fold(typed)
        if key not in self._techniques:
            found = Technique.live().where(Technique.code == typed.strip().upper()).first()
            if found is None and key:
                named = where_matches(Technique.live(), Technique, text.search_terms(typed)).limit(200)
                found = next((t for t in named if _fold(t.name) == key), None)
            self._techniques[key] = found
        return self._techniques[key]


def _column_name(table: Table, index: int | None, spec_label: str) -> str:
    if index is None:
        return _(spec_label)
    return f"{column_letter(index)} · {table.headers[index]}"


def check_file(path: Path, default_facility: str = "", progress: Callable[[int], None] | None = None) -> tuple[ImportReport, list[_Person], list[_Training]]:
    """Read and check every row; nothing is written. The report says what an import would do."""
    report = ImportReport(file=Path(path).name)
    table = read_table(Path(path), progress=progress)
    header_map = map_headers(table.headers, COLUMNS)
    report.warnings.extend(header_map.warnings())
    for error in header_map.errors:
        report.errors.append(RowError(table.header_row, error.label, "", error.message))
    if "facility" not in header_map.columns and not default_facility:
        report.errors.append(RowError(table.header_row, _("Facility"), "", _(
            "The file has no facility column: add one (the facility's code, e.g. CM-SANNHI) or choose the facility for all rows.")))
    if report.errors:
        return report, [], []
    index = header_map.columns
    lookups = _Lookups({_national_id(row.cell(index.get("national_id"))) for row in table.rows},
                       {day.isoformat() for row in table.rows if (day := parse_date(row.cell(index.get("birth_date")))) is not None})
    default = Facility.get_or_none(Facility.id == uuid.UUID(default_facility)) if default_facility else None
    people: dict[tuple[str, str], _Person] = {}
    trainings: list[_Training] = []
    labels = {spec.field: spec.label_msgid for spec in COLUMNS}

    def fail(row: int, name: str, value: str, message: str) -> None:
        report.errors.append(RowError(row, _column_name(table, index.get(name), labels.get(name, name)), value, message))

    for row in table.rows:
        report.rows += 1
        cells = header_map.values(row)
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append({"row": str(row.number), **cells})
        person = _check_person(row.number, cells, default, lookups, fail)
        if person is None:
            continue
        key = (person.values["national_id"], "") if person.values["national_id"] else (
            person.values["facility"], f"{_fold(person.values['full_name'])}|{person.values['birth_date']}")
        earlier = people.get(key)
        if earlier is None:
            people[key] = person
            if person.existing is not None:
                by = _("the same CCCD") if person.values["national_id"] and person.existing.national_id == person.values["national_id"] \
                    else _("the same name and date of birth")
                report.matched.append(Matched(row.number, person.existing.full_name, by))
        elif _differs(earlier.values, person.values):
            fail(row.number, "full_name", cells.get("full_name", ""), _(
                "Row {other} names the same person with other details: make the two rows agree.").format(other=earlier.row))
            continue
        else:
            person = earlier
        if cells.get("technique", "").strip():
            training = _check_training(row.number, cells, person, lookups, fail)
            if training is not None:
                trainings.append(training)
    report.people_new = sum(1 for p in people.values() if p.existing is None)
    seen: set[tuple[uuid.UUID, str, Any]] = set()
    kept: list[_Training] = []
    for t in trainings:
        key3 = (t.person.staff_id, t.values["technique"], t.values["start_on"])
        known = t.person.existing is not None and lookups.enrolled(t.person.staff_id, t.values["technique"], t.values["start_on"])
        if known or key3 in seen:
            report.trainings_existing += 1
            continue
        seen.add(key3)
        kept.append(t)
    report.trainings_new = len(kept)
    report.errors.sort(key=lambda e: e.row)
    return report, list(people.values()), kept


def _differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(a[name] != b[name] and a[name] not in ("", None) and b[name] not in ("", None)
               for name in ("full_name", "birth_date", "facility"))


Fail = Callable[[int, str, str, str], None]


def _validated(specs: list[Any], raw: dict[str, Any], row: int, fail: Fail) -> dict[str, Any] | None:
    """The row's values checked by the forms' rules, or None with each problem reported."""
    try:
        return validate(specs, raw, row=row)
    except ValidationError as exc:
        for error in exc.errors:
            fail(row, error.field, str(raw.get(error.field, "")), error.message)
        return None


def _choices_resolved(row: int, cells: dict[str, str], raw: dict[str, Any], vocabularies: list[tuple[str, dict[str, str], dict[str, str] | None]],
                      fail: Fail) -> bool:
    """Typed choices (a label in either language, a code, a common abbreviation) turned into codes in `raw`."""
    ok = True
    for name, labels, words in vocabularies:
        typed = cells.get(name, "").strip()
        code = _choice_code(labels, typed, words) if typed else ""
        if code is None:
            fail(row, name, typed, _("Not one of: {choices}.").format(choices=", ".join(_(v) for v in labels.values())))
            ok = False
        raw[name] = code or ""
    return ok


def _check_person(row: int, cells: dict[str, str], default: Facility | None, lookups: _Lookups,
                  fail: Fail) -> _Person | None:
    raw: dict[str, Any] = {name: cells.get(name, "") for name in ("full_name", "birth_date", "qualification", "department", "phone",
                                                               "national_id", "employment_start")}
    ok = True
    typed_facility = cells.get("facility", "").strip()
    facility = lookups.facility(typed_facility) if typed_facility else default
    if facility is None:
        fail(row, "facility", typed_facility, _("No facility with this code or name: write its code, e.g. CM-SANNHI.")
             if typed_facility else _("Write the facility's code, e.g. CM-SANNHI."))
        ok = False
    raw["facility"] = str(facility.id) if facility is not None else ""
    ok = _choices_resolved(row, cells, raw, [("sex", terms.SEXES, SEX_WORDS), ("profession", terms.PROFESSIONS, PROFESSION_WORDS)],
                           fail) and ok
    raw["national_id"] = _national_id(raw["national_id"])
    raw["status"] = "working"
    values = _validated(_STAFF_SPECS, raw, row, fail)
    if values is None or not ok:
        return None
    existing = lookups.person(values["national_id"], facility.id if facility is not None else None, values["full_name"],
                              values["birth_date"])
    rules = date_errors(values)  # duplicates are matched to the person already recorded, not refused
    for error in rules:
        fail(row, error.field, str(raw.get(error.field, "")), error.message)
    if rules:
        return None
    return _Person(row, values, existing)


def _check_training(row: int, cells: dict[str, str], person: _Person, lookups: _Lookups,
                    fail: Fail) -> _Training | None:
    typed_technique = cells.get("technique", "").strip()
    technique = lookups.technique(typed_technique)
    raw: dict[str, Any] = {name: cells.get(name, "") for name in ("start_on", "end_on", "result", "certificate_number",
                                                               "certificate_date", "commitment_years", "commitment_signed_on")}
    raw.update(technique=str(technique.id) if technique else "", agreement="", reimbursement="", notes="", training_cost="")
    if technique is None:  # said once: the technique's own "required" would only repeat it
        fail(row, "technique", typed_technique, _("No technique with this code or name: write its code, e.g. NHI-LOC-MAU-LIEN-TUC."))
        return None
    ok = True
    number = cells.get("agreement", "").strip()
    if number:
        found = lookups.agreements_numbered(number)
        if len(found) != 1:
            fail(row, "agreement", number, _("No agreement with this number.") if not found else _(
                "Several agreements have this number (different years): leave it empty and link the training in the window."))
            ok = False
        else:
            raw["agreement"] = str(found[0].id)
    ok = _choices_resolved(row, cells, raw, [("place", terms.PLACES, None), ("status", terms.ENROLLMENT_STATUS, None)], fail) and ok
    if not raw["status"]:
        raw["status"] = "certified" if raw["certificate_number"] else ("completed" if raw["end_on"] else "planned")
    values = _validated(_TRAINING_SPECS, raw, row, fail)
    if values is None or not ok:
        return None
    stand_in = person.existing or Staff(id=person.new_id, facility=uuid.UUID(person.values["facility"]), full_name=person.values["full_name"])
    # The region's 20,000 agreements are loaded only once a row names one (rules reads them for that alone).
    errors = enrollments.rules(values, stand_in, lookups.agreements if values["agreement"] else {}, lookups.techniques_of)
    for error in errors:
        fail(row, error.field, str(raw.get(error.field, "")), error.message)
    return None if errors else _Training(row, person, values)


def import_staff(path: Path, default_facility: str = "", dry_run: bool = False,
                 progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check the file, then (unless `dry_run` or any error) write every new person and training in
    one transaction. The report says what was (or would be) done."""
    report, people, trainings = check_file(path, default_facility, progress)
    if report.errors or dry_run:
        return report
    authority.require("import")
    with atomic():
        audit.record("import", "staff", details={"file": path.name, "rows": len(people)})
        catalog = StaffCatalog()
        new_people = []
        for person in people:
            if person.existing is None:
                record = Staff(id=person.new_id)
                catalog.apply(record, person.values)
                record.refresh_search_key()
                new_people.append(record)
        new_trainings = []
        for training in trainings:
            values = training.values
            enrollment = Enrollment(id=uuid.uuid4(), staff=training.person.staff_id, technique=uuid.UUID(values["technique"]),
                                    agreement=uuid.UUID(values["agreement"]) if values["agreement"] else None)
            for name in ("place", "start_on", "end_on", "status", "result", "certificate_number", "certificate_date",
                         "commitment_years", "commitment_signed_on", "training_cost", "reimbursement", "notes"):
                setattr(enrollment, name, values[name])
            new_trainings.append(enrollment)
        insert_stamped(Staff, new_people)
        insert_stamped(Enrollment, new_trainings)
    report.written = True
    return report


def template_headers() -> list[str]:
    """The headers of an empty import file, in the UI's language (what the wizard's template holds)."""
    return [_(spec.label_msgid) for spec in COLUMNS]


def describe(error: RowError) -> str:
    """One line: 'Row 7, C · Ngày sinh, "31/02/1990": Check the date.'"""
    where = _("Row {row}").format(row=error.row) + (f", {error.column}" if error.column else "")
    value = f' "{error.value}"' if error.value else ""
    return f"{where}{value}: {error.message}"


__all__ = ["COLUMNS", "ImportReport", "Matched", "RowError", "check_file", "describe", "import_staff", "template_headers"]
