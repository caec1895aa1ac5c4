"""From records to printable documents, and back: print a contract or an amendment,
and check a printed PDF against the database.

A signed contract prints from its frozen content, so the paper always says what
was signed, whatever was renamed since; a draft prints from the records as they are.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospitaldesk.db import audit
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Agreement, Amendment
from hospitaldesk.errors import StoreError
from hospitaldesk.i18n import _
from hospitaldesk.reports.contract_data import AmendmentDocument, ContractDocument, Party, TechniqueLine
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import authority
from hospitaldesk.services import contract_content
from hospitaldesk.services.agreements import contract_lines, get_agreement
from hospitaldesk.services.amendments import amendment_lines, get_amendment
from hospitaldesk.services.catalog import parse_id


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _party(role: str, data: dict[str, str]) -> Party:
    return Party(role=role, name=data["name"], address=data["address"], phone=data["phone"], tax_code=data["tax_code"],
                 bank_account=data["bank_account"], representative=data["representative"], position=data["position"])


def _technique(data: dict[str, Any]) -> TechniqueLine:
    return TechniqueLine(
        name=data["name"], specialty=data["specialty"], start=_day(data["start"]), end=_day(data["end"]),
        trainees_planned=data["trainees_planned"], training_place=data["training_place"], duration=data["duration"],
        support_mode=terms.label(terms.SUPPORT_MODES, data["support_mode"]), cost=data["cost"],
        payer=terms.label(terms.PAYERS, data["payer"]),
    )


def _checked_frozen(record: Agreement | Amendment, kind: str) -> dict[str, Any] | None:
    """The signed content, refused if it no longer matches the hash taken at signing
    (the database was edited behind the app's back): such a text must not be printed."""
    content = contract_content.frozen(record)
    if content is not None and contract_content.content_hash(content) != record.content_hash:
        raise StoreError(_(
            "The stored text of {kind} {number} was altered after signing: it no longer matches its own fingerprint."
        ).format(kind=_kind_label(kind), number=record.number))
    return content


def contract_content_of(agreement: Agreement) -> tuple[dict[str, Any], bool]:
    """(content, draft): the frozen content once signed, else the current draft's."""
    content = _checked_frozen(agreement, "contract")
    if content is not None:
        return content, False
    return contract_content.agreement_content(agreement, contract_lines(agreement.id)), True


def draft_warnings(agreement: Agreement) -> list[str]:
    """What a draft still lacks before it can be signed, and training planned at a facility not
    assessed as ready: printed in the draft's box."""
    from hospitaldesk.services.agreement_lifecycle import signing_problems
    from hospitaldesk.services.readiness_warnings import warnings_for

    return [problem.describe() for problem in signing_problems(agreement)] + warnings_for(agreement.id)


def preview_warnings(agreement_id: str | uuid.UUID) -> list[str]:
    """Shown above the preview: a draft's gaps (also printed in its box), and for a running agreement
    the techniques whose training runs ahead of readiness (shown, not printed on the signed text)."""
    from hospitaldesk.services.readiness_warnings import warnings_for

    agreement = get_agreement(agreement_id)
    return draft_warnings(agreement) if agreement.status == "draft" else warnings_for(agreement.id)


def contract_document(agreement_id: str | uuid.UUID, audit_at: str | None = None) -> ContractDocument:
    """The contract as printed; `audit_at` ("seq:hash") rebuilds a copy printed when the log stood there."""
    agreement = get_agreement(agreement_id)
    content, draft = contract_content_of(agreement)
    return ContractDocument(
        number=content["number"], title=content["title"], place=content["sign_place"],
        signed_on=_day(content["signed_on"]), draft=draft,
        party_a=_party("A", content["party_a"]), party_b=_party("B", content["party_b"]),
        level_text=terms.label(terms.LEVELS, content["level"]),
        programme_text=terms.label(terms.PROGRAMMES, content["programme"]),
        legal_bases=content["legal_bases"], techniques=[_technique(t) for t in content["techniques"]],
        obligations_a=content["obligations_a"], obligations_b=content["obligations_b"],
        acceptance_criteria=content["acceptance_criteria"], retention=content["retention"],
        term=content["term"], general=content["general"], recipients=content["recipients"],
        warnings=draft_warnings(agreement) if draft else [],
        content_hash=agreement.content_hash if not draft else contract_content.content_hash(content),
        record_id=str(agreement.id), audit_head=audit_head() if audit_at is None else audit_at,
    )


def amendment_document(amendment_id: str | uuid.UUID, audit_at: str | None = None) -> AmendmentDocument:
    amendment = get_amendment(amendment_id)
    agreement = get_agreement(amendment.agreement_id)
    content = _checked_frozen(amendment, "amendment")
    draft = content is None
    if content is None:
        base, _draft = contract_content_of(agreement)
        content = contract_content.amendment_content(amendment, base, amendment_lines(amendment.id))
    contract = content["contract"]
    legal = [_("Pursuant to Contract No. {number} signed on {date};").format(
        number=contract["number"], date=_format(contract["signed_on"]))]
    return AmendmentDocument(
        number=content["number"], contract_number=contract["number"], contract_signed_on=_day(contract["signed_on"]),
        title=content["subject"], place=content["sign_place"], signed_on=_day(content["signed_on"]), draft=draft,
        party_a=_party("A", content["party_a"]), party_b=_party("B", content["party_b"]),
        legal_bases=legal, clauses=content["clauses"], techniques=[_technique(t) for t in content["techniques"]],
        recipients=terms.fixed_clauses(None)["recipients"],
        content_hash=amendment.content_hash if not draft else contract_content.content_hash(content),
        record_id=str(amendment.id), audit_head=audit_head() if audit_at is None else audit_at,
    )


def _format(iso: str | None) -> str:
    day = _day(iso)
    return day.strftime("%d/%m/%Y") if day else "..."


def contract_pdf(agreement_id: str | uuid.UUID, audit_at: str | None = None) -> bytes:
    from hospitaldesk.reports.contract import build_contract

    return build_contract(contract_document(agreement_id, audit_at))


def amendment_pdf(amendment_id: str | uuid.UUID, audit_at: str | None = None) -> bytes:
    from hospitaldesk.reports.contract import build_amendment

    return build_amendment(amendment_document(amendment_id, audit_at))


def print_contract(agreement_id: str | uuid.UUID, path: Path) -> Path:
    from hospitaldesk.reports.render import write_pdf

    data = contract_pdf(agreement_id)
    record_printed("agreement", agreement_id)  # logged before the file exists, so none leaves unlogged
    write_pdf(data, path)
    return path


def print_amendment(amendment_id: str | uuid.UUID, path: Path) -> Path:
    from hospitaldesk.reports.render import write_pdf

    data = amendment_pdf(amendment_id)
    record_printed("amendment", amendment_id)
    write_pdf(data, path)
    return path


def audit_head() -> str:
    """The audit log's last entry ("685:8b41…"), printed in small type and stamped: a copy taken away
    fixes the log up to that entry, so a log later rewritten behind the app's back no longer matches."""
    seq, head = audit.head()
    return f"{seq}:{head}" if seq else ""


def record_printed(table: str, record_id: str | uuid.UUID) -> None:
    """A contract or amendment left the app on paper or as a PDF: the audit log says who and when."""
    authority.require("print")
    with atomic("event"):
        audit.record("print", table, parse_id(record_id).hex)


def suggested_file_name(number: str, kind: str = "contract") -> str:
    """'HD-CGKT-12-HD-CGKT.pdf'-style names: no '/' (a folder separator), accents kept out for old USB sticks."""
    from hospitaldesk import text

    stem = "-".join(part for part in text.fold(number).upper().replace("/", " ").split() if part)
    return f"{'PL' if kind == 'amendment' else 'HD'}-{stem}.pdf"


@dataclass(frozen=True)
class Verification:
    matches: bool
    kind: str  # "contract" | "amendment" | ""
    number: str
    message: str  # translated, says what it means for the paper in hand


def verify_pdf(path: Path) -> Verification:
    """Read the stamp a HospitalDesk PDF carries and compare it with the record."""
    from hospitaldesk.reports.render import read_stamp

    stamp = read_stamp(path)
    if stamp is None:
        return Verification(False, "", "", _("{file} carries no HospitalDesk stamp: it was not printed by HospitalDesk, or was edited.").format(file=path.name))
    record_id = contract_content.parse_record_id(stamp.record_id)
    record: Agreement | Amendment | None = None
    if record_id is not None:
        model = Amendment if stamp.kind == "amendment" else Agreement
        record = model.get_or_none(model.id == record_id)
    if record is None or record.deleted:
        return Verification(False, stamp.kind, stamp.number, _(
            "No {kind} {number} in this database (it may come from another site that has not synced).").format(
            kind=_kind_label(stamp.kind), number=stamp.number))
    frozen = contract_content.frozen(record)
    if frozen is not None and contract_content.content_hash(frozen) != record.content_hash:
        return Verification(False, stamp.kind, stamp.number, _(
            "The stored text of {kind} {number} was altered after signing: it no longer matches its own fingerprint.").format(
            kind=_kind_label(stamp.kind), number=stamp.number))
    current = _current_hash(record)
    if stamp.content_hash == current and record.frozen_json:
        message = _("Matches: this is the signed text of {kind} {number}.")
    elif stamp.content_hash == current:
        message = _("Matches the current draft of {kind} {number} (not signed yet).")
    elif record.frozen_json:
        return Verification(False, stamp.kind, stamp.number, _(
            "Does NOT match: the signed text of {kind} {number} is different from this paper.").format(
            kind=_kind_label(stamp.kind), number=stamp.number))
    else:
        return Verification(False, stamp.kind, stamp.number, _(
            "Does not match: the draft of {kind} {number} has changed since this copy was printed.").format(
            kind=_kind_label(stamp.kind), number=stamp.number))
    if stamp.audit and not _log_holds(stamp.audit):
        return Verification(False, stamp.kind, stamp.number, _(
            "Does NOT match: this copy was printed when the audit log ended at entry {seq}, and this database's log no "
            "longer holds that entry as it was. Either the database was restored from an older backup (the audit log "
            "shows it) or the log was changed behind the app's back.").format(seq=stamp.audit.partition(":")[0]))
    different = _first_different_page(path, record, stamp.language, stamp.audit)
    if different is not None:
        # The stamp is right but the pages say something else: text added or changed on the paper's file.
        return Verification(False, stamp.kind, stamp.number, _(
            "Does NOT match: page {page} of this file differs from {kind} {number} in the database, though it carries its code.").format(
            page=different, kind=_kind_label(stamp.kind), number=stamp.number))
    message = message.format(kind=_kind_label(stamp.kind), number=stamp.number)
    status = _status_note(record)
    return Verification(True, stamp.kind, stamp.number, f"{message} {status}".strip())


def _log_holds(stamped: str) -> bool:
    """Does this database's audit log still have the entry a printed copy names, with the same hash?"""
    seq, _sep, value = stamped.partition(":")
    return seq.isdigit() and audit.hash_of(int(seq)) == value


def _first_different_page(path: Path, record: Agreement | Amendment, language: str, audit_at: str) -> int | None:
    """Rebuild the document from the record, in the language and at the audit log entry it was printed
    with, and compare page texts."""
    from hospitaldesk.i18n import using_language
    from hospitaldesk.reports.render import page_texts

    with using_language(language):
        rebuilt = amendment_pdf(record.id, audit_at) if isinstance(record, Amendment) else contract_pdf(record.id, audit_at)
    printed, expected = page_texts(path.read_bytes()), page_texts(rebuilt)
    for index in range(max(len(printed), len(expected))):
        if index >= len(printed) or index >= len(expected) or printed[index] != expected[index]:
            return index + 1
    return None


def _status_note(record: Agreement | Amendment) -> str:
    """What became of a signed contract since: its status now and its signed amendments."""
    if not isinstance(record, Agreement) or not record.frozen_json:
        return ""
    signed = Amendment.live().where(Amendment.agreement == record.id, Amendment.status == "signed").count()
    return _("Status now: {status}; signed amendments: {count}.").format(status=terms.label(terms.STATUSES, record.status), count=signed)


def _current_hash(record: Agreement | Amendment) -> str:
    if record.frozen_json:
        return str(record.content_hash)
    if isinstance(record, Agreement):
        content, _draft = contract_content_of(record)
        return contract_content.content_hash(content)
    agreement = get_agreement(record.agreement_id)
    base, _draft = contract_content_of(agreement)
    return contract_content.content_hash(contract_content.amendment_content(record, base, amendment_lines(record.id)))


def _kind_label(kind: str) -> str:
    return _("amendment") if kind == "amendment" else _("contract")
