"""Factories for tests: build real objects through the operations, as the app would."""

from itertools import count

from reviewapp.auth import operations as accounts
from reviewapp.auth.models import User
from reviewapp.extensions import db
from reviewapp.positions import operations as positions
from reviewapp.positions.models import Position

PASSWORD = "correct horse battery staple"
_seq = count(1)


def create_user(
    email: str | None = None,
    *,
    name: str | None = None,
    password: str = PASSWORD,
    is_admin: bool = False,
    **kwargs,
) -> User:
    n = next(_seq)
    user = accounts.create_user(
        email=email or f"user{n}@example.org",
        display_name=name or f"User {n}",
        password=password,
        is_admin=is_admin,
        **kwargs,
    )
    db.session.commit()
    return user


def create_position(
    slug: str | None = None,
    *,
    title: str = "Assistant Professor",
    chair: User | None = None,
    reviewers: tuple[User, ...] = (),
    **kwargs,
) -> Position:
    position = positions.create_position(
        slug=slug or f"position-{next(_seq)}", title=title, **kwargs
    )
    if chair is not None:
        positions.add_member(position, chair, "chair", actor=None)
    for reviewer in reviewers:
        positions.add_member(position, reviewer, "reviewer", actor=None)
    db.session.commit()
    return position


def create_candidate(
    position: Position,
    name: str = "Ada Candidate",
    *,
    text: str = "",
    filename: str = "cv.txt",
    **kwargs,
):
    """A candidate with one text document (its CV text), as the importer would store it."""
    from reviewapp.candidates import operations as candidates

    candidate = candidates.create_candidate(position, name=name, **kwargs)
    body = (text or f"{name}\nCurriculum vitae").encode()
    candidates.add_document(
        candidate,
        data=body + f"\n{candidate.id}".encode(),
        filename=filename,
        media_type="text/plain",
        text=text or f"{name}\nCurriculum vitae",
        status="ok",
    )
    db.session.commit()
    return candidate


def create_rubric(position: Position, criteria: list[dict] | None = None):
    from reviewapp.rubrics.operations import create_rubric_version

    rubric = create_rubric_version(
        position,
        criteria
        or [
            {"name": "Research", "min": 1, "max": 5, "weight": 2, "levels": {"5": "Exceptional"}},
            {"name": "Teaching", "min": 1, "max": 5},
            {"name": "Letters", "min": 0, "max": 10, "required": False},
        ],
        actor=None,
    )
    db.session.commit()
    return rubric


def create_assignment(position: Position, candidate, reviewer):
    from reviewapp.assignments.operations import assign

    assignment = assign(candidate, reviewer, position.default_stage, actor=None)
    db.session.commit()
    return assignment


def create_ranked_committee(slug: str = "physics-2027") -> dict:
    """A small committee whose ranking is computed by hand in the ranking/export tests.

    Rubric: Research (weight 2, 1–5), Teaching (weight 1, 0–10). Reviewers Dana (R1), Olu (R2).
    T = 100·(2·(r−1)/4 + t/10)/3.  Ann: 100 and 66.667 → mean 83.333 (std 16.667);
    the formula-named candidate: 66.667 (one review; R2's draft does not count); Bo: 0 and 100
    → 50 (std 50, disagreement); Cy (the chair is conflicted): 23.333 and 30 → 26.667;
    Dee: no review.
    """
    from reviewapp.assignments.operations import assign
    from reviewapp.candidates.operations import create_candidate as new_candidate
    from reviewapp.conflicts.models import Conflict
    from reviewapp.reviews.operations import ReviewInput, save_review
    from reviewapp.rubrics.operations import create_rubric_version

    chair = create_user("chair@uni.example", name="Chair Person")
    dana = create_user("dana@uni.example", name="Dana Whitfield")
    olu = create_user("olu@uni.example", name="Olu Mensah")
    position = create_position(
        slug, title="Lecturer in Physics", chair=chair, reviewers=(dana, olu),
        reviews_per_candidate=2,
    )  # fmt: skip
    rubric = create_rubric_version(
        position,
        [
            {"name": "Research", "weight": 2, "min": 1, "max": 5, "description": "Record"},
            {"name": "Teaching", "weight": 1, "min": 0, "max": 10, "description": "Evidence"},
        ],
        actor=chair,
    )
    research, teaching = (c.id for c in rubric.criteria)
    names = ["Ann Ito", '=HYPERLINK("http://evil.example","x")', "Bo Berg", "Cy Chen", "Dee Dunn"]
    people = {
        name: new_candidate(position, name=name, emails=[f"c{i}@cand.example"])
        for i, name in enumerate(names)
    }
    rows = [  # candidate, reviewer, research, teaching, recommendation, submit, comment
        ("Ann Ito", dana, 5, 10, "strong_yes", True, "Excellent."),
        ("Ann Ito", olu, 4, 5, "yes", True, "Solid; I agree with Dana Whitfield."),
        (names[1], dana, 3, 10, "yes", True, "=1+2"),
        (names[1], olu, 1, 0, "no", False, "draft"),
        ("Bo Berg", dana, 1, 0, "no", True, "Weak fit, see olu@uni.example"),
        ("Bo Berg", olu, 5, 10, "strong_yes", True, "Outstanding"),
        ("Cy Chen", dana, 2, 2, "no", True, "Cy: average"),
        ("Cy Chen", olu, 2, 4, "no", True, "Cy: fine"),
    ]
    stage = position.default_stage
    for name, reviewer, r, t, recommendation, submit, comment in rows:
        assignment = assign(people[name], reviewer, stage, actor=None)
        save_review(
            assignment,
            rubric,
            ReviewInput(
                scores={research: r, teaching: t},
                recommendation=recommendation,
                confidence=2,
                comment=comment,
                private_note=f"private about {name}",
            ),
            submit=submit,
            expected_version=None,
            actor=reviewer,
        )
    assign(people["Dee Dunn"], dana, stage, actor=None)
    db.session.add(
        Conflict(
            position_id=position.id,
            reviewer_id=chair.id,
            candidate_id=people["Cy Chen"].id,
            source="chair",
            kind="supervisor",
        )
    )
    db.session.commit()
    return {
        "position": position,
        "chair": chair,
        "reviewers": (dana, olu),
        "candidates": people,
        "rubric": rubric,
        "formula_name": names[1],
    }
