"""The rules of excel-formats §5 that span several fields of a document (G2 limits whatever the form
allows, M1–M2, S1–S5, X2); the checkers of single fields and tables hold the rest."""

from decimal import Decimal

from zyperf.domain.settings import YearSettings
from zyperf.domain.stages import flag_set, fund_totals
from zyperf.domain.text import FieldError, check_text, format_number, is_empty, plain_number, to_decimal

BUDGET_WEIGHT = Decimal(10)
# §5 text limits, applied whatever the form allows (G2): key → (limit, required on submission).
TEXT_RULES: dict[str, dict[str, tuple[int, bool]]] = {
    "performance_targets": {"annual_goal": (500, True)},
    "target_adjustment": {"annual_goal": (500, True)},
    "department_targets": {"annual_goal": (500, True)},  # D1: as T6
    "monitoring": {"deviation_reason": (200, False)},
    "self_evaluation": {
        "goal_completion": (100, True),
        "implementation": (200, True),
        "execution_reason": (100, False),
        "adjustment_reason": (100, False),
        "conclusion": (200, True),
        "problems": (200, True),
        "measures": (200, True),
    },
    "ex_ante_assessment": {"overall_opinion": (200, True)},
}
TEXT_RULES["department_evaluation"] = {
    k: v for k, v in TEXT_RULES["self_evaluation"].items() if k != "implementation"
} | {
    "annual_goal": (500, True),
    "tasks_completion": (200, True),
}


def required_keys(kind: str) -> frozenset[str]:
    """The fields §5 requires on submission whatever the form's definition says."""
    return frozenset(key for key, (_, required) in TEXT_RULES.get(kind, {}).items() if required)


def conditions(kind: str, settings: YearSettings) -> dict[str, str]:
    """When §5 makes a field required (M2, S2, S3 and a judged budget score), as its form says it."""
    if kind == "monitoring":
        return {"deviation_reason": "执行进度滞后或存在方向偏差时必填"}
    if kind in ("self_evaluation", "department_evaluation"):
        return {
            "execution_reason": f"预算执行率未达到{plain_number(settings.reason_rate * 100)}%时必填",
            "adjustment_reason": "年中发生预算调整时必填",
            "budget_score_note": "评定得分与公式得分不同时必填",
        }
    return {}


def _require(errors: dict, data: dict, key: str, message: str) -> None:
    if is_empty(data.get(key)):
        errors.setdefault(key, []).append(message)


def rules(kind: str, data: dict, figs: dict, settings: YearSettings, *, complete: bool, review=None) -> dict:
    """Errors by field key of the rules of §5 that span fields (G2 limits always; the rest when
    complete). Field-level rules are the checkers' (fields, tables, indicators)."""
    errors: dict[str, list[str]] = {}
    for key, (limit, _required) in TEXT_RULES.get(kind, {}).items():
        value = data.get(key)
        if is_empty(value):
            continue
        try:
            check_text(value, _label(key), limit)
        except FieldError as exc:
            errors.setdefault(key, []).extend(exc.messages)
    if kind == "ex_ante_assessment":
        _ex_ante_rules(errors, data)
    if not complete:
        return errors
    for key, (_, required) in TEXT_RULES.get(kind, {}).items():
        if required:
            _require(errors, data, key, f"请填写{_label(key)}")
    if kind == "monitoring":
        _monitoring_rules(errors, data, figs, review or {})
    elif kind in ("self_evaluation", "department_evaluation"):
        _evaluation_rules(errors, data, figs, settings)
    return errors


_LABELS = {
    "annual_goal": "年度目标",
    "deviation_reason": "偏差原因",
    "goal_completion": "年度目标完成情况",
    "implementation": "项目实施内容及过程概述",
    "execution_reason": "预算执行率未达标原因",
    "adjustment_reason": "预算调整理由",
    "conclusion": "评价结论",
    "problems": "存在问题",
    "measures": "改进措施",
    "overall_opinion": "综合意见",
    "tasks_completion": "年度主要任务完成情况",
}


def _label(key: str) -> str:
    return _LABELS.get(key, key)


def _monitoring_rules(errors: dict, data: dict, figs: dict, review: dict) -> None:
    if figs.get("adjusted_total") is not None and figs["adjusted_total"] <= 0:
        errors.setdefault("funds", []).append("调整后预算数合计应大于0")  # M1
    if figs.get("monitoring_class") in ("滞后", "严重滞后"):  # M2
        _require(errors, data, "deviation_reason", "执行进度滞后，须说明偏差原因")
    elif flag_set(review, "direction_deviation"):
        _require(errors, data, "deviation_reason", "存在方向偏差，须说明偏差原因")


def _evaluation_rules(errors: dict, data: dict, figs: dict, settings: YearSettings) -> None:
    totals = fund_totals(data)
    if totals is None or totals.adjusted <= 0:
        errors.setdefault("funds", []).append("调整后预算数合计应大于0")  # S1
        return
    rate = figs.get("execution_rate")
    if rate is not None and rate < settings.reason_rate:  # S2
        percent = plain_number(settings.reason_rate * 100)
        _require(errors, data, "execution_reason", f"预算执行率未达到{percent}%，须说明原因（100字以内）")
    if totals.adjusted != totals.initial:  # S3
        _require(errors, data, "adjustment_reason", "年中发生预算调整，须单独说明理由")
    entered, formula = to_decimal(data.get("budget_score_entered")), figs.get("budget_score_formula")
    if entered is not None:
        if not 0 <= entered <= BUDGET_WEIGHT:
            errors.setdefault("budget_score_entered", []).append("得分应在0至10分之间")
        elif formula is not None and entered != formula:
            _require(
                errors,
                data,
                "budget_score_note",
                f"预算执行评定得分与公式得分（{format_number(formula)}）不同，须填写评分说明",
            )


def _ex_ante_rules(errors: dict, data: dict) -> None:
    requested, suggested = to_decimal(data.get("requested_amount")), to_decimal(data.get("suggested_amount"))
    if suggested is not None and requested is not None and suggested > requested:  # X2
        errors.setdefault("suggested_amount", []).append(
            f"建议预算控制数不得超过申请预算金额（{format_number(requested)}万元）"
        )
