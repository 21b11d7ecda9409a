"""Publication lists: items cut from publication sections (or ACL-Anthology style listings),
each read into title, authors, venue and year; and the merge of several documents' lists."""

import re

from rapidfuzz import fuzz, process

from reviewapp.importing.parse_blocks import NUMBER_RE, split_items
from reviewapp.importing.parse_text import Line, strip_emphasis, to_markdown, wordset
from reviewapp.importing.parse_wrapped import split_wrapped
from reviewapp.importing.sections import Section, sections_of
from reviewapp.textutil import fold, squash_spaces

_UP = (
    "["
    + "".join(
        re.escape(chr(c))
        for c in [*range(0x41, 0x250), *range(0x391, 0x3AA), *range(0x410, 0x430)]
        if chr(c).isupper()
    )
    + "]"
)
_LOW = r"[^\W\d_]"
_WORD = rf"{_UP}{_LOW}*(?:['’]{_LOW}+)*(?:-{_LOW}+)*"
_INITIAL = rf"{_UP}\.(?:\s?-\s?{_UP}\.)?"
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|dos|ter|ten|zu|bin|al|el)"
_NAME = (
    rf"(?:(?:{_INITIAL}|{_WORD})[ \t]*(?:{_PARTICLE}[ \t]+)*){{1,4}}"
    rf"(?:{_WORD}|{_UP}\.?(?!{_LOW}))"
)
_AND = r"(?:and|und|y|et(?!\.?\s+al\b)|e)"  # author lists in English, German, Spanish, French
_SEP_AHEAD = rf"(?=[ \t]*(?:[,;|:\n]|\.(?:\s|$)|\b{_AND}\s|&|$|\(\s*\d{{4}}|et\.?\s+al\b))"
_NAME_RE = re.compile(rf"[ \t]*(?P<name>{_NAME}){_SEP_AHEAD}")
_APA_NAME_RE = re.compile(rf"[ \t]*(?P<name>{_WORD}(?:[ -]{_WORD})?,[ \t](?:{_INITIAL}[ \t]?)+)")
_LIST_SEP_RE = re.compile(
    rf"\s*(?:(?:,\s*)+(?:{_AND}\s+|&\s*)?|;\s*|(?:\s+|(?<=\.\s)){_AND}\s+|\s*&\s*|\s*\|\s*)"
)
_INITIALS_ONLY_RE = re.compile(rf"(?:{_INITIAL}\s?)+")
_NAMES_SPLIT_RE = re.compile(rf"\s*(?:[;|\n]|,\s*(?:{_AND}\s+|&\s*)?|\s+{_AND}\s+|\s+&\s+)\s*")
_ENDS_WITH_INITIAL_RE = re.compile(rf"(?:^|\s){_UP}\.$")
_HAS_INITIAL_RE = re.compile(rf"(?:^|[\s,]){_UP}\.")
_APA_START_RE = re.compile(rf"\s*{_WORD},\s{_INITIAL}")
_LONG_WORD_RE = re.compile(rf"{_LOW}{{2,}}")
_ET_AL_RE = re.compile(r"\s*,?\s*et\.?\s+al\.?", re.IGNORECASE)
_MARKS_RE = re.compile(r"[*∗†‡§¶⋆✉#]+|\^\S*")
_TITLE_WORDS = wordset(
    "the an on of for in how why what when towards toward learning deep neural network "
    "networks via with using and model models analysis data theory optimization from to by "
    "under beyond efficient large scale new study approach understanding improving "
    "generalization"
)
# Quotes mark a title in every citation style, so they are tried first; emphasis marks a
# title or a venue ("*Phys. Rev. A*"), so it comes after. Each comes with the mark it needs.
_SPAN_RES = (
    ('"', re.compile(r"\"(.{8,400}?)\"", re.DOTALL)),
    ("“", re.compile(r"“(.{8,400}?)[”\"]", re.DOTALL)),
    ("„", re.compile(r"„(.{8,400}?)[“”\"]", re.DOTALL)),
    ("«", re.compile(r"«\s*(.{8,400}?)\s*»", re.DOTALL)),
    ("**", re.compile(r"\*\*(.+?)\*\*")),
    ("*", re.compile(r"(?<![*\w])\*(?!\*)(.+?)(?<![*\s])\*(?![*\w])")),
)
_VENUE_START_RE = re.compile(
    r"(?i)^(?:in\b|proc\b|proceedings|journal|transactions|advances in|international|conference|"
    r"annals|review|letters|ieee|acm|siam|workshop|symposium|nature|science\b|physical|arxiv)"
)
_SENTENCE_END_RE = re.compile(r"(?<=[^\s.]{2})([.?!])(?=\s|$)")
_YEAR_RE = re.compile(r"(?<![\d:/.])(19[5-9]\d|20[0-4]\d)(?![\d])(?!\.\d)")
_NOTE_RE = re.compile(r"(?i)\b(?:indicates?|denotes?|equal contribution|corresponding author)\b")
_VENUE_HINT_RE = re.compile(
    r"(?i)\b(?:proc|proceedings|conference|journal|workshop|symposium|transactions|arxiv|"
    r"preprint|under review|submitted|in preparation|in press|accepted|letters|review|"
    r"neurips|icml|iclr|acl|emnlp|naacl|cvpr|iccv|eccv|aaai|ijcai|kdd|sigir|colm|aistats|uai|"
    r"jmlr|tmlr|nature|science)\b"
)
_ACL_MARKER_RE = re.compile(
    r"^(?:(?:pdf|bib|abs|video|slides|code|poster|data|software|attachment|dataset)\s*)+$",
    re.IGNORECASE,
)
_HYPHEN_BREAK_RE = re.compile(r"(?<=[a-z]{2})-\n(?=[a-z]{2})")
_LEAD_BULLET_RE = re.compile(r"^\s*[-*+•○●▪◦■➢►▶◆◇✓✔–·]\s+")


def _clean(text: str, keep_lines: bool = False) -> str:
    text = strip_emphasis(text).replace("\u2217", "")
    if keep_lines:
        return "\n".join(squash_spaces(part) for part in text.split("\n")).strip(" \n.,;:")
    return squash_spaces(text.replace("\n", " ")).strip(" .,;:-–—\"“”„«»'")


def _names_from(segment: str) -> list[str]:
    """Authors in a segment already known to be an author list."""
    segment = _MARKS_RE.sub(" ", _clean(segment, keep_lines=True))
    segment = re.sub(r"\(\s*(?:19|20)\d\d[a-z]?\s*\)", " ", _ET_AL_RE.sub("", segment))
    parts = _NAMES_SPLIT_RE.split(segment)
    names: list[str] = []
    for part in parts:
        part = squash_spaces(part.strip(" ,&"))
        if not part:
            continue
        if names and _INITIALS_ONLY_RE.fullmatch(part):
            names[-1] = f"{names[-1]}, {part}"
            continue
        if not _ENDS_WITH_INITIAL_RE.search(part):
            part = part.rstrip(".")
        words = part.split()
        if 1 <= len(words) <= 6 and part[0].isupper() and not any(map(str.isdigit, part)):
            names.append(part)
    return names


def _scan_authors(text: str) -> tuple[list[str], int, str]:
    """Authors at the start of a plain item: (names, where they end, the separator after)."""
    apa = bool(_APA_START_RE.match(text))
    regex = _APA_NAME_RE if apa else _NAME_RE
    names, pos, last_end = [], 0, 0
    while len(names) < 100:
        match = regex.match(text, pos)
        if not match:
            break
        name = match.group("name").strip(" ,")
        if {fold(w) for w in _LONG_WORD_RE.findall(name)} & _TITLE_WORDS:
            break
        names.append(name)
        pos = last_end = match.end()
        sep = _LIST_SEP_RE.match(text, pos)
        if not sep or sep.end() == pos:
            break
        pos = sep.end()
    et_al = _ET_AL_RE.match(text, last_end)
    if et_al:
        last_end = et_al.end()
    after = text[last_end : last_end + 3].lstrip(" \t")
    sep = after[:1] if after else ""
    ended = text[:last_end].endswith(".")  # "Holm, P." or "et al." took the full stop
    if sep == "\n" or (names and ended and sep.isupper()):
        sep = "."  # "Holm, P. Title": the initial's full stop ends the author list
    year = re.match(r"\s*\(\s*(?:19|20)\d\d[a-z]?\s*\)\s*[.,:]?", text[last_end:])
    if year:
        last_end += year.end()
        sep = "."
    return names, last_end, sep


def _first_sentence(text: str, comma: bool) -> tuple[str, str]:
    text = text.lstrip(" .,:;")
    match = _SENTENCE_END_RE.search(text)
    cut = match.end() if match else len(text)
    if comma:
        comma_at = text.find(", ")
        if 0 < comma_at < cut:
            cut = comma_at
    title = text[:cut]
    return title, text[cut:]


def _markup_title(md: str) -> tuple[str, str, str] | None:
    """(before, title, after) when emphasis or quotes mark the title."""
    spans = [regex for mark, regex in _SPAN_RES if mark in md]
    if not spans:
        return None
    body_len = len(_clean(md))
    for regex in spans:
        for match in regex.finditer(md):
            span = _clean(match.group(1))
            words = span.split()
            if len(words) < 3 or len(span) >= 0.85 * body_len or _VENUE_START_RE.match(span):
                continue
            names, end, _ = _scan_authors(span)
            if names and end >= len(span) - 2:
                continue
            return md[: match.start()], match.group(1), md[match.end() :]
    return None


def _year(text: str) -> int | None:
    years = [int(y) for y in _YEAR_RE.findall(text)]
    return years[-1] if years else None


def parse_item(md: str) -> dict:
    """One reference: {"title", "authors", "venue", "year"}; "" and [] when not found."""
    md = re.sub(r"\*\*\s+\*\*", " ", md)
    plain_text = _clean(md, keep_lines=True)
    year = _year(plain_text)
    marked = _markup_title(md)
    if marked:
        before, title, after = marked
        authors = _names_from(before)
        venue = _clean(after)
        if not authors:
            tail = _MARKS_RE.sub("", _clean(after, keep_lines=True))
            names, end, _ = _scan_authors(tail)
            if names:
                authors, venue = names, _clean(tail[end:])
        return {"title": _clean(title), "authors": authors, "venue": venue, "year": year}
    text = _MARKS_RE.sub("", plain_text)
    names, end, sep = _scan_authors(text)
    if names and sep in (".", ",", ":", "(", ""):
        title, rest = _first_sentence(text[end:], comma=sep == ",")
        return {
            "title": _clean(title),
            "authors": [n.strip() for n in names],
            "venue": _clean(rest),
            "year": year,
        }
    title, rest = _first_sentence(text, comma=False)
    names, end, _ = _scan_authors(rest.lstrip(" .,\n"))
    venue = _clean(rest.lstrip(" .,\n")[end:]) if names else _clean(rest)
    return {"title": _clean(title), "authors": names, "venue": venue, "year": year}


def _item_md(item: list[Line]) -> str:
    parts = []
    for n, line in enumerate(item):
        md = to_markdown(line.raw[:3000], drop_link_words=True)
        md = re.sub(r"^\s{0,3}#{1,6}\s+", "", md)
        md = _LEAD_BULLET_RE.sub("", md)
        if n == 0:
            md = NUMBER_RE.sub("", md, count=1)
        parts.append(squash_spaces(md))
    md = "\n".join(part for part in parts if part)
    if "-\n" in md:  # a word hyphenated across a line break is one word again
        md = _HYPHEN_BREAK_RE.sub("", md)
    return md


def _plausible(item: dict, md: str) -> bool:
    title = item["title"]
    if len(title) < 10 or len(title.split()) < 2 or len(title) > 400:
        return False
    if len(md) < 140 and not item["year"] and _NOTE_RE.search(md):
        return False
    return bool(item["year"] or item["authors"] or _VENUE_HINT_RE.search(md))


def _acl_items(lines: list[Line]) -> list[tuple[dict, Line]]:
    """ACL-Anthology author pages: year lines, then "pdf bib" / title / authors / venue."""
    items, year = [], None
    content = [line for line in lines if not line.blank]
    for n, line in enumerate(content):
        if re.fullmatch(r"(?:19|20)\d\d", line.text):
            year = int(line.text)
        if not _ACL_MARKER_RE.match(line.text) or "bib" not in line.text.lower():
            continue
        rest = content[n + 1 : n + 4]
        if not rest or _ACL_MARKER_RE.match(rest[0].text):
            continue
        title = _clean(rest[0].md)
        authors: list[str] = []
        venue = ""
        if len(rest) > 1 and " | " in rest[1].text:
            authors = [squash_spaces(a) for a in rest[1].text.split("|") if a.strip()]
            if len(rest) > 2 and len(rest[2].text) < 250 and not _ACL_MARKER_RE.match(rest[2].text):
                venue = _clean(rest[2].text)
        item = {"title": title, "authors": authors, "venue": venue, "year": year or _year(venue)}
        items.append((item, rest[0]))
    return items


def author_start(text: str) -> bool:
    """Whether a line opens with an author list ("J. Novak, T. Berg.", "Novak, J. (2021)")."""
    if _VENUE_START_RE.match(text):
        return False
    names, end, sep = _scan_authors(text)
    if not names or end >= len(text.rstrip()) or sep not in (".", ",", ":", "("):
        return False
    return len(names) >= 2 or bool(_HAS_INITIAL_RE.search(names[0]))


def _rejoin(block: list[Line], *, whole: bool) -> list[list[Line]]:
    return split_wrapped(block, author_start, whole=whole)


def parse_publications(lines: list[Line], sections: list[Section]) -> list[tuple[dict, Line]]:
    """Publications with the line each item starts on; ACL-style listings take precedence."""
    markers = sum(
        1
        for line in lines
        if line.text and _ACL_MARKER_RE.match(line.text) and "bib" in line.text.lower()
    )
    if markers:
        acl = _acl_items(lines)
        if acl:
            return acl
    found = []
    for section in sections_of(sections, "publications"):
        for item_lines in split_items(lines, section.start, section.end, rejoin=_rejoin):
            md = _item_md(item_lines)
            if len(md) < 15:
                continue
            item = parse_item(md[:3000])
            if _plausible(item, md):
                found.append((item, item_lines[0]))
            if len(found) >= 2000:
                return found
    return found


# --- merging ---------------------------------------------------------------------------------


def _key(title: str) -> str:
    return " ".join(re.findall(r"\w+", fold(title or "")))


def _richness(item: dict) -> tuple:
    filled = sum(1 for k in ("title", "authors", "venue", "year") if item.get(k))
    return filled, len(item.get("authors") or []), len(item.get("venue") or "")


def _fuzzy_match(key: str, keys: list[str], threshold: float) -> int | None:
    """Index of a near-equal title; numbers must agree ("Part 1" is not "Part 2")."""
    numbers = re.findall(r"\d+|\b[ivx]+\b", key)
    hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=5)
    for _choice, _score, index in hits:
        if re.findall(r"\d+|\b[ivx]+\b", keys[index]) == numbers:
            return index
    return None


def merge_publications(lists: list[list[dict]], threshold: float = 92.0) -> list[dict]:
    """Union of several publication lists; fuzzy-equal folded titles are one paper.

    Order is first appearance; of two records for one paper the richer is kept (more fields
    filled, then more authors, then the longer venue).
    """
    merged: list[dict] = []
    keys: list[str] = []
    exact: dict[str, int] = {}
    for items in lists:
        for item in items or []:
            key = _key(item.get("title", ""))
            if not key:
                continue
            match = exact.get(key)
            if match is None and keys and len(key) >= 20:
                match = _fuzzy_match(key, keys, threshold)
            if match is None:
                exact[key] = len(keys)
                merged.append(item)
                keys.append(key)
            elif _richness(item) > _richness(merged[match]):
                merged[match] = item
    return merged
