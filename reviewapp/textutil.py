"""Small text helpers shared by the importer, the conflict detector and the exports.

Pure functions: no Flask, no database.
"""

import re
import unicodedata

# C0/C1 control characters except tab, newline and carriage return (which carry layout).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_OTHER_SPACE_RE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
# Characters that NFKD does not decompose but that have an obvious ASCII reading in names.
_FOLD_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
    }
)


def strip_control_chars(text: str) -> str:
    """Remove control characters that spreadsheets and XML reject (keeps tab and newlines)."""
    return _CONTROL_RE.sub("", text)


def fold(text: str) -> str:
    """Fold for comparison: compatibility-decompose, drop diacritics, casefold.

    "María José Fernández-López" -> "maria jose fernandez-lopez"; ligatures such as "ﬁ" become "fi".
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    if decomposed.isascii():  # no combining marks to drop
        return decomposed.casefold()
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def squash_spaces(text: str) -> str:
    """Collapse runs of horizontal white space into one space and trim the ends."""
    if "  " in text or _OTHER_SPACE_RE.search(text):  # else only single spaces: nothing to do
        text = _SPACE_RE.sub(" ", text)
    return text.strip()


def clean_display_text(text: str, max_length: int = 255) -> str:
    """Make user-supplied text safe to store and show as a single line (names, file names)."""
    text = strip_control_chars(text).replace("\r", " ").replace("\n", " ")
    return squash_spaces(text)[:max_length]
