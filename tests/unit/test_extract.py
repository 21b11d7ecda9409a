"""extract_text on text and HTML files, and the clean-up every extracted text goes through."""

import pytest

from reviewapp.importing.extract import Extraction, extract_text
from reviewapp.importing.limits import Limits
from reviewapp.importing.textnorm import decode_text, normalise_text, repair_small_caps

pytestmark = pytest.mark.unit

CV = "María José Fernández\nE-mail: mj@example.org\nEducación: Universidad de Señora\n"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"],
)
def test_extract_text_file_every_western_encoding(encoding):
    result = extract_text(CV.encode(encoding), "cv.txt")
    assert result == Extraction(
        text=CV.strip(), media_type="text/plain", kind="text", status="ok", error="", pages=None
    )


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "Élodie Lefèvre – “Curriculum vitæ” €\nCompétences: français"),
        ("cp1250", "Łukasz Żółć\nDoświadczenie zawodowe: programista, Kraków"),
        ("cp1251", "Иван Петров\nОпыт работы: программист, Москва"),
        ("cp1253", "Γιώργος Παπαδόπουλος\nΕμπειρία: προγραμματιστής, Αθήνα"),
        ("shift_jis", "山田太郎\n職歴: ソフトウェアエンジニア"),
        ("gb18030", "王小明\n教育背景：清华大学计算机系"),
    ],
)
def test_decode_text_legacy_encodings(encoding, text):
    assert decode_text(text.encode(encoding)) == text


def test_decode_text_declared_charset_wins_after_bom():
    assert decode_text("Zoë".encode("cp1252"), declared="cp1252") == "Zoë"


def test_extract_markdown_keeps_media_type():
    result = extract_text(b"# Ann Lee\n\n## Education\n", "cv.md")
    assert (result.text, result.media_type, result.kind) == (
        "# Ann Lee\n\n## Education",
        "text/markdown",
        "text",
    )


def test_extract_text_strips_control_characters():
    result = extract_text(b"Name: Ann\x01Lee\x00\nEmail: ann@example.org\x1b\n", "cv.txt")
    assert result.text == "Name: AnnLee\nEmail: ann@example.org"


def test_extract_html_drops_scripts_and_styles():
    html = (
        b"<html><head><title>CV</title><style>p{color:red}</style></head><body>"
        b"<h1>Ann Lee</h1><script>alert('x')</script><p>Research &amp; teaching<br>Oslo</p>"
        b"<ul><li>Python</li><li>R</li></ul></body></html>"
    )
    assert extract_text(html, "cv.html").text == "Ann Lee\nResearch & teaching\nOslo\nPython\nR"


def test_extract_html_table_cells_become_tabs():
    html = b"<table><tr><td>2019</td><td>PhD, Oslo</td></tr><tr><td>2015</td><td>MSc</td></tr>"
    assert extract_text(html, "cv.html").text == "2019\tPhD, Oslo\n2015\tMSc"


def test_extract_html_without_closing_head_keeps_body():
    html = b"<html><head><title>CV</title><body><p>Ann Lee</p></body></html>"
    assert extract_text(html, "cv.htm").text == "Ann Lee"


def test_extract_html_meta_charset_is_honoured():
    html = '<html><head><meta charset="windows-1252"></head><body><p>Zoë – CV</p>'.encode("cp1252")
    assert extract_text(html, "cv.html").text == "Zoë – CV"


def test_extract_html_entities_are_not_resolved_from_dtd():
    html = (
        b'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<html><body><p>Ann &xxe; Lee</p></body></html>"
    )
    result = extract_text(html, "cv.html")
    assert (result.status, "root:" in result.text) == ("ok", False)


def test_extract_rejected_file_is_failed_with_reason():
    result = extract_text(b"<html><body><p>x</p></body></html>", "cv.pdf")
    assert result == Extraction(
        text="", media_type="", kind="", status="failed", error="not a PDF: the content is HTML"
    )


def test_extract_zip_is_not_extracted_directly():
    result = extract_text(b"PK\x05\x06" + bytes(18), "batch.zip")
    assert result.error == (
        ".zip files are not accepted here; accepted types are PDF, Word (.docx), "
        "text (.txt, .md), HTML"
    )


def test_extract_file_over_size_limit_failed():
    result = extract_text(b"a" * 2048, "cv.txt", limits=Limits(max_file_bytes=1024))
    assert (result.status, result.error) == ("failed", "the file is larger than 0.000976562 MB")


def test_extract_empty_text_file_has_no_text():
    result = extract_text(b"\n \n\x01\n", "cv.txt")
    assert (result.status, result.error) == ("no_text_layer", "no text found (only images?)")


def test_extract_text_is_cut_at_max_chars():
    result = extract_text(b"abcdef" * 10, "cv.txt", limits=Limits(max_text_chars=8))
    assert result.text == "abcdefab"


def test_normalise_text_ligatures_become_letters():
    assert normalise_text("Ofﬁce, workﬂow, staﬀ, eﬃcient") == "Office, workflow, staff, efficient"


def test_normalise_text_full_width_forms_become_ascii():
    assert normalise_text("ａｎｎ＠ｅｘａｍｐｌｅ．ｏｒｇ") == "ann@example.org"


def test_normalise_text_line_endings_and_blank_runs():
    assert normalise_text("a  \r\nb\rc\x0cd\n\n\n\n\ne\n") == "a\nb\nc\n\nd\n\ne"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("E DUCATION", "EDUCATION"),
        ("W ORK E XPERIENCE", "WORK EXPERIENCE"),
        ("P UBLICATIONS AND P RESENTATIONS", "PUBLICATIONS AND PRESENTATIONS"),
        ("  S KILLS & I NTERESTS", "  SKILLS & INTERESTS"),
        ("A WORD ABOUT ME", "A WORD ABOUT ME"),
        ("I am A Bee", "I am A Bee"),
        ("Team of 5 (I led the A TEAM project)", "Team of 5 (I led the A TEAM project)"),
    ],
)
def test_repair_small_caps_only_on_heading_lines(line, expected):
    assert repair_small_caps(line) == expected
