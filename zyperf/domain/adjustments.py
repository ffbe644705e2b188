"""Budget adjustments (rules 三(三)): what one adjustment does to each fund source, and the ledger of a
project or unit (count, 追加, 调减, 财政收回). Pure: Decimal in 万元, from documents' data."""

from dataclasses import dataclass
from decimal import Decimal

from zyperf.domain.tables import FUND_SOURCES, fund_amount
from zyperf.domain.text import to_decimal

INCREASE, DECREASE, RECALL = "increase", "decrease", "recall"
ADJUSTMENT_TYPES = {INCREASE: "追加", DECREASE: "调减", RECALL: "财政收回"}
ZERO = Decimal("0.00")


def adjustment_type(data: dict) -> str | None:
    kind = (data or {}).get("adjustment_type")
    return kind if isinstance(kind, str) and kind else None


def amounts(data: dict) -> dict[str, Decimal]:
    """The amount by fund source (always ≥ 0; the type says which way). Forms published before the
    fund table held 调整前/调整后 totals: their difference counts as 财政资金."""
    data = data or {}
    funds = data.get("funds")
    if isinstance(funds, dict):
        return {s: fund_amount(funds, s, "amount") for s in FUND_SOURCES}
    before, after = to_decimal(data.get("budget_before")), to_decimal(data.get("budget_after"))
    legacy = abs(after - before) if before is not None and after is not None else ZERO
    return {s: legacy if s == "fiscal" else ZERO for s in FUND_SOURCES}


def net(data: dict) -> dict[str, Decimal]:
    """What the adjustment adds to each source's budget: + for 追加, − for 调减 and 收回, 0 otherwise."""
    sign = {INCREASE: 1, DECREASE: -1, RECALL: -1}.get(adjustment_type(data), 0)
    return {s: a * sign for s, a in amounts(data).items()}


def add_net(base: dict[str, Decimal], more: dict[str, Decimal]) -> dict[str, Decimal]:
    return {s: base.get(s, ZERO) + more.get(s, ZERO) for s in FUND_SOURCES}


@dataclass
class Ledger:
    """调整频次 and amounts of final adjustments (rules: they feed next year's arrangement)."""

    count: int = 0
    increase: Decimal = ZERO
    decrease: Decimal = ZERO
    recalled: Decimal = ZERO

    def add(self, data: dict) -> "Ledger":
        total = sum(amounts(data).values(), ZERO)
        kind = adjustment_type(data)
        self.count += 1
        if kind == INCREASE:
            self.increase += total
        elif kind == DECREASE:
            self.decrease += total
        elif kind == RECALL:
            self.recalled += total
        return self

    def __add__(self, other: "Ledger") -> "Ledger":
        return Ledger(
            self.count + other.count,
            self.increase + other.increase,
            self.decrease + other.decrease,
            self.recalled + other.recalled,
        )

    def as_strings(self) -> dict:
        """As the API gives it: amounts in 万元 with two decimals."""
        q = Decimal("0.01")
        return {
            "count": self.count,
            "increase": str(self.increase.quantize(q)),
            "decrease": str(self.decrease.quantize(q)),
            "recalled": str(self.recalled.quantize(q)),
        }


def major_amount_change(before: Decimal, after: Decimal, ratio: Decimal) -> bool:
    """An amount change of targets above the year's ratio of the approved total (rules 三(三): 绩效目标
    发生重大变化). With no approved total, any change is major."""
    if before == 0:
        return after != 0
    return abs(after - before) > before * ratio
