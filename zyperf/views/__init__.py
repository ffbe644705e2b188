"""Plain Flask blueprints (the pages inside the menu shell are Flask-Admin views, in admin/)."""


def register_blueprints(app):
    from zyperf.api import bp as api_bp
    from zyperf.views.auth import bp as auth_bp
    from zyperf.views.health import bp as health_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
