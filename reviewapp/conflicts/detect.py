"""Find committee members named in candidates' CV text and say how they are connected.

Pure: no Flask, no database. One regex, built as a character trie of every member's written
forms (`names.written_forms`), runs once over each CV's folded text (diacritics and case folded
line by line, so a hit maps straight back to its original line). A hit counts only with word
boundaries on both sides ("Zhiyuan Li" never inside "Zhiyuan Liu" or "Li-Wang") and only with the
member's full family name; initials ("Z. Li") count only when not preceded by another given name
("Weijie J. Su") and not when they equally fit the candidate's own name. A family name alone, or a
one-letter family name without its given name, never matches.

Kinds, strongest first: supervisor > coauthor > teaching > colleague > institution > mention.
Reading the context of a hit (keywords, author lists, sections, institutions) is in
`context.py`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from reviewapp.conflicts.context import (  # noqa: F401  (re-exported: tests and callers)
    _NON_ASCII_RE,
    _fold_line,
    in_author_list,
    institution_key,
    is_keyword,
    keyword_kind,
    same_institution,
    sections,
)
from reviewapp.names import (
    TITLES,
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
_TOKEN_RE = re.compile(rf"{_WORD}+")
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
