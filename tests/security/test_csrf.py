"""Item 18 for every POST rule of the URL map: without a valid CSRF token (none, a made-up
one, or one from another session) the answer is 400 and no row of any table changes, for the
admin, a chair and the assigned reviewer alike, form or JSON. A new route is covered without
editing this file.
"""

import hashlib

import pytest
from sqlalchemy import select

from reviewapp.audit import AuditEvent
from reviewapp.extensions import db
from tests.conftest import AuthActions
from tests.security.conftest import RoleClient, url_values

pytestmark = pytest.mark.integration

CSRF_PAGE = "Your form expired or was sent from elsewhere"
ROLES = ("admin", "chair", "assigned")


def database_digest() -> dict[str, str]:
    """A hash of every row of every table, read outside any session (updates count too)."""
    digest = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            ordered = select(table).order_by(*table.primary_key.columns)
            rows = [repr(tuple(row)) for row in conn.execute(ordered)]
            digest[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digest


def non_login_events() -> list[tuple]:
    with db.engine.connect() as conn:
        query = select(AuditEvent.id, AuditEvent.action).where(
            AuditEvent.action.not_in(("user.login", "user.logout"))
        )
        return sorted(conn.execute(query).all())


def post_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods), key=lambda r: r.rule
    )


def build(rule, values: dict) -> str:
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def test_every_post_without_a_valid_csrf_token_is_400_and_changes_nothing(app, committee):
    foreign = AuthActions(app.test_client()).csrf_token("/login")  # another session's token
    before, events_before = database_digest(), non_login_events()
    problems, sent = [], 0
    for role in ROLES:
        client = RoleClient(app, committee.people[role])
        values = url_values(committee, role)
        for rule in post_rules(app):
            path = build(rule, values)
            for token in (None, "made-up-token", foreign):
                data = {"title": "changed", "reason": "changed", "csrf_token": token}
                data = {k: v for k, v in data.items() if v is not None}
                if rule.endpoint.endswith("autosave"):
                    headers = {} if token is None else {"X-CSRFToken": token}
                    response = client.client.post(
                        path, json={"comment": "changed", "version": "1"}, headers=headers
                    )
                else:
                    response = client.client.post(path, data=data)
                sent += 1
                page = response.get_data(as_text=True)
                if response.status_code != 400 or CSRF_PAGE not in page:
                    problems.append(
                        f"{role} {rule.endpoint} token={token!r}: {response.status_code}"
                    )
    assert problems == []
    assert sent >= 3 * 3 * 30
    after = database_digest()
    changed = sorted(name for name in before if before[name] != after[name])
    # Log-ins of the three roles write their audit entries and login bookkeeping only.
    assert set(changed) <= {"audit_events", "users", "login_attempts"}
    assert non_login_events() == events_before
