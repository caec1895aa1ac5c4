"""PDF bytes to the outside world: saving safely, reading a printed document's stamp
back, and page images for the print preview.
"""
from __future__ import annotations

import os
import tempfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.reports.stamp import DocumentStamp, parse_keywords

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["DocumentStamp", "page_texts", "read_stamp", "render_page_images", "write_pdf"]


def write_pdf(data: bytes, path: Path) -> None:
    """Writes the whole file or nothing: a temporary file beside it, flushed to disk, then renamed over it."""
    path = Path(path)
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        # Typical on Windows: the previous copy is open in a PDF viewer, which locks it.
        raise HospitalDeskError(_(
            "Could not save {file}: {reason}. Close the file if it is open in another program, "
            "or choose another folder."
        ).format(file=path, reason=exc.strerror or exc)) from exc
    if os.name == "posix":  # the rename itself survives a power cut only once the folder is synced
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def read_stamp(source: Path | str | bytes) -> DocumentStamp | None:
    """The HospitalDesk stamp of a PDF (path or bytes); None for a PDF made elsewhere.

    Raises HospitalDeskError when the file cannot be read, is not a PDF or is damaged.
    """
    from pypdf import PdfReader

    name = _("This file") if isinstance(source, bytes) else str(source)
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise HospitalDeskError(_("Could not open {file}: {reason}.").format(file=name, reason=exc.strerror or exc)) from exc
    if b"%PDF-" not in data[:1024]:  # the header may follow a little junk, as readers allow
        raise HospitalDeskError(_("{file} is not a PDF file. Choose the PDF that HospitalDesk printed.").format(file=name))
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")  # opened without a password (a permissions-only lock): the metadata is readable
        metadata = reader.metadata
        keywords = str(metadata.get("/Keywords", "") or "") if metadata else ""
    except Exception as exc:  # pypdf raises many different errors on a broken file; all mean the same here
        raise HospitalDeskError(
            _("{file} is damaged and cannot be read as a PDF. Ask for a new copy of the document.").format(file=name)
        ) from exc
    return parse_keywords(keywords)


def render_page_images(data: bytes, scale: float) -> list[Image]:
    """Every page as an image for the print preview (scale 1.0 = 72 dpi)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        images = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                images.append(page.render(scale=scale).to_pil())
            finally:
                page.close()
        return images
    finally:
        pdf.close()


def page_texts(data: bytes) -> list[str]:
    """The text of each page, NFC with whitespace collapsed: what a reader sees, for comparing two PDFs."""
    import re
    import unicodedata

    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # a broken file: same meaning as in read_stamp
        raise HospitalDeskError(_("This file is damaged and cannot be read as a PDF. Ask for a new copy of the document.")) from exc
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip() for text in pages]
