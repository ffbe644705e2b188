"""What a new document starts with: its budget (the project's, as final budget adjustments leave it, or
the department targets' tasks) and the final targets' promise it stands on (indicators carried
read-only, amounts, goal) for monitoring and evaluation. Read, never written."""

from decimal import Decimal

from sqlalchemy import select

from zyperf.domain import adjustments as adjustment_rules
from zyperf.domain import carried, tables, tasks
from zyperf.extensions import db
from zyperf.models import DocumentKind, FormDefinition, Project, StageDocument
from zyperf.services import adjustments, document_data, library
from zyperf.transitions import State

CARRIED_MODES = ("monitoring", "evaluation")


def _funds(spec: dict, initial: dict, adjusted: dict, family: str | None, carryover) -> dict:
    """A fund table prefilled with the budget: 年初 (and a plain amount) from the targets, 调整后 with
    the final budget adjustments added."""
    sources = tables.fund_sources(spec, family)
    initial, adjusted = {**initial, tables.CARRYOVER: carryover}, {**adjusted, tables.CARRYOVER: carryover}
    by_column = {"amount": initial, "initial": initial, "adjusted": adjusted}
    columns = [c for c in tables.fund_columns(spec) if c in by_column]
    return {s: {c: str(by_column[c].get(s) or "0.00") for c in columns} for s in sources}


def _budget(project: Project | None, targets, net) -> tuple[dict, dict, Decimal] | None:
    """(年初, 调整后, 上年结转资金) by fund source that a new document's budget columns start with: the
    department targets' tasks (财政拨款, 其他资金) for the department, else the project's budget as
    its final targets and final budget adjustments make it; None when there is neither."""
    if targets is not None and targets.kind == DocumentKind.DEPARTMENT_TARGETS:
        _, fiscal, other = tasks.task_totals((targets.data or {}).get("tasks"))
        amounts = {"fiscal": fiscal, "other": other}
        return amounts, amounts, Decimal(0)
    if project is None:
        return None
    initial = adjustments.initial_budget(project, targets)
    return initial, adjustment_rules.add_net(initial, net or {}), project.carryover_amount


def prefill(
    kind: DocumentKind, definition: FormDefinition, project: Project | None, targets, net, family
) -> dict:
    """What a new document starts with: the budget (as adjusted by final budget adjustments), and the
    final targets' promise (their indicators, read-only, their amounts and their goal) for monitoring
    and evaluation (carried, not retyped). A budget adjustment's own amounts start empty."""
    budget = _budget(project, targets, net)
    data: dict = {}
    for spec in definition.fields:
        key = spec["key"]
        if spec["type"] == "fund_table" and budget is not None and kind is not DocumentKind.BUDGET_ADJUSTMENT:
            data[key] = _funds(spec, *budget[:2], family, budget[2])
        elif spec["type"] == "indicator_table" and targets is not None and spec.get("mode") in CARRIED_MODES:
            data[key] = carried.carry(targets.data.get("indicators") or [], spec["mode"])
        elif key == "annual_goal" and targets is not None and spec["type"] == "long_text":
            data[key] = (targets.data or {}).get(key)
        elif key == "requested_amount" and kind is DocumentKind.EX_ANTE_ASSESSMENT and project:
            data[key] = str(project.total_amount)
    return data


def promise_of(kind: DocumentKind, project: Project | None, unit_id: int, fiscal_year_id: int):
    """The final targets a new document of `kind` stands on, or None: a project's targets for its
    monitoring and self-evaluation, the department targets for the department evaluation."""
    if kind.value not in document_data.CARRYING_KINDS:
        return None
    if project is not None:
        return library.final_targets(project)
    targets = db.session.scalar(
        select(StageDocument).where(
            StageDocument.project_id.is_(None),
            StageDocument.unit_id == unit_id,
            StageDocument.fiscal_year_id == fiscal_year_id,
            StageDocument.kind == DocumentKind.DEPARTMENT_TARGETS.value,
        )
    )
    return targets if targets is not None and targets.state == State.FINAL else None
