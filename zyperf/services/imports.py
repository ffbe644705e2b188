"""Excel back in (issue 10): a document's fill-in template, and the filled template uploaded.

The template is the document's own table (T-1, M-1, S-1/S-2, X-1, or L-5 rows of a rectification
report) built by the export modules, pre-filled, with read-only and computed cells marked by a note,
and §1.8 properties naming the table's kind, family and year plus the document's id, kind and version.
An upload is recognised by those properties, checked against the table's layout, read cell by cell
(zyperf.imports), and goes through the same edit as a typed one (documents.edit_document: the same
validation, history, stale version → 409, locked → 403). Every refusal names its cell; nothing is
applied unless everything is valid."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from zyperf.errors import ImportRefused, NotFound, ValidationFailed
from zyperf.exports import exante, lists, monitoring, self_evaluation, self_evaluation_central, targets
from zyperf.exports.form import Form
from zyperf.exports.workbook import Book, finish
from zyperf.imports import evaluation, forms, problems
from zyperf.imports.common import Context, Reading
from zyperf.imports.reading import Refused, open_upload
from zyperf.imports.sheet import CellError, Sheet
from zyperf.models import DocumentKind, StageDocument, User
from zyperf.permissions import get_visible_or_404
from zyperf.services import document_data, export_data
from zyperf.services import documents as document_service
from zyperf.services.export_data import Sheets
from zyperf.services.exports import XLSX, Download, export_date

NOTE_OPTIONS = {"x_scale": 2, "y_scale": 0.6}
PROBLEM_KINDS = (DocumentKind.RECTIFICATION.value, DocumentKind.DEPARTMENT_RECTIFICATION.value)
TEMPLATE_KINDS = (
    DocumentKind.PERFORMANCE_TARGETS.value,
    DocumentKind.MONITORING.value,
    DocumentKind.SELF_EVALUATION.value,
    DocumentKind.EX_ANTE_ASSESSMENT.value,
    *PROBLEM_KINDS,
)
KIND_NAMES = {
    "targets": "项目支出绩效目标申报表（T-1）",
    "monitoring": "项目支出绩效目标执行监控表（M-1）",
    "self_evaluation": "项目支出绩效自评表（S-1/S-2）",
    "exante_scoring": "事前绩效评估评分表（X-1）",
    "rectification_ledger": "整改台账（L-5）",
}


@dataclass
class Table:
    """A document's table as a template: what it is (§1.8 kind and family, sheet name), the sheet as
    data (a Form; the L-5 rows otherwise), the reader of an upload, and the cells marked."""

    kind: str
    family: str
    name: str
    landscape: bool
    read: Callable[[Sheet, Context], Reading]
    marks: dict[str, str]
    context: Context
    form: Form | None = None
    listing: object = None


def table_of(document: StageDocument, sheets: Sheets | None = None) -> Table:
    """The document's table, pre-filled as the document stands. NotFound for a kind without one."""
    sheets = sheets or Sheets()
    kind, year = document.kind, document.fiscal_year.year
    if kind not in TEMPLATE_KINDS:
        raise NotFound(f"「{document.kind_label}」没有可填报的 Excel 模板")
    ctx = Context(
        data=document.data or {}, fiscal_year=year, settings=document_data.document_settings(document)
    )
    spec = _field(document, ("indicator_table", "problem_table"))
    ctx.rows_max = int((spec or {}).get("rows_max") or 60)
    if kind in PROBLEM_KINDS:
        ctx.bureau, ctx.subject = (
            sheets.system.bureau_name,
            document.project.name if document.project else "部门整体支出",
        )
        rows = ctx.stored_rows("problems")
        listing = problems.problem_list(rows, fiscal_year=year, bureau=ctx.bureau, subject=ctx.subject)
        return Table(
            problems.KIND, "L-5", "整改台账", True, problems.read_problems, problems.problem_marks(len(rows)), ctx,
            listing=listing,
        )  # fmt: skip
    data = export_data.FORMS[kind](document, sheets)
    if kind == DocumentKind.EX_ANTE_ASSESSMENT:
        ctx.form = exante.exante_form(data)
        method = _field(document, ("choice",), key="method") or {}
        ctx.choices = {label: code for code, label in method.get("choices") or []}
        return Table(
            exante.KIND,
            data.family,
            exante.TABLE,
            False,
            evaluation.read_exante,
            evaluation.exante_marks(ctx),
            ctx,
            ctx.form,
        )
    ctx.order = [row.sequence for row in data.indicators]
    n = len(data.indicators)
    if kind == DocumentKind.PERFORMANCE_TARGETS:
        ctx.form = targets.targets_form(data)
        return Table(
            targets.KIND,
            data.family,
            targets.TABLE,
            False,
            forms.read_targets,
            forms.targets_marks(n),
            ctx,
            ctx.form,
        )
    if kind == DocumentKind.MONITORING:
        ctx.month, ctx.form = data.month, monitoring.monitoring_form(data)
        marks = forms.monitoring_marks(n, ctx)
        return Table(
            monitoring.KIND, data.family, monitoring.TABLE, True, forms.read_monitoring, marks, ctx, ctx.form
        )
    ctx.report_code = data.report_code
    if data.family == self_evaluation_central.FAMILY:
        ctx.form = self_evaluation_central.central_form(data)
        marks = evaluation.central_marks(n, ctx)
        name, read = self_evaluation_central.TABLE, evaluation.read_central
    else:
        ctx.form = self_evaluation.sichuan_form(data)
        marks = evaluation.sichuan_marks(n, ctx)
        name, read = self_evaluation.TABLE, evaluation.read_sichuan
    return Table(self_evaluation.KIND, data.family, name, True, read, marks, ctx, ctx.form)


def _field(document: StageDocument, types: tuple[str, ...], key: str | None = None) -> dict | None:
    definition = document_data.definition_of(document)
    return next(
        (
            f
            for f in (definition.fields if definition else [])
            if f["type"] in types and key in (None, f["key"])
        ),
        None,
    )


# --- The template -------------------------------------------------------------------------------------


def template(document_id, *, actor: User) -> Download:
    """The fill-in template of a document the actor may edit. Raises NotFound (out of scope, or a kind
    without a table), PermissionDenied (the document is not editable by the actor). Reads only."""
    document = get_visible_or_404(actor, StageDocument, document_id)
    document_service.require_editable(document, actor)
    return template_of(document)


def template_of(document: StageDocument) -> Download:
    table = table_of(document)
    book = Book()
    if table.form is not None:
        table.form.notes = table.marks
        table.form.write(book, table.name, landscape=table.landscape)
    else:
        lists.write_list(book, table.listing)
        ws = book.xl.worksheets()[0]
        for ref, note in table.marks.items():
            ws.write_comment(ref, note, NOTE_OPTIONS)
    buffer, name = finish(
        book,
        table=table.name,
        kind=table.kind,
        family=table.family,
        author=Sheets().system.bureau_name,
        fiscal_year=document.fiscal_year.year,
        subject=document.project.name if document.project else document.unit.name,
        export_date=export_date(),
        properties={
            "zyperf_document_id": document.id,
            "zyperf_document_kind": document.kind,
            "zyperf_document_version": document.version,
        },
    )
    return Download(buffer, name.replace(f"{table.name}-", f"{table.name}（填报模板）-", 1), XLSX)


# --- The upload ---------------------------------------------------------------------------------------


def import_workbook(
    document: StageDocument,
    content: bytes,
    *,
    actor: User,
    expected_version: int | None,
    today: dt.date | None = None,
) -> StageDocument:
    """Apply a filled-in template to the document through documents.edit_document, or refuse it whole:
    ImportRefused (422: the file, its properties, or its cells, each named), PermissionDenied (403),
    StaleVersion (409). The caller checked scope. Flushes."""
    document_service.require_editable(document, actor)
    try:
        upload = open_upload(content)
    except Refused as err:
        raise ImportRefused(err.message) from None
    table = table_of(document)
    _check_properties(document, table, upload.properties)
    names = upload.workbook.sheetnames
    if names != [table.name]:
        raise ImportRefused(
            f"工作簿应只有一张工作表「{table.name}」，上传的有 {len(names)} 张：{'、'.join(names)[:200]}"
            "（请勿增加、删除或改名工作表）"
        )
    sheet = Sheet(upload.workbook.worksheets[0])
    reading = Reading() if sheet.oversized else table.read(sheet, table.context)
    if sheet.errors:
        raise ImportRefused(cells=sheet.errors)
    data = {**(document.data or {}), **reading.values}
    try:
        return document_service.edit_document(
            document, actor=actor, data=data, expected_version=expected_version, today=today
        )
    except ValidationFailed as err:
        raise ImportRefused(cells=_located(document, sheet.name, reading, err)) from None


def _check_properties(document: StageDocument, table: Table, found: dict) -> None:
    """§1.8 and the template's own: the right table, family and year, this document, this version."""
    if "zyperf_document_id" not in found:
        raise ImportRefused(
            "这不是本系统的填报模板（缺少文档标识）：导出的报表不能直接上传，请在文档页面点击「下载填报模板」"
        )
    kind = str(found.get("zyperf_kind"))
    if kind != table.kind:
        got = KIND_NAMES.get(kind, kind[:40])
        raise ImportRefused(f"上传的是「{got}」的模板，本文档应使用「{KIND_NAMES[table.kind]}」的模板")
    if str(found.get("zyperf_family")) != table.family:
        raise ImportRefused(
            f"上传的模板格式为「{str(found.get('zyperf_family'))[:40]}」，本文档使用「{table.family}」格式：请重新下载模板"
        )
    if str(found.get("zyperf_fiscal_year")) != str(document.fiscal_year.year):
        raise ImportRefused(
            f"上传的是 {str(found.get('zyperf_fiscal_year'))[:8]} 年度的模板，本文档属于 {document.fiscal_year.year} 年度"
        )
    if str(found.get("zyperf_document_id")) != str(document.id):
        raise ImportRefused(
            f"上传的是另一份文档（编号 {str(found['zyperf_document_id'])[:12]}）的模板，请在本文档页面下载模板后填写"
        )
    version = str(found.get("zyperf_document_version"))
    if version != str(document.version):
        raise ImportRefused(
            f"该模板下载于文档第 {version[:12]} 版，文档现为第 {document.version} 版（其间已被修改或办理）："
            "请重新下载模板，填写后再上传"
        )


def _located(document: StageDocument, sheet: str, reading: Reading, err: ValidationFailed) -> list[CellError]:
    """The edit service's messages by field, placed at their cells and prefixed with the field's label."""
    if not err.fields:
        return [CellError(sheet, "A1", err.message)]
    cells = []
    for key, messages in err.fields.items():
        label = document_data.field_label(document, key)
        for message in messages:
            ref, text = reading.place(key, message)
            cells.append(CellError(sheet, ref, f"{label}：{text}"))
    return cells
