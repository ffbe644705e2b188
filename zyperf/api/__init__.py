"""JSON API v1 (../shared/docs/api.md): the same services, permissions and errors as the pages."""

from flask import Blueprint, request
from flask_login import current_user

from zyperf import boundary
from zyperf.auth import authenticated_by_token
from zyperf.errors import BadRequest
from zyperf.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

__all__ = ["BadRequest", "bp", "int_arg", "json_body"]


@bp.before_request
def csrf_for_browser_sessions():
    # A request authenticated by a valid bearer token carries no ambient credentials, so it needs no
    # CSRF token. Anything authenticated by the session cookie does, whatever Authorization header
    # it also sends.
    if request.method in ("GET", "HEAD", "OPTIONS") or authenticated_by_token():
        return
    if current_user.is_authenticated:
        csrf.protect()


def json_body() -> dict:
    """The request's JSON object, parsed through the boundary (depth, NaN, NUL, lone surrogates)."""
    if not request.is_json:
        raise BadRequest("请求体应为 JSON 对象（Content-Type: application/json）")
    data = boundary.parse_json(request.get_data(cache=True))
    if not isinstance(data, dict):
        raise BadRequest("请求体应为 JSON 对象")
    return data


def int_arg(name: str, **limits) -> int | None:
    """An optional integer query parameter, 32-bit unless limits say otherwise. Present but empty
    is a mistake here (pages' filter forms send empty values; API clients leave the parameter out)."""
    value = request.args.get(name)
    return None if value is None else boundary.integer(value, name, **limits)


def str_arg(name: str, *, max_length: int = 100) -> str | None:
    """An optional one-line text query parameter."""
    value = request.args.get(name)
    return None if value is None else boundary.text(value, name, max_length=max_length)


from zyperf.api import documents, exports, forms, imports, openapi, records, resources, rounds  # noqa: F401  (routes register on bp)
