"""Stage documents, their transitions, and the worklist."""

from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zyperf import boundary
from zyperf.api import BadRequest, bp, int_arg, json_body
from zyperf.api.resources import actor, page_args, page_json, paged
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, Project, StageDocument
from zyperf.permissions import get_visible_or_404, scoped
from zyperf.services import documents as document_service
from zyperf.services import projects as project_service
from zyperf.services import records, workflow
from zyperf.services.guards import CONCLUSIONS
from zyperf.services.listviews import LIST_COLUMNS, LIST_YEAR
from zyperf.services.records import history_json
from zyperf.services.worklist import WorkItem, worklist_page
from zyperf.transitions import DocumentAction, State, state_label


def summary_json(d: StageDocument) -> dict:
    return {
        "id": d.id,
        "kind": d.kind,
        "project_id": d.project_id,
        "unit": d.unit.code,
        "year": d.fiscal_year.year,
        "state": d.state,
        "state_label": state_label(d.state),
        "version": d.version,
    }


def document_json(d: StageDocument, user) -> dict:
    return summary_json(d) | {
        "form_version": d.form_version,
        "revision": d.revision,
        "data": d.data,
        "allowed_actions": [a.action.value for a in workflow.allowed_actions(user, d)],
        "history": history_json(workflow.history(d)),
        "declaration": None
        if d.declared_at is None
        else {
            "by": d.declared_by.username if d.declared_by else None,
            "at": d.declared_at.isoformat() + "Z",
        },
        "form_check": records.form_check_of(d),
    }


def version_of(body: dict) -> int:
    if body.get("version") is None:
        raise BadRequest("请提供整数 version（您看到的文档版本）", fields={"version": ["必填"]})
    return boundary.integer(body["version"], "version", minimum=0, from_text=False)


def _data(body: dict, *, required: bool) -> dict | None:
    data = body.get("data")
    if data is None and not required:
        return None
    if not isinstance(data, dict):
        raise BadRequest("参数 data 应为对象", fields={"data": ["应为对象"]})
    return data


def _choice(value, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise BadRequest(f"参数 {name} 不是可选的值", fields={name: ["不是可选的值"]})
    return value


@bp.get("/documents")
def documents():
    """A page of scoped documents by id, without their JSON columns (summary_json shows none of it)."""
    stmt = scoped(select(StageDocument), actor()).options(
        LIST_COLUMNS, joinedload(StageDocument.unit), LIST_YEAR
    )
    if (project := int_arg("project", minimum=1)) is not None:
        stmt = stmt.where(StageDocument.project_id == project)
    if (kind := request.args.get("kind")) is not None:
        stmt = stmt.where(StageDocument.kind == _choice(kind, "kind", DocumentKind._value2member_map_))
    if (state := request.args.get("state")) is not None:
        stmt = stmt.where(StageDocument.state == _choice(state, "state", State._value2member_map_))
    if (year := int_arg("year")) is not None:
        year_id = select(FiscalYear.id).where(FiscalYear.year == year).scalar_subquery()
        stmt = stmt.where(StageDocument.fiscal_year_id == year_id)
    return jsonify(paged(stmt.order_by(StageDocument.id), summary_json))


@bp.post("/documents")
def create_document():
    user = actor()
    body = json_body()
    kind = DocumentKind(_choice(body.get("kind"), "kind", DocumentKind._value2member_map_))
    year = boundary.optional_integer(body.get("year"), "year", from_text=False)
    project_id = boundary.optional_integer(body.get("project_id"), "project_id", minimum=1, from_text=False)
    data = _data(body, required=False)
    project = fiscal_year = None
    if kind.is_department_wide:
        fiscal_year = project_service.fiscal_year(year) if year is not None else None
    else:
        project = get_visible_or_404(user, Project, project_id)
    document = document_service.create_document(
        kind, actor=user, project=project, fiscal_year=fiscal_year, data=data
    )
    db.session.commit()
    return jsonify(document_json(document, user)), 201


@bp.get("/documents/<int:doc_id>")
def document_detail(doc_id: int):
    user = actor()
    return jsonify(document_json(get_visible_or_404(user, StageDocument, doc_id), user))


@bp.patch("/documents/<int:doc_id>")
def edit_document(doc_id: int):
    user = actor()
    document = get_visible_or_404(user, StageDocument, doc_id)
    body = json_body()
    # Merge-patch: the keys sent replace those keys (null empties one); the others stay as they are.
    data = {**(document.data or {}), **_data(body, required=True)}
    document_service.edit_document(document, actor=user, data=data, expected_version=version_of(body))
    db.session.commit()
    return jsonify(document_json(document, user))


@bp.post("/documents/<int:doc_id>/transitions")
def transition(doc_id: int):
    user = actor()
    document = get_visible_or_404(user, StageDocument, doc_id)
    body = json_body()
    action = _choice(body.get("action"), "action", DocumentAction._value2member_map_)
    comment = boundary.optional_text(body.get("comment"), "comment", multiline=True)  # length: apply()
    conclusion = body.get("conclusion")
    params = {"conclusion": _choice(conclusion, "conclusion", CONCLUSIONS)} if conclusion is not None else {}
    document = workflow.apply(
        document, action, actor=user, expected_version=version_of(body), comment=comment or "", params=params
    )
    db.session.commit()
    return jsonify({"state": document.state, "version": document.version})


@bp.get("/worklist")
def my_worklist():
    """Documents waiting for the caller, oldest first, a page at a time."""
    page, per_page = page_args()
    found = worklist_page(actor(), page=page, per_page=per_page)
    return jsonify(page_json(found, work_item_json))


def work_item_json(item: WorkItem) -> dict:
    return summary_json(item.document) | {
        "actions": [a.action.value for a in item.actions],
        "due": item.due.isoformat() if item.due else None,
        "overdue": item.overdue,
    }
