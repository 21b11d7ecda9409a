"""Merge parsed profiles of one person's documents; the chair's edits always win. Pure."""

from reviewapp.importing.dedupe import institution_key
from reviewapp.importing.publications import merge_publications

EDITABLE = ("name", "emails", "phone", "current_position")


def tag_evidence(profile: dict, document: str) -> dict:
    """Add the document's display name to every evidence record of a freshly parsed profile."""
    for value in (profile.get("evidence") or {}).values():
        records = value if isinstance(value, list) else [value]
        if isinstance(value, dict) and "line" not in value:
            records = list(value.values())
        for record in records:
            for item in record if isinstance(record, list) else [record]:
                if isinstance(item, dict):
                    item.setdefault("document", document)
    return profile


def _union(a: list, b: list, key=lambda x: x) -> list:
    seen, out = set(), []
    for value in list(a or []) + list(b or []):
        k = key(value)
        if k not in seen:
            seen.add(k)
            out.append(value)
    return out


def _education_key(entry: dict) -> tuple:
    return (entry.get("degree") or "", institution_key(entry.get("institution") or ""))


def merge_profiles(old: dict, new: dict) -> dict:
    """Union of two profiles of one person: blank fields never erase, the first value stays."""
    merged = dict(old or {})
    for key, value in (new or {}).items():
        if value in (None, "", [], {}) or key in ("publications", "evidence"):
            continue
        if merged.get(key) in (None, "", [], {}):
            merged[key] = value
    merged["emails"] = _union(old.get("emails"), new.get("emails"), key=str.lower)
    merged["awards"] = _union(old.get("awards"), new.get("awards"))
    merged["education"] = _union(old.get("education"), new.get("education"), key=_education_key)
    links = dict(old.get("links") or {})
    for kind, value in (new.get("links") or {}).items():
        if kind == "other":
            links["other"] = _union(links.get("other"), value)
        elif value and not links.get(kind):
            links[kind] = value
    merged["links"] = links
    items = merge_publications(
        [
            (old.get("publications") or {}).get("items") or [],
            (new.get("publications") or {}).get("items") or [],
        ]
    )
    merged["publications"] = {"count": len(items), "items": items}
    evidence = dict(old.get("evidence") or {})
    for key, value in (new.get("evidence") or {}).items():
        if key not in evidence:
            evidence[key] = value
        elif isinstance(value, list) and isinstance(evidence[key], list):
            evidence[key] = evidence[key] + value
    merged["evidence"] = evidence
    return merged


def effective(candidate) -> dict:
    """The profile as shown: parsed values with the chair's edits on top."""
    profile = dict(candidate.profile or {})
    profile.update({k: v for k, v in (candidate.edits or {}).items() if k in EDITABLE})
    return profile


def apply_profile(candidate) -> None:
    """Refresh the candidate's columns from its profile; edited fields keep the chair's value."""
    profile, edits = candidate.profile or {}, candidate.edits or {}
    if "name" in edits:
        candidate.name = edits["name"]
    elif profile.get("name"):
        candidate.name = profile["name"][:200]
        candidate.name_as_written = (profile.get("name_as_written") or profile["name"])[:200]
    emails = edits.get("emails") or profile.get("emails") or []
    candidate.emails = _union([], [e.strip().lower() for e in emails if e.strip()])
    candidate.phone = (edits.get("phone") or profile.get("phone") or candidate.phone or "")[:64]
    candidate.links = profile.get("links") or candidate.links or {}
