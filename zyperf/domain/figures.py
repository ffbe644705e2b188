"""PLACEHOLDER until the figures branch lands (helper): the computations of excel-formats §4."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EXANTE_ASPECTS = (
    ("立项必要性", ("政策相符性", "职能相关性", "需求迫切性", "不可替代性")),
    ("投入经济性", ("成本测算合理性", "投入产出匹配性", "成本控制措施", "分年度资金安排合理性")),
    ("绩效目标合理性", ("目标明确性", "指标完整性", "指标可衡量性", "目标值合理性")),
    ("实施方案可行性", ("实施内容明确性", "组织保障", "进度安排合理性", "风险防控")),
    ("筹资合规性", ("筹资合法合规性", "财政支持方式合理性", "其他资金来源可靠性", "债务风险可控性")),
)
EXANTE_RATINGS = ("优", "良", "中", "差")
QUALITATIVE_GRADES = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")


@dataclass(frozen=True)
class FundRow:
    initial: Decimal
    adjusted: Decimal
    executed: Decimal
    expected: Decimal | None = None


def round2(x):
    return Decimal(x).quantize(Decimal("0.01"), ROUND_HALF_UP)


def fmt_number(d):
    text = format(Decimal(d), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def time_progress(month):
    return Decimal(month) / Decimal(12)


def rate(executed, budget):
    return None if budget == 0 else executed / budget


def sum_rows(rows):
    rows = list(rows)
    exp = [r.expected for r in rows if r.expected is not None]
    return FundRow(
        sum((r.initial for r in rows), Decimal(0)),
        sum((r.adjusted for r in rows), Decimal(0)),
        sum((r.executed for r in rows), Decimal(0)),
        sum(exp, Decimal(0)) if exp else None,
    )


def monitoring_class(executed, adjusted, month, settings, planned_progress=None):
    if adjusted == 0:
        return "不适用"
    if planned_progress is not None:
        lhs, ref = executed, adjusted * planned_progress
    else:
        lhs, ref = executed * 12, adjusted * month
    if lhs >= ref * settings.lag_ratio:
        return "正常"
    if lhs < ref * settings.severe_ratio:
        return "严重滞后"
    return "滞后"


def handling(cls, *, direction_deviation=False, major_change=False):
    parts = []
    if direction_deviation:
        parts.append("提示警示纠偏")
    if cls == "滞后":
        parts.append("督促加快")
    if cls == "严重滞后":
        parts.append("调整预算直至财政收回")
    if major_change:
        parts.append("绩效评估后调整")
    return "；".join(parts)


def budget_score(executed, adjusted, settings):
    if adjusted == 0:
        return None
    if settings.budget_rule == "step":
        if executed * 100 >= adjusted * settings.step_threshold * 100:
            return Decimal("10.00")
        gap = (settings.step_threshold * adjusted - executed) * 100 / adjusted
        return round2(max(Decimal(0), 10 - math.ceil(gap) * settings.step_points_per_pp))
    return round2(min(executed / adjusted, Decimal(1)) * 10)


def indicator_score(nature, target, actual, weight, settings):
    if nature in ("≥", "="):
        if nature == "=" and target == 0:
            return round2(weight) if actual == 0 else Decimal("0.00")
        if target == 0 or actual >= target:
            return round2(weight)
        return round2(actual / target * weight)
    if actual <= target:
        return round2(weight)
    if target == 0:
        return Decimal("0.00")
    if settings.reverse_rule == "ratio":
        return round2(target / actual * weight)
    if actual >= 2 * target:
        return Decimal("0.00")
    return round2((1 - (actual - target) / target) * weight)


def qualitative_band(grade, weight, settings):
    hi_b, lo_b = settings.qualitative_bands
    if grade == QUALITATIVE_GRADES[0]:
        return weight * hi_b, weight, True
    if grade == QUALITATIVE_GRADES[1]:
        return weight * lo_b, weight * hi_b, False
    return Decimal(0), weight * lo_b, False


def check_qualitative(grade, score, weight, settings):
    lo, hi, inclusive = qualitative_band(grade, weight, settings)
    if score < lo or score > hi or (score == hi and not inclusive):
        return f"得分应在{fmt_number(lo)}至{fmt_number(hi)}分之间"
    return None


def overshoot(nature, target, actual, settings):
    ratio = settings.overshoot_ratio
    return ratio is not None and nature in ("≥", "=") and target > 0 and actual >= target * ratio


def needs_reason(score, weight, over):
    return score < weight or over


def total(budget, scores):
    return sum(scores, budget or Decimal(0))


def grade(value, settings):
    for g in ("优", "良", "中"):
        if value >= settings.grade_bounds[g]:
            return g
    return "差"


def result_suggestion(g, settings):
    return settings.result_texts[g]


def exante_scores(ratings, settings):
    points = settings.exante_rating_points
    aspects = []
    for i in range(5):
        chunk = ratings[i * 4 : i * 4 + 4]
        aspects.append(
            None
            if len(chunk) < 4 or any(r not in points for r in chunk)
            else Decimal(sum(points[r] for r in chunk))
        )
    return aspects, (None if None in aspects else sum(aspects, Decimal(0)))


def exante_conclusion(value, settings):
    if value >= settings.exante_support_min:
        return "予以支持"
    if value >= settings.exante_revise_min:
        return "调整完善后予以支持"
    return "不予支持"
