"""The printed responsibility contract on technique transfer (hợp đồng trách nhiệm về
chuyển giao kỹ thuật), laid out like a Vietnamese administrative contract (NĐ 30/2020).

build_contract(doc) -> PDF bytes: pure, no database, no screen. build_amendment lives in
amendment.py and is re-exported here, so callers find both documents in one place.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from hospitaldesk.i18n import _, current_language, format_date, format_money, ngettext
from hospitaldesk.reports.amendment import build_amendment
from hospitaldesk.reports.blocks import (
    BLANK_NUMBER, bulleted, closing, national_header, numbered, party_block, technique_table, today_line, trainee_table,
    warnings_box,
)
from hospitaldesk.reports.contract_data import ContractDocument, TechniqueLine
from hospitaldesk.reports.page import PageSetup, audit_footnote, render, short_hash
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import esc, para, rich, sheet

__all__ = ["build_amendment", "build_contract"]

# Used when the contract's general provisions are empty: the programme requires this review.
REVIEW_CLAUSE_MONTHS = 6


def build_contract(doc: ContractDocument) -> bytes:
    s = sheet()
    number = doc.number.strip() or BLANK_NUMBER
    story: list[Flowable] = [
        national_header(doc.issuer_parent, doc.party_a.name, number, doc.place, doc.signed_on),
        para(_("RESPONSIBILITY CONTRACT"), s.title),
        para(_("On the transfer of techniques"), s.subtitle),
    ]
    if doc.title.strip():
        story.append(para(doc.title, s.subtitle))
    context = [doc.level_text.strip()]
    if doc.programme_text.strip():
        context.append(_("Programme: {programme}").format(programme=doc.programme_text.strip()))
    if any(context):
        story.append(rich("<br/>".join(esc(c) for c in context if c), s.centre_italic))
    story.append(Spacer(1, 6))
    if doc.draft and doc.warnings:
        story += [warnings_box(doc.warnings), Spacer(1, 8)]
    story += [para(basis, s.basis) for basis in doc.legal_bases]
    story.append(para(today_line(doc.place, doc.signed_on), s.body))
    story += party_block(doc.party_a) + party_block(doc.party_b)
    story.append(para(_("The two parties agree to sign this responsibility contract on technique transfer "
                        "on the following terms:"), s.body))
    story += _articles(doc)
    last = [story.pop()]  # the final clause goes onto the signature page with the signatures
    story.append(closing(last, doc.party_a, doc.party_b, doc.recipients))
    story += _annex(doc, number)
    stamp = DocumentStamp("contract", doc.record_id, doc.number, doc.content_hash, current_language(), doc.audit_head)
    footer = (_("Contract No. {number} · Verification code: {code}").format(number=number, code=short_hash(doc.content_hash))
              if doc.content_hash else _("Contract No. {number}").format(number=number))
    return render(story, PageSetup(
        stamp=stamp, footer=footer, draft=doc.draft, footnote=audit_footnote(doc.audit_head),
        title=_("Responsibility contract No. {number}: {title}").format(number=number, title=doc.title),
        subject=_("Responsibility contract on technique transfer"),
    ))


# --- the articles ---------------------------------------------------------------------------------

Article = tuple[str, list[Flowable]]  # heading template with {number}, body


def _articles(doc: ContractDocument) -> list[Flowable]:
    """Điều 1..N. An article with nothing to say is left out and the rest renumbered, never a gap."""
    s = sheet()
    articles: list[Article] = [
        (_("Article {number}. Subject of the contract"), _subject(doc)),
        (_("Article {number}. Techniques and schedule"), _schedule(doc.techniques)),
        (_("Article {number}. Obligations of Party A"), numbered(doc.obligations_a)),
        (_("Article {number}. Obligations of Party B"), numbered(doc.obligations_b)),
        (_("Article {number}. Costs"), _costs(doc.techniques)),
        (_("Article {number}. Acceptance of the transfer"), numbered(doc.acceptance_criteria)),
        (_("Article {number}. Retention of trained staff and techniques"),
         numbered(doc.retention)),
        (_("Article {number}. Term and termination"), numbered(doc.term)),
        (_("Article {number}. General provisions"), numbered(doc.general or [
            _("Every {months} months, the directors of the two hospitals review the progress of this contract.").format(
                months=REVIEW_CLAUSE_MONTHS)])),
    ]
    out: list[Flowable] = []
    for number, (heading, body) in enumerate(((h, b) for h, b in articles if b), 1):
        out.append(para(heading.format(number=number), s.article))
        out += body
    return out


def _subject(doc: ContractDocument) -> list[Flowable]:
    s = sheet()
    if not doc.techniques:
        return [para(_("Party A transfers to Party B, and Party B receives: {title}.").format(title=doc.title.strip()), s.body)]
    names = [t.name + (f" ({t.specialty.strip()})" if t.specialty.strip() else "") for t in doc.techniques]
    return [
        para(_("Party A transfers to Party B, and Party B receives, the following techniques:"), s.body),
        *bulleted(names),
        para(_("The schedule, trainees, place, form of support and cost of each technique are set out in the Annex, "
               "which is an integral part of this contract."), s.body),
    ]


def _schedule(lines: list[TechniqueLine]) -> list[Flowable]:
    if not lines:
        return []
    trainees = sum(t.trainees_planned for t in lines)
    items = [ngettext("This contract covers {count} technique.", "This contract covers {count} techniques.",
                      len(lines)).format(count=len(lines))]
    if trainees:
        items.append(ngettext("{count} trainee of Party B is planned to be trained.",
                              "{count} trainees of Party B are planned to be trained.", trainees).format(count=trainees))
    starts = [t.start for t in lines if t.start]
    ends = [t.end for t in lines if t.end]
    if starts and ends:
        items.append(_("Implementation period: from {start} to {end}.").format(
            start=format_date(min(starts)), end=format_date(max(ends))))
    elif starts:
        items.append(_("Implementation starts on {start}.").format(start=format_date(min(starts))))
    elif ends:
        items.append(_("Implementation ends by {end}.").format(end=format_date(max(ends))))
    items.append(_("The detailed schedule of each technique is set out in the Annex."))
    return numbered(items)


def _costs(lines: list[TechniqueLine]) -> list[Flowable]:
    if not lines:
        return []
    total = sum(t.cost for t in lines)
    shares: dict[str, int] = {}  # payer -> amount, in the order payers first appear
    for t in lines:
        if t.cost:
            payer = t.payer.strip() or _("Payer not yet agreed")
            shares[payer] = shares.get(payer, 0) + t.cost
    items = [_("Total cost of the transfer: {amount}.").format(amount=format_money(total))]
    items += [_("{payer} bears: {amount}.").format(payer=p, amount=format_money(a)) for p, a in shares.items()]
    items.append(_("The cost of each technique is itemised in the Annex."))
    return numbered(items)


def _annex(doc: ContractDocument, number: str) -> list[Flowable]:
    if not doc.techniques and not doc.trainees:
        return []
    s = sheet()
    attached = (_("(Attached to Contract No. {number} dated {date})").format(number=number, date=format_date(doc.signed_on))
                if doc.signed_on else _("(Attached to Contract No. {number})").format(number=number))
    out: list[Flowable] = [PageBreak()]
    if doc.techniques:
        out += [para(_("ANNEX: LIST OF TECHNIQUES TRANSFERRED"), s.title), para(attached, s.centre_italic),
                technique_table(doc.techniques)]
    if doc.trainees:
        if doc.techniques:
            out.append(Spacer(1, 8 * mm))
        out += [para(_("PLANNED TRAINEES"), s.title)]
        if not doc.techniques:
            out.append(para(attached, s.centre_italic))
        out.append(trainee_table(doc.trainees))
    return out
