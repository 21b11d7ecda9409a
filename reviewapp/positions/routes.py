from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from reviewapp.auth import operations as accounts
from reviewapp.auth.permissions import (
    can_manage_position,
    can_view_position,
    remember_membership,
    require_or_404,
)
from reviewapp.extensions import db
from reviewapp.positions import operations
from reviewapp.positions.forms import AddMemberForm, PositionSettingsForm
from reviewapp.positions.models import Membership, Position

bp = Blueprint("positions", __name__, url_prefix="/p")


def load_position(slug: str, *, manage: bool = False) -> Position:
    """The position, or 404 for anyone who may not see (or, with manage, run) it.

    The user's active membership comes in the same query (every page asks for it next)."""
    if not current_user.is_authenticated:
        abort(404)
    row = db.session.execute(
        db.select(Position, Membership)
        .outerjoin(
            Membership,
            (Membership.position_id == Position.id)
            & (Membership.user_id == current_user.id)
            & Membership.is_active.is_(True),
        )
        .where(Position.slug == slug)
    ).first()
    if row is None:
        abort(404)
    position, found = row
    remember_membership(current_user, position, found)
    check = can_manage_position if manage else can_view_position
    require_or_404(check(current_user, position))
    return position


@bp.get("/<slug>/")
@login_required
def overview(slug: str):
    position = load_position(slug)
    return render_template(
        "positions/overview.html",
        position=position,
        is_chair=can_manage_position(current_user, position),
    )


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    position = load_position(slug, manage=True)
    form = PositionSettingsForm(obj=position)
    if form.validate_on_submit():
        operations.update_position(
            position, actor=current_user, **{k: form.data[k] for k in operations.SETTINGS}
        )
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for(".settings", slug=slug))
    return render_template("positions/settings.html", position=position, form=form)


@bp.route("/<slug>/committee", methods=["GET", "POST"])
@login_required
def committee(slug: str):
    position = load_position(slug, manage=True)
    form = AddMemberForm()
    if form.validate_on_submit():
        user, token = accounts.find_user(form.email.data), None
        if user is None:
            if not form.display_name.data:
                form.display_name.errors.append("Give a name for someone new to reviewapp.")
                return _committee_page(position, form)
            user = accounts.create_user(
                email=form.email.data, actor=current_user, display_name=form.display_name.data
            )
        if user.password_hash is None:
            token = accounts.create_invitation(user, actor=current_user, position=position)
        operations.add_member(position, user, form.role.data, actor=current_user)
        db.session.commit()
        flash(f"{user.display_name} is on the committee as {form.role.data}.", "success")
        if token:
            return render_template(
                "auth/invitation_link.html",
                user=user,
                position=position,
                link=url_for("auth.accept_invitation", token=token, _external=True),
            )
        return redirect(url_for(".committee", slug=slug))
    return _committee_page(position, form)


def _committee_page(position: Position, form: AddMemberForm):
    return render_template(
        "positions/committee.html",
        position=position,
        form=form,
        members=operations.committee(position),
    )


def _load_member(position: Position, member_id: int) -> Membership:
    member = db.session.get(Membership, member_id)
    if member is None or member.position_id != position.id:
        abort(404)
    return member


@bp.post("/<slug>/committee/<int:member_id>/deactivate")
@login_required
def deactivate_member(slug: str, member_id: int):
    position = load_position(slug, manage=True)
    member = _load_member(position, member_id)
    try:
        operations.deactivate_member(member, actor=current_user)
    except operations.PositionError as error:
        flash(str(error), "danger")
        return redirect(url_for(".committee", slug=slug))
    db.session.commit()
    flash(f"{member.user.display_name} was removed; their reviews are kept.", "success")
    return redirect(url_for(".committee", slug=slug))


@bp.post("/<slug>/committee/<int:member_id>/invite")
@login_required
def invite_member(slug: str, member_id: int):
    position = load_position(slug, manage=True)
    member = _load_member(position, member_id)
    token = accounts.create_invitation(member.user, actor=current_user, position=position)
    db.session.commit()
    return render_template(
        "auth/invitation_link.html",
        user=member.user,
        position=position,
        link=url_for("auth.accept_invitation", token=token, _external=True),
    )
