"""JSON API v1 (../shared/docs/api.md): the same services, permissions and errors as the pages."""

from flask import Blueprint, request
from flask_login import current_user

from zyperf.auth import bearer_token
from zyperf.errors import DomainError
from zyperf.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def csrf_for_browser_sessions():
    # Bearer requests carry no ambient credentials, so they need no CSRF token; cookie sessions do.
    if request.method in ("GET", "HEAD", "OPTIONS") or bearer_token():
        return
    if current_user.is_authenticated:
        csrf.protect()


class BadRequest(DomainError):
    status, code, default_message = 400, "bad_request", "请求格式有误"


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("请求体应为 JSON 对象")
    return data


from zyperf.api import documents, forms, openapi, resources, rounds  # noqa: F401  (routes register on bp)
