from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from reviewapp.auth import operations, throttle
from reviewapp.auth.forms import LoginForm, SetPasswordForm
from reviewapp.errors import render_error
from reviewapp.extensions import db

bp = Blueprint("auth", __name__)

INVALID_LOGIN = "Invalid email or password."


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a fresh login to another host."""
    if not target:
        return url_for("main.dashboard")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data.strip().lower(), request.remote_addr or "unknown"
        if throttle.is_throttled(email, address):
            return render_error(429)
        user = operations.find_user(email)
        if user is None or not user.is_active or not user.check_password(form.password.data):
            throttle.record_failure(email, address)
            db.session.commit()
            flash(INVALID_LOGIN, "danger")
            return render_template("auth/login.html", form=form), 200
        throttle.clear_failures(email)
        operations.record_login(user)
        db.session.commit()
        session.clear()  # a fresh session at login: no fixation
        login_user(user, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    operations.record_logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = operations.find_invitation(token)
    if invitation is None:
        return render_error(
            404, "This invitation link is unknown, used or expired. Ask the chair for a new one."
        )
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = operations.accept_invitation(invitation, form.password.data)
        db.session.commit()
        session.clear()
        login_user(user)
        flash("Welcome! Your password is set.", "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/invitation.html", form=form, user=invitation.user)
