"""Technique-transfer agreements: the list, and drafting one (header and technique lines).

A draft is edited freely; once signed (agreement_lifecycle.change_status) its
text is frozen and only amendments (services.amendments) change it. Every write
is one transaction: the header and all its lines, or nothing.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from peewee import SQL, Expression, fn

from hospitaldesk import text
from hospitaldesk.db import stamping
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Agreement, AgreementTechnique, Attachment, Facility, Province, Technique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _, format_date, parse_date
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import provinces
from hospitaldesk.services.catalog import Catalog, parse_id
from hospitaldesk.services.facilities import facility_choices
from hospitaldesk.services.forms import Choice, Column, FieldSpec, FilterSpec, ListQuery, Page, validate
from hospitaldesk.services.site import site_facility_id
from hospitaldesk.services.specialties import SpecialtyCatalog
from hospitaldesk.services import authority

_NUMBER = re.compile(r"^\s*(\d+)\s*/")
LIST_ORDER_DRAFT_DATE = "9999-12-31"  # must match the index of migration 3


def technique_choices() -> list[Choice]:
    return [Choice(str(t.id), t.name) for t in Technique.live().order_by(Technique.search_key)]


def specialty_choices() -> list[Choice]:
    return [Choice(str(s.id), s.name) for s in SpecialtyCatalog.model.live().order_by(SpecialtyCatalog.model.search_key)]


def review_choices() -> list[Choice]:
    return [Choice("overdue", _("Review overdue")), Choice("due90", _("Review due within 90 days"))]


def _check_phone(value: str) -> str | None:
    return None if text.is_valid_phone(value) else _("Not a phone number. Write it like 0292 3820 000 or +84 292 3820 000.")


def _check_tax_code(value: str) -> str | None:
    return None if text.is_valid_tax_code(value) else _("A tax code has 10 digits, or 10 digits, '-' and 3 more (e.g. 2200123456-001).")


def _party_fields(side: str) -> list[FieldSpec]:
    labels = {
        "a": (N_("Party A: representative"), N_("Party A: position"), N_("Party A: phone"), N_("Party A: address"),
              N_("Party A: tax code"), N_("Party A: bank account")),
        "b": (N_("Party B: representative"), N_("Party B: position"), N_("Party B: phone"), N_("Party B: address"),
              N_("Party B: tax code"), N_("Party B: bank account")),
    }[side]
    return [
        FieldSpec(f"{side}_representative", labels[0], max_length=200, hint=N_("Full name, e.g. Nguyễn Văn An.")),
        FieldSpec(f"{side}_position", labels[1], max_length=200, hint=N_("e.g. Giám đốc.")),
        FieldSpec(f"{side}_phone", labels[2], max_length=40, check=_check_phone),
        FieldSpec(f"{side}_address", labels[3], max_length=500),
        FieldSpec(f"{side}_tax_code", labels[4], max_length=20, check=_check_tax_code),
        FieldSpec(f"{side}_bank_account", labels[5], max_length=300, hint=N_("Account number and bank, e.g. 0123456789 tại Kho bạc Nhà nước Sóc Trăng.")),
    ]


HEADER_FIELDS: list[FieldSpec] = [
    FieldSpec("number", N_("Number"), required=True, max_length=60, hint=N_("Suggested: the next free number this year; you may change it.")),
    FieldSpec("title", N_("Title"), required=True, max_length=500, hint=N_("e.g. Phẫu thuật tim hở và can thiệp tim mạch.")),
    FieldSpec("level", N_("Level"), "choice", required=True, choices=terms.level_choices),
    FieldSpec("programme", N_("Programme"), "choice", required=True, choices=terms.programme_choices),
    FieldSpec("party_a", N_("Transferring party (Party A)"), "choice", required=True, choices=facility_choices),
    FieldSpec("party_b", N_("Receiving party (Party B)"), "choice", required=True, choices=facility_choices),
    *_party_fields("a"),
    *_party_fields("b"),
    FieldSpec("legal_bases", N_("Legal bases"), "multiline", hint=N_("One 'Căn cứ ...' per line.")),
    FieldSpec("obligations_a", N_("Obligations of Party A"), "multiline", hint=N_("One obligation per line.")),
    FieldSpec("obligations_b", N_("Obligations of Party B"), "multiline", hint=N_("One obligation per line.")),
    FieldSpec("acceptance_criteria", N_("Acceptance criteria"), "multiline", hint=N_("One criterion per line, e.g. at least 10 cases performed independently.")),
    FieldSpec("retention_terms", N_("Retention commitment of Party B"), "multiline"),
    FieldSpec("term_end", N_("Valid until"), "date", hint=N_("dd/mm/yyyy; empty: until acceptance.")),
    FieldSpec("sign_place", N_("Place of signing"), max_length=120, hint=N_("Printed before the date, e.g. Sóc Trăng.")),
    FieldSpec("notes", N_("Notes"), "multiline"),
]

LINE_FIELDS: list[FieldSpec] = [
    FieldSpec("technique", N_("Technique"), "choice", required=True, choices=technique_choices),
    FieldSpec("start", N_("Start"), "date"),
    FieldSpec("end", N_("End"), "date"),
    FieldSpec("trainees_planned", N_("Trainees planned"), "int"),
    FieldSpec("training_place", N_("Training place"), max_length=300),
    FieldSpec("duration", N_("Training duration"), max_length=120, hint=N_("e.g. 3 tháng.")),
    FieldSpec("support_mode", N_("Support mode"), "choice", required=True, choices=terms.support_mode_choices),
    FieldSpec("cost", N_("Cost (VND)"), "money"),
    FieldSpec("payer", N_("Paid by"), "choice", required=True, choices=terms.payer_choices),
]
LINE_VALUES = [spec.name for spec in LINE_FIELDS]


class AgreementCatalog(Catalog[Agreement]):
    """The agreements list: search, filters, paging (the shared Catalog machinery)."""

    model = Agreement
    kind = "agreement"
    title = N_("Agreements")
    singular = N_("Agreement")
    default_sort = "signed_on"
    columns = [
        Column("number", N_("Number"), 100, fixed=True),
        Column("title", N_("Title"), 240),
        Column("party_a", N_("Party A"), 140),
        Column("party_b", N_("Party B"), 140),
        Column("status", N_("Status"), 122, fixed=True),
        Column("next_review", N_("Next review"), 92, fixed=True),
        Column("readiness", N_("Readiness"), 82, anchor="center", sortable=False, fixed=True),  # ⚠: training runs ahead
    ]
    fields = HEADER_FIELDS
    filters = [
        FilterSpec("status", N_("Status"), terms.status_choices),
        FilterSpec("partner", N_("Partner"), facility_choices),
        FilterSpec("province", N_("Province"), provinces.province_choices),
        FilterSpec("specialty", N_("Specialty"), specialty_choices),
        FilterSpec("review", N_("Review"), review_choices),
    ]

    def base_query(self) -> Any:
        party_b = Facility.alias()
        # Only what the list shows: the clause texts and the frozen copy (several KB a row) stay on disk.
        return (
            Agreement.select(
                Agreement.id, Agreement.number, Agreement.title, Agreement.status, Agreement.signed_on, Agreement.next_review,
                Agreement.content_hash, Agreement.party_a, Agreement.party_b,
                Facility.id, Facility.name, Facility.short_name, party_b.id, party_b.name, party_b.short_name,
            )
            .join(Facility, on=(Agreement.party_a == Facility.id))
            .switch(Agreement)
            .join(party_b, on=(Agreement.party_b == party_b.id))
            .where(Agreement.deleted == False)  # noqa: E712
        )

    def list_page(self, q: ListQuery) -> Page:
        """The page, with each agreement's readiness flag found for the whole page at once."""
        page = self.list_page_unflagged(q)
        flags = readiness_cells([row["id"] for row in page.rows])
        for row in page.rows:
            row["readiness"] = flags.get(row["id"], {}).get("readiness", "")
            row["not_ready"] = bool(row["readiness"])
        return page

    def list_page_unflagged(self, q: ListQuery) -> Page:
        """The page without the readiness flags: the window shows it first and fills them in after."""
        return super().list_page(q)

    def count_base_query(self) -> Any:
        # Both parties are required foreign keys and every filter is on the agreement's own columns.
        return Agreement.select(Agreement.id).where(Agreement.deleted == False)  # noqa: E712

    def sort_fields(self) -> dict[str, Any]:
        return {
            "number": Agreement.number, "title": Agreement.title, "status": Agreement.status,
            # Drafts (no date yet) sort as the newest: first in the default newest-first order. The date is
            # a literal, not a parameter, so SQLite can use the index on this very expression (migration 3).
            "signed_on": fn.COALESCE(Agreement.signed_on, SQL(f"'{LIST_ORDER_DRAFT_DATE}'")),
            "next_review": Agreement.next_review, "name": Agreement.search_key,
            "party_a": Agreement.party_a, "party_b": Agreement.party_b,
        }

    def filter_expression(self, name: str, value: str) -> Expression | None:
        if name == "status":
            return Agreement.status == value
        if name == "partner":
            facility = parse_id(value)
            return (Agreement.party_a == facility) | (Agreement.party_b == facility)
        if name == "province":
            in_province = Facility.select(Facility.id).where(Facility.province.in_(provinces.with_predecessors(parse_id(value))))
            return Agreement.party_b.in_(in_province) | Agreement.party_a.in_(in_province)
        if name == "specialty":
            with_specialty = (
                AgreementTechnique.select(AgreementTechnique.agreement)
                .join(Technique)
                .where(Technique.specialty == parse_id(value), AgreementTechnique.deleted == False)  # noqa: E712
            )
            return Agreement.id.in_(with_specialty)
        if name == "review":
            today = dt.date.today()
            if value == "overdue":
                return Agreement.next_review.is_null(False) & (Agreement.next_review < today)
            return Agreement.next_review.is_null(False) & (Agreement.next_review <= today + dt.timedelta(days=90))
        return None

    def to_row(self, record: Agreement) -> dict[str, Any]:
        review = record.next_review
        overdue = review is not None and review < dt.date.today()
        return {
            "id": str(record.id),
            "number": record.number,
            "title": record.title,
            "party_a": record.party_a.short_name or record.party_a.name,
            "party_b": record.party_b.short_name or record.party_b.name,
            "transferring": record.party_a.name,
            "receiving": record.party_b.name,
            "signed_on_iso": record.signed_on.isoformat() if record.signed_on else None,
            "next_review_iso": review.isoformat() if review else None,
            "content_hash": record.content_hash or None,
            "status": terms.label(terms.STATUSES, record.status),
            "status_code": record.status,
            "signed_on": format_date(record.signed_on),
            "next_review": (_("{date} (overdue)").format(date=format_date(review)) if overdue else format_date(review)),
            "overdue": overdue,
        }

    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        errors: list[FieldError] = []
        if values.get("party_a") and values.get("party_a") == values.get("party_b"):
            errors.append(FieldError("party_b", _("Receiving party (Party B)"), _("Party B must be a different facility from Party A.")))
        year = _year_of(record_id)
        if number_taken(values["number"], year, record_id):
            errors.append(FieldError("number", _("Number"), _("Number {number} is already used by another agreement of {year}.").format(
                number=values["number"], year=year)))
        return errors

    def delete_blocker(self, record: Agreement) -> str | None:
        if record.status != "draft":
            return _("A signed agreement cannot be deleted. End it with the status 'Terminated' instead.")
        return None


def summaries(search: str = "") -> list[dict[str, Any]]:
    """Every agreement (page by page) as plain objects, for the CLI's JSON."""
    catalog, page, result = AgreementCatalog(), 0, []
    while True:
        listed = catalog.list_page(ListQuery(search=search, page=page, page_size=1000))
        for row in listed.rows:
            result.append({
                "id": row["id"], "number": row["number"], "title": row["title"], "status": row["status_code"],
                "transferring": row["transferring"], "receiving": row["receiving"],
                "signed_on": row["signed_on_iso"], "next_review": row["next_review_iso"], "content_hash": row["content_hash"],
            })
        if page + 1 >= listed.page_count:
            return result
        page += 1


def resolve(reference: str) -> Agreement:
    """An agreement by id, or by number when only one agreement carries it (numbers repeat
    every year and at every site: then the id is needed, and the candidates are listed)."""
    try:
        return get_agreement(uuid.UUID(reference))
    except ValueError:
        pass
    wanted = text.nfc(reference).strip()
    matches = list(Agreement.live().where(Agreement.number == wanted).order_by(Agreement.year.desc()))
    if not matches:
        raise NotFoundError(_("No agreement with the id or number {reference}.").format(reference=reference))
    if len(matches) > 1:
        listed = "; ".join(f"{a.id} ({a.year}, {a.title})" for a in matches[:10])
        raise NotFoundError(_("Several agreements are numbered {reference}: use the id of the one you mean: {listed}").format(
            reference=reference, listed=listed))
    return matches[0]


def _year_of(record_id: uuid.UUID | None) -> int:
    if record_id is not None:
        agreement = Agreement.get_or_none(Agreement.id == record_id)
        if agreement is not None:
            return int(agreement.year)
    return dt.date.today().year


def number_taken(number: str, year: int, record_id: uuid.UUID | None) -> bool:
    """Numbers are unique per drawing-up site and year (two sites both have a '01/HĐ-CGKT')."""
    existing = Agreement.get_or_none(Agreement.id == record_id) if record_id is not None else None
    site = existing.origin_site if existing is not None and existing.origin_site else stamping.local_site_id()
    query = Agreement.live().select(Agreement.number).where(Agreement.year == year, Agreement.origin_site == site)
    if record_id is not None:
        query = query.where(Agreement.id != record_id)
    wanted = text.nfc(number).strip().casefold()  # SQLite's LOWER() leaves "Đ" alone
    return any(text.nfc(a.number).strip().casefold() == wanted for a in query)


def next_number(year: int | None = None) -> str:
    """'NN/HĐ-CGKT': one more than the highest number this site used in the year."""
    year = year or dt.date.today().year
    used = Agreement.select(Agreement.number).where(Agreement.year == year, Agreement.origin_site == stamping.local_site_id())
    highest = max((int(m.group(1)) for a in used if (m := _NUMBER.match(a.number))), default=0)
    return f"{highest + 1:02d}/{terms.NUMBER_SUFFIX}"


def new_agreement(level: str = "1") -> dict[str, Any]:
    """Form values for a new draft: the next number, default clauses, this site as Party B."""
    values: dict[str, Any] = {spec.name: "" for spec in HEADER_FIELDS}
    values.update(number=next_number(), level=level, programme="responsibility")
    values.update(terms.default_clauses(level))
    party_b = site_facility_id()
    if party_b:
        values.update(party_b=party_b, **party_details("b", party_b))
        province = Province.get_or_none(Province.id == Facility.get_by_id(party_b).province_id)
        values["sign_place"] = place_name(province.current().name) if province else ""
    return values


def default_clauses_for(level: str) -> dict[str, str]:
    """The default clause texts of a level (to tell an untouched clause from an edited one)."""
    return terms.default_clauses(level) if level else {}


def place_name(province_name: str) -> str:
    """'Tỉnh Sóc Trăng' -> 'Sóc Trăng' for the place–date line (NĐ 30/2020 writes the place alone)."""
    for prefix in ("Thành phố ", "Tỉnh ", "TP. "):
        if province_name.startswith(prefix):
            return province_name[len(prefix):]
    return province_name


def party_details(side: str, facility_id: str) -> dict[str, str]:
    """Address and phone of a facility, to prefill a party's lines when it is chosen."""
    facility = Facility.get_or_none(Facility.id == parse_id(facility_id))
    if facility is None:
        return {}
    return {f"{side}_address": facility.address, f"{side}_phone": facility.phone}


def get_agreement(record_id: str | uuid.UUID) -> Agreement:
    return AgreementCatalog().get_record(record_id)


def get(record_id: str | uuid.UUID) -> dict[str, Any]:
    """Header form values plus 'lines' (the original contract's technique lines) and 'status'."""
    catalog = AgreementCatalog()
    agreement = catalog.get_record(record_id)
    values = catalog.to_form(agreement)
    values["status"] = agreement.status
    values["lines"] = [line_values(line) for line in contract_lines(agreement.id)]
    return values


def summary(record_id: str | uuid.UUID) -> dict[str, Any]:
    """What the detail panel shows about one agreement, as display strings."""
    agreement = get_agreement(record_id)
    party_a, party_b = Facility.get_by_id(agreement.party_a_id), Facility.get_by_id(agreement.party_b_id)
    review = agreement.next_review
    return {
        "id": str(agreement.id), "number": agreement.number, "title": agreement.title,
        "status": agreement.status, "status_label": terms.label(terms.STATUSES, agreement.status),
        "party_a": party_a.name, "party_b": party_b.name,
        "signed_on": format_date(agreement.signed_on), "next_review": format_date(review),
        "overdue": review is not None and review < dt.date.today(),
        "content_hash": agreement.content_hash[:16], "targets": list(terms.TRANSITIONS.get(agreement.status, ())),
        "level": terms.label(terms.LEVELS, str(agreement.level)),
        "programme": terms.label(terms.PROGRAMMES, agreement.programme),
        "readiness_warnings": _readiness_warnings(agreement.id),
    }


def readiness_cells(agreement_ids: list[str]) -> dict[str, dict[str, str]]:
    """The readiness column of these agreements: "⚠" where training runs ahead of readiness (the
    panel says which technique and why); one pass for the whole page."""
    from hospitaldesk.services.readiness_warnings import flagged_agreements

    flagged = flagged_agreements([uuid.UUID(i) for i in agreement_ids])
    return {i: {"readiness": "⚠" if uuid.UUID(i) in flagged else ""} for i in agreement_ids}


def _readiness_warnings(agreement_id: uuid.UUID) -> list[str]:
    from hospitaldesk.services.readiness_warnings import warnings_for

    return warnings_for(agreement_id)


def contract_lines(agreement_id: uuid.UUID) -> list[AgreementTechnique]:
    """The technique lines of the original contract, in order (amendment lines excluded)."""
    return list(
        AgreementTechnique.live()
        .where(AgreementTechnique.agreement == agreement_id, AgreementTechnique.amendment.is_null())
        .order_by(AgreementTechnique.position, AgreementTechnique.created_at)
    )


def line_values(line: AgreementTechnique) -> dict[str, Any]:
    values: dict[str, Any] = {"id": str(line.id), "progress": line.progress}
    for spec in LINE_FIELDS:
        raw = line.__data__.get(spec.name)
        if isinstance(raw, dt.date):
            values[spec.name] = format_date(raw)
        elif raw is None:
            values[spec.name] = ""
        else:
            values[spec.name] = str(raw)
    return values


def validate_lines(raw_lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every line checked; the errors name the row (1-based) and the field."""
    errors: list[FieldError] = []
    cleaned: list[dict[str, Any]] = []
    for row, raw in enumerate(raw_lines, start=1):
        start, end = parse_date(str(raw.get("start") or "")), parse_date(str(raw.get("end") or ""))
        if start and end and end < start:
            errors.append(FieldError("end", _("End"), _("The end date is before the start date."), row))
        try:
            values = validate(LINE_FIELDS, raw, row=row)
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        if (values["trainees_planned"] or 0) < 0:
            errors.append(FieldError("trainees_planned", _("Trainees planned"), _("Write a number of 0 or more."), row))
        values["id"] = raw.get("id") or ""
        cleaned.append(values)
    seen: dict[str, int] = {}
    for row, values in enumerate(cleaned, start=1):
        if values["technique"] in seen:
            errors.append(FieldError("technique", _("Technique"), _("This technique is already on row {row}.").format(row=seen[values["technique"]]), row))
        seen.setdefault(values["technique"], row)
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_draft(raw: dict[str, Any], lines: list[dict[str, Any]], record_id: str | uuid.UUID | None = None,
               new_id: uuid.UUID | None = None) -> str:
    """Create or update a draft with its technique lines: all of it in one transaction, or nothing.

    `new_id` gives a new draft a chosen id (demo data uses deterministic ids).
    """
    catalog = AgreementCatalog()
    with atomic():
        key = parse_id(record_id) if record_id else None
        errors: list[FieldError] = []
        values: dict[str, Any] = {}
        try:
            values = catalog.validate(raw, key)
        except ValidationError as exc:
            errors.extend(exc.errors)
        try:
            clean_lines = validate_lines(lines)
        except ValidationError as exc:
            errors.extend(exc.errors)
        if errors:
            raise ValidationError(errors)
        if key is not None:
            agreement = catalog.get_record(key)
            if agreement.status != "draft":
                raise ValidationError([FieldError("status", _("Status"), _(
                    "Agreement {number} is signed: its text cannot change. Make an amendment instead.").format(number=agreement.number))])
        else:
            agreement = Agreement(id=new_id or uuid.uuid4(), year=dt.date.today().year, origin_site=stamping.local_site_id(), status="draft")
        for name, value in values.items():
            setattr(agreement, name, uuid.UUID(value) if name in ("party_a", "party_b") else value)
        agreement.level = int(values["level"])
        agreement.save(force_insert=key is None)
        write_lines(agreement.id, None, clean_lines)
        agreement.refresh_search_key()
        Agreement.update(search_key=agreement.search_key).where(Agreement.id == agreement.id).execute()
    return str(agreement.id)


def write_lines(agreement_id: uuid.UUID, amendment_id: uuid.UUID | None, lines: list[dict[str, Any]]) -> None:
    """Make the stored lines of a draft (contract or amendment) exactly `lines`: update, add, tombstone."""
    existing = {
        line.id: line for line in AgreementTechnique.live().where(
            AgreementTechnique.agreement == agreement_id,
            AgreementTechnique.amendment.is_null() if amendment_id is None else AgreementTechnique.amendment == amendment_id,
        )
    }
    kept: set[uuid.UUID] = set()
    for position, values in enumerate(lines):
        line_id = _uuid_or_none(values.get("id"))
        line = existing.get(line_id) if line_id else None
        if line is None:
            line = AgreementTechnique(id=uuid.uuid4(), agreement=agreement_id, amendment=amendment_id)
            new = True
        else:
            new = False
            kept.add(line.id)
        line.technique = uuid.UUID(values["technique"])
        line.position = position
        for name in ("start", "end", "training_place", "duration", "support_mode", "payer"):
            setattr(line, name, values[name])
        line.trainees_planned = values["trainees_planned"] or 0
        line.cost = values["cost"] or 0
        if "replaces" in values:
            line.replaces = _uuid_or_none(values["replaces"])
        line.save(force_insert=new)
    for line_id, line in existing.items():
        if line_id not in kept:
            line.deleted = True
            line.save()


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def delete_draft(record_id: str | uuid.UUID) -> None:
    """A draft and its lines go (tombstones); a signed agreement is refused."""
    authority.require("delete")
    catalog = AgreementCatalog()
    with atomic():
        catalog.delete(record_id)
        for line in AgreementTechnique.live().where(AgreementTechnique.agreement == parse_id(record_id)):
            line.deleted = True
            line.save()
        for attachment in Attachment.live().where(Attachment.agreement == parse_id(record_id)):
            attachment.deleted = True
            attachment.save()
