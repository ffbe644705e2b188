"""From stage documents (and the ledgers) to the rows of the list workbooks (excel-formats §8): L-1 to
L-4 one row per document, L-5 one per problem (rectification.problem_ledger), L-6 one per project
(results.ledger). Figures as export_data takes them: the documents' own, never recomputed."""

from collections.abc import Sequence
from decimal import Decimal

from zyperf.domain import figures, stages
from zyperf.domain.problems import SOURCES, STATUSES
from zyperf.domain.text import is_empty, to_decimal
from zyperf.exports import model
from zyperf.models import RectificationProblem, StageDocument
from zyperf.services import document_data, rectification, results
from zyperf.services.export_data import ZERO, Sheets, funds_of, rows_of, text
from zyperf.transitions import state_label

OVERRIDDEN = "得分经复核调整"  # L-4 备注 when a reviewer scored otherwise than the formula
EXANTE_TYPES = ("新增重大项目", "新增大额项目")  # L-2 评估类型 by the project's flags


def totals_row(data: dict) -> figures.FundRow:
    """The 总额 row of a document's funds (zero while it has none)."""
    return stages.fund_totals(data) or figures.ZERO_ROW


def targets_row(document: StageDocument, sheets: Sheets) -> model.TargetsRow:
    data, project = document.data or {}, document.project
    total, fiscal, other = funds_of(data, "central", initial="amount", adjusted="amount", executed="amount")
    return model.TargetsRow(
        unit=project.unit.name,
        code=project.code or "",
        name=project.name,
        attribute="新增项目" if project.is_new else "延续项目",
        total=total.initial,
        fiscal=fiscal.initial,
        other=other.initial,
        goal=text(data, "annual_goal"),
        indicator_count=len(rows_of(data)),
        weight_total=document_data.figures_of(document).get("weight_total") or ZERO,
        needs_exante=project.needs_ex_ante,
        status=state_label(document.state),
    )


def exante_row(document: StageDocument, sheets: Sheets) -> model.ExanteRow:
    data, project = document.data or {}, document.project
    figs = document_data.figures_of(document)
    return model.ExanteRow(
        unit=project.unit.name,
        name=project.name,
        assessment_type=EXANTE_TYPES[0] if project.is_major else EXANTE_TYPES[1],
        stage="年中追加" if project.added_mid_year else "一上",
        requested=to_decimal(data.get("requested_amount")) or ZERO,
        method=sheets.choice_label(document, "method", data.get("method")),
        score=figs.get("total_score"),
        conclusion=figs.get("conclusion") or "",
        suggested=to_decimal(data.get("suggested_amount")),
        city_opinion=text(data, "review_conclusion"),
        status=state_label(document.state),
    )


def monitoring_row(document: StageDocument, sheets: Sheets) -> model.MonitoringRow:
    data, project = document.data or {}, document.project
    figs, totals = document_data.figures_of(document), totals_row(data)
    return model.MonitoringRow(
        unit=project.unit.name,
        code=project.code or "",
        name=project.name,
        initial=totals.initial,
        adjusted=totals.adjusted,
        executed=totals.executed,
        rate=figs.get("execution_rate"),
        progress=figs["time_progress"],
        plan=None if is_empty(data.get("planned_progress")) else figs["reference_progress"],
        category=figs.get("monitoring_class") or "",
        deviation=stages.flag_set(document.review, "direction_deviation"),
        major_change=stages.flag_set(document.review, "major_change"),
        key=project.is_key_monitoring,
        measures=figs.get("handling") or "",
        reason=text(data, "deviation_reason"),
    )


def evaluation_row(document: StageDocument, sheets: Sheets) -> model.EvaluationRow:
    data, project = document.data or {}, document.project
    figs, totals = document_data.figures_of(document), totals_row(data)
    return model.EvaluationRow(
        unit=project.unit.name,
        code=project.code or "",
        name=project.name,
        adjusted=totals.adjusted,
        executed=totals.executed,
        rate=figs.get("execution_rate"),
        budget_score=figs.get("budget_score"),
        indicator_score=figs.get("indicator_score"),
        total_score=figs.get("total_score"),
        grade=figs.get("grade") or "",
        suggestion=figs.get("suggestion") or "",
        remark=OVERRIDDEN if figs.get("overridden") else "",
    )


def _sum(values) -> Decimal:
    return sum(values, ZERO)


def targets_list(rows: Sequence[model.TargetsRow], fiscal_year, sheets: Sheets, subject: str):
    totals = tuple(_sum(getattr(r, a) for r in rows) for a in ("total", "fiscal", "other"))
    return model.TargetsList(fiscal_year.year, sheets.system.bureau_name, tuple(rows), totals, subject)


def exante_list(rows: Sequence[model.ExanteRow], fiscal_year, sheets: Sheets, subject: str):
    totals = (_sum(r.requested for r in rows), _sum(r.suggested or ZERO for r in rows))
    return model.ExanteList(fiscal_year.year, sheets.system.bureau_name, tuple(rows), totals, subject)


def fund_total(rows) -> model.Fund:
    """The 合计 of L-3 and L-4: sums, and Σ执行 / Σ调整后 (never a mean of rates)."""
    total = figures.sum_rows(
        figures.FundRow(getattr(r, "initial", ZERO), r.adjusted, r.executed) for r in rows
    )
    return model.Fund(total.initial, total.adjusted, total.executed, total.rate)


def monitoring_list(rows: Sequence[model.MonitoringRow], fiscal_year, sheets: Sheets, subject: str):
    settings = fiscal_year.year_settings
    return model.MonitoringList(
        fiscal_year=fiscal_year.year,
        bureau=sheets.system.bureau_name,
        month=settings.monitoring_month,
        progress_label=settings.progress_label,
        rows=tuple(rows),
        totals=fund_total(rows),
        progress=figures.time_progress(settings.monitoring_month),
        subject=subject,
    )


def evaluation_list(rows: Sequence[model.EvaluationRow], fiscal_year, sheets: Sheets, subject: str):
    return model.EvaluationList(
        fiscal_year.year, sheets.system.bureau_name, tuple(rows), fund_total(rows), subject
    )


# Per summary kind: the row of one document, and the list of those rows.
SUMMARIES = {
    "targets_summary": (targets_row, targets_list),
    "exante_summary": (exante_row, exante_list),
    "monitoring_summary": (monitoring_row, monitoring_list),
    "self_evaluation_summary": (evaluation_row, evaluation_list),
}


# --- Ledgers (L-5, L-6) -----------------------------------------------------------------------------


def problem_row(problem: RectificationProblem) -> model.ProblemRow:
    return model.ProblemRow(
        project=rectification.subject_of(problem),
        source=SOURCES.get(problem.source, problem.source),
        problem_type=problem.problem_type,
        description=problem.description,
        measures=problem.measures,
        unit=problem.responsible_unit,
        person=problem.responsible_person,
        deadline=problem.deadline,
        status=STATUSES.get(problem.status, problem.status),
        explanation=problem.explanation,
        evidence=tuple(problem.evidence or ()),
    )


def application_row(row: results.LedgerRow) -> model.ApplicationRow:
    decision = row.decision
    return model.ApplicationRow(
        unit=row.unit.name,
        target=row.name,
        method=row.method,
        score=row.score,
        grade=row.grade or "",
        suggestion=row.suggestion or "",
        budget=row.budget,
        next_budget=decision.next_amount if decision else None,
        change=row.change,
        ways=tuple(decision.ways or ()) if decision else (),
        explanation=decision.text if decision else "",
    )


def problem_list(actor, fiscal_year, sheets: Sheets, unit=None, subject: str = "") -> model.ProblemList:
    """L-5: the year's problems in the actor's scope (the bureau's for a system export), of `unit` when given."""
    problems = rectification.problem_ledger(actor, fiscal_year)
    rows = tuple(problem_row(p) for p in problems if unit is None or p.unit_id == unit.id)
    return model.ProblemList(fiscal_year.year, sheets.system.bureau_name, rows, subject)


def application_list(
    actor, fiscal_year, sheets: Sheets, unit=None, subject: str = ""
) -> model.ApplicationList:
    """L-6: the results ledger in the actor's scope (the bureau's for a system export), of `unit` when given."""
    ledger = results.ledger(actor, fiscal_year)
    rows = tuple(application_row(r) for r in ledger if unit is None or r.unit.id == unit.id)
    return model.ApplicationList(fiscal_year.year, sheets.system.bureau_name, rows, subject)
