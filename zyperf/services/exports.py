"""Every workbook people get (excel-formats §1.8 kinds), for the pages, the API, the command line and
the project archive: what was asked (kind, year, unit, project) resolved through the scope check,
the documents read in a fixed number of queries, export_data / export_lists turning them into what the
tables print, the pure builders of zyperf.exports laying them out.

A unit gets its own, division leaders their units, finance and the principal everything (the bureau's
workbooks too); admins nothing. Out of scope is NotFound (404), never an empty or partial workbook.
`actor=None` is the system exporting the whole bureau from the command line."""

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from zyperf import clock
from zyperf.errors import NotFound, ValidationFailed
from zyperf.exports import combined, department, lists
from zyperf.exports.exante import build_exante
from zyperf.exports.model import Combined
from zyperf.exports.monitoring import build_monitoring
from zyperf.exports.self_evaluation import build_self_evaluation
from zyperf.exports.targets import build_targets
from zyperf.exports.workbook import file_name
from zyperf.extensions import db
from zyperf.formatting import BEIJING
from zyperf.models import DocumentEvent, DocumentKind, FiscalYear, Project, StageDocument, Unit, User
from zyperf.permissions import ALL, Action, get_visible_or_404, require, scoped_or_bureau, visible_unit_ids
from zyperf.services import export_data, export_lists
from zyperf.services import projects as project_service
from zyperf.services.export_data import Sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
Progress = Callable[[int, int], None]

KIND_LABELS = {
    "targets": "项目支出绩效目标申报表（T-1）",
    "monitoring": "项目支出绩效目标执行监控表（M-1）",
    "self_evaluation": "项目支出绩效自评表（S-1/S-2）",
    "exante_scoring": "事前绩效评估评分表（X-1）",
    "department_targets": "部门（单位）整体支出绩效目标申报表（D-1）",
    "department_self_evaluation": "部门整体支出绩效自评表（D-2）",
    "targets_summary": "绩效目标汇总表（L-1）",
    "exante_summary": "事前绩效评估汇总表（L-2）",
    "monitoring_summary": "绩效监控汇总表（L-3）",
    "self_evaluation_summary": "绩效自评汇总表（L-4）",
    "rectification_ledger": "预算绩效问题整改台账（L-5）",
    "result_application_ledger": "绩效评价结果应用台账（L-6）",
}
KINDS = tuple(KIND_LABELS)
# Per-project tables: the documents they read, and the list their unit and bureau workbooks open with.
FORM_KINDS = {
    "targets": (DocumentKind.PERFORMANCE_TARGETS, "targets_summary"),
    "monitoring": (DocumentKind.MONITORING, "monitoring_summary"),
    "self_evaluation": (DocumentKind.SELF_EVALUATION, "self_evaluation_summary"),
    "exante_scoring": (DocumentKind.EX_ANTE_ASSESSMENT, "exante_summary"),
}
SUMMARY_KINDS = {summary: document_kind for document_kind, summary in FORM_KINDS.values()}
DEPARTMENT_KINDS = {
    "department_targets": DocumentKind.DEPARTMENT_TARGETS,
    "department_self_evaluation": DocumentKind.DEPARTMENT_EVALUATION,
}
LEDGER_KINDS = {
    "rectification_ledger": export_lists.problem_list,
    "result_application_ledger": export_lists.application_list,
}
# The document list's workbooks, by the kind it shows: its list, and the combined workbook (§8.7).
LIST_OF_DOCUMENT = {kind.value: (summary, name) for name, (kind, summary) in FORM_KINDS.items()} | {
    DocumentKind.RECTIFICATION.value: ("rectification_ledger",),
    DocumentKind.DEPARTMENT_RECTIFICATION.value: ("rectification_ledger",),
}
# A document's own table: the export kind of each document kind that has one.
TABLE_OF = {kind.value: name for name, (kind, _) in FORM_KINDS.items()} | {
    kind.value: name for name, kind in DEPARTMENT_KINDS.items()
}
BUILDERS = {
    DocumentKind.PERFORMANCE_TARGETS.value: build_targets,
    DocumentKind.MONITORING.value: build_monitoring,
    DocumentKind.SELF_EVALUATION.value: build_self_evaluation,
    DocumentKind.EX_ANTE_ASSESSMENT.value: build_exante,
}
CARRYING = frozenset({DocumentKind.MONITORING.value, DocumentKind.SELF_EVALUATION.value})
CHUNK = 500  # documents read at a time
# Project rows in the order of every list (§8.0): the unit's order, 项目编码 (none last), 项目名称.
LIST_ORDER = (Unit.sort_order, func.coalesce(Project.code, "") == "", Project.code, Project.name, Project.id)


@dataclass(frozen=True)
class Download:
    buffer: io.BytesIO
    name: str
    mimetype: str = XLSX


def export_date() -> dt.date:
    """§1.7: the day in Asia/Shanghai."""
    return clock.now().replace(tzinfo=dt.UTC).astimezone(BEIJING).date()


# --- What was asked, within the asker's scope ---------------------------------------------------------


def export(
    kind: str,
    *,
    actor: User | None,
    year: int | None = None,
    unit_code: str | None = None,
    project_id: int | None = None,
    per_unit: bool = False,
    progress: Progress | None = None,
) -> Download:
    """The workbook of `kind` (§1.8) for the year (default: the current one): with a project, that
    project's table; with a unit, the unit's list, or its combined workbook (§8.7) for a per-project
    kind; with neither, the bureau's, and for a per-project kind with `per_unit` a .zip of each unit's
    combined workbook. Department tables are the year's department documents. Raises NotFound (unknown,
    or out of the actor's scope), PermissionDenied (no business role), ValidationFailed (a project for
    a kind that has no per-project table). Reads only."""
    if kind not in KIND_LABELS:
        raise NotFound("没有这种报表")
    if actor is not None:
        require(actor, Action.EXPORT)
    project = _project(actor, project_id)
    fiscal_year = _fiscal_year(year, project)
    unit = _unit(actor, unit_code)
    if project is not None and unit is not None and project.unit_id != unit.id:
        raise NotFound("该项目不属于此科室（单位）")
    if project is not None and kind not in FORM_KINDS:
        message = f"「{KIND_LABELS[kind]}」不按项目导出，请去掉项目参数"
        raise ValidationFailed(message, fields={"project": [message]})
    sheets = Sheets()
    if kind in DEPARTMENT_KINDS:
        return department_table(DEPARTMENT_KINDS[kind], fiscal_year, actor=actor, unit=unit, sheets=sheets)
    if project is not None:
        return document_table(_project_document(FORM_KINDS[kind][0], project, actor), sheets=sheets)
    if unit is None:
        _require_bureau(actor)
    subject = unit.name if unit is not None else ""
    if kind in LEDGER_KINDS:
        listing = LEDGER_KINDS[kind](actor, fiscal_year, sheets, unit=unit, subject=subject)
        return Download(*lists.build_list(listing, export_date=export_date()))
    if kind in SUMMARY_KINDS:
        documents = documents_of(SUMMARY_KINDS[kind], fiscal_year, actor, unit=unit)
        listing = summary_of(kind, documents, fiscal_year, sheets, subject)
        return Download(*lists.build_list(listing, export_date=export_date()))
    document_kind, summary = FORM_KINDS[kind]
    documents = documents_of(document_kind, fiscal_year, actor, unit=unit)
    if unit is None and per_unit:
        return per_unit_zip(summary, documents, fiscal_year, sheets, progress=progress)
    return combined_workbook(summary, documents, fiscal_year, sheets, subject, progress=progress)


def export_document(document_id, *, actor: User) -> Download:
    """The table of one document the actor can see (the document page's button). Raises NotFound
    (out of scope, or a kind without a table), PermissionDenied (no business role). Reads only."""
    require(actor, Action.EXPORT)
    return document_table(get_visible_or_404(actor, StageDocument, document_id))


def archive_workbook(document: StageDocument) -> tuple[str, bytes] | None:
    """A document's table for the project archive (services.archive.build_archive's `workbook`):
    (file name, .xlsx bytes), or None for a kind without a table. The archive checked the scope."""
    if document.kind not in TABLE_OF:
        return None
    made = document_table(document)
    return made.name, made.buffer.getvalue()


def _project(actor: User | None, project_id: int | None) -> Project | None:
    if project_id is None:
        return None
    if actor is not None:
        return get_visible_or_404(actor, Project, project_id)
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("该项目不存在")
    return project


def _fiscal_year(year: int | None, project: Project | None) -> FiscalYear:
    if year is None and project is not None:
        return project.fiscal_year
    found = project_service.fiscal_year(year) if year is not None else project_service.current_fiscal_year()
    if found is None:
        raise NotFound("该预算年度不存在")
    if project is not None and project.fiscal_year_id != found.id:
        raise NotFound("该项目不属于此预算年度")
    return found


def _unit(actor: User | None, code: str | None) -> Unit | None:
    if code is None:
        return None
    unit = db.session.scalar(scoped_or_bureau(select(Unit), actor).where(Unit.code == code))
    if unit is None:
        raise NotFound("该科室（单位）不存在，或不在您的范围内")
    return unit


def _require_bureau(actor: User | None) -> None:
    """The bureau's workbooks hold every unit: for those who see every unit (and the system)."""
    if actor is not None and visible_unit_ids(actor) is not ALL:
        raise NotFound("全局报表只对财务科和局主要领导开放，请选择科室（单位）")


# --- Reading the documents --------------------------------------------------------------------------


@dataclass(frozen=True)
class Documents:
    """Documents of one kind in list order, read CHUNK at a time on iteration (their ids first), so
    that a bureau's documents and their data are never all in memory at once."""

    ids: list[int]
    related: tuple

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        for start in range(0, len(self.ids), CHUNK):
            chunk = self.ids[start : start + CHUNK]
            stmt = select(StageDocument).where(StageDocument.id.in_(chunk)).options(*self.related)
            found = {d.id: d for d in db.session.scalars(stmt)}
            yield from (found[i] for i in chunk)


def documents_of(kind, fiscal_year: FiscalYear, actor: User | None, *, unit: Unit | None = None) -> Documents:
    """The year's documents of `kind` in the actor's scope (of `unit` when given) in list order, with
    their projects, units and (monitoring, self-evaluation) final targets: a fixed number of queries
    for a unit, a few more for each CHUNK documents of the bureau."""
    stmt = (
        scoped_or_bureau(select(StageDocument.id), actor)
        .join(Project, StageDocument.project_id == Project.id)
        .join(Unit, Project.unit_id == Unit.id)
        .where(StageDocument.kind == kind, StageDocument.fiscal_year_id == fiscal_year.id)
        .order_by(*LIST_ORDER, StageDocument.sequence, StageDocument.id)
    )
    if unit is not None:
        stmt = stmt.where(StageDocument.unit_id == unit.id)
    related = (selectinload(StageDocument.project),)
    if kind in CARRYING:
        related += (selectinload(StageDocument.parent),)
    return Documents(db.session.scalars(stmt).all(), related)


def _project_document(kind, project: Project, actor: User | None) -> StageDocument:
    """The project's document of `kind` (its latest, for ex-ante assessments)."""
    document = db.session.scalar(
        scoped_or_bureau(select(StageDocument), actor)
        .where(StageDocument.project_id == project.id, StageDocument.kind == kind)
        .order_by(StageDocument.sequence.desc())
        .limit(1)
    )
    if document is None:
        raise NotFound(f"该项目尚无{DocumentKind(kind).label}文档")
    return document


# --- Workbooks ---------------------------------------------------------------------------------------


def document_table(document: StageDocument, *, sheets: Sheets | None = None) -> Download:
    """The document's own table (T-1, M-1, S-1/S-2, X-1, D-1 or D-2); NotFound for a kind without one.
    The caller has checked that the document is in scope."""
    sheets = sheets or Sheets()
    if document.kind == DocumentKind.DEPARTMENT_TARGETS:
        made = department.build_department_targets(
            export_data.department_targets_of(document, sheets), export_date=export_date()
        )
    elif document.kind == DocumentKind.DEPARTMENT_EVALUATION:
        data = export_data.department_evaluation_of(document, sheets, head=approver(document))
        made = department.build_department_evaluation(data, export_date=export_date())
    elif document.kind in BUILDERS:
        made = BUILDERS[document.kind](
            export_data.FORMS[document.kind](document, sheets), export_date=export_date()
        )
    else:
        raise NotFound(f"「{document.kind_label}」没有对应的报表")
    return Download(*made)


def department_table(kind, fiscal_year, *, actor, unit: Unit | None, sheets: Sheets) -> Download:
    document = db.session.scalar(
        scoped_or_bureau(select(StageDocument), actor)
        .where(
            StageDocument.kind == kind,
            StageDocument.fiscal_year_id == fiscal_year.id,
            StageDocument.project_id.is_(None),
        )
        .order_by(StageDocument.sequence.desc())
        .limit(1)
    )
    if document is None or (unit is not None and document.unit_id != unit.id):
        raise NotFound(f"{fiscal_year.year} 年度尚无{DocumentKind(kind).label}文档")
    return document_table(document, sheets=sheets)


def approver(document: StageDocument) -> str:
    """部门负责人 of D-2: who approved the department's evaluation (the principal), if anyone has."""
    event = db.session.scalar(
        select(DocumentEvent)
        .where(DocumentEvent.document_id == document.id, DocumentEvent.action == "approve")
        .order_by(DocumentEvent.id.desc())
        .limit(1)
    )
    return event.actor.display_name if event is not None and event.actor is not None else ""


def summary_of(summary: str, documents, fiscal_year: FiscalYear, sheets: Sheets, subject: str):
    """The list `summary` (L-1 … L-4) of these documents, all of the kind it lists."""
    row_of, list_of = export_lists.SUMMARIES[summary]
    return list_of([row_of(d, sheets) for d in documents], fiscal_year, sheets, subject)


def combined_of(summary: str, documents, fiscal_year, sheets: Sheets, subject: str) -> Combined:
    """§8.7 of these documents: the list, and each document's table in list order. Only what the
    tables print is kept of each document, so a bureau's documents need not be held while writing."""
    row_of, list_of = export_lists.SUMMARIES[summary]
    rows, forms = [], []
    for document in documents:
        rows.append(row_of(document, sheets))
        forms.append(export_data.FORMS[document.kind](document, sheets))
    return Combined(list_of(rows, fiscal_year, sheets, subject), tuple(forms))


def combined_workbook(summary: str, documents, fiscal_year, sheets: Sheets, subject: str, *, progress=None):
    """The combined workbook of these documents (the bureau's when `subject` is "")."""
    data = combined_of(summary, documents, fiscal_year, sheets, subject)
    return Download(*combined.build_combined(data, export_date=export_date(), progress=progress))


def per_unit_zip(summary: str, documents, fiscal_year, sheets: Sheets, *, progress=None) -> Download:
    """The bureau's documents of one kind (in list order, so by unit) as a .zip of each unit's
    combined workbook; NotFound when there are none."""
    if not documents:
        raise NotFound(f"{fiscal_year.year} 年度尚无可导出的文档")
    buffer, done = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # By unit id: a chunk read later may load its own Unit object for the same unit.
        for _, group in groupby(documents, key=lambda d: d.project.unit_id):
            group = list(group)
            data = combined_of(summary, group, fiscal_year, sheets, group[0].project.unit.name)
            told = None if progress is None else lambda i, _n, done=done: progress(done + i, len(documents))
            made = combined.build_combined(data, export_date=export_date(), progress=told)
            archive.writestr(made[1], made[0].getvalue())
            done += len(data.forms)
    buffer.seek(0)
    table = lists.table_name(summary_of(summary, (), fiscal_year, sheets, ""))
    name = file_name(fiscal_year.year, table, sheets.system.bureau_name, export_date()).removesuffix(".xlsx")
    return Download(buffer, f"{name}.zip", ZIP)
