"""Who is asking: session login for pages, bearer tokens for the API, and the login-everywhere rule."""

from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for
from flask_login import current_user

from zyperf import boundary
from zyperf.errors import error_response
from zyperf.extensions import db, login_manager
from zyperf.models import User
from zyperf.services.accounts import user_for_token

# Endpoints anyone may reach. Everything else needs a logged-in user (tests enumerate the URL map).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "health.healthz", "health.favicon", "static", "admin.static"})


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


SESSION_ENDED = "登录已失效（已退出登录、修改了密码或账户有变动），请重新登录"
# Marks in the WSGI environ, so they live exactly as long as the request.
TOKEN_USER = "zyperf.token_user"  # noqa: S105 - not a secret: the bearer token's user, or None
SESSION_ENDED_FLAG = "zyperf.session_ended"  # the cookie named a session that has since been ended


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_user() -> User | None:
    """The active user a valid bearer token on this API request belongs to (looked up once), or None.
    Bearer tokens are for the API only; pages keep to the session cookie and its CSRF token."""
    if TOKEN_USER not in request.environ:
        token = bearer_token() if request.path.startswith("/api/") else None
        request.environ[TOKEN_USER] = user_for_token(token) if token else None
    return request.environ[TOKEN_USER]


def authenticated_by_token() -> bool:
    """True when a valid bearer token, not the cookie, says who is asking (no CSRF token needed)."""
    return current_user.is_authenticated and token_user() is not None


def user_for_session(session_id: str) -> User | None:
    """Who is asking: a valid bearer token's user, else the user the session cookie names while its
    generation is the user's current one.

    The session holds "<id>:<generation>" (User.get_id); logout, a password change, a role change and
    deactivation raise the user's generation, which ends every session issued before, on every process.
    """
    if (by_token := token_user()) is not None:
        return by_token
    raw_id, _, raw_epoch = (session_id or "").partition(":")
    user_id = boundary.record_id(raw_id)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        return None
    if (raw_epoch or "0") != str(user.session_epoch):  # a bare id is generation 0
        request.environ[SESSION_ENDED_FLAG] = True
        return None
    return user


def init_auth(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    login_manager.user_loader(user_for_session)
    login_manager.request_loader(lambda req: token_user())

    @login_manager.unauthorized_handler
    def unauthorized():
        ended = request.environ.get(SESSION_ENDED_FLAG, False)
        if ended:
            session.pop("_user_id", None)
        if request.path.startswith("/api/"):
            return error_response(401, "unauthenticated", SESSION_ENDED if ended else "未登录或令牌无效")
        if ended:
            flash(SESSION_ENDED, "warning")
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target), code=303)

    @app.before_request
    def require_login():
        if is_public(request.endpoint) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()
