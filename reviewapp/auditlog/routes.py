"""The audit log: /p/<slug>/audit for the position's chairs, /admin/audit for admins.

Both read the same filters from the query string (user, candidate name, action, date range and,
for admins, position), show 50 events a page, newest first, and export the filtered view as
CSV through a POST (the export is itself audited).
"""

from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from reviewapp import audit
from reviewapp.auditlog import queries
from reviewapp.auditlog.export import audit_csv
from reviewapp.auditlog.permissions import can_view_position_log, can_view_site_log
from reviewapp.auth.permissions import require_or_404
from reviewapp.candidates.permissions import hidden_candidate_ids
from reviewapp.extensions import db
from reviewapp.positions.routes import load_position

bp = Blueprint("auditlog", __name__)


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _position_scope(slug: str) -> queries.Scope:
    position = load_position(slug)
    require_or_404(can_view_position_log(current_user, position))
    return queries.Scope(position=position, hidden=hidden_candidate_ids(current_user, None))


def _site_scope() -> queries.Scope:
    require_or_404(can_view_site_log(current_user))
    return queries.Scope(position=None, hidden=hidden_candidate_ids(current_user, None))


def _render(scope: queries.Scope):
    flt = queries.AuditFilter.from_args(request.args)
    return render_template(
        "auditlog/log.html",
        position=scope.position,
        is_chair=scope.position is not None,
        page=queries.page_of(scope, flt, _page_number()),
        flt=flt,
        args=flt.as_args(),
        actions=queries.actions(scope),
        actors=queries.actors(scope),
        positions=queries.positions() if scope.position is None else [],
        system=queries.SYSTEM,
    )


def _export(scope: queries.Scope, name: str):
    flt = queries.AuditFilter.from_args(request.form)
    rows = list(queries.all_rows(scope, flt))
    data = audit_csv(rows)
    audit.record(
        "audit.export",
        None,
        actor=current_user,
        position=scope.position,
        summary=f"{len(rows)} event(s) exported",
        new={"filter": flt.as_args()},
    )
    db.session.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{name}-{stamp}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/p/<slug>/audit")
@login_required
def position_log(slug: str):
    return _render(_position_scope(slug))


@bp.post("/p/<slug>/audit/export")
@login_required
def position_export(slug: str):
    scope = _position_scope(slug)
    return _export(scope, scope.position.slug)


@bp.get("/admin/audit")
@login_required
def site_log():
    return _render(_site_scope())


@bp.post("/admin/audit/export")
@login_required
def site_export():
    return _export(_site_scope(), "all")
