"""File kinds come from extension AND content; every refusal has a reason a chair understands."""

import io
import zipfile

import docx
import pytest
from fpdf import FPDF
from openpyxl import Workbook

from reviewapp.importing.sniff import (
    CV_KINDS,
    MANIFEST_KINDS,
    RejectedFile,
    Sniffed,
    describe_content,
    extension_of,
    kind_for_name,
    sniff,
)

pytestmark = pytest.mark.unit

HTML = b"<!DOCTYPE html><html><body><p>Ann Lee</p></body></html>"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Ann Lee")
    return bytes(pdf.output())


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Ann Lee")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["name", "file"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def docm_from(docx_bytes: bytes) -> bytes:
    """A macro-enabled document: the main part's content type says so."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            zf.writestr(info, data)
    return out.getvalue()


def reason(data: bytes, filename: str, **kwargs) -> str:
    with pytest.raises(RejectedFile) as caught:
        sniff(data, filename, **kwargs)
    return caught.value.reason


def test_sniff_pdf_accepted():
    assert sniff(make_pdf(), "cv.PDF") == Sniffed("pdf", "application/pdf", "pdf")


def test_sniff_docx_accepted():
    assert sniff(make_docx(), "cv.docx") == Sniffed("docx", DOCX_TYPE, "docx")


def test_sniff_text_and_markdown_accepted():
    assert sniff(b"Ann Lee\n", "cv.txt") == Sniffed("text", "text/plain", "txt")
    assert sniff(b"# Ann Lee\n", "cv.md") == Sniffed("text", "text/markdown", "md")


def test_sniff_utf16_text_accepted():
    data = "Ann Lée\n".encode("utf-16")
    assert sniff(data, "cv.txt").kind == "text"


def test_sniff_html_accepted():
    assert sniff(HTML, "cv.htm") == Sniffed("html", "text/html", "htm")


def test_sniff_zip_accepted():
    assert sniff(make_zip({"a.pdf": make_pdf()}), "batch.zip").kind == "zip"


def test_sniff_manifests_accepted_where_allowed():
    assert sniff(b"name,file\n", "list.csv", allowed=MANIFEST_KINDS).kind == "csv"
    assert sniff(make_xlsx(), "list.xlsx", allowed=MANIFEST_KINDS) == Sniffed(
        "xlsx", XLSX_TYPE, "xlsx"
    )


def test_sniff_pdf_holding_html_not_a_pdf():
    assert reason(HTML, "cv.pdf") == "not a PDF: the content is HTML"


def test_sniff_double_extension_html_holding_pdf_rejected():
    assert reason(make_pdf(), "cv.pdf.html") == "not an HTML file: the content is a PDF"


def test_sniff_double_extension_html_holding_text_rejected():
    assert reason(b"just words", "cv.pdf.html") == "not an HTML file: the content is plain text"


def test_sniff_null_byte_in_name_rejected():
    expected = "the file name contains a hidden null character (%00); rename the file and try again"
    assert reason(make_pdf(), "cv.php%00.pdf") == expected
    assert reason(make_pdf(), "cv.php\x00.pdf") == expected


def test_sniff_svg_rejected():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert reason(svg, "cv.svg") == "images (.svg) are not accepted; upload the CV as a PDF"


def test_sniff_docm_extension_rejected():
    assert reason(make_docx(), "cv.docm") == (
        "macro-enabled Office files (.docm) are not accepted; save it as .docx or PDF"
    )


def test_sniff_docm_content_named_docx_rejected():
    assert reason(docm_from(make_docx()), "cv.docx") == (
        "not a Word document (.docx): the content is a macro-enabled Word document"
    )


def test_sniff_executable_named_pdf_rejected():
    assert reason(b"MZ\x90\x00" + bytes(200), "cv.pdf") == (
        "not a PDF: the content is an executable program"
    )


def test_sniff_executable_extension_rejected():
    assert reason(b"MZ\x90\x00", "setup.exe") == "program and script files (.exe) are not accepted"


def test_sniff_script_named_text_rejected():
    assert reason(b"#!/bin/sh\nrm -rf /\n", "cv.txt") == (
        "not a text file: the content is an executable program"
    )


def test_sniff_path_traversal_name_uses_extension_only():
    assert reason(b"SECRET = 1\n", "../../app/config.py") == (
        "program and script files (.py) are not accepted"
    )


def test_sniff_old_word_rejected():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    assert reason(ole, "cv.doc") == ".doc files are not supported; save it as .docx or PDF"


def test_sniff_encrypted_docx_rejected():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    assert reason(ole, "cv.docx") == (
        "not a Word document (.docx): the content is an old-style or password-protected Office file"
    )


def test_sniff_plain_zip_named_docx_rejected():
    data = make_zip({"a.txt": b"x"})
    assert reason(data, "cv.docx") == "not a Word document (.docx): the content is a ZIP archive"


def test_sniff_xlsx_named_docx_rejected():
    assert reason(make_xlsx(), "cv.docx") == (
        "not a Word document (.docx): the content is an Excel workbook"
    )


def test_sniff_docx_named_zip_rejected():
    assert reason(make_docx(), "batch.zip") == "not a ZIP archive: the content is a Word document"


def test_sniff_binary_named_text_rejected():
    assert reason(bytes(range(256)) * 4, "cv.txt") == (
        "not a text file: the content is unrecognised binary data"
    )


def test_sniff_empty_file_rejected():
    assert reason(b"", "cv.pdf") == "the file is empty"


def test_sniff_no_extension_rejected():
    assert reason(make_pdf(), "README") == (
        "the file name has no extension; accepted types are PDF, Word (.docx), "
        "text (.txt, .md), HTML, ZIP"
    )


def test_sniff_unknown_extension_rejected():
    assert reason(b"x", "cv.xyz") == (
        ".xyz files are not accepted; accepted types are PDF, Word (.docx), "
        "text (.txt, .md), HTML, ZIP"
    )


def test_sniff_other_archives_rejected():
    assert reason(b"Rar!\x1a\x07\x00", "batch.rar") == "only .zip archives are accepted, not .rar"


def test_sniff_manifest_kind_outside_manifest_context_rejected():
    assert reason(b"name,file\n", "list.csv", allowed=CV_KINDS) == (
        ".csv files are not accepted here; accepted types are PDF, Word (.docx), "
        "text (.txt, .md), HTML, ZIP"
    )


def test_sniff_xlsx_named_csv_rejected():
    assert reason(make_xlsx(), "list.csv", allowed=MANIFEST_KINDS) == (
        "not a CSV file: the content is an Excel workbook"
    )


def test_describe_content_images_and_archives():
    assert describe_content(b"\x89PNG\r\n\x1a\n") == "an image"
    assert describe_content(b"\x1f\x8b\x08\x00") == "a compressed archive"
    assert describe_content(b"<?php echo 1; ?>") == "a PHP script"


def test_extension_of_takes_last_suffix_of_base_name():
    assert extension_of("dir.v2/CV.Final.PDF") == "pdf"
    assert extension_of(".bashrc") == ""
    assert extension_of("folder\\cv.docx") == "docx"


def test_kind_for_name_unknown_is_empty():
    assert kind_for_name("a.pdf") == ("pdf", "application/pdf")
    assert kind_for_name("a.exe") == ("", "")
