"""The commitment to serve after training (bản cam kết phục vụ sau đào tạo), signed by the trainee
and confirmed by the head of the facility that employs them: who they are, the training they are
sent to, and what they commit to (serve N years, not leave without permission, repay if they
do, pass the technique on). A4 portrait, NĐ 30/2020 layout.

build_commitment(data) -> PDF bytes: pure, no database, no screen.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from hospitaldesk.i18n import _, current_language, format_date, format_money, ngettext
from hospitaldesk.reports.blocks import national_header, signature_cell
from hospitaldesk.reports.page import PageSetup, render, short_hash
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import CONTENT_WIDTH, esc, para, rich, sheet
from hospitaldesk.reports.trainee_blocks import INDENT, aligned_signatures, details_table, period, trainee_styles
from hospitaldesk.reports.trainee_data import CommitmentData
from hospitaldesk.text import nfc

# Label, value, label, value: two short details share a line (date of birth and ID number, contract and cost).
DETAIL_WIDTHS = (46 * mm, 40 * mm, 35 * mm, CONTENT_WIDTH - INDENT - 121 * mm)
FILL_DATE, FILL_ID = "....../....../..........", "........................"  # to write in by hand


def build_commitment(data: CommitmentData) -> bytes:
    s, st = sheet(), trainee_styles()
    facility = nfc(data.facility.strip())
    to = _("To: The Board of Directors of {facility}").format(facility=facility)
    story: list[Flowable] = [
        national_header(data.facility_parent, data.facility, None, data.place, data.signed_on),
        para(_("COMMITMENT"), st.title),
        para(_("To serve after training"), s.subtitle),
        Spacer(1, 4),
        rich(f"<b>{esc(to)}</b>", s.centre),
        para(_("I, the undersigned:"), st.lead),
        details_table([
            (_("Full name:"), data.full_name),
            ((_("Date of birth:"), format_date(data.birth_date) or FILL_DATE),
             (_("Citizen ID No.:"), data.national_id or FILL_ID)),
            (_("Profession:"), data.profession),
            (_("Qualification:"), data.qualification),
            (_("Department:"), data.department),
        ], DETAIL_WIDTHS),
        para(_("sent by my facility to be trained in a transferred technique, as follows:"), st.lead),
        details_table([
            (_("Technique:"), data.technique),
            (_("Trained at (Party A):"), data.transferring),
            (_("Training period:"), period(data.start_on, data.end_on)),
            (_("Form of training:"), data.training_place),
            ((_("Under contract No.:"), data.agreement_number),
             (_("Training cost:"), format_money(data.cost) if data.cost else "")),
        ], DETAIL_WIDTHS),
        para(_("I hereby commit:"), st.lead),
        *(para(f"{i}. {text.strip()}", st.clause) for i, text in enumerate(_commitments(data, facility), 1)),
    ]
    closing = para(_("I take full responsibility for keeping this commitment."), s.body)
    story.append(KeepTogether([closing, Spacer(1, 6), aligned_signatures([
        signature_cell(_("CONFIRMED BY THE HEAD OF THE FACILITY")),
        signature_cell(_("THE UNDERSIGNED"), names=[data.full_name], hint=_("(Signature and full name)")),
    ])]))
    stamp = DocumentStamp("commitment", data.record_id, data.agreement_number.strip(), data.content_hash,
                          current_language())
    name = nfc(data.full_name.strip())
    footer = (_("Commitment to serve: {name} · Verification code: {code}").format(name=name,
                                                                                   code=short_hash(data.content_hash))
              if data.content_hash else _("Commitment to serve: {name}").format(name=name))
    return render(story, PageSetup(
        stamp=stamp, footer=footer, draft=False,
        title=_("Commitment to serve after training: {name}, {technique}").format(
            name=name, technique=data.technique.strip()),
        subject=_("Commitment to serve after training"),
    ))


def _commitments(data: CommitmentData, facility: str) -> list[str]:
    serve = ngettext(
        "To work at {facility} for at least {years} year from the end of the training ({end}), that is until {until}.",
        "To work at {facility} for at least {years} years from the end of the training ({end}), that is until {until}.",
        data.years,
    ).format(facility=facility, years=data.years, end=format_date(data.end_on), until=format_date(data.ends_on))
    repay = data.reimbursement.strip() or _(
        "If I leave before that date, to repay the training costs in proportion to the time not served, "
        "as the rules of {facility} provide.").format(facility=facility)
    return [
        serve,
        _("Not to resign, leave or move to another workplace before that date without the written consent of "
          "the director of {facility}.").format(facility=facility),
        repay,
        _("To follow the training rules of {hospital} during the training.").format(hospital=nfc(data.transferring.strip())),
        _("To apply the technique in my work at the facility and to teach it to my colleagues."),
    ]


__all__ = ["build_commitment"]
