"""The chair's ranking page and advancing candidates to the next stage.

Performance (20,000 candidates × 3 reviews × 8 criteria, PostgreSQL): loading the frames takes
~1 s and the 1,000-resample bootstrap several seconds, so:
- a computed ranking (without intervals) is cached per process by (position, stage, data
  revision, settings, hidden candidates, method, what-if weights) — `page.cache`. The data
  revision (`frames.data_version`) is one indexed read of positions.data_revision, which every
  change a ranking depends on bumps (`revision`). The key holds no user id: chairs with the
  same conflicts share an entry; a chair's conflicts change the key, so nobody is ever served a
  ranking computed with a candidate hidden from them.
- rank intervals and P(top K) come from a background job (`intervals`), polled by the page.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from reviewapp.auth.permissions import require_or_404
from reviewapp.exports.models import ExportJob
from reviewapp.extensions import db
from reviewapp.positions import operations as positions
from reviewapp.positions.models import Position, Stage
from reviewapp.ranking import METHOD_DESCRIPTIONS, METHODS, criterion_names, intervals, operations
from reviewapp.ranking.frames import (
    REVISION_AT,
    data_version,
    hidden_candidate_ids,
    load_criteria,
    load_frames,
    version_family,
)
from reviewapp.ranking.models import IntervalStatus, RankingInterval
from reviewapp.ranking.page import SORTS, RankingCache, cache, compute, paginate, parse_weights
from reviewapp.ranking.permissions import can_advance_candidates, can_view_ranking

bp = Blueprint("ranking", __name__, url_prefix="/p")
# The loaded frames of the latest data versions, so another method or what-if weights on the
# same data skip the ~1 s load (20,000 candidates: ~20 MB each).
frames_cache = RankingCache(size=2)


def load_ranking_position(slug: str) -> Position:
    """The position, or 404 for anyone who may not see its ranking (reviewers included)."""
    position = positions.get_position(slug)
    if position is None:
        abort(404)
    require_or_404(can_view_ranking(current_user, position))
    return position


def chosen_stage(position: Position, value: str | None) -> Stage:
    """The stage whose id is `value`; the first stage when absent; 404 for another position's."""
    if not value:
        return position.default_stage
    for stage in position.stages:
        if str(stage.id) == value:
            return stage
    abort(404)


@bp.get("/<slug>/ranking")
@login_required
def ranking(slug: str):
    position = load_ranking_position(slug)
    stage = chosen_stage(position, request.args.get("stage"))
    method = request.args.get("method", "mean")
    method = method if method in METHODS else "mean"
    sort = request.args.get("sort", "rank")
    names = criterion_names(load_criteria(position))
    weights = parse_weights(request.args, names)
    hidden = hidden_candidate_ids(position, current_user)
    version = data_version(position, stage, hidden)
    served, ranked = _ranking(position, stage, version, hidden, method, weights)
    row = intervals.ensure(
        position,
        stage,
        version=served,
        hidden=hidden,
        method=method,
        weights=weights,
        n_candidates=len(ranked.ranking),
    )
    if row.status == IntervalStatus.DONE:
        ranked = intervals.with_intervals(ranked, row)
    view = paginate(
        ranked,
        page=request.args.get("page", 1, type=int),
        sort=sort if sort in SORTS else "rank",
        descending=request.args.get("dir") == "desc",
    )
    return render_template(
        "ranking/ranking.html",
        position=position,
        stage=stage,
        method=method,
        methods=METHODS,
        method_description=METHOD_DESCRIPTIONS[method],
        sort=sort,
        descending=request.args.get("dir") == "desc",
        view=view,
        exports=recent_exports(position, current_user),
        intervals=row,
        changes_since=version[REVISION_AT] - served[REVISION_AT],
        max_age=current_app.config["RANKING_MAX_AGE"],
        is_chair=True,
    )


def _ranking(position, stage, version, hidden, method, weights):
    """(the data version it was computed on, the computed ranking), from the cache when it can.

    A large stage (as many candidates as the interval job threshold) may be served a ranking up
    to RANKING_MAX_AGE seconds old while reviews keep arriving, so chairs reloading the page do
    not recompute it after every submit; a small one is always current."""
    key = (version, method, tuple(sorted(weights.items())))

    def fresh():
        frames = frames_cache.get_or_compute(
            version, lambda: load_frames(position, stage, hidden=hidden)
        )
        return version, compute(
            frames,
            method=method,
            reviews_per_candidate=position.reviews_per_candidate,
            shortlist_size=position.shortlist_size,
            weights=weights,
            bootstrap=0,
        )

    family = (version_family(version), *key[1:])
    served, ranked = cache.get_or_compute(
        key, fresh, family=family, max_age=current_app.config["RANKING_MAX_AGE"]
    )
    if served != version and len(ranked.ranking) < intervals.inline_limit():
        served, ranked = cache.get_or_compute(key, fresh)
    return served, ranked


@bp.get("/<slug>/ranking/intervals/<int:interval_id>")
@login_required
def interval_status(slug: str, interval_id: int):
    """The state of a ranking's interval job, for the page's poll. Only a chair of the position
    whose conflicts hide exactly the row's candidates may ask (404 otherwise)."""
    position = load_ranking_position(slug)
    row = db.session.get(RankingInterval, interval_id)
    if row is None or row.position_id != position.id:
        abort(404)
    if set(row.hidden_candidate_ids) != hidden_candidate_ids(position, current_user):
        abort(404)
    return jsonify(status=row.status, ready=row.status == IntervalStatus.DONE,
                   finished=row.is_finished)  # fmt: skip


def recent_exports(position: Position, user, limit: int = 5) -> list:
    """The user's latest export jobs for this position, newest first (their own only)."""
    return db.session.scalars(
        db.select(ExportJob)
        .where(ExportJob.position_id == position.id, ExportJob.requested_by_id == user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(limit)
    ).all()


@bp.post("/<slug>/ranking/advance")
@login_required
def advance(slug: str):
    position = load_ranking_position(slug)
    require_or_404(can_advance_candidates(current_user, position))
    stage = chosen_stage(position, request.form.get("stage"))
    ids = [int(v) for v in request.form.getlist("candidate_ids") if v.isdigit()]
    if not ids:
        flash("Select at least one candidate to advance.", "warning")
        return redirect(url_for(".ranking", slug=slug, stage=stage.id))
    target, added = operations.advance_candidates(position, stage, ids, actor=current_user)
    db.session.commit()
    flash(f"{added} candidate(s) advanced to {target.name}.", "success")
    return redirect(url_for(".ranking", slug=slug, stage=stage.id))
