"""Extract many files in worker processes with a memory cap and a per-file wall-clock limit.

A small pool (default: one worker per CPU core) is started lazily from a "forkserver" (Linux,
macOS) or "spawn" context, never by forking the caller, which may be a threaded web server or
job worker. The forkserver preloads the extraction modules, so a new worker is a cheap fork
with pypdfium2, python-docx and pdfminer already imported. Each worker sets RLIMIT_AS and then
serves one file at a time over a pipe; a worker that runs past the time limit is killed and
replaced, and one that crashes (a segfault, the kernel's OOM killer) is replaced too. Either
way only that file fails; the batch goes on.

Every batch is isolated, even a single file: a hostile PDF in a one-file upload must not hang
the request. `workers=0` runs in-process without limits, for debugging only.
"""

import collections
import contextlib
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import types
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection, wait

from reviewapp.importing.extract import OUT_OF_MEMORY, Extraction, extract_text, failed
from reviewapp.importing.limits import DEFAULT_LIMITS, Limits
from reviewapp.importing.sniff import kind_for_name

Extractor = Callable[..., Extraction]
_Job = tuple[Hashable, bytes, str]
CRASHED = "could not be read: the reader crashed on this file"
_PRELOAD = [
    "reviewapp.importing.extract",
    "reviewapp.importing.pdf",
    "reviewapp.importing.docx_text",
    "reviewapp.importing.html_text",
    "reviewapp.importing.tasks",
    "docx",
    "pdfminer.high_level",
]
QUEUE_DEPTH = 2  # files waiting in each worker's pipe, the one being read included
_STARTUP_GRACE = 20.0  # seconds a fresh worker may take before its first file's clock starts
_MAIN_LOCK = threading.Lock()


def timed_out(limits: Limits) -> str:
    """The message for a file whose extraction ran past the time limit."""
    seconds = f"{limits.timeout_seconds:g}"
    return f"could not be read: gave up after {seconds} s (the file may be damaged)"


def _context():
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)  # takes effect if the forkserver is not running yet
        return ctx
    return mp.get_context("spawn")


@contextlib.contextmanager
def _entry_script_hidden():
    """Hide __main__ while starting a worker: multiprocessing would otherwise run the entry
    script again in every worker (Python 3.11's forkserver does not preload it; under pytest
    that alone costs ~0.3 s per worker). Workers need nothing from it: the extractor is
    pickled by module name. The swap lasts a few milliseconds and is serialised by a lock.
    """
    with _MAIN_LOCK:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: time limit only
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):  # macOS refuses RLIMIT_AS: time limit only
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(conn: Connection, limits: Limits, extractor: Extractor) -> None:
    """Worker loop: announce readiness, then read (data, filename) and answer an Extraction."""
    for module in _PRELOAD:
        __import__(module)
    if limits.memory_bytes:
        _limit_memory(limits.memory_bytes)
    conn.send(None)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, filename = job
        del job
        try:
            result = extractor(data, filename, limits=limits)
        except MemoryError:
            result = failed(OUT_OF_MEMORY, kind=kind_for_name(filename)[0])
        except Exception:  # the extractor should not raise; if it does, only this file fails
            result = failed("could not be read: the file is damaged")
        del data
        conn.send(result)


class _Worker:
    """One worker process, its pipe, and the files handed to it (the first is being read)."""

    def __init__(self, ctx, limits: Limits, extractor: Extractor) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(child, limits, extractor), daemon=True)
        with _entry_script_hidden():
            self.process.start()
        child.close()
        self.ready = False
        self.jobs: collections.deque[_Job] = collections.deque()
        self.deadline = 0.0
        # Files are written to the pipe by a thread of their own: a second file can then wait
        # in the pipe while the worker writes a large result back, and neither side blocks.
        self.sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="isolate-send")

    def start_clock(self, timeout: float) -> None:
        """The first file's time starts now (plus a grace period while the worker boots)."""
        self.deadline = time.monotonic() + timeout + (0 if self.ready else _STARTUP_GRACE)

    def submit(self, job: _Job, timeout: float) -> None:
        """Queue a file in the worker's pipe; its clock starts when it is the first in line."""
        self.jobs.append(job)
        if len(self.jobs) == 1:
            self.start_clock(timeout)
        self.sender.submit(self._send, (job[1], job[2]))

    def _send(self, message) -> None:
        with contextlib.suppress(OSError, ValueError):  # a dead worker shows on the receiving end
            self.conn.send(message)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.sender.shutdown(wait=True, cancel_futures=True)  # its send fails on the dead pipe
        self.conn.close()

    def stop(self) -> None:
        self.sender.submit(self._send, None)
        self.process.join(timeout=2)
        self.kill()


def _in_process(items, limits: Limits, extractor: Extractor):
    for key, data, filename in items:
        yield key, extractor(data, filename, limits=limits)


def _failure(job: _Job, message: str) -> tuple[Hashable, Extraction]:
    kind, media_type = kind_for_name(job[2])
    return job[0], failed(message, kind=kind, media_type=media_type)


def warm_up() -> None:
    """Start the forkserver now (it imports the extractors), so the first batch starts fast."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def extract_many(
    items: Iterable[tuple[Hashable, bytes, str]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
    extractor: Extractor = extract_text,
) -> Iterator[tuple[Hashable, Extraction]]:
    """Yield (key, Extraction) per (key, data, filename), in completion order, in isolation.

    Each worker has up to `QUEUE_DEPTH` files in its pipe, so it starts the next file at once
    while this process is busy (say, writing the last results to the database). Items are
    pulled only when a worker has room, so at most `workers * QUEUE_DEPTH` files are in memory.
    When a worker is killed (time limit) or crashes, only the file it was reading fails; the
    files queued behind it go to another worker. `extractor` must be a module-level function
    (it is pickled by name); tests use it to simulate a hang, a memory hog or a crash.
    """
    if workers == 0:
        yield from _in_process(items, limits, extractor)
        return
    size = max(1, workers or os.cpu_count() or 1)
    ctx = _context()
    pending = iter(items)
    retry: collections.deque[_Job] = collections.deque()
    pool: list[_Worker] = []
    timeout = limits.timeout_seconds
    exhausted = False

    def lose(worker: _Worker, message: str) -> tuple[Hashable, Extraction]:
        """Kill a worker: its current file fails, the files queued behind it are retried."""
        pool.remove(worker)
        worker.kill()
        jobs = list(worker.jobs)
        retry.extend(jobs[1:])
        return _failure(jobs[0], message)

    try:
        while True:
            while retry or not exhausted:
                roomy = [w for w in pool if len(w.jobs) < QUEUE_DEPTH]
                least = min(roomy, key=lambda w: len(w.jobs), default=None)
                if len(pool) < size and (least is None or least.jobs):
                    least = _Worker(ctx, limits, extractor)
                    pool.append(least)
                if least is None:
                    break
                job = retry.popleft() if retry else next(pending, None)
                if job is None:
                    exhausted = True
                    break
                least.submit(job, timeout)  # a worker that died meanwhile answers EOF below
            busy = {w.conn: w for w in pool if w.jobs}
            if not busy:
                if retry:
                    continue
                return
            wait_for = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            for conn in wait(list(busy), wait_for):
                worker = busy[conn]
                try:
                    message = conn.recv()
                except (EOFError, OSError):  # crashed: segfault, abort, OOM killer
                    yield lose(worker, CRASHED)
                    continue
                if message is None:  # startup announcement: the first file's clock starts now
                    worker.ready = True
                    worker.start_clock(timeout)
                    continue
                job = worker.jobs.popleft()
                if worker.jobs:
                    worker.start_clock(timeout)
                yield job[0], message
            now = time.monotonic()
            for worker in [w for w in busy.values() if w in pool and w.jobs]:
                if worker.deadline <= now:
                    yield lose(worker, timed_out(limits))
    finally:
        for worker in pool:
            worker.stop()


_END = object()


def extract_in_background(
    items: Iterable[tuple[Hashable, bytes, str]],
    *,
    ahead: int = 256,
    ahead_bytes: int = 64 * 1024 * 1024,
    **options,
) -> Iterator[tuple[Hashable, Extraction]]:
    """`extract_many` run by a thread of its own, so the workers keep reading while the caller
    is busy between results (writing a chunk to the database takes long enough for two workers
    to finish dozens of small files).

    `items` is still iterated in the caller's thread (it may read from the caller's database
    session). Items are handed over ahead of their results, up to `ahead` files and
    `ahead_bytes` bytes, but always more than the pool holds at once (workers × QUEUE_DEPTH):
    then an item is waiting in the hand-over queue or a result in the other whenever the
    caller waits, so the thread never waits for an item the caller will not send. Closing the
    generator early stops the pool once the files being read are done. `options` are
    `extract_many`'s; keys must be distinct.
    """
    capacity = max(1, options.get("workers") or os.cpu_count() or 1) * QUEUE_DEPTH
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    stopping = threading.Event()
    sizes: dict[Hashable, int] = {}  # bytes of each file handed over, until its result
    held = 0  # their sum

    def room() -> bool:
        return len(sizes) <= capacity or (len(sizes) < ahead and held < ahead_bytes)

    def source() -> Iterator[_Job]:
        while not stopping.is_set() and (job := inbox.get()) is not _END:
            yield job

    def run() -> None:
        try:
            for result in extract_many(source(), **options):
                outbox.put(result)
                if stopping.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outbox.put(exc)
        finally:
            outbox.put(_END)

    thread = threading.Thread(target=run, name="isolate-feed", daemon=True)
    thread.start()
    pending, exhausted = iter(items), False
    try:
        while True:
            while not exhausted and room():
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    inbox.put(_END)
                else:
                    sizes[job[0]] = len(job[1])
                    held += len(job[1])
                    inbox.put(job)
            result = outbox.get()
            if result is _END:
                return
            if isinstance(result, BaseException):
                raise result
            held -= sizes.pop(result[0], 0)
            yield result
    finally:
        stopping.set()
        inbox.put(_END)
        thread.join()
