"""One uploaded CV file to clean text, never raising: problems become a "failed" Extraction."""

from dataclasses import dataclass

from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.sniff import CV_KINDS, RejectedFile, sniff
from reviewapp.importing.textnorm import decode_text, normalise_text

OK, NO_TEXT_LAYER, FAILED = "ok", "no_text_layer", "failed"
EXTRACTABLE_KINDS = CV_KINDS - {"zip"}
NO_TEXT_MESSAGES = {"pdf": "no text layer (scanned?)"}
NO_TEXT_DEFAULT = "no text found (only images?)"
DAMAGED = {
    "pdf": "could not be read: the PDF is damaged",
    "docx": "could not be read: the Word file is damaged",
}
OUT_OF_MEMORY = "could not be read: it needed more memory than allowed"


@dataclass(frozen=True)
class Extraction:
    """Text of one file and how reading it went; `error` is shown to the chair as is."""

    text: str
    media_type: str
    kind: str
    status: str  # "ok", "no_text_layer" or "failed"
    error: str = ""
    pages: int | None = None  # PDFs only

    @property
    def ok(self) -> bool:
        return self.status == OK


def failed(error: str, *, kind: str = "", media_type: str = "") -> Extraction:
    """A failed Extraction carrying the reason."""
    return Extraction(text="", media_type=media_type, kind=kind, status=FAILED, error=error)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _raw_text(data: bytes, kind: str, limits: Limits) -> tuple[str, int | None, bool | None]:
    """Kind-specific text, page count, and (PDF only) whether a text layer was found."""
    if kind == "pdf":
        from reviewapp.importing.pdf import pdf_to_text

        result = pdf_to_text(data, limits)
        return result.text, result.pages, result.has_text
    if kind == "docx":
        from reviewapp.importing.docx_text import docx_to_text
        from reviewapp.importing.ooxml import UnsafePackage, check_package

        try:
            check_package(data, limits)
        except UnsafePackage as exc:
            raise RejectedFile(f"could not be read: {exc}") from exc
        return docx_to_text(data), None, None
    if kind == "html":
        from reviewapp.importing.html_text import html_to_text

        return html_to_text(data), None, None
    return decode_text(data), None, None


def extract_text(data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> Extraction:
    """Sniff, extract and normalise one file; every failure is reported, none is raised."""
    if len(data) > limits.max_file_bytes:
        return failed(f"the file is larger than {_mb(limits.max_file_bytes)}")
    try:
        sniffed = sniff(data, filename, allowed=EXTRACTABLE_KINDS)
    except RejectedFile as exc:
        return failed(exc.reason)
    kind, media_type = sniffed.kind, sniffed.media_type
    try:
        raw, pages, has_text = _raw_text(data, kind, limits)
    except RejectedFile as exc:
        return failed(exc.reason, kind=kind, media_type=media_type)
    except MemoryError:
        return failed(OUT_OF_MEMORY, kind=kind, media_type=media_type)
    except Exception as exc:  # a hostile or broken file must not break the batch
        from reviewapp.importing.pdf import PdfError

        message = f"could not be read: {exc}" if isinstance(exc, PdfError) else None
        message = message or DAMAGED.get(kind, "could not be read: the file is damaged")
        return failed(message, kind=kind, media_type=media_type)
    text = normalise_text(raw, max_chars=limits.max_text_chars)
    if has_text is False or not text.strip():
        message = NO_TEXT_MESSAGES.get(kind, NO_TEXT_DEFAULT)
        return Extraction(text, media_type, kind, NO_TEXT_LAYER, message, pages)
    return Extraction(text=text, media_type=media_type, kind=kind, status=OK, pages=pages)
