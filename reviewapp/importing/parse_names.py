"""The candidate's name: where a CV writes it, and which part is the family name.

Order rules, strongest first: "Family, Given" with a comma; a family name in capitals
("WEN Kaiyue", "Hans MÜLLER"); for two-part Chinese (pinyin) names, a common surname standing
opposite a non-surname, then the e-mail addresses (given+family spelled together or with a
separator); otherwise Western order (given names first, particles such as "van der" go with the
family name). CJK names keep their native form; a Latin form in brackets gives the display name.
"""

import re
from dataclasses import dataclass

from reviewapp.importing.parse_name_order import (
    email_family_start,
    japanese_family_index,
    korean_family_index,
)
from reviewapp.importing.parse_orgs import TITLE_RE, institution_rank
from reviewapp.importing.parse_text import Line, cells, make_line, wordset
from reviewapp.importing.sections import KIND_BY_WORD
from reviewapp.textutil import fold, squash_spaces

_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "du",
    "la",
    "le",
    "dos",
    "das",
    "do",
    "ter",
    "ten",
    "zu",
    "y",
    "bin",
    "binti",
    "ibn",
    "al",
    "el",
    "d'",
}
_PREFIX_RE = re.compile(
    r"^(?:(?:prof(?:essor)?|dr|mr|mrs|ms|miss|mme|mlle|herr|frau|sr|sra|dott|dott\.ssa|ing|"
    r"dipl\.-\w+|priv\.-doz|pd|apl)\.?\s+|(?:rer\.\s*nat|rer\.\s*pol|phil|med|h\.\s*c|habil|"
    r"sc|nat)\.?\s+|dr\.-ing\.\s*)+",
    re.IGNORECASE,
)
_SUFFIX_RE = re.compile(
    r"(?:,\s*(?i:ph\.?\s?d\.?|m\.?d\.?|m\.?sc\.?|m\.?a\.?|mba|jr\.?|sr\.?|iii|ii|esq\.?|"
    r"b\.?sc\.?|dr\.?)|\s+(?:Ph\.?\s?D\.?|PhD|M\.D\.|MBA|Jr\.|Sr\.|III|II|M\.Sc\.|M\.A\.))\s*$"
)
_DOC_PREFIX_RE = re.compile(
    r"^(?:curriculum vitae|cv|resume|résumé|lebenslauf)\s+(?:of|von|de|di)\s+", re.IGNORECASE
)
_PAREN_TAIL_RE = re.compile(r"\s*[(（\[][^)）\]]{0,40}[)）\]]\s*$")
_SEGMENT_SPLIT_RE = re.compile(r"\s+[|·•–—/]\s+|\t| {3,}|\s+-\s+|\s*[|·•]\s*")
_TOKEN_RE = re.compile(r"^(?:[^\W\d_]\.(?:-?[^\W\d_]\.)?|[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?)$")
_LABEL_RE = re.compile(
    r"^(?:name|nom|nombre|nome|full name|vor- und nachname|nom complet)\s*[:：]"
    r"\s*(.+)$",
    re.IGNORECASE,
)
_SURNAME_FIRST_LABEL_RE = re.compile(
    r"^(?:surname\(s\)|surnames?|last name)\s*/\s*(?:first name\(s\)|first names?|"
    r"given names?)\s*[:：]?\s*(.+)$",
    re.IGNORECASE,
)
_GIVEN_LABEL_RE = re.compile(
    r"^(?:vorname|prénom|prenom|first name|given names?)\s*[:：]\s*(.+)$", re.IGNORECASE
)
_FAMILY_LABEL_RE = re.compile(
    r"^(?:nachname|familienname|nom de famille|last name|surname|"
    r"family name|apellidos?)\s*[:：]\s*(.+)$",
    re.IGNORECASE,
)
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u3040-\u30ff"
_CJK_RE = re.compile(rf"^([{_CJK}]{{2,5}}|[{_CJK}]{{1,3}}\s[{_CJK}]{{1,4}})$")
_CJK_WITH_LATIN_RE = re.compile(
    rf"^(?P<cjk>[{_CJK}][{_CJK} ]{{1,6}})\s*[(（]\s*(?P<latin>[^)）]{{3,40}})[)）]$"
    rf"|^(?P<latin2>[^(（]{{3,40}}?)\s*[(（]\s*(?P<cjk2>[{_CJK}][{_CJK} ]{{1,6}})\s*[)）]$"
)
MAX_BODY_LINE = 120
# Capitalised particles that still belong to the family name when they stand right before it.
_CAPITAL_PARTICLES = {"Le", "La", "De", "Du", "Del", "Della", "Des", "Dos", "Von", "Der", "Den"}
_STOP = wordset(
    "curriculum vitae resume résumé cv lebenslauf page contact address email e-mail phone tel "
    "mobile homepage website street st road rd avenue ave building room floor campus str strasse "
    "straße rue calle via china germany france usa canada japan korea india italy spain uk "
    "switzerland austria netherlands sweden australia singapore united states kingdom republic "
    "beijing shanghai berkeley london paris berlin munich tokyo new york california "
    "science sciences mathematics physics chemistry biology engineering learning machine computer "
    "data statistics economics informatics informatik artificial intelligence theory systems "
    "department school institute university laboratory lab group center centre "
    "january february march april may june july august september october november december "
    "the of and for in at on with from to by about my "
    "personal information details profile summary objective bio short research interests "
    "present current expected candidate student professor doctor "
    "prc eu"
)
_STOP |= set(KIND_BY_WORD)
_CODES = wordset("CA NY TX MA NJ WA IL PA GA NC MD VA FL CO MI OH DC AZ MN WI CT UT UK US USA")
_PINYIN_RE = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|ian|"
    r"iao|ai|ei|ao|ou|an|en|in|un|ua|uo|ia|ie|iu|ui|ue|ve|er|a|o|e|i|u|v)){1,3}"
)
_SURNAMES = wordset(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng "
    "liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye "
    "cheng wei su lu ding ren shen yao jin fu zhong qiu tan jia xia fang shi zou xiong bai meng "
    "qin yan wen kong bao hao duan lei hou long shao qian tao kang mao hong gu wan lai gong dai "
    "chang mo niu fan yin ou ji hua qi geng zhan gan jiao"
)


# Vietnamese names written with their diacritics keep the native family-first order.
_VIET_SURNAMES = wordset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh trinh truong"
)
_VIET_LETTERS = re.compile("[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


@dataclass(slots=True)
class NameResult:
    """The name as found: display form, as written, parts, native script, and its line."""

    name: str
    as_written: str
    given: str | None
    family: str | None
    native: str | None
    line: Line


def _proper(token: str, first: bool) -> str:
    if token.islower() and fold(token) in _PARTICLES and not first:
        return token
    letters = [ch for ch in token if ch.isalpha()]
    if letters and (all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)):
        if len(letters) == 1:
            return token.upper()
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), token.lower())
    return token


def _clean_segment(segment: str) -> str:
    segment = squash_spaces(segment.replace("*", " ").replace("_", " "))
    segment = _DOC_PREFIX_RE.sub("", segment.strip(" ,;:#>-–—•·|"))
    for _ in range(2):
        segment = _PREFIX_RE.sub("", segment)
        segment = _SUFFIX_RE.sub("", segment).strip(" ,")
    return segment


def name_tokens(segment: str) -> list[str] | None:
    """The tokens of a segment when it reads as a personal name, else None."""
    if not segment or len(segment) > 60 or any(map(str.isdigit, segment)):
        return None
    if "@" in segment or "://" in segment or institution_rank(segment) or TITLE_RE.search(segment):
        return None
    tokens = segment.replace(",", " , ").split()
    if tokens.count(",") > 1:
        return None
    words = [t for t in tokens if t != ","]
    if not 2 <= len(words) <= 5 or any(not _TOKEN_RE.match(t) for t in words):
        return None
    proper = 0
    for token in words:
        folded = fold(token).strip(".")
        if folded in _STOP or (token.isupper() and token in _CODES):
            return None
        if folded in _PARTICLES:
            continue
        if not token[0].isupper():
            return None
        if len(token.rstrip(".")) > 1:
            proper += 1
    return tokens if proper >= 2 or (proper == 1 and len(words) >= 2) else None


def _pinyin(token: str) -> bool:
    return bool(_PINYIN_RE.fullmatch(fold(token).replace("-", "").replace("'", "")))


def _email_vote(first: str, last: str, emails: list[str]) -> int:
    """+1 when e-mails spell the name last+first (written family-first), -1 for first+last."""
    a, b = fold(first).replace("-", ""), fold(last).replace("-", "")
    strong = weak = 0
    for email in emails:
        local = email.split("@")[0]
        parts = [p for p in re.split(r"[._-]", re.sub(r"\d+", "", local)) if p]
        letters = "".join(parts)
        if parts[:2] == [b, a]:
            strong += 1
        elif parts[:2] == [a, b]:
            strong -= 1
        elif letters.startswith(b + a):
            weak += 1
        elif letters.startswith(a + b):
            weak -= 1
    return (strong > 0) - (strong < 0) if strong else (weak > 0) - (weak < 0)


def _split_order(tokens: list[str], emails: list[str]) -> tuple[list[str], list[str]]:
    """(given tokens, family tokens) of a name's tokens as written."""
    if "," in tokens:
        cut = tokens.index(",")
        return tokens[cut + 1 :], tokens[:cut]
    words = tokens
    caps = [len(t) > 1 and t.isupper() for t in words]
    if any(caps) and not all(caps):
        if caps[0]:
            n = caps.index(False)
            return words[n:], words[:n]
        if caps[-1]:
            n = len(caps) - caps[::-1].index(False)
            return words[:n], words[n:]
    if len(words) == 2 and all(_pinyin(w) for w in words):
        first, last = (fold(w) for w in words)
        if (first in _SURNAMES) != (last in _SURNAMES):
            return ([words[1]], [words[0]]) if first in _SURNAMES else ([words[0]], [words[1]])
        if _email_vote(words[0], words[1], emails) > 0:
            return [words[1]], [words[0]]
    if len(words) == 2 and 0 in (
        japanese_family_index(words[0], words[1]),
        korean_family_index(words[0], words[1]),
    ):
        return [words[1]], [words[0]]
    if (
        len(words) >= 2
        and fold(words[0]) in _VIET_SURNAMES
        and _VIET_LETTERS.search(" ".join(words))
    ):
        return words[1:], words[:1]
    n = email_family_start(words, emails) or len(words) - 1
    while n > 1 and words[n - 1].islower() and fold(words[n - 1]) in _PARTICLES:
        n -= 1
    if n == len(words) - 1:
        # "Pierre-Yves Le Gall", "Anna De Luca", "Jan Van Der Berg"
        while n > 1 and (
            words[n - 1] in _CAPITAL_PARTICLES
            or (words[n - 1] == "Van" and words[n] in {"Der", "Den", "De"})
        ):
            n -= 1
    return words[:n], words[n:]


def _result(
    tokens: list[str], as_written: str, line: Line, emails: list[str], native: str | None = None
) -> NameResult:
    given, family = _split_order(tokens, emails)
    given_text = " ".join(_proper(t, i == 0) for i, t in enumerate(given))
    family_text = " ".join(_proper(t, i == 0 and not given) for i, t in enumerate(family))
    name = squash_spaces(f"{given_text} {family_text}")
    return NameResult(name, as_written, given_text or None, family_text or None, native, line)


def _cjk_result(cjk: str, latin: str | None, written: str, line: Line, emails: list[str]):
    cjk = squash_spaces(cjk)
    if latin:
        tokens = name_tokens(_clean_segment(latin))
        if tokens:
            return _result(tokens, written, line, emails, native=cjk)
    if " " in cjk:
        family, given = cjk.split(" ", 1)
    else:
        family, given = cjk[0], cjk[1:]
    return NameResult(
        cjk.replace(" ", "") if " " not in written else cjk, written, given, family, cjk, line
    )


def _from_segment(segment: str, line: Line, emails: list[str]) -> NameResult | None:
    cleaned = _clean_segment(segment)
    if not cleaned:
        return None
    match = _CJK_WITH_LATIN_RE.match(cleaned)
    if match:
        cjk = match.group("cjk") or match.group("cjk2")
        latin = match.group("latin") or match.group("latin2")
        return _cjk_result(cjk, latin, cleaned, line, emails)
    if _CJK_RE.match(cleaned):
        return _cjk_result(cleaned, None, cleaned, line, emails)
    tokens = name_tokens(cleaned)
    if tokens:
        return _result(tokens, cleaned, line, emails)
    for head in (_PAREN_TAIL_RE.sub("", cleaned), cleaned.split(",", 1)[0]):
        head = _clean_segment(head)
        tokens = name_tokens(head) if head != cleaned else None
        if tokens:
            return _result(tokens, head, line, emails)
    return None


def _single_token(line: Line) -> str | None:
    text = _clean_segment(line.text)
    if not text or " " in text or len(text) < 2 or not _TOKEN_RE.match(text):
        return None
    if fold(text) in _STOP or not text[0].isupper() or institution_rank(text):
        return None
    return text


def _labelled_name(lines: list[Line], emails: list[str]) -> NameResult | None:
    """ "Name: X", or "Vorname: X" with "Nachname: Y", in the first 80 lines."""
    parts: dict[str, tuple[str, Line]] = {}
    for line in lines[:80]:
        match = _SURNAME_FIRST_LABEL_RE.match(line.text)
        words = match.group(1).split() if match else []
        if 2 <= len(words) <= 4:  # Europass: "Surname(s) / First name(s) Rossi Giulia"
            found = _from_segment(f"{words[0]}, {' '.join(words[1:])}", line, emails)
            if found:
                return found
        match = _LABEL_RE.match(line.text)
        if match:
            found = _from_segment(match.group(1), line, emails)
            if found:
                return found
            if _single_token(make_line(line.no, match.group(1))):
                # "Nom : DUPONT" beside "Prénom : Marie": a one-word name is the family name
                parts.setdefault("family", (match.group(1).strip(), line))
        for key, regex in (("given", _GIVEN_LABEL_RE), ("family", _FAMILY_LABEL_RE)):
            match = regex.match(line.text)
            if match and name_tokens(match.group(1) + " X") is not None:
                parts[key] = (match.group(1).strip(), line)
    if "given" not in parts or "family" not in parts:
        return None
    given, family = _proper(parts["given"][0], True), _proper(parts["family"][0], True)
    written = f"{parts['given'][0]} {parts['family'][0]}"
    return NameResult(f"{given} {family}", written, given, family, None, parts["given"][1])


def _email_supports(result: NameResult, emails: list[str]) -> bool:
    """Whether an e-mail's local part spells a part of the name (3+ letters)."""
    locals_ = [fold(email.split("@")[0]) for email in emails]
    words = [fold(w) for w in re.findall(r"[^\W\d_]{3,}", result.name)]
    return any(word in local for word in words for local in locals_)


def _body_name(lines: list[Line], emails: list[str], skip: set[int]) -> NameResult | None:
    """A whole line further down that is a name spelled by an e-mail: a sidebar column read
    before the main column pushes the name below the first headings."""
    for line in lines[:MAX_BODY_LINE]:
        if line.blank or line.no - 1 in skip or len(line.text) > 60:
            continue
        found = _from_segment(line.text, line, emails)
        whole = found is not None and found.as_written == _clean_segment(line.text)
        if whole and _email_supports(found, emails):
            return found
    return None


def find_name(
    lines: list[Line], header_end: int, emails: list[str], skip: set[int] | None = None
) -> NameResult | None:
    """The candidate's name: a labelled name, else the first name-like segment of the header
    lines (or two single-word lines in a row, for names a PDF split over two lines), else a
    whole line outside the `skip` lines (references, publications …) matching an e-mail."""
    found = _labelled_name(lines, emails)
    if found:
        return found
    found = _header_name(lines, header_end, emails)
    if found or not emails:
        return found
    return _body_name(lines, emails, skip or set())


def _header_name(lines: list[Line], header_end: int, emails: list[str]) -> NameResult | None:
    content = [line for line in lines[: max(header_end, 1)] if not line.blank][:30]
    for n, line in enumerate(content):
        parts = cells(line) if "\t" in line.raw or "   " in line.raw else [line.text]
        for segment in (s for part in parts for s in _SEGMENT_SPLIT_RE.split(part)):
            found = _from_segment(segment, line, emails)
            if found:
                return found
        single = _single_token(line)
        if single and n + 1 < len(content) and content[n + 1].no - line.no <= 3:
            other = _single_token(content[n + 1])
            if other and name_tokens(f"{single} {other}"):
                return _result([single, other], f"{single} {other}", line, emails)
    return None
