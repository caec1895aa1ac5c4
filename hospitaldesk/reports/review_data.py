"""Plain data of the 6-monthly review (sơ kết): the figures compiled from the records (services/review.py
fills them, its docstring holds the rules) and the narrative the user writes. The builder in
reports/review_report.py lays them out without touching the database."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from hospitaldesk.months import month_after


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    def previous(self) -> "Period":
        """The period before, whose case logs the period's are compared with: as many months just before its
        first month (months()); for a period inside one month, as many days just before."""
        months, before = self.months(), self.months_before()
        if months:
            return Period(before[0], months[0] - dt.timedelta(days=1))
        length = (self.end - self.start).days + 1
        return Period(self.start - dt.timedelta(days=length), self.start - dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        """The months whose first day falls in the period: what its case logs (one row a month) are counted over.
        Back-to-back periods never share a month, however their days fall."""
        out, month = [], self.start if self.start.day == 1 else month_after(self.start, 1)
        while month <= self.end:
            out.append(month)
            month = month_after(month, 1)
        return out

    def months_before(self) -> list[dt.date]:
        """As many months just before the first of `months()`: the case logs' period before."""
        count = len(self.months())
        first = self.start if self.start.day == 1 else month_after(self.start, 1)
        return [month_after(first, k - count) for k in range(count)]


@dataclass(frozen=True)
class ReviewScope:
    """One facility, one province, or (both empty) the region."""

    province: str = ""
    facility: str = ""


@dataclass(frozen=True)
class AgreementLine:
    number: str
    party_a: str
    party_b: str
    techniques: str
    day: dt.date | None  # signed on, or the status change's day


@dataclass(frozen=True)
class TechniqueStep:
    agreement: str
    facility: str
    technique: str
    day: dt.date
    progress: str  # "independent" | "accepted"
    progress_label: str = ""  # as the agreement's progress list names it


@dataclass(frozen=True)
class TrainingLine:
    technique: str
    trained: int  # in the period
    retained: int  # of those, working on the last day


@dataclass(frozen=True)
class ReadinessChange:
    facility: str
    technique: str
    before: float | None  # readiness index of the latest assessment before the period; None: none
    before_ready: bool | None
    after: float | None
    after_ready: bool | None
    assessed_on: dt.date | None

    @property
    def became_ready(self) -> bool:
        return bool(self.after_ready) and not self.before_ready


@dataclass(frozen=True)
class CaseLine:
    technique: str
    facilities: int  # logging it in the period
    with_support: int
    independent: int
    referred: int
    referred_before: int  # the same months one period earlier
    months: int  # facility-months logged in the period
    months_before: int

    @property
    def referred_per_month(self) -> float | None:
        return round(self.referred / self.months, 2) if self.months else None

    @property
    def referred_per_month_before(self) -> float | None:
        return round(self.referred_before / self.months_before, 2) if self.months_before else None


@dataclass(frozen=True)
class MonthCases:
    """A month of the period, summed over the scope's facilities and techniques (as the overview's chart)."""

    month: dt.date  # its first day
    with_support: int
    independent: int
    referred: int
    logs: int  # facility-technique logs summed; 0: nothing logged (unknown, not zero)


@dataclass(frozen=True)
class Independence:
    facility: str
    technique: str
    month: dt.date


@dataclass
class ReviewFigures:
    period: Period
    previous: Period
    scope: ReviewScope
    scope_label: str
    signed: list[AgreementLine] = field(default_factory=list)
    accepted: list[AgreementLine] = field(default_factory=list)
    terminated: list[AgreementLine] = field(default_factory=list)
    running_at_end: int = 0
    reviews_held: int = 0
    technique_steps: list[TechniqueStep] = field(default_factory=list)
    training: list[TrainingLine] = field(default_factory=list)  # per technique
    trained: int = 0  # people whose first training in a technique ended in the period
    retained: int = 0  # of them, working at the end
    trained_by_end: int = 0
    working_at_end: int = 0
    departures: int = 0  # people (trained before leaving) who left in the period
    departures_breaking: int = 0  # of them, before the end of a commitment to serve
    departures_private: int = 0  # of them, to a private hospital
    assessments: int = 0
    readiness: list[ReadinessChange] = field(default_factory=list)
    gaps_closed: int = 0
    gaps_closed_cost: int = 0
    gaps_open: int = 0
    gaps_open_critical: int = 0
    gaps_overdue: int = 0
    cases: list[CaseLine] = field(default_factory=list)
    case_months: list[MonthCases] = field(default_factory=list)  # per month of the period, summed
    independence: list[Independence] = field(default_factory=list)

    @property
    def became_ready(self) -> int:
        return sum(1 for r in self.readiness if r.became_ready)

    @property
    def techniques_independent(self) -> int:
        return sum(1 for s in self.technique_steps if s.progress == "independent")

    @property
    def techniques_accepted(self) -> int:
        return sum(1 for s in self.technique_steps if s.progress == "accepted")

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dates as ISO text, the totals beside the lists."""
        def plain(value: Any) -> Any:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        data = plain(asdict(self))
        data["totals"] = {
            "agreements_signed": len(self.signed), "agreements_accepted": len(self.accepted),
            "agreements_terminated": len(self.terminated), "agreements_running_at_end": self.running_at_end,
            "reviews_held": self.reviews_held, "techniques_independent": self.techniques_independent,
            "techniques_accepted": self.techniques_accepted, "trained": self.trained, "retained": self.retained,
            "trained_by_end": self.trained_by_end, "working_at_end": self.working_at_end, "departures": self.departures,
            "departures_breaking_commitment": self.departures_breaking, "departures_to_private": self.departures_private,
            "assessments": self.assessments, "became_ready": self.became_ready, "gaps_closed": self.gaps_closed,
            "gaps_open": self.gaps_open, "gaps_overdue": self.gaps_overdue,
            "cases_with_support": sum(c.with_support for c in self.cases), "cases_independent": sum(c.independent for c in self.cases),
            "referred_to_hcmc": sum(c.referred for c in self.cases), "referred_to_hcmc_before": sum(c.referred_before for c in self.cases),
        }
        for line, source in zip(data["readiness"], self.readiness):
            line["became_ready"] = source.became_ready
        return data


@dataclass(frozen=True)
class ReviewText:
    """What the user wrote: the header, the narrative sections (one paragraph per line) and the signing block."""

    issuer: str = ""  # "SỞ Y TẾ"
    issuer_parent: str = ""  # "UBND TỈNH CÀ MAU"
    number: str = ""  # "15/BC-SYT"; "" prints dots to fill in by hand
    place: str = ""
    issued_on: dt.date | None = None  # None: the date line is left to fill in by hand
    results: str = ""
    difficulties: str = ""
    plans: str = ""
    proposals_committee: str = ""
    proposals_ministry: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewDocument:
    figures: ReviewFigures
    text: ReviewText
    headline: tuple[tuple[str, str], ...]  # (label, value) of the main figures, translated and formatted
    record_id: str = ""  # the saved review's id; "" when printed without one
    compiled_on: dt.date = field(default_factory=dt.date.today)  # the figures change with the records: printed with their day
