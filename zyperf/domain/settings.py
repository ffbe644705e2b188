"""Fiscal-year settings (excel-formats §2): defaults, their JSON form, and their validation.

A year's settings are stored as one JSON dict keyed by the dotted keys of §2, Decimals as plain
strings ("0.9", never floats). `validate_settings` is the one check of admin input; stored data
has passed it, so `YearSettings.from_json` trusts what it reads.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

GRADES = ("优", "良", "中", "差")
BOUNDED_GRADES = GRADES[:3]  # 差 is everything below 中
INDICATOR_FRAMEWORKS = {
    "2021": "2021 版指标体系（财预〔2021〕101号）",
    "2015": "2015 版指标体系（财预〔2015〕88号）",
}
FAMILY_CHOICES = {
    "family.targets": {"central-annual": "项目支出绩效目标申报表（财政部年度模板，T-1）"},
    "family.monitoring": {"central-monitor": "项目支出绩效目标执行监控表（财政部模板，M-1）"},
    "family.self_evaluation": {
        "sichuan-510000": "部门预算项目支出绩效自评表（四川 510000_0013zp，S-1）",
        "central-2020": "项目支出绩效自评表（财预〔2020〕10号，S-2）",
    },
}
CHOICES = {
    **FAMILY_CHOICES,
    "indicator_framework": INDICATOR_FRAMEWORKS,
    "monitoring.progress_label": {"时序进度": "时序进度", "序时进度": "序时进度"},
    "scoring.budget_rule": {
        "proportional": "按执行率比例计分（执行率 × 10）",
        "step": "阶梯扣分（低于起点每个百分点扣分）",
    },
    "scoring.reverse_rule": {
        "linear": "线性扣减（完成值达到指标值2倍得0分）",
        "ratio": "比值计分（指标值 ÷ 完成值 × 权重）",
    },
}
DEFAULT_RESULT_TEXTS = {
    "优": "适当优先给予保障",
    "良": "据实予以合理保障",
    "中": "予以一定比例核减",
    "差": "视情况可取消或暂停下一年度预算安排",
}

SETTING_LABELS = {
    "family.targets": "绩效目标表模板",
    "family.monitoring": "绩效监控表模板",
    "family.self_evaluation": "绩效自评表模板",
    "indicator_framework": "指标体系",
    "monitoring.month": "监控月份",
    "monitoring.progress_label": "进度名称",
    "monitoring.lag_ratio": "滞后判定系数",
    "monitoring.severe_ratio": "严重滞后判定系数",
    "scoring.budget_rule": "预算执行得分规则",
    "scoring.step_threshold": "阶梯扣分起点（执行率）",
    "scoring.step_points_per_pp": "每个百分点扣分",
    "scoring.reverse_rule": "反向指标计分规则",
    "scoring.overshoot_ratio": "超额完成须说明的倍数",
    "scoring.qualitative_bands": "定性指标分档（占权重比例）",
    "self_eval.reason_rate": "须说明原因的执行率",
    "grades": "评价等级分数下限",
    "result_application": "结果应用建议",
    "exante.rating_points": "事前评估每档分值",
    "exante.support_min": "予以支持最低分",
    "exante.revise_min": "调整完善后予以支持最低分",
    "report_code.self_evaluation": "自评表报表编号",
    "adjustment.major_change_amount_ratio": "重大调整金额比例",
    "due.grace_days": "逾期新建文档办理天数",
}
BAND_PARTS = ("upper", "lower")
BAND_LABELS = {"upper": "达成档下限", "lower": "部分达成档下限"}
RESULT_TEXT_LIMIT = 50
REPORT_CODE_LIMIT = 50
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f]")


@dataclass(frozen=True)
class YearSettings:
    """One fiscal year's settings, typed. Every attribute has its key in SETTING_KEYS."""

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
    qualitative_bands: tuple[Decimal, Decimal] = (Decimal("0.8"), Decimal("0.6"))
    reason_rate: Decimal = Decimal("0.90")
    grade_bounds: dict[str, Decimal] = field(
        default_factory=lambda: {"优": Decimal(90), "良": Decimal(80), "中": Decimal(60)}
    )
    result_texts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_RESULT_TEXTS))
    exante_rating_points: dict[str, Decimal] = field(
        default_factory=lambda: {
            "优": Decimal(5),
            "良": Decimal(4),
            "中": Decimal(3),
            "差": Decimal(0),
        }
    )
    exante_support_min: Decimal = Decimal(80)
    exante_revise_min: Decimal = Decimal(60)
    report_code_self_evaluation: str = "报表编号:510000_0013zp"
    major_change_amount_ratio: Decimal = Decimal("0.10")
    due_grace_days: int = 15

    @classmethod
    def defaults(cls) -> "YearSettings":
        return cls()

    @classmethod
    def from_json(cls, data: dict | None) -> "YearSettings":
        """Stored (validated) JSON back to values; a missing key takes its default."""
        data = data or {}
        values = {}
        for key, attr in SETTING_KEYS.items():
            if key in data:
                values[attr] = _load(key, data[key])
        return cls(**values)

    def to_json(self) -> dict:
        return {key: _dump(getattr(self, attr)) for key, attr in SETTING_KEYS.items()}


# Dotted key of §2 → YearSettings attribute, in the order pages show them.
SETTING_KEYS = {
    "family.targets": "family_targets",
    "family.monitoring": "family_monitoring",
    "family.self_evaluation": "family_self_evaluation",
    "indicator_framework": "indicator_framework",
    "monitoring.month": "monitoring_month",
    "monitoring.progress_label": "progress_label",
    "monitoring.lag_ratio": "lag_ratio",
    "monitoring.severe_ratio": "severe_ratio",
    "scoring.budget_rule": "budget_rule",
    "scoring.step_threshold": "step_threshold",
    "scoring.step_points_per_pp": "step_points_per_pp",
    "scoring.reverse_rule": "reverse_rule",
    "scoring.overshoot_ratio": "overshoot_ratio",
    "scoring.qualitative_bands": "qualitative_bands",
    "self_eval.reason_rate": "reason_rate",
    "grades": "grade_bounds",
    "result_application": "result_texts",
    "exante.rating_points": "exante_rating_points",
    "exante.support_min": "exante_support_min",
    "exante.revise_min": "exante_revise_min",
    "report_code.self_evaluation": "report_code_self_evaluation",
    "adjustment.major_change_amount_ratio": "major_change_amount_ratio",
    "due.grace_days": "due_grace_days",
}


def plain(number: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 100, 0.9."""
    if number == 0:
        return "0"
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dump(value):
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _load(key: str, value):
    default = getattr(YearSettings(), SETTING_KEYS[key])
    if value is None or isinstance(default, str | int):
        return value
    if isinstance(default, Decimal):
        return Decimal(str(value))
    if isinstance(default, tuple):
        return tuple(Decimal(str(v)) for v in value)
    if isinstance(next(iter(default.values())), Decimal):
        return {k: Decimal(str(value[k])) for k in default}
    return {k: value[k] for k in default}


# ---------------------------------------------------------------------------------------------------
# Validation


class _Invalid(Exception):
    pass


def _text(raw, label: str, limit: int, *, required: bool) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise _Invalid(f"{label}应为文本")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL_RE.sub("", text).strip()
    if required and not text:
        raise _Invalid(f"请填写{label}")
    if "\n" in text:
        raise _Invalid(f"{label}应为单行文本")
    if len(text) > limit:
        raise _Invalid(f"{label}不得超过{limit}字，当前{len(text)}字")
    return text


def _number(raw, label: str, *, places: int) -> Decimal:
    """A finite Decimal with at most `places` decimals; a float is read through its repr."""
    if raw is None:
        raise _Invalid(f"请填写{label}")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise _Invalid(f"{label}应为数字")
    text = repr(raw) if isinstance(raw, float) else str(raw).strip()
    if not text or len(text) > 30:
        raise _Invalid(f"请填写{label}" if not text else f"{label}应为数字")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Invalid(f"{label}应为数字") from None
    if not number.is_finite() or not text.isascii():
        raise _Invalid(f"{label}应为数字")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise _Invalid(f"{label}最多{places}位小数")
    return number


def _ratio(raw, label: str, lo: Decimal, hi: Decimal) -> Decimal:
    """A number in (lo, hi]."""
    number = _number(raw, label, places=4)
    if not lo < number <= hi:
        raise _Invalid(f"{label}应大于{plain(lo)}且不超过{plain(hi)}")
    return number


def _integer(raw, label: str, lo: int, hi: int) -> int:
    if isinstance(raw, bool):
        raise _Invalid(f"{label}应为{lo}至{hi}的整数")
    try:
        number = _number(raw, label, places=0)
    except _Invalid:
        raise _Invalid(f"{label}应为{lo}至{hi}的整数") from None
    if not lo <= number <= hi:
        raise _Invalid(f"{label}应为{lo}至{hi}的整数")
    return int(number)


def _choice(key: str):
    def check(raw, label):
        if raw not in CHOICES[key]:
            allowed = "、".join(CHOICES[key].values())
            raise _Invalid(f"{label}应为以下之一：{allowed}")
        return raw

    return check


def _mapping(raw, label: str, keys) -> dict:
    if not isinstance(raw, dict) or set(raw) - set(keys):
        raise _Invalid(f"{label}应分别填写{'、'.join(keys)}")
    return raw


def _bands(raw, label):
    if isinstance(raw, dict):
        raw = [raw.get(part) for part in BAND_PARTS]
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        raise _Invalid(f"{label}应为两个比例：达成档下限、部分达成档下限")
    upper, lower = (
        _number(v, f"{label}的{BAND_LABELS[p]}", places=4) for v, p in zip(raw, BAND_PARTS, strict=True)
    )
    if not 0 < lower < upper <= 1:
        raise _Invalid(f"{label}应满足 0 < 部分达成档下限 < 达成档下限 ≤ 1")
    return (upper, lower)


def _grades(raw, label):
    raw = _mapping(raw, label, BOUNDED_GRADES)
    bounds = {g: _number(raw.get(g), f"{label}（{g}）", places=2) for g in BOUNDED_GRADES}
    if not 0 < bounds["中"] < bounds["良"] < bounds["优"] <= 100:
        raise _Invalid(f"{label}应满足 100 ≥ 优 > 良 > 中 > 0")
    return bounds


def _result_texts(raw, label):
    raw = _mapping(raw, label, GRADES)
    return {g: _text(raw.get(g), f"{label}（{g}）", RESULT_TEXT_LIMIT, required=True) for g in GRADES}


def _rating_points(raw, label):
    raw = _mapping(raw, label, GRADES)
    points = {g: _number(raw.get(g), f"{label}（{g}）", places=2) for g in GRADES}
    if not points["优"] >= points["良"] >= points["中"] >= points["差"] >= 0:
        raise _Invalid(f"{label}应满足 优 ≥ 良 ≥ 中 ≥ 差 ≥ 0")
    if points["优"] * 20 > 100:
        raise _Invalid(f"{label}（优）乘以20项不得超过100分，即不超过5分")
    return points


def _overshoot(raw, label):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None  # off
    return _ratio(raw, label, Decimal(1), Decimal(10))


_CHECKS = {
    "family.targets": _choice("family.targets"),
    "family.monitoring": _choice("family.monitoring"),
    "family.self_evaluation": _choice("family.self_evaluation"),
    "indicator_framework": _choice("indicator_framework"),
    "monitoring.month": lambda raw, label: _integer(raw, label, 1, 12),
    "monitoring.progress_label": _choice("monitoring.progress_label"),
    "monitoring.lag_ratio": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(2)),
    "monitoring.severe_ratio": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(2)),
    "scoring.budget_rule": _choice("scoring.budget_rule"),
    "scoring.step_threshold": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(1)),
    "scoring.step_points_per_pp": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(10)),
    "scoring.reverse_rule": _choice("scoring.reverse_rule"),
    "scoring.overshoot_ratio": _overshoot,
    "scoring.qualitative_bands": _bands,
    "self_eval.reason_rate": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(1)),
    "grades": _grades,
    "result_application": _result_texts,
    "exante.rating_points": _rating_points,
    "exante.support_min": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(100)),
    "exante.revise_min": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(100)),
    "report_code.self_evaluation": lambda raw, label: _text(raw, label, REPORT_CODE_LIMIT, required=False),
    "adjustment.major_change_amount_ratio": lambda raw, label: _ratio(raw, label, Decimal(0), Decimal(1)),
    "due.grace_days": lambda raw, label: _integer(raw, label, 1, 365),
}


def _cross_checks(s: YearSettings) -> list[tuple[tuple[str, str], str]]:
    """Rules between two keys: ((key, key), message) for each one broken."""
    broken = []
    if s.severe_ratio > s.lag_ratio:
        broken.append(
            (("monitoring.lag_ratio", "monitoring.severe_ratio"), "严重滞后判定系数不得大于滞后判定系数")
        )
    if s.exante_revise_min >= s.exante_support_min:
        broken.append(
            (("exante.support_min", "exante.revise_min"), "调整完善后予以支持最低分应小于予以支持最低分")
        )
    best = s.exante_rating_points["优"] * 20
    if s.exante_support_min > best:
        broken.append(
            (
                ("exante.rating_points", "exante.support_min"),
                f"予以支持最低分不得超过事前评估满分{plain(best)}分",
            )
        )
    return broken


def validate_settings(values: dict, base: dict | None = None) -> tuple[dict, dict[str, list[str]]]:
    """Check raw values (strings or typed) for the dotted keys, laid over `base` (stored JSON, else
    the defaults). Returns (the complete canonical JSON, {}) or (partial, {dotted key: [中文]})."""
    merged = YearSettings.from_json(base).to_json()
    errors: dict[str, list[str]] = {}
    for key, raw in values.items():
        if key not in _CHECKS:
            errors[key] = [f"未知的设置项“{key}”"]
            continue
        try:
            merged[key] = _dump(_CHECKS[key](raw, SETTING_LABELS[key]))
        except _Invalid as err:
            errors[key] = [str(err)]
    if not errors:
        for pair, message in _cross_checks(YearSettings.from_json(merged)):
            # Shown at the key that was changed; when both (or neither) were, at the second.
            key = pair[0] if pair[0] in values and pair[1] not in values else pair[1]
            errors.setdefault(key, []).append(message)
    return merged, errors
