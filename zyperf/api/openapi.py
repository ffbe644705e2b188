"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json; tests hold routes and
responses to it."""

from flask import jsonify

from zyperf.api import bp
from zyperf.api.schemas import (
    ID,
    INT32,
    PAGING,
    PATH_ID,
    SCHEMAS,
    array,
    json_body,
    multipart,
    operation,
    page,
    query,
    ref,
    text,
    with_response,
)
from zyperf.models import DocumentKind
from zyperf.services import exports
from zyperf.transitions import State

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
            name: json_body(ref("Error"), text)
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
        "/me": {"get": operation("当前用户", json_body(ref("Me")))},
        "/units": {"get": operation("可见的科室（单位）", json_body(array("Unit")))},
        "/projects": {
            "get": operation(
                "范围内的项目（分页）",
                json_body(page("Project")),
                params=[query("year", INT32), query("unit", text(32)), *PAGING],
                errors=("400", "401"),
            ),
            "post": operation(
                "经办人新建本单位项目",
                json_body(ref("Project"), "已创建"),
                status="201",
                body=ref("ProjectInput"),
                errors=("400", "401", "403", "422"),
            ),
        },
        "/projects/{id}": {
            "get": {
                **operation("项目及其阶段文档", json_body(ref("Project")), errors=("401", "404")),
                "parameters": PATH_ID,
            }
        },
        "/documents": {
            "get": operation(
                "范围内的阶段文档（分页）",
                json_body(page("DocumentSummary")),
                params=[
                    query("project", ID),
                    query("kind", {"enum": [k.value for k in DocumentKind]}),
                    query("state", {"enum": [s.value for s in State]}),
                    query("year", INT32),
                    *PAGING,
                ],
                errors=("400", "401"),
            ),
            "post": operation(
                "新建阶段文档（初始状态）",
                json_body(ref("Document"), "已创建"),
                status="201",
                body=ref("DocumentInput"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/documents/{id}": {
            "parameters": PATH_ID,
            "get": operation(
                "文档详情、可执行操作与办理记录", json_body(ref("Document")), errors=("401", "404")
            ),
            "patch": operation(
                "修改文档数据（仅可编辑状态）",
                json_body(ref("Document")),
                body=ref("DocumentEdit"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/documents/{id}/transitions": {
            "parameters": PATH_ID,
            "post": operation(
                "办理：改变文档状态的唯一途径",
                json_body(ref("TransitionResult")),
                body=ref("TransitionInput"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/documents/{id}/template": {
            "parameters": PATH_ID,
            "get": operation(
                "文档的 Excel 填报模板：按其报表格式预填现有内容，只读和计算的单元格带批注，属性标明文档及其版本",
                {
                    "description": ".xlsx 工作簿",
                    "content": {exports.XLSX: {"schema": {"type": "string", "format": "binary"}}},
                },
                errors=("401", "403", "404"),
            ),
        },
        "/documents/{id}/import": {
            "parameters": PATH_ID,
            "post": multipart(
                operation(
                    "上传填好的填报模板：逐格检查后与页面修改走同一服务，全部无误才保存；有误时 422，error.cells 逐格说明",
                    json_body(ref("TransitionResult")),
                    errors=("400", "401", "403", "404", "409", "422"),
                ),
                ref("TableUpload"),
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
            "get": operation(
                "某年度已发布的阶段表单定义",
                json_body(ref("FormDefinition")),
                params=[query("year", INT32)],
                errors=("400", "401", "404"),
            ),
        },
        "/documents/{id}/form-check": {
            "parameters": PATH_ID,
            "post": operation(
                "财务科规范性审核（报送市财政局前须完成）",
                json_body(ref("FormCheckResult")),
                body=ref("FormCheckInput"),
                errors=("400", "401", "403", "404", "409", "422"),
            ),
        },
        "/projects/{id}/archive": {
            "parameters": PATH_ID,
            "get": operation(
                "项目档案包（.zip：附件、办理记录 history.json、manifest.json 含每个文件的 SHA-256）",
                {"description": "zip 文件", "content": {"application/zip": {}}},
                errors=("401", "404", "422"),
            ),
        },
        "/ledgers/results": {
            "get": operation(
                "评价结果应用台账：每个项目（及部门整体）的得分、等级、应用建议和财务科的决定",
                json_body(array("ResultRow")),
                params=[query("year", INT32), query("project", ID)],
                errors=("400", "401", "403", "404"),
            )
        },
        "/worklist": {
            "get": operation(
                "我的待办（最早的在前，分页）",
                json_body(page("WorkItem")),
                params=PAGING,
                errors=("400", "401"),
            )
        },
        "/rounds": {
            "post": with_response(
                operation(
                    "财务科下发监控或自评任务：每个入库项目一份预填文档；再次下发只补缺",
                    json_body(ref("RoundOpened"), "已下发"),
                    status="201",
                    body=ref("RoundInput"),
                    errors=("400", "401", "403", "404", "409", "422"),
                ),
                "200",
                json_body(ref("RoundOpened"), "此前已下发：只补齐缺少的文档"),
            ),
            "get": operation(
                "某年度的下发任务及各科室（单位）进度",
                json_body(array("RoundProgress")),
                params=[query("year", INT32)],
                errors=("400", "401", "403", "404"),
            ),
        },
        "/ledgers/adjustments": {
            "get": operation(
                "预算调整台账：每个项目的调整次数与追加、调减、收回金额（万元）",
                json_body(array("AdjustmentLedgerRow")),
                params=[query("year", INT32), query("unit", text(32))],
                errors=("400", "401", "403", "404"),
            )
        },
        "/exports/{kind}": {
            "parameters": [
                {"name": "kind", "in": "path", "required": True, "schema": {"enum": list(exports.KINDS)}}
            ],
            "get": operation(
                "按市财政局格式导出报表（excel-formats §1.8）：带 project 为该项目的表；带 unit 为该科室（单位）的"
                "汇总表（逐项目的表随后附上）；都不带为全局（财务科、局主要领导），逐项目的表按科室（单位）分册打包为 .zip",
                {
                    "description": ".xlsx 工作簿，或全局逐项目表的 .zip",
                    "content": {
                        exports.XLSX: {"schema": {"type": "string", "format": "binary"}},
                        exports.ZIP: {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                params=[query("year", INT32), query("unit", text(32)), query("project", ID)],
                errors=("400", "401", "403", "404", "422"),
            ),
        },
        "/openapi.json": {"get": operation("本文档（OpenAPI 3.1）", {"description": "OpenAPI 3.1"})},
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
