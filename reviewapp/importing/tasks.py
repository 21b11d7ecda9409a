"""What an isolated worker runs for one file: text extraction, then the (pure) CV parser.

Kept apart from operations.py so that a worker imports only the readers and the parser, not the
database layer; isolate.py preloads this module in the forkserver, so a new worker starts with
all of it imported (and every regular expression compiled) already.
"""

from dataclasses import dataclass

from reviewapp.importing.extract import Extraction, extract_text
from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.parse import parse_cv
from reviewapp.textutil import strip_control_chars


@dataclass(frozen=True)
class Parsed(Extraction):
    """An Extraction with the parsed profile, computed in the worker process too."""

    profile: dict | None = None


def extract_and_parse(data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Extract the file's text, strip control characters, parse the profile."""
    ex = extract_text(data, filename, limits=limits)
    text = strip_control_chars(ex.text)
    profile = parse_cv(text).to_dict() if text.strip() else None
    return Parsed(text, ex.media_type, ex.kind, ex.status, ex.error, ex.pages, profile)
