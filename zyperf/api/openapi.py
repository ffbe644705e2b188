"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json; tests hold routes and
responses to it."""

from flask import jsonify

from zyperf.api import bp
from zyperf.models import DocumentKind
from zyperf.services.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE
from zyperf.transitions import DocumentAction, State

_str = {"type": "string"}
_int = {"type": "integer"}
_bool = {"type": "boolean"}
_nullable_str = {"type": ["string", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required_keys: list[str], **props) -> dict:
    return {"type": "object", "required": required_keys, "properties": props}


def _json(schema: dict, description: str = "成功") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    code: {"$ref": f"#/components/responses/{name}"}
    for code, name in (
        ("400", "BadRequest"),
        ("401", "Unauthenticated"),
        ("403", "Forbidden"),
        ("404", "NotFound"),
        ("409", "Conflict"),
        ("422", "Invalid"),
    )
}


def _op(
    summary: str, response: dict, *, status: str = "200", body: dict | None = None, params=(), errors=("401",)
) -> dict:
    op = {"summary": summary, "responses": {status: response} | {c: ERRORS[c] for c in errors}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = list(params)
    return op


def _q(name: str, schema=_str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_path_id = [{"name": "id", "in": "path", "required": True, "schema": _int}]

SCHEMAS = {
    "Unit": _obj(["code", "name"], id=_int, code=_str, name=_str, is_finance=_bool),
    "Me": _obj(
        ["username", "display_name", "roles", "unit", "oversees"],
        username=_str,
        display_name=_str,
        roles={"type": "array", "items": _str},
        unit={"anyOf": [_ref("Unit"), {"type": "null"}]},
        oversees={"type": "array", "items": _str},
    ),
    "Amounts": _obj(
        ["total", "fiscal", "special", "unit", "other", "carryover"],
        **dict.fromkeys(("total", "fiscal", "special", "unit", "other", "carryover"), _str),
    ),
    "Project": _obj(
        ["id", "name", "year", "unit", "amounts", "needs_ex_ante"],
        id=_int,
        code=_nullable_str,
        name=_str,
        year=_int,
        unit=_ref("Unit"),
        is_new=_bool,
        is_major=_bool,
        is_key_monitoring=_bool,
        added_mid_year=_bool,
        amounts=_ref("Amounts"),
        needs_ex_ante=_bool,
        documents={
            "type": "array",
            "items": _obj(["id", "kind", "state", "version"], id=_int, kind=_str, state=_str, version=_int),
        },
    ),
    "ProjectInput": _obj(
        ["name"],
        name=_str,
        code=_nullable_str,
        year=_int,
        amounts={
            "type": "object",
            "properties": {
                k: {"type": ["string", "number"]}
                for k in ("total", "fiscal", "special", "unit", "other", "carryover")
            },
        },
        is_new=_bool,
        is_major=_bool,
        is_key_monitoring=_bool,
        added_mid_year=_bool,
    ),
    "DocumentSummary": _obj(
        ["id", "kind", "state", "state_label", "version"],
        id=_int,
        kind={"enum": [k.value for k in DocumentKind]},
        project_id={"type": ["integer", "null"]},
        unit=_str,
        year=_int,
        state={"enum": [s.value for s in State]},
        state_label=_str,
        version=_int,
    ),
    "HistoryEntry": _obj(
        ["at", "actor", "action", "comment"],
        at=_str,
        actor=_nullable_str,
        action=_str,
        **{"from": _nullable_str, "to": _nullable_str},
        comment=_str,
        changes={"type": ["object", "null"]},
    ),
    "Document": {
        "allOf": [
            _ref("DocumentSummary"),
            _obj(
                ["data", "allowed_actions", "history"],
                form_version={"type": ["integer", "null"]},
                revision=_int,
                data={"type": "object"},
                allowed_actions={"type": "array", "items": {"enum": [a.value for a in DocumentAction]}},
                history={"type": "array", "items": _ref("HistoryEntry")},
            ),
        ]
    },
    "FormDefinition": _obj(
        ["kind", "year", "version", "fields"],
        kind={"enum": [k.value for k in DocumentKind]},
        year=_int,
        version=_int,
        title=_str,
        fields={
            "type": "array",
            "items": _obj(["key", "label", "type"], key=_str, label=_str, type=_str, required=_bool),
        },
    ),
    "DocumentInput": _obj(
        ["kind"],
        kind={"enum": [k.value for k in DocumentKind]},
        project_id=_int,
        year=_int,
        data={"type": "object"},
    ),
    "DocumentEdit": _obj(["data", "version"], data={"type": "object"}, version=_int),
    "TransitionInput": _obj(
        ["action", "version"],
        action={"enum": [a.value for a in DocumentAction]},
        version=_int,
        comment=_str,
        conclusion={"enum": ["予以支持", "不予支持"]},
    ),
    "TransitionResult": _obj(["state", "version"], state={"enum": [s.value for s in State]}, version=_int),
    "WorkItem": {
        "allOf": [
            _ref("DocumentSummary"),
            _obj(
                ["actions", "due", "overdue"],
                actions={"type": "array", "items": _str},
                due=_nullable_str,
                overdue=_bool,
            ),
        ]
    },
    "Error": _obj(
        ["error"],
        error=_obj(
            ["code", "message"],
            code={
                "enum": ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "invalid"]
            },
            message=_str,
            fields={"type": "object", "additionalProperties": {"type": "array", "items": _str}},
        ),
    ),
}

_array = lambda name: {"type": "array", "items": _ref(name)}


def _page(name: str) -> dict:
    """A list route's answer (api.md): one page of items and the total."""
    return _obj(
        ["items", "page", "per_page", "total"],
        items=_array(name),
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        total={"type": "integer", "minimum": 0},
    )


PAGING = [
    _q("page", {"type": "integer", "minimum": 1, "default": 1}),
    _q("per_page", {"type": "integer", "minimum": 1, "default": DEFAULT_PER_PAGE, "maximum": MAX_PER_PAGE}),
]

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "zyperf 预算绩效管理 API", "version": "1"},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}, {"session": []}],
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
        "schemas": SCHEMAS,
        "responses": {
            name: _json(_ref("Error"), text)
            for name, text in (
                ("BadRequest", "请求格式有误"),
                ("Unauthenticated", "未登录或令牌无效"),
                ("Forbidden", "角色、范围或职责分离不允许"),
                ("NotFound", "不存在，或不在您的范围内"),
                ("Conflict", "版本过期，或当前状态不允许该操作"),
                ("Invalid", "数据未通过校验或流程条件不满足"),
            )
        },
    },
    "paths": {
        "/me": {"get": _op("当前用户", _json(_ref("Me")))},
        "/units": {"get": _op("可见的科室（单位）", _json(_array("Unit")))},
        "/projects": {
            "get": _op(
                "范围内的项目（分页）",
                _json(_page("Project")),
                params=[_q("year", _int), _q("unit"), *PAGING],
                errors=("400", "401"),
            ),
            "post": _op(
                "经办人新建本单位项目",
                _json(_ref("Project"), "已创建"),
                status="201",
                body=_ref("ProjectInput"),
                errors=("400", "401", "403", "422"),
            ),
        },
        "/projects/{id}": {
            "get": {
                **_op("项目及其阶段文档", _json(_ref("Project")), errors=("401", "404")),
                "parameters": _path_id,
            }
        },
        "/documents": {
            "get": _op(
                "范围内的阶段文档（分页）",
                _json(_page("DocumentSummary")),
                params=[_q("project", _int), _q("kind"), _q("state"), _q("year", _int), *PAGING],
                errors=("400", "401"),
            ),
            "post": _op(
                "新建阶段文档（初始状态）",
                _json(_ref("Document"), "已创建"),
                status="201",
                body=_ref("DocumentInput"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/documents/{id}": {
            "parameters": _path_id,
            "get": _op("文档详情、可执行操作与办理记录", _json(_ref("Document")), errors=("401", "404")),
            "patch": _op(
                "修改文档数据（仅可编辑状态）",
                _json(_ref("Document")),
                body=_ref("DocumentEdit"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/documents/{id}/transitions": {
            "parameters": _path_id,
            "post": _op(
                "办理：改变文档状态的唯一途径",
                _json(_ref("TransitionResult")),
                body=_ref("TransitionInput"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/forms/{kind}": {
            "parameters": [
                {
                    "name": "kind",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": [k.value for k in DocumentKind]},
                }
            ],
            "get": _op(
                "某年度已发布的阶段表单定义",
                _json(_ref("FormDefinition")),
                params=[_q("year", _int)],
                errors=("400", "401", "404"),
            ),
        },
        "/worklist": {
            "get": _op(
                "我的待办（最早的在前，分页）", _json(_page("WorkItem")), params=PAGING, errors=("400", "401")
            )
        },
        "/openapi.json": {"get": _op("本文档（OpenAPI 3.1）", {"description": "OpenAPI 3.1"})},
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
