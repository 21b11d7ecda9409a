"""Bytes to str for text-like uploads, and the clean-up every extracted text goes through."""

import codecs
import re
import unicodedata

from reviewapp.importing.encodings import LATIN_CODEPAGES, decode_latin
from reviewapp.textutil import strip_control_chars

_BOM_CODECS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Latin code pages decode_latin already tried or ruled out; charset-normalizer often still
# ranks them first for texts in other scripts.
_TRIED = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "cp819", *LATIN_CODEPAGES}
_SMALL_CAPS_RE = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")
_WORD_RE = re.compile(r"[A-Za-z]+")
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    if max(even, odd) < 0.3 * len(sample) / 2:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Decode text of unknown encoding: BOM, UTF-8, UTF-16, the best-fitting Latin code page
    (cp1252, cp1250, cp1254, cp1257; see encodings.py), then charset-normalizer.

    `declared` (an HTML meta charset) is tried right after the BOM check.
    """
    for bom, codec in _BOM_CODECS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _utf16_without_bom(data) or decode_latin(data)
    if text is not None:
        return text
    from charset_normalizer import from_bytes

    for match in from_bytes(data):
        if match.encoding not in _TRIED:
            return str(match)
    return data.decode("cp1252", errors="replace")


def _heading_like(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= 60 and not any(ch.islower() for ch in stripped)


def repair_small_caps(line: str) -> str:
    """ "E DUCATION" -> "EDUCATION" on heading-like lines where most words show the split."""
    if not _heading_like(line) or not _SMALL_CAPS_RE.search(line):
        return line
    words = _WORD_RE.findall(line)
    long_words = sum(1 for word in words if len(word) >= 2)
    split_words = len(_SMALL_CAPS_RE.findall(line))
    if split_words * 2 < long_words:
        return line
    return _SMALL_CAPS_RE.sub(r"\1\2", line)


def normalise_text(text: str, *, max_chars: int = 1_000_000) -> str:
    """NFKC (ligatures, full-width forms), no control characters, small caps repaired, tidy."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n\n")
    text = unicodedata.normalize("NFKC", text)
    text = strip_control_chars(text)
    lines = [repair_small_caps(line.rstrip()) for line in text.split("\n")]
    text = _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip("\n")
    return text[:max_chars]
