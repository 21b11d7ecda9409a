"""`reviewapp demo`: a demo position with fictional CVs, a rubric, a committee and reviews.

Idempotent: running it again adds only what is missing and prints the same logins (the
generated passwords are kept in the instance folder, mode 0600).
"""

import json
import os
import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from reviewapp.assignments import operations as assignments
from reviewapp.auth import operations as accounts
from reviewapp.positions import operations as positions
from reviewapp.reviews.models import Recommendation
from reviewapp.reviews.operations import ReviewInput, save_review
from reviewapp.rubrics import operations as rubrics
from reviewapp.rubrics.templates import TEMPLATES

CVS = Path(__file__).parent / "cvs"
SLUG = "demo-faculty"
TITLE = "Demo: Assistant Professor in Data Science"
ACCOUNTS = [
    # email, name, role, institution, expertise
    ("chair@demo.example", "Morgan Avery", "chair", "Demo University", ""),
    (
        "elena@demo.example",
        "Elena Petrova",
        "reviewer",
        "Demo University",
        "statistics, functional data, machine learning, probabilistic inference, ecology",
    ),
    (
        "samuel@demo.example",
        "Samuel Osei",
        "reviewer",
        "Demo University",
        "civil engineering, development economics, infrastructure, public health",
    ),
    (
        "hannah@demo.example",
        "Hannah Keller",
        "reviewer",
        "Demo University",
        "quantum physics, bioinformatics, graph neural networks, verification",
    ),
]


@dataclass
class DemoResult:
    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    new_candidates: int = 0
    candidates: int = 0
    reviews: int = 0

    def describe(self, url: str) -> str:
        lines = [
            f"Demo position {SLUG!r}: {self.candidates} candidates "
            f"({self.new_candidates} new), {self.reviews} reviews.",
            f"Open {url} and log in with one of these demo accounts:",
        ]
        lines += [
            f"  {role:<9} {email:<24} password: {password}"
            for email, password, role in self.credentials
        ]
        return "\n".join(lines)


def _passwords() -> dict[str, str]:
    path = Path(current_app.instance_path) / "demo-credentials.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for email, *_ in ACCOUNTS:
        if email not in known:
            known[email] = secrets.token_urlsafe(9)
            changed = True
    if changed:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(known, fh, indent=2)
    return known


def _ensure_accounts(position, result: DemoResult) -> dict[str, object]:
    passwords, users = _passwords(), {}
    for email, name, role, institution, expertise in ACCOUNTS:
        user = accounts.find_user(email)
        if user is None:
            user = accounts.create_user(
                email=email,
                display_name=name,
                institution=institution,
                expertise=expertise,
                password=passwords[email],
            )
        elif not user.check_password(passwords[email]):
            accounts.set_password(user, passwords[email], actor=None)
        positions.add_member(position, user, role, actor=None)
        users[email] = user
        result.credentials.append((email, passwords[email], role))
    return users


def _import_cvs(position, result: DemoResult) -> list:
    from reviewapp.importing.operations import import_files

    files = [(path.name, path.read_bytes()) for path in sorted(CVS.iterdir())]
    # The demo CVs are our own files: extract in-process (workers=0), no isolation needed.
    batch = import_files(position, files, actor=None, workers=0)
    result.new_candidates += batch.new
    from reviewapp.candidates.models import Candidate
    from reviewapp.extensions import db

    return list(
        db.session.scalars(
            db.select(Candidate).filter_by(position_id=position.id).order_by(Candidate.id)
        )
    )


def _review(assignment, rubric, rng: random.Random, quality: float, *, submit: bool) -> None:
    scores = {}
    for criterion in rubric.criteria:
        span = criterion.scale_max - criterion.scale_min
        value = criterion.scale_min + quality * span + rng.gauss(0, 0.15 * span)
        scores[criterion.id] = max(criterion.scale_min, min(criterion.scale_max, round(value)))
    recommendation = list(Recommendation)[min(3, int(quality * 4 + rng.uniform(-0.4, 0.4)))]
    save_review(
        assignment,
        rubric,
        ReviewInput(
            scores=scores,
            recommendation=recommendation.value,
            confidence=rng.randint(1, 3),
            comment="Demo review: solid record; see the publications.",
            private_note="Demo note for the chair.",
        ),
        submit=submit,
        expected_version=None,
        actor=assignment.reviewer,
    )


def load_demo() -> DemoResult:
    result = DemoResult()
    position = positions.get_position(SLUG) or positions.create_position(
        slug=SLUG,
        title=TITLE,
        reviews_per_candidate=3,
        description="A fictional search with sample CVs in PDF, DOCX, HTML, Markdown and text.",
    )
    users = _ensure_accounts(position, result)
    rubric = rubrics.current_rubric(position) or rubrics.create_rubric_version(
        position, TEMPLATES["faculty"]["criteria"], actor=None
    )
    people = _import_cvs(position, result)
    reviewers = [users[email] for email, _, role, *_ in ACCOUNTS if role == "reviewer"]
    stage = position.default_stage
    for index, candidate in enumerate(people):
        rng = random.Random(candidate.name)
        quality = rng.uniform(0.2, 0.95)
        for number, reviewer in enumerate(reviewers):
            assignment = assignments.assign(candidate, reviewer, stage, actor=None)
            if assignment.review is None and not (number == 2 and index % 3 == 0):
                # the third reviewer has a few left to do; one of them is a draft
                _review(assignment, rubric, rng, quality, submit=not (number == 1 and index == 1))
            result.reviews += assignment.review is not None
    result.candidates = len(people)
    return result
