"""Decide what an uploaded file is from its extension AND its first bytes (an allowlist).

A file is accepted only when both agree: `cv.pdf` holding HTML is "not a PDF", `cv.pdf.html`
holding a PDF is "not an HTML file". Reasons are written for the committee chair who uploaded it.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from reviewapp.importing.ooxml import package_kind

CV_KINDS = frozenset({"pdf", "docx", "text", "html", "zip"})
MANIFEST_KINDS = frozenset({"csv", "xlsx"})

_EXTENSIONS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "txt": ("text", "text/plain"),
    "text": ("text", "text/plain"),
    "md": ("text", "text/markdown"),
    "markdown": ("text", "text/markdown"),
    "html": ("html", "text/html"),
    "htm": ("html", "text/html"),
    "zip": ("zip", "application/zip"),
    "csv": ("csv", "text/csv"),
    "tsv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
_LABELS = {
    "pdf": "a PDF",
    "docx": "a Word document (.docx)",
    "text": "a text file",
    "html": "an HTML file",
    "zip": "a ZIP archive",
    "csv": "a CSV file",
    "xlsx": "an Excel workbook (.xlsx)",
}
_ACCEPTED = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "text": "text (.txt, .md)",
    "html": "HTML",
    "zip": "ZIP",
    "csv": "CSV",
    "xlsx": "Excel (.xlsx)",
}
_MACRO = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm"}
_OLD_OFFICE = {"doc", "dot", "xls", "ppt", "rtf", "odt", "ods", "pages", "wpd"}
_IMAGES = {"svg", "svgz", "png", "jpg", "jpeg", "gif", "tif", "tiff", "bmp", "heic", "webp"}
_ARCHIVES = {"rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "zst", "cab", "iso", "jar", "war"}
_PROGRAMS = {
    "exe", "dll", "com", "bat", "cmd", "msi", "scr", "ps1", "vbs", "js", "mjs", "jse", "wsf",
    "sh", "bash", "php", "phtml", "py", "pl", "rb", "cgi", "asp", "aspx", "jsp", "app", "apk",
    "bin", "elf", "so", "dylib", "lnk", "hta", "reg", "swf",
}  # fmt: skip
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_ARCHIVE_MAGIC = (b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd")
_HTML_RE = re.compile(
    r"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|p|div|h[1-6]|table|ul|ol"
    r"|span|section|article|header|main|br|a|b|strong|em|style|script|link)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class RejectedFile(Exception):
    """A file refused before or while reading it; `reason` is shown to the chair as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sniffed:
    """What a file turned out to be: an importer kind and the media type to store it under."""

    kind: str
    media_type: str
    extension: str


def extension_of(filename: str) -> str:
    """The last suffix of the base name, lower-cased, without the dot ("" when there is none)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].strip().lower()


def _head_text(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        return head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf").lstrip(" \t\r\n")


def looks_like_text(data: bytes) -> bool:
    """No NUL bytes (unless UTF-16) and few other control bytes in the first 8 KB."""
    sample = data[:8192]
    if sample.startswith(_BOMS):
        return True
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if max(odd, even) > 0.3 * len(sample) / 2:
        return min(odd, even) == 0  # UTF-16 without a BOM
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)  # NUL included
    return controls <= max(4, len(sample) // 50)


def describe_content(data: bytes) -> str:
    """A chair-readable guess at what the bytes are, for "not a PDF: the content is …"."""
    if not data:
        return "empty"
    if data.startswith(_EXECUTABLE_MAGIC) or data.startswith(b"#!"):
        return "an executable program"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return {
            "docx": "a Word document",
            "docm": "a macro-enabled Word document",
            "xlsx": "an Excel workbook",
            "xlsm": "a macro-enabled Excel workbook",
            "pptx": "a PowerPoint presentation",
            "odf": "an OpenDocument file",
            "broken": "a damaged ZIP or Office file",
        }.get(_zip_kind(data) or "", "a ZIP archive")
    if b"%PDF-" in data[:1024]:
        return "a PDF"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style or password-protected Office file"
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "an image"
    if data.startswith(_ARCHIVE_MAGIC):
        return "a compressed archive"
    if data.startswith(b"{\\rtf"):
        return "an RTF document"
    if not looks_like_text(data):
        return "unrecognised binary data"
    head = _head_text(data)
    lowered = head[:1024].lower()
    if lowered.startswith("<svg") or (lowered.startswith("<?xml") and "<svg" in lowered):
        return "an SVG image"
    if lowered.startswith("<?php"):
        return "a PHP script"
    if _HTML_RE.match(head):
        return "HTML"
    return "plain text"


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return package_kind(zf)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "broken"


def _accepted_list(allowed: frozenset[str]) -> str:
    return ", ".join(_ACCEPTED[kind] for kind in _ACCEPTED if kind in allowed)


def _reject_by_name(filename: str, ext: str, allowed: frozenset[str]) -> None:
    if "\x00" in filename or "%00" in filename:
        raise RejectedFile(
            "the file name contains a hidden null character (%00); rename the file and try again"
        )
    accepted = _accepted_list(allowed)
    if not ext:
        raise RejectedFile(f"the file name has no extension; accepted types are {accepted}")
    if ext in _MACRO:
        raise RejectedFile(
            f"macro-enabled Office files (.{ext}) are not accepted; save it as .docx or PDF"
        )
    if ext in _OLD_OFFICE:
        raise RejectedFile(f".{ext} files are not supported; save it as .docx or PDF")
    if ext in _IMAGES:
        raise RejectedFile(f"images (.{ext}) are not accepted; upload the CV as a PDF")
    if ext in _PROGRAMS:
        raise RejectedFile(f"program and script files (.{ext}) are not accepted")
    if ext in _ARCHIVES:
        raise RejectedFile(f"only .zip archives are accepted, not .{ext}")
    if ext not in _EXTENSIONS:
        raise RejectedFile(f".{ext} files are not accepted; accepted types are {accepted}")
    kind = _EXTENSIONS[ext][0]
    if kind not in allowed:
        raise RejectedFile(f".{ext} files are not accepted here; accepted types are {accepted}")


def _content_matches(kind: str, data: bytes) -> tuple[bool, str]:
    """Whether the bytes are of `kind`, and what they look like when they are not."""
    found = describe_content(data)
    expected = {
        "pdf": {"a PDF"},
        "docx": {"a Word document"},
        "xlsx": {"an Excel workbook"},
        "zip": {"a ZIP archive", "a damaged ZIP or Office file"},  # archive.py says why
        "html": {"HTML"},
        # Plain text may legitimately look like markup; it is only ever read as text.
        "text": {"plain text", "HTML", "an SVG image", "a PHP script"},
        "csv": {"plain text"},
    }[kind]
    return found in expected, found


def sniff(data: bytes, filename: str, *, allowed: frozenset[str] = CV_KINDS) -> Sniffed:
    """Classify an upload, or raise RejectedFile with a reason a chair understands."""
    ext = extension_of(filename)
    _reject_by_name(filename, ext, allowed)
    kind, media_type = _EXTENSIONS[ext]
    if not data:
        raise RejectedFile("the file is empty")
    ok, found = _content_matches(kind, data)
    if not ok:
        raise RejectedFile(f"not {_LABELS[kind]}: the content is {found}")
    if ext == "tsv":
        media_type = "text/tab-separated-values"
    return Sniffed(kind=kind, media_type=media_type, extension=ext)


def kind_for_name(filename: str) -> tuple[str, str]:
    """(kind, media_type) the extension promises, or ("", "") — for reports on unread files."""
    return _EXTENSIONS.get(extension_of(filename), ("", ""))
