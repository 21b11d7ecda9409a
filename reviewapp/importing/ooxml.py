"""Office Open XML packages (DOCX, XLSX): tell them apart and vet them before a parser opens them.

Python's zipfile never yields more than a member's declared (central directory) size and then
fails the CRC check, so checking declared sizes bounds what python-docx or openpyxl can inflate
("a DOCX whose XML part inflates to 1 GB"). Entity attacks (billion laughs, XXE) need a DTD,
which can only appear before the root element, so each XML part's prolog is fed to defusedxml
with DTDs forbidden; parsing stops at the root element, keeping the check cheap.
"""

import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from reviewapp.importing.limits import Limits

CONTENT_TYPES = "[Content_Types].xml"
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "docx",
    "application/vnd.ms-word.document.macroenabled.main+xml": "docm",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": "pptx",
}
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_PROLOG_CHUNK = 16 * 1024


class UnsafePackage(Exception):
    """The package is damaged, too large once unpacked, or carries unsafe XML."""


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """TreeBuilder stand-in: the first start tag ends the prolog, so stop there."""

    def start(self, tag, attrs):
        raise _RootReached

    def close(self):
        return None


class _CollectOverrides:
    """TreeBuilder stand-in that keeps the ContentType of every Override element."""

    def __init__(self) -> None:
        self.types: list[str] = []

    def start(self, tag, attrs):
        if tag.endswith("}Override") or tag == "Override":
            self.types.append(attrs.get("ContentType", "").lower())

    def end(self, tag):
        return None

    def data(self, text):
        return None

    def close(self):
        return self.types


def _defused_parser(target) -> DefusedXMLParser:
    return DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )


def package_kind(zf: zipfile.ZipFile) -> str | None:
    """ "docx", "docm", "xlsx", "xlsm", "pptx", "odf", "ooxml" (other) or None (a plain zip)."""
    names = set(zf.namelist())
    if "mimetype" in names and "META-INF/manifest.xml" in names:
        return "odf"
    if CONTENT_TYPES not in names:
        return None
    info = zf.getinfo(CONTENT_TYPES)
    kind = None
    if info.file_size <= _MAX_CONTENT_TYPES_BYTES:
        try:
            with zf.open(info) as fh:
                raw = fh.read(_MAX_CONTENT_TYPES_BYTES)
            target = _CollectOverrides()
            parser = _defused_parser(target)
            parser.feed(raw)
            for content_type in parser.close() or []:
                kind = kind or _MAIN_TYPES.get(content_type)
        except (zipfile.BadZipFile, ParseError, DefusedXmlException, OSError, ValueError):
            kind = None
    if kind is None:
        if "word/document.xml" in names:
            kind = "docx"
        elif "xl/workbook.xml" in names:
            kind = "xlsx"
        else:
            kind = "ooxml"
    if kind == "docx" and "word/vbaProject.bin" in names:
        kind = "docm"
    if kind == "xlsx" and "xl/vbaProject.bin" in names:
        kind = "xlsm"
    return kind


_PLAIN_PROLOG = re.compile(
    rb"""<\?xml[^<>]*?\?>\s*<[A-Za-z_]""",  # declaration, then the root element at once
)
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _plain_prolog(head: bytes) -> bool:
    """True when the part opens with a UTF-8 XML declaration followed directly by the root
    element: nothing there can be a DTD, so defusedxml need not look (the usual case, and
    the parser costs far more than this test). Anything else goes to defusedxml."""
    match = _PLAIN_PROLOG.match(head)
    if match is None:
        return False
    encoding = _ENCODING.search(head, 0, match.end())
    return encoding is None or encoding.group(1).lower() in (b"utf-8", b"utf8")


def _check_prolog(fh) -> None:
    """Feed the part to defusedxml until its root element starts; a DTD raises before that."""
    head = fh.read(1024)
    if _plain_prolog(head):
        return
    parser = _defused_parser(_StopAtRoot())
    try:
        parser.feed(head)
        while chunk := fh.read(_PROLOG_CHUNK):
            parser.feed(chunk)
        parser.close()
    except _RootReached:
        return
    except DefusedXmlException as exc:
        raise UnsafePackage("it contains unsafe XML (a DTD or entity declaration)") from exc
    except ParseError as exc:
        raise UnsafePackage("its XML is damaged") from exc


def check_package(data: bytes, limits: Limits) -> None:
    """Raise UnsafePackage unless the DOCX/XLSX is within the size limits and free of DTDs."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnsafePackage("it is damaged or incomplete") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_package_members:
            raise UnsafePackage(f"it has too many parts ({len(infos):,})")
        if sum(info.file_size for info in infos) > limits.max_package_bytes:
            raise UnsafePackage("it would be too large once unpacked")
        for info in infos:
            if info.file_size > limits.max_package_part_bytes:
                raise UnsafePackage("a part of it would be too large once unpacked")
            if info.flag_bits & 0x1:
                raise UnsafePackage("it is password-protected")
            if info.filename.lower().endswith((".xml", ".rels")):
                try:
                    with zf.open(info) as fh:
                        _check_prolog(fh)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                    raise UnsafePackage("it is damaged or incomplete") from exc
