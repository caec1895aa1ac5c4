"""What a contract says, as canonical data, and its fingerprint.

The content is language-independent (codes, names, dates, amounts), so the same
contract hashes the same whatever the interface language. Signing stores it in
`Agreement.frozen_json` with its SHA-256; a printed copy carries the hash, so the
paper can be checked against the database (services.contract_print.verify_pdf).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.models import Agreement, AgreementTechnique, Amendment, Facility, Specialty, Technique
from hospitaldesk.services import agreement_terms as terms

CONTENT_VERSION = 1  # bump when the shape changes; old frozen contents keep their own


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, NFC text, no whitespace)."""
    canonical = json.dumps(_nfc(content), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return text.nfc(value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _party(agreement: Agreement, side: str) -> dict[str, str]:
    facility = Facility.get_by_id(agreement.party_a_id if side == "a" else agreement.party_b_id)
    return {
        "name": facility.name,
        "representative": getattr(agreement, f"{side}_representative"),
        "position": getattr(agreement, f"{side}_position"),
        "phone": getattr(agreement, f"{side}_phone"),
        "address": getattr(agreement, f"{side}_address"),
        "tax_code": getattr(agreement, f"{side}_tax_code"),
        "bank_account": getattr(agreement, f"{side}_bank_account"),
    }


def line_content(line: AgreementTechnique) -> dict[str, Any]:
    technique = Technique.get_by_id(line.technique_id)
    specialty = Specialty.get_or_none(Specialty.id == technique.specialty_id)
    return {
        "technique_id": str(technique.id),
        "name": technique.name,
        "specialty": specialty.name if specialty else "",
        "start": _iso(line.start),
        "end": _iso(line.end),
        "trainees_planned": int(line.trainees_planned or 0),
        "training_place": line.training_place,
        "duration": line.duration,
        "support_mode": line.support_mode,
        "cost": int(line.cost or 0),
        "payer": line.payer,
    }


def agreement_content(agreement: Agreement, lines: list[AgreementTechnique], signed_on: dt.date | None = None) -> dict[str, Any]:
    """The contract's text as data, from the records as they are now."""
    fixed = terms.fixed_clauses(agreement.term_end)
    return {
        "content_version": CONTENT_VERSION,
        "record_id": str(agreement.id),
        "number": agreement.number,
        "title": agreement.title,
        "level": str(agreement.level),
        "programme": agreement.programme,
        "sign_place": agreement.sign_place,
        "signed_on": _iso(signed_on if signed_on is not None else agreement.signed_on),
        "term_end": _iso(agreement.term_end),
        "party_a": _party(agreement, "a"),
        "party_b": _party(agreement, "b"),
        "legal_bases": terms.split_lines(agreement.legal_bases),
        "obligations_a": terms.split_lines(agreement.obligations_a),
        "obligations_b": terms.split_lines(agreement.obligations_b),
        "acceptance_criteria": terms.split_lines(agreement.acceptance_criteria),
        "retention": terms.split_lines(agreement.retention_terms),
        "term": fixed["term"],
        "general": fixed["general"],
        "recipients": fixed["recipients"],
        "techniques": [line_content(line) for line in lines],
    }


def amendment_content(amendment: Amendment, agreement_content_: dict[str, Any], lines: list[AgreementTechnique],
                      signed_on: dt.date | None = None) -> dict[str, Any]:
    return {
        "content_version": CONTENT_VERSION,
        "record_id": str(amendment.id),
        "number": amendment.number,
        "subject": amendment.subject,
        "sign_place": amendment.sign_place,
        "signed_on": _iso(signed_on if signed_on is not None else amendment.signed_on),
        "contract": {
            "record_id": agreement_content_["record_id"],
            "number": agreement_content_["number"],
            "signed_on": agreement_content_["signed_on"],
            "hash": content_hash(agreement_content_),
        },
        "party_a": agreement_content_["party_a"],
        "party_b": agreement_content_["party_b"],
        "clauses": terms.split_lines(amendment.clauses),
        "techniques": [dict(line_content(line), replaces=str(line.replaces_id) if line.replaces_id else None) for line in lines],
    }


def frozen(record: Agreement | Amendment) -> dict[str, Any] | None:
    """The content stored at signing, or None for a draft."""
    if not record.frozen_json:
        return None
    data: dict[str, Any] = json.loads(record.frozen_json)
    return data


def freeze(record: Agreement | Amendment, content: dict[str, Any]) -> None:
    record.frozen_json = json.dumps(_nfc(content), ensure_ascii=False, sort_keys=True)
    record.content_hash = content_hash(content)


def parse_record_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None
