"""Manifests: every encoding and delimiter decoded, headers matched loosely, bad rows numbered."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from reviewapp.importing.limits import Limits
from reviewapp.importing.manifest import ManifestError, ManifestRow, header_key, read_manifest

pytestmark = pytest.mark.unit

CSV = (
    "Full Name,E-mail,CV,Nationality\n"
    "María José Fernández,mj@example.org,maria.pdf,Spanish\n"
    "Zoë Ärmel,zoe@example.org; z.armel@uni.example,folder/zoe.docx,\n"
)
EXPECTED = [
    ManifestRow(
        2, "maria.pdf", "María José Fernández", ("mj@example.org",), {"Nationality": "Spanish"}
    ),
    ManifestRow(3, "folder/zoe.docx", "Zoë Ärmel", ("zoe@example.org", "z.armel@uni.example"), {}),
]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def errors(data: bytes, filename: str = "list.csv", **limits) -> list[tuple[int, str]]:
    with pytest.raises(ManifestError) as caught:
        read_manifest(data, filename, limits=Limits(**limits))
    return caught.value.errors


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])
def test_read_manifest_csv_every_encoding(encoding):
    assert read_manifest(CSV.encode(encoding), "list.csv") == EXPECTED


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_read_manifest_csv_delimiter_sniffed(delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(csv.reader(io.StringIO(CSV)))
    assert read_manifest(out.getvalue().encode(), "list.csv") == EXPECTED


def test_read_manifest_xlsx():
    data = xlsx(
        [
            ["Name ", "EMAIL", "File name", "Start"],
            ["Ann Lee", "ann@example.org", "ann.pdf", dt.datetime(2024, 9, 1)],
            [None, None, None, None],
            ["Bo Ek", None, 12.0, None],
        ]
    )
    assert read_manifest(data, "list.xlsx") == [
        ManifestRow(2, "ann.pdf", "Ann Lee", ("ann@example.org",), {"Start": "2024-09-01"}),
        ManifestRow(4, "12", "Bo Ek", (), {}),
    ]


def test_read_manifest_first_and_last_name_columns_combined():
    data = b"Given name,Surname,Filename\nAnn,Lee,a.pdf\n"
    assert read_manifest(data, "list.csv") == [ManifestRow(2, "a.pdf", "Ann Lee", (), {})]


def test_read_manifest_control_characters_stripped():
    data = b"name,file,notes\nAnn\x01Lee,a\x02.pdf,line one\x0b\n"
    assert read_manifest(data, "list.csv") == [
        ManifestRow(2, "a.pdf", "AnnLee", (), {"notes": "line one"})
    ]


def test_read_manifest_wrong_column_counts_numbered():
    data = b"name,email,file\nAnn,ann@example.org,a.pdf\nBo,b.pdf\nCy,cy@example.org,c.pdf,extra\n"
    assert errors(data) == [(3, "expected 3 columns, found 2"), (4, "expected 3 columns, found 4")]


def test_read_manifest_every_bad_row_reported():
    data = (
        b"name,email,file\nAnn,ann@example.org,\nBo,not-an-email,b.pdf\nCy,cy@example.org,B.PDF\n"
    )
    assert errors(data) == [
        (2, "the file column is empty"),
        (3, '"not-an-email" is not an e-mail address'),
        (4, '"B.PDF" is already listed in row 3'),
    ]


def test_read_manifest_missing_file_column():
    assert errors(b"name,email\nAnn,ann@example.org\n") == [
        (1, 'no file column: add a column titled "file" naming each CV file')
    ]


def test_read_manifest_duplicate_column():
    assert errors(b"file,name,Name\na.pdf,Ann,Ann\n") == [(1, 'the column "Name" appears twice')]


def test_read_manifest_empty_file():
    assert errors(b"") == [(0, "the file is empty")]
    assert errors(b"\n ,\n\n") == [(0, "the manifest is empty")]


def test_read_manifest_header_only_gives_no_rows():
    assert read_manifest(b"name,file\n", "list.csv") == []


def test_read_manifest_blank_lines_skipped_but_numbered():
    data = b"name,file\n\nAnn,a.pdf\n,\nBo,b.pdf\n"
    assert [row.row for row in read_manifest(data, "list.csv")] == [3, 5]


def test_read_manifest_row_limit():
    data = b"file\n" + b"".join(b"%d.pdf\n" % n for n in range(5))
    assert errors(data, max_manifest_rows=3) == [(5, "more than 3 rows")]


def test_read_manifest_xlsx_value_in_untitled_column():
    assert errors(xlsx([["name", "file"], ["Ann", "a.pdf", "stray"]]), "list.xlsx") == [
        (2, "a value lies in a column without a title")
    ]


def test_read_manifest_wrong_type_refused():
    assert errors(b"%PDF-1.4 ...", "list.pdf") == [
        (0, ".pdf files are not accepted here; accepted types are CSV, Excel (.xlsx)")
    ]


def test_read_manifest_xlsx_with_dtd_refused():
    source = zipfile.ZipFile(io.BytesIO(xlsx([["file"], ["a.pdf"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                data = doctype + data.split(b"?>", 1)[-1]
            zf.writestr(info.filename, data)
    assert errors(out.getvalue(), "list.xlsx") == [
        (0, "the workbook could not be read: it contains unsafe XML (a DTD or entity declaration)")
    ]


def test_manifest_error_message_lists_rows():
    assert str(ManifestError([(2, "a"), (5, "b")])) == "row 2: a; row 5: b"


def test_header_key_ignores_case_accents_and_punctuation():
    assert header_key(" E-Mail ") == header_key("email") == "email"
    assert header_key("Prénom") == "prenom"
