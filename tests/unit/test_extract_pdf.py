"""PDF extraction: reading order of two-column pages, scans, damaged and protected files."""

import io

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image

from reviewapp.importing.extract import Extraction, extract_text
from reviewapp.importing.limits import Limits
from reviewapp.importing.pdf import drop_running_lines, find_gutter, order_column_boxes, pdf_to_text

pytestmark = pytest.mark.unit

LEFT = [f"Skill {n}: statistics and survey design" for n in range(1, 13)]
RIGHT = [f"Role {n}: research fellow at the Oslo institute" for n in range(1, 13)]


def new_pdf() -> FPDF:
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    return pdf


def two_column_pdf() -> bytes:
    """A full-width banner, then two columns written line by line ACROSS the page, so the
    content stream interleaves them, then a full-width footer line."""
    pdf = new_pdf()
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_xy(10, 10)
    pdf.cell(190, 8, "Ann Lee - Curriculum Vitae - Research Statistician", align="C")
    pdf.set_font("Helvetica", size=10)
    for row, (left, right) in enumerate(zip(LEFT, RIGHT, strict=True)):
        pdf.set_xy(10, 30 + 6 * row)
        pdf.cell(85, 5, left)
        pdf.set_xy(110, 30 + 6 * row)
        pdf.cell(90, 5, right)
    pdf.set_xy(10, 120)
    pdf.cell(190, 5, "References are available on request from the candidate at any time.")
    return bytes(pdf.output())


def single_column_pdf(pages: int = 1) -> bytes:
    pdf = new_pdf()
    for page in range(pages):
        if page:
            pdf.add_page()
        pdf.set_xy(10, 10)
        pdf.cell(150, 5, f"Research fellow, Oslo institute (part {page + 1})")
        pdf.cell(40, 5, "2019 - 2023", align="R")
        for line in range(8):
            pdf.set_xy(10, 20 + 6 * line)
            pdf.cell(
                190, 5, f"Line {line}: designed and ran a national survey of ten thousand homes."
            )
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    pixels = np.random.default_rng(7).integers(0, 255, (60, 80, 3), dtype=np.uint8)
    png = io.BytesIO()
    Image.fromarray(pixels).save(png, format="PNG")
    pdf = new_pdf()
    pdf.image(io.BytesIO(png.getvalue()), x=10, y=10, w=180)
    return bytes(pdf.output())


def test_extract_pdf_two_columns_read_column_by_column():
    result = extract_text(two_column_pdf(), "cv.pdf")
    lines = result.text.split("\n")
    positions = [lines.index(line) for line in LEFT + RIGHT]
    assert (result.status, result.pages) == ("ok", 1)
    assert lines[0] == "Ann Lee - Curriculum Vitae - Research Statistician"
    assert positions == sorted(positions)
    assert max(positions[:12]) < min(positions[12:])
    assert lines[-1] == "References are available on request from the candidate at any time."


def test_pdf_to_text_two_columns_use_layout_analysis():
    result = pdf_to_text(two_column_pdf(), Limits())
    assert (result.layout_pages, result.pages, result.has_text) == (1, 1, True)


def test_pdf_to_text_single_column_with_dates_stays_fast_path():
    result = pdf_to_text(single_column_pdf(), Limits())
    assert result.layout_pages == 0
    assert result.text.split("\r\n")[0] == "Research fellow, Oslo institute (part 1) 2019 - 2023"


def test_extract_pdf_scanned_page_has_no_text_layer():
    assert extract_text(scanned_pdf(), "scan.pdf") == Extraction(
        text="",
        media_type="application/pdf",
        kind="pdf",
        status="no_text_layer",
        error="no text layer (scanned?)",
        pages=1,
    )


def test_extract_pdf_random_bytes_failed():
    data = b"%PDF-1.7\n" + np.random.default_rng(1).bytes(5000)
    result = extract_text(data, "cv.pdf")
    assert (result.status, result.error, result.kind) == (
        "failed",
        "could not be read: the PDF is damaged or incomplete",
        "pdf",
    )


def test_extract_pdf_pure_noise_is_not_a_pdf():
    result = extract_text(np.random.default_rng(2).bytes(5000), "cv.pdf")
    assert result.error == "not a PDF: the content is unrecognised binary data"


def test_extract_pdf_truncated_failed():
    data = single_column_pdf()
    result = extract_text(data[: len(data) // 2], "cv.pdf")
    assert (result.status, result.error) == (
        "failed",
        "could not be read: the PDF is damaged or incomplete",
    )


def test_extract_pdf_password_protected_failed():
    pdf = new_pdf()
    pdf.cell(text="Secret CV")
    pdf.set_encryption(owner_password="owner", user_password="user")
    result = extract_text(bytes(pdf.output()), "cv.pdf")
    assert (result.status, result.error) == (
        "failed",
        "could not be read: the PDF is password-protected",
    )


def test_extract_pdf_only_first_pages_are_read():
    result = extract_text(single_column_pdf(pages=3), "cv.pdf", limits=Limits(max_pages=2))
    assert result.pages == 3
    assert ("(part 2)" in result.text, "(part 3)" in result.text) == (True, False)


def test_extract_pdf_pages_separated_by_blank_line():
    text = extract_text(single_column_pdf(pages=2), "cv.pdf").text
    assert "homes.\n\nResearch fellow, Oslo institute (part 2) 2019 - 2023" in text


def boxes_in_rows(left_x: tuple[float, float], right_x: tuple[float, float], rows: int = 10):
    return [
        (x0, 700 - 12 * row, x1, 710 - 12 * row)
        for row in range(rows)
        for x0, x1 in (left_x, right_x)
    ]


def test_find_gutter_two_real_columns():
    assert find_gutter(boxes_in_rows((40, 250), (320, 560)), 595) == (252.0, 320.0)


def test_find_gutter_narrow_date_column_is_not_a_column():
    assert find_gutter(boxes_in_rows((40, 110), (150, 560)), 595) is None


def test_find_gutter_columns_one_above_the_other_are_not_columns():
    top = [(40, 700 - 12 * row, 250, 710 - 12 * row) for row in range(10)]
    bottom = [(320, 400 - 12 * row, 560, 410 - 12 * row) for row in range(10)]
    assert find_gutter(top + bottom, 595) is None


def test_order_column_boxes_full_width_box_closes_a_run():
    boxes = [
        ((40, 500, 250, 600), "left top"),
        ((320, 520, 560, 600), "right top"),
        ((40, 400, 560, 450), "full width"),
        ((320, 300, 560, 380), "right bottom"),
        ((40, 300, 250, 380), "left bottom"),
        ((40, 700, 560, 750), "banner"),
    ]
    assert order_column_boxes(boxes, (252.0, 320.0)) == [
        "banner",
        "left top\n",
        "\n",
        "right top",
        "full width",
        "left bottom\n",
        "\n",
        "right bottom",
    ]


def test_order_column_boxes_one_column_run_has_no_blank_line():
    boxes = [((40, 500, 250, 600), "left only\n"), ((40, 700, 560, 750), "banner\n")]
    assert order_column_boxes(boxes, (252.0, 320.0)) == ["banner\n", "left only\n"]


def running_header_pdf() -> bytes:
    """Three pages, each with a running header, a page number footer, and a list that runs on."""
    pdf = new_pdf()
    items = [f"[{n}] A. Author. Paper number {n} on survey design. Venue, 2020." for n in range(9)]
    for page in range(3):
        if page:
            pdf.add_page()
        pdf.set_xy(10, 8)
        pdf.cell(190, 5, "Ann Lee - Curriculum Vitae - June 2024")
        for row, item in enumerate(items[3 * page : 3 * page + 3]):
            pdf.set_xy(10, 20 + 6 * row)
            pdf.cell(190, 5, item)
        pdf.set_xy(10, 280)
        pdf.cell(190, 5, f"Page {page + 1} of 3", align="C")
    return bytes(pdf.output())


def test_pdf_running_header_kept_once_and_page_numbers_dropped():
    lines = [line.strip() for line in extract_text(running_header_pdf(), "cv.pdf").text.split("\n")]
    content = [line for line in lines if line]
    assert content.count("Ann Lee - Curriculum Vitae - June 2024") == 1
    assert not [line for line in content if line.startswith("Page ")]
    assert len(content) == 10


def test_drop_running_lines_keeps_page_one_and_repeated_content_lines():
    pages = [
        "Ann Lee - CV\nEducation\n2019",
        "Ann Lee - CV\nTeaching Assistant, CS 101, 2019\nx\n2",
        "Ann Lee - CV\nTeaching Assistant, CS 102, 2019\ny\n- 3 -",
    ]
    assert drop_running_lines(pages) == [
        "Ann Lee - CV\nEducation\n2019",
        "Teaching Assistant, CS 101, 2019\nx",
        "Teaching Assistant, CS 102, 2019\ny",
    ]
