"""The chair's ranking page and advancing candidates to the next stage.

Performance (20,000 candidates × 3 reviews × 8 criteria, SQLite): loading the frames takes
~1.5 s and the 1,000-resample bootstrap ~2.6 s, so a computed ranking is cached per process by
(position, stage, viewer, data version, method, what-if weights) — `page.cache` — and paging,
sorting and revisits are served from it (~0.15 s). The data version (`frames.data_version`) is
one round of aggregate queries, so a new review, score, candidate, conflict or stage member
changes the key and a stale ranking is never shown.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewapp.auth.permissions import require_or_404
from reviewapp.extensions import db
from reviewapp.positions import operations as positions
from reviewapp.positions.models import Position, Stage
from reviewapp.ranking import METHOD_DESCRIPTIONS, METHODS, criterion_names, operations
from reviewapp.ranking.frames import data_version, load_criteria, load_frames
from reviewapp.ranking.page import SORTS, cache, compute, paginate, parse_weights
from reviewapp.ranking.permissions import can_advance_candidates, can_view_ranking

bp = Blueprint("ranking", __name__, url_prefix="/p")


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
    key = (data_version(position, stage, current_user), method, tuple(sorted(weights.items())))
    ranked = cache.get_or_compute(
        key,
        lambda: compute(
            load_frames(position, stage, viewer=current_user),
            method=method,
            reviews_per_candidate=position.reviews_per_candidate,
            shortlist_size=position.shortlist_size,
            weights=weights,
        ),
    )
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
        is_chair=True,
    )


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
