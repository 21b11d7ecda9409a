"""The chair's stage pages. Every route is chair-only (404 for anyone else) and POSTs are
CSRF-checked globally; a refused operation writes nothing and flashes why."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewapp.candidates import queries as candidate_queries
from reviewapp.candidates.models import Candidate
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage
from reviewapp.positions.routes import load_position
from reviewapp.ranking.frames import stage_candidate_ids
from reviewapp.stages import operations
from reviewapp.stages.forms import StageNameForm

bp = Blueprint("stages", __name__, url_prefix="/p")


def _load_stage(slug: str, stage_id: int) -> tuple[Position, Stage]:
    position = load_position(slug, manage=True)
    stage = db.session.get(Stage, stage_id)
    if stage is None or stage.position_id != position.id:
        abort(404)
    return position, stage


def _candidate_ids() -> list[int]:
    values = request.form.getlist("candidate_id")
    if not all(v.isascii() and v.isdigit() and len(v) <= 9 for v in values):
        return [-1]  # refused by the operation as "not a candidate of this position"
    return [int(v) for v in values]


def _run(action, *, success: str, target: str):
    """Run the operation; commit and flash on success, roll back and flash on refusal."""
    try:
        result = action()
    except operations.StageError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(success.format(result=result), "success")
    return redirect(target)


@bp.route("/<slug>/stages/", methods=["GET", "POST"])
@login_required
def index(slug: str):
    """The stages in order; a POST creates a stage after the last one."""
    position = load_position(slug, manage=True)
    if request.method == "POST":
        name = StageNameForm().name.data or ""
        return _run(
            lambda: operations.create_stage(position=position, name=name, actor=current_user),
            success=f"Stage {' '.join(name.split())!r} created.",
            target=url_for(".index", slug=slug),
        )
    return render_template(
        "stages/index.html",
        position=position,
        current=operations.current_stage(position),
        counts=operations.stage_counts(position, current_user),
        form=StageNameForm(formdata=None),
        is_chair=True,
    )


@bp.get("/<slug>/stages/<int:stage_id>")
@login_required
def detail(slug: str, stage_id: int):
    position, stage = _load_stage(slug, stage_id)
    ids = stage_candidate_ids(position, stage, current_user)
    members = list(
        db.session.scalars(
            db.select(Candidate).where(Candidate.id.in_(ids)).order_by(Candidate.name)
        )
    )
    others = []
    if not stage.is_default:
        everyone = stage_candidate_ids(position, position.default_stage, current_user)
        others = list(
            db.session.scalars(
                db.select(Candidate)
                .where(Candidate.id.in_(everyone), Candidate.id.not_in(ids))
                .order_by(Candidate.name)
            )
        )
    return render_template(
        "stages/detail.html", position=position, stage=stage, members=members, others=others,
        form=StageNameForm(formdata=None, data={"name": stage.name}), is_chair=True,
        current=operations.current_stage(position),
    )  # fmt: skip


@bp.post("/<slug>/stages/<int:stage_id>/rename")
@login_required
def rename(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    name = StageNameForm().name.data or ""
    return _run(
        lambda: operations.rename_stage(stage=stage, name=name, actor=current_user),
        success="Stage renamed.",
        target=url_for(".detail", slug=slug, stage_id=stage_id),
    )


@bp.post("/<slug>/stages/<int:stage_id>/move")
@login_required
def move(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    direction = request.form.get("direction", "")
    return _run(
        lambda: operations.move_stage(stage=stage, direction=direction, actor=current_user),
        success=f"{stage.name} moved {direction}.",
        target=url_for(".index", slug=slug),
    )


@bp.post("/<slug>/stages/<int:stage_id>/current")
@login_required
def make_current(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    return _run(
        lambda: operations.set_current_stage(stage=stage, actor=current_user),
        success=f"{stage.name} is now the current stage.",
        target=url_for(".index", slug=slug),
    )


@bp.post("/<slug>/stages/<int:stage_id>/close")
@login_required
def close(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    return _run(
        lambda: operations.set_stage_closed(stage=stage, closed=True, actor=current_user),
        success=f"{stage.name} is closed: its submitted reviews can no longer be edited.",
        target=url_for(".index", slug=slug),
    )


@bp.post("/<slug>/stages/<int:stage_id>/reopen")
@login_required
def reopen(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    return _run(
        lambda: operations.set_stage_closed(stage=stage, closed=False, actor=current_user),
        success=f"{stage.name} is open again.",
        target=url_for(".index", slug=slug),
    )


@bp.post("/<slug>/stages/<int:stage_id>/candidates")
@login_required
def add_candidates(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    ids = _candidate_ids()
    return _run(
        lambda: operations.add_candidates(stage=stage, candidate_ids=ids, actor=current_user),
        success=f"{{result}} candidate(s) added to {stage.name}.",
        target=url_for(".detail", slug=slug, stage_id=stage_id),
    )


@bp.post("/<slug>/stages/<int:stage_id>/candidates/remove")
@login_required
def remove_candidates(slug: str, stage_id: int):
    _, stage = _load_stage(slug, stage_id)
    ids = _candidate_ids()
    return _run(
        lambda: operations.remove_candidates(stage=stage, candidate_ids=ids, actor=current_user),
        success=f"{{result}} candidate(s) removed from {stage.name}.",
        target=url_for(".detail", slug=slug, stage_id=stage_id),
    )


BULK_LIMIT = 100_000


@bp.post("/<slug>/stages/bulk")
@login_required
def bulk_add(slug: str):
    """From the candidates list: add every candidate matching its current filter to a stage."""
    position = load_position(slug, manage=True)
    args = {
        "q": request.form.get("q", "")[:200],
        "status": request.form.get("status", ""),
        "flag": request.form.get("flag", ""),
        "duplicates": request.form.get("duplicates") == "1",
    }
    back = url_for("candidates.index", slug=slug, **{k: v for k, v in args.items() if v})
    chosen = request.form.get("stage_id", "")
    stage = next((s for s in position.stages if str(s.id) == chosen and not s.is_default), None)
    if stage is None:
        flash("Choose a later stage to add the candidates to.", "danger")
        return redirect(back)
    page = candidate_queries.candidate_page(position, current_user, per_page=BULK_LIMIT, **args)
    ids = [candidate.id for candidate, _, _ in page.rows]
    return _run(
        lambda: operations.add_candidates(stage=stage, candidate_ids=ids, actor=current_user),
        success=f"{{result}} of {len(ids)} matching candidate(s) added to {stage.name}.",
        target=back,
    )
