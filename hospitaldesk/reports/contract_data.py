"""Plain data for the responsibility contract and its amendments.

`services.agreements` fills these from the database; `reports.contract` turns them
into a PDF without ever touching the database. Every text here is already in the
document's language (labels translated, names NFC), so the builder only lays out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Party:
    """One side of the contract: 'A' transfers the technique, 'B' receives it."""

    role: str  # "A" | "B"
    name: str
    address: str = ""
    phone: str = ""
    tax_code: str = ""
    bank_account: str = ""
    representative: str = ""
    position: str = ""


@dataclass(frozen=True)
class TechniqueLine:
    name: str
    specialty: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    trainees_planned: int = 0
    training_place: str = ""
    duration: str = ""
    support_mode: str = ""  # translated label: "On-site training", ...
    cost: int = 0  # VND
    payer: str = ""  # translated label: "Bên A", "Bên B", ...


@dataclass(frozen=True)
class TraineeLine:
    name: str
    profession: str = ""
    department: str = ""
    technique: str = ""


@dataclass(frozen=True)
class ContractDocument:
    number: str  # "05/HĐ-CGKT"
    title: str
    place: str  # signing place for the place–date line: "Sóc Trăng"
    signed_on: dt.date | None  # None: the date line is left blank to fill by hand
    draft: bool  # True until signed: the PDF says "DỰ THẢO" (draft)
    party_a: Party
    party_b: Party
    level_text: str = ""  # "Level 1: on the receiving hospital's demand"
    programme_text: str = ""
    issuer_parent: str = ""  # top-left line above the issuer, e.g. "SỞ Y TẾ TỈNH SÓC TRĂNG"
    legal_bases: list[str] = field(default_factory=list)  # each a "Căn cứ ..." line
    techniques: list[TechniqueLine] = field(default_factory=list)
    obligations_a: list[str] = field(default_factory=list)
    obligations_b: list[str] = field(default_factory=list)
    acceptance_criteria: list[str] = field(default_factory=list)
    retention: list[str] = field(default_factory=list)  # the receiving hospital's commitment to keep staff
    term: list[str] = field(default_factory=list)  # term and termination clauses
    general: list[str] = field(default_factory=list)  # general provisions
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận"
    trainees: list[TraineeLine] = field(default_factory=list)  # optional annex
    warnings: list[str] = field(default_factory=list)  # shown in previews only, never on a signed copy
    content_hash: str = ""  # SHA-256 hex of the frozen content (see services.agreements)
    record_id: str = ""
    audit_head: str = ""  # "685:8b41393c…" (number:SHA-256): the audit log's last entry when printed


@dataclass(frozen=True)
class AmendmentDocument:
    number: str  # "01/PL-05/HĐ-CGKT"
    contract_number: str
    contract_signed_on: dt.date | None
    title: str  # subject of the amendment
    place: str
    signed_on: dt.date | None
    draft: bool
    party_a: Party
    party_b: Party
    issuer_parent: str = ""
    legal_bases: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)  # each becomes "Điều n."
    techniques: list[TechniqueLine] = field(default_factory=list)  # techniques added or rescheduled
    recipients: list[str] = field(default_factory=list)
    content_hash: str = ""
    record_id: str = ""
    audit_head: str = ""  # as ContractDocument's
