"""PLACEHOLDER until the figures branch lands (helper): the fiscal-year settings of excel-formats §2."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class YearSettings:
    family_targets: str = "central-annual"
    family_monitoring: str = "central-monitor"
    family_self_evaluation: str = "sichuan-510000"
    indicator_framework: str = "2021"
    monitoring_month: int = 8
    progress_label: str = "时序进度"
    lag_ratio: Decimal = Decimal("1.00")
    severe_ratio: Decimal = Decimal("0.50")
    budget_rule: str = "proportional"
    step_threshold: Decimal = Decimal("0.90")
    step_points_per_pp: Decimal = Decimal(1)
    reverse_rule: str = "linear"
    overshoot_ratio: Decimal | None = Decimal("1.30")
    qualitative_bands: tuple = (Decimal("0.8"), Decimal("0.6"))
    reason_rate: Decimal = Decimal("0.90")
    grade_bounds: dict = field(
        default_factory=lambda: {"优": Decimal(90), "良": Decimal(80), "中": Decimal(60)}
    )
    result_texts: dict = field(
        default_factory=lambda: {
            "优": "适当优先给予保障",
            "良": "据实予以合理保障",
            "中": "予以一定比例核减",
            "差": "视情况可取消或暂停下一年度预算安排",
        }
    )
    exante_rating_points: dict = field(default_factory=lambda: {"优": 5, "良": 4, "中": 3, "差": 0})
    exante_support_min: int = 80
    exante_revise_min: int = 60
    report_code_self_evaluation: str = "报表编号:510000_0013zp"
    major_change_amount_ratio: Decimal = Decimal("0.10")
    due_grace_days: int = 15

    @classmethod
    def from_json(cls, data):
        return cls()

    def to_json(self):
        return {}
