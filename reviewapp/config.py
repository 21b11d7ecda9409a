"""Configuration: these defaults, then instance/config.py, then REVIEWAPP_* variables."""

import os
import secrets
from pathlib import Path


class DefaultConfig:
    # The database defaults to a SQLite file in the instance folder (set in create_app).
    SQLALCHEMY_DATABASE_URI: str | None = None
    # hide_parameters: a database error in the log never carries the values (CV text, hashes).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    # Uploads: the whole request, and each file inside it (also each member of a zip).
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    MAX_FILE_SIZE = 20 * 1024 * 1024

    # Sessions and cookies. Set REVIEWAPP_SESSION_COOKIE_SECURE=true when served over HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "reviewapp_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    # A CSRF token lives as long as the session: a tab left open over lunch can still save.
    WTF_CSRF_TIME_LIMIT = None

    # Login throttling: failures allowed per window, per account and per client address.
    LOGIN_THROTTLE_WINDOW = 15 * 60
    LOGIN_THROTTLE_PER_ACCOUNT = 5
    LOGIN_THROTTLE_PER_ADDRESS = 30
    # Number of reverse proxies whose X-Forwarded-* headers are trusted (0: none, the default).
    TRUSTED_PROXIES = 0

    # Structured logs on standard error (reviewapp/reqlog.py): "json" or "logfmt", and a level.
    LOG_FORMAT = "json"
    LOG_LEVEL = "INFO"

    INVITATION_DAYS = 14
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None

    # Background jobs (huey): a SQLite file in the instance folder unless REDIS_URL is set.
    REDIS_URL: str | None = None
    JOBS_IMMEDIATE = False

    # Rankings of stages with at least RANKING_INLINE_CANDIDATES (2,000) candidates take seconds
    # to compute: while reviews keep arriving, the page shows one at most this many seconds old
    # (saying so) instead of recomputing after every submit. 0 always recomputes.
    RANKING_MAX_AGE = 30

    # Export files are kept in the database this many days after they are made, then deleted
    # (the job stays, marked expired) when the next export finishes or the worker starts, or by
    # `reviewapp exports expire`. 0 keeps them forever.
    EXPORT_KEEP_DAYS = 7


def load_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, generating it (mode 0600) on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Accept plain postgres URLs and route them to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
