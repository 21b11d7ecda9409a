"""Read a CSV or XLSX manifest (file, name, e-mail, extra columns) and validate every row first.

Row numbers are the ones a spreadsheet shows: the header is row 1. Errors about the file as a
whole (empty, unreadable, no file column) carry row 0 or 1. Nothing is returned unless every
row is valid, so an import never half-writes a batch.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.sniff import MANIFEST_KINDS, RejectedFile, sniff
from reviewapp.importing.textnorm import decode_text
from reviewapp.textutil import clean_display_text, fold, strip_control_chars

_SYNONYMS = {
    "file": {
        "file", "filename", "files", "cv", "cvfile", "cvfilename", "resume", "resumefile",
        "document", "documentfile", "attachment", "path", "filepath", "pdf",
    },
    "name": {"name", "fullname", "candidate", "candidatename", "applicant", "applicantname"},
    "first_name": {"firstname", "givenname", "forename", "first", "prenom"},
    "last_name": {"lastname", "surname", "familyname", "last", "nom"},
    "email": {
        "email", "emails", "emailaddress", "emailaddresses", "mail", "mailaddress", "courriel",
    },
}  # fmt: skip
_EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_EMAIL_SPLIT_RE = re.compile(r"[,;\s]+")
_DELIMITERS = (",", ";", "\t", "|")


class ManifestError(Exception):
    """Every problem found in the manifest, as (row number, message) pairs."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"row {row}: {message}" for row, message in errors[:10]))


@dataclass(frozen=True)
class ManifestRow:
    """One candidate line: the CV file it names, a display name, e-mails and any other columns."""

    row: int
    file: str
    name: str = ""
    emails: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""


def header_key(title: str) -> str:
    """Compare headers without case, accents, spaces or punctuation ("E-mail " == "email")."""
    return re.sub(r"[^a-z0-9]", "", fold(title))


def _role(title: str) -> str | None:
    key = header_key(title)
    return next((role for role, names in _SYNONYMS.items() if key in names), None)


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns (, ; tab |)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode_text(data).replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ManifestError([(reader.line_num, f"the CSV could not be read ({exc})")]) from exc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes, limits: Limits) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    from reviewapp.importing.ooxml import UnsafePackage, check_package

    try:
        check_package(data, limits)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnsafePackage as exc:
        raise ManifestError([(0, f"the workbook could not be read: {exc}")]) from exc
    except Exception as exc:  # openpyxl raises many types on a broken file
        raise ManifestError([(0, "the workbook is damaged and could not be read")]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell(value) for value in values]))
            if len(rows) > limits.max_manifest_rows + 1:
                break
        return rows
    finally:
        workbook.close()


def _header(cells: list[str]) -> tuple[dict[str, int], dict[str, int], list[tuple[int, str]]]:
    """Column index per role, per extra column title, and header errors."""
    roles: dict[str, int] = {}
    extras: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    for index, raw in enumerate(cells):
        title = clean_display_text(raw)
        role = _role(title)
        if role and role not in roles:
            roles[role] = index
        elif role or title in extras:
            errors.append((1, f'the column "{title}" appears twice'))
        elif title:
            extras[title] = index
    if "file" not in roles:
        errors.append((1, 'no file column: add a column titled "file" naming each CV file'))
    return roles, extras, errors


def _emails(value: str, row: int, errors: list[tuple[int, str]]) -> tuple[str, ...]:
    emails = tuple(part for part in _EMAIL_SPLIT_RE.split(value) if part)
    for email in emails:
        if not _EMAIL_RE.match(email):
            errors.append((row, f'"{email}" is not an e-mail address'))
    return emails


def _clean_file(value: str) -> str:
    parts = clean_display_text(value).replace("\\", "/").split("/")
    return "/".join(part for part in parts if part)


def _build_rows(
    rows: list[tuple[int, list[str]]], limits: Limits, *, strict_width: bool
) -> list[ManifestRow]:
    filled = (i for i, (_number, cells) in enumerate(rows) if any(c.strip() for c in cells))
    header_at = next(filled, None)
    if header_at is None:
        raise ManifestError([(0, "the manifest is empty")])
    header_row, header_cells = rows[header_at]
    roles, extras, errors = _header(header_cells)
    if errors:
        raise ManifestError([(header_row, message) for _row, message in errors])
    width = len(header_cells)
    titled = set(roles.values()) | set(extras.values())
    result: list[ManifestRow] = []
    seen_files: dict[str, int] = {}
    for number, cells in rows[header_at + 1 :]:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are allowed
        if len(result) >= limits.max_manifest_rows:
            errors.append((number, f"more than {limits.max_manifest_rows:,} rows"))
            break
        if strict_width and len(cells) != width:
            errors.append((number, f"expected {width} columns, found {len(cells)}"))
            continue
        if any(cell.strip() for index, cell in enumerate(cells) if index not in titled):
            errors.append((number, "a value lies in a column without a title"))
            continue
        cells = [strip_control_chars(cell).strip() for cell in cells] + [""] * width

        def value(role: str, cells: list[str] = cells) -> str:
            return clean_display_text(cells[roles[role]]) if role in roles else ""

        file = _clean_file(value("file"))
        if not file:
            errors.append((number, "the file column is empty"))
        elif fold(file) in seen_files:
            errors.append((number, f'"{file}" is already listed in row {seen_files[fold(file)]}'))
        else:
            seen_files[fold(file)] = number
        name = value("name") or " ".join(filter(None, [value("first_name"), value("last_name")]))
        emails = _emails(value("email"), number, errors)
        attributes = {title: cells[index] for title, index in extras.items() if cells[index]}
        result.append(ManifestRow(number, file, name, emails, attributes))
    if errors:
        raise ManifestError(errors)
    return result


def read_manifest(
    data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS
) -> list[ManifestRow]:
    """Validated rows of a CSV/XLSX manifest, or ManifestError listing every bad row."""
    try:
        kind = sniff(data, filename, allowed=MANIFEST_KINDS).kind
    except RejectedFile as exc:
        raise ManifestError([(0, exc.reason)]) from exc
    if len(data) > limits.max_file_bytes:
        raise ManifestError([(0, "the manifest is too large")])
    if kind == "xlsx":
        return _build_rows(_xlsx_rows(data, limits), limits, strict_width=False)
    return _build_rows(_csv_rows(data), limits, strict_width=True)
