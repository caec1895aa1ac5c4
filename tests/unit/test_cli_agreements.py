"""The agreement commands: list agreements, print contract/amendment, verify-pdf."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.unit.test_cli import Runner, demo_db, run  # noqa: F401  (the fixtures)

CARDIOLOGY = "12/HĐ-CGKT"  # the demo's Sóc Trăng cardiology centre, signed and amended


def test_list_agreements_json_has_the_promised_keys(run: Runner, demo_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "list", "agreements", "--json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert {"id", "number", "status", "transferring", "receiving"} <= set(rows[0])
    cardiology = next(r for r in rows if r["number"] == CARDIOLOGY)
    assert cardiology["status"] == "in_progress"
    assert cardiology["transferring"] == "Bệnh viện Đại học Y Dược Thành phố Hồ Chí Minh"
    assert cardiology["receiving"] == "Bệnh viện Đa khoa tỉnh Sóc Trăng"
    assert {r["status"] for r in rows} >= {"draft", "signed", "in_progress", "accepted", "terminated"}


def test_list_agreements_search_ignores_accents(run: Runner, demo_db: Path) -> None:  # noqa: F811
    rows = json.loads(run("--lang", "en", "--db", str(demo_db), "list", "agreements", "--search", "LOC MAU LIEN TUC", "--json").out)
    assert [r["receiving"] for r in rows] == ["Bệnh viện Sản – Nhi Cà Mau"]


def test_print_contract_by_number_then_verify(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "hop-dong.pdf"
    printed = run("--lang", "en", "--db", str(demo_db), "print", "contract", CARDIOLOGY, "-o", str(pdf))
    assert printed.code == 0, printed.err
    assert pdf.read_bytes().startswith(b"%PDF")
    verified = run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(pdf))
    assert verified.code == 0 and "Matches" in verified.out


def test_verify_detects_a_record_altered_behind_the_apps_back(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "hop-dong.pdf"
    assert run("--lang", "en", "--db", str(demo_db), "print", "contract", CARDIOLOGY, "-o", str(pdf)).code == 0
    with closing(sqlite3.connect(demo_db)) as conn:
        frozen = json.loads(conn.execute("SELECT frozen_json FROM agreement WHERE number = ?", (CARDIOLOGY,)).fetchone()[0])
        frozen["techniques"][0]["cost"] = 24  # someone lowers the price in the database
        conn.execute("UPDATE agreement SET frozen_json = ? WHERE number = ?", (json.dumps(frozen, ensure_ascii=False), CARDIOLOGY))
        conn.commit()
    verified = run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(pdf))
    assert verified.code == 1 and "altered" in verified.out


def test_verify_of_a_changed_draft_fails(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "du-thao.pdf"
    assert run("--lang", "en", "--db", str(demo_db), "print", "contract", "02/HĐ-CGKT", "-o", str(pdf)).code == 0
    assert run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(pdf)).code == 0
    with closing(sqlite3.connect(demo_db)) as conn:
        conn.execute("UPDATE agreement SET title = 'Khác' WHERE number = '02/HĐ-CGKT'")
        conn.commit()
    verified = run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(pdf))
    assert verified.code == 1 and "changed" in verified.out


def test_verify_of_a_foreign_file_says_so(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    from reportlab.pdfgen import canvas

    other = tmp_path / "khac.pdf"
    c = canvas.Canvas(str(other))
    c.drawString(72, 720, "not ours")
    c.save()
    verified = run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(other))
    assert verified.code == 1 and "no HospitalDesk stamp" in verified.out


def test_verify_of_a_file_that_is_not_a_pdf_is_a_clear_error(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    junk = tmp_path / "junk.pdf"
    junk.write_text("hello")
    verified = run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(junk))
    assert verified.code == 1 and "Traceback" not in verified.err and verified.err.strip()


def test_print_amendment(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "phu-luc.pdf"
    printed = run("--lang", "en", "--db", str(demo_db), "print", "amendment", f"01/PL-{CARDIOLOGY}", "-o", str(pdf))
    assert printed.code == 0, printed.err
    assert run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(pdf)).code == 0


def test_print_of_an_unknown_agreement_exits_1(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "print", "contract", "99/HĐ-CGKT", "-o", str(tmp_path / "x.pdf"))
    assert result.code == 1 and "99/HĐ-CGKT" in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_verify_detects_text_added_to_a_genuine_file(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "hop-dong.pdf"
    assert run("--lang", "en", "--db", str(demo_db), "print", "contract", CARDIOLOGY, "-o", str(pdf)).code == 0
    overlay = BytesIO()
    c = canvas.Canvas(overlay)
    c.drawString(100, 400, "Party A pays 99,000,000,000 VND")
    c.save()
    writer = PdfWriter(clone_from=pdf)  # the genuine file, its stamp included
    writer.pages[1].merge_page(PdfReader(BytesIO(overlay.getvalue())).pages[0])
    assert writer.metadata is not None and "hash=" in str(writer.metadata["/Keywords"])
    forged = tmp_path / "forged.pdf"
    with open(forged, "wb") as fh:
        writer.write(fh)
    verified = run("--lang", "en", "--db", str(demo_db), "verify-pdf", str(forged))
    assert verified.code == 1 and "page 2" in verified.out


def test_a_number_used_by_two_agreements_needs_the_id(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    with closing(sqlite3.connect(demo_db)) as conn:
        conn.execute("UPDATE agreement SET number = '12/HĐ-CGKT' WHERE number = '05/HĐ-CGKT'")  # another year's 12
        conn.commit()
    result = run("--lang", "en", "--db", str(demo_db), "print", "contract", CARDIOLOGY, "-o", str(tmp_path / "x.pdf"))
    assert result.code == 1 and "Several agreements" in result.err
