"""Plain data for the trainee documents: the training certificate (giấy chứng nhận), the
commitment to serve after training (bản cam kết phục vụ sau đào tạo) and the retention report
(báo cáo duy trì nhân lực được đào tạo).

The services fill these; the builders in `reports.trainee_docs` lay them out without touching
the database. Texts are already in the document's language (labels translated); names may be
NFD, the builders print them NFC.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CertificateData:
    """Issued by the transferring hospital (Bên A) to one trainee who completed the training."""

    issuer: str  # "Bệnh viện Nhi Đồng 1"
    number: str  # "125/CN-NĐ1"; "" prints dots to fill in by hand
    issued_on: dt.date | None  # None: the date line is left to fill in by hand
    place: str  # "Thành phố Hồ Chí Minh"
    full_name: str
    technique: str
    start_on: dt.date
    end_on: dt.date
    issuer_parent: str = ""  # "SỞ Y TẾ THÀNH PHỐ HỒ CHÍ MINH"
    birth_date: dt.date | None = None
    profession: str = ""  # translated label: "Điều dưỡng"
    qualification: str = ""  # "Cử nhân Điều dưỡng"
    workplace: str = ""  # the receiving facility
    department: str = ""
    agreement_number: str = ""  # the technique-transfer contract, if any
    training_place: str = ""  # translated label: at Party A / on site / remote
    result: str = ""  # "Đạt – loại Giỏi"; "" leaves the line out
    signer_title: str = ""  # "GIÁM ĐỐC"; "" prints the translated "Director"
    signer_name: str = ""
    record_id: str = ""
    content_hash: str = ""  # as for the contract: with it, the footer carries the check code and the QR code


@dataclass(frozen=True)
class CommitmentData:
    """Signed by the trainee, addressed to their employer (the receiving facility)."""

    full_name: str
    facility: str  # the employer
    technique: str
    transferring: str  # Bên A: "Bệnh viện Nhi Đồng 1"
    start_on: dt.date
    end_on: dt.date
    years: int  # years to serve after the end of training
    ends_on: dt.date  # the end of the commitment, computed by the caller
    birth_date: dt.date | None = None
    national_id: str = ""  # "" prints dots to fill in by hand
    profession: str = ""
    qualification: str = ""
    department: str = ""
    facility_parent: str = ""  # "SỞ Y TẾ TỈNH CÀ MAU"
    agreement_number: str = ""
    training_place: str = ""  # translated label
    reimbursement: str = ""  # the repayment clause; "" prints the default sentence
    cost: int | None = None  # VND; None leaves the line out
    place: str = ""
    signed_on: dt.date | None = None  # None: "ngày ..... tháng ..... năm ......" to fill in by hand
    record_id: str = ""
    content_hash: str = ""


@dataclass(frozen=True)
class Milestone:
    """Of `eligible` people whose training ended at least `months` ago, `retained` were still working
    at the facility `months` after it; eligible 0 prints "—"."""

    months: int
    retained: int
    eligible: int


@dataclass(frozen=True)
class TechniqueRetention:
    technique: str
    trained: int
    active: int  # trained and working at the facility on the report's date
    required: int | None = None  # the minimum the technique needs; None prints "—"
    at_risk: bool = False
    milestones: list[Milestone] = field(default_factory=list)  # looked up by months; a missing one prints "—"


@dataclass(frozen=True)
class DepartureLine:
    name: str
    left_on: dt.date | None
    profession: str = ""
    techniques: list[str] = field(default_factory=list)
    reason: str = ""  # translated label
    destination: str = ""
    breaks_commitment: bool = False
    still_performs: bool | None = None  # performs the technique at the new workplace; None: not known


@dataclass(frozen=True)
class CommitmentLine:
    name: str
    technique: str
    ends_on: dt.date
    days_left: int


@dataclass(frozen=True)
class RetentionReportData:
    """Techniques in the caller's order (those at risk first), departures, commitments ending soon."""

    facility: str
    as_of: dt.date
    facility_parent: str = ""
    place: str = ""  # for the place-and-date line
    period: str = ""  # a note under the title: "Các khóa đào tạo kết thúc từ 01/01/2023 đến 31/12/2025"
    techniques: list[TechniqueRetention] = field(default_factory=list)
    departures: list[DepartureLine] = field(default_factory=list)
    commitments_ending: list[CommitmentLine] = field(default_factory=list)
    milestone_months: tuple[int, ...] = (6, 12, 24)
    window_days: int = 90  # commitments ending within this many days are listed
    prepared_by: str = ""
    signer_title: str = ""  # "GIÁM ĐỐC"; "" prints the translated "Director"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận"
    record_id: str = ""
