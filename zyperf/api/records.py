"""Records and results: the use-of-results ledger, a project's archive, finance's check of form."""

from flask import jsonify, request, send_file

from zyperf import boundary
from zyperf.api import bp, json_body
from zyperf.api.documents import version_of
from zyperf.api.resources import actor, int_arg
from zyperf.errors import NotFound
from zyperf.extensions import db
from zyperf.models import Project, StageDocument
from zyperf.permissions import Action, get_visible_or_404, require
from zyperf.services import archive, records, results
from zyperf.services import projects as project_service


def _amount(value) -> str | None:
    return None if value is None else str(value)


def result_json(row: results.LedgerRow) -> dict:
    decision = row.decision
    return {
        "subject": row.subject,
        "project_id": row.project.id if row.project else None,
        "name": row.name,
        "unit": row.unit.code,
        "method": row.method,
        "evaluation_id": row.evaluation.id if row.evaluation else None,
        "score": None if row.score is None else f"{row.score:.2f}",
        "grade": row.grade,
        "suggestion": row.suggestion,
        "budget": _amount(row.budget),
        "decision": None
        if decision is None
        else {
            "ways": list(decision.ways or []),
            "next_amount": _amount(decision.next_amount),
            "change": _amount(row.change),
            "text": decision.text,
            "reason": decision.reason,
            "version": decision.version,
            "decided_by": decision.decided_by.username if decision.decided_by else None,
            "decided_at": decision.decided_at.isoformat() + "Z",
        },
    }


@bp.get("/ledgers/results")
def results_ledger():
    user = actor()
    require(user, Action.VIEW_RESULTS)
    year = int_arg("year")
    fiscal_year = (
        project_service.fiscal_year(year) if year is not None else project_service.current_fiscal_year()
    )
    if fiscal_year is None:
        raise NotFound("该预算年度不存在")
    project = None
    if request.args.get("project"):
        project = get_visible_or_404(user, Project, int_arg("project"))
        if project.fiscal_year_id != fiscal_year.id:
            raise NotFound("该项目不属于此预算年度")
    rows = results.ledger(user, fiscal_year, project=project)
    return jsonify([result_json(r) for r in rows])


@bp.get("/projects/<int:project_id>/archive")
def project_archive(project_id: int):
    user = actor()
    project = get_visible_or_404(user, Project, project_id)
    buffer, name = archive.build_archive(project, actor=user)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.post("/documents/<int:doc_id>/form-check")
def form_check(doc_id: int):
    user = actor()
    document = get_visible_or_404(user, StageDocument, doc_id)
    body = json_body()
    comment = boundary.optional_text(body.get("comment"), "comment", multiline=True)  # length: the service
    records.check_form(document, actor=user, comment=comment or "", expected_version=version_of(body))
    db.session.commit()
    return jsonify({"version": document.version, "form_check": records.form_check_of(document)})
