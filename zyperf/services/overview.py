"""The figures of finance's and the principal's 工作台: every monitored project's 执行率 against the
时序进度, the grades of the last evaluation, the adjustments ledger in brief, the monitoring round's
progress. Figures come from document_data.figures_of, the one computation; each a fixed number of
queries whatever the number of projects."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from zyperf.domain import figures as domain_figures
from zyperf.domain import stages
from zyperf.domain.adjustments import Ledger
from zyperf.domain.settings import YearSettings
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, Project, Round, StageDocument, Unit, User
from zyperf.permissions import scope_filter
from zyperf.services import adjustments, rounds
from zyperf.services.document_data import figures_of
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


# What a monitoring's class is computed from (stages.fund_totals, the planned progress): read from its
# data alone, so the chart of a large year never loads the documents' indicator tables.
MONITORING_KEYS = ("funds", "budget_initial", "budget_adjusted", "executed", "planned_progress")


def execution(user: User, fiscal_year: FiscalYear) -> Execution:
    """Each monitoring document of the year in the user's scope that its unit has submitted: its
    project's 执行率 and class (stages.compute on the parts of its data they need), lowest rate
    first. One query."""
    rows = db.session.execute(
        select(
            StageDocument.id,
            Project.name,
            Unit.name,
            StageDocument.settings_snapshot,
            *(StageDocument.data[key] for key in MONITORING_KEYS),
        )
        .join(Unit, Unit.id == StageDocument.unit_id)
        .outerjoin(Project, Project.id == StageDocument.project_id)
        .where(
            StageDocument.fiscal_year_id == fiscal_year.id,
            StageDocument.kind == DocumentKind.MONITORING.value,
            StageDocument.state.not_in(EDITING),
            scope_filter(StageDocument, user),
        )
        .order_by(StageDocument.id)
    ).all()
    year_settings = fiscal_year.year_settings
    points, months = [], Counter()
    for doc_id, project, unit, snapshot, *values in rows:
        settings = YearSettings.from_json(snapshot) if snapshot else year_settings
        months[settings.monitoring_month] += 1
        data = {k: v for k, v in zip(MONITORING_KEYS, values, strict=True) if v is not None}
        found = stages.compute(DocumentKind.MONITORING.value, data, settings, None)
        points.append(
            ExecutionPoint(
                doc_id,
                project or unit,
                unit,
                found.get("execution_rate"),
                found.get("reference_progress") or Decimal(0),
                found.get("monitoring_class"),
            )
        )
    points.sort(key=lambda p: (p.rate is None, p.rate or 0, p.project))
    month = months.most_common(1)[0][0] if months else year_settings.monitoring_month
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
