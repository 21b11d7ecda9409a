"""Time the chair's ranking page in-process on the seeded scale database (seed_scale.py).

A Flask test client logged in as a seeded chair requests the page: cold (empty caches, no
intervals yet), warm, as a second chair (same conflicts: shares the cache), another page and
sort, another method; then the background interval job runs here, in-process, and the page is
timed again with the intervals filled in. Prints one line per request with the wall time and
the server-side split (data version, frames, ranking).

    .venv/bin/python benchmarks/ranking_page_bench.py [URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale"
SLUG = "scale-bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=5, help="warm requests to time")
    args = parser.parse_args()
    os.environ.setdefault("REVIEWAPP_INSTANCE_PATH", "/tmp/reviewapp-bench-instance")
    from reviewapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "bench-only",
                      "JOBS_IMMEDIATE": False, "REDIS_URL": None})  # fmt: skip
    from reviewapp.auth.models import User
    from reviewapp.extensions import db
    from reviewapp.positions.operations import get_position
    from reviewapp.ranking import frames, intervals, page
    from reviewapp.ranking.models import RankingInterval

    queued: list[int] = []
    intervals.enqueue = lambda app, interval_id: queued.append(interval_id)  # run below
    with app.app_context():
        position = get_position(SLUG)
        chairs = db.session.scalars(
            db.select(User).where(User.email.like("bench-chair-%")).order_by(User.email)
        ).all()[:2]
        db.session.execute(
            db.delete(RankingInterval).where(RankingInterval.position_id == position.id)
        )
        db.session.commit()
        sessions = [f"{u.id}:{u.session_token}" for u in chairs]
    page.cache.clear()
    intervals.merged_cache.clear()

    def get(who: int, query: str = "") -> float:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = sessions[who], True
        started = time.perf_counter()
        response = client.get(f"/p/{SLUG}/ranking{query}")
        elapsed = 1000 * (time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        return elapsed

    def line(label: str, ms: float | list[float]) -> None:
        if isinstance(ms, list):
            print(f"{label:<52} median {statistics.median(ms):7.0f} ms  max {max(ms):7.0f} ms")
        else:
            print(f"{label:<52} {ms:7.0f} ms")

    with app.app_context():
        position = get_position(SLUG)
        stage = position.default_stage
        started = time.perf_counter()
        frames.data_version(position, stage)
        line("frames.data_version", 1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        frames.load_frames(position, stage)
        line("frames.load_frames", 1000 * (time.perf_counter() - started))
        db.session.rollback()

    line("cold: chair 1, first view (no intervals yet)", get(0))
    line("warm: chair 1", [get(0) for _ in range(args.repeat)])
    line("chair 2 (same conflicts: shared cache)", [get(1) for _ in range(args.repeat)])
    line("chair 2, page 7 sorted by name", [get(1, "?page=7&sort=name") for _ in range(3)])
    line("cold: method=median", get(0, "?method=median"))
    for interval_id in list(dict.fromkeys(queued)):
        started = time.perf_counter()
        intervals.run_interval_job(app, interval_id)
        line(f"background job: intervals #{interval_id} (1,000 resamples)",
             1000 * (time.perf_counter() - started))  # fmt: skip
    line("chair 1 after the job (intervals parsed once)", get(0))
    line("warm with intervals: chair 1", [get(0) for _ in range(args.repeat)])
    line("warm with intervals: chair 2", [get(1) for _ in range(args.repeat)])


if __name__ == "__main__":
    main()
