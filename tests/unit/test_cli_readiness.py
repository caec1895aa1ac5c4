"""The readiness commands: list assessments, print checklist, print readiness (on the demo data)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reports.pdftext import all_text as pdf_text
from tests.unit.test_cli import Runner, demo_db, run  # noqa: F401  (the fixtures)


def test_list_assessments_json_tells_the_verdicts(run: Runner, demo_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "list", "assessments", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    by_place = {(r["facility"], r["technique"], r["date"]): r for r in rows}
    crrt = by_place[("Bệnh viện Sản – Nhi Cà Mau", "Lọc máu liên tục ở trẻ em", "2024-03-05")]
    assert crrt["ready"] is False and crrt["critical_missing"] > 0 and crrt["status"] == "final"
    pci = sorted((r for r in rows if r["technique"] == "Chụp và can thiệp động mạch vành qua da"), key=lambda r: r["date"])
    assert [r["ready"] for r in pci] == [False, True]  # improved between the two visits
    assert pci[0]["index"] < pci[1]["index"]


def test_list_assessments_searches_without_accents(run: Runner, demo_db: Path) -> None:  # noqa: F811
    rows = json.loads(run("--db", str(demo_db), "list", "assessments", "--search", "ca mau", "--json").out)
    assert {r["facility"] for r in rows} == {"Bệnh viện Sản – Nhi Cà Mau"}


def test_print_a_blank_checklist_by_technique_code(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "bang-kiem.pdf"
    result = run("--db", str(demo_db), "print", "checklist", "NHI-LOC-MAU-LIEN-TUC", "--facility", "CM-SANNHI", "-o", str(pdf))
    assert result.code == 0, result.err
    text = pdf_text(pdf.read_bytes())
    assert "Lọc máu liên tục ở trẻ em" in text and "Bệnh viện Sản – Nhi Cà Mau" in text


def test_print_a_readiness_report_by_assessment_id(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    rows = json.loads(run("--db", str(demo_db), "list", "assessments", "--search", "ca mau", "--json").out)
    pdf = tmp_path / "san-sang.pdf"
    result = run("--db", str(demo_db), "print", "readiness", rows[0]["id"], "-o", str(pdf))
    assert result.code == 0, result.err
    text = pdf_text(pdf.read_bytes())
    assert "Chưa sẵn sàng" in text or "CHƯA SẴN SÀNG" in text


def test_an_unknown_technique_is_named_and_nothing_is_written(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "x.pdf"
    result = run("--lang", "en", "--db", str(demo_db), "print", "checklist", "NO-SUCH", "-o", str(pdf))
    assert result.code == 1
    assert "NO-SUCH" in result.err and "Traceback" not in result.err
    assert not pdf.exists()
