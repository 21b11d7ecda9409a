"""The reviewer's hot path, one request at a time, in process: SQL statements and milliseconds.

    .venv/bin/python benchmarks/profile_scoring.py [URL] [--repeat 20] [--reviewer N] [--cprofile]

URL (or BENCH_DATABASE_URL) defaults to the scale database of seed_scale.py. Requests go through
`app.test_client()` with the reviewer's session set directly (no scrypt login), so the figures
are the application's own cost: Flask, SQLAlchemy, Jinja and the database round trips, without
gunicorn or the network. For each of the four requests of the scoring loop it prints the
statements per request and the median and p95 wall and CPU milliseconds over --repeat runs:

- the scoring page (GET) of one of the reviewer's open assignments;
- the JSON autosave of that assignment (8 scores; the draft is really saved);
- the submit (POST of the form) of another open assignment, one per run (really submitted);
- My reviews.

The reviewer (default bench-reviewer-299, whom load_bench.py's 200 reviewers leave alone) must
have open assignments; every run submits --repeat of them. --cprofile prints the top functions
of one more request of each kind.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale"
SLUG = "scale-bench"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d*)"')
CRITERION = re.compile(r'<select[^>]*name="(criterion_\d+)"')
OPEN_ROW = re.compile(
    r"/reviews/(\d+)\">[^<]*</a></td>\s*<td><span class=\"badge[^\"]*\">(not started|draft)<"
)


@contextmanager
def counting(engine, sink: list):
    from sqlalchemy import event

    def count(conn, cursor, statement, parameters, context, executemany):
        sink.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sink
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(engine, call, repeat: int) -> dict:
    walls, cpus, counts = [], [], []
    for i in range(repeat):
        statements: list[str] = []
        with counting(engine, statements):
            w0, c0 = time.perf_counter(), time.process_time()
            call(i)
            cpus.append((time.process_time() - c0) * 1000)
            walls.append((time.perf_counter() - w0) * 1000)
        counts.append(len(statements))
    walls.sort()
    cpus.sort()
    return {
        "statements": f"{min(counts)}-{max(counts)}" if min(counts) != max(counts) else counts[0],
        "wall p50": statistics.median(walls),
        "wall p95": walls[max(0, int(round(0.95 * len(walls))) - 1)],
        "cpu p50": statistics.median(cpus),
        "cpu p95": cpus[max(0, int(round(0.95 * len(cpus))) - 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reviewer", type=int, default=299)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the statements of each request")
    args = parser.parse_args()

    os.environ.setdefault("REVIEWAPP_LOG_LEVEL", "WARNING")
    from reviewapp import create_app
    from reviewapp.auth import operations as accounts
    from reviewapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "profile-scoring",
                      "WTF_CSRF_ENABLED": True, "TESTING": False})  # fmt: skip
    with app.app_context():
        user = accounts.find_user(f"bench-reviewer-{args.reviewer:03d}@bench.example")
        if user is None:
            sys.exit("no such reviewer: run benchmarks/seed_scale.py first")
        session_id = user.get_id()
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True

    def open_ids() -> list[int]:
        body = client.get(f"/p/{SLUG}/reviews/").get_data(as_text=True)
        return [int(i) for i, _status in OPEN_ROW.findall(body)]

    ids = open_ids()
    if len(ids) < args.repeat + 2:
        sys.exit(f"the reviewer has {len(ids)} open assignments; need {args.repeat + 2}")
    page_id, submit_ids = ids[0], ids[1 : args.repeat + 2]
    page_url = f"/p/{SLUG}/reviews/{page_id}"
    state = {}

    def scoring_page(_i):
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code
        body = response.get_data(as_text=True)
        state["csrf"] = CSRF.search(body).group(1)
        state["version"] = VERSION.search(body).group(1)
        state["criteria"] = CRITERION.findall(body)

    def autosave(i):
        payload = {name: 1 + (i + n) % 5 for n, name in enumerate(state["criteria"])}
        payload.update(recommendation="yes", confidence=2, version=state["version"])
        response = client.post(
            page_url + "/autosave", json=payload, headers={"X-CSRFToken": state["csrf"]}
        )
        assert response.status_code == 200, (response.status_code, response.get_data())
        state["version"] = response.get_json()["version"]

    def submit(i):
        url = f"/p/{SLUG}/reviews/{submit_ids[i]}"
        form = {name: "3" for name in state["criteria"]}
        form.update(recommendation="yes", confidence="2", comment="", private_note="",
                    version=state["submit_version"][submit_ids[i]],
                    csrf_token=state["csrf"], submit_review="Submit review")  # fmt: skip
        response = client.post(url, data=form)
        assert response.status_code == 302, (response.status_code, response.get_data()[:2000])

    def mine(_i):
        response = client.get(f"/p/{SLUG}/reviews/")
        assert response.status_code == 200

    scoring_page(0)
    state["submit_version"] = {}
    for assignment_id in submit_ids:
        body = client.get(f"/p/{SLUG}/reviews/{assignment_id}").get_data(as_text=True)
        state["submit_version"][assignment_id] = VERSION.search(body).group(1)
    for _ in range(3):  # warm caches (templates, compiled SQL)
        scoring_page(0)
        mine(0)
    results = {
        "scoring page": measure(engine, scoring_page, args.repeat),
        "autosave": measure(engine, autosave, args.repeat),
        "submit": measure(engine, submit, args.repeat),
        "my reviews": measure(engine, mine, args.repeat),
    }
    print(f"{'request':<14}{'statements':>11}{'wall p50':>10}{'wall p95':>10}"
          f"{'cpu p50':>10}{'cpu p95':>10}   (ms, {args.repeat} runs)")  # fmt: skip
    for name, r in results.items():
        print(f"{name:<14}{r['statements']!s:>11}{r['wall p50']:>10.1f}{r['wall p95']:>10.1f}"
              f"{r['cpu p50']:>10.1f}{r['cpu p95']:>10.1f}")  # fmt: skip
    if args.sql:
        for name, call in (("scoring page", scoring_page), ("autosave", autosave),
                           ("my reviews", mine)):  # fmt: skip
            statements: list[str] = []
            with counting(engine, statements):
                call(0)
            print(f"\n== {name}: {len(statements)} statements ==")
            for statement in statements:
                print("  " + " ".join(statement.split())[:300])
    if args.cprofile:
        for name, call in (("scoring page", scoring_page), ("autosave", autosave),
                           ("my reviews", mine)):  # fmt: skip
            profile = cProfile.Profile()
            profile.enable()
            for i in range(5):
                call(i)
            profile.disable()
            print(f"\n== {name} (5 requests) ==")
            pstats.Stats(profile).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(35)


if __name__ == "__main__":
    main()
