from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from reviewapp.auth import operations as accounts
from reviewapp.auth.forms import UserForm
from reviewapp.auth.models import User
from reviewapp.auth.permissions import can_create_positions, can_manage_users, require_or_404
from reviewapp.extensions import db
from reviewapp.positions import operations as positions
from reviewapp.positions.forms import PositionForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    require_or_404(can_manage_users(current_user))


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_list_page(form: UserForm):
    users = db.session.scalars(db.select(User).order_by(User.display_name)).all()
    return render_template("admin/users.html", users=users, form=form)


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                display_name=form.display_name.data,
                institution=form.institution.data or "",
                expertise=form.expertise.data or "",
                is_admin=form.is_admin.data,
                actor=current_user,
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
            return _user_list_page(form)
        token = accounts.create_invitation(user, actor=current_user)
        db.session.commit()
        return render_template(
            "auth/invitation_link.html",
            user=user,
            position=None,
            link=url_for("auth.accept_invitation", token=token, _external=True),
        )
    return _user_list_page(form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _load_user(user_id)
    form = UserForm(obj=user)
    del form.email  # the email is the login: changing it is not offered here
    if form.validate_on_submit():
        accounts.update_user(
            user,
            actor=current_user,
            display_name=form.display_name.data,
            institution=form.institution.data or "",
            expertise=form.expertise.data or "",
            is_admin=form.is_admin.data,
        )
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/user.html", user=user, form=form)


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    return _set_active(_load_user(user_id), False)


@bp.post("/users/<int:user_id>/activate")
def activate_user(user_id: int):
    return _set_active(_load_user(user_id), True)


def _set_active(user: User, is_active: bool):
    try:
        accounts.set_active(user, is_active, actor=current_user)
    except accounts.AccountError as error:
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"{user.display_name} is {'active' if is_active else 'deactivated'}.", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/invite")
def invite_user(user_id: int):
    user = _load_user(user_id)
    token = accounts.create_invitation(user, actor=current_user)
    db.session.commit()
    return render_template(
        "auth/invitation_link.html",
        user=user,
        position=None,
        link=url_for("auth.accept_invitation", token=token, _external=True),
    )


@bp.route("/positions/new", methods=["GET", "POST"])
def new_position():
    require_or_404(can_create_positions(current_user))
    form = PositionForm()
    if form.validate_on_submit():
        try:
            position = positions.create_position(
                slug=form.slug.data,
                title=form.title.data,
                description=form.description.data or "",
                actor=current_user,
            )
        except positions.PositionError as error:
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Position {position.title!r} created. Add its chair and reviewers.", "success")
            return redirect(url_for("positions.committee", slug=position.slug))
    return render_template("admin/new_position.html", form=form)
