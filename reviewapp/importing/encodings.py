"""Which Windows code page a non-UTF-8 text was written in, decided by the words it decodes to.

The single-byte code pages of Latin-script Europe agree on ASCII and differ on the letters
above it: the byte a Turkish file uses for "ş" is "þ" in cp1252, a Czech "ř" is "ø". Every
candidate decoding is read word by word; a word fits a language when all its non-ASCII letters
are in that language's alphabet. The decoding whose words fit best wins (words fitting the
document's main language, plus words fitting any language, so a German CV quoting a Czech
name still counts both); ties go to cp1252, the most common one.
"""

import re

# Candidates in order of preference on a tie; cp1252 first.
LATIN_CODEPAGES = ("cp1252", "cp1250", "cp1254", "cp1257")
# Non-ASCII characters that are punctuation in Western texts (anything else must be a letter).
WESTERN_PUNCT = frozenset("\u00a0–—‘’‚“”„•…€·«»°©®™§ºª¿¡×÷±²³¹½¼¾µ¶¦¨¯´¸¬")
_UNDEFINED = {
    "cp1252": (0x81, 0x8D, 0x8F, 0x90, 0x9D),
}
_ALPHABETS = {
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüß",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "it": "àèéìíîòóùú",
    "ca": "àçèéíïòóúü",
    "nl": "áäéëèïíóöúü",
    "da": "æøåéó",
    "sv": "åäöé",
    "fi": "åäöšž",
    "is": "áðéíóúýþæö",
    "tr": "çğıöşüâîû",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ",
    "hr": "čćđšž",
    "sq": "çë",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
}
_ALPHABET_SETS = {lang: frozenset(letters) for lang, letters in _ALPHABETS.items()}
_WORD_RE = re.compile(r"[^\W\d_]+")
_SAMPLE = 200_000  # characters scored; a CV is far shorter


def _letters(word: str) -> frozenset[str]:
    """The non-ASCII letters of a word, lower-cased (Turkish dotted capital I as "i")."""
    return frozenset(ch for ch in word.replace("İ", "i").lower() if not ch.isascii())


def plausible_latin(text: str) -> bool:
    """Whether a decoding reads like a Latin-script text: its non-ASCII characters are Latin
    letters or common punctuation, and most letters are ASCII (Cyrillic or Greek bytes read as
    a Latin code page give runs of accented capitals instead)."""
    letters = high = 0
    for ch in text[:_SAMPLE]:
        if ch.isascii():
            letters += ch.isalpha()
        elif ch.isalpha() and "\u00c0" <= ch <= "\u024f":
            letters += 1
            high += 1
        elif ch not in WESTERN_PUNCT:
            return False
    return not letters or high / letters <= 0.25


def fit_score(text: str) -> int:
    """Words fitting the text's best language plus words fitting any language."""
    per_language = dict.fromkeys(_ALPHABET_SETS, 0)
    any_fit = 0
    for word in _WORD_RE.findall(text[:_SAMPLE]):
        letters = _letters(word)
        if not letters:
            continue
        fitted = False
        for lang, alphabet in _ALPHABET_SETS.items():
            if letters <= alphabet:
                per_language[lang] += 1
                fitted = True
        any_fit += fitted
    return any_fit + max(per_language.values())


def _decode(data: bytes, codec: str) -> str | None:
    if any(byte in data for byte in _UNDEFINED.get(codec, ())):
        return data.decode("latin-1") if codec == "cp1252" else None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_latin(data: bytes) -> str | None:
    """The best-fitting Latin code page decoding of `data`, or None when none is plausible."""
    best: tuple[int, str] | None = None
    for codec in LATIN_CODEPAGES:
        text = _decode(data, codec)
        if text is None or not plausible_latin(text):
            continue
        score = fit_score(text)
        if best is None or score > best[0]:
            best = (score, text)
    return best[1] if best else None
