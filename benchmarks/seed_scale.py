"""Build a committee-scale position on PostgreSQL for the load benchmark; prints what it made.

    .venv/bin/python benchmarks/seed_scale.py [URL] [--reset]

URL (or BENCH_DATABASE_URL) defaults to postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale.
It runs the migrations, then builds the position `scale-bench`: 20,000 candidates with synthetic
CVs (a plain-text document and a parsed profile each), 300 reviewers and 3 chairs who all log in
with one printed password, an 8-criterion rubric, 3 submitted reviews per candidate (60,000
reviews, 480,000 scores), and a fourth, still open assignment for 30 candidates per reviewer
(a third of them with a draft), so every simulated reviewer has a "next candidate" to score.

Small objects (users, position, rubric) go through the app's operations; the bulk rows go in
with PostgreSQL COPY (30-90 s here, not hours through the ORM). The bulk rows have no audit
events: they are synthetic, not anybody's actions. Running it again leaves an existing position
alone and prints the logins; --reset deletes it (cascade) and builds it again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale"
SLUG = "scale-bench"
PASSWORD = "bench-scale-password"  # noqa: S105 (synthetic accounts on a benchmark database)
CRITERIA = [
    ("Research", 3),
    ("Publications", 2),
    ("Teaching", 2),
    ("Service", 1),
    ("Fit", 1),
    ("Leadership", 1),
    ("Outreach", 1),
    ("Letters", 2),
]
LEVELS = {"5": "Exceptional", "4": "Strong", "3": "Good", "2": "Weak", "1": "Poor"}
FIELDS = [
    "statistics",
    "machine learning",
    "ecology",
    "quantum physics",
    "bioinformatics",
    "economics",
    "materials science",
    "neuroscience",
    "climate modelling",
    "number theory",
]
DEGREES = ["PhD", "MSc", "BSc", "MA", "DPhil"]
TITLES = ["Postdoctoral Fellow", "Research Scientist", "Lecturer", "Assistant Professor"]
RECOMMENDATIONS = ["strong_no", "no", "yes", "strong_yes"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reset", action="store_true", help="delete the position and rebuild it")
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--chairs", type=int, default=3)
    parser.add_argument("--open-per-reviewer", type=int, default=30)
    parser.add_argument("--seed", type=int, default=6)
    return parser.parse_args()


def make_app(url: str):
    """The app on the benchmark database, its instance folder outside the checkout."""
    os.environ.setdefault("REVIEWAPP_INSTANCE_PATH", "/tmp/reviewapp-bench-instance")
    from reviewapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-seed-only"})


def ensure_user(email: str, name: str, password_hash: str):
    from reviewapp.auth import operations as accounts
    from reviewapp.extensions import db

    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email=email, display_name=name, actor=None)
    user.password_hash = password_hash  # one scrypt hash shared by every synthetic account
    user.is_active = True
    db.session.flush()
    return user


def build_small(args, fake) -> dict:
    """Position, accounts, memberships and rubric through the app's own operations."""
    from werkzeug.security import generate_password_hash

    from reviewapp.auth.models import PASSWORD_METHOD
    from reviewapp.extensions import db
    from reviewapp.positions import operations as positions
    from reviewapp.rubrics.operations import create_rubric_version

    password_hash = generate_password_hash(PASSWORD, method=PASSWORD_METHOD)
    position = positions.create_position(
        slug=SLUG, title="Scale benchmark: Assistant Professor (20,000 applicants)", actor=None
    )
    chairs = [
        ensure_user(f"bench-chair-{i:03d}@bench.example", fake.name(), password_hash)
        for i in range(args.chairs)
    ]
    reviewers = [
        ensure_user(f"bench-reviewer-{i:03d}@bench.example", fake.name(), password_hash)
        for i in range(args.reviewers)
    ]
    for user in chairs:
        positions.add_member(position, user, "chair", actor=None)
    for user in reviewers:
        positions.add_member(position, user, "reviewer", actor=None)
    criteria = [
        {"name": name, "weight": weight, "min": 1, "max": 5, "levels": LEVELS}
        for name, weight in CRITERIA
    ]
    rubric = create_rubric_version(position, criteria, actor=None)
    db.session.commit()
    return {
        "position_id": position.id,
        "stage_id": position.default_stage.id,
        "rubric_id": rubric.id,
        "criterion_ids": [c.id for c in rubric.criteria],
        "reviewer_ids": [u.id for u in reviewers],
        "chair_emails": [u.email for u in chairs],
    }


def cv_text(fake, rng: random.Random, name: str, email: str, phone: str) -> tuple[str, dict]:
    field = rng.choice(FIELDS)
    institution = f"University of {fake.city()}"
    phd_year = rng.randint(2005, 2022)
    title = rng.choice(TITLES)
    education = [
        {"degree": "PhD", "institution": institution, "end": str(phd_year)},
        {
            "degree": rng.choice(DEGREES[1:]),
            "institution": f"{fake.city()} Institute of Technology",
            "end": str(phd_year - rng.randint(3, 6)),
        },
    ]
    n_pubs = rng.randint(2, 40)
    pubs = [
        f"{name}, {fake.last_name()}. {fake.sentence(nb_words=8)} J. {field.title()} "
        f"{rng.randint(1, 60)} ({rng.randint(phd_year - 4, 2026)})."
        for _ in range(min(n_pubs, 8))
    ]
    lines = [
        name,
        f"{email} · {phone}",
        "",
        "Current position",
        f"{title}, {institution}, {rng.randint(phd_year, 2026)}–present",
        "",
        "Education",
        *(f"{e['degree']} in {field.title()}, {e['institution']}, {e['end']}" for e in education),
        "",
        "Research interests",
        fake.paragraph(nb_sentences=4),
        "",
        "Publications",
        *pubs,
        "",
        "Teaching",
        fake.paragraph(nb_sentences=3),
    ]
    profile = {
        "name": name,
        "emails": [email],
        "phone": phone,
        "current_position": {"title": title, "institution": institution},
        "education": education,
        "publications": {"count": n_pubs, "items": [{"text": p} for p in pubs]},
        "awards": [f"{fake.last_name()} Prize {rng.randint(2010, 2025)}"]
        if rng.random() < 0.2
        else [],
        "links": {},
        "research_field": field,
    }
    return "\n".join(lines), profile


def next_ids(cur, tables: list[str]) -> dict[str, int]:
    out = {}
    for table in tables:
        cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608 (fixed names)
        out[table] = cur.fetchone()[0]
    return out


def reset_sequences(cur, tables: list[str]) -> None:
    for table in tables:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def build_bulk(args, small: dict, fake, rng: random.Random, cur) -> dict:
    """Candidates, documents, assignments, reviews and scores with COPY."""
    tables = ["candidates", "documents", "assignments", "reviews", "scores"]
    ids = next_ids(cur, tables)
    now = datetime.now(UTC)
    pos, stage, rubric = small["position_id"], small["stage_id"], small["rubric_id"]
    reviewer_ids, criterion_ids = small["reviewer_ids"], small["criterion_ids"]
    n_rev = len(reviewer_ids)
    quality, bias = [], [rng.gauss(0, 0.4) for _ in reviewer_ids]
    index_of = {rid: k for k, rid in enumerate(reviewer_ids)}
    cand_ids, docs = [], []
    with cur.copy(
        "COPY candidates (id, position_id, name, name_as_written, emails, phone, links, "
        "profile, edits, attributes, created_at, updated_at) FROM STDIN"
    ) as cands:
        for i in range(args.candidates):
            name = fake.name()
            local = "".join(
                ch for ch in name.lower().replace(" ", ".") if ch.isalnum() or ch == "."
            )
            email = f"{local}.{i}@example.org"
            phone = f"+44 20 7946 {i % 10000:04d}"
            text, profile = cv_text(fake, rng, name, email, phone)
            cid = ids["candidates"] + i
            cand_ids.append(cid)
            quality.append(rng.gauss(3.0, 0.8))
            cands.write_row(
                (cid, pos, name, name, json.dumps([email]), phone, "{}", json.dumps(profile))
                + ("{}", "{}", now, now)
            )
            docs.append((cid, text))
    with cur.copy(
        "COPY documents (id, position_id, candidate_id, sha256, media_type, original_name, "
        "size_bytes, content, text, extraction_status, extraction_error, created_at) FROM STDIN"
    ) as copy:
        for j, (cid, text) in enumerate(docs):
            data = text.encode()
            sha = hashlib.sha256(data).hexdigest()
            copy.write_row(
                (ids["documents"] + j, pos, cid, sha, "text/plain", f"cv-{cid}.txt", len(data))
                + (data, text, "ok", "", now)
            )
    # Assignments: candidate i is reviewed by reviewers i, i+100, i+200 (mod 300), submitted;
    # the first open_per_reviewer * reviewers candidates get a fourth, open assignment (i+50).
    step = max(1, n_rev // 3)
    assignments, aid = [], ids["assignments"]
    for i, cid in enumerate(cand_ids):
        for k in range(3):
            assignments.append((aid, cid, reviewer_ids[(i + k * step) % n_rev], i, "submitted"))
            aid += 1
        if i < args.open_per_reviewer * n_rev:
            state = "draft" if (i // n_rev) % 3 == 0 else "open"
            assignments.append((aid, cid, reviewer_ids[(i + step // 2) % n_rev], i, state))
            aid += 1
    counts = {"submitted": 0, "draft": 0, "open": 0, "scores": 0}
    with cur.copy(
        "COPY assignments (id, position_id, stage_id, candidate_id, reviewer_id, created_at, "
        "decline_reason) FROM STDIN"
    ) as copy:
        for a_id, cid, rid, _i, _state in assignments:
            copy.write_row((a_id, pos, stage, cid, rid, now - timedelta(days=20), ""))
    review_rows, score_rows = [], []
    rid_next, sid_next = ids["reviews"], ids["scores"]
    for a_id, _cid, reviewer, i, state in assignments:
        counts[state] += 1
        if state == "open":
            continue
        b = bias[index_of[reviewer]]
        values = [min(5, max(1, round(quality[i] + b + rng.gauss(0, 0.7)))) for _ in criterion_ids]
        if state == "draft":
            values = values[:4]
        submitted = state == "submitted"
        mean = sum(values) / len(values)
        recommendation = RECOMMENDATIONS[min(3, max(0, int(mean) - 1))] if submitted else None
        when = now - timedelta(days=rng.randint(1, 19), minutes=rng.randint(0, 1440))
        review_rows.append(
            (
                rid_next,
                a_id,
                rubric,
                state,
                recommendation,
                rng.randint(1, 3) if submitted else None,
            )
            + (fake.sentence(nb_words=12) if submitted else "", "", 1, when, when)
            + (when if submitted else None,)
        )
        for criterion, value in zip(criterion_ids, values, strict=False):
            score_rows.append((sid_next, rid_next, criterion, value))
            sid_next += 1
        rid_next += 1
    with cur.copy(
        "COPY reviews (id, assignment_id, rubric_id, status, recommendation, confidence, comment, "
        "private_note, version, created_at, updated_at, submitted_at) FROM STDIN"
    ) as copy:
        for row in review_rows:
            copy.write_row(row)
    with cur.copy("COPY scores (id, review_id, criterion_id, value) FROM STDIN") as copy:
        for row in score_rows:
            copy.write_row(row)
    counts["scores"] = len(score_rows)
    reset_sequences(cur, tables)
    return counts


def delete_position(db) -> bool:
    from reviewapp.assignments.models import Assignment
    from reviewapp.positions.models import Position

    position = db.session.scalar(db.select(Position).filter_by(slug=SLUG))
    if position is None:
        return False
    # The database cascades (ondelete) do the work; the ORM would load 600,000 rows first.
    # Assignments go first: reviews RESTRICT the deletion of the rubric they were made on.
    db.session.execute(db.delete(Assignment).where(Assignment.position_id == position.id))
    db.session.execute(db.delete(Position).where(Position.id == position.id))
    db.session.commit()
    return True


def summary(db) -> dict:
    from reviewapp.assignments.models import Assignment
    from reviewapp.candidates.models import Candidate
    from reviewapp.positions.models import Membership, Position
    from reviewapp.reviews.models import Review, Score

    position = db.session.scalar(db.select(Position).filter_by(slug=SLUG))
    pid = position.id
    count = db.func.count

    def scalar(stmt):
        return db.session.scalar(stmt)

    reviews = db.select(Review).join(Assignment).where(Assignment.position_id == pid)
    return {
        "candidates": scalar(db.select(count(Candidate.id)).filter_by(position_id=pid)),
        "reviewers": scalar(
            db.select(count(Membership.id)).filter_by(position_id=pid, role="reviewer")
        ),
        "assignments": scalar(db.select(count(Assignment.id)).filter_by(position_id=pid)),
        "submitted reviews": scalar(
            db.select(count()).select_from(reviews.where(Review.status == "submitted").subquery())
        ),
        "draft reviews": scalar(
            db.select(count()).select_from(reviews.where(Review.status == "draft").subquery())
        ),
        "scores": scalar(
            db.select(count(Score.id))
            .join(Review)
            .join(Assignment)
            .where(Assignment.position_id == pid)
        ),
    }


def main() -> None:
    args = parse_args()
    from faker import Faker
    from flask_migrate import upgrade

    from reviewapp.extensions import db

    app = make_app(args.url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        from reviewapp.positions.operations import get_position

        if args.reset and delete_position(db):
            print(f"deleted the old {SLUG!r} position")
        if get_position(SLUG) is None:
            fake, rng = Faker(), random.Random(args.seed)
            Faker.seed(args.seed)
            small = build_small(args, fake)
            raw = db.engine.raw_connection()
            try:
                with raw.cursor() as cur:
                    build_bulk(args, small, fake, rng, cur)
                    cur.execute("ANALYZE")
                raw.commit()
            finally:
                raw.close()
            print(f"built {SLUG!r} in {time.perf_counter() - started:.0f} s")
        else:
            print(f"{SLUG!r} exists (use --reset to rebuild)")
        for key, value in summary(db).items():
            print(f"  {key:18s} {value:>9,}")
    print(
        f"logins: bench-chair-000@bench.example … bench-chair-{args.chairs - 1:03d}, "
        f"bench-reviewer-000@bench.example … bench-reviewer-{args.reviewers - 1:03d}"
    )
    print(f"password for all of them: {PASSWORD}")


if __name__ == "__main__":
    main()
