"""The figures of excel-formats §4, each a pure function of values and the year's settings.

Decimal in, Decimal out. Comparisons and scores are computed exactly (cross-multiplied, or in
`fractions.Fraction`, which represents every Decimal exactly); the only rounding is round2 of a
score (§4.1), applied once to the exact value. Never float, never round().
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from zyperf.domain.settings import GRADES, YearSettings
from zyperf.domain.text import plain_number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BUDGET_WEIGHT = Decimal(10)

# --- Arithmetic (§4.1) -----------------------------------------------------------------------------


def round2(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)


def _round2_exact(x: Fraction) -> Decimal:
    """round2 of an exact rational: ROUND_HALF_UP (half away from zero) to 0.01."""
    hundredths = math.floor(abs(x) * 100 + Fraction(1, 2))
    return Decimal(hundredths if x >= 0 else -hundredths).scaleb(-2)


fmt_number = plain_number  # §1.2, numbers inside text: 100, 98.5


# --- Progress and rates (§4.2, §4.3) -------------------------------------------------------------------


def time_progress(month: int) -> Decimal:
    """时序进度 m/12, unrounded."""
    return Decimal(month) / Decimal(12)


def rate(executed: Decimal, budget: Decimal) -> Decimal | None:
    """执行率 at full precision; None when the budget is 0 (the cell holds the filler)."""
    if budget == 0:
        return None
    return executed / budget


@dataclass(frozen=True)
class FundRow:
    """One fund row in 万元: 年初, 调整后, 执行 and (M-1 only) 全年预计执行数."""

    initial: Decimal
    adjusted: Decimal
    executed: Decimal
    expected: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        return rate(self.executed, self.adjusted)

    def __add__(self, other: "FundRow") -> "FundRow":
        if self.expected is None and other.expected is None:
            expected = None
        else:
            expected = (self.expected or ZERO) + (other.expected or ZERO)
        return FundRow(
            self.initial + other.initial,
            self.adjusted + other.adjusted,
            self.executed + other.executed,
            expected,
        )

    def __sub__(self, other: "FundRow") -> "FundRow":
        return self + FundRow(
            -other.initial,
            -other.adjusted,
            -other.executed,
            None if other.expected is None else -other.expected,
        )


ZERO_ROW = FundRow(ZERO, ZERO, ZERO)


def sum_rows(rows: Iterable[FundRow]) -> FundRow:
    """合计: the sums of each amount. Its rate is rate(Σ执行, Σ调整后), never a mean of rates."""
    total = ZERO_ROW
    for row in rows:
        total += row
    return total


def is_all_zero(row: FundRow) -> bool:
    """§1.2: 年初, 调整后 and 执行 all 0 (and 全年预计 where there is one): blank amount and rate cells."""
    return row.initial == row.adjusted == row.executed == 0 and not row.expected


SOURCES = ("fiscal", "special", "unit", "other")
CARRYOVER = "carryover"  # 上年结转资金: part of fiscal, shown in S-2 only
SOURCE_LABELS = {
    "fiscal": "财政资金",
    "special": "财政专户管理资金",
    "unit": "单位资金",
    "other": "其他资金",
    CARRYOVER: "上年结转资金",
}
LAYOUTS = ("sichuan", "central", "central-2020")


def layout_rows(sources: dict[str, FundRow], layout: str) -> list[tuple[str, FundRow]]:
    """The fund rows of a table (§4.3), labels as the table prints them. A missing source is zero.

    `sichuan` (S-1, D-2): 总额 and one row per source. `central` (T-1, M-1): 年度资金总额, 财政拨款,
    其他资金 (T-1 prints its first label with a trailing `：`). `central-2020` (S-2) splits 上年结转资金
    out of 财政资金.
    """
    get = {key: sources.get(key, ZERO_ROW) for key in (*SOURCES, CARRYOVER)}
    total = sum_rows(get[key] for key in SOURCES)
    others = sum_rows(get[key] for key in SOURCES[1:])
    if layout == "sichuan":
        return [
            ("总额", total),
            ("其中:财政资金", get["fiscal"]),
            ("财政专户管理资金", get["special"]),
            ("单位资金", get["unit"]),
            ("其他资金", get["other"]),
        ]
    if layout == "central":
        return [("年度资金总额", total), ("其中：财政拨款", get["fiscal"]), ("其他资金", others)]
    if layout == "central-2020":
        return [
            ("年度资金总额", total),
            ("其中：当年财政拨款", get["fiscal"] - get[CARRYOVER]),
            ("上年结转资金", get[CARRYOVER]),
            ("其他资金", others),
        ]
    raise ValueError(f"unknown fund layout {layout!r}")


# --- Monitoring (§4.4) -----------------------------------------------------------------------------

NORMAL, LAGGING, SEVERE, NOT_APPLICABLE = "正常", "滞后", "严重滞后", "不适用"
MONITORING_CLASSES = (NORMAL, LAGGING, SEVERE, NOT_APPLICABLE)
HANDLING = (
    ("direction_deviation", "提示警示纠偏"),
    (LAGGING, "督促加快"),
    (SEVERE, "调整预算直至财政收回"),
    ("major_change", "绩效评估后调整"),
)


def monitoring_class(
    executed: Decimal,
    adjusted: Decimal,
    month: int,
    settings: YearSettings,
    planned_progress: Decimal | None = None,
) -> str:
    """正常 / 滞后 / 严重滞后 of the 总额 row, or 不适用 when 调整后 is 0. The reference r is 计划进度
    (a fraction) when entered, else m/12; rate ≥ r × ratio is tested as 执行 × den ≥ 调整后 × num × ratio."""
    if adjusted == 0:
        return NOT_APPLICABLE
    if planned_progress is None:
        num, den = Fraction(month), Fraction(12)
    else:
        num, den = Fraction(planned_progress), Fraction(1)
    spent = Fraction(executed) * den
    reference = Fraction(adjusted) * num
    if spent >= reference * Fraction(settings.lag_ratio):
        return NORMAL
    if spent < reference * Fraction(settings.severe_ratio):
        return SEVERE
    return LAGGING


def handling(cls: str, *, direction_deviation: bool = False, major_change: bool = False) -> str:
    """处置措施: the texts that apply, in the rules' order, joined by `；`; "" when none applies."""
    applies = {
        cls,
        "direction_deviation" if direction_deviation else "",
        "major_change" if major_change else "",
    }
    return "；".join(text for condition, text in HANDLING if condition in applies)


# --- Scores (§4.5, §4.6) ----------------------------------------------------------------------------


def budget_score(executed: Decimal, adjusted: Decimal, settings: YearSettings) -> Decimal | None:
    """预算执行得分 out of 10 by the year's rule; None when 调整后 is 0."""
    if adjusted == 0:
        return None
    exact_rate = Fraction(executed) / Fraction(adjusted)
    if settings.budget_rule == "step":
        threshold = Fraction(settings.step_threshold)
        if exact_rate >= threshold:
            return round2(BUDGET_WEIGHT)
        points_started = math.ceil((threshold - exact_rate) * 100)
        return round2(max(ZERO, BUDGET_WEIGHT - points_started * settings.step_points_per_pp))
    return _round2_exact(min(exact_rate, Fraction(1)) * 10)


GE, EQ, LE, QUALITATIVE = "≥", "=", "≤", "定性"
NATURES = (EQ, GE, LE, QUALITATIVE)


def indicator_score(
    nature: str, target: Decimal, actual: Decimal, weight: Decimal, settings: YearSettings
) -> Decimal:
    """An indicator's formula score (§4.6), for `≥`, `=` and `≤`; t, a ≥ 0. A 定性 score is entered."""
    t, a, w = Fraction(target), Fraction(actual), Fraction(weight)
    if nature == EQ and t == 0:
        return round2(weight) if a == 0 else ZERO
    if nature in (GE, EQ):
        if t == 0 or a >= t:
            return round2(weight)
        return _round2_exact(a / t * w)
    if nature == LE:
        if a <= t:
            return round2(weight)
        if t == 0:
            return ZERO
        if settings.reverse_rule == "ratio":
            return _round2_exact(t / a * w)
        if a >= 2 * t:
            return ZERO
        return _round2_exact((1 - (a - t) / t) * w)
    raise ValueError(f"no formula for 指标性质 {nature!r}")


# The grades of a 定性 indicator (§3), best first.
QUALITATIVE_GRADES = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")


def qualitative_band(grade: str, weight: Decimal, settings: YearSettings) -> tuple[Decimal, Decimal, bool]:
    """(lo, hi, hi_inclusive) of the scores allowed for a 定性 grade: [0.8w, w], [0.6w, 0.8w), [0, 0.6w)."""
    upper, lower = settings.qualitative_bands[0] * weight, settings.qualitative_bands[1] * weight
    if grade == QUALITATIVE_GRADES[0]:
        return upper, weight, True
    if grade == QUALITATIVE_GRADES[1]:
        return lower, upper, False
    if grade == QUALITATIVE_GRADES[2]:
        return Decimal(0), lower, False
    raise ValueError(f"unknown 定性 grade {grade!r}")


def check_qualitative(grade: str, score: Decimal, weight: Decimal, settings: YearSettings) -> str | None:
    """None when a 定性 score fits its grade's band, else the message of S6."""
    if grade not in QUALITATIVE_GRADES:
        return "请选择定性指标的完成等级：" + "、".join(QUALITATIVE_GRADES)
    if score != round2(score):
        return "得分最多两位小数"
    lo, hi, hi_inclusive = qualitative_band(grade, weight, settings)
    if lo <= score and (score <= hi if hi_inclusive else score < hi):
        return None
    return f"得分应在{fmt_number(lo)}至{fmt_number(hi)}分之间"


def overshoot(nature: str, target: Decimal, actual: Decimal, settings: YearSettings) -> bool:
    """`≥` or `=` with t > 0 and a ≥ t × overshoot_ratio: the score stays w, but S7 wants a reason."""
    ratio = settings.overshoot_ratio
    return ratio is not None and nature in (GE, EQ) and target > 0 and actual >= target * ratio


def needs_reason(score: Decimal, weight: Decimal, overshoot: bool) -> bool:
    """S7: 未完成原因分析 is required below the weight, or on overshoot."""
    return score < weight or overshoot


# --- Total, grade, use of results (§4.7) --------------------------------------------------------------


def total(budget_score: Decimal | None, indicator_scores: Iterable[Decimal | None]) -> Decimal:
    """总分: the exact sum of the rounded parts (a part not yet known counts 0)."""
    parts = [budget_score, *indicator_scores]
    return sum((round2(p) for p in parts if p is not None), ZERO)


def grade(total: Decimal, settings: YearSettings) -> str:
    """优 / 良 / 中 / 差 by the year's inclusive lower bounds."""
    for name in GRADES[:3]:
        if total >= settings.grade_bounds[name]:
            return name
    return GRADES[3]


def result_suggestion(grade: str, settings: YearSettings) -> str:
    """结果应用建议 of a grade."""
    return settings.result_texts[grade]


# --- Ex-ante assessment (§4.8, §6.5) -----------------------------------------------------------------

EXANTE_ASPECTS = (
    ("立项必要性", ("政策相符性", "职能相关性", "需求迫切性", "不可替代性")),
    ("投入经济性", ("成本测算合理性", "投入产出匹配性", "成本控制措施", "分年度资金安排合理性")),
    ("绩效目标合理性", ("目标明确性", "指标完整性", "指标可衡量性", "目标值合理性")),
    ("实施方案可行性", ("实施内容明确性", "组织保障", "进度安排合理性", "风险防控")),
    ("筹资合规性", ("筹资合法合规性", "财政支持方式合理性", "其他资金来源可靠性", "债务风险可控性")),
)
EXANTE_RATINGS = GRADES
EXANTE_CONCLUSIONS = ("予以支持", "调整完善后予以支持", "不予支持")


def exante_scores(
    ratings: list[str | None], settings: YearSettings
) -> tuple[list[Decimal | None], Decimal | None]:
    """Per-aspect sums of the ratings' points (None where a rating is missing) and their total."""
    sizes = [len(items) for _, items in EXANTE_ASPECTS]
    if len(ratings) != sum(sizes):
        raise ValueError(f"expected {sum(sizes)} ratings, got {len(ratings)}")
    unknown = {r for r in ratings if r is not None} - set(EXANTE_RATINGS)
    if unknown:
        raise ValueError(f"unknown ratings {sorted(unknown)}")
    aspects: list[Decimal | None] = []
    start = 0
    for size in sizes:
        chunk = ratings[start : start + size]
        start += size
        if any(r is None for r in chunk):
            aspects.append(None)
        else:
            aspects.append(sum((settings.exante_rating_points[r] for r in chunk), Decimal(0)))
    if any(a is None for a in aspects):
        return aspects, None
    return aspects, sum(aspects, Decimal(0))


def exante_conclusion(total: Decimal | None, settings: YearSettings) -> str:
    """评估结论 of a total; "" while the total is unknown."""
    if total is None:
        return ""
    if total >= settings.exante_support_min:
        return EXANTE_CONCLUSIONS[0]
    if total >= settings.exante_revise_min:
        return EXANTE_CONCLUSIONS[1]
    return EXANTE_CONCLUSIONS[2]
