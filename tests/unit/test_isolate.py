"""Isolated extraction: a hang, a memory hog or a crash fails one file; the batch goes on."""

import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import docx
import pytest
from fpdf import FPDF

from reviewapp.importing.extract import OUT_OF_MEMORY, extract_text
from reviewapp.importing.isolate import CRASHED, extract_in_background, extract_many, timed_out
from reviewapp.importing.limits import Limits

pytestmark = pytest.mark.unit

QUICK = Limits(timeout_seconds=0.5)


def misbehave(data: bytes, filename: str, *, limits: Limits):
    """Extractor run in the workers: some payloads hang, hog memory or crash the process."""
    if data == b"HANG":
        time.sleep(60)
    if data == b"HOG":
        hog = bytearray(2 * limits.memory_bytes)
        return hog  # never reached: RLIMIT_AS refuses the allocation
    if data == b"CRASH":
        os._exit(3)
    return extract_text(data, filename, limits=limits)


def pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def outcome(results) -> dict:
    return {key: (result.status, result.error or result.text) for key, result in results}


def test_extract_many_mixed_batch_with_bad_file():
    items = [
        ("pdf", pdf_bytes("Ann Lee, statistician and survey methodologist"), "ann.pdf"),
        ("docx", docx_bytes("Bo Ek, chemist"), "bo.docx"),
        ("txt", b"Cy Ng, physicist", "cy.txt"),
        ("bad", b"<html><body><p>x</p></body></html>", "dee.pdf"),
        ("broken", b"%PDF-1.7\n" + bytes(300), "eve.pdf"),
    ]
    assert outcome(extract_many(items, workers=2)) == {
        "pdf": ("ok", "Ann Lee, statistician and survey methodologist"),
        "docx": ("ok", "Bo Ek, chemist"),
        "txt": ("ok", "Cy Ng, physicist"),
        "bad": ("failed", "not a PDF: the content is HTML"),
        "broken": ("failed", "could not be read: the PDF is damaged or incomplete"),
    }


def test_extract_many_hang_is_killed_and_next_file_still_read():
    items = [("hang", b"HANG", "slow.pdf"), ("next", b"Bo Ek", "bo.txt")]
    results = list(extract_many(items, limits=QUICK, workers=1, extractor=misbehave))
    assert outcome(results) == {
        "hang": ("failed", "could not be read: gave up after 0.5 s (the file may be damaged)"),
        "next": ("ok", "Bo Ek"),
    }
    assert (results[0][1].kind, results[0][1].media_type) == ("pdf", "application/pdf")


def test_extract_many_memory_hog_fails_alone():
    items = [("hog", b"HOG", "big.pdf"), ("next", b"Bo Ek", "bo.txt")]
    limits = Limits(memory_bytes=1024**3)
    assert outcome(extract_many(items, limits=limits, workers=1, extractor=misbehave)) == {
        "hog": ("failed", OUT_OF_MEMORY),
        "next": ("ok", "Bo Ek"),
    }


def test_extract_many_crash_replaces_worker():
    items = [("crash", b"CRASH", "a.docx"), ("b", b"Bo", "b.txt"), ("c", b"Cy", "c.txt")]
    assert outcome(extract_many(items, limits=QUICK, workers=1, extractor=misbehave)) == {
        "crash": ("failed", CRASHED),
        "b": ("ok", "Bo"),
        "c": ("ok", "Cy"),
    }


def test_extract_many_pulls_items_lazily():
    pulled = []

    def items():
        for n in range(12):
            pulled.append(n)
            yield n, b"text %d" % n, f"{n}.txt"

    in_memory = []
    results = []
    for key, result in extract_many(items(), workers=2):
        in_memory.append(len(pulled) - len(results))
        results.append((key, result.text))
    assert sorted(results) == [(n, f"text {n}") for n in range(12)]
    assert max(in_memory) <= 4  # at most two files per worker (QUEUE_DEPTH)


def test_extract_many_in_process_when_workers_zero():
    items = [("a", b"Ann", "a.txt"), ("b", b"", "b.txt")]
    assert outcome(extract_many(items, workers=0)) == {
        "a": ("ok", "Ann"),
        "b": ("failed", "the file is empty"),
    }


def test_extract_many_stops_workers_when_abandoned():
    items = [(n, b"x", f"{n}.txt") for n in range(6)]
    results = extract_many(items, workers=2)
    next(results)
    results.close()  # the generator's cleanup stops its workers; nothing is left running
    assert results.gi_frame is None


def test_timed_out_message_uses_limit():
    assert timed_out(Limits(timeout_seconds=30)) == (
        "could not be read: gave up after 30 s (the file may be damaged)"
    )


def test_extract_many_from_concurrent_threads():
    """As from a threaded web server or job worker: no fork of the threaded caller."""

    def run(prefix: str) -> dict:
        items = [
            (f"{prefix}{n}", b"%s text %d" % (prefix.encode(), n), f"{n}.txt") for n in range(3)
        ]
        return outcome(extract_many(items, workers=2))

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(run, ["a", "b"])
    assert first == {f"a{n}": ("ok", f"a text {n}") for n in range(3)}
    assert second == {f"b{n}": ("ok", f"b text {n}") for n in range(3)}


def test_extract_many_large_files_pass_through_pipes():
    big = b"Ann Lee\n" * 250_000  # 2 MB: far beyond a pipe buffer, both ways
    items = [(n, big, f"{n}.txt") for n in range(3)]
    results = dict(extract_many(items, limits=Limits(max_text_chars=10**7), workers=1))
    assert {key: len(result.text) for key, result in results.items()} == {
        n: len(big) - 1 for n in range(3)
    }


def test_extract_in_background_keeps_reading_while_the_caller_is_busy():
    """The workers go on while the caller works between results (as when it writes a chunk);
    the items are still iterated in the caller's own thread (they may use its session)."""
    caller = threading.current_thread()
    pulled_in = set()

    def items():
        for n in range(8):
            pulled_in.add(threading.current_thread())
            yield n, b"text %d" % n, f"{n}.txt"

    results = extract_in_background(items(), workers=2, ahead=8)
    first = next(results)
    time.sleep(1.0)  # busy: the seven other files are read meanwhile
    start = time.monotonic()
    rest = list(results)
    assert time.monotonic() - start < 0.5  # already done, nothing left to wait for
    assert sorted([first, *rest], key=lambda r: r[0]) == sorted(
        extract_many([(n, b"text %d" % n, f"{n}.txt") for n in range(8)], workers=0),
        key=lambda r: r[0],
    )
    assert pulled_in == {caller}


def test_extract_in_background_pulls_at_most_ahead_items():
    pulled, seen = [], []

    def items():
        for n in range(40):
            pulled.append(n)
            yield n, b"x", f"{n}.txt"

    for _key, _result in extract_in_background(items(), workers=1, ahead=6):
        seen.append(len(pulled) - len(seen))
    assert len(seen) == 40
    assert max(seen) <= 6


def test_extract_in_background_failures_and_hangs_as_extract_many():
    items = [("hang", b"HANG", "h.txt"), ("ok", b"Ann", "a.txt"), ("crash", b"CRASH", "c.txt")]
    results = dict(extract_in_background(items, limits=QUICK, workers=1, extractor=misbehave))
    assert results["ok"].text == "Ann"
    assert results["hang"].error == timed_out(QUICK)
    assert results["crash"].error == CRASHED


def test_extract_in_background_closed_early_stops_its_thread():
    before = {t for t in threading.enumerate() if t.name == "isolate-feed"}
    results = extract_in_background([(n, b"x", f"{n}.txt") for n in range(20)], workers=2)
    next(results)
    results.close()
    left = {t for t in threading.enumerate() if t.name == "isolate-feed"} - before
    assert not left


def test_extract_in_background_error_reading_items_reaches_the_caller_and_stops():
    def items():
        yield "a", b"Ann", "a.txt"
        raise RuntimeError("the database went away")

    before = {t for t in threading.enumerate() if t.name == "isolate-feed"}
    with pytest.raises(RuntimeError, match="went away"):
        list(extract_in_background(items(), workers=1))
    assert not {t for t in threading.enumerate() if t.name == "isolate-feed"} - before


def test_extract_in_background_bounds_bytes_ahead_yet_never_starves_the_pool():
    """Large files: no more than `ahead_bytes` wait ahead, except that the pool always gets
    more than it holds at once (workers × QUEUE_DEPTH), so the run still finishes."""
    pulled, seen = [], []
    big = b"Ann Lee\n" * 131_072  # 1 MiB

    def items():
        for n in range(10):
            pulled.append(n)
            yield n, big, f"{n}.txt"

    limits = Limits(max_text_chars=10**7)
    results = extract_in_background(items(), workers=1, ahead_bytes=2**21, limits=limits)
    for _key, result in results:
        seen.append(len(pulled) - len(seen))
        assert result.ok
    assert len(seen) == 10
    assert max(seen) == 3  # QUEUE_DEPTH (2) for the one worker, and one more
