"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json; tests hold routes and
responses to it."""

from flask import jsonify

from zyperf.api import bp
from zyperf.boundary import INT32_MAX, INT32_MIN, MAX_PAGE
from zyperf.models import ROUND_STAGES, DocumentKind
from zyperf.services import results
from zyperf.services.guards import CONCLUSIONS
from zyperf.services.paging import DEFAULT_PER_PAGE, MAX_API_PER_PAGE
from zyperf.services.workflow import MAX_COMMENT
from zyperf.transitions import DocumentAction, State

_str = {"type": "string"}
_int = {"type": "integer"}
_bool = {"type": "boolean"}
_nullable_str = {"type": ["string", "null"]}
_wanyuan = {"type": "string", "pattern": r"^\d+\.\d{2}$"}  # an amount in 万元, two decimals

# What the boundary (zyperf.boundary) accepts, said where clients read it: 32-bit integers, text
# without NUL or control characters (newline and tab only in multi-line text).
_int32 = {"type": "integer", "format": "int32", "minimum": INT32_MIN, "maximum": INT32_MAX}
_id = _int32 | {"minimum": 1}
_version = _int32 | {"minimum": 0}
_LINE = "^[^\\u0000-\\u001f\\u007f]*$"
_LINES = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


_NO_NUL = {"type": "string", "pattern": "^[^\\u0000]*$"}
# Form data: any JSON whose strings and keys carry no NUL (the form definition says the rest).
_JSON = {"$ref": "#/components/schemas/Json"}
_data = {"type": "object", "propertyNames": _NO_NUL, "additionalProperties": _JSON}


def _input(required_keys: list[str], **props) -> dict:
    """A request body object: unknown keys are ignored, but like all the body they carry no NUL."""
    return _obj(required_keys, **props) | {"propertyNames": _NO_NUL, "additionalProperties": _JSON}


def _text(max_length: int, *, multiline: bool = False, nullable: bool = False) -> dict:
    return {
        "type": ["string", "null"] if nullable else "string",
        "maxLength": max_length,
        "pattern": _LINES if multiline else _LINE,
    }


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


def _with(op: dict, status: str, response: dict) -> dict:
    """The operation with one more documented response."""
    return op | {"responses": {status: response} | op["responses"]}


def _q(name: str, schema=_str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_path_id = [{"name": "id", "in": "path", "required": True, "schema": _id}]

SCHEMAS = {
    "Json": {
        "anyOf": [
            {"type": ["number", "boolean", "null"]},
            _NO_NUL,
            {"type": "array", "items": _JSON},
            _data,
        ]
    },
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
        in_library=_bool,
        documents={
            "type": "array",
            "items": _obj(["id", "kind", "state", "version"], id=_int, kind=_str, state=_str, version=_int),
        },
    ),
    "ProjectInput": _input(
        ["name"],
        name=_text(1000),
        code=_text(200, nullable=True),
        year=_int32,
        amounts={
            "type": ["object", "null"],
            "propertyNames": _NO_NUL,
            "additionalProperties": _JSON,
            "properties": {
                k: {"anyOf": [_text(40), {"type": ["number", "null"]}]}
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
                declaration={"anyOf": [_obj(["by", "at"], by=_nullable_str, at=_str), {"type": "null"}]},
                form_check={"anyOf": [_ref("FormCheck"), {"type": "null"}]},
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
    "DocumentInput": _input(
        ["kind"],
        kind={"enum": [k.value for k in DocumentKind]},
        project_id=_id | {"type": ["integer", "null"]},
        year=_int32 | {"type": ["integer", "null"]},
        data={"anyOf": [_data, {"type": "null"}]},
    ),
    "DocumentEdit": _input(["data", "version"], data=_data, version=_version),
    "TransitionInput": _input(
        ["action", "version"],
        action={"enum": [a.value for a in DocumentAction]},
        version=_version,
        comment=_text(MAX_COMMENT, multiline=True, nullable=True),
        conclusion={"enum": [*CONCLUSIONS, None]},
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
    "ResultDecision": _obj(
        ["ways", "next_amount", "change", "text", "reason", "version", "decided_by", "decided_at"],
        ways={"type": "array", "items": {"enum": list(results.WAYS)}},
        next_amount=_nullable_str,
        change=_nullable_str,
        text=_str,
        reason=_str,
        version=_int,
        decided_by=_nullable_str,
        decided_at=_str,
    ),
    "ResultRow": {
        "description": "一行一个项目（调用者范围内的本年度项目）；财务科和局主要领导看到的第一行是部门整体支出："
        "subject 为 department，project_id 为 null，method 为 部门评价，得分和等级取自已定稿的部门整体支出绩效评价。"
        "score（两位小数）和金额（万元）为字符串；尚无已定稿评价的项目 score、grade、suggestion 为 null。",
    }
    | _obj(
        ["subject", "project_id", "score", "grade", "suggestion", "decision"],
        subject={"enum": ["project", "department"]},
        project_id={"type": ["integer", "null"]},
        name=_str,
        unit=_str,
        method={"enum": ["自评", "部门评价"]},
        evaluation_id={"type": ["integer", "null"]},
        score=_nullable_str,
        grade={"enum": ["优", "良", "中", "差", None]},
        suggestion=_nullable_str,
        budget=_nullable_str,
        decision={"anyOf": [_ref("ResultDecision"), {"type": "null"}]},
    ),
    "FormCheck": _obj(
        ["by", "at", "comment", "submission"], by=_str, by_id=_int, at=_str, comment=_str, submission=_str
    ),
    "FormCheckInput": _input(["comment", "version"], comment=_text(500, multiline=True), version=_version),
    "FormCheckResult": _obj(
        ["version", "form_check"], version=_int, form_check={"anyOf": [_ref("FormCheck"), {"type": "null"}]}
    ),
    "RoundInput": _input(["stage", "year"], stage={"enum": list(ROUND_STAGES)}, year=_int32),
    "Round": _obj(
        ["id", "stage", "year", "month", "due", "opened_at"],
        id=_int,
        stage={"enum": list(ROUND_STAGES)},
        stage_label=_str,
        year=_int,
        month={"type": ["integer", "null"]},
        due=_nullable_str,
        opened_by=_nullable_str,
        opened_at=_str,
    ),
    "RoundOpened": {"allOf": [_ref("Round"), _obj(["created", "existing"], created=_int, existing=_int)]},
    "RoundProgress": {
        "allOf": [
            _ref("Round"),
            _obj(
                ["progress"],
                progress={
                    "type": "array",
                    "items": _obj(
                        ["unit", "total", "final", "overdue", "by_state"],
                        unit=_ref("Unit"),
                        total=_int,
                        final=_int,
                        overdue=_int,
                        by_state={"type": "object", "additionalProperties": _int},
                    ),
                },
            ),
        ]
    },
    "AdjustmentLedgerRow": _obj(
        ["project_id", "count", "increase", "decrease", "recalled"],
        project_id=_int,
        project=_str,
        unit=_str,
        count=_int,
        **dict.fromkeys(("increase", "decrease", "recalled"), _wanyuan),
    ),
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
        per_page={"type": "integer", "minimum": 1, "maximum": MAX_API_PER_PAGE},
        total={"type": "integer", "minimum": 0},
    )


PAGING = [
    _q("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    # Any count is accepted; more than MAX_API_PER_PAGE is answered with MAX_API_PER_PAGE (see per_page).
    _q("per_page", _id | {"default": DEFAULT_PER_PAGE}),
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
                params=[_q("year", _int32), _q("unit", _text(32)), *PAGING],
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
                params=[
                    _q("project", _id),
                    _q("kind", {"enum": [k.value for k in DocumentKind]}),
                    _q("state", {"enum": [s.value for s in State]}),
                    _q("year", _int32),
                    *PAGING,
                ],
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
                params=[_q("year", _int32)],
                errors=("400", "401", "404"),
            ),
        },
        "/documents/{id}/form-check": {
            "parameters": _path_id,
            "post": _op(
                "财务科规范性审核（报送市财政局前须完成）",
                _json(_ref("FormCheckResult")),
                body=_ref("FormCheckInput"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/projects/{id}/archive": {
            "parameters": _path_id,
            "get": _op(
                "项目档案包（.zip：附件、办理记录 history.json、manifest.json 含每个文件的 SHA-256）",
                {"description": "zip 文件", "content": {"application/zip": {}}},
                errors=("401", "404", "422"),
            ),
        },
        "/ledgers/results": {
            "get": _op(
                "评价结果应用台账：每个项目（及部门整体）的得分、等级、应用建议和财务科的决定",
                _json(_array("ResultRow")),
                params=[_q("year", _int32), _q("project", _id)],
                errors=("400", "401", "403", "404"),
            )
        },
        "/worklist": {
            "get": _op(
                "我的待办（最早的在前，分页）", _json(_page("WorkItem")), params=PAGING, errors=("400", "401")
            )
        },
        "/rounds": {
            "post": _with(
                _op(
                    "财务科下发监控或自评任务：每个入库项目一份预填文档；再次下发只补缺",
                    _json(_ref("RoundOpened"), "已下发"),
                    status="201",
                    body=_ref("RoundInput"),
                    errors=("400", "401", "403", "404", "409", "422"),
                ),
                "200",
                _json(_ref("RoundOpened"), "此前已下发：只补齐缺少的文档"),
            ),
            "get": _op(
                "某年度的下发任务及各科室（单位）进度",
                _json(_array("RoundProgress")),
                params=[_q("year", _int32)],
                errors=("400", "401", "403", "404"),
            ),
        },
        "/ledgers/adjustments": {
            "get": _op(
                "预算调整台账：每个项目的调整次数与追加、调减、收回金额（万元）",
                _json(_array("AdjustmentLedgerRow")),
                params=[_q("year", _int32), _q("unit", _text(32))],
                errors=("400", "401", "403", "404"),
            )
        },
        "/openapi.json": {"get": _op("本文档（OpenAPI 3.1）", {"description": "OpenAPI 3.1"})},
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
