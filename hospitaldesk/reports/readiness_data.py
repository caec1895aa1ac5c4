"""Plain data for the readiness documents: the blank checklist to fill by hand on a ward
round, and the filled assessment report. `services.readiness` fills these; the builders
in `reports.readiness` lay them out without touching the database. Texts are already in
the document's language (labels translated, names NFC)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str
    quantity: int = 1  # required number (beds, machines, trained nurses...)
    critical: bool = False  # a missing critical item blocks readiness whatever the score
    available_means: str = ""  # what counts as "available": e.g. "present, working, calibrated within 12 months"


@dataclass(frozen=True)
class ChecklistDomain:
    label: str  # "Trang thiết bị", "Cơ sở hạ tầng", ...
    items: list[ChecklistItem] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistForm:
    """The blank form: tick boxes (available / partly / not available / not applicable), a box
    for the quantity found and a line for notes per item, a signature block for the assessors."""

    technique: str
    specialty: str = ""
    facility: str = ""  # printed when known, else a line to fill in
    template_version: int = 1
    domains: list[ChecklistDomain] = field(default_factory=list)
    issuer: str = ""  # the organisation printing it (top-left of the header)
    record_id: str = ""  # the template's id


@dataclass(frozen=True)
class Answer:
    code: str
    text: str
    quantity_required: int
    quantity_found: int | None
    answer: str  # translated label: "Có, hoạt động tốt", "Một phần", "Không có", "Không áp dụng"
    available: bool | None  # True available, False missing or partly, None not applicable
    critical: bool = False
    note: str = ""


@dataclass(frozen=True)
class DomainResult:
    label: str
    score: float | None  # 0..1 share of weighted items available; None when every item was not applicable
    answers: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class GapLine:
    text: str
    critical: bool
    owner: str = ""
    due: dt.date | None = None
    cost: int = 0  # estimated, VND
    funding: str = ""  # translated label: "UBND tỉnh", "Ngân sách bệnh viện", ...
    status: str = ""  # translated label: "Đang xử lý", "Đã xong"


@dataclass(frozen=True)
class ReadinessReport:
    facility: str
    technique: str
    assessed_on: dt.date | None
    assessors: list[str] = field(default_factory=list)
    template_version: int = 1
    index: float | None = None  # 0..1, mean of the domain scores
    threshold: float = 0.8
    ready: bool = False
    verdict: str = ""  # translated sentence: "Sẵn sàng" / "Chưa sẵn sàng: thiếu 2 mục thiết yếu"
    domains: list[DomainResult] = field(default_factory=list)
    critical_gaps: list[str] = field(default_factory=list)  # texts of the critical items missing
    gaps: list[GapLine] = field(default_factory=list)
    agreement_number: str = ""  # the agreement it belongs to, if any
    draft: bool = False  # not finalised: the PDF says so
    issuer: str = ""
    record_id: str = ""
