from flask import Blueprint, render_template
from flask_login import current_user, login_required

from reviewapp.auth.models import User
from reviewapp.auth.permissions import is_admin
from reviewapp.extensions import db
from reviewapp.main.queries import reviewer_progress
from reviewapp.positions.models import Position, Role
from reviewapp.positions.operations import positions_for

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def dashboard():
    user = current_user._get_current_object()
    context = {
        "chaired": positions_for(user, Role.CHAIR),
        "progress": reviewer_progress(user),
    }
    if is_admin(user):
        context["positions"] = db.session.scalars(
            db.select(Position).order_by(Position.created_at.desc())
        ).all()
        context["user_count"] = db.session.scalar(db.select(db.func.count(User.id)))
    return render_template("main/dashboard.html", **context)
