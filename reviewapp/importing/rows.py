"""Column values of candidates an import creates, and the manifest's say over parsed fields.
Pure: dicts in, dicts out."""

from reviewapp.importing.manifest import ManifestRow
from reviewapp.importing.profiles import merge_profiles
from reviewapp.textutil import clean_display_text


def base_name(name: str) -> str:
    """The file's own name, lower-cased: how manifests refer to files."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()


def override(profile: dict, row: ManifestRow) -> dict:
    """Manifest values win over parsed ones; blank manifest cells never erase parsed data."""
    profile = dict(profile)
    evidence = dict(profile.get("evidence") or {})
    if row.name:
        profile["name"] = profile["name_as_written"] = row.name
        evidence["name"] = {"line": row.row, "text": row.name, "document": "manifest"}
    if row.emails:
        parsed = [e for e in profile.get("emails") or [] if e.lower() not in row.emails]
        profile["emails"] = list(row.emails) + parsed
        evidence["emails"] = [{"line": row.row, "text": ", ".join(row.emails)}]
    profile["evidence"] = evidence
    return profile


def new_row(position_id: int, name: str, row: ManifestRow | None, profile: dict) -> dict:
    """Column values of a new candidate, cleaned as candidates.create_candidate does."""
    stem = base_name(name).rsplit(".", 1)[0]
    stem = stem.replace("_", " ").replace("-", " ").title()
    name = profile.get("name") or stem or "Unnamed candidate"
    return {
        "position_id": position_id,
        "name": clean_display_text(name, 200) or "Unnamed candidate",
        "name_as_written": clean_display_text(profile.get("name_as_written") or name, 200),
        "emails": emails_of(profile.get("emails")),
        "phone": clean_display_text(profile.get("phone") or "", 64),
        "links": profile.get("links") or {},
        "profile": profile,
        "edits": {},
        "attributes": dict(row.attributes) if row is not None else {},
    }


def merged_row(candidate: dict, profile: dict, row: ManifestRow | None) -> dict:
    """A provisional candidate that a later file of the same chunk attaches to."""
    merged = dict(candidate)
    merged["profile"] = merge_profiles(candidate["profile"], profile)
    if row is not None and row.attributes:
        merged["attributes"] = {**candidate["attributes"], **row.attributes}
    merged["emails"] = emails_of(merged["profile"].get("emails"))
    if not merged["phone"] and merged["profile"].get("phone"):
        merged["phone"] = clean_display_text(merged["profile"]["phone"], 64)
    merged["links"] = merged["profile"].get("links") or merged["links"]
    return merged


def emails_of(emails) -> list[str]:
    out: list[str] = []
    for email in emails or []:
        email = email.strip().lower()
        if email and email not in out:
            out.append(email)
    return out
