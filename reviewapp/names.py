"""Person names: parse them, score two spellings as the same person, list their written forms.

Pure: no Flask, no database. Every comparison folds diacritics and case with `textutil.fold`.

Duplicate-detection thresholds (see `same_person_score`):
- `is_same_name` (score >= 0.95): the same tokens in any order, or the same letters split or joined
  differently ("Kai-Yue Wen" = "Kaiyue Wen" = "WEN Kaiyue"); safe to merge automatically.
- `is_possible_same_name` (0.70 <= score < 0.95): a typo in a long token (0.90), a dropped middle or
  second name (0.80) or initials for given names ("Z. Li" vs "Zhiyuan Li", 0.75); the chair decides.
- Anything else scores at most 0.5: a token with no counterpart ("Kaiyue Wen" vs "Yeming Wen",
  "Zhiyuan Li" vs "Zhiyuan Liu": short tokens must match exactly).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nameparser.config import CONSTANTS
from rapidfuzz import fuzz

from reviewapp.textutil import clean_display_text, fold

SAME_NAME_THRESHOLD = 0.95
POSSIBLE_NAME_THRESHOLD = 0.70

_TITLE_WORDS = (
    "prof professor dr doctor mr mrs ms miss mx sir dame herr frau mme mlle dott "
    "dipl ing assoc asst univ"
)
TITLES = frozenset(_TITLE_WORDS.split())
# Only ever stripped from the end of a name of three or more tokens ("Ba" and "Ma" are surnames).
_SUFFIXES = frozenset("phd dphil jr sr ii iii iv esq mba".split())  # noqa: SIM905
_COMMA_SUFFIXES = _SUFFIXES | set(CONSTANTS.suffix_acronyms) | set(CONSTANTS.suffix_not_acronyms)
# Lower-case particles that belong to the family name when they stand inside a name (van, de la…).
PARTICLES = frozenset(p for p in CONSTANTS.prefixes if p.isalpha()) | {"y", "e"}
_NOT_NAME_RE = re.compile(r"[^\w\s.,'’\-]|[\d_]")
_APOSTROPHES = "'’`´"
_SPLIT_RE = re.compile(r"[\s\-,]+")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_INITIAL_TOKEN_RE = re.compile(r"[^\W\d_]\.?(?:-?[^\W\d_]\.)*")
_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")
_ET_AL_RE = re.compile(r"\s+et al\.?$")

# Regex fragments used by `written_forms` (they match folded text).
SP = r"[ \t]+"
HY = r"(?:-|[ \t]+)"  # inside a compound name: "Jean-Pierre" / "Jean Pierre"
COMMA = r",[ \t]*"
DOT = r"(?:\.[ \t]*|[ \t]+)"  # after an initial: "Z. Li", "Z Li"
JOIN = r"(?:\.?-?[ \t]*)"  # between initials: "J.-P.", "J.P.", "J P", "JP"
MIDDLE = r"(?:[a-z](?:\.[ \t]*|[ \t]+))?"  # an optional middle initial: "Michael W. Mahoney"


@dataclass(frozen=True)
class PersonName:
    """A name split into given and family parts, as written (diacritics kept)."""

    given: str
    family: str

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip()

    @property
    def given_parts(self) -> list[str]:
        return [p for p in re.split(r"[\s\-]+", self.given.replace(".", " ")) if p]

    @property
    def family_parts(self) -> list[str]:
        return [p for p in re.split(r"[\s\-]+", self.family) if p]

    @property
    def initials(self) -> list[str]:
        return [p[0].upper() for p in self.given_parts]

    @property
    def given_is_initials(self) -> bool:
        return bool(self.given_parts) and all(len(p) == 1 for p in self.given_parts)


def _is_initial(token: str) -> bool:
    letters = _LETTERS_RE.findall(token)
    return (
        bool(letters) and all(len(x) == 1 for x in letters) and (len(letters) == 1 or "." in token)
    )


def _norm_case(token: str) -> str:
    """Title-case a token written all in capitals or all in lower case ("WEN" -> "Wen")."""
    if _is_initial(token):
        return token.upper()
    if token.isupper() or token.islower():
        return _LETTERS_RE.sub(lambda m: m.group(0).capitalize(), token)
    return token


def _bare(token: str) -> str:
    return fold(token).replace(".", "")


def _strip_titles_suffixes(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and _bare(tokens[0]) in TITLES:
        tokens = tokens[1:]
    while len(tokens) > 2 and _bare(tokens[-1]) in _SUFFIXES:
        tokens = tokens[:-1]
    return tokens


def _split_family(tokens: list[str], family_first: bool | None) -> tuple[list[str], list[str]]:
    """Return (given, family) tokens of a name written without a comma."""
    if len(tokens) == 1:
        return [], tokens
    if family_first:
        return tokens[1:], tokens[:1]
    if family_first is None:
        caps = [t.isupper() and not _is_initial(t) for t in tokens]
        if any(caps) and not all(caps):
            if caps[0]:
                n = caps.index(False)
                return tokens[n:], tokens[:n]
            if caps[-1]:
                n = len(tokens) - caps[::-1].index(False)
                return tokens[:n], tokens[n:]
        if _is_initial(tokens[-1]) and "." in tokens[-1] and not _is_initial(tokens[0]):
            return tokens[1:], tokens[:1]
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].islower() and fold(tokens[start - 1]) in PARTICLES:
        start -= 1
    if start == len(tokens) - 1 and len(tokens) >= 4:
        start -= 1  # "María José Fernández López": two given names, two surnames
    return tokens[:start], tokens[start:]


def parse_person_name(text: str, *, family_first: bool | None = None) -> PersonName:
    """Split a name into given and family; with `family_first=None` commas and CAPS decide."""
    cleaned = _NOT_NAME_RE.sub(" ", clean_display_text(text))
    parts = [p.split() for p in cleaned.split(",")]
    parts = [p for p in parts if p and not all(_bare(t) in _COMMA_SUFFIXES for t in p)]
    if len(parts) >= 2 and family_first is not False:
        family = _strip_titles_suffixes(parts[0])
        given = _strip_titles_suffixes([t for p in parts[1:] for t in p])
    else:
        tokens = _strip_titles_suffixes([t for p in parts for t in p])
        given, family = _split_family(tokens, family_first) if tokens else ([], [])
    given = [_norm_case(t) for t in given]
    family = [t if t.islower() and fold(t) in PARTICLES else _norm_case(t) for t in family]
    return PersonName(" ".join(given), " ".join(family))


@functools.lru_cache(maxsize=65536)
def _key_tokens(text: str) -> tuple[str, ...]:
    """Folded name tokens in order (cached: deduplication compares each name many times)."""
    folded = fold(clean_display_text(text))
    for ch in _APOSTROPHES + ".":
        folded = folded.replace(ch, "")
    tokens = [t for t in _SPLIT_RE.split(_NOT_NAME_RE.sub(" ", folded)) if t]
    tokens = [t for t in tokens if t not in TITLES]
    while len(tokens) > 2 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tuple(tokens)


def name_key(text: str) -> frozenset[str]:
    """Folded name tokens, order-, case-, diacritic- and hyphen-insensitive (blocking key)."""
    return frozenset(_key_tokens(text))


def _compact_forms(tokens: tuple[str, ...]) -> set[str]:
    """The letters of a name with spaces removed, in each rotation (family first or last)."""
    return {"".join(tokens[i:] + tokens[:i]) for i in range(len(tokens))}


def same_person_score(a: str, b: str) -> float:
    """Score in [0, 1] that two written names are the same person (thresholds: module doc)."""
    ta, tb = _key_tokens(a), _key_tokens(b)
    if not ta or not tb:
        return 0.0
    sorted_a, sorted_b = sorted(ta), sorted(tb)
    if sorted_a == sorted_b:
        return 1.0
    if _compact_forms(ta) & _compact_forms(tb):
        return 0.96
    rest_a, rest_b = _without_common(sorted_a, sorted_b)
    exact = len(ta) - len(rest_a)
    typos = _pair_off(rest_a, rest_b, _typo_of)
    initials = _pair_off(rest_a, rest_b, _initial_of) + _pair_off(rest_b, rest_a, _initial_of)
    if exact == 0 or (rest_a and rest_b) or ((rest_a or rest_b) and exact + typos < 2):
        return round(0.5 * fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)) / 100, 4)
    score = 1.0
    if typos:
        score = 0.90
    if rest_a or rest_b:
        score = min(score, 0.80)
    if initials:
        score = min(score, 0.75)
    return score


def _without_common(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """Two sorted token lists without the tokens they share (as multisets), still sorted."""
    rest_a, rest_b = [], list(b)
    for token in a:
        if token in rest_b:
            rest_b.remove(token)
        else:
            rest_a.append(token)
    return rest_a, rest_b


def _typo_of(x: str, y: str) -> bool:
    return min(len(x), len(y)) >= 5 and fuzz.ratio(x, y) >= 85


def _initial_of(x: str, y: str) -> bool:
    return len(x) == 1 and y.startswith(x)


def _pair_off(rest_a: list[str], rest_b: list[str], ok) -> int:
    """Remove pairs (x from a, y from b; both sorted, tried in order) for which ok(x, y) holds;
    return how many."""
    paired = 0
    for x in list(rest_a):
        for y in rest_b:
            if ok(x, y):
                rest_a.remove(x)
                rest_b.remove(y)
                paired += 1
                break
    return paired


def is_same_name(a: str, b: str) -> bool:
    """Certainly the same name: merge without asking."""
    return same_person_score(a, b) >= SAME_NAME_THRESHOLD


def is_possible_same_name(a: str, b: str) -> bool:
    """Possibly the same person but not certain: show both to the chair."""
    return POSSIBLE_NAME_THRESHOLD <= same_person_score(a, b) < SAME_NAME_THRESHOLD


def looks_like_name(text: str) -> bool:
    """Whether a short text reads as one person's name: "Lei Wu", "M. W. Mahoney", "Yi-an Ma"."""
    tokens = _ET_AL_RE.sub("", text).split()
    if not 2 <= len(tokens) <= 6:
        return False
    words = 0
    for token in tokens:
        if token[0].isupper() and _INITIAL_TOKEN_RE.fullmatch(token):
            continue
        if token[0].isupper() and _NAME_WORD_RE.fullmatch(token):
            words += 1
        elif fold(token) not in PARTICLES:
            return False
    return words >= 1


def _fold_keep_case(text: str) -> str:
    return "".join(fold(ch).upper() if ch.isupper() else fold(ch) for ch in text)


def _as_person(name: str | PersonName) -> PersonName:
    return name if isinstance(name, PersonName) else parse_person_name(name)


def name_variants(name: str | PersonName) -> list[str]:
    """The forms a person's name takes in CV text, diacritics folded ("Li, Z.", "LI Zhiyuan"…)."""
    person = _as_person(name)
    given, family = _fold_keep_case(person.given), _fold_keep_case(person.family)
    if not family:
        return []
    if not given:
        return [family]
    dotted = " ".join(
        "-".join(f"{p[0].upper()}." for p in word.split("-") if p) for word in given.split()
    )
    plain = dotted.replace(".", "")
    if person.given_is_initials:
        forms = [f"{dotted} {family}", f"{plain} {family}", f"{family}, {dotted}"]
    else:
        forms = [f"{given} {family}", f"{family} {given}", f"{family}, {given}"]
        forms += [f"{dotted} {family}", f"{plain} {family}", f"{family}, {dotted}"]
        forms.append(f"{family.upper()} {given}")
        if "-" in given:
            forms.append(f"{given.replace('-', ' ')} {family}")
    fam_parts = family.split()
    if "-" in family:
        forms.append(f"{given} {family.replace('-', ' ')}".strip())
    elif len(fam_parts) == 2 and not any(fold(p) in PARTICLES for p in fam_parts):
        forms += [f"{given} {'-'.join(fam_parts)}", f"{given} {fam_parts[0]}"]
    return list(dict.fromkeys(f.strip() for f in forms))


def _word(word: str) -> list[str]:
    return [f"[{_APOSTROPHES}]?" if ch in _APOSTROPHES else re.escape(ch) for ch in word]


def _joined(words: list[str], sep: str) -> list[str]:
    out: list[str] = []
    for i, w in enumerate(words):
        out += ([sep] if i else []) + _word(w)
    return out


def written_forms(name: str | PersonName) -> list[tuple[str, list[str]]]:
    """Regex fragments (over folded text) for each way the name is written, with its kind.

    Kinds: "full" ("Zhiyuan Li", "Michael W. Mahoney"), "family_first" ("LI Zhiyuan",
    "Li, Zhiyuan"), "initials" ("Z. Li", "J.-P. Dupont", "M. W. Mahoney") and
    "family_initials" ("Li, Z."). Initial forms are left out for one-letter family names
    ("Weinan E") and single-token names give no form at all (a family name alone proves nothing).
    """
    person = _as_person(name)
    given = [fold(p) for p in person.given_parts]
    family = [fold(p) for p in person.family_parts]
    if not given or not family:
        return []
    fam = _joined(family, HY)
    inits = _joined([g[0] for g in given], JOIN)
    forms: list[tuple[str, list[str]]] = []
    long_family = len("".join(family)) >= 2
    if not person.given_is_initials:
        giv = _joined(given, HY)
        forms.append(("full", giv + [SP, MIDDLE] + fam))
        plain_family = [p for p in family if p not in PARTICLES]
        if len(family) == 2 and len(plain_family) == 2 and "-" not in person.family:
            forms.append(("full", giv + [SP, MIDDLE] + _word(family[0])))
        forms.append(("family_first", fam + [SP] + giv))
        forms.append(("family_first", fam + [COMMA] + giv))
    if long_family:
        if len(given) > 1:
            forms.append(("initials", inits + [DOT] + fam))
        forms.append(("initials", _word(given[0][0]) + [DOT, MIDDLE] + fam))
        forms.append(("family_initials", fam + [COMMA] + inits + [r"\.?"]))
    return forms
