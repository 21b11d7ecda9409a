"""Decide whether an imported CV belongs to a candidate already in the position.

Rules, in order:
1. a shared e-mail address (compared case-insensitively) attaches the CV;
2. a certainly-same name (`names.is_same_name`) supported by evidence, at least one shared
   publication title (fuzzy, rapidfuzz) or a shared institution, attaches the CV;
3. a certainly-same name without evidence, or a possibly-same name, is "uncertain": the CV becomes
   a new candidate and the pair is listed for the chair.
The index is built once per batch (one query) and updated as candidates are created.
"""

import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from reviewapp.names import (
    POSSIBLE_NAME_THRESHOLD,
    SAME_NAME_THRESHOLD,
    name_key,
    same_person_score,
)
from reviewapp.textutil import fold

TITLE_THRESHOLD = 90.0
_MIN_TITLE_KEY = 15


def title_key(title: str) -> str:
    return " ".join(re.findall(r"\w+", fold(title or "")))


def institution_key(name: str) -> str:
    words = re.findall(r"\w+", fold(name or ""))
    return " ".join(word for word in words if word not in {"at", "of", "the"})


def _normal_emails(emails) -> set[str]:
    """E-mail addresses as matching compares them: trimmed, lower case, blanks dropped."""
    return {e.strip().lower() for e in emails or [] if e and e.strip()}


@dataclass
class Facts:
    """What matching needs to know about one person: name, e-mails, titles, institutions."""

    name: str
    emails: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    institutions: set[str] = field(default_factory=set)

    @classmethod
    def from_profile(cls, name: str, emails, profile: dict) -> "Facts":
        profile = profile or {}
        titles = [
            key
            for item in (profile.get("publications") or {}).get("items") or []
            if len(key := title_key(item.get("title", ""))) >= _MIN_TITLE_KEY
        ]
        institutions = {
            institution_key(entry.get("institution") or "")
            for entry in profile.get("education") or []
        }
        current = profile.get("current_position") or {}
        institutions.add(institution_key(current.get("institution") or ""))
        return cls(
            name=name or "",
            emails=_normal_emails(emails),
            titles=titles,
            institutions={i for i in institutions if i},
        )

    def with_emails(self, emails) -> "Facts":
        """The same person's facts with other e-mail addresses."""
        return Facts(
            name=self.name,
            emails=_normal_emails(emails),
            titles=list(self.titles),
            institutions=set(self.institutions),
        )


@dataclass(frozen=True)
class Match:
    """The decision: attach to `candidate_id`, or (uncertain) list pairs with `possible`."""

    candidate_id: int | None
    reason: str = ""
    possible: tuple[tuple[int, float, dict], ...] = ()


def shared_titles(a: list[str], b: list[str]) -> list[str]:
    shared = []
    for key in a:
        if key in b or process.extractOne(key, b, scorer=fuzz.ratio, score_cutoff=TITLE_THRESHOLD):
            shared.append(key)
    return shared


def evidence_between(new: Facts, old: Facts) -> dict:
    """Supporting evidence that two same-named people are one: titles and institutions."""
    evidence: dict = {}
    titles = shared_titles(new.titles, old.titles) if new.titles and old.titles else []
    if titles:
        evidence["shared_publications"] = titles[:10]
    institutions = sorted(new.institutions & old.institutions)
    if institutions:
        evidence["shared_institutions"] = institutions
    return evidence


class MatchIndex:
    """Candidates of one position, indexed by e-mail and by name token."""

    def __init__(self) -> None:
        self.facts: dict[int, Facts] = {}
        self.by_email: dict[str, int] = {}
        self.by_token: dict[str, set[int]] = {}
        self.keys: dict[int, frozenset[str]] = {}  # name_key per candidate, computed once
        # per token: the candidates having it whose name has an initial ("M. Fernandez")
        self.initialled: dict[str, set[int]] = {}

    def add(self, candidate_id: int, facts: Facts) -> None:
        known = self.facts.get(candidate_id)
        if known is not None:
            known.emails |= facts.emails
            known.titles += [t for t in facts.titles if t not in known.titles]
            known.institutions |= facts.institutions
            facts = known
        self.facts[candidate_id] = facts
        for email in facts.emails:
            self.by_email.setdefault(email, candidate_id)
        self.keys[candidate_id] = key = name_key(facts.name)
        initialled = _has_initial(key)
        for token in key:
            self.by_token.setdefault(token, set()).add(candidate_id)
            if initialled:
                self.initialled.setdefault(token, set()).add(candidate_id)

    def remove(self, candidate_id: int) -> None:
        facts = self.facts.pop(candidate_id, None)
        if facts is None:
            return
        for email in facts.emails:
            if self.by_email.get(email) == candidate_id:
                del self.by_email[email]
        for token in self.keys.pop(candidate_id, frozenset()):
            self.by_token.get(token, set()).discard(candidate_id)
            self.initialled.get(token, set()).discard(candidate_id)

    def rename(self, old_id: int, new_id: int) -> None:
        """A provisional key (a candidate planned but not yet inserted) becomes its real id."""
        facts = self.facts.get(old_id)
        if facts is None or old_id == new_id:
            return
        self.remove(old_id)
        self.add(new_id, facts)

    def _namesakes(self, name: str) -> set[int]:
        """Candidates sharing two name tokens, or one when either name has an initial
        ("M. Fernandez"): a first name alone never makes a comparison. Set intersections, so a
        common first name shared by thousands of candidates costs nothing per candidate."""
        tokens = name_key(name)
        sets = [self.by_token.get(token, set()) for token in tokens]
        if _has_initial(tokens) or len(sets) < 2:
            return set().union(*sets)
        found = set().union(*(a & b for a, b in itertools.combinations(sets, 2)))
        return found.union(*(self.initialled.get(token, ()) for token in tokens))

    def match(self, facts: Facts) -> Match:
        for email in sorted(facts.emails):
            if email in self.by_email:
                return Match(self.by_email[email], f"same e-mail address {email}")
        possible = []
        for candidate_id in sorted(self._namesakes(facts.name)):
            old = self.facts[candidate_id]
            score = same_person_score(facts.name, old.name)  # once: thresholds as in names.py
            if score >= SAME_NAME_THRESHOLD:
                evidence = evidence_between(facts, old)
                if _strong_enough(facts, old, evidence):
                    return Match(candidate_id, _describe(old.name, evidence))
                possible.append(
                    (candidate_id, 0.8, {"same_name": [facts.name, old.name], **evidence})
                )
            elif score >= POSSIBLE_NAME_THRESHOLD:
                evidence = {"similar_name": [facts.name, old.name], **evidence_between(facts, old)}
                possible.append((candidate_id, 0.6, evidence))
        return Match(None, possible=tuple(possible))


def _has_initial(tokens) -> bool:
    return any(len(token) == 1 for token in tokens)


def _strong_enough(new: Facts, old: Facts, evidence: dict) -> bool:
    """Whether a same-name match may attach without asking the chair. Shared publications
    always may. A shared institution alone may only when the two documents do not each give
    e-mail addresses that differ: two people of one name at one large university are common,
    and different addresses are evidence against."""
    if evidence.get("shared_publications"):
        return True
    conflicting_emails = new.emails and old.emails and not (new.emails & old.emails)
    return bool(evidence.get("shared_institutions")) and not conflicting_emails


def _describe(name: str, evidence: dict) -> str:
    parts = []
    if titles := evidence.get("shared_publications"):
        parts.append(f"{len(titles)} shared publication(s)")
    if institutions := evidence.get("shared_institutions"):
        parts.append(f"shared institution {institutions[0]}")
    return f"same name as {name}, " + " and ".join(parts)
