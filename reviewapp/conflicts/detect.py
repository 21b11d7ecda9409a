"""Find committee members named in candidates' CV text and say how they are connected.

Pure: no Flask, no database. One regex, built as a character trie of every member's written
forms (`names.written_forms`), runs once over each CV's folded text (diacritics and case folded
line by line, so a hit maps straight back to its original line). A hit counts only with word
boundaries on both sides ("Zhiyuan Li" never inside "Zhiyuan Liu" or "Li-Wang") and only with the
member's full family name; initials ("Z. Li") count only when not preceded by another given name
("Weijie J. Su") and not when they equally fit the candidate's own name. A family name alone, or a
one-letter family name without its given name, never matches.

Kinds, strongest first: supervisor > coauthor > teaching > colleague > institution > mention.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from reviewapp.names import (
    TITLES,
    looks_like_name,
    name_key,
    name_variants,
    parse_person_name,
    written_forms,
)
from reviewapp.textutil import fold

KIND_ORDER = ("supervisor", "coauthor", "teaching", "colleague", "institution", "mention")
_KIND_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}
_FORM_RANK = {"full": 0, "family_first": 1, "initials": 2, "family_initials": 3}
EVIDENCE_LENGTH = 200

_WORD = r"[^\W\d_]"
# "\b" first, as the engine checks it fast; "_" is blanked in folded text, so "__Li__" counts.
_BOUNDARY_BEFORE = rf"\b(?<!{_WORD}-)"
_BOUNDARY_AFTER = rf"(?!{_WORD})(?!-{_WORD})"
_AFTER_HYPHEN_RE = re.compile(rf"{_WORD}-")
_DIGIT_RE = re.compile(r"\d")
_TOKEN_RE = re.compile(rf"{_WORD}+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_PREV_WORD_RE = re.compile(r"([^\W\d_][\w'’]*)\.?[ \t]*$")
_NEXT_WORD_RE = re.compile(r"^[ \t]+([^\W\d_][\w'’\-]+)")
_FUNCTION_WORD_LIST = (
    "by with and of from under to for und von mit et avec par de y con bei chez the "
    "our my thanks dear coauthors co-authors collaborators advisors supervisors"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())


@dataclass(frozen=True)
class Member:
    """A committee member as the detector needs them."""

    id: int
    name: str
    email: str = ""
    institution: str | None = None


@dataclass(frozen=True)
class CandidateText:
    """A candidate's CV text (all files joined) and what identifies them."""

    id: int
    name: str
    text: str
    current_institution: str | None = None
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class DetectedConflict:
    """One connection between a member and a candidate, with the line that shows it."""

    member_id: int
    candidate_id: int
    kind: str
    evidence: str
    line_no: int | None
    matched: str = ""


def _trie_regex(sequences: list[list[str]]) -> str:
    """One regex for many fragment sequences, sharing prefixes so matching stays linear."""
    trie: dict = {}
    for seq in sequences:
        node = trie
        for frag in seq:
            node = node.setdefault(frag, {})
        node[None] = {}

    def emit(node: dict) -> str:
        alts = [frag + emit(child) for frag, child in node.items() if frag is not None]
        if not alts:
            return ""
        if None in node:
            return "(?:" + "|".join(alts) + ")?"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


def _fold_line(line: str) -> str:
    """`textutil.fold`, applied only to the non-ASCII runs (CV text is mostly ASCII)."""
    return line.lower() if line.isascii() else _NON_ASCII_RE.sub(_fold_match, line.lower())


def _fold_match(m: re.Match[str]) -> str:
    return fold(m.group(0))


def _offset_map(line: str, folded: str) -> list[int] | None:
    """The original index of each folded character (None when folding is one-to-one)."""
    if line.isascii():
        return None
    index: list[int] = []
    pos = 0
    for m in _NON_ASCII_RE.finditer(line):
        index.extend(range(pos, m.start()))
        for i in range(m.start(), m.end()):
            index.extend([i] * len(_fold_line(line[i])))
        pos = m.end()
    index.extend(range(pos, len(line) + 1))
    return index if len(index) == len(folded) + 1 else None


class _Person:
    """A compiled name: the kinds of its forms and one regex for any of them."""

    def __init__(self, name: str) -> None:
        self.person = parse_person_name(name)
        self.forms = forms = written_forms(self.person)
        self.by_kind = []
        for kind in _FORM_RANK:
            frags = ["".join(f) for k, f in forms if k == kind]
            if frags:
                self.by_kind.append((kind, re.compile("|".join(frags))))
        self.any_form = (
            re.compile(_BOUNDARY_BEFORE + _trie_regex([f for _, f in forms]) + _BOUNDARY_AFTER)
            if forms
            else None
        )

    def kind_at(self, text: str, start: int, end: int) -> str | None:
        for kind, rx in self.by_kind:
            if rx.fullmatch(text, start, end):
                return kind
        return None


class ConflictDetector:
    """Compile the members' names once, then scan any number of CVs."""

    def __init__(self, members: list[Member]) -> None:
        self.members = list(members)
        self._people = [_Person(m.name) for m in self.members]
        self._by_token: dict[str, list[int]] = {}
        sequences = []
        for i, person in enumerate(self._people):
            sequences += [f for _, f in person.forms]
            for part in {fold(p) for p in person.person.family_parts} if person.forms else ():
                self._by_token.setdefault(part, []).append(i)
        self._regex = (
            re.compile(r"\b(?:" + _trie_regex(sequences) + ")" + _BOUNDARY_AFTER)
            if sequences
            else None
        )
        self._keys = [name_key(m.name) for m in self.members]
        self._institutions = [institution_key(m.institution or "") for m in self.members]

    def detect(self, candidate: CandidateText) -> list[DetectedConflict]:
        """All conflicts for one candidate, strongest kind first for each member."""
        scan = _Scan(candidate)
        selves = self._selves(scan)
        best: dict[tuple[int, str], tuple[tuple[int, int], DetectedConflict]] = {}
        for i, line_idx, start, end, form in self._hits(scan):
            if i in selves:
                continue
            kind = scan.classify(line_idx, start, end)
            conflict = scan.conflict(self.members[i].id, kind, line_idx, start, end)
            rank = (_FORM_RANK[form] // 2, line_idx)  # full-name evidence beats initials
            if (i, kind) not in best or rank < best[(i, kind)][0]:
                best[(i, kind)] = (rank, conflict)
        inst = institution_key(candidate.current_institution or "")
        for i, member in enumerate(self.members):
            if inst and same_institution(self._institutions[i], inst):
                evidence = f"{member.institution} / {candidate.current_institution}"
                best[(i, "institution")] = (
                    (0, 0),
                    DetectedConflict(member.id, candidate.id, "institution", evidence, None),
                )
        keys = sorted(best, key=lambda key: (key[0], _KIND_RANK[key[1]]))
        return [best[key][1] for key in keys if key[0] not in selves]

    def _hits(self, scan: _Scan) -> Iterator[tuple[int, int, int, int, str]]:
        """Yield (member index, line index, start, end, form kind) for each accepted name hit."""
        if self._regex is None:
            return
        text, pos = scan.folded, 0
        while (m := self._regex.search(text, pos)) is not None:
            pos = m.start() + 1
            if _AFTER_HYPHEN_RE.match(text, max(0, m.start() - 2), m.start()):
                continue  # "Jean-Pierre Dupont" does not name "Pierre Dupont"
            tokens = set(_TOKEN_RE.findall(m.group(0)))
            members = {i for t in tokens for i in self._by_token.get(t, ())}
            line_idx = bisect_right(scan.line_starts, m.start()) - 1
            start = m.start() - scan.line_starts[line_idx]
            end = m.end() - scan.line_starts[line_idx]
            for i in sorted(members):
                form = self._people[i].kind_at(text, m.start(), m.end())
                if form is not None and scan.accept(form, line_idx, start, end):
                    yield i, line_idx, start, end, form

    def _selves(self, scan: _Scan) -> set[int]:
        """Members who are the candidate: the same name and the member's email on the CV."""
        key = name_key(scan.candidate.name)
        known = {e.strip().casefold() for e in scan.candidate.emails}
        return {
            i
            for i, member in enumerate(self.members)
            if self._keys[i] == key
            and (email := member.email.strip().casefold())
            and (email in known or email in scan.folded)
        }


class _Scan:
    """One CV: its lines, folded lines and the context rules that read them."""

    def __init__(self, candidate: CandidateText) -> None:
        self.candidate = candidate
        self.lines = candidate.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.folded_lines = [_fold_line(line).replace("_", " ") for line in self.lines]
        self.folded = "\n".join(self.folded_lines)
        self.line_starts, offset = [], 0
        for line in self.folded_lines:
            self.line_starts.append(offset)
            offset += len(line) + 1
        self._maps: dict[int, list[int] | None] = {}

    @cached_property
    def own_name(self) -> _Person:
        return _Person(self.candidate.name)

    @cached_property
    def sections(self) -> list[str | None]:
        return sections(self.lines)

    def original_span(self, line_idx: int, start: int, end: int) -> tuple[int, int]:
        if line_idx not in self._maps:
            self._maps[line_idx] = _offset_map(self.lines[line_idx], self.folded_lines[line_idx])
        index = self._maps[line_idx]
        return (start, end) if index is None else (index[start], index[end])

    def accept(self, form: str, line_idx: int, start: int, end: int) -> bool:
        """Reject reordered or initial forms that belong to a longer name or to the candidate.

        A full "Given Family" hit always counts: missing a conflict costs more than showing the
        chair one to dismiss ("Jeremiah Zhe Liu" also flags a member "Zhe Liu").
        """
        line = self.lines[line_idx]
        o_start, o_end = self.original_span(line_idx, start, end)
        if form == "full":
            return True
        prev = _PREV_WORD_RE.search(line[max(0, o_start - 40) : o_start])
        if prev and prev.group(1)[0].isupper() and not _is_label(prev.group(1)):
            return False
        if form in ("family_first", "family_initials"):
            nxt = _NEXT_WORD_RE.match(line[o_end : o_end + 40])
            if nxt and nxt.group(1)[0].isupper() and not _is_label(nxt.group(1)):
                return False
        if form in ("initials", "family_initials"):
            own = self.own_name.any_form
            text_start = self.line_starts[line_idx]
            if own is not None and own.fullmatch(self.folded, text_start + start, text_start + end):
                return False
        return True

    def classify(self, line_idx: int, start: int, end: int) -> str:
        """The kind of connection the line (or its label, or its section) shows."""
        kind = keyword_kind(self.folded_lines, line_idx, start, end)
        if kind is not None:
            return kind
        section = self.sections[line_idx]
        if section in ("supervisor", "teaching"):
            return section
        span = self.original_span(line_idx, start, end)
        if in_author_list(self.lines[line_idx], *span) and (
            section == "publications" or self._own_name_near(line_idx)
        ):
            return "coauthor"
        return "mention"

    @cached_property
    def own_variants(self) -> list[str]:
        return [fold(v) for v in name_variants(self.candidate.name) if len(v) > 3]

    def _own_name_near(self, line_idx: int) -> bool:
        """The candidate's own name (any written form) within two lines of line idx."""
        lo, hi = max(0, line_idx - 2), min(len(self.lines), line_idx + 3)
        return any(v in self.folded_lines[i] for i in range(lo, hi) for v in self.own_variants)

    def conflict(
        self, member_id: int, kind: str, line_idx: int, start: int, end: int
    ) -> DetectedConflict:
        """The conflict with its evidence: the original line, cut to ~200 characters."""
        line = self.lines[line_idx]
        o_start, o_end = self.original_span(line_idx, start, end)
        stripped = line.strip()
        if len(stripped) <= EVIDENCE_LENGTH:
            evidence = stripped
        else:
            lo = max(0, min(o_start - 60, len(line) - EVIDENCE_LENGTH))
            evidence = line[lo : lo + EVIDENCE_LENGTH].strip()
            more = "…" if lo + EVIDENCE_LENGTH < len(line) else ""
            evidence = ("…" if lo > 0 else "") + evidence + more
        return DetectedConflict(
            member_id, self.candidate.id, kind, evidence, line_idx + 1, line[o_start:o_end]
        )


def _is_label(word: str) -> bool:
    folded = fold(word)
    return folded in TITLES or folded in _FUNCTION_WORDS or is_keyword(folded)


def detect_conflicts(
    members: list[Member], candidates: list[CandidateText]
) -> list[DetectedConflict]:
    """Conflicts ordered by candidate, then member (input order), then kind strength."""
    detector = ConflictDetector(members)
    return [c for candidate in candidates for c in detector.detect(candidate)]


# --- Reading the context of a hit -------------------------------------------------------------

_SUPERVISOR = (
    r"advis(?:or|ors|er|ers|ed by)|co-?advis(?:or|ors|ed by)|supervis(?:or|ors|ed by)"
    r"|co-?supervis(?:or|ors|ed by)|doktorvater|doktormutter|betreuer(?:in)?|betreut (?:von|durch)"
    r"|directeur de these|directrice de these|sous la direction de|dirigee? par"
    r"|encadr(?:ant|ante|ee? par)|directora? de tesis|dirigid[oa] por|relatore|promotor"
    r"|mentor(?:s|ed by)?|host(?:s|ed by)?|under the (?:guidance|supervision|direction) of"
    r"|guided by|(?:phd|postdoc|postdoctoral)(?: student| researcher| fellow)? (?:with|under)"
    r"|work(?:ed|ing)? under|referees?|thesis committee"
)
_TEACHING = (
    r"taught by|teaching assistant|teaching fellow|ta for|course (?:by|of)|lectures? (?:by|of)"
    r"|lecturer|instructor|tutor(?:ed by)?|class of|ubungsleiter|vorlesung von|cours de"
)
_COLLEAGUE = (
    r"work(?:ed|ing)? with|collaborat(?:or|ors|ion with|ed with|ing with)|colleagues?"
    r"|co-?workers?|interned|intern(?:ship)? with|in the (?:group|lab|team) of|joint work"
    r"|together with|visiting (?:the )?(?:group|lab) of"
)
_KEYWORD_RE = re.compile(
    rf"\b(?:(?P<supervisor>{_SUPERVISOR})|(?P<teaching>{_TEACHING})|(?P<colleague>{_COLLEAGUE}))\b"
)
_SCOPE_NOISE_RE = re.compile(r"\b(?:prof|dr|mr|mrs|ms|professor|assoc|asst|e\.g|i\.e|et al|\w)\.")
_SENTENCE_BREAK_RE = re.compile(r"[.;!?](?:\s|$)")
_INTRODUCES_RE = re.compile(r"\s*(?::|by\b|of\b)")
_LABEL_NOISE_RE = re.compile(r"[#*_<>/\[\]()|:\-–•○]|</?b>")
_NOISE_RE = re.compile(r"<sup>.*?</sup>|<[^>]*>|\]\([^)]*\)|\\.|[*_\[\]#†‡§¶•○◦▪∗]|\(\s*\)")
_LEAD_RE = re.compile(r"^\s*(?:[-–]\s*)?(?:\[?\d{1,3}[.)\]]\s*)?(?:and\s+|&\s*)?")
_SEGMENT_SPLIT_RE = re.compile(r"(?:\s*(?:[,;|&]|\b(?:and|und|et)\b(?!\s+al\b))\s*)+")
# Where a list item ends and a title starts: "Lei Wu. The Sharpness…", "Lei Wu. *Flipout*".
_SEGMENT_END_RE = re.compile(r"(?<=[^\W\d_]{2})\.(?:\s|$)|\s\(|:")
_SECTION_PATTERNS = {
    "publications": r"(?:selected |recent |peer[- ]reviewed |refereed )?(?:publications?|papers"
    r"|preprints|articles|bibliography|manuscripts|publikationen|veroffentlichungen|publicaciones)",
    "teaching": r"teaching|lehre|lehrtatigkeit|enseignement|docencia",
    "supervisor": r"(?:academic |phd |thesis )?(?:advisors?|supervisors?|mentors?|references"
    r"|referees|referenzen|betreuer)",
    "other": r"education|experience|research|employment|awards?|honou?rs|skills|service|talks"
    r"|presentations|projects|interests|summary|profile|positions?|grants|funding|languages"
    r"|activities|others?|contact|personal|biography|about|short bio",
}
_SECTION_RE = re.compile(
    "(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _SECTION_PATTERNS.items()) + r")\b"
)
_INST_DROP = frozenset("the of at in and for de der di du des la le".split())  # noqa: SIM905
_INST_ABBREVIATIONS = {"univ": "university", "inst": "institute", "tech": "technology"}


def is_keyword(word: str) -> bool:
    """Whether a folded word is a role keyword ("advisor", "host", "lecturer"…)."""
    return _KEYWORD_RE.fullmatch(word) is not None


def _in_scope(gap: str, limit: int) -> bool:
    """A keyword reaches a name across at most `limit` characters of the same sentence."""
    return len(gap) <= limit and not _SENTENCE_BREAK_RE.search(_SCOPE_NOISE_RE.sub(" ", gap))


def keyword_kind(folded_lines: list[str], idx: int, start: int, end: int) -> str | None:
    """The role a keyword gives the name at [start, end) of line idx, or None.

    The nearest keyword before the name in the same sentence ("advised by Prof. X", "Advisor: X",
    "taught by X"), else a role noun right after it ("X (advisor)"), else a short label line
    just above ("PhD supervisors:").
    """
    line = folded_lines[idx]
    before = after = None
    for m in _KEYWORD_RE.finditer(line):
        if m.end() <= start:
            before = m
        elif m.start() >= end and after is None:
            after = m
    if before is not None and _in_scope(line[before.end() : start], 100):
        return before.lastgroup
    if (
        after is not None
        and _in_scope(line[end : after.start()], 30)
        and not after.group(0).endswith((" by", " of", " with", " under"))
        and not _INTRODUCES_RE.match(line, after.end())
    ):
        return after.lastgroup
    for j in range(idx - 1, max(-1, idx - 3), -1):
        label = _LABEL_NOISE_RE.sub(" ", folded_lines[j]).strip()
        if not label:
            continue
        m = _KEYWORD_RE.search(label)
        if m and m.lastgroup != "colleague" and len(label) <= 40 and len(label) - len(m[0]) <= 15:
            return m.lastgroup
        break
    return None


def _clean_segment(text: str) -> str:
    return _LEAD_RE.sub("", _NOISE_RE.sub(" ", text)).strip()


def in_author_list(line: str, start: int, end: int) -> bool:
    """The name at [start, end) is an item of a comma/"|"/"and" list next to another name."""
    bounds = [0]
    for m in _SEGMENT_SPLIT_RE.finditer(line):
        bounds += [m.start(), m.end()]
    bounds.append(len(line))
    segments = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    at = next((i for i, (s, e) in enumerate(segments) if s <= start < e), None)
    if at is None or _clean_segment(line[segments[at][0] : start]):
        return False
    if at > 0 and looks_like_name(_clean_segment(line[slice(*segments[at - 1])])):
        return True
    if at + 1 < len(segments):
        following = _SEGMENT_END_RE.split(line[slice(*segments[at + 1])], maxsplit=1)[0]
        return looks_like_name(_clean_segment(following))
    return False


def _heading_section(line: str) -> tuple[bool, str | None]:
    """(is the line a section heading, which section it opens)."""
    raw = line.strip()
    marked = raw.startswith("#")
    if len(raw) > 80 and not marked:
        return False, None
    text = _NOISE_RE.sub(" ", raw).strip(" :")
    if not text or len(text) > 50 or ":" in text:
        return marked, None
    words = text.split()
    m = _SECTION_RE.match(_fold_line(" ".join(words)))
    if m and len(words) <= 4:
        return True, None if m.lastgroup == "other" else m.lastgroup
    caps = sum(ch.isalpha() for ch in text) >= 4 and text.isupper() and not _DIGIT_RE.search(text)
    return marked or caps, None


def sections(lines: list[str]) -> list[str | None]:
    """For each line, the section it sits in: "publications", "teaching", "supervisor" or None."""
    current: str | None = None
    out: list[str | None] = []
    for line in lines:
        is_heading, section = _heading_section(line)
        if is_heading:
            current = section
        out.append(current)
    return out


def institution_key(text: str) -> str:
    """Folded institution name without filler words ("University of California at Berkeley")."""
    words = re.findall(r"[a-z0-9]+", fold(text).replace("&", " and "))
    return " ".join(_INST_ABBREVIATIONS.get(w, w) for w in words if w not in _INST_DROP)


def same_institution(a: str, b: str) -> bool:
    """Institution keys that are equal, near-equal (ratio >= 92) or acronym and expansion."""
    if not a or not b:
        return False
    if a == b or fuzz.ratio(a, b) >= 92:
        return True
    for short, long_ in ((a, b), (b, a)):
        words = long_.split()
        if " " not in short and len(words) >= 2 and short == "".join(w[0] for w in words):
            return True
    return False
