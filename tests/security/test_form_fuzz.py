"""Form fuzzing: every POST rule of the URL map, as admin, chair and assigned reviewer, with
random and malformed values and a valid CSRF token → never a 500, and the database stays whole.

The routes come from the URL map, so a new form is fuzzed without editing this file. The field
names of each form are read from the app's own pages (every `name=` inside a <form> whose
action is that URL), plus names a client could invent (mass assignment). Values: huge strings,
unicode, NUL and control bytes, CR/LF, negative / huge / non-finite numbers, lists, repeated and
missing fields, random files, and random JSON for the JSON endpoints. A fixed seed and a bounded
number of examples keep it reproducible and well under a minute per database.
"""

import io
import json
import random
import re
from types import SimpleNamespace

import pytest

from reviewapp.auth.models import User
from reviewapp.conflicts.models import Conflict
from reviewapp.extensions import db
from reviewapp.importing.models import DuplicatePair
from reviewapp.positions.models import Membership
from reviewapp.reviews.models import Review, Score
from reviewapp.rubrics.models import Criterion
from tests import factories
from tests.conftest import AuthActions, IsolatedClient

pytestmark = pytest.mark.integration

SEED = 20261123
EXAMPLES = 5  # per route and role
# Run last, in this order: they take the victims, the stage or the fuzzing user's access away.
LAST = (
    "admin.deactivate_user",
    "positions.deactivate_member",
    "stages.close",
    "reviews.decline",
    "conflicts.declare",
    "auth.logout",
)
NEAR_VALID = ["", "1", "2", "3", "4", "5", "yes", "strong_no", "reviewer", "0"]
INVENTED = ["reviewer_id", "is_admin", "is_chair", "position_id", "status", "id", "user_id"]
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ACTION_RE = re.compile(r'action="([^"]*)"')
NAME_RE = re.compile(r'<(input|select|textarea)\b([^>]*?)\bname="([^"]+)"([^>]*)>', re.I)


@pytest.fixture
def world(app):
    """Three fuzzing users, and separate victims for the routes that deactivate or toggle."""
    admin = factories.create_user("admin@example.org", is_admin=True)
    chair = factories.create_user("chair@example.org")
    reviewer = factories.create_user("rev@example.org")
    victim = factories.create_user("victim@example.org", name="Vic Tim")
    position = factories.create_position("fuzz-2027", chair=chair, reviewers=(reviewer, victim))
    rubric = factories.create_rubric(position)
    ada = factories.create_candidate(position, "Ada Lovelace")
    bob = factories.create_candidate(position, "Bob Babbage")
    bob2 = factories.create_candidate(position, "Bob Babage")
    assignment = factories.create_assignment(position, ada, reviewer)
    factories.create_assignment(position, bob, victim)
    conflict = Conflict(
        position_id=position.id, reviewer_id=victim.id, candidate_id=ada.id,
        source="detected", status="pending", kind="coauthor",
    )  # fmt: skip
    low, high = sorted((bob.id, bob2.id))
    pair = DuplicatePair(position_id=position.id, candidate_a_id=low, candidate_b_id=high)
    db.session.add_all([conflict, pair])
    db.session.commit()
    member = db.session.scalar(db.select(Membership).filter_by(user_id=victim.id))
    values = {
        "slug": position.slug,
        "user_id": victim.id,
        "candidate_id": bob.id,
        "reviewer_id": victim.id,
        "assignment_id": assignment.id,
        "member_id": member.id,
        "conflict_id": conflict.id,
        "pair_id": pair.id,
        "action": "keep-apart",
        "decision": "dismiss",
        "token": "not-a-real-invitation-token",
        "stage_id": position.default_stage.id,
    }
    return SimpleNamespace(
        admin=admin, chair=chair, reviewer=reviewer, position=position, rubric=rubric,
        values=values, ada=ada,
    )  # fmt: skip


def build_path(rule, values: dict) -> str:
    """Fill the rule's variables from the world; unknown ones get a value that exists nowhere."""
    path = rule.rule
    for name, converter in rule._converters.items():
        value = values.get(name)
        if value is None:
            value = 999999 if type(converter).__name__ == "IntegerConverter" else "x"
        path = re.sub(r"<[^>]*\b" + re.escape(name) + ">", str(value), path)
    return path


def form_fields(pages: list[str]) -> tuple[dict[str, set], dict[str, set]]:
    """Field names and file-field names of every form on the pages, by form action."""
    fields: dict[str, set] = {}
    files: dict[str, set] = {}
    for page in pages:
        for attrs, body in FORM_RE.findall(page):
            action = ACTION_RE.search(attrs)
            key = (action.group(1) if action else "").split("?")[0].replace("&amp;", "&")
            for _tag, before, name, after in NAME_RE.findall(body):
                if name == "csrf_token":
                    continue
                target = files if 'type="file"' in before + after else fields
                target.setdefault(key, set()).add(name)
    return fields, files


def crawl(app, client, values) -> list[str]:
    """Every GET page a role can open (GET never changes state)."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "file" in rule.endpoint:
            continue
        response = client.get(build_path(rule, values))
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(response.get_data(as_text=True))
    return pages


class Values:
    """Random and malformed form values, from one seeded generator."""

    # fmt: off
    SPECIAL = [
        "", " ", "0", "-1", "1", "3", "4", "-99999999999999999999", "9" * 400, "1e309", "-1e309",
        "NaN", "nan", "inf", "-inf", "3.5", "0x10", " 2 ", "+5", "١٢", "true", "null", "[]",
        "<script>alert(1)</script>", "'; DROP TABLE users; --", "../../etc/passwd",
        "=HYPERLINK(\"http://evil\")", "line1\r\nX-Injected: yes", "a\x00b", "\x00", "\ud7ff",
        "x" * 100_000, "strong_yes", "reviewer", "chair", "admin", "closed", "after_own",
    ]
    # fmt: on

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def text(self) -> str:
        size = self.rng.choice([1, 5, 40, 2000])
        alphabet = [chr(self.rng.randrange(0x20, 0x2FFF)) for _ in range(20)] + list("\x01\n\t")
        return "".join(self.rng.choice(alphabet) for _ in range(size))

    def scalar(self) -> str:
        if self.rng.random() < 0.6:
            return self.rng.choice(self.SPECIAL)
        return self.text()

    def form(self, names: list[str]) -> dict:
        """Malformed values; one form in three holds only near-valid ones, to get past the
        validation into the operations."""
        data = {}
        near_valid = self.rng.random() < 0.35
        for name in names + INVENTED:
            roll = self.rng.random()
            if near_valid:
                data[name] = self.rng.choice(NEAR_VALID)
                continue
            if roll < 0.15:
                continue  # missing
            if roll < 0.3:
                data[name] = [self.scalar() for _ in range(self.rng.randint(2, 3))]  # repeated
            else:
                data[name] = self.scalar()
        return data

    def file(self) -> tuple[io.BytesIO, str]:
        body = self.rng.choice(
            [
                b"",
                bytes(self.rng.randrange(256) for _ in range(300)),
                b"%PDF-1.7\n" + b"\x00" * 50,
                b"PK\x03\x04" + b"\xff" * 40,
                "name,email\n=cmd,a@b\n".encode("utf-16"),
                b"criteria:\n  - {name: X, min: 5, max: 1}\n",
            ]
        )
        name = self.rng.choice(["cv.pdf", "a.zip", "../../x.csv", "r.yaml", "s.xlsx", "\x00.txt"])
        return io.BytesIO(body), name

    def json(self, names: list[str]):
        roll = self.rng.random()
        if roll < 0.15:
            return self.rng.choice([[], [1, 2], "text", 7, None, True, {"version": {"a": [1]}}])
        payload = {}
        near_valid = self.rng.random() < 0.35
        for name in names + INVENTED + ["version"]:
            if self.rng.random() < 0.2:
                continue
            if near_valid:
                payload[name] = self.rng.choice(NEAR_VALID)
                continue
            payload[name] = self.rng.choice(
                [
                    self.scalar(), -1, 10**30, 1e308, 3.5, True, None, [1, 2], {"x": 1},
                    float("nan"), [], "4",
                ]
            )  # fmt: skip
        return payload


def post_examples(client, csrf, path, fields, files, values: Values, endpoint) -> list:
    """Send EXAMPLES malformed posts to one path; return (endpoint, status, data) of each 500."""
    failures = []
    for _ in range(EXAMPLES):
        if endpoint.endswith("autosave"):
            body = values.json(sorted(fields))
            text = json.dumps(body, allow_nan=True)
            headers = {"X-CSRFToken": csrf, "Content-Type": "application/json"}
            kwargs = {"data": text, "headers": headers}
            sent = text[:200]
        else:
            data = values.form(sorted(fields))
            for name in files:
                data[name] = [values.file() for _ in range(values.rng.randint(0, 2))]
            data["csrf_token"] = csrf
            kwargs = {"data": data, "content_type": "multipart/form-data"}
            sent = {k: (v[:40] if isinstance(v, str) else "…") for k, v in data.items()}
        try:
            response = client.post(path, **kwargs)
        except Exception as error:  # a crash the error handlers did not catch
            failures.append((endpoint, type(error).__name__, sent))
            continue
        if response.status_code >= 500:
            failures.append((endpoint, response.status_code, sent))
        page = response.get_data(as_text=True)
        if "Traceback" in page:
            failures.append((endpoint, "traceback shown", sent))
    return failures


def consistency_problems(world) -> list[str]:
    """What must hold whatever was posted: scores on their scale, one review per assignment,
    an active chair, the fuzzing accounts intact."""
    db.session.expire_all()
    problems = []
    out_of_scale = db.session.scalars(
        db.select(Score)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where((Score.value < Criterion.scale_min) | (Score.value > Criterion.scale_max))
    ).all()
    if out_of_scale:
        problems.append(f"scores outside their scale: {out_of_scale}")
    reviews = db.session.scalars(db.select(Review)).all()
    if len({r.assignment_id for r in reviews}) != len(reviews):
        problems.append("two reviews for one assignment")
    if any(r.version < 1 or r.status not in ("draft", "submitted") for r in reviews):
        problems.append(f"a review in an impossible state: {reviews}")
    chairs = db.session.scalars(
        db.select(Membership).filter_by(position_id=world.position.id, role="chair")
    ).all()
    if not any(m.is_active for m in chairs):
        problems.append("the position lost its last active chair")
    admin = db.session.get(User, world.admin.id)
    if not (admin.is_admin and admin.is_active):
        problems.append("the admin lost their rights")
    return problems


def test_every_form_route_survives_malformed_input_from_every_role(app, world):
    app.test_client_class = IsolatedClient  # each request in its own context, as in production
    rules = sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods),
        key=lambda r: (r.endpoint in LAST, LAST.index(r.endpoint) if r.endpoint in LAST else 0),
    )
    assert len(rules) >= 30, "the URL map lost its forms?"
    failures, fuzzed = [], 0
    for index, role in enumerate(("reviewer", "chair", "admin")):
        user = getattr(world, role)
        client = app.test_client()
        auth = AuthActions(client)
        auth.login(user.email)
        fields_by_action, files_by_action = form_fields(crawl(app, client, world.values))
        pool = set().union(*fields_by_action.values())
        for rule in rules:
            if rule.endpoint in LAST[-1:] or rule.endpoint == "auth.login":
                client = app.test_client()  # logout / login: a fresh session, logged in again
                auth = AuthActions(client)
                auth.login(user.email)
            path = build_path(rule, world.values)
            fields = fields_by_action.get(path) or pool
            files = files_by_action.get(path, set())
            csrf = auth.csrf_token("/")
            values = Values(SEED + index * 1000 + fuzzed)
            failures += post_examples(client, csrf, path, fields, files, values, rule.endpoint)
            fuzzed += 1
    assert failures == []
    assert fuzzed >= 90
    assert consistency_problems(world) == []


# Query-string names the views read (request.args), plus what-if weights on the ranking page.
QUERY_NAMES = [
    "q", "sort", "dir", "page", "status", "flag", "stage", "method", "user", "candidate",
    "action", "from", "to", "position", "duplicates", "update", "next", "w_Research", "format",
]  # fmt: skip


def test_every_page_survives_malformed_query_strings_from_every_role(app, world):
    """GET never changes state, so every GET rule gets random query strings: never a 500."""
    app.test_client_class = IsolatedClient
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint != "static" and not r.rule.startswith("/bootstrap")
    ]
    failures, sent = [], 0
    for index, role in enumerate(("reviewer", "chair", "admin")):
        client = app.test_client()
        AuthActions(client).login(getattr(world, role).email)
        values = Values(SEED + 7 + index)
        for rule in rules:
            path = build_path(rule, world.values)
            for _ in range(3):
                query = values.form(values.rng.sample(QUERY_NAMES, 4))
                response = client.get(path, query_string=query)
                sent += 1
                if response.status_code >= 500:
                    sample = {k: (v[:30] if isinstance(v, str) else "…") for k, v in query.items()}
                    failures.append((rule.endpoint, response.status_code, sample))
    assert failures == []
    assert sent >= 3 * 3 * 25
