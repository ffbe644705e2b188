"""Rounds (下发) and the budget-adjustment ledger."""

from flask import jsonify

from zyperf import boundary
from zyperf.api import BadRequest, bp, json_body, str_arg
from zyperf.api.resources import actor, int_arg, unit_json
from zyperf.errors import NotFound
from zyperf.extensions import db
from zyperf.models import FiscalYear, Round
from zyperf.permissions import Action, require
from zyperf.services import adjustments, rounds
from zyperf.services import projects as project_service


def _year(value) -> FiscalYear:
    fiscal_year = (
        project_service.fiscal_year(value) if value is not None else project_service.current_fiscal_year()
    )
    if fiscal_year is None:
        raise NotFound("该预算年度不存在")
    return fiscal_year


def round_json(stage_round: Round) -> dict:
    return {
        "id": stage_round.id,
        "stage": stage_round.stage,
        "stage_label": stage_round.stage_label,
        "year": stage_round.fiscal_year.year,
        "month": stage_round.month,
        "due": stage_round.due.isoformat() if stage_round.due else None,
        "opened_by": stage_round.opened_by.username if stage_round.opened_by else None,
        "opened_at": stage_round.opened_at.isoformat() + "Z",
    }


@bp.post("/rounds")
def open_round():
    user = actor()
    require(user, Action.OPEN_ROUND)
    body = json_body()
    stage = body.get("stage")
    if not isinstance(stage, str):
        raise BadRequest(
            "stage 应为 monitoring 或 self_evaluation",
            fields={"stage": ["应为 monitoring 或 self_evaluation"]},
        )
    if body.get("year") is None:
        raise BadRequest("请提供整数 year（预算年度）", fields={"year": ["必填"]})
    year = boundary.integer(body["year"], "year", from_text=False)
    opened = rounds.open_round(_year(year), stage, actor=user)
    db.session.commit()
    answer = round_json(opened.round) | {"created": opened.created, "existing": opened.existing}
    return jsonify(answer), 201 if opened.new_round else 200


@bp.get("/rounds")
def list_rounds():
    user = actor()
    require(user, Action.VIEW_DOCUMENT)
    found = rounds.rounds_of(_year(int_arg("year")))
    progress = rounds.progress(found, user)
    return jsonify(
        [
            round_json(r)
            | {
                "progress": [
                    {k: row[k] for k in ("total", "final", "overdue", "by_state")}
                    | {"unit": unit_json(row["unit"])}
                    for row in progress[r.id]
                ]
            }
            for r in found
        ]
    )


@bp.get("/ledgers/adjustments")
def adjustment_ledger():
    user = actor()
    require(user, Action.VIEW_PROJECT)
    rows = adjustments.ledger(user, _year(int_arg("year")), str_arg("unit", max_length=32))
    return jsonify(
        [
            {"project_id": p.id, "project": p.name, "unit": p.unit.code} | ledger.as_strings()
            for p, ledger in rows
        ]
    )
