"""Every size, count and time limit of the importer, in one place."""

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits for reading untrusted files; defaults suit a committee importing hundreds of CVs."""

    max_file_bytes: int = 20 * MB  # one uploaded file, or one member once unpacked
    max_archive_bytes: int = 500 * MB  # all members of one ZIP once unpacked
    max_members: int = 2_000  # entries in one ZIP (folders and skipped junk included)
    max_package_bytes: int = 200 * MB  # all parts of one DOCX/XLSX once unpacked
    max_package_part_bytes: int = 100 * MB  # one XML part of a DOCX/XLSX once unpacked
    max_package_members: int = 2_000  # parts in one DOCX/XLSX
    max_pages: int = 50  # PDF pages read; later pages are ignored
    max_text_chars: int = 1_000_000  # extracted text is cut here
    max_manifest_rows: int = 10_000
    timeout_seconds: float = 30.0  # wall clock per file in an isolated worker
    memory_bytes: int = 1024 * MB  # RLIMIT_AS of an isolated worker


DEFAULT_LIMITS = Limits()
