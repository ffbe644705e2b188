"""Stage documents, their transitions, and the worklist."""

from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zyperf.api import BadRequest, bp, json_body
from zyperf.api.resources import actor, int_arg, page_args, page_json, paged
from zyperf.extensions import db
from zyperf.models import DocumentEvent, DocumentKind, FiscalYear, Project, StageDocument
from zyperf.permissions import get_visible_or_404, scoped
from zyperf.services import documents as document_service
from zyperf.services import projects as project_service
from zyperf.services import workflow
from zyperf.services.listviews import LIST_COLUMNS
from zyperf.services.worklist import WorkItem, worklist_page
from zyperf.transitions import state_label


def history_json(events: list[DocumentEvent]) -> list[dict]:
    return [
        {
            "at": e.at.isoformat() + "Z",
            "actor": e.actor.username if e.actor else None,
            "action": e.action,
            "from": e.from_state,
            "to": e.to_state,
            "comment": e.comment,
            "changes": e.changes,
        }
        for e in events
    ]


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
    }


def _version(body: dict) -> int:
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BadRequest("请提供整数 version（您看到的文档版本）")
    return version


@bp.get("/documents")
def documents():
    """A page of scoped documents by id, without their JSON columns (summary_json shows none of it)."""
    stmt = scoped(select(StageDocument), actor()).options(
        LIST_COLUMNS, joinedload(StageDocument.unit), joinedload(StageDocument.fiscal_year)
    )
    if (project := int_arg("project")) is not None:
        stmt = stmt.where(StageDocument.project_id == project)
    if kind := request.args.get("kind"):
        stmt = stmt.where(StageDocument.kind == kind)
    if state := request.args.get("state"):
        stmt = stmt.where(StageDocument.state == state)
    if (year := int_arg("year")) is not None:
        year_id = select(FiscalYear.id).where(FiscalYear.year == year).scalar_subquery()
        stmt = stmt.where(StageDocument.fiscal_year_id == year_id)
    return jsonify(paged(stmt.order_by(StageDocument.id), summary_json))


@bp.post("/documents")
def create_document():
    user = actor()
    body = json_body()
    kind = body.get("kind")
    if kind not in DocumentKind._value2member_map_:
        raise BadRequest("kind 不是已知的文档类型")
    project = fiscal_year = None
    if DocumentKind(kind).is_department_wide:
        year = body.get("year")
        fiscal_year = project_service.fiscal_year(year) if isinstance(year, int) else None
    else:
        project = get_visible_or_404(user, Project, body.get("project_id"))
    document = document_service.create_document(
        kind, actor=user, project=project, fiscal_year=fiscal_year, data=body.get("data")
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
    if not isinstance(body.get("data"), dict):
        raise BadRequest("data 应为对象")
    # Merge-patch: the keys sent replace those keys (null empties one); the others stay as they are.
    data = {**(document.data or {}), **body["data"]}
    document_service.edit_document(document, actor=user, data=data, expected_version=_version(body))
    db.session.commit()
    return jsonify(document_json(document, user))


@bp.post("/documents/<int:doc_id>/transitions")
def transition(doc_id: int):
    user = actor()
    document = get_visible_or_404(user, StageDocument, doc_id)
    body = json_body()
    action, comment = body.get("action"), body.get("comment") or ""
    if not isinstance(action, str) or not isinstance(comment, str):
        raise BadRequest("action 与 comment 应为字符串")
    params = {"conclusion": body["conclusion"]} if isinstance(body.get("conclusion"), str) else {}
    document = workflow.apply(
        document, action, actor=user, expected_version=_version(body), comment=comment, params=params
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
