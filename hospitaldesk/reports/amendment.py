"""The printed amendment (phụ lục hợp đồng) to a responsibility contract: same header,
parties and signatures as the contract, its clauses as Điều 1..N, an optional table of
techniques added or rescheduled, and a final article tying it to the contract.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from hospitaldesk.i18n import _, current_language, format_date
from hospitaldesk.reports.blocks import BLANK_NUMBER, closing, national_header, party_block, technique_table, today_line
from hospitaldesk.reports.contract_data import AmendmentDocument
from hospitaldesk.reports.page import PageSetup, audit_footnote, render, short_hash
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import esc, para, rich, sheet
from hospitaldesk.text import nfc


def build_amendment(doc: AmendmentDocument) -> bytes:
    s = sheet()
    number = doc.number.strip() or BLANK_NUMBER
    attached = (_("Attached to Contract No. {number} signed on {date}").format(
        number=doc.contract_number, date=format_date(doc.contract_signed_on))
        if doc.contract_signed_on else _("Attached to Contract No. {number}").format(number=doc.contract_number))
    story: list[Flowable] = [
        national_header(doc.issuer_parent, doc.party_a.name, None, doc.place, doc.signed_on),
        para(_("CONTRACT AMENDMENT"), s.title),
        para(_("No.: {number}").format(number=number), s.subtitle),
        para(attached, s.centre_italic),
    ]
    if doc.title.strip():
        story.append(para(_("Regarding: {subject}").format(subject=doc.title.strip()), s.subtitle))
    story.append(Spacer(1, 6))
    story += [para(basis, s.basis) for basis in _legal_bases(doc)]
    story.append(para(today_line(doc.place, doc.signed_on), s.body))
    story += party_block(doc.party_a) + party_block(doc.party_b)
    story.append(para(_("The two parties agree to amend Contract No. {number} as follows:").format(
        number=doc.contract_number), s.body))
    story += _articles(doc)
    last = [story.pop()]  # the final article stays on the signature page
    story.append(closing(last, doc.party_a, doc.party_b, doc.recipients))
    stamp = DocumentStamp("amendment", doc.record_id, doc.number, doc.content_hash, current_language(), doc.audit_head)
    footer = (_("Amendment No. {number} · Verification code: {code}").format(number=number, code=short_hash(doc.content_hash))
              if doc.content_hash else _("Amendment No. {number}").format(number=number))
    return render(story, PageSetup(
        stamp=stamp, footer=footer, draft=doc.draft, footnote=audit_footnote(doc.audit_head),
        title=_("Amendment No. {number} to Contract No. {contract_number}").format(
            number=number, contract_number=doc.contract_number),
        subject=_("Amendment to a responsibility contract on technique transfer"),
    ))


def _legal_bases(doc: AmendmentDocument) -> list[str]:
    """The amendment's bases always cite the contract it amends (unless the user already did)."""
    bases = [b.strip() for b in doc.legal_bases if b.strip()]
    if any(nfc(doc.contract_number) in nfc(b) for b in bases):
        return bases
    names = {"number": doc.contract_number, "party_a": doc.party_a.name, "party_b": doc.party_b.name}
    own = (_("Pursuant to Contract No. {number} signed on {date} between {party_a} and {party_b};").format(
        date=format_date(doc.contract_signed_on), **names)
        if doc.contract_signed_on else _("Pursuant to Contract No. {number} between {party_a} and {party_b};").format(**names))
    if bases and bases[-1].endswith("."):
        return [*bases[:-1], own, bases[-1]]  # the closing basis keeps its full stop
    if own.endswith(";"):
        own = own[:-1] + "."
    return [*bases, own]


def _articles(doc: AmendmentDocument) -> list[Flowable]:
    s = sheet()
    out: list[Flowable] = []
    number = 0
    for clause in (c for c in doc.clauses if c.strip()):
        number += 1
        out.append(_inline_article(number, clause))
    if doc.techniques:
        number += 1
        out += [
            para(_("Article {number}. Techniques added or rescheduled").format(number=number), s.article),
            para(_("The Annex of the contract is supplemented or amended with the techniques below:"), s.body),
            technique_table(doc.techniques),
            Spacer(1, 6),
        ]
    number += 1
    effect = _("This amendment is an integral part of Contract No. {number} and takes effect from the date of signing. "
               "The other terms of the contract remain unchanged.").format(number=doc.contract_number)
    out.append(_inline_article(number, effect))
    return out


def _inline_article(number: int, text: str) -> Flowable:
    """'**Điều 2.** Gia hạn ...': a short article whose whole text follows its number."""
    label = _("Article {number}.").format(number=number)
    return rich(f"<b>{esc(label)}</b> {esc(text.strip())}", sheet().body)
