"""reviewapp: candidate review for hiring and fellowship committees."""

import os
from pathlib import Path

from flask import Flask

from reviewapp.config import DefaultConfig, load_secret_key, normalise_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> str:
    """Top-level folders (templates/, migrations/) live beside the package in a checkout and
    inside it in a built wheel."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=resource_dir("templates"),
        instance_path=os.environ.get("REVIEWAPP_INSTANCE_PATH") or None,
    )
    app.config.from_object(DefaultConfig)
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(prefix="REVIEWAPP")
    else:
        app.config.from_mapping(test_config)
    _finish_config(app)

    # Imported here, not at the top: the import workers load reviewapp.importing (and with it
    # this package) and need neither SQLAlchemy nor the app's modules.
    from reviewapp import extensions, reqlog
    from reviewapp.db import install_sqlite_pragmas

    reqlog.init_app(app)  # first, so its timer and request id wrap every other hook

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=resource_dir("migrations"))
    extensions.csrf.init_app(app)
    extensions.bootstrap.init_app(app)
    with app.app_context():
        install_sqlite_pragmas(extensions.db.engine)

    import reviewapp.models  # noqa: F401  (register every model with the metadata)
    from reviewapp import auth, errors, security
    from reviewapp.admin.routes import bp as admin_bp
    from reviewapp.assignments.routes import bp as assignments_bp
    from reviewapp.auditlog.routes import bp as auditlog_bp
    from reviewapp.auth.routes import bp as auth_bp
    from reviewapp.candidates.routes import bp as candidates_bp
    from reviewapp.conflicts.routes import bp as conflicts_bp
    from reviewapp.discussion.routes import bp as discussion_bp
    from reviewapp.exports.routes import bp as exports_bp
    from reviewapp.health import bp as health_bp
    from reviewapp.importing.routes import bp as importing_bp
    from reviewapp.main.routes import bp as main_bp
    from reviewapp.positions.routes import bp as positions_bp
    from reviewapp.ranking.routes import bp as ranking_bp
    from reviewapp.reviews.routes import bp as reviews_bp
    from reviewapp.rubrics.routes import bp as rubrics_bp
    from reviewapp.stages.routes import bp as stages_bp

    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for blueprint in (
        health_bp,
        auth_bp,
        main_bp,
        admin_bp,
        positions_bp,
        reviews_bp,
        conflicts_bp,
        assignments_bp,
        rubrics_bp,
        ranking_bp,
        exports_bp,
        importing_bp,
        candidates_bp,
        auditlog_bp,
        discussion_bp,
        stages_bp,
    ):
        app.register_blueprint(blueprint)
    if app.config.get("BENCH_HELLO"):
        # The load benchmark's in-run baseline (benchmarks/load_bench.py); off unless asked for.
        app.add_url_rule("/bench/hello", "bench_hello", lambda: "hello")
    return app


def _finish_config(app: Flask) -> None:
    config = app.config
    url = config.pop("DATABASE_URL", None) or config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "reviewapp.sqlite")
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_secret_key(app.instance_path)
