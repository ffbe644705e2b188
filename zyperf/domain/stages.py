"""What each stage kind computes and checks, whatever else its form holds: the fields its figures and
exports read (they cannot be designed away), the named formulas a computed field may show, the
figures of a document (excel-formats §4) and the rules of §5 that span several fields."""

from decimal import Decimal

from zyperf.domain import figures, tables, tasks
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import (
    format_number,
    is_empty,
    plain_number,
    to_decimal,
)

KIND_LABELS = {
    "ex_ante_assessment": "事前绩效评估",
    "performance_targets": "绩效目标",
    "target_adjustment": "绩效目标调整",
    "monitoring": "绩效监控",
    "budget_adjustment": "预算调整",
    "self_evaluation": "项目支出绩效自评",
    "department_evaluation": "部门整体支出绩效评价",
    "rectification": "整改报告",
    "department_targets": "部门整体支出绩效目标",
    "department_rectification": "部门整体支出整改报告",
}
_EVALUATION_FIELDS = {
    "goal_completion": "long_text",
    "implementation": "long_text",
    "funds": "fund_table",
    "execution_reason": "long_text",
    "adjustment_reason": "long_text",
    "budget_score_entered": "decimal",
    "budget_score_note": "long_text",
    "indicators": "indicator_table",
    "conclusion": "long_text",
    "problems": "long_text",
    "measures": "long_text",
}
# The fields each kind's figures, rules and exports read: key → type (and, for tables, the mode or
# the fund columns they need).
KIND_FIELDS: dict[str, dict[str, str]] = {
    "performance_targets": {
        "funds": "fund_table",
        "annual_goal": "long_text",
        "indicators": "indicator_table",
    },
    "target_adjustment": {
        "reason": "long_text",
        "funds": "fund_table",
        "annual_goal": "long_text",
        "indicators": "indicator_table",
    },
    "monitoring": {"funds": "fund_table", "deviation_reason": "long_text", "indicators": "indicator_table"},
    "self_evaluation": _EVALUATION_FIELDS,
    "department_evaluation": {k: v for k, v in _EVALUATION_FIELDS.items() if k != "implementation"}
    | {"contact": "text", "phone": "text", "annual_goal": "long_text", "tasks_completion": "long_text"},
    "budget_adjustment": {"adjustment_type": "choice", "funds": "fund_table", "reason": "long_text"},
    "ex_ante_assessment": {
        "requested_amount": "decimal",
        "method": "choice",
        "ratings": "rating_table",
        "suggested_amount": "decimal",
        "overall_opinion": "long_text",
    },
    "department_targets": {
        "tasks": "task_table",
        "annual_goal": "long_text",
        "indicators": "indicator_table",
    },
    # The problems (one ledger row each, L-5) and the unit's declaration (rules 三(四)).
    "rectification": {"problems": "problem_table", "truthfulness": "yes_no"},
    "department_rectification": {"problems": "problem_table", "truthfulness": "yes_no"},
}
TABLE_MODES = {
    "performance_targets": "targets",
    "department_targets": "targets",
    "target_adjustment": "targets",
    "monitoring": "monitoring",
    "self_evaluation": "evaluation",
    "department_evaluation": "evaluation",
}
FUND_NEEDS = {
    "budget_adjustment": {"amount"},
    "performance_targets": {"amount"},
    "target_adjustment": {"amount"},
    "monitoring": {"initial", "adjusted", "executed"},
    "self_evaluation": {"initial", "adjusted", "executed"},
    "department_evaluation": {"initial", "adjusted", "executed"},
}
_EVALUATION_FORMULAS = {
    "execution_rate": ("预算执行率", "rate"),
    "budget_score_formula": ("预算执行公式得分", "score"),
    "budget_score": ("预算执行得分", "score"),
    "indicator_score": ("绩效指标得分", "score"),
    "total_score": ("自评总分", "score"),
    "grade": ("评价等级", "text"),
    "suggestion": ("结果应用建议", "text"),
}
# Named formulas a computed field may show: name → (label, how it displays).
FORMULAS: dict[str, dict[str, tuple[str, str]]] = {
    "performance_targets": {
        "funds_total": ("年度资金总额", "amount"),
        "weight_total": ("权重合计", "number"),
    },
    "target_adjustment": {"funds_total": ("年度资金总额", "amount"), "weight_total": ("权重合计", "number")},
    "budget_adjustment": {"funds_total": ("调整金额合计", "amount")},
    "monitoring": {
        "adjusted_total": ("调整后预算数合计", "amount"),
        "executed_total": ("{period}执行数合计", "amount"),
        "execution_rate": ("{period}执行率", "rate"),
        "time_progress": ("时序进度", "rate"),
        "reference_progress": ("参照进度", "rate"),
        "monitoring_class": ("监控分类", "text"),
        "handling": ("处置措施", "text"),
    },
    "self_evaluation": _EVALUATION_FORMULAS,
    "department_evaluation": _EVALUATION_FORMULAS,
    "department_targets": {
        "tasks_total": ("年度主要任务金额合计", "amount"),
        "weight_total": ("权重合计", "number"),
    },
    "ex_ante_assessment": {
        "aspect_scores": ("各评估内容得分", "list"),
        "total_score": ("评估得分", "score"),
        "conclusion": ("评估结论", "text"),
    },
}


def formula_problem(kind: str | None, formula) -> str | None:
    """Why a computed field's formula cannot be used for this kind (any kind's when None)."""
    names = (
        FORMULAS.get(kind, {}) if kind else {n: v for names in FORMULAS.values() for n, v in names.items()}
    )
    if not names:
        return "该类文档没有可用的计算项"
    if formula not in names:
        return f"计算公式应为 {'、'.join(names)} 之一"
    return None


def missing_fields(kind: str | None, fields: dict[str, dict]) -> list[tuple[str, str]]:
    """(key, message) for each field the kind's figures and exports need that is absent or wrong."""
    label = KIND_LABELS.get(kind or "", "")
    found = []
    for key, ftype in KIND_FIELDS.get(kind or "", {}).items():
        why = f"“{key}”是{label}的计算、校验和导出所用的字段"
        spec = fields.get(key)
        if spec is None:
            found.append((key, f"缺少字段“{key}”：{why}，不能删除"))
        elif spec["type"] != ftype:
            found.append((key, f"字段“{key}”的类型应为{ftype}：{why}"))
        elif ftype == "indicator_table" and spec.get("mode", "targets") != TABLE_MODES[kind]:
            found.append((key, f"字段“{key}”的用途应为 {TABLE_MODES[kind]}：{why}"))
        elif ftype == "fund_table" and not FUND_NEEDS[kind] <= set(spec.get("columns") or ["amount"]):
            found.append((key, f"字段“{key}”须含资金列 {'、'.join(sorted(FUND_NEEDS[kind]))}：{why}"))
    return found


# ---------------------------------------------------------------------------------------------------
# Figures


def fund_totals(data: dict) -> figures.FundRow | None:
    """The 总额 row: from the fund sources, or from the single amounts of forms published before them."""
    funds = data.get("funds")
    if isinstance(funds, dict) and funds:
        rows = tables.fund_rows(funds)
        return figures.sum_rows(rows[source] for source in tables.FUND_SOURCES)
    adjusted, executed = to_decimal(data.get("budget_adjusted")), to_decimal(data.get("executed"))
    if adjusted is None or executed is None:
        return None
    return figures.FundRow(to_decimal(data.get("budget_initial")) or adjusted, adjusted, executed)


def _planned(data: dict) -> Decimal | None:
    value = to_decimal(data.get("planned_progress"))
    return None if value is None else value / 100


def flag_set(review: dict | None, name: str) -> bool:
    """Whether a reviewer's flag (方向偏差, 目标重大变化) is set now: services.reviews keeps each flag as
    {"set": bool, "by", "at", "comment"}, so a flag once cleared is still present, with set False."""
    flag = ((review or {}).get("flags") or {}).get(name)
    return bool(flag.get("set")) if isinstance(flag, dict) else bool(flag)


def _monitoring(data: dict, settings: YearSettings, review: dict) -> dict:
    totals, month = fund_totals(data), settings.monitoring_month
    planned = _planned(data)
    result = {
        "time_progress": figures.time_progress(month),
        "reference_progress": planned if planned is not None else figures.time_progress(month),
        "adjusted_total": totals.adjusted if totals else None,
        "executed_total": totals.executed if totals else None,
        "execution_rate": figures.rate(totals.executed, totals.adjusted) if totals else None,
        "monitoring_class": None,
        "handling": None,
    }
    if totals is not None:
        cls = figures.monitoring_class(totals.executed, totals.adjusted, month, settings, planned)
        result["monitoring_class"] = cls
        result["handling"] = figures.handling(
            cls,
            direction_deviation=flag_set(review, "direction_deviation"),
            major_change=flag_set(review, "major_change"),
        )
    return result


def _evaluation(data: dict, settings: YearSettings) -> dict:
    totals = fund_totals(data)
    result = dict.fromkeys(_EVALUATION_FORMULAS)
    result["overridden"] = False
    if totals is None:
        return result
    result["execution_rate"] = figures.rate(totals.executed, totals.adjusted)
    formula = figures.budget_score(totals.executed, totals.adjusted, settings)
    entered = to_decimal(data.get("budget_score_entered"))
    result["budget_score_formula"] = formula
    result["budget_score"] = entered if entered is not None else formula
    rows = [r for r in data.get("indicators") or [] if isinstance(r, dict)]
    scores = [to_decimal(r.get("score")) for r in rows]
    result["overridden"] = (entered is not None and entered != formula) or any(
        not is_empty(r.get("score_entered")) and r.get("score_entered") != r.get("score_formula")
        for r in rows
        if r.get("nature") != "定性"
    )
    if rows and None not in scores:
        result["indicator_score"] = sum(scores, Decimal(0))
    if result["budget_score"] is not None and rows and None not in scores:
        total = figures.total(result["budget_score"], scores)
        result["total_score"] = total
        result["grade"] = figures.grade(total, settings)
        result["suggestion"] = figures.result_suggestion(result["grade"], settings)
    return result


_LEGACY_ASPECTS = (
    "score_necessity",
    "score_economy",
    "score_targets",
    "score_feasibility",
    "score_financing",
)


def _ex_ante(data: dict, settings: YearSettings) -> dict:
    ratings = data.get("ratings")
    if isinstance(ratings, list) and ratings:
        aspects, total = figures.exante_scores([r.get("rating") or None for r in ratings], settings)
    else:  # forms published before the rating table: five typed aspect scores
        aspects = [to_decimal(data.get(k)) for k in _LEGACY_ASPECTS]
        total = None if None in aspects else sum(aspects, Decimal(0))
    return {
        "aspect_scores": aspects,
        "total_score": total,
        "conclusion": figures.exante_conclusion(total, settings) if total is not None else None,
    }


def _weight_total(data: dict) -> Decimal:
    rows = [r for r in data.get("indicators") or [] if isinstance(r, dict)]
    return sum((to_decimal(r.get("weight")) or Decimal(0) for r in rows), Decimal(0))


def _targets(data: dict) -> dict:
    funds = data.get("funds")
    return {
        "funds_total": tables.fund_total(funds, "amount") if isinstance(funds, dict) else None,
        "weight_total": _weight_total(data),
    }


def _department_targets(data: dict) -> dict:
    """D1: the tasks' 金额合计 (each task's 总额 = 财政拨款 + 其他资金) and Σ权重."""
    return {"tasks_total": tasks.task_totals(data.get("tasks"))[0], "weight_total": _weight_total(data)}


def compute(kind: str, data: dict, settings: YearSettings, review: dict | None = None) -> dict:
    """Every figure of a document, from its data, its year's settings and the reviewers' flags."""
    data = data or {}
    if kind == "monitoring":
        return _monitoring(data, settings, review or {})
    if kind in ("self_evaluation", "department_evaluation"):
        return _evaluation(data, settings)
    if kind == "ex_ante_assessment":
        return _ex_ante(data, settings)
    if kind in ("performance_targets", "target_adjustment"):
        return _targets(data)
    if kind == "department_targets":
        return _department_targets(data)
    if kind == "budget_adjustment":
        funds = data.get("funds")
        return {"funds_total": tables.fund_total(funds, "amount") if isinstance(funds, dict) else None}
    return {}


def stored(value):
    """A figure as it is kept in a document's data (JSON): Decimals as exact strings."""
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, list):
        return [stored(v) for v in value]
    return value


def display(kind: str, formula: str, value, *, filler: str = "—") -> str:
    """A stored figure as a person reads it: 59.55%, 8.50, 正常; the filler when it cannot be computed."""
    how = FORMULAS.get(kind, {}).get(formula, ("", "text"))[1]
    if value is None or value == "":
        return filler
    if how == "list":
        return "、".join(display(kind, "", v, filler=filler) if v is not None else filler for v in value)
    number = to_decimal(value)
    if how == "rate" and number is not None:
        return f"{figures.round2(number * 100)}%"
    if how in ("score", "amount") and number is not None:
        return str(figures.round2(number))
    if how == "number" and number is not None:
        return plain_number(number)
    return str(value)
