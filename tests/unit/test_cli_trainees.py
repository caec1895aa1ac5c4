"""The trainee commands: list staff|enrollments, import-staff, print certificate|commitment|retention."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.reports.pdftext import all_text
from tests.unit.test_cli import Runner, demo_db, run  # noqa: F401  (the fixtures)
from tests.unit.test_staff_import import good_rows, row, workbook


def test_list_staff_and_enrollments_as_json(run: Runner, demo_db: Path) -> None:  # noqa: F811
    people = json.loads(run("--db", str(demo_db), "list", "staff", "--search", "to hong nhung", "--json").out)
    assert [(p["name"], bool(p["id"])) for p in people] == [("Tô Hồng Nhung", True)]
    trainings = json.loads(run("--db", str(demo_db), "list", "enrollments", "--search", "nhung", "--json").out)
    [training] = trainings
    assert {"id", "staff", "technique", "status"} <= set(training)
    assert training["staff"] == "Tô Hồng Nhung" and training["status"] == "certified"
    assert training["commitment_broken_on"] == "2025-06-01"


def test_import_staff_dry_run_then_for_real(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    path = workbook(tmp_path / "ds.xlsx", [row(1, "Mai Thị Lan", dt.date(1992, 3, 4), "096192004321")])
    dry = run("--lang", "en", "--db", str(demo_db), "import-staff", str(path), "--dry-run")
    assert dry.code == 0 and "Dry run" in dry.out and "1 new people" in dry.out
    assert json.loads(run("--db", str(demo_db), "list", "staff", "--search", "mai thi lan", "--json").out) == []
    done = run("--lang", "en", "--db", str(demo_db), "import-staff", str(path))
    assert done.code == 0 and "Imported" in done.out
    assert len(json.loads(run("--db", str(demo_db), "list", "staff", "--search", "mai thi lan", "--json").out)) == 1


def test_import_staff_with_errors_exits_1_and_names_the_rows(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    path = workbook(tmp_path / "bad.xlsx", [*good_rows(), row(5, "Lê Văn A", "31/02/1990", "096190001111")])
    result = run("--lang", "en", "--db", str(demo_db), "import-staff", str(path))
    assert result.code == 1 and "Row 6, C" in result.err and "Nothing was imported" in result.err
    assert "Traceback" not in result.err


def test_print_certificate_commitment_and_retention(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    [training] = json.loads(run("--db", str(demo_db), "list", "enrollments", "--search", "nhung", "--json").out)
    for document, expected in (("certificate", "GIẤY CHỨNG NHẬN"), ("commitment", "BẢN CAM KẾT")):
        pdf = tmp_path / f"{document}.pdf"
        result = run("--db", str(demo_db), "print", document, training["id"], "-o", str(pdf))
        assert result.code == 0, result.err
        text = all_text(pdf.read_bytes())
        assert expected in text and "Tô Hồng Nhung" in text
    report = tmp_path / "retention.pdf"
    assert run("--db", str(demo_db), "print", "retention", "CM-SANNHI", "-o", str(report)).code == 0
    assert "Lọc máu liên tục ở trẻ em" in all_text(report.read_bytes())


def test_a_certificate_for_a_training_not_certified_is_refused(run: Runner, demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    trainings = json.loads(run("--db", str(demo_db), "list", "enrollments", "--json").out)
    planned = next(t for t in trainings if t["status"] == "in_training")
    result = run("--lang", "en", "--db", str(demo_db), "print", "certificate", planned["id"], "-o", str(tmp_path / "x.pdf"))
    assert result.code == 1 and "certified" in result.err and not (tmp_path / "x.pdf").exists()
