"""An agreement's life: draft → signed → in progress → accepted → closed (or terminated),
the 6-monthly reviews, and each technique's progress. Every change is dated and kept.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Agreement, AgreementEvent, AgreementTechnique
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import _, format_date, parse_date
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import contract_content
from hospitaldesk.services.agreements import contract_lines, get_agreement, number_taken
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.forms import FIRST_YEAR, LAST_YEAR


@dataclass(frozen=True)
class Event:
    on_date: str  # dd/mm/yyyy
    kind: str
    description: str
    reason: str


def allowed_targets(status: str) -> list[str]:
    return list(terms.TRANSITIONS.get(status, ()))


def _date(value: str | dt.date | None, field: str, label: str) -> dt.date:
    day = value if isinstance(value, dt.date) else parse_date(value or "")
    if day is None:
        raise ValidationError([FieldError(field, label, _("Not a date. Write it as dd/mm/yyyy, e.g. 21/07/2023."))])
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError([FieldError(field, label, _("The year must be between {first} and {last}.").format(first=FIRST_YEAR, last=LAST_YEAR))])
    return day


def signing_problems(agreement: Agreement) -> list[FieldError]:
    """What must be filled in before an agreement can be signed."""
    problems: list[FieldError] = []
    for field, label in (("a_representative", _("Party A: representative")), ("a_position", _("Party A: position")),
                         ("b_representative", _("Party B: representative")), ("b_position", _("Party B: position")),
                         ("sign_place", _("Place of signing"))):
        if not getattr(agreement, field).strip():
            problems.append(FieldError(field, label, _("Needed before signing.")))
    if not contract_lines(agreement.id):
        problems.append(FieldError("lines", _("Techniques"), _("Add at least one technique before signing.")))
    return problems


def change_status(record_id: str | uuid.UUID, target: str, on_date: str | dt.date | None, reason: str = "") -> None:
    """Move an agreement to `target`, dated, with a reason; refuse what the lifecycle does not allow.

    Signing freezes the contract's content (and its hash) and schedules the first review.
    """
    with atomic():
        agreement = get_agreement(record_id)
        current = agreement.status
        if target not in terms.STATUSES:
            raise ValidationError([FieldError("status", _("Status"), _("Unknown status: {status}").format(status=target))])
        if not terms.can_change(current, target):
            allowed = ", ".join(terms.label(terms.STATUSES, s) for s in allowed_targets(current)) or _("none")
            raise ValidationError([FieldError("status", _("Status"), _(
                "An agreement that is '{current}' cannot become '{target}'. Possible next steps: {allowed}.").format(
                current=terms.label(terms.STATUSES, current), target=terms.label(terms.STATUSES, target), allowed=allowed))])
        day = _date(on_date, "on_date", _("Date"))
        reason = text.clean(reason)
        if target in terms.REASON_REQUIRED and not reason:
            raise ValidationError([FieldError("reason", _("Reason"), _("Say why the agreement ends early."))])
        if agreement.status_changed_on and day < agreement.status_changed_on:
            raise ValidationError([FieldError("on_date", _("Date"), _(
                "The date is before the previous change ({date}).").format(date=format_date(agreement.status_changed_on)))])
        if target == "signed":
            problems = signing_problems(agreement)
            if problems:
                raise ValidationError(problems)
            # Numbered in the year it is signed: a December draft signed in January takes next year's sequence.
            if day.year != agreement.year and number_taken(agreement.number, day.year, agreement.id):
                raise ValidationError([FieldError("number", _("Number"), _(
                    "Number {number} is already used by another agreement of {year}.").format(number=agreement.number, year=day.year))])
            agreement.year = day.year
            agreement.signed_on = day
            contract_content.freeze(agreement, contract_content.agreement_content(agreement, contract_lines(agreement.id), day))
            agreement.next_review = terms.review_after(day, None)
        if target not in terms.ACTIVE_STATUSES:
            agreement.next_review = None
        agreement.status = target
        agreement.status_changed_on = day
        agreement.save()
        AgreementEvent.create(id=uuid.uuid4(), agreement=agreement.id, kind="status", from_status=current,
                              to_status=target, on_date=day, reason=reason)


def record_review(record_id: str | uuid.UUID, on_date: str | dt.date | None, note: str = "") -> dt.date:
    """The directors held the due review: note it and schedule the next one (6 months on). Returns it."""
    with atomic():
        agreement = get_agreement(record_id)
        if agreement.status not in terms.ACTIVE_STATUSES or agreement.signed_on is None:
            raise ValidationError([FieldError("status", _("Status"), _("Reviews are held for signed agreements that are running."))])
        day = _date(on_date, "on_date", _("Date"))
        if day < agreement.signed_on:
            raise ValidationError([FieldError("on_date", _("Date"), _("The review cannot be before the signing date."))])
        last = (AgreementEvent.select(AgreementEvent.on_date)
                .where(AgreementEvent.agreement == agreement.id, AgreementEvent.kind == "review", AgreementEvent.deleted == False)  # noqa: E712
                .order_by(AgreementEvent.on_date.desc()).first())
        if last is not None and day < last.on_date:
            raise ValidationError([FieldError("on_date", _("Date"), _(
                "The previous review was held on {date}: this one cannot be earlier.").format(date=format_date(last.on_date)))])
        due = agreement.next_review or terms.review_after(agreement.signed_on, None)
        agreement.next_review = terms.review_after(agreement.signed_on, max(due, day))
        agreement.save()
        AgreementEvent.create(id=uuid.uuid4(), agreement=agreement.id, kind="review", on_date=day,
                              reason=text.clean(note), to_status=agreement.status, from_status=agreement.status)
        return agreement.next_review


def set_progress(line_id: str | uuid.UUID, progress: str, on_date: str | dt.date | None = None) -> None:
    """A technique's progress at the receiving hospital (allowed at any status but draft or ended)."""
    if progress not in terms.PROGRESS:
        raise ValidationError([FieldError("progress", _("Progress"), _("Choose one of the values in the list."))])
    with atomic():
        line = AgreementTechnique.live().where(AgreementTechnique.id == parse_id(line_id)).first()
        if line is None:
            raise NotFoundError(_("No such record: {id}").format(id=line_id))
        agreement = get_agreement(line.agreement_id)
        if agreement.status in ("draft", "closed", "terminated"):
            raise ValidationError([FieldError("progress", _("Progress"), _(
                "Progress is recorded once the agreement is signed and while it runs."))])
        from hospitaldesk.services.amendments import lines_in_force

        if line.id not in {in_force.id for in_force in lines_in_force(agreement.id)}:
            raise ValidationError([FieldError("progress", _("Progress"), _("This technique line is not in force (replaced, or in an unsigned amendment)."))])
        day = _date(on_date or dt.date.today(), "on_date", _("Date"))
        if agreement.signed_on and day < agreement.signed_on:
            raise ValidationError([FieldError("on_date", _("Date"), _("The date cannot be before the signing date ({date}).").format(
                date=format_date(agreement.signed_on)))])
        before = line.progress
        line.progress = progress
        line.progress_changed_on = day
        line.save()
        AgreementEvent.create(id=uuid.uuid4(), agreement=agreement.id, kind="progress", from_status=before,
                              to_status=progress, on_date=day, reason=str(line.technique.name))


def history(record_id: str | uuid.UUID) -> list[Event]:
    """The dated life of an agreement, oldest first."""
    agreement = get_agreement(record_id)
    events = AgreementEvent.live().where(AgreementEvent.agreement == agreement.id).order_by(AgreementEvent.on_date, AgreementEvent.created_at)
    result = []
    for e in events:
        if e.kind == "status":
            description = _("{before} → {after}").format(before=terms.label(terms.STATUSES, e.from_status), after=terms.label(terms.STATUSES, e.to_status))
        elif e.kind == "review":
            description = _("6-monthly review held")
        elif e.kind == "progress":
            description = _("Progress: {before} → {after}").format(before=terms.label(terms.PROGRESS, e.from_status), after=terms.label(terms.PROGRESS, e.to_status))
        else:
            description = _("Amendment {number} signed").format(number=e.to_status)
        result.append(Event(format_date(e.on_date), e.kind, description, e.reason))
    return result
