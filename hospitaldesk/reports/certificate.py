"""The training certificate (giấy chứng nhận hoàn thành khóa đào tạo chuyển giao kỹ thuật) the
transferring hospital gives one trainee: one A4 page in the NĐ 30/2020 layout, the trainee's name
large, the technique, the period, place and result, a box for the photo and the director's signature.

Portrait, like every other HospitalDesk document: the page machinery (footer, QR code, margins) is
A4 portrait, and NĐ 30's form for a "giấy chứng nhận" is portrait too.

build_certificate(data) -> PDF bytes: pure, no database, no screen.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from hospitaldesk.i18n import _, current_language, format_date
from hospitaldesk.reports.blocks import BLANK_NUMBER, GRID, national_header, signature_cell, table_style
from hospitaldesk.reports.page import PageSetup, render, short_hash
from hospitaldesk.reports.stamp import DocumentStamp
from hospitaldesk.reports.styles import CONTENT_WIDTH, para, sheet
from hospitaldesk.reports.trainee_blocks import details_table, period, trainee_styles
from hospitaldesk.reports.trainee_data import CertificateData
from hospitaldesk.text import nfc

PHOTO_WIDTH, PHOTO_HEIGHT = 30 * mm, 40 * mm
DETAIL_WIDTHS = (50 * mm, 95 * mm)  # centred under the name, narrower than the text


def build_certificate(data: CertificateData) -> bytes:
    st = trainee_styles()
    number = data.number.strip() or BLANK_NUMBER
    story: list[Flowable] = [
        national_header(data.issuer_parent, data.issuer, number, data.place, data.issued_on),
        para(_("CERTIFICATE"), st.cert_title),
        para(_("OF COMPLETION OF TECHNIQUE TRANSFER TRAINING"), st.cert_subtitle),
        para(_("THIS IS TO CERTIFY THAT"), st.cert_lead),
        para(data.full_name.strip(), st.cert_name),
        details_table([
            (_("Date of birth:"), format_date(data.birth_date)),
            (_("Profession:"), data.profession),
            (_("Qualification:"), data.qualification),
            (_("Department:"), data.department),
            (_("Workplace:"), data.workplace),
        ], DETAIL_WIDTHS, centred=True),
        para(_("has completed the technique transfer training in:"), st.cert_line),
        para(data.technique.strip(), st.cert_technique),
        details_table([
            (_("Training period:"), period(data.start_on, data.end_on)),
            (_("Form of training:"), data.training_place),
            (_("Under contract No.:"), data.agreement_number),
            (_("Result:"), data.result),
        ], DETAIL_WIDTHS, centred=True),
        Spacer(1, 12 * mm),
        _signatures(data),
    ]
    stamp = DocumentStamp("certificate", data.record_id, data.number.strip(), data.content_hash, current_language())
    footer = (_("Certificate No. {number} · Verification code: {code}").format(number=number,
                                                                                  code=short_hash(data.content_hash))
              if data.content_hash else _("Certificate No. {number}").format(number=number))
    names = {"number": number, "name": nfc(data.full_name.strip()), "technique": data.technique.strip()}
    return render(story, PageSetup(
        stamp=stamp, footer=footer, draft=False,
        title=_("Certificate No. {number}: {name}, {technique}").format(**names),
        subject=_("Certificate of completion of technique transfer training"),
    ))


def _signatures(data: CertificateData) -> Table:
    """The photo box on the left (a 3 × 4 photo, stamped across its edge), the director on the right."""
    s = sheet()
    photo = Table([[para(_("Photo 3 × 4"), s.sign_hint)]], colWidths=[PHOTO_WIDTH], rowHeights=[PHOTO_HEIGHT])
    photo.setStyle(table_style(("BOX", (0, 0), (-1, -1), 0.6, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TEXTCOLOR", (0, 0), (-1, -1), colors.Color(0.4, 0.4, 0.4))))
    heading = nfc(data.signer_title.strip()).upper() or _("Director").upper()
    signer = signature_cell(heading, names=[data.signer_name])
    half = CONTENT_WIDTH / 2
    table = Table([[photo, signer]], colWidths=[half, half])
    table.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (0, 0), "CENTER"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0)))
    return table


__all__ = ["build_certificate"]
