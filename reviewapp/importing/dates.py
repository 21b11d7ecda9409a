"""Dates and date ranges as CVs write them, in English, German, French, Spanish and Italian.

Results are ISO-ish strings: "YYYY-MM" when the month is known, else "YYYY".
"""

import re
from dataclasses import dataclass

_MONTHS = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen",
    2: "february feb febr februar février fevrier févr fevr febrero febbraio",
    3: "march mar märz maerz mär mars marzo",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mag",
    6: "june jun juni juin junio giugno giu",
    7: "july jul juli juillet juil julio luglio lug",
    8: "august aug août aout agosto ago",
    9: "september sept sep septembre septiembre setiembre settembre set",
    10: "october oct oktober okt octobre octubre ottobre ott",
    11: "november nov novembre noviembre",
    12: "december dec dezember dez décembre decembre déc diciembre dic dicembre",
}
MONTH_BY_WORD = {word: month for month, words in _MONTHS.items() for word in words.split()}
_MONTH_INITIALS = "".join(sorted({word[0] for word in MONTH_BY_WORD}))


def _month_alternation() -> str:
    """Month names, longest first, grouped by initial: a name can only match where its initial
    stands, so one quick test per initial replaces trying every name at each position."""
    longest_first = sorted(MONTH_BY_WORD, key=len, reverse=True)
    groups = []
    for initial in _MONTH_INITIALS:
        words = [word for word in longest_first if word[0] == initial]
        groups.append(f"(?={initial})(?:{'|'.join(words)})")
    return "|".join(groups)


_MONTH_ALT = _month_alternation()
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"

# Every date starts with a digit or a month name: the leading lookahead tests that cheaply.
_TOKEN_RE = re.compile(
    rf"(?=[\d{_MONTH_INITIALS}])"
    rf"(?:(?<![\d.])(?P<y1>{_YEAR})\s?[./-]\s?(?P<m1>0?[1-9]|1[0-2])(?![\d])(?![./-]\d)"
    rf"|(?<![\d/.])(?:[0-3]?\d[./])?(?P<m2>0?[1-9]|1[0-2])\s?[./]\s?(?P<y2>{_YEAR})(?!\d)"
    rf"|(?<![^\W\d_])(?:[0-3]?\d(?:st|nd|rd|th|\.)?\s+)?"
    rf"(?=[{_MONTH_INITIALS}])(?P<mon>{_MONTH_ALT})(?![^\W\d_])\.?,?"
    rf"\s*(?:[0-3]?\d(?:st|nd|rd|th)?,?\s+)?(?:'(?P<yy>\d\d)|(?P<y3>{_YEAR}))(?!\d)"
    rf"|(?<![\d.])(?P<y5>{_YEAR})\s?[年년]\s?(?P<m5>0?[1-9]|1[0-2])\s?[月월]"
    rf"|(?<![\d.])(?P<y4>{_YEAR})(?![\d])(?!\.\d{{4,5}}))",
    re.IGNORECASE,
)
_DIGIT_RE = re.compile(r"\d")
_PRESENT = (
    r"present|now|current(?:ly)?|today|ongoing|date|heute|jetzt|dato|aujourd['’]hui|présent|"
    r"actuel(?:lement)?|actualidad|presente|hoy|oggi|in corso|attuale|en cours|laufend|"
    r"aujourd'hui|maintenant|atual|actualmente"
)
_PRESENT_RE = re.compile(rf"^\s*(?:(?:{_PRESENT})\b|至今|现在|現在|今|현재)", re.IGNORECASE)
_SEP_RE = re.compile(
    r"^\s*(?:[-–—~‐‑‒―]+|to|bis|until|till|à|au|a|al|hasta|–|→|->|\.\.|至|～|〜)\s*$",
    re.IGNORECASE,
)
_SINCE_RE = re.compile(
    r"(?:since|seit|depuis|desde|dal|dall['’]|from|ab|starting|started)\s*$", re.IGNORECASE
)
EXPECTED_RE = re.compile(  # (the lookahead: the words' first letters)
    r"(?=[aeptv])\b(?:expected|anticipated|exp\.|voraussichtlich|prévue?|prevue?|attendue?|"
    r"previst[oa]|planned|projected|est\.|estimated|to be completed)",
    re.IGNORECASE,
)
_EXPECTED_BEFORE_RE = re.compile(
    r"(?:expected|anticipated|exp\.|voraussichtlich|prévue?|prevue?|previst[oa]|planned|est\.|"
    r"estimated)\s*:?\s*(?:in\s+)?$",
    re.IGNORECASE,
)
_SEASON_RE = re.compile(
    r"\b(?:spring|summer|fall|autumn|winter|sommer|herbst|frühling|hiver|été|printemps|"
    r"automne|primavera|verano|otoño|invierno|ws|ss|wise|sose)\b\.?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateToken:
    """One date found in a text: its ISO form and where it is."""

    iso: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateSpan:
    """What a line says about a period: start, end and the open/expected markers."""

    start: str | None
    end: str | None
    current: bool
    expected: bool
    pos: int  # where the first date of the span is in the text


def find_dates(text: str) -> list[DateToken]:
    """All date tokens in a text, left to right ("Sept. 2013", "2017.09", "09/2021", "2019")."""
    tokens = []
    if not _DIGIT_RE.search(text):  # every date has a year
        return tokens
    for match in _TOKEN_RE.finditer(text):
        groups = match.groupdict()
        if groups["y1"]:
            year, month = groups["y1"], int(groups["m1"])
        elif groups["y2"]:
            year, month = groups["y2"], int(groups["m2"])
        elif groups["y5"]:
            year, month = groups["y5"], int(groups["m5"])
        elif groups["mon"]:
            month = MONTH_BY_WORD.get(groups["mon"].lower().rstrip("."))
            year = groups["y3"] or ("20" + groups["yy"] if groups["yy"] else None)
            if month is None or year is None:
                continue
        else:
            year, month = groups["y4"], 0
        iso = f"{year}-{month:02d}" if month else year
        tokens.append(DateToken(iso, match.start(), match.end()))
    return tokens


def _is_sep(between: str) -> bool:
    between = between.replace("*", "").replace("(", "").replace(")", "")
    return bool(_SEP_RE.match(between)) and len(between) <= 12


def _strip_season(text: str, token: DateToken) -> int:
    match = _SEASON_RE.search(text[max(0, token.start - 12) : token.start])
    return token.start - (len(match.group(0)) if match else 0)


def _open_end(after: str, more_dates: bool) -> bool:
    """After "2019 –": "present" and its translations, or nothing (the line or cell ends)."""
    if _PRESENT_RE.match(after):
        return True
    return not more_dates and not re.match(r"\s*[^\W_]", after)


def find_span(text: str) -> DateSpan | None:
    """The first period a text states: a range, an open range, "since X", or a single date."""
    tokens = find_dates(text)
    if not tokens:
        return None
    expected = bool(EXPECTED_RE.search(text))
    for i, token in enumerate(tokens):
        rest = text[token.end :]
        if i + 1 < len(tokens) and _is_sep(text[token.end : _strip_season(text, tokens[i + 1])]):
            nxt = tokens[i + 1]
            after = text[nxt.end : nxt.end + 25]
            current = bool(_PRESENT_RE.match(after.lstrip(" )")))
            return DateSpan(token.iso, nxt.iso, current, expected, token.start)
        sep = re.match(r"\s*(?:[-–—~‐‑‒―]+|to|bis|until|à|au|hasta|al|→|->|至)\s*", rest, re.I)
        if sep and _open_end(rest[sep.end() :], i + 1 < len(tokens)):
            return DateSpan(token.iso, None, True, expected, token.start)
        if i and _EXPECTED_BEFORE_RE.search(text[max(0, token.start - 16) : token.start]):
            return DateSpan(tokens[i - 1].iso, token.iso, False, True, tokens[i - 1].start)
        if _SINCE_RE.search(text[max(0, token.start - 14) : token.start]):
            return DateSpan(token.iso, None, True, expected, token.start)
    first = tokens[0]
    return DateSpan(None, first.iso, False, expected, first.start)
