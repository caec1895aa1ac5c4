"""Reading a built PDF back the way a reader would: text per page, text in a region, fonts."""
from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

MM = 72 / 25.4
A4 = (595.2756, 841.8898)


def reader(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def flat(text: str) -> str:
    """Whitespace runs to one space: wrapped lines inside a table cell join back into one string."""
    return re.sub(r"\s+", " ", text).strip()


def pages_text(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in reader(data).pages]


def all_text(data: bytes) -> str:
    return " ".join(pages_text(data))


def region_text(data: bytes, page: int, bottom: float, top: float) -> str:
    """Text of a horizontal band of one page (PDF points from the foot of the page), any rotation."""
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[page].get_textpage()
        return flat(textpage.get_text_bounded(left=0, bottom=bottom, right=A4[0], top=top))
    finally:
        pdf.close()


def page_text_any_angle(data: bytes, page: int) -> str:
    """Full text of a page through PDFium, which also reads the diagonal watermark."""
    pdf = pdfium.PdfDocument(data)
    try:
        return flat(pdf[page].get_textpage().get_text_range())
    finally:
        pdf.close()


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts(data: bytes) -> list[DictionaryObject]:
    """Every font dictionary used by any page, including those of form XObjects."""
    found: dict[int, DictionaryObject] = {}

    def walk(resources: Any) -> None:
        resources = _resolve(resources)
        if not resources:
            return
        for font in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(font)
            found[id(font)] = font
        for xobject in (_resolve(resources.get("/XObject")) or {}).values():
            xobject = _resolve(xobject)
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader(data).pages:
        walk(page.get("/Resources"))
    return list(found.values())


def font_descriptor(font: Any) -> Any:
    """The descriptor of a simple or composite (Type0) font; None for a base-14 font."""
    if font.get("/Subtype") == "/Type0":
        font = _resolve(_resolve(font["/DescendantFonts"])[0])
    return _resolve(font.get("/FontDescriptor"))


def assert_fonts_embedded(data: bytes) -> None:
    """Every font is an embedded TrueType (it has the Vietnamese glyphs), none of the base 14."""
    found = fonts(data)
    assert found
    for font in found:
        name = str(font.get("/BaseFont"))
        assert not re.search(r"Helvetica|Times-|Courier|Symbol|ZapfDingbats", name), name
        descriptor = font_descriptor(font)
        assert descriptor is not None and "/FontFile2" in descriptor, name


def texts_drawn(data: bytes, page: int, keep: Callable[[Any], bool]) -> str:
    """The text of one page's text objects for which `keep(object)` holds (pdfium objects), joined."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(data)
    try:
        handle = pdf[page]
        textpage = handle.get_textpage()
        found = []
        for obj in handle.get_objects():
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT or not keep(obj):
                continue
            length = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = (ctypes.c_ushort * max(length, 1))()
            pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, length)
            found.append(bytes(buffer).decode("utf-16-le").rstrip("\x00"))
        return flat(" ".join(found))
    finally:
        pdf.close()


def paths_drawn(data: bytes, page: int, keep: Callable[[Any], bool]) -> int:
    """How many of one page's vector path objects `keep(object)` accepts (pdfium objects)."""
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(data)
    try:
        return sum(1 for obj in pdf[page].get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and keep(obj))
    finally:
        pdf.close()
