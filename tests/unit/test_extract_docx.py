"""DOCX extraction: tables, headers, text boxes; hostile packages (XXE, billion laughs, bombs)."""

import io
import struct
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from reviewapp.importing.extract import extract_text
from reviewapp.importing.limits import Limits
from reviewapp.importing.ooxml import UnsafePackage, check_package

pytestmark = pytest.mark.unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNSAFE_XML = "could not be read: it contains unsafe XML (a DTD or entity declaration)"
TEXT_BOX_RUN = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>
      <wps:wsp><wps:txbx><w:txbxContent>
        <w:p><w:r><w:t>Languages: Norwegian, English</w:t></w:r></w:p>
      </w:txbxContent></wps:txbx></wps:wsp>
    </a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>Languages: Norwegian, English</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def cv_docx() -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Ann Lee - curriculum vitae"
    document.sections[0].footer.paragraphs[0].text = "Page footer: updated 2024"
    document.add_paragraph("Ann Lee")
    with_box = document.add_paragraph("Contact: ann@example.org")
    with_box._p.append(parse_xml(TEXT_BOX_RUN))
    table = document.add_table(rows=3, cols=3)
    title = table.cell(0, 0).merge(table.cell(0, 2))
    title.text = "Education"
    table.cell(1, 0).text = "2019"
    table.cell(1, 1).text = "PhD, University of Oslo"
    table.cell(2, 0).text = "2015"
    table.cell(2, 1).text = "MSc, University of Bergen"
    grade = table.cell(1, 2).merge(table.cell(2, 2))
    grade.text = "with distinction"
    document.add_paragraph("Skills\tPython\tR")
    return save(document)


def rewrite_part(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            content = source.read(info)
            zf.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def with_doctype(doctype: bytes, entity_use: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        header, _, rest = xml.partition(b"?>")
        body = rest.replace(b"<w:t>Ann Lee</w:t>", b"<w:t>" + entity_use + b"</w:t>")
        return header + b"?>" + doctype + body

    return rewrite_part(cv_docx(), "word/document.xml", change)


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make the central directory lie about a member's uncompressed size."""
    raw = bytearray(data)
    encoded = name.encode()
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_length] == encoded:
            struct.pack_into("<I", raw, at + 24, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def test_extract_docx_header_body_textbox_table_footer_in_order():
    result = extract_text(cv_docx(), "cv.docx")
    assert (result.status, result.kind, result.media_type) == ("ok", "docx", DOCX_TYPE)
    assert result.text.split("\n") == [
        "Ann Lee - curriculum vitae",
        "",
        "Ann Lee",
        "Contact: ann@example.org",
        "Languages: Norwegian, English",
        "Education",
        "2019\tPhD, University of Oslo\twith distinction",
        "2015\tMSc, University of Bergen",
        "Skills\tPython\tR",
        "",
        "Page footer: updated 2024",
    ]


def test_extract_docx_layout_table_cells_read_one_after_another():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Contact"
    table.cell(0, 0).add_paragraph("ann@example.org")
    table.cell(0, 1).text = "Experience"
    table.cell(0, 1).add_paragraph("Research fellow")
    text = extract_text(save(document), "cv.docx").text
    assert text == "Contact\nann@example.org\nExperience\nResearch fellow"


def test_extract_docx_external_entity_refused_without_leak():
    data = with_doctype(
        b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;"
    )
    result = extract_text(data, "cv.docx")
    assert (result.status, result.error, result.text) == ("failed", UNSAFE_XML, "")


def test_extract_docx_billion_laughs_refused():
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    data = with_doctype(b"<!DOCTYPE w:document [" + entities + b"]>", b"&lol9;")
    result = extract_text(data, "cv.docx")
    assert (result.status, result.error) == ("failed", UNSAFE_XML)


def test_extract_docx_dtd_in_header_part_refused():
    data = rewrite_part(
        cv_docx(),
        "word/header1.xml",
        lambda xml: xml.replace(b"?>", b"?><!DOCTYPE x [<!ENTITY a 'b'>]>", 1),
    )
    assert extract_text(data, "cv.docx").error == UNSAFE_XML


def test_extract_docx_part_over_limit_refused():
    document = docx.Document()
    document.add_paragraph("x" * 300_000)
    result = extract_text(save(document), "cv.docx", limits=Limits(max_package_part_bytes=200_000))
    assert result.error == "could not be read: a part of it would be too large once unpacked"


def test_extract_docx_declared_gigabyte_part_refused():
    data = patch_declared_size(cv_docx(), "word/document.xml", 1024**3)
    result = extract_text(data, "cv.docx")
    assert result.error == "could not be read: it would be too large once unpacked"


def test_extract_docx_part_lying_small_is_damaged():
    data = patch_declared_size(cv_docx(), "word/document.xml", 100)
    result = extract_text(data, "cv.docx")
    assert (result.status, result.error) == (
        "failed",
        "could not be read: it is damaged or incomplete",
    )


def test_extract_docx_too_many_parts_refused():
    result = extract_text(cv_docx(), "cv.docx", limits=Limits(max_package_members=5))
    assert result.error.startswith("could not be read: it has too many parts (")


def test_extract_docx_without_text_has_none():
    result = extract_text(save(docx.Document()), "cv.docx")
    assert (result.status, result.error) == ("no_text_layer", "no text found (only images?)")


def test_extract_docx_missing_main_part_failed():
    source = zipfile.ZipFile(io.BytesIO(cv_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                zf.writestr(info.filename, source.read(info))
    result = extract_text(out.getvalue(), "cv.docx")
    assert (result.status, result.error) == (
        "failed",
        "could not be read: the Word file is damaged",
    )


def test_check_package_accepts_real_docx():
    assert check_package(cv_docx(), Limits()) is None


def test_check_package_rejects_non_zip():
    with pytest.raises(UnsafePackage, match="^it is damaged or incomplete$"):
        check_package(b"not a zip", Limits())
