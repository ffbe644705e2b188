"""zyperf: budget performance management (预算绩效管理) for a city bureau."""

from pathlib import Path

from flask import Flask

from zyperf.clock import parse_today

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | type | None = None) -> Flask:
    """Build an app: config, extensions, blueprints, errors, CLI, admin. Nothing runs at import time."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=True,
    )
    from zyperf.config import Config, database_url, secret_key

    app.config.from_object(Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.update(config)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", None)
    app.config["ZYPERF_TODAY"] = parse_today(app.config.get("ZYPERF_TODAY"))
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # pool_pre_ping is pointless for a file; SQLite needs its FK checks switched on per connection.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}

    from zyperf.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: app.config["BABEL_DEFAULT_LOCALE"])
    login_manager.init_app(app)

    from zyperf import models  # noqa: F401  (metadata complete before anything queries)
    from zyperf.auth import init_auth
    from zyperf.database import init_database
    from zyperf.errors import register_error_handlers
    from zyperf.formatting import register_template_filters
    from zyperf.security import init_security
    from zyperf.views import register_blueprints

    init_database(app)
    init_auth(app)
    register_template_filters(app)
    init_security(app)  # before any route: the id converter applies to every rule
    register_blueprints(app)
    register_error_handlers(app)

    from zyperf.cli import register_commands

    register_commands(app)

    from admin import init_admin

    init_admin(app)
    return app
