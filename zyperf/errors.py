"""Domain errors, and the one place that maps them (and HTTP errors) to Chinese pages or JSON."""

from flask import current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = "请求有误"

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields


class BadRequest(DomainError):
    """A request value of the wrong type, format or range (zyperf.boundary says which)."""

    status, code, default_message = 400, "bad_request", "请求格式有误"


class PermissionDenied(DomainError):
    status, code, default_message = 403, "forbidden", "您无权进行此操作"


class NotFound(DomainError):
    status, code, default_message = 404, "not_found", "未找到该记录，或您无权查看"


class InvalidTransition(DomainError):
    status, code, default_message = 409, "conflict", "当前状态下不能进行此操作"


class StaleVersion(DomainError):
    status, code, default_message = 409, "conflict", "该记录已被他人修改，请刷新后重试"


class GuardFailed(DomainError):
    status, code, default_message = 422, "invalid", "条件不满足"


class ValidationFailed(DomainError):
    status, code, default_message = 422, "invalid", "填写内容有误，请按提示修改"


class ImportRefused(ValidationFailed):
    """An uploaded table refused: why, and cell by cell where there is a cell (`cells`: objects with
    sheet, cell, message and json())."""

    default_message = "上传的表格未通过检查，未导入任何内容"

    def __init__(self, message: str | None = None, *, cells=()):
        cells = list(cells)
        if message is None and cells:
            message = f"上传的表格有 {len(cells)} 处问题，未导入任何内容：请按下表逐格修改后重新上传"
        super().__init__(message)
        self.cells = cells


HTTP_MESSAGES = {
    400: ("bad_request", "请求有误，或页面已过期，请刷新后重试"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "您无权访问此页面"),
    404: ("not_found", "页面不存在，或您无权查看"),
    405: ("bad_request", "不支持此请求方式"),
    409: ("conflict", "操作冲突，请刷新后重试"),
    413: ("bad_request", "上传的文件过大"),
    422: ("invalid", "填写内容有误"),
    429: ("bad_request", "请求过于频繁，请稍后再试"),
    500: ("server_error", "系统内部错误，已记录，请稍后再试"),
    503: ("unavailable", "服务暂不可用"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields=None, cells=None):
    if wants_json():
        body = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        if cells is not None:
            body["cells"] = [cell.json() for cell in cells]
        return jsonify({"error": body}), status
    return render_error_page(status=status, message=message, fields=fields), status


def render_error_page(**context) -> str:
    """The error page: inside the menu shell for a logged-in user, so no page is a dead end; alone
    (login's plain layout) for others, and whenever the shell itself cannot be drawn."""
    admins = current_app.extensions.get("admin") or []
    if admins and getattr(current_user, "is_authenticated", False) and not request.path.startswith("/static"):
        try:
            return admins[0].index_view.render("errors/error.html", in_shell=True, **context)
        except Exception:  # the shell reads the database (menu badge): when that fails, the plain page
            current_app.logger.warning("error page drawn without the menu", exc_info=True)
    return render_template("errors/error.html", in_shell=False, **context)


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        from zyperf.extensions import db

        db.session.rollback()  # nothing half-written survives a refused action
        return error_response(err.status, err.code, err.message, err.fields, getattr(err, "cells", None))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code, message = HTTP_MESSAGES.get(err.code or 500, ("error", err.description or "请求有误"))
        # CSRF failures arrive as 400 with their own description; say it in Chinese.
        if err.code == 400 and "CSRF" in (err.description or ""):
            message = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重新提交"
        body, status = error_response(err.code or 500, code, message)
        response = app.make_response((body, status))
        # Keep what the error says in headers: Allow on 405, WWW-Authenticate, Retry-After …
        for name, value in err.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    def _database(err: OperationalError):
        from zyperf.extensions import db

        db.session.rollback()
        if "locked" in str(err.orig).lower():
            # SQLite lets one writer at a time; a collision is worth a retry, not an alarm.
            return error_response(
                503, "unavailable", "系统繁忙（数据库正被其他操作占用），请稍后重试，未保存任何内容"
            )
        app.logger.exception("database error")
        return error_response(503, "unavailable", "数据库暂时不可用，请稍后重试")

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        from zyperf.extensions import db

        app.logger.exception("unhandled error")
        db.session.rollback()
        code, message = HTTP_MESSAGES[500]
        return error_response(500, code, message)
