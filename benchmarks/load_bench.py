"""Load benchmark: `reviewapp serve` (gunicorn, 2 workers) on the scale database, driven by locust.

    .venv/bin/python benchmarks/seed_scale.py            # once: the 20,000-candidate position
    .venv/bin/python benchmarks/load_bench.py [URL] [--duration 30]

URL (or BENCH_DATABASE_URL) defaults to postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale.
Needs locust (`pip install -e '.[bench]'`). The script starts the server itself (with
REVIEWAPP_BENCH_HELLO=true, which adds the trivial GET /bench/hello), logs in 200 reviewers and 3
chairs, and then runs four measured phases with the same logged-in users:

1. hello capacity: every reviewer requests /bench/hello with no pause (the in-run baseline);
2. reviewer capacity: every reviewer runs the scoring loop with no pause: open the candidate's
   scoring page, autosave the scores (JSON), submit the review, go on to the next candidate;
3. committee: the reviewers run the same loop with a 5–15 s pause between requests (--think),
   the chairs load ranking pages (several methods and pages) and request the CSV and XLSX
   decision packs (at 20,000 candidates these are queued for `reviewapp worker`, which this
   script does not start: the request is measured, not the file), and one user polls
   /bench/hello; this phase gives the latencies;
4. ranking alone: only the chairs, loading ranking pages while nobody saves (the ranking cache
   stays valid, so after each chair's first, cold, computation the pages come from it).

`--reviewers N`, `--chairs N` (0 leaves the ranking out), `--think MIN MAX` and `--duration S`
change the scenario. It prints requests/s, p50/p95/p99 and errors per page for each phase, the
capacity ratio of the scoring loop to hello, the targets, and the CPU used by the client and by
the server (and the server's CPU milliseconds per request), so a saturated client is visible.
It asserts nothing. Scores are really saved: run seed_scale.py
--reset to start again from the seeded state (the loop also works once every review is submitted:
it then edits submitted reviews).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import gevent
import psutil
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale"
SLUG = "scale-bench"
PASSWORD = "bench-scale-password"  # noqa: S105 (seed_scale.py's synthetic accounts)
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "scoring page": 100,
    "autosave": 100,
    "submit": 100,
    "ranking page": 500,
}

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d*)"')
CRITERION = re.compile(r'<select[^>]*name="(criterion_\d+)"')
NEXT = re.compile(r'href="/p/' + SLUG + r'/reviews/(\d+)">Next candidate')
MINE_ROW = re.compile(
    r"/reviews/(\d+)\">[^<]*</a></td>\s*<td><span class=\"badge[^\"]*\">([a-z ]+)<"
)


class State:
    """What the users read between phases (locust users share the process)."""

    mode = "login"
    think = (5.0, 15.0)
    logged_in = 0
    reviewer_index = 0
    chair_index = 0


def think_time(user) -> float:
    return random.uniform(*State.think) if State.mode == "committee" else 0.0


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


def page_text(response) -> str:
    """The body of a 200 answer; "" for anything else (a timed-out answer has no body)."""
    return (response.text or "") if response.status_code == 200 else ""


def login(user, email: str) -> None:
    page = user.client.get("/login", name="login page")
    with user.client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        name="login",
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"login of {email} gave {response.status_code}")
            raise RuntimeError(f"login of {email} failed")


class Reviewer(FastHttpUser):
    """One reviewer: logs in once, then follows State.mode."""

    weight = 200
    wait_time = think_time

    def on_start(self) -> None:
        self.number = State.reviewer_index
        State.reviewer_index += 1
        login(self, f"bench-reviewer-{self.number:03d}@bench.example")
        page = self.client.get(f"/p/{SLUG}/reviews/", name="my reviews").text
        rows = MINE_ROW.findall(page)
        self.all_ids = [int(i) for i, _ in rows]
        open_ids = [int(i) for i, status in rows if status in ("not started", "draft")]
        self.current = open_ids[0] if open_ids else random.choice(self.all_ids)
        State.logged_in += 1

    @task
    def step(self) -> None:
        if State.mode == "hello":
            self.client.get("/bench/hello", name="hello")
        elif State.mode in ("capacity", "committee"):
            self.score_one()
        else:
            gevent.sleep(0.2)

    def score_one(self) -> None:
        base = f"/p/{SLUG}/reviews/{self.current}"
        with self.client.get(base, name="scoring page", catch_response=True) as response:
            html = page_text(response)
            fields = CRITERION.findall(html)
            version = VERSION.search(html)
            if response.status_code != 200 or not fields or not version:
                response.failure(f"scoring page {response.status_code} without the form")
                return
        token = csrf_token(html)
        following = NEXT.search(html)
        scores = {name: str(random.randint(1, 5)) for name in fields}
        extra = {"recommendation": random.choice(["no", "yes", "strong_yes"]), "confidence": "2"}
        with self.client.post(
            f"{base}/autosave",
            json={**scores, **extra, "version": version.group(1)},
            headers={"X-CSRFToken": token},
            name="autosave",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"autosave {response.status_code}: {response.text[:200]}")
                return
            new_version = response.json()["version"]
        form = {**scores, **extra, "version": str(new_version), "csrf_token": token}
        with self.client.post(
            base,
            data={**form, "comment": "Benchmark review.", "submit_review": "Submit review"},
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"submit {response.status_code}")
        self.current = int(following.group(1)) if following else random.choice(self.all_ids)


class Chair(FastHttpUser):
    """A chair: ranking pages (methods, pages, sorts) and now and then a decision pack."""

    fixed_count = 3
    wait_time = constant(0)
    # A ranking recomputed under load can take tens of seconds; that is measured, not an error.
    network_timeout = 300.0
    connection_timeout = 300.0

    def on_start(self) -> None:
        self.number = State.chair_index
        State.chair_index += 1
        login(self, f"bench-chair-{self.number:03d}@bench.example")
        self.loads = 0
        State.logged_in += 1

    @task
    def step(self) -> None:
        if State.mode not in ("committee", "ranking"):
            gevent.sleep(0.2)
            return
        method = random.choice(["mean", "mean", "median", "adjusted"])
        page = random.randint(1, 20)
        with self.client.get(
            f"/p/{SLUG}/ranking?method={method}&page={page}",
            name="ranking page",
            catch_response=True,
        ) as response:
            html = page_text(response)
            if "<table" not in html:
                response.failure(f"ranking page {response.status_code}")
                return
            token = csrf_token(html)
        self.loads += 1
        if State.mode == "ranking":
            return
        if self.loads % 6 == 0:
            fmt = "xlsx" if self.loads % 12 == 0 else "csv"
            # Above the inline limit the export is queued for `reviewapp worker` (not started
            # here): the request answers 302 to the job's page; a small one sends the file.
            with self.client.post(
                f"/p/{SLUG}/ranking/export",
                data={"method": "mean", "format": fmt, "csrf_token": token},
                name=f"export {fmt}",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                queued = response.status_code == 302 and "/exports/" in (
                    response.headers.get("Location") or ""
                )
                sent = response.status_code == 200 and len(response.content or b"") > 1000
                if not (queued or sent):
                    response.failure(f"export {response.status_code}")
        gevent.sleep(random.uniform(2.0, 5.0))


class HelloProbe(FastHttpUser):
    """Polls the trivial endpoint during the committee phase: the server's idle-path latency."""

    fixed_count = 1
    wait_time = constant(0.25)

    @task
    def step(self) -> None:
        if State.mode == "committee":
            self.client.get("/bench/hello", name="hello (probe)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, log_path: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "REVIEWAPP_DATABASE_URL": url,
        "REVIEWAPP_INSTANCE_PATH": "/tmp/reviewapp-bench-instance",
        "REVIEWAPP_SECRET_KEY": "load-bench-secret-key",
        "REVIEWAPP_BENCH_HELLO": "true",
    }
    exe = str(Path(sys.executable).with_name("reviewapp"))
    with open(log_path, "w") as log:
        server = subprocess.Popen(  # noqa: S603
            [exe, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server exited; see {log_path}") from None
            time.sleep(0.3)
    raise SystemExit(f"the server did not start in 60 s; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group; SIGKILL if it is not gone in 15 s."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


def cpu_seconds_of_tree(process: psutil.Process) -> float:
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_phase(env, mode: str, seconds: float, server: psutil.Process) -> dict:
    env.stats.reset_all()
    State.mode = mode
    gevent.sleep(1.0)  # let requests of the previous mode drain out of the figures
    env.stats.reset_all()
    cpu0, srv0, wall0 = client_cpu(), cpu_seconds_of_tree(server), time.monotonic()
    gevent.sleep(seconds)
    wall = time.monotonic() - wall0
    rows = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if entry.num_requests == 0:
            continue
        rows[name] = {
            "requests": entry.num_requests,
            "rps": entry.num_requests / wall,
            "p50": entry.get_response_time_percentile(0.50),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
            "errors": entry.num_failures,
        }
    errors = {f"{e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()}
    return {
        "mode": mode,
        "wall": wall,
        "rows": rows,
        "errors": errors,
        "client_cpu": (client_cpu() - cpu0) / wall,
        "server_cpu": (cpu_seconds_of_tree(server) - srv0) / wall,
    }


def print_phase(title: str, result: dict) -> None:
    print(f"\n== {title} ({result['wall']:.0f} s) ==")
    print(
        f"{'page':16s} {'requests':>9s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} "
        f"{'p99 ms':>8s} {'errors':>7s}"
    )
    for name, row in result["rows"].items():
        print(
            f"{name:16s} {row['requests']:9d} {row['rps']:8.1f} {row['p50']:8.0f} "
            f"{row['p95']:8.0f} {row['p99']:8.0f} {row['errors']:7d}"
        )
    requests = sum(row["requests"] for row in result["rows"].values())
    per_request = result["server_cpu"] * result["wall"] * 1000 / requests if requests else 0.0
    result["server_ms_per_request"] = per_request
    print(
        f"CPU use (cores): client {result['client_cpu']:.2f}, server (gunicorn) "
        f"{result['server_cpu']:.2f} = {per_request:.1f} ms of server CPU per request  "
        f"[machine: {os.cpu_count()} cores, shared]"
    )
    for error, count in result["errors"].items():
        print(f"  error ×{count}: {error[:300]}")


def summarise(hello: dict, capacity: dict, committee: dict, ranking: dict) -> None:
    hello_rps = hello["rows"].get("hello", {}).get("rps", 0.0)
    loop = capacity["rows"]
    loop_names = ("scoring page", "autosave", "submit")
    loop_rps = sum(loop.get(n, {}).get("rps", 0.0) for n in loop_names)
    print("\n== against the targets ==")
    ratio = loop_rps / hello_rps if hello_rps else 0.0
    print(
        f"scoring loop capacity {loop_rps:.1f} req/s vs hello {hello_rps:.1f} req/s: "
        f"{ratio:.0%} (target ≥ 40%) {'OK' if ratio >= 0.4 else 'MISSED'}"
    )
    hello_ms, loop_ms = hello.get("server_ms_per_request"), capacity.get("server_ms_per_request")
    if hello_ms and loop_ms:
        print(
            f"server CPU per request: hello {hello_ms:.1f} ms, scoring loop {loop_ms:.1f} ms: "
            f"{hello_ms / loop_ms:.0%} (the same ratio, free of the other load on the machine; "
            "PostgreSQL's own CPU not included)"
        )
    for name in loop_names:
        if name in loop and hello_rps:
            print(
                f"  {name:14s} {loop[name]['rps']:7.1f} req/s = {loop[name]['rps'] / hello_rps:.1%}"
            )
    for name, limit in TARGETS.items():
        if name == "ranking page" and not Chair.fixed_count:
            print(f"{name:16s} left out (--chairs 0)")
            continue
        for phase in (committee, ranking) if name == "ranking page" else (committee,):
            row = phase["rows"].get(name)
            where = f"[{phase['mode']}]"
            if row is None:
                print(f"{name:16s} {where:12s} no request finished in the phase")
                continue
            verdict = "OK" if row["p95"] < limit else "MISSED"
            print(
                f"{name:16s} {where:12s} p95 {row['p95']:6.0f} ms (target < {limit} ms) {verdict}"
            )
    phases = (hello, capacity, committee, ranking)
    errors = sum(row["errors"] for p in phases for row in p["rows"].values())
    print(f"errors in all phases: {errors} (target 0) {'OK' if errors == 0 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--duration", type=float, default=30, help="seconds per measured phase")
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--chairs", type=int, default=3, help="0 leaves the ranking out")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=State.think,
        metavar=("MIN", "MAX"),
        help="seconds a reviewer pauses between requests in the committee phase",
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--server-log", default="/tmp/reviewapp-load-bench-server.log")
    args = parser.parse_args()

    State.think = tuple(args.think)
    Chair.fixed_count = args.chairs
    port = args.port or free_port()
    server = start_server(args.url, port, args.server_log)
    try:
        env = Environment(
            user_classes=[Reviewer, Chair, HelloProbe] if args.chairs else [Reviewer, HelloProbe],
            host=f"http://127.0.0.1:{port}",
            events=events,
        )
        runner = env.create_local_runner()
        users = args.reviewers + Chair.fixed_count + HelloProbe.fixed_count
        started = time.monotonic()
        runner.start(users, spawn_rate=20)
        logins = args.reviewers + Chair.fixed_count
        while State.logged_in < logins and time.monotonic() - started < 300:
            gevent.sleep(0.5)
        print(
            f"server on port {port}: {State.logged_in} users logged in "
            f"in {time.monotonic() - started:.0f} s (scrypt hashes; not measured)"
        )
        if State.logged_in < logins:
            raise SystemExit("not every user could log in; see the server log")
        gevent.sleep(2.0)
        tree = psutil.Process(server.pid)
        hello = run_phase(env, "hello", args.duration, tree)
        print_phase(f"1. hello capacity: {args.reviewers} users, no pause", hello)
        capacity = run_phase(env, "capacity", args.duration, tree)
        print_phase(f"2. scoring loop capacity: {args.reviewers} reviewers, no pause", capacity)
        committee = run_phase(env, "committee", args.duration * 2, tree)
        low, high = State.think
        print_phase(
            f"3. committee: {args.reviewers} reviewers pausing {low:g}-{high:g} s, "
            f"{Chair.fixed_count} chairs, 1 hello probe",
            committee,
        )
        ranking = {"mode": "ranking", "rows": {}}
        if args.chairs:
            ranking = run_phase(env, "ranking", args.duration * 2, tree)
            print_phase(f"4. ranking alone: {args.chairs} chairs, no saves meanwhile", ranking)
        summarise(hello, capacity, committee, ranking)
        State.mode = "stop"
        runner.quit()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
