"""Chair pages for candidates (list, profile, duplicates, edits) and the stored CV files."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from reviewapp.audit import AuditEvent
from reviewapp.auth.permissions import require_or_404
from reviewapp.candidates import queries
from reviewapp.candidates.forms import ActionForm, ProfileEditForm
from reviewapp.candidates.models import Candidate, Document
from reviewapp.candidates.permissions import can_manage_candidate, can_view_candidate
from reviewapp.discussion.view import discussion_thread
from reviewapp.extensions import db
from reviewapp.importing import merges
from reviewapp.importing.models import DuplicatePair
from reviewapp.importing.profiles import effective
from reviewapp.positions.routes import load_position
from reviewapp.reviews.queries import declined_assignments

bp = Blueprint("candidates", __name__, url_prefix="/p")
FILE_CSP = "default-src 'none'; frame-ancestors 'self'"


def load_candidate(slug: str, candidate_id: int, *, manage: bool = True) -> Candidate:
    """The candidate of this position, or 404 for anyone who may not see (or manage) it."""
    position = load_position(slug)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.position_id != position.id:
        abort(404)
    check = can_manage_candidate if manage else can_view_candidate
    require_or_404(check(current_user, candidate))
    return candidate


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


@bp.get("/<slug>/candidates/")
@login_required
def index(slug: str):
    position = load_position(slug, manage=True)
    args = {
        "q": request.args.get("q", "")[:200],
        "sort": request.args.get("sort", "name"),
        "status": request.args.get("status", ""),
        "flag": request.args.get("flag", ""),
        "duplicates": request.args.get("duplicates") == "1",
    }
    page = queries.candidate_page(position, current_user, page=_int_arg("page", 1), **args)
    return render_template(
        "candidates/index.html",
        position=position,
        page=page,
        args=args,
        statuses=queries.STATUSES,
        flags=queries.FLAGS,
        is_chair=True,
    )


def _history(candidate: Candidate) -> list[AuditEvent]:
    document_ids = [document.id for document in candidate.documents]
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(
                ((AuditEvent.object_type == "candidate") & (AuditEvent.object_id == candidate.id))
                | ((AuditEvent.object_type == "document") & AuditEvent.object_id.in_(document_ids))
            )
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        )
    )


@bp.get("/<slug>/candidates/<int:candidate_id>")
@login_required
def detail(slug: str, candidate_id: int):
    candidate = load_candidate(slug, candidate_id)
    profile = effective(candidate)
    current = profile.get("current_position") or {}
    form = ProfileEditForm(
        data={
            "name": candidate.name,
            "emails": "\n".join(candidate.emails or []),
            "phone": candidate.phone,
            "position_title": current.get("title", ""),
            "position_institution": current.get("institution", ""),
        }
    )
    pairs = merges.pairs_of(candidate, status=None)
    pairs = [p for p in pairs if can_view_candidate(current_user, p.other(candidate.id))]
    return render_template(
        "candidates/detail.html",
        position=candidate.position,
        candidate=candidate,
        profile=profile,
        form=form,
        pairs=pairs,
        history=_history(candidate),
        thread=discussion_thread(candidate),
        declines=declined_assignments([candidate.id]),
        is_chair=True,
    )


@bp.post("/<slug>/candidates/<int:candidate_id>/edit")
@login_required
def edit(slug: str, candidate_id: int):
    candidate = load_candidate(slug, candidate_id)
    form = ProfileEditForm()
    if form.validate_on_submit():
        merges.edit_profile(candidate, actor=current_user, **form.changes())
        db.session.commit()
        flash("Profile saved; your corrections win over re-parsing.", "success")
    else:
        flash("The profile was not saved: " + "; ".join(sum(form.errors.values(), [])), "danger")
    return redirect(url_for(".detail", slug=slug, candidate_id=candidate.id))


def _load_pair(candidate: Candidate, pair_id: int) -> DuplicatePair:
    pair = db.session.get(DuplicatePair, pair_id)
    if pair is None or candidate.id not in (pair.candidate_a_id, pair.candidate_b_id):
        abort(404)
    require_or_404(can_manage_candidate(current_user, pair.other(candidate.id)))
    return pair


@bp.post("/<slug>/candidates/<int:candidate_id>/duplicates/<int:pair_id>/<action>")
@login_required
def decide(slug: str, candidate_id: int, pair_id: int, action: str):
    candidate = load_candidate(slug, candidate_id)
    pair = _load_pair(candidate, pair_id)
    if action not in ("merge", "keep-apart", "unmerge") or not ActionForm().validate_on_submit():
        abort(400)
    try:
        if action == "merge":
            merges.merge_candidates(pair, keep=candidate, actor=current_user)
            message = f"{pair.other(candidate.id).name} merged into {candidate.name}."
        elif action == "keep-apart":
            merges.keep_apart(pair, actor=current_user)
            message = "Kept apart: they will not be proposed again."
        else:
            merges.unmerge_candidate(pair, actor=current_user)
            message = "Merge undone."
    except merges.MergeRefused as exc:
        db.session.rollback()
        flash(str(exc).capitalize() + ".", "warning")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".detail", slug=slug, candidate_id=candidate.id))


@bp.get("/<slug>/candidates/<int:candidate_id>/documents/<int:document_id>/file")
@login_required
def document_file(slug: str, candidate_id: int, document_id: int):
    """The stored CV: PDFs inline under a no-script CSP, everything else as a download."""
    candidate = load_candidate(slug, candidate_id, manage=False)
    document = db.session.get(Document, document_id)
    if document is None or document.candidate_id != candidate.id or document.content is None:
        abort(404)
    inline = document.media_type == "application/pdf"
    response = Response(document.content, mimetype=document.media_type)
    filename = document.original_name.rsplit("/", 1)[-1]
    response.headers.set(
        "Content-Disposition", "inline" if inline else "attachment", filename=filename
    )
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "private"
    return response
