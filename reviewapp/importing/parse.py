"""CV text to a structured profile: `parse_cv(text) -> Profile`.

Pure: plain text in (already extracted from PDF/DOCX/HTML/Markdown), dataclass out. Every field
found carries evidence: the 1-based input line it came from and that line's text.
"""

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from reviewapp.importing.fields import find_emails, find_links, find_phone
from reviewapp.importing.parse_education import parse_education
from reviewapp.importing.parse_names import find_name
from reviewapp.importing.parse_positions import find_awards, find_current_position
from reviewapp.importing.parse_text import split_lines
from reviewapp.importing.publications import merge_publications, parse_publications
from reviewapp.importing.sections import split_sections

__all__ = ["Profile", "merge_publications", "parse_cv"]

log = logging.getLogger(__name__)

_HEADER_KINDS = {"header", "title", "personal", "unknown"}
# Sections naming other people: a name found there is never the candidate's.
_NOT_NAME_KINDS = {"references", "publications", "supervision", "talks", "service", "teaching"}


@dataclass
class Profile:
    """What a CV says about its author; `evidence` maps each found field to its source line."""

    name: str | None = None
    name_as_written: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    name_native: str | None = None  # the name in CJK script when the CV gives one
    emails: list[str] = field(default_factory=list)
    phone: str | None = None  # international format when phonenumbers reads it, else as written
    phone_as_written: str | None = None
    links: dict[str, Any] = field(default_factory=lambda: {"other": []})
    education: list[dict] = field(default_factory=list)
    current_position: dict | None = None
    publications: dict[str, Any] = field(default_factory=lambda: {"count": 0, "items": []})
    awards: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-serialisable copy (what `dataclasses.asdict` gives, without its deepcopy of
        every string)."""
        return {f.name: _plain_copy(getattr(self, f.name)) for f in _PROFILE_FIELDS}


def _plain_copy(value: Any) -> Any:
    """A deep copy of nested dicts, lists and tuples; str, numbers, bools and None are shared."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dict):
        return {_plain_copy(k): _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain_copy(item) for item in value)
    return copy.deepcopy(value)


_PROFILE_FIELDS = fields(Profile)


def _safe(step: Callable[[], Any], default: Any) -> Any:
    """Run one extraction step; a bug in one field must not lose the whole CV."""
    try:
        return step()
    except Exception:  # noqa: BLE001 - parse_cv never raises on input text
        log.exception("CV parser step failed")
        return default


def _header_end(sections: list, cap: int = 40) -> int:
    """Index of the first content heading: name, phone and homepage are looked for above it."""
    for section in sections:
        if section.kind not in _HEADER_KINDS:
            return min(section.heading_index or 0, cap)
    return min(sections[-1].end, cap) if sections else 0


def _lines_of(sections: list, kinds: set[str]) -> set[int]:
    """Indexes of the lines inside sections of the given kinds."""
    return {i for s in sections if s.kind in kinds for i in range(s.start, s.end)}


def parse_cv(text: str) -> Profile:
    """Parse CV text into a Profile; never raises, whatever the text."""
    profile = Profile()
    if not isinstance(text, str) or not text.strip():
        return profile
    lines = _safe(lambda: split_lines(text), [])
    sections = _safe(lambda: split_sections(lines), [])
    header_end = _header_end(sections)
    evidence = profile.evidence

    emails = _safe(lambda: find_emails(lines), [])
    profile.emails = [email for email, _ in emails]
    if emails:
        evidence["emails"] = [line.evidence() for _, line in emails]

    skip = _safe(lambda: _lines_of(sections, _NOT_NAME_KINDS), set())
    name = _safe(lambda: find_name(lines, header_end, profile.emails, skip), None)
    if name:
        profile.name, profile.name_as_written = name.name, name.as_written
        profile.given_name, profile.family_name = name.given, name.family
        profile.name_native = name.native
        evidence["name"] = name.line.evidence()

    # unlabelled numbers count in a contact section and within two lines of an e-mail
    contact = _safe(
        lambda: (
            _lines_of(sections, {"personal"})
            | {i for _, line in emails for i in range(line.no - 3, line.no + 2)}
        ),
        set(),
    )
    phone = _safe(lambda: find_phone(lines, header_end, contact), None)
    if phone:
        written, normalised, line = phone
        profile.phone_as_written, profile.phone = written, normalised or written
        evidence["phone"] = line.evidence()

    links, link_evidence = _safe(
        lambda: find_links(lines, header_end, contact), ({"other": []}, {})
    )
    profile.links = links
    if link_evidence:
        evidence["links"] = link_evidence

    education = _safe(lambda: parse_education(lines, sections), [])
    profile.education = [entry for entry, _ in education]
    if education:
        evidence["education"] = [line.evidence() for _, line in education]

    position = _safe(lambda: find_current_position(lines, sections, education), None)
    if position:
        profile.current_position = position[0]
        evidence["current_position"] = position[1].evidence()

    publications = _safe(lambda: parse_publications(lines, sections), [])
    profile.publications = {"count": len(publications), "items": [item for item, _ in publications]}
    if publications:
        evidence["publications"] = [line.evidence() for _, line in publications]

    awards = _safe(lambda: find_awards(lines, sections), [])
    profile.awards = [award for award, _ in awards]
    if awards:
        evidence["awards"] = [line.evidence() for _, line in awards]
    return profile
