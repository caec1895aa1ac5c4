"""Amendments (phụ lục): the only way a signed agreement changes.

An amendment has its own number and date, clauses, and may add technique lines
or replace existing ones (a new schedule, more trainees). Like the contract, it
is edited as a draft and frozen when signed; only then do its lines take effect.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Agreement, AgreementEvent, AgreementTechnique, Amendment
from hospitaldesk.db.rows import CHUNK, id_text, raw_rows
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import N_, _, format_date
from hospitaldesk.services import agreement_terms as terms
from hospitaldesk.services import contract_content
from hospitaldesk.services.agreement_lifecycle import _date
from hospitaldesk.services.agreements import LINE_FIELDS, get_agreement, line_values, validate_lines, write_lines
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.forms import Choice, FieldSpec, validate
from hospitaldesk.services import authority

AMENDABLE = ("signed", "in_progress", "accepted")

FIELDS: list[FieldSpec] = [
    FieldSpec("number", N_("Number"), required=True, max_length=80),
    FieldSpec("subject", N_("Subject"), required=True, max_length=500, hint=N_("e.g. Điều chỉnh tiến độ đào tạo kỹ thuật ECMO.")),
    FieldSpec("clauses", N_("Clauses"), "multiline", required=True, hint=N_("One clause per line: what is changed, from when.")),
    FieldSpec("sign_place", N_("Place of signing"), max_length=120),
]


def line_fields(agreement_id: str | uuid.UUID) -> list[FieldSpec]:
    """The technique-line fields of an amendment, plus which line in force it replaces (if any)."""
    key = parse_id(agreement_id)

    def in_force() -> list[Choice]:
        return [Choice(str(line.id), _("{technique} (until {end})").format(technique=line.technique.name, end=format_date(line.end) or "…"))
                for line in lines_in_force(key)]

    return [*LINE_FIELDS, FieldSpec("replaces", N_("Replaces the line"), "choice", choices=in_force,
                                     hint=N_("Empty: a technique added by this amendment."))]


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return uuid.UUID(int=0)  # not a line id at all: reported as "not in force"


def get_amendment(amendment_id: str | uuid.UUID) -> Amendment:
    amendment = Amendment.live().where(Amendment.id == parse_id(amendment_id)).first()
    if amendment is None:
        raise NotFoundError(_("No such record: {id}").format(id=amendment_id))
    return amendment


def resolve(reference: str) -> Amendment:
    """An amendment by id, or by number when only one amendment carries it."""
    try:
        return get_amendment(uuid.UUID(reference))
    except ValueError:
        pass
    matches = list(Amendment.live().where(Amendment.number == text.nfc(reference).strip()))
    if not matches:
        raise NotFoundError(_("No amendment with the id or number {reference}.").format(reference=reference))
    if len(matches) > 1:
        listed = "; ".join(f"{a.id} ({a.subject})" for a in matches[:10])
        raise NotFoundError(_("Several amendments are numbered {reference}: use the id of the one you mean: {listed}").format(
            reference=reference, listed=listed))
    return matches[0]


def amendments_of(agreement_id: str | uuid.UUID) -> list[dict[str, Any]]:
    rows = Amendment.live().where(Amendment.agreement == parse_id(agreement_id)).order_by(Amendment.sequence)
    return [{"id": str(a.id), "number": a.number, "subject": a.subject, "status": a.status,
             "status_label": _("Signed") if a.status == "signed" else _("Draft"),
             "signed_on": format_date(a.signed_on)} for a in rows]


def new_amendment(agreement_id: str | uuid.UUID) -> dict[str, Any]:
    """Form values for the next amendment of an agreement."""
    agreement = get_agreement(agreement_id)
    sequence = _next_sequence(agreement.id)
    return {"number": f"{sequence:02d}/PL-{agreement.number}", "subject": "", "clauses": "",
            "sign_place": agreement.sign_place, "lines": []}


def _next_sequence(agreement_id: uuid.UUID) -> int:
    highest = max((a.sequence for a in Amendment.select(Amendment.sequence).where(Amendment.agreement == agreement_id)), default=0)
    return int(highest) + 1


def get(amendment_id: str | uuid.UUID) -> dict[str, Any]:
    amendment = get_amendment(amendment_id)
    values: dict[str, Any] = {spec.name: getattr(amendment, spec.name) for spec in FIELDS}
    values.update(status=amendment.status, agreement_id=str(amendment.agreement_id), signed_on=format_date(amendment.signed_on))
    lines = AgreementTechnique.live().where(AgreementTechnique.amendment == amendment.id).order_by(AgreementTechnique.position)
    values["lines"] = [dict(line_values(line), replaces=str(line.replaces_id) if line.replaces_id else "") for line in lines]
    return values


def save_amendment(agreement_id: str | uuid.UUID, raw: dict[str, Any], lines: list[dict[str, Any]],
                   amendment_id: str | uuid.UUID | None = None) -> str:
    """Create or update a draft amendment and its technique lines, in one transaction.

    A line with 'replaces' (the id of a line in force) supersedes it once signed.
    """
    with atomic():
        agreement = get_agreement(agreement_id)
        if agreement.status not in AMENDABLE:
            raise ValidationError([FieldError("status", _("Status"), _(
                "Only a signed agreement that has not ended can be amended. A draft is simply edited."))])
        errors: list[FieldError] = []
        values: dict[str, Any] = {}
        try:
            values = validate(FIELDS, raw)
        except ValidationError as exc:
            errors.extend(exc.errors)
        try:
            clean = validate_lines(lines)
        except ValidationError as exc:
            errors.extend(exc.errors)
            clean = []
        if clean:
            pairs = [(uuid.UUID(line["technique"]), _uuid_or_none(raw.get("replaces"))) for line, raw in zip(clean, lines)]
            errors.extend(_conflicts(agreement.id, pairs))
        if errors:
            raise ValidationError(errors)
        for line, raw_line in zip(clean, lines):
            line["replaces"] = raw_line.get("replaces") or None
        if amendment_id:
            amendment = get_amendment(amendment_id)
            if amendment.status != "draft":
                raise ValidationError([FieldError("status", _("Status"), _("A signed amendment cannot change. Make another amendment."))])
            new = False
        else:
            amendment = Amendment(id=uuid.uuid4(), agreement=agreement.id, sequence=_next_sequence(agreement.id), status="draft")
            new = True
        taken = Amendment.live().where(Amendment.agreement == agreement.id, Amendment.number == values["number"], Amendment.id != amendment.id)
        if taken.exists():
            raise ValidationError([FieldError("number", _("Number"), _("'{value}' is already used by another record.").format(value=values["number"]))])
        for name, value in values.items():
            setattr(amendment, name, value)
        amendment.save(force_insert=new)
        write_lines(agreement.id, amendment.id, clean)
    return str(amendment.id)


def sign_amendment(amendment_id: str | uuid.UUID, on_date: str | dt.date | None) -> None:
    """Sign: freeze the amendment's text and put its lines in force."""
    with atomic():
        amendment = get_amendment(amendment_id)
        if amendment.status != "draft":
            raise ValidationError([FieldError("status", _("Status"), _("This amendment is already signed."))])
        agreement = get_agreement(amendment.agreement_id)
        if agreement.status not in AMENDABLE:
            raise ValidationError([FieldError("status", _("Status"), _(
                "Agreement {number} has ended ({status}): its amendments can no longer be signed.").format(
                number=agreement.number, status=terms.label(terms.STATUSES, agreement.status)))])
        day = _date(on_date, "on_date", _("Date"))
        if agreement.signed_on and day < agreement.signed_on:
            raise ValidationError([FieldError("on_date", _("Date"), _("An amendment cannot be signed before its agreement ({date}).").format(
                date=format_date(agreement.signed_on)))])
        if not amendment.sign_place.strip():
            raise ValidationError([FieldError("sign_place", _("Place of signing"), _("Needed before signing."))])
        base = contract_content.frozen(agreement)
        if base is None:
            raise ValidationError([FieldError("status", _("Status"), _("The agreement is not signed yet."))])
        lines = amendment_lines(amendment.id)
        problems = _conflicts(agreement.id, [(line.technique_id, line.replaces_id) for line in lines])
        if problems:
            raise ValidationError(problems)
        contract_content.freeze(amendment, contract_content.amendment_content(amendment, base, lines, day))
        for line in lines:  # a rescheduled technique keeps the progress it had made
            if line.replaces_id:
                old = AgreementTechnique.get_by_id(line.replaces_id)
                line.progress, line.progress_changed_on = old.progress, old.progress_changed_on
                line.save()
        amendment.status = "signed"
        amendment.signed_on = day
        amendment.save()
        AgreementEvent.create(id=uuid.uuid4(), agreement=agreement.id, kind="amendment", to_status=amendment.number,
                              on_date=day, reason=text.clean(amendment.subject))
        agreement.refresh_search_key()  # its techniques may have changed
        Agreement.update(search_key=agreement.search_key).where(Agreement.id == agreement.id).execute()


def _conflicts(agreement_id: uuid.UUID, lines: list[tuple[uuid.UUID, uuid.UUID | None]]) -> list[FieldError]:
    """(technique, replaces) pairs that no longer fit the lines in force: a replaced line that another
    signed amendment already changed, or a technique added twice."""
    in_force = lines_in_force(agreement_id)
    in_force_ids = {line.id for line in in_force}
    techniques = {line.technique_id for line in in_force}
    errors: list[FieldError] = []
    for row, (technique_id, replaces_id) in enumerate(lines, start=1):
        if replaces_id is not None and replaces_id not in in_force_ids:
            errors.append(FieldError("replaces", _("Replaces"), _("The line it replaces is not in force (another amendment may have changed it)."), row))
        elif replaces_id is None and technique_id in techniques:
            errors.append(FieldError("technique", _("Technique"), _("This technique is already in force: choose the line it replaces."), row))
    return errors


def delete_amendment(amendment_id: str | uuid.UUID) -> None:
    authority.require("delete")
    with atomic():
        amendment = get_amendment(amendment_id)
        if amendment.status != "draft":
            raise ValidationError([FieldError("status", _("Status"), _("A signed amendment cannot be deleted."))])
        for line in AgreementTechnique.live().where(AgreementTechnique.amendment == amendment.id):
            line.deleted = True
            line.save()
        amendment.deleted = True
        amendment.save()


def amendment_lines(amendment_id: uuid.UUID) -> list[AgreementTechnique]:
    return list(AgreementTechnique.live().where(AgreementTechnique.amendment == amendment_id).order_by(AgreementTechnique.position))


def lines_in_force(agreement_id: uuid.UUID) -> list[AgreementTechnique]:
    """The contract's lines and those of its signed amendments, minus the lines they replaced (_in_force's rule)."""
    ids = [uuid.UUID(id_text(line)) for line, _agreement, _technique in _in_force([agreement_id])]
    found = {line.id: line for line in AgreementTechnique.select().where(AgreementTechnique.id.in_(ids))} if ids else {}
    return [found[line] for line in ids]


def techniques_in_force(agreement_ids: list[Any]) -> list[tuple[Any, Any]]:
    """(agreement, technique) of the lines in force of many agreements (stored ids, as raw rows give them),
    in each agreement's print order: a few queries for any number of agreements."""
    return [(agreement, technique) for _line, agreement, technique in _in_force(agreement_ids)]


def _in_force(agreement_ids: list[Any]) -> list[tuple[Any, Any, Any]]:
    """(line, agreement, technique) of the agreements' lines in force, as stored ids, in each agreement's print
    order (the contract's lines, then the amendments', by position): the live lines of the contract and of its
    signed amendments, minus the lines those replaced."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(agreement_ids), CHUNK):
        rows += raw_rows(AgreementTechnique.select(
            AgreementTechnique.id, AgreementTechnique.agreement, AgreementTechnique.technique, AgreementTechnique.amendment,
            AgreementTechnique.replaces, AgreementTechnique.position,
        ).where(AgreementTechnique.agreement.in_(agreement_ids[start:start + CHUNK]), AgreementTechnique.deleted == False))  # noqa: E712
    amendments = list({row[3] for row in rows if row[3] is not None})
    signed: set[Any] = set()
    for start in range(0, len(amendments), CHUNK):
        signed |= {a for (a,) in raw_rows(Amendment.select(Amendment.id).where(
            Amendment.id.in_(amendments[start:start + CHUNK]), Amendment.status == "signed", Amendment.deleted == False))}  # noqa: E712
    in_force = [row for row in rows if row[3] is None or row[3] in signed]
    replaced = {row[4] for row in in_force if row[4] is not None}
    ordered = sorted((row for row in in_force if row[0] not in replaced), key=lambda row: (row[3] is not None, row[5]))
    return [(row[0], row[1], row[2]) for row in ordered]


def technique_progress(agreement_id: str | uuid.UUID) -> list[dict[str, Any]]:
    """Rows for the progress table: each technique in force with its progress."""
    rows = []
    for line in lines_in_force(parse_id(agreement_id)):
        rows.append({**line_values(line), "name": line.technique.name,
                     "progress_label": terms.label(terms.PROGRESS, line.progress),
                     "progress_changed_on": format_date(line.progress_changed_on)})
    return rows


def agreement_of(amendment_id: str | uuid.UUID) -> Agreement:
    return get_agreement(get_amendment(amendment_id).agreement_id)
