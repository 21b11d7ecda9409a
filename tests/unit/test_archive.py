"""ZIP reading: junk skipped silently, slips harmless, bombs and links refused, rest kept."""

import io
import stat
import struct
import zipfile

import pytest

from reviewapp.importing.archive import (
    Member,
    Rejected,
    _read_capped,
    clean_member_name,
    is_junk,
    iter_zip,
)
from reviewapp.importing.limits import Limits
from reviewapp.importing.sniff import RejectedFile

pytestmark = pytest.mark.unit

MB = 1024 * 1024


def make_zip(members, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """members: name -> bytes, or a ready ZipInfo -> bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Make the central directory lie about a member's uncompressed size."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_length] == name.encode():
            struct.pack_into("<I", raw, at + 24, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def read_all(data: bytes, **limits) -> list[Member | Rejected]:
    return list(iter_zip(data, limits=Limits(**limits)))


def test_iter_zip_nested_folders_kept_as_display_names():
    data = make_zip({"Smith, Ann/cv.pdf": b"%PDF-1.4", "Lee/letters/cover.txt": b"hello"})
    assert read_all(data) == [
        Member("Smith, Ann/cv.pdf", b"%PDF-1.4"),
        Member("Lee/letters/cover.txt", b"hello"),
    ]


def test_iter_zip_junk_skipped_silently():
    data = make_zip(
        {
            "__MACOSX/._cv.pdf": b"x",
            "cvs/.DS_Store": b"x",
            "cvs/Thumbs.db": b"x",
            "cvs/desktop.ini": b"x",
            "cvs/~$cv.docx": b"x",
            "cvs/._cv.pdf": b"x",
            "cvs/": b"",
            "cvs/cv.txt": b"Ann",
        }
    )
    assert read_all(data) == [Member("cvs/cv.txt", b"Ann")]


def test_iter_zip_slip_names_are_harmless_display_text():
    data = make_zip({"../../evil.txt": b"a", "/abs.txt": b"b", "C:\\temp\\..\\x.txt": b"c"})
    assert [member.name for member in read_all(data)] == ["evil.txt", "abs.txt", "temp/x.txt"]


def test_iter_zip_symlink_refused_good_member_kept():
    data = make_zip({symlink_info("link.pdf"): b"/etc/passwd", "cv.txt": b"Ann"})
    assert read_all(data) == [
        Rejected("link.pdf", "links are not accepted inside an archive"),
        Member("cv.txt", b"Ann"),
    ]


def test_iter_zip_nested_archive_refused():
    data = make_zip({"inner.zip": make_zip({"a.txt": b"a"}), "b.txt": b"b"})
    assert read_all(data) == [
        Rejected(
            "inner.zip",
            "archives inside an archive are not accepted; unpack it and upload it separately",
        ),
        Member("b.txt", b"b"),
    ]


def test_iter_zip_declared_two_gigabyte_member_refused_by_header():
    data = make_zip({"zeros.txt": bytes(MB), "cv.txt": b"Ann"})
    data = patch_declared_size(data, "zeros.txt", 2 * 1024**3)
    assert read_all(data) == [
        Rejected("zeros.txt", "larger than 20 MB once unpacked"),
        Member("cv.txt", b"Ann"),
    ]


def test_iter_zip_zeros_over_member_limit_refused():
    data = make_zip({"zeros.txt": bytes(3 * MB), "cv.txt": b"Ann"})
    assert read_all(data, max_file_bytes=MB) == [
        Rejected("zeros.txt", "larger than 1 MB once unpacked"),
        Member("cv.txt", b"Ann"),
    ]


def test_iter_zip_header_lying_small_is_caught_while_reading():
    data = make_zip({"zeros.txt": bytes(3 * MB), "cv.txt": b"Ann"})
    data = patch_declared_size(data, "zeros.txt", 1000)
    assert read_all(data, max_file_bytes=MB) == [
        Rejected("zeros.txt", "the file is damaged inside the archive (checksum mismatch)"),
        Member("cv.txt", b"Ann"),
    ]


def test_iter_zip_many_members_refused_whole():
    data = make_zip({f"cv{n}.txt": b"" for n in range(50_000)}, zipfile.ZIP_STORED)
    with pytest.raises(RejectedFile) as caught:
        iter_zip(data, limits=Limits())
    assert caught.value.reason == "the archive holds 50,000 entries; the limit is 2,000"


def test_iter_zip_declared_total_over_limit_refused_whole():
    data = make_zip({f"cv{n}.txt": bytes(600_000) for n in range(4)})
    with pytest.raises(RejectedFile) as caught:
        iter_zip(data, limits=Limits(max_archive_bytes=2 * MB))
    assert caught.value.reason == "the archive would be larger than 2 MB once unpacked"


def test_read_capped_stops_at_cap_whatever_the_header_says():
    data = make_zip({"zeros.txt": bytes(3 * MB)})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("zeros.txt")
        assert (_read_capped(zf, info, MB), len(_read_capped(zf, info, 3 * MB))) == (None, 3 * MB)


def test_iter_zip_encrypted_member_refused():
    data = bytearray(make_zip({"secret.txt": b"x", "cv.txt": b"Ann"}, zipfile.ZIP_STORED))
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 8, 0x1)  # central directory flag: encrypted
    assert read_all(bytes(data))[0] == Rejected("secret.txt", "the file is password-protected")


def test_iter_zip_damaged_archive_refused():
    with pytest.raises(RejectedFile) as caught:
        iter_zip(b"PK\x03\x04 this is not really a zip", limits=Limits())
    assert caught.value.reason == "the ZIP archive is damaged or incomplete"


def test_clean_member_name_strips_controls_and_dots():
    assert clean_member_name("./a/\x01b\x7f/../c.pdf") == "a/b/c.pdf"
    assert clean_member_name("../..") == "(unnamed)"


def test_is_junk_keeps_ordinary_files():
    assert (is_junk("cv.pdf"), is_junk("x/__MACOSX/y.pdf"), is_junk("~$cv.docx")) == (
        False,
        True,
        True,
    )


def test_member_basename():
    assert Member("a/b/cv.pdf", b"").basename == "cv.pdf"
