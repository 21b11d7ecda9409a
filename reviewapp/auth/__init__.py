"""Accounts: users, sessions, invitations, login throttling and permission predicates."""

import hmac

from flask import Flask

from reviewapp.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from reviewapp.auth.permissions import is_reviewer

    app.jinja_env.globals["is_reviewer"] = is_reviewer

    @login_manager.user_loader
    def load_user(user_id: str):
        from reviewapp.auth.models import User

        raw_id, _, token = user_id.partition(":")
        if not raw_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(raw_id))
        if user is None or not user.is_active:
            return None
        if not hmac.compare_digest(user.session_token, token):
            return None
        return user
