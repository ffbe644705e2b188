"""What happened in a volume year (zyperf.volume), as a unit would enter it: the monitoring of 1-m月 and
the self-evaluation, starting from what the service prefilled (the final targets' indicators and
budget). The spread is realistic: monitoring classes 正常 / 滞后 / 严重滞后 about 70 / 20 / 10 %, grades
优 / 良 / 中 / 差 about 40 / 35 / 18 / 7 %, every reason §5 asks for written. Pure: data in, data out;
the figures themselves are the service's to compute."""

import random
from decimal import Decimal

from zyperf.domain.figures import QUALITATIVE_GRADES, round2
from zyperf.domain.indicators import QUALITATIVE

CENT = Decimal("0.01")
# Monitoring class → weight, and the share of the budget spent by month m as (low, high) fractions of
# m/12: well inside each class's bounds (§4.4, default ratios), so rounding cents never crosses one.
CLASSES = {"正常": (70, 1.03, 1.35), "滞后": (20, 0.55, 0.95), "严重滞后": (10, 0.1, 0.45)}
# Grade → weight, each indicator's completion c (score ≈ c × weight) and the execution rate: each
# range lands its total well inside the grade (§4.7).
GRADES = {
    "优": (40, (0.97, 1.0), (0.95, 1.0)),
    "良": (35, (0.84, 0.88), (0.90, 0.96)),
    "中": (18, (0.62, 0.72), (0.75, 0.89)),
    "差": (7, (0.30, 0.50), (0.40, 0.70)),
}


def _pick(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), weights=[v[0] for v in table.values()])[0]


def _share(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 4)))


def _number(value: Decimal) -> str:
    return str(value.quantize(CENT))


def monitoring_values(data: dict, month: int, rng: random.Random, cls: str | None = None) -> dict:
    """The monitoring's data filled in: 执行数 and 全年预计 per fund source, each indicator's 完成值,
    expectation and likelihood (with causes and a remark when not 确定能), the 偏差原因 a lag needs.
    The class is `cls` when given (a story's), else drawn from CLASSES."""
    cls = cls or _pick(rng, CLASSES)
    _, low, high = CLASSES[cls]
    share = min(Decimal(1), _share(rng, low, high) * month / 12)
    funds = {}
    for source, row in (data.get("funds") or {}).items():
        adjusted = Decimal(row.get("adjusted") or "0")
        funds[source] = row | {"executed": _number(adjusted * share), "expected": _number(adjusted)}
    lagging = cls != "正常"
    rows, flagged = [], False
    for row in data.get("indicators") or []:
        filled = dict(row, likelihood="certain", causes=[], remark="")
        if row.get("nature") == QUALITATIVE:
            filled |= {"actual": "初见成效", "expected": row.get("value") or "达成预期指标"}
        else:
            target = Decimal(row["value"])
            filled |= {"actual": _number(target * share), "expected": _number(target)}
            if lagging and not flagged:
                filled |= {
                    "likelihood": "possible",
                    "causes": ["funding"],
                    "remark": "资金拨付滞后，预计年底前完成",
                }
                flagged = True
        rows.append(filled)
    reason = "项目前期手续办理滞后，资金支付进度慢于计划" if lagging else ""
    return data | {"funds": funds, "indicators": rows, "deviation_reason": reason, "planned_progress": None}


def _evaluated_row(row: dict, c: Decimal) -> dict:
    """An indicator's result at completion c of its target: a formula score of about c × weight."""
    weight = Decimal(row["weight"])
    reason = "" if c >= 1 else "受前期工作进度影响，指标未完全达成"
    if row.get("nature") == QUALITATIVE:
        grade = QUALITATIVE_GRADES[0 if c >= Decimal("0.8") else 1 if c >= Decimal("0.6") else 2]
        return (
            row
            | {"actual": "基本达到预期效果", "grade": grade, "score_entered": _number(round2(weight * c))}
            | {"reason": reason}
        )
    target = Decimal(row["value"])
    actual = target * c if row.get("nature") != "≤" else target * (2 - c)  # ≤ linear: score = c × weight
    return row | {"actual": _number(actual), "reason": reason}


def evaluation_values(data: dict, rng: random.Random, grade: str | None = None) -> dict:
    """The self-evaluation's data filled in for `grade` (else one drawn from GRADES): 执行数 at its
    rate, each indicator's 完成值 (定性: grade and score within its band), and every text and reason §5
    asks for."""
    grade = grade or _pick(rng, GRADES)
    _, completion, rates = GRADES[grade]
    c, rate = _share(rng, *completion), _share(rng, *rates)
    funds, adjusted_differs = {}, False
    for source, row in (data.get("funds") or {}).items():
        adjusted = Decimal(row.get("adjusted") or "0")
        adjusted_differs |= adjusted != Decimal(row.get("initial") or "0")
        funds[source] = row | {"executed": _number(adjusted * rate)}
    texts = {
        "goal_completion": "年度目标基本完成" if grade in ("优", "良") else "年度目标部分完成",
        "implementation": "按年度计划组织实施，完成招标、合同签订、实施和验收等环节。",
        "execution_reason": "" if rate >= Decimal("0.9") else "部分合同尾款未到支付节点，资金拨付滞后",
        "adjustment_reason": "年中按实际需求调整预算" if adjusted_differs else "",
        "conclusion": f"项目总体实施情况{'较好' if grade in ('优', '良') else '一般'}，资金使用规范。",
        "problems": "项目前期工作耗时较长，执行进度不均衡。",
        "measures": "加强项目前期谋划和过程管理，按月跟踪执行进度。",
    }
    rows = [_evaluated_row(row, c) for row in data.get("indicators") or []]
    return data | texts | {"funds": funds, "indicators": rows}
