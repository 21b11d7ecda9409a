"""Security item 20: every route × GET/POST × role answers as tests/security/access_matrix.py says,
and a denied request (or any GET) writes nothing.

The cells run in one loop per database over one committee (tests/security/conftest.py); every
wrong cell is collected and reported together.
"""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from reviewapp.extensions import db
from tests.security.access_matrix import (
    EXCLUDED,
    EXPECTED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    METHOD,
    OK,
    ROLES,
    outcomes,
)
from tests.security.conftest import RoleClient, url_values

pytestmark = pytest.mark.integration

SENT_METHODS = ("GET", "POST")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
CSRF_PAGE = "Your form expired or was sent from elsewhere"
# Rows that logging in and out write by design; everything else must stay as it was.
LOGIN_ACTIONS = ("user.login", "user.logout")
# login_attempts: every log-in writes one; ranking_intervals: a cache of derived numbers the
# ranking page fills on first view (reviewapp/ranking/intervals.py), not data anyone enters.
UNCOUNTED_TABLES = {"login_attempts", "ranking_intervals"}


def app_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint not in EXCLUDED),
        key=lambda rule: (rule.endpoint, rule.rule),
    )


def accepted(rule) -> set[str]:
    return set(rule.methods) - IGNORED_METHODS


def coverage_problems(app) -> list[str]:
    """Routes without an entry, entries without a route, and methods that do not match."""
    problems = []
    rules = app_rules(app)
    endpoints = {rule.endpoint for rule in rules}
    for rule in rules:
        entry = EXPECTED.get(rule.endpoint)
        if entry is None:
            problems.append(
                f"new route {rule.endpoint} ({rule.rule}) has no entry in "
                "tests/security/access_matrix.py"
            )
            continue
        for method in sorted(accepted(rule) - set(entry)):
            problems.append(f"{rule.endpoint} accepts {method} but its entry has no {method} key")
        for method in sorted(set(entry) - accepted(rule)):
            problems.append(f"{rule.endpoint} has a {method} entry but the route does not take it")
    for endpoint in sorted(set(EXPECTED) - endpoints):
        problems.append(
            f"tests/security/access_matrix.py names {endpoint}, an endpoint that no longer exists"
        )
    for endpoint, entry in EXPECTED.items():
        for method, table in entry.items():
            if set(table) != set(ROLES):
                problems.append(f"{endpoint} {method}: give an outcome for every role in ROLES")
    return problems


def test_access_matrix_has_an_entry_for_every_route(app):
    assert coverage_problems(app) == []


def test_access_matrix_reports_a_route_without_an_entry(app, monkeypatch):
    monkeypatch.delitem(EXPECTED, "reviews.score")
    monkeypatch.setitem(EXPECTED, "reviews.gone", {"GET": outcomes(OK)})
    problems = coverage_problems(app)
    assert (
        "new route reviews.score (/p/<slug>/reviews/<int:assignment_id>) has no entry in "
        "tests/security/access_matrix.py"
    ) in problems
    assert (
        "tests/security/access_matrix.py names reviews.gone, an endpoint that no longer exists"
    ) in problems


def classify(response) -> str:
    """The outcome class of an answer (see access_matrix); anything else is named as it is."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers["Location"])  # log-out sends to a plain /login
        return LOGIN if target.path == "/login" and "next=" in target.query else OK
    named = {403: FORBIDDEN, 404: HIDDEN, 405: METHOD}
    if status in named:
        return named[status]
    if status == 400 and CSRF_PAGE in response.get_data(as_text=True):
        return "CSRF refused (400)"
    if 200 <= status < 300 or status in (400, 409, 422):
        return OK
    return f"status {status}"


def fingerprint() -> dict[str, int]:
    """Row counts of every table (audit events: all but log-ins/outs), read outside any
    session so a SQLite snapshot never hides a write."""
    columns = []
    for table in db.metadata.sorted_tables:
        if table.name in UNCOUNTED_TABLES:
            continue
        query = select(func.count()).select_from(table)
        if table.name == "audit_events":
            query = query.where(table.c.action.not_in(LOGIN_ACTIONS))
        columns.append(query.scalar_subquery().label(table.name))
    with db.engine.connect() as conn:
        return dict(conn.execute(select(*columns)).one()._mapping)


def changes(before: dict, after: dict) -> str:
    return ", ".join(f"{k} {before[k]}→{after[k]}" for k in before if before[k] != after[k])


def build_url(rule, values: dict) -> str:
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def test_access_matrix_every_cell_answers_as_expected(app, committee):
    clients = {
        role: RoleClient(app, None if role == "anonymous" else committee.people[role])
        for role in ROLES
    }
    failures = [p for p in coverage_problems(app) if p.startswith("new route")]
    cells = 0
    for rule in app_rules(app):
        entry = EXPECTED.get(rule.endpoint)
        if entry is None:
            continue
        missing = sorted(rule.arguments - set(url_values(committee, "chair")))
        if missing:
            failures.extend(f"{rule.endpoint}: add a value for {var}" for var in missing)
            continue
        for method in sorted(set(SENT_METHODS) | accepted(rule)):
            table = entry[method] if method in accepted(rule) else outcomes(METHOD)
            for role in ROLES:
                cells += 1
                expected = table[role]
                url = build_url(rule, url_values(committee, role))
                client = clients[role]
                check_writes = method == "GET" or expected != OK
                before = fingerprint() if check_writes else None
                response = client.send(method, url)
                got = classify(response)
                where = f"{method} {url} ({rule.endpoint}) as {role}"
                if got != expected:
                    failures.append(f"{where}: expected {expected}, got {got}")
                if check_writes and (diff := changes(before, fingerprint())):
                    failures.append(f"{where}: answered {got} but wrote: {diff}")
                if rule.endpoint == "auth.logout" and got == OK and role != "anonymous":
                    client.login()
    assert cells > 500, f"only {cells} cells ran"
    assert not failures, f"{len(failures)} wrong cell(s) of {cells}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ["chair", "admin"])
def test_access_matrix_ids_of_another_position_are_hidden(app, committee, role):
    """P's URLs with one id swapped for position Q's object of that kind answer 404 and write
    nothing, even for P's chair and the admin (who may run P)."""
    client = RoleClient(app, committee.people[role])
    failures, cells = [], 0
    for rule in app_rules(app):
        for var in sorted(rule.arguments & set(committee.foreign)):
            values = {**url_values(committee, role), var: committee.foreign[var]}
            url = build_url(rule, values)
            for method in sorted(accepted(rule)):
                cells += 1
                before = fingerprint()
                got = classify(client.send(method, url))
                if got != HIDDEN:
                    failures.append(f"{method} {url} ({rule.endpoint}, Q's {var}): got {got}")
                if diff := changes(before, fingerprint()):
                    failures.append(f"{method} {url} ({rule.endpoint}, Q's {var}): wrote {diff}")
    assert cells > 30, f"only {cells} cells ran"
    assert not failures, f"{len(failures)} wrong cell(s) of {cells}:\n" + "\n".join(failures)
