"""Who is asking: session login for pages, bearer tokens for the API, and the login-everywhere rule."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for
from flask_login import current_user

from zyperf.errors import error_response
from zyperf.extensions import db, login_manager
from zyperf.models import User

# Endpoints anyone may reach. Everything else needs a logged-in user (tests enumerate the URL map).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "health.healthz", "static", "admin.static"})


def is_public(endpoint: str | None) -> bool:
    return endpoint is None or endpoint in PUBLIC_ENDPOINTS


def safe_next(target: str | None) -> str | None:
    """Only paths inside this site; anything with a scheme, host or protocol-relative trick is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def init_auth(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and user.active else None

    @login_manager.request_loader
    def load_user_from_token(req):
        # Bearer tokens are for the API only; pages keep to the session cookie (and its CSRF token).
        if not req.path.startswith("/api/"):
            return None
        token = bearer_token()
        if token is None:
            return None
        from zyperf.services.accounts import user_for_token

        return user_for_token(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return error_response(401, "unauthenticated", "未登录或令牌无效")
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target), code=303)

    @app.before_request
    def require_login():
        if is_public(request.endpoint) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()
