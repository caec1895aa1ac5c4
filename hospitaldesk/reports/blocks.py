"""Pieces shared by the printed documents (contract, amendment, readiness forms): the national
header, the parties, article headings, the technique table, the signatures and the list of
recipients.

Each function takes plain data and returns flowables; every user string goes through
styles.para/esc, so nothing a person typed is ever read as Paragraph markup.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from hospitaldesk.i18n import _, format_date, format_long_date, format_number, pgettext
from hospitaldesk.reports.contract_data import Party, TechniqueLine, TraineeLine
from hospitaldesk.reports.styles import BOLD, CONTENT_WIDTH, REGULAR, esc, para, rich, sheet
from hospitaldesk.text import nfc

CELL_PAD = 3  # points, each side of a table cell
BLANK_NUMBER = "......"  # a draft not numbered yet: the number is written in by hand, like the date
GRID = colors.Color(0.25, 0.25, 0.25)
HEAD_FILL = colors.Color(0.9, 0.9, 0.9)


def table_style(*commands: tuple[object, ...]) -> TableStyle:
    """Our font first: Table sets a font for every cell, even a Paragraph one, and its default
    (Helvetica) would otherwise end up in the PDF as a non-embedded font."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 10), *commands])


class Rule(Flowable):
    """A horizontal line `length` long, centred in the width it is given (the header's underlines)."""

    def __init__(self, length: float, thickness: float = 0.6, above: float = 3.5, below: float = 2) -> None:
        super().__init__()
        self.length, self.thickness, self.above, self.below = length, thickness, above, below
        self._width = length

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        return avail_width, self.above + self.thickness + self.below  # 'above' clears the dots under Ợ, Ệ

    def draw(self) -> None:
        x, y = (self._width - self.length) / 2, self.below + self.thickness / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x, y, x + self.length, y)


def place_date(place: str, day: dt.date | None) -> str:
    """'Sóc Trăng, ngày 21 tháng 7 năm 2023'; with no date, dots to fill in by hand."""
    date = format_long_date(day) if day else _("day ..... month ..... year ......")
    if not place.strip():
        return date[:1].upper() + date[1:]
    return _("{place}, {date}").format(place=nfc(place.strip()), date=date)


def today_line(place: str, day: dt.date | None) -> str:
    """'Hôm nay, ngày 21 tháng 7 năm 2023, tại Sóc Trăng, chúng tôi gồm:'."""
    date = format_long_date(day) if day else _("day ..... month ..... year ......")
    if place.strip():
        return _("Today, {date}, at {place}, we the undersigned are:").format(date=date, place=nfc(place.strip()))
    return _("Today, {date}, we the undersigned are:").format(date=date)


def national_header(issuer_parent: str, issuer: str, number: str | None, place: str, day: dt.date | None,
                    *, dated: bool = True) -> Table:
    """NĐ 30/2020 header: issuing body and number on the left, Quốc hiệu and Tiêu ngữ on the right.

    With no issuer the left column stays blank; `dated=False` leaves out the place-and-date line
    (a blank form that carries its own date line to fill in)."""
    s = sheet()
    nation, motto = _("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness")
    nation_width = stringWidth(nation, BOLD, s.header_nation.fontSize)
    motto_width = stringWidth(motto, BOLD, s.header_motto.fontSize)
    right = min(max(nation_width, motto_width) + 2 * CELL_PAD + 4, CONTENT_WIDTH * 0.62)
    left = CONTENT_WIDTH - right
    org = nfc(issuer).upper()
    org_width = min(stringWidth(org, BOLD, s.header_org.fontSize), left - 2 * CELL_PAD)
    left_cell: list[Flowable] = []
    if issuer_parent.strip():
        left_cell.append(para(nfc(issuer_parent).upper(), s.header_parent))
    if org.strip():
        left_cell += [para(org, s.header_org), Rule(max(org_width * 0.4, 15 * mm))]  # NĐ 30: 1/3 to 1/2 of the line
    right_cell: list[Flowable] = [para(nation, s.header_nation), para(motto, s.header_motto), Rule(motto_width)]
    bottom_left = [para(_("No.: {number}").format(number=number), s.header_number)] if number else []
    bottom_right = [para(place_date(place, day), s.header_date)] if dated else []
    rows: list[list[list[Flowable]]] = [[left_cell, right_cell]]
    if bottom_left or bottom_right:
        rows.append([bottom_left, bottom_right])
    table = Table(rows, colWidths=[left, right])
    table.setStyle(table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ))
    return table


def party_block(party: Party) -> list[Flowable]:
    s = sheet()
    heading = _("TRANSFERRING PARTY (PARTY A): {name}") if party.role == "A" else _("RECEIVING PARTY (PARTY B): {name}")
    out: list[Flowable] = [para(heading.format(name=nfc(party.name).upper()), s.party)]
    rep, position = party.representative.strip(), party.position.strip()
    if rep or position:
        # A missing name or position is left as dots to fill in by hand, like an unsigned date.
        out.append(para(_("Represented by: {name} – Position: {position}").format(
            name=rep or "..............................", position=position or "...................."), s.body))
    # An empty detail is left out rather than printed as a bare label.
    for template, key, value in (
        (_("Address: {address}"), "address", party.address),
        (_("Telephone: {phone}"), "phone", party.phone),
        (_("Tax code: {tax_code}"), "tax_code", party.tax_code),
        (_("Account: {account}"), "account", party.bank_account),
    ):
        if value.strip():
            out.append(para(template.format(**{key: value.strip()}), s.body))
    return out


def numbered(items: Sequence[str]) -> list[Flowable]:
    """The clauses (khoản) of an article: '1. ...', '2. ...'."""
    return [para(f"{i}. {item.strip()}", sheet().body) for i, item in enumerate(items, 1)]


def bulleted(items: Sequence[str]) -> list[Flowable]:
    return [para(f"– {item.strip()}", sheet().body) for item in items]


def warnings_box(warnings: Sequence[str]) -> Table:
    """Problems found before signing (e.g. readiness not met); only drafts and previews carry it."""
    s = sheet()
    heading = _("Notes on this draft (not printed on the signed copy):")  # outside the f-string: pybabel must see it
    body: list[Flowable] = [rich(f"<b>{esc(heading)}</b>", s.note)]
    body += [para(f"– {w}", s.note) for w in warnings]
    box = Table([[body]], colWidths=[CONTENT_WIDTH])
    box.setStyle(table_style(
        ("BOX", (0, 0), (-1, -1), 0.8, GRID),
        ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.96, 0.96, 0.96)),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ))
    return box


# --- tables ---------------------------------------------------------------------------------------

# mm, summing to the 165 mm text width; Period fits "00/00/0000 –" on one line. The technique
# column gives up width when the total cost needs more than the cost column has.
_TECHNIQUE_WIDTHS_MM = (9, 41, 21, 14, 21, 20, 22, 17)
_TRAINEE_WIDTHS_MM = (9, 42, 30, 37, 47)


def _period(line: TechniqueLine) -> str:
    start, end = format_date(line.start), format_date(line.end)
    if start and end:
        return f"{start} –<br/>{end}"
    return start or end


def grid_style(header_rows: int = 1) -> list[tuple[object, ...]]:
    """The house grid: thin lines, grey header rows (centred vertically), cells top-aligned below them."""
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


def technique_table(lines: Sequence[TechniqueLine]) -> Table:
    """One row per technique and a total row; the header repeats on every page the table runs over.
    Amounts are plain numbers under a '(VND)' header, as Vietnamese tables print them."""
    s = sheet()
    heads = [_("No."), _("Technique"), pgettext("annex column", "Period"), _("Trainees"),
             _("Training place and duration"), _("Form of support"), _("Cost (VND)"), _("Paid by")]
    rows: list[list[Paragraph]] = [[para(h, s.cell_head) for h in heads]]
    for i, line in enumerate(lines, 1):
        name = f"<b>{esc(line.name)}</b>" + (f"<br/><i>{esc(line.specialty)}</i>" if line.specialty.strip() else "")
        where = "<br/>".join(esc(v) for v in (line.training_place, line.duration) if v.strip())
        rows.append([
            para(str(i), s.cell_centre),
            rich(name, s.cell),
            rich(_period(line), s.cell_centre),
            para(format_number(line.trainees_planned) if line.trainees_planned else "", s.cell_centre),
            rich(where, s.cell),
            para(line.support_mode, s.cell),
            para(format_number(line.cost) if line.cost else "", s.cell_right),
            para(line.payer, s.cell),
        ])
    total_cost = sum(line.cost for line in lines)
    total_trainees = sum(line.trainees_planned for line in lines)
    rows.append([
        para(_("Total"), s.cell_head), para("", s.cell), para("", s.cell),
        rich(f"<b>{esc(format_number(total_trainees))}</b>", s.cell_centre), para("", s.cell), para("", s.cell),
        rich(f"<b>{esc(format_number(total_cost))}</b>", s.cell_right), para("", s.cell),
    ])
    widths = [w * mm for w in _TECHNIQUE_WIDTHS_MM]
    widest_amount = stringWidth(format_number(total_cost), BOLD, s.cell_head.fontSize) + 2 * CELL_PAD + 2
    if widest_amount > widths[6]:
        widths[1] -= widest_amount - widths[6]
        widths[6] = widest_amount
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(*grid_style(), ("SPAN", (0, -1), (2, -1))))
    return table


def trainee_table(trainees: Sequence[TraineeLine]) -> Table:
    s = sheet()
    heads = [_("No."), _("Full name"), _("Professional title"), _("Department"), _("Technique")]
    rows: list[list[Paragraph]] = [[para(h, s.cell_head) for h in heads]]
    for i, t in enumerate(trainees, 1):
        rows.append([para(str(i), s.cell_centre), para(t.name, s.cell), para(t.profession, s.cell),
                     para(t.department, s.cell), para(t.technique, s.cell)])
    table = Table(rows, colWidths=[w * mm for w in _TRAINEE_WIDTHS_MM], repeatRows=1)
    table.setStyle(table_style(*grid_style()))
    return table


# --- the end of a document ------------------------------------------------------------------------


def signature_cell(heading: str, position: str = "", names: Sequence[str] = (), hint: str | None = None,
                   space: float = 25 * mm) -> list[Flowable]:
    """One signer's column: heading, position, '(Ký, ghi rõ họ tên và đóng dấu)', room to sign, then the name.
    Several names (an assessment team) each get their own room to sign."""
    s = sheet()
    cell: list[Flowable] = [para(heading, s.sign_title)]
    if position.strip():
        cell.append(para(nfc(position).upper(), s.sign_title))
    cell.append(para(_("(Signature, full name and seal)") if hint is None else hint, s.sign_hint))
    signers = [n for n in names if n.strip()] or [""]
    for name in signers:
        cell.append(Spacer(1, space))
        if name:
            cell.append(para(name, s.sign_name))
    return cell


def signature_table(cells: Sequence[list[Flowable]]) -> Table:
    """Signature columns side by side, sharing the text width equally."""
    width = CONTENT_WIDTH / max(len(cells), 1)
    table = Table([list(cells)], colWidths=[width] * len(cells))
    table.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0)))
    return table


def _signature_cell(heading: str, party: Party) -> list[Flowable]:
    return signature_cell(heading, party.position, [party.representative])


def closing(last: Sequence[Flowable], party_a: Party, party_b: Party, recipients: Sequence[str]) -> KeepTogether:
    """Signatures side by side, then 'Nơi nhận'. Kept on one page together with the last lines of
    text before them, so a signature never stands alone on a page that could be swapped."""
    s = sheet()
    table = signature_table([_signature_cell(_("FOR PARTY A"), party_a), _signature_cell(_("FOR PARTY B"), party_b)])
    block: list[Flowable] = [*last, Spacer(1, 8), table]
    if recipients:
        block.append(para(_("Recipients:"), s.recipients_title))
        block += [para(f"- {r.strip()}", s.recipients) for r in recipients]
    return KeepTogether(block)
