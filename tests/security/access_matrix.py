"""The expected answer of every route, for every role and method (security item 20).

tests/security/test_access_matrix.py reads the app's URL map, sends every rule × GET and POST ×
every role below (POSTs with a valid CSRF token and an otherwise empty form, so a denial is the
permission check and not CSRF), and compares the answer with this table. Denied cells, and every
GET, must leave every table unchanged.

ADDING A ROUTE
1. Add an entry under its endpoint name ("blueprint.function"): one key per method the rule
   accepts (GET, POST, PUT, PATCH, DELETE; never HEAD/OPTIONS), each mapping every role to an
   outcome. Start from a role set below (CHAIR_ONLY, MEMBERS, …) or build one with `outcomes()`.
   Methods the rule does not accept are expected to answer METHOD (405) without an entry.
2. If the rule has a URL variable the matrix does not know yet, the test fails with
   "add a value for <var>": add it to `url_values()` in tests/security/conftest.py, pointing at
   an object of the committee built there (add the object if it does not exist yet). Ids
   belong to position P and its candidate X, so that "another position's reviewer" and "the
   conflicted reviewer" are meaningful.
3. Decide with the rule "404 for what one may not know exists, 403 for what one can see but may
   not do" (reviewapp/auth/permissions.py). Run
   `.venv/bin/pytest tests/security/test_access_matrix.py -q`.

Outcomes
- OK: the permission check let the request through: 2xx, a redirect that is not to the login
  page, or a validation answer (400 that is not the CSRF page, 409, 422) to the empty form.
- LOGIN: a redirect to the login page that asks to come back (`?next=`).
- FORBIDDEN: 403.   - HIDDEN: 404.   - METHOD: 405.

Roles (people of the committee in tests/security/conftest.py; X is the candidate in the URL)
- anonymous: not logged in.
- admin: site admin, on no committee.
- chair: chair of position P, not conflicted with X.
- other_chair / other_reviewer: chair / reviewer of another position Q, not on P.
- unassigned: reviewer of P with no assignment on X.
- conflicted: reviewer of P assigned to X, with a confirmed conflict on X.
- assigned: reviewer of P assigned to X, review saved as a draft (not submitted).
- submitted: reviewer of P assigned to X, review submitted.
For assignment_id, a role that has its own assignment on X gets that one; the others get the
assigned reviewer's.
"""

OK, LOGIN, FORBIDDEN, HIDDEN, METHOD = "OK", "LOGIN", "FORBIDDEN", "HIDDEN", "METHOD"
OUTCOMES = (OK, LOGIN, FORBIDDEN, HIDDEN, METHOD)
ROLES = (
    "anonymous",
    "admin",
    "chair",
    "other_chair",
    "other_reviewer",
    "unassigned",
    "conflicted",
    "assigned",
    "submitted",
)
# Endpoints that are not the app's pages.
EXCLUDED = {"static", "bootstrap.static"}


def outcomes(default: str, **by_role: str) -> dict[str, str]:
    """Every role's outcome: `default`, except the roles named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown role(s) {sorted(unknown)}; roles are {ROLES}"
    table = {role: by_role.get(role, default) for role in ROLES}
    assert set(table.values()) <= set(OUTCOMES), f"unknown outcome in {table}"
    return table


PUBLIC = outcomes(OK)
SIGNED_IN = outcomes(OK, anonymous=LOGIN)
ADMIN_ONLY = outcomes(HIDDEN, anonymous=LOGIN, admin=OK)
CHAIR_ONLY = outcomes(HIDDEN, anonymous=LOGIN, admin=OK, chair=OK)
MEMBERS = outcomes(OK, anonymous=LOGIN, other_chair=HIDDEN, other_reviewer=HIDDEN)
CANDIDATE_READERS = outcomes(
    HIDDEN, anonymous=LOGIN, admin=OK, chair=OK, assigned=OK, submitted=OK
)  # the conflicted reviewer is assigned too, and still gets 404
OWN_ASSIGNMENT = outcomes(HIDDEN, anonymous=LOGIN, assigned=OK, submitted=OK)
# The committee thread of X follows the review visibility (P: after one's own is submitted).
THREAD_WRITERS = outcomes(HIDDEN, anonymous=LOGIN, admin=OK, chair=OK, submitted=OK)

EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    # accounts
    "auth.login": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.logout": {"POST": SIGNED_IN},
    "auth.accept_invitation": {"GET": PUBLIC, "POST": PUBLIC},  # the token is the secret
    "main.dashboard": {"GET": SIGNED_IN},
    # site administration
    "admin.users": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin.edit_user": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin.activate_user": {"POST": ADMIN_ONLY},
    "admin.deactivate_user": {"POST": ADMIN_ONLY},
    "admin.invite_user": {"POST": ADMIN_ONLY},
    "admin.new_position": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    # the position and its committee
    "positions.overview": {"GET": MEMBERS},
    "positions.settings": {"GET": CHAIR_ONLY, "POST": CHAIR_ONLY},
    "positions.committee": {"GET": CHAIR_ONLY, "POST": CHAIR_ONLY},
    "positions.deactivate_member": {"POST": CHAIR_ONLY},
    "positions.invite_member": {"POST": CHAIR_ONLY},
    # candidates and their files
    "candidates.index": {"GET": CHAIR_ONLY},
    "candidates.detail": {"GET": CHAIR_ONLY},
    "candidates.edit": {"POST": CHAIR_ONLY},
    "candidates.decide": {"POST": CHAIR_ONLY},
    "candidates.document_file": {"GET": CANDIDATE_READERS},
    # imports
    "importing.imports": {"GET": CHAIR_ONLY, "POST": CHAIR_ONLY},
    "importing.batch": {"GET": CHAIR_ONLY},
    "importing.status": {"GET": CHAIR_ONLY},
    "importing.resume": {"POST": CHAIR_ONLY},
    # rubric
    "rubrics.edit": {"GET": CHAIR_ONLY, "POST": CHAIR_ONLY},
    "rubrics.start": {"POST": CHAIR_ONLY},
    "rubrics.upload": {"POST": CHAIR_ONLY},
    # conflicts
    "conflicts.index": {"GET": CHAIR_ONLY},
    "conflicts.detect": {"POST": CHAIR_ONLY},
    "conflicts.add": {"POST": CHAIR_ONLY},
    "conflicts.decide": {"POST": CHAIR_ONLY},
    "conflicts.remove": {"POST": CHAIR_ONLY},
    "conflicts.declare": {"POST": OWN_ASSIGNMENT},
    # assignments and offline scores
    "assignments.matrix": {"GET": CHAIR_ONLY},
    "assignments.toggle": {"POST": CHAIR_ONLY},
    "assignments.automatic": {"GET": CHAIR_ONLY, "POST": CHAIR_ONLY},
    "assignments.import_file": {"POST": CHAIR_ONLY},
    "assignments.import_scores_file": {"POST": CHAIR_ONLY},
    "assignments.export_scores_file": {"GET": CHAIR_ONLY},
    # reviewing
    "reviews.mine": {"GET": MEMBERS},
    "reviews.score": {"GET": OWN_ASSIGNMENT, "POST": OWN_ASSIGNMENT},
    "reviews.autosave": {"POST": OWN_ASSIGNMENT},
    "reviews.decline": {"POST": OWN_ASSIGNMENT},
    "reviews.outdated": {"GET": CHAIR_ONLY},
    "reviews.ask_update": {"POST": CHAIR_ONLY},
    # the committee thread (message_id: Sue's message on X)
    "discussion.post": {"POST": THREAD_WRITERS},
    "discussion.delete": {  # only the author; other readers of the thread get 403
        "POST": outcomes(HIDDEN, anonymous=LOGIN, admin=FORBIDDEN, chair=FORBIDDEN, submitted=OK)
    },
    "discussion.hide": {  # the chair moderates; a reviewer who reads the thread gets 403
        "POST": outcomes(HIDDEN, anonymous=LOGIN, admin=OK, chair=OK, submitted=FORBIDDEN)
    },
    # stages
    "stages.index": {"GET": CHAIR_ONLY, "POST": CHAIR_ONLY},
    "stages.detail": {"GET": CHAIR_ONLY},
    "stages.rename": {"POST": CHAIR_ONLY},
    "stages.move": {"POST": CHAIR_ONLY},
    "stages.make_current": {"POST": CHAIR_ONLY},
    "stages.close": {"POST": CHAIR_ONLY},
    "stages.reopen": {"POST": CHAIR_ONLY},
    "stages.add_candidates": {"POST": CHAIR_ONLY},
    "stages.remove_candidates": {"POST": CHAIR_ONLY},
    "stages.bulk_add": {"POST": CHAIR_ONLY},
    # ranking and exports
    "ranking.ranking": {"GET": CHAIR_ONLY},
    "ranking.advance": {"POST": CHAIR_ONLY},
    "ranking.interval_status": {"GET": CHAIR_ONLY},
    "exports.download": {"POST": CHAIR_ONLY},
    "exports.job": {"GET": CHAIR_ONLY},
    "exports.status": {"GET": CHAIR_ONLY},
    "exports.file": {"GET": CHAIR_ONLY},  # and only without a conflict on a candidate in it
    # operations: health check and the audit log
    "health.healthz": {"GET": PUBLIC},
    "auditlog.position_log": {"GET": CHAIR_ONLY},
    "auditlog.position_export": {"POST": CHAIR_ONLY},
    "auditlog.site_log": {"GET": ADMIN_ONLY},
    "auditlog.site_export": {"POST": ADMIN_ONLY},
}
