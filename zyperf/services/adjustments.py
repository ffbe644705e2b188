"""Budget adjustments (rules 三(三)): the adjusted budget a project's monitoring and evaluation start
with, the ledger per project and unit, and the effect of a final adjustment on open documents."""

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select

from zyperf.domain import adjustments as rules
from zyperf.domain import tables
from zyperf.extensions import db
from zyperf.models import DocumentEvent, DocumentKind, FiscalYear, Project, StageDocument, Unit, User
from zyperf.permissions import scoped
from zyperf.services import audit, document_data, library
from zyperf.transitions import State

# Documents whose 调整后预算数 follows the project's final adjustments while the unit can still edit them.
FOLLOWING_KINDS = (DocumentKind.MONITORING.value, DocumentKind.SELF_EVALUATION.value)
EDITING = (State.DRAFT.value, State.RETURNED.value)


def initial_budget(project: Project, targets: StageDocument | None) -> dict[str, Decimal]:
    """年初预算 by fund source: the final targets' amounts, else the project's."""
    if targets is not None and isinstance((targets.data or {}).get("funds"), dict):
        return {s: tables.fund_amount(targets.data["funds"], s, "amount") for s in tables.FUND_SOURCES}
    return project.fund_amounts


def current_budget(project: Project) -> dict[str, Decimal]:
    """调整后预算 by fund source: 年初 plus the final adjustments."""
    initial = initial_budget(project, library.final_targets(project))
    return rules.add_net(initial, net_by_project([project.id])[project.id])


def final_adjustments(project_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The data of each project's final budget adjustments, in order. One query."""
    ids = sorted(set(project_ids))
    found: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(StageDocument.project_id, StageDocument.data)
        .where(
            StageDocument.kind == DocumentKind.BUDGET_ADJUSTMENT.value,
            StageDocument.state == State.FINAL.value,
            StageDocument.project_id.in_(ids),
        )
        .order_by(StageDocument.project_id, StageDocument.sequence)
    )
    for project_id, data in rows:
        found[project_id].append(data or {})
    return found


def net_by_project(project_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """Per project, what its final adjustments add to each fund source (调减 and 收回 negative)."""
    found = {}
    for project_id, items in final_adjustments(project_ids).items():
        total: dict[str, Decimal] = {}
        for data in items:
            total = rules.add_net(total, rules.net(data))
        found[project_id] = total
    return found


def ledger_of(project: Project) -> rules.Ledger:
    ledger = rules.Ledger()
    for data in final_adjustments([project.id])[project.id]:
        ledger.add(data)
    return ledger


def ledger(
    user: User, fiscal_year: FiscalYear, unit_code: str | None = None
) -> list[tuple[Project, rules.Ledger]]:
    """Per project in the user's scope with final adjustments in the year: its ledger. Two queries."""
    stmt = (
        scoped(select(Project), user)
        .where(
            Project.fiscal_year_id == fiscal_year.id,
            Project.id.in_(
                select(StageDocument.project_id).where(
                    StageDocument.kind == DocumentKind.BUDGET_ADJUSTMENT.value,
                    StageDocument.state == State.FINAL.value,
                )
            ),
        )
        .join(Project.unit)
        .order_by(Unit.sort_order, Project.id)
    )
    if unit_code:
        stmt = stmt.where(Unit.code == unit_code)
    projects = db.session.scalars(stmt).unique().all()
    adjustments = final_adjustments(p.id for p in projects)
    rows = []
    for project in projects:
        row = rules.Ledger()
        for data in adjustments[project.id]:
            row.add(data)
        rows.append((project, row))
    return rows


def by_unit(rows: list[tuple[Project, rules.Ledger]]) -> list[tuple[Unit, rules.Ledger]]:
    """The project ledgers summed per unit, in the rows' (unit) order."""
    units: dict[int, tuple[Unit, rules.Ledger]] = {}
    for project, row in rows:
        unit, total = units.get(project.unit_id, (project.unit, rules.Ledger()))
        units[project.unit_id] = (unit, total + row)
    return list(units.values())


def previous_year_project(project: Project) -> Project | None:
    """The same unit's project of the same name in the year before: its adjustments are the context
    of this year's budget (rules: 调整频次、调整额度与下年预算安排挂钩)."""
    return db.session.scalar(
        select(Project)
        .join(Project.fiscal_year)
        .where(
            Project.unit_id == project.unit_id,
            Project.name == project.name,
            FiscalYear.year == project.fiscal_year.year - 1,
        )
    )


def follow_final(adjustment: StageDocument, *, actor: User) -> None:
    """A final adjustment moves 调整后预算数 of the project's monitoring and self-evaluation documents
    the unit can still edit, each with a line in its history. Flushes nothing."""
    if adjustment.project_id is None:
        return
    change = rules.net(adjustment.data or {})
    if not any(change.values()):
        return
    documents = db.session.scalars(
        select(StageDocument).where(
            StageDocument.project_id == adjustment.project_id,
            StageDocument.kind.in_(FOLLOWING_KINDS),
            StageDocument.state.in_(EDITING),
        )
    )
    for document in documents:
        funds = (document.data or {}).get("funds")
        if not isinstance(funds, dict):
            continue
        moved = {
            source: row
            | {"adjusted": str(tables.fund_amount(funds, source, "adjusted") + change.get(source, 0))}
            if isinstance(row, dict) and "adjusted" in row
            else row
            for source, row in funds.items()
        }
        changes = audit.diff({"funds": funds}, {"funds": moved})
        if not changes:
            continue
        document.data = {**document.data, "funds": moved}
        document.data = document_data.refresh(document)  # the rate and class follow the budget
        comment = f"预算调整（文档 {adjustment.id}）已批复，调整后预算数随之更新"
        db.session.add(
            DocumentEvent(
                document_id=document.id,
                actor_id=actor.id,
                action="budget_adjusted",
                comment=comment,
                changes=changes,
            )
        )
        audit.record(actor, "document.budget_adjusted", document, summary=comment, changes=changes)
