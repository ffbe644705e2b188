"""The parts of the OpenAPI description (zyperf.api.openapi): types as the boundary accepts them,
the shared responses and the component schemas."""

from zyperf.boundary import INT32_MAX, INT32_MIN, MAX_PAGE
from zyperf.models import ROUND_STAGES, DocumentKind
from zyperf.services import results
from zyperf.services.guards import CONCLUSIONS
from zyperf.services.paging import DEFAULT_PER_PAGE, MAX_API_PER_PAGE
from zyperf.services.workflow import MAX_COMMENT
from zyperf.transitions import DocumentAction, State

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NULLABLE_STR = {"type": ["string", "null"]}
WANYUAN = {"type": "string", "pattern": r"^\d+\.\d{2}$"}  # an amount in 万元, two decimals

# What the boundary (zyperf.boundary) accepts, said where clients read it: 32-bit integers, text
# without NUL or control characters (newline and tab only in multi-line text).
INT32 = {"type": "integer", "format": "int32", "minimum": INT32_MIN, "maximum": INT32_MAX}
ID = INT32 | {"minimum": 1}
VERSION = INT32 | {"minimum": 0}
LINE = "^[^\\u0000-\\u001f\\u007f]*$"
LINES = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


NO_NUL = {"type": "string", "pattern": "^[^\\u0000]*$"}
# Form data: any JSON whose strings and keys carry no NUL (the form definition says the rest).
JSON = {"$ref": "#/components/schemas/Json"}
DATA = {"type": "object", "propertyNames": NO_NUL, "additionalProperties": JSON}


def body(required_keys: list[str], **props) -> dict:
    """A request body object: unknown keys are ignored, but like all the body they carry no NUL."""
    return obj(required_keys, **props) | {"propertyNames": NO_NUL, "additionalProperties": JSON}


def text(max_length: int, *, multiline: bool = False, nullable: bool = False) -> dict:
    return {
        "type": ["string", "null"] if nullable else "string",
        "maxLength": max_length,
        "pattern": LINES if multiline else LINE,
    }


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required_keys: list[str], **props) -> dict:
    return {"type": "object", "required": required_keys, "properties": props}


def json_body(schema: dict, description: str = "成功") -> dict:
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


def operation(
    summary: str, response: dict, *, status: str = "200", body: dict | None = None, params=(), errors=("401",)
) -> dict:
    op = {"summary": summary, "responses": {status: response} | {c: ERRORS[c] for c in errors}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = list(params)
    return op


def multipart(op: dict, schema: dict) -> dict:
    """The operation with a multipart/form-data body (a file upload)."""
    return op | {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


def with_response(op: dict, status: str, response: dict) -> dict:
    """The operation with one more documented response."""
    return op | {"responses": {status: response} | op["responses"]}


def query(name: str, schema=STR) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


PATH_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]

SCHEMAS = {
    "Json": {
        "anyOf": [
            {"type": ["number", "boolean", "null"]},
            NO_NUL,
            {"type": "array", "items": JSON},
            DATA,
        ]
    },
    "Unit": obj(["code", "name"], id=INT, code=STR, name=STR, is_finance=BOOL),
    "Me": obj(
        ["username", "display_name", "roles", "unit", "oversees"],
        username=STR,
        display_name=STR,
        roles={"type": "array", "items": STR},
        unit={"anyOf": [ref("Unit"), {"type": "null"}]},
        oversees={"type": "array", "items": STR},
    ),
    "Amounts": obj(
        ["total", "fiscal", "special", "unit", "other", "carryover"],
        **dict.fromkeys(("total", "fiscal", "special", "unit", "other", "carryover"), STR),
    ),
    "Project": obj(
        ["id", "name", "year", "unit", "amounts", "needs_ex_ante"],
        id=INT,
        code=NULLABLE_STR,
        name=STR,
        year=INT,
        unit=ref("Unit"),
        is_new=BOOL,
        is_major=BOOL,
        is_key_monitoring=BOOL,
        added_mid_year=BOOL,
        amounts=ref("Amounts"),
        needs_ex_ante=BOOL,
        in_library=BOOL,
        documents={
            "type": "array",
            "items": obj(["id", "kind", "state", "version"], id=INT, kind=STR, state=STR, version=INT),
        },
    ),
    "ProjectInput": body(
        ["name"],
        name=text(1000),
        code=text(200, nullable=True),
        year=INT32,
        amounts={
            "type": ["object", "null"],
            "propertyNames": NO_NUL,
            "additionalProperties": JSON,
            "properties": {
                k: {"anyOf": [text(40), {"type": ["number", "null"]}]}
                for k in ("total", "fiscal", "special", "unit", "other", "carryover")
            },
        },
        is_new=BOOL,
        is_major=BOOL,
        is_key_monitoring=BOOL,
        added_mid_year=BOOL,
    ),
    "DocumentSummary": obj(
        ["id", "kind", "state", "state_label", "version"],
        id=INT,
        kind={"enum": [k.value for k in DocumentKind]},
        project_id={"type": ["integer", "null"]},
        unit=STR,
        year=INT,
        state={"enum": [s.value for s in State]},
        state_label=STR,
        version=INT,
    ),
    "HistoryEntry": obj(
        ["at", "actor", "action", "comment"],
        at=STR,
        actor=NULLABLE_STR,
        action=STR,
        **{"from": NULLABLE_STR, "to": NULLABLE_STR},
        comment=STR,
        changes={"type": ["object", "null"]},
    ),
    "Document": {
        "allOf": [
            ref("DocumentSummary"),
            obj(
                ["data", "allowed_actions", "history"],
                form_version={"type": ["integer", "null"]},
                revision=INT,
                data={"type": "object"},
                allowed_actions={"type": "array", "items": {"enum": [a.value for a in DocumentAction]}},
                history={"type": "array", "items": ref("HistoryEntry")},
                declaration={"anyOf": [obj(["by", "at"], by=NULLABLE_STR, at=STR), {"type": "null"}]},
                form_check={"anyOf": [ref("FormCheck"), {"type": "null"}]},
            ),
        ]
    },
    "FormDefinition": obj(
        ["kind", "year", "version", "fields"],
        kind={"enum": [k.value for k in DocumentKind]},
        year=INT,
        version=INT,
        title=STR,
        fields={
            "type": "array",
            "items": obj(["key", "label", "type"], key=STR, label=STR, type=STR, required=BOOL),
        },
    ),
    "DocumentInput": body(
        ["kind"],
        kind={"enum": [k.value for k in DocumentKind]},
        project_id=ID | {"type": ["integer", "null"]},
        year=INT32 | {"type": ["integer", "null"]},
        data={"anyOf": [DATA, {"type": "null"}]},
    ),
    "DocumentEdit": body(["data", "version"], data=DATA, version=VERSION),
    "TransitionInput": body(
        ["action", "version"],
        action={"enum": [a.value for a in DocumentAction]},
        version=VERSION,
        comment=text(MAX_COMMENT, multiline=True, nullable=True),
        conclusion={"enum": [*CONCLUSIONS, None]},
    ),
    "TransitionResult": obj(["state", "version"], state={"enum": [s.value for s in State]}, version=INT),
    "WorkItem": {
        "allOf": [
            ref("DocumentSummary"),
            obj(
                ["actions", "due", "overdue"],
                actions={"type": "array", "items": STR},
                due=NULLABLE_STR,
                overdue=BOOL,
            ),
        ]
    },
    "ResultDecision": obj(
        ["ways", "next_amount", "change", "text", "reason", "version", "decided_by", "decided_at"],
        ways={"type": "array", "items": {"enum": list(results.WAYS)}},
        next_amount=NULLABLE_STR,
        change=NULLABLE_STR,
        text=STR,
        reason=STR,
        version=INT,
        decided_by=NULLABLE_STR,
        decided_at=STR,
    ),
    "ResultRow": {
        "description": "一行一个项目（调用者范围内的本年度项目）；财务科和局主要领导看到的第一行是部门整体支出："
        "subject 为 department，project_id 为 null，method 为 部门评价，得分和等级取自已定稿的部门整体支出绩效评价。"
        "score（两位小数）和金额（万元）为字符串；尚无已定稿评价的项目 score、grade、suggestion 为 null。",
    }
    | obj(
        ["subject", "project_id", "score", "grade", "suggestion", "decision"],
        subject={"enum": ["project", "department"]},
        project_id={"type": ["integer", "null"]},
        name=STR,
        unit=STR,
        method={"enum": ["自评", "部门评价"]},
        evaluation_id={"type": ["integer", "null"]},
        score=NULLABLE_STR,
        grade={"enum": ["优", "良", "中", "差", None]},
        suggestion=NULLABLE_STR,
        budget=NULLABLE_STR,
        decision={"anyOf": [ref("ResultDecision"), {"type": "null"}]},
    ),
    "FormCheck": obj(
        ["by", "at", "comment", "submission"], by=STR, by_id=INT, at=STR, comment=STR, submission=STR
    ),
    "FormCheckInput": body(["comment", "version"], comment=text(500, multiline=True), version=VERSION),
    "FormCheckResult": obj(
        ["version", "form_check"], version=INT, form_check={"anyOf": [ref("FormCheck"), {"type": "null"}]}
    ),
    "RoundInput": body(["stage", "year"], stage={"enum": list(ROUND_STAGES)}, year=INT32),
    "Round": obj(
        ["id", "stage", "year", "month", "due", "opened_at"],
        id=INT,
        stage={"enum": list(ROUND_STAGES)},
        stage_label=STR,
        year=INT,
        month={"type": ["integer", "null"]},
        due=NULLABLE_STR,
        opened_by=NULLABLE_STR,
        opened_at=STR,
    ),
    "RoundOpened": {"allOf": [ref("Round"), obj(["created", "existing"], created=INT, existing=INT)]},
    "RoundProgress": {
        "allOf": [
            ref("Round"),
            obj(
                ["progress"],
                progress={
                    "type": "array",
                    "items": obj(
                        ["unit", "total", "final", "overdue", "by_state"],
                        unit=ref("Unit"),
                        total=INT,
                        final=INT,
                        overdue=INT,
                        by_state={"type": "object", "additionalProperties": INT},
                    ),
                },
            ),
        ]
    },
    "AdjustmentLedgerRow": obj(
        ["project_id", "count", "increase", "decrease", "recalled"],
        project_id=INT,
        project=STR,
        unit=STR,
        count=INT,
        **dict.fromkeys(("increase", "decrease", "recalled"), WANYUAN),
    ),
    "Error": obj(
        ["error"],
        error=obj(
            ["code", "message"],
            code={
                "enum": ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "invalid"]
            },
            message=STR,
            fields={"type": "object", "additionalProperties": {"type": "array", "items": STR}},
            cells={"type": "array", "items": ref("CellError")},
        ),
    ),
    # A refused upload, cell by cell (api.md: error.cells); empty when the file itself is refused.
    "CellError": obj(
        ["sheet", "cell", "message"],
        sheet=STR,
        cell={"type": "string", "pattern": "^[A-Z]{1,3}[0-9]+$"},
        message=STR,
    ),
    # Other parts are ignored, but like every name the boundary reads, theirs carry no NUL.
    "TableUpload": obj(
        ["file", "version"],
        file={"type": "string", "format": "binary", "description": "填好的填报模板（.xlsx）"},
        version=VERSION | {"description": "您看到的文档版本"},
    )
    | {"propertyNames": NO_NUL},
}

array = lambda name: {"type": "array", "items": ref(name)}


def page(name: str) -> dict:
    """A list route's answer (api.md): one page of items and the total."""
    return obj(
        ["items", "page", "per_page", "total"],
        items=array(name),
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1, "maximum": MAX_API_PER_PAGE},
        total={"type": "integer", "minimum": 0},
    )


PAGING = [
    query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    # Any count is accepted; more than MAX_API_PER_PAGE is answered with MAX_API_PER_PAGE (see per_page).
    query("per_page", ID | {"default": DEFAULT_PER_PAGE}),
]
