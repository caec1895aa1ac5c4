"""Saving PDFs safely, reading the stamp back, page images for the preview."""
from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.reports.contract import build_contract
from hospitaldesk.reports.render import DocumentStamp, read_stamp, render_page_images, write_pdf
from hospitaldesk.reports.stamp import parse_keywords, stamp_keywords
from tests.reports import samples


@pytest.fixture(scope="module")
def contract_pdf() -> bytes:
    return build_contract(samples.contract(2))


def foreign_pdf() -> bytes:
    """A PDF that some other program made: no HospitalDesk stamp."""
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "hello")
    canvas.save()
    return buffer.getvalue()


def test_stamp_round_trip_from_bytes_and_from_a_file_with_a_vietnamese_name(contract_pdf: bytes, tmp_path: Path) -> None:
    expected = DocumentStamp("contract", "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "05/HĐ-CGKT", samples.CONTENT_HASH)
    assert read_stamp(contract_pdf) == expected
    path = tmp_path / "Hợp đồng 05-HĐ-CGKT.pdf"
    write_pdf(contract_pdf, path)
    assert path.read_bytes() == contract_pdf
    assert read_stamp(path) == expected
    assert read_stamp(str(path)) == expected


def test_stamp_survives_separators_inside_its_values() -> None:
    stamp = DocumentStamp("contract", "id;1", "5=5;%/HĐ", "abc")
    assert parse_keywords(stamp_keywords(stamp)) == stamp
    assert parse_keywords("other, words " + stamp_keywords(stamp)) == stamp
    assert parse_keywords("annual report, 2024") is None


def test_a_pdf_from_elsewhere_has_no_stamp() -> None:
    assert read_stamp(foreign_pdf()) is None


@pytest.mark.parametrize("data", [b"", b"hello, not a pdf", b"PK\x03\x04 a zip file"])
def test_a_file_that_is_not_a_pdf_is_a_clear_error(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "hop-dong.pdf"
    path.write_bytes(data)
    with pytest.raises(HospitalDeskError, match="is not a PDF file"):
        read_stamp(path)


def test_a_damaged_pdf_is_a_clear_error(contract_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(contract_pdf[: len(contract_pdf) // 3])
    with pytest.raises(HospitalDeskError, match=r"damaged\.pdf is damaged"):
        read_stamp(path)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HospitalDeskError, match="Could not open"):
        read_stamp(tmp_path / "missing.pdf")


def test_write_pdf_replaces_the_old_file_whole_or_not_at_all(contract_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "contract.pdf"
    path.write_bytes(b"old copy")

    def crash(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")  # e.g. the old copy is open in a PDF viewer on Windows

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(HospitalDeskError, match="contract.pdf"):
        write_pdf(contract_pdf, path)
    assert path.read_bytes() == b"old copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.pdf"]  # no temporary file left behind
    monkeypatch.undo()
    write_pdf(contract_pdf, path)
    assert path.read_bytes() == contract_pdf


def test_write_pdf_into_a_missing_folder_is_a_clear_error(contract_pdf: bytes, tmp_path: Path) -> None:
    with pytest.raises(HospitalDeskError, match="Could not save"):
        write_pdf(contract_pdf, tmp_path / "no such folder" / "x.pdf")


def test_page_images_for_the_preview(contract_pdf: bytes) -> None:
    images = render_page_images(contract_pdf, 0.5)
    from tests.reports.pdftext import reader

    assert len(images) == len(reader(contract_pdf).pages)
    width, height = images[0].size
    assert (width, height) == (pytest.approx(595 * 0.5, abs=2), pytest.approx(842 * 0.5, abs=2))
    # Not a blank page: the header text darkens some pixels.
    darkest = images[0].convert("L").getextrema()[0]
    assert isinstance(darkest, int) and darkest < 100


def test_a_stamp_without_language_is_read_as_vietnamese() -> None:
    from hospitaldesk.reports.stamp import parse_keywords

    old = parse_keywords("hospitaldesk;kind=contract;id=x;number=05/HĐ-CGKT;hash=abc")
    assert old is not None and old.language == "vi"
