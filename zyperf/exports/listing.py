"""The columns of L-1 … L-6 (excel-formats §8.1–8.6): header, width and style, the cells of one item
after its 序号, and the values of the 合计 row by column index."""

from dataclasses import dataclass

from zyperf.exports.model import (
    ApplicationList,
    ApplicationRow,
    EvaluationList,
    EvaluationRow,
    ExanteList,
    ExanteRow,
    MonitoringList,
    MonitoringRow,
    ProblemList,
    ProblemRow,
    TargetsList,
    TargetsRow,
)
from zyperf.exports.workbook import FILLER, month_span, normalize_text


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    style: str


def _columns(*specs: tuple[str, int, str]) -> list[Column]:
    return [Column("序号", 6, "center"), *(Column(*s) for s in specs)]


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def rate_or_filler(rate):
    return FILLER if rate is None else rate


def joined(parts, sep: str) -> str:
    return sep.join(p for p in (normalize_text(x) for x in parts) if p)


def targets_columns(**_) -> list[Column]:
    return _columns(
        ("科室（单位）", 14, "text"),
        ("项目编码", 22, "text"),
        ("项目名称", 28, "text"),
        ("项目属性", 10, "center"),
        ("年度资金总额", 12, "amount"),
        ("其中：财政拨款", 12, "amount"),
        ("其他资金", 12, "amount"),
        ("年度目标", 40, "text"),
        ("绩效指标个数", 8, "number"),
        ("权重合计", 8, "number"),
        ("是否需事前评估", 10, "center"),
        ("审核状态", 10, "center"),
    )


def targets_cells(r: TargetsRow) -> tuple:
    return (
        r.unit,
        r.code,
        r.name,
        r.attribute,
        r.total,
        r.fiscal,
        r.other,
        r.goal,
        r.indicator_count,
        r.weight_total,
        yes_no(r.needs_exante),
        r.status,
    )


def exante_columns(**_) -> list[Column]:
    return _columns(
        ("科室（单位）", 14, "text"),
        ("项目名称", 28, "text"),
        ("评估类型", 12, "center"),
        ("申报阶段", 10, "center"),
        ("申请预算金额", 12, "amount"),
        ("评估方式", 12, "center"),
        ("评估得分", 8, "score"),
        ("评估结论", 16, "center"),
        ("建议预算控制数", 12, "amount"),
        ("市财政局审核意见", 30, "text"),
        ("办理状态", 10, "center"),
        ("备注", 16, "text"),
    )


def exante_cells(r: ExanteRow) -> tuple:
    return (
        r.unit,
        r.name,
        r.assessment_type,
        r.stage,
        r.requested,
        r.method,
        r.score,
        r.conclusion,
        r.suggested,
        r.city_opinion,
        r.status,
        r.remark,
    )


def monitoring_columns(*, month: int, progress_label: str, **_) -> list[Column]:
    span = month_span(month)
    return _columns(
        ("科室（单位）", 14, "text"),
        ("项目编码", 22, "text"),
        ("项目名称", 28, "text"),
        ("年初预算数", 12, "amount"),
        ("调整后预算数", 12, "amount"),
        (f"{span}执行数", 12, "amount"),
        (f"{span}执行率", 10, "rate"),
        (progress_label, 10, "rate"),
        ("计划进度", 10, "rate"),
        ("监控分类", 10, "center"),
        ("方向偏差", 8, "center"),
        ("目标重大变化", 8, "center"),
        ("重点监控", 8, "center"),
        ("处置措施", 24, "text"),
        ("偏差原因", 36, "text"),
    )


def monitoring_cells(r: MonitoringRow) -> tuple:
    return (
        r.unit,
        r.code,
        r.name,
        r.initial,
        r.adjusted,
        r.executed,
        rate_or_filler(r.rate),
        r.progress,
        r.plan,
        r.category,
        yes_no(r.deviation),
        yes_no(r.major_change),
        yes_no(r.key),
        r.measures,
        r.reason,
    )


def evaluation_columns(**_) -> list[Column]:
    return _columns(
        ("科室（单位）", 14, "text"),
        ("项目编码", 22, "text"),
        ("项目名称", 28, "text"),
        ("调整后预算数", 12, "amount"),
        ("预算执行数", 12, "amount"),
        ("预算执行率", 10, "rate"),
        ("预算执行得分", 10, "score"),
        ("绩效指标得分", 10, "score"),
        ("自评总分", 10, "score"),
        ("评价等级", 8, "center"),
        ("结果应用建议", 24, "text"),
        ("备注", 16, "text"),
    )


def evaluation_cells(r: EvaluationRow) -> tuple:
    return (
        r.unit,
        r.code,
        r.name,
        r.adjusted,
        r.executed,
        rate_or_filler(r.rate),
        r.budget_score,
        r.indicator_score,
        r.total_score,
        r.grade,
        r.suggestion,
        r.remark,
    )


def problem_columns(**_) -> list[Column]:
    return _columns(
        ("项目名称", 24, "text"),
        ("问题来源", 10, "center"),
        ("问题类型", 12, "center"),
        ("问题描述", 36, "text"),
        ("整改措施", 36, "text"),
        ("责任单位（科室）", 14, "text"),
        ("责任人", 10, "center"),
        ("整改时限", 12, "date"),
        ("整改状态", 10, "center"),
        ("整改完成情况说明", 30, "text"),
        ("佐证材料", 24, "text"),
    )


def problem_cells(r: ProblemRow) -> tuple:
    return (
        r.project,
        r.source,
        r.problem_type,
        r.description,
        r.measures,
        r.unit,
        r.person,
        r.deadline,
        r.status,
        r.explanation,
        joined(r.evidence, "；"),
    )


def application_columns(**_) -> list[Column]:
    return _columns(
        ("科室（单位）", 14, "text"),
        ("评价对象", 26, "text"),
        ("评价方式", 10, "center"),
        ("评价得分", 10, "score"),
        ("评价等级", 8, "center"),
        ("应用建议", 24, "text"),
        ("当年预算数", 12, "amount"),
        ("下年预算安排数", 12, "amount"),
        ("增减金额", 12, "amount"),
        ("应用方式", 20, "text"),
        ("应用情况说明", 30, "text"),
    )


def application_cells(r: ApplicationRow) -> tuple:
    return (
        r.unit,
        r.target,
        r.method,
        r.score,
        r.grade,
        r.suggestion,
        r.budget,
        r.next_budget,
        r.change,
        joined(r.ways, "、"),
        r.explanation,
    )


COLUMNS = {
    TargetsList: targets_columns,
    ExanteList: exante_columns,
    MonitoringList: monitoring_columns,
    EvaluationList: evaluation_columns,
    ProblemList: problem_columns,
    ApplicationList: application_columns,
}
CELLS = {
    TargetsList: targets_cells,
    ExanteList: exante_cells,
    MonitoringList: monitoring_cells,
    EvaluationList: evaluation_cells,
    ProblemList: problem_cells,
    ApplicationList: application_cells,
}
# The 合计 row's values by zero-based column; a None rate is the filler (no items, or Σ = 0).
TOTALS = {
    TargetsList: lambda d: dict(zip((5, 6, 7), d.totals, strict=True)),
    ExanteList: lambda d: {5: d.totals[0], 9: d.totals[1]},
    MonitoringList: lambda d: {
        4: d.totals.initial,
        5: d.totals.adjusted,
        6: d.totals.executed,
        7: rate_or_filler(d.totals.rate),
        8: d.progress,
    },
    EvaluationList: lambda d: {4: d.totals.adjusted, 5: d.totals.executed, 6: rate_or_filler(d.totals.rate)},
}
