"""Read the members of an uploaded ZIP in memory, refusing bombs, links and nested archives.

Nothing is ever written to disk under a member's name: names are only cleaned display text
("../../evil.txt" shows as "evil.txt"). Sizes are checked as declared AND as actually read,
because headers lie; a refused member does not stop the good ones.
"""

import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.sniff import RejectedFile, extension_of
from reviewapp.textutil import clean_display_text

_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", ".localized"}
_JUNK_FOLDERS = {"__macosx", ".git", ".svn"}
_NESTED_ARCHIVES = {"zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "zst", "cab", "iso"}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Member:
    """A member read into memory; `name` is its cleaned path inside the archive."""

    name: str
    data: bytes

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Rejected:
    """A member that was refused, with the reason for the chair."""

    name: str
    reason: str


def clean_member_name(raw: str) -> str:
    """Display path of a member: no drive, no "..", no leading "/", no control characters."""
    parts = raw.replace("\\", "/").split("/")
    kept = [clean_display_text(part) for part in parts if part not in ("", ".", "..")]
    if kept and len(kept[0]) == 2 and kept[0][1] == ":":
        kept = kept[1:]  # "C:" drive letter
    return "/".join(part for part in kept if part) or "(unnamed)"


def is_junk(raw: str) -> bool:
    """Operating-system clutter that is skipped without a word (__MACOSX/, .DS_Store, ~$x.docx)."""
    parts = [part for part in raw.replace("\\", "/").split("/") if part]
    if not parts:
        return True
    if any(part.lower() in _JUNK_FOLDERS for part in parts[:-1]):
        return True
    base = parts[-1]
    return base.lower() in _JUNK_NAMES or base.startswith(("~$", "._", ".~lock."))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    unix_mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(unix_mode)


def _refusal(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    """Why a member is refused before reading it, or None."""
    if _is_symlink(info):
        return "links are not accepted inside an archive"
    if info.flag_bits & 0x1:
        return "the file is password-protected"
    if extension_of(info.filename) in _NESTED_ARCHIVES:
        return "archives inside an archive are not accepted; unpack it and upload it separately"
    if info.file_size > limits.max_file_bytes:
        return f"larger than {_mb(limits.max_file_bytes)} once unpacked"
    return None


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The member's bytes, or None once more than `cap` bytes come out (headers may lie)."""
    chunks: list[bytes] = []
    total = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            total += len(chunk)
            if total > cap:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _members(zf: zipfile.ZipFile, limits: Limits) -> Iterator[Member | Rejected]:
    read_total = 0
    with zf:
        for info in zf.infolist():
            if info.is_dir() or is_junk(info.filename):
                continue
            name = clean_member_name(info.filename)
            reason = _refusal(info, limits)
            if reason is None and read_total >= limits.max_archive_bytes:
                reason = f"the archive is larger than {_mb(limits.max_archive_bytes)} once unpacked"
            if reason is not None:
                yield Rejected(name, reason)
                continue
            cap = min(limits.max_file_bytes, limits.max_archive_bytes - read_total)
            try:
                data = _read_capped(zf, info, cap)
            except zipfile.BadZipFile:
                yield Rejected(name, "the file is damaged inside the archive (checksum mismatch)")
                continue
            except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
                yield Rejected(name, "the file could not be unpacked")
                continue
            if data is None:  # only if a header lied and zipfile did not notice
                read_total += cap
                yield Rejected(name, "larger than its header says; refused")
                continue
            read_total += len(data)
            yield Member(name, data)


def iter_zip(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Member | Rejected]:
    """Members of a ZIP in archive order; RejectedFile at once if the whole archive is refused."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise RejectedFile("the ZIP archive is damaged or incomplete") from exc
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        zf.close()
        raise RejectedFile(
            f"the archive holds {len(infos):,} entries; the limit is {limits.max_members:,}"
        )
    # Members over the per-file limit are refused one by one; the rest must fit in the total.
    declared = sum(info.file_size for info in infos if info.file_size <= limits.max_file_bytes)
    if declared > limits.max_archive_bytes:
        zf.close()
        raise RejectedFile(
            f"the archive would be larger than {_mb(limits.max_archive_bytes)} once unpacked"
        )
    return _members(zf, limits)
