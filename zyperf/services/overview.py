"""The figures of finance's and the principal's 工作台: every monitored project's 执行率 against the
时序进度, the grades of the last evaluation, the adjustments ledger in brief, the monitoring round's
progress. Figures come from document_data.figures_of, the one computation; each a fixed number of
queries whatever the number of projects."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from zyperf.domain import figures as domain_figures
from zyperf.domain.adjustments import Ledger
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, Round, StageDocument, User
from zyperf.permissions import scope_filter
from zyperf.services import adjustments, rounds
from zyperf.services.document_data import document_settings, figures_of
from zyperf.transitions import State

EDITING = (State.DRAFT.value, State.RETURNED.value)
GRADES = ("优", "良", "中", "差")


@dataclass(frozen=True)
class ExecutionPoint:
    document_id: int
    project: str
    unit: str
    rate: Decimal | None  # 执行率, a fraction
    reference: Decimal  # the progress the rate is held against (计划进度 when entered, else 时序进度)
    cls: str | None


@dataclass(frozen=True)
class Execution:
    points: list[ExecutionPoint]
    time_progress: Decimal | None  # m/12 of the year's monitoring month
    month: int | None
    counts: Counter


def execution(user: User, fiscal_year: FiscalYear) -> Execution:
    """Each monitoring document of the year in the user's scope that its unit has submitted: its
    project's 执行率 and class, lowest rate first. Two queries (documents, their projects and units)."""
    documents = db.session.scalars(
        select(StageDocument)
        .where(
            StageDocument.fiscal_year_id == fiscal_year.id,
            StageDocument.kind == DocumentKind.MONITORING.value,
            StageDocument.state.not_in(EDITING),
            scope_filter(StageDocument, user),
        )
        .options(
            selectinload(StageDocument.project),
            joinedload(StageDocument.unit),
            joinedload(StageDocument.fiscal_year),
        )
        .order_by(StageDocument.id)
    ).all()
    points = []
    for document in documents:
        found = figures_of(document)
        points.append(
            ExecutionPoint(
                document.id,
                document.project.name if document.project else document.unit.name,
                document.unit.name,
                found.get("execution_rate"),
                found.get("reference_progress") or found.get("time_progress") or Decimal(0),
                found.get("monitoring_class"),
            )
        )
    points.sort(key=lambda p: (p.rate is None, p.rate or 0, p.project))
    month = document_settings(documents[0]).monitoring_month if documents else fiscal_year.monitoring_month
    return Execution(
        points,
        domain_figures.time_progress(month),
        month,
        Counter(p.cls for p in points if p.cls),
    )


@dataclass(frozen=True)
class Grades:
    year: int | None
    counts: dict[str, int]
    total: int


def grades(user: User, fiscal_year: FiscalYear) -> Grades:
    """The grades of the last evaluation up to this year: the newest year with final
    self-evaluations in the user's scope. Two queries."""
    final_evaluations = (
        StageDocument.kind == DocumentKind.SELF_EVALUATION.value,
        StageDocument.state == State.FINAL.value,
        scope_filter(StageDocument, user),
    )
    year = db.session.scalar(
        select(func.max(FiscalYear.year))
        .join(StageDocument, StageDocument.fiscal_year_id == FiscalYear.id)
        .where(FiscalYear.year <= fiscal_year.year, *final_evaluations)
    )
    if year is None:
        return Grades(None, dict.fromkeys(GRADES, 0), 0)
    documents = db.session.scalars(
        select(StageDocument)
        .join(FiscalYear, FiscalYear.id == StageDocument.fiscal_year_id)
        .where(FiscalYear.year == year, *final_evaluations)
        .options(joinedload(StageDocument.fiscal_year))
    ).all()
    counts = Counter(figures_of(d).get("grade") for d in documents)
    return Grades(year, {g: counts.get(g, 0) for g in GRADES}, len(documents))


def adjustments_brief(user: User, fiscal_year: FiscalYear) -> dict:
    """The year's final budget adjustments per unit and in all (调整频次, 追加, 调减, 收回). Two queries."""
    per_unit = adjustments.by_unit(adjustments.ledger(user, fiscal_year))
    total = sum((ledger for _, ledger in per_unit), Ledger())
    return {"units": per_unit, "total": total}


def monitoring_round(user: User, fiscal_year: FiscalYear, *, today: date | None = None) -> dict | None:
    """The year's monitoring round with its progress by unit and in all, or None before it opens.
    Three queries."""
    found: Round | None = rounds.find(fiscal_year, DocumentKind.MONITORING.value)
    if found is None:
        return None
    units = rounds.progress([found], user, today=today)[found.id]
    total = sum(u["total"] for u in units)
    final = sum(u["final"] for u in units)
    return {
        "round": found,
        "units": units,
        "total": total,
        "final": final,
        "overdue": sum(u["overdue"] for u in units),
        "submitted": total - sum(u["by_state"].get(s, 0) for u in units for s in EDITING),
    }
