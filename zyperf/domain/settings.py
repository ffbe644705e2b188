"""Fiscal-year settings (excel-formats §2): defaults, their JSON form, and their validation.

A year's settings are stored as one JSON dict keyed by the dotted keys of §2, Decimals as plain
strings ("0.9", never floats). `validate_settings` is the one check of admin input; stored data
has passed it, so `YearSettings.from_json` trusts what it reads.
"""

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation

from zyperf.domain.text import normalize_text, plain_number

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

BAND_PARTS = ("upper", "lower")
BAND_LABELS = {"upper": "达成档下限", "lower": "部分达成档下限"}
RESULT_TEXT_LIMIT = 50
REPORT_CODE_LIMIT = 50


def _key(key: str, label: str) -> dict:
    """A YearSettings field's dotted key of §2 and its Chinese label."""
    return {"key": key, "label": label}


def _decimals(keys, numbers) -> dict[str, Decimal]:
    return {k: Decimal(n) for k, n in zip(keys, numbers, strict=True)}


@dataclass(frozen=True)
class YearSettings:
    """One fiscal year's settings, typed, in the order pages show them."""

    family_targets: str = field(default="central-annual", metadata=_key("family.targets", "绩效目标表模板"))
    family_monitoring: str = field(
        default="central-monitor", metadata=_key("family.monitoring", "绩效监控表模板")
    )
    family_self_evaluation: str = field(
        default="sichuan-510000", metadata=_key("family.self_evaluation", "绩效自评表模板")
    )
    indicator_framework: str = field(default="2021", metadata=_key("indicator_framework", "指标体系"))
    monitoring_month: int = field(default=8, metadata=_key("monitoring.month", "监控月份"))
    progress_label: str = field(default="时序进度", metadata=_key("monitoring.progress_label", "进度名称"))
    lag_ratio: Decimal = field(default=Decimal("1.00"), metadata=_key("monitoring.lag_ratio", "滞后判定系数"))
    severe_ratio: Decimal = field(
        default=Decimal("0.50"), metadata=_key("monitoring.severe_ratio", "严重滞后判定系数")
    )
    budget_rule: str = field(default="proportional", metadata=_key("scoring.budget_rule", "预算执行得分规则"))
    step_threshold: Decimal = field(
        default=Decimal("0.90"), metadata=_key("scoring.step_threshold", "阶梯扣分起点（执行率）")
    )
    step_points_per_pp: Decimal = field(
        default=Decimal(1), metadata=_key("scoring.step_points_per_pp", "每个百分点扣分")
    )
    reverse_rule: str = field(default="linear", metadata=_key("scoring.reverse_rule", "反向指标计分规则"))
    overshoot_ratio: Decimal | None = field(
        default=Decimal("1.30"), metadata=_key("scoring.overshoot_ratio", "超额完成须说明的倍数")
    )
    qualitative_bands: tuple[Decimal, Decimal] = field(
        default=(Decimal("0.8"), Decimal("0.6")),
        metadata=_key("scoring.qualitative_bands", "定性指标分档（占权重比例）"),
    )
    reason_rate: Decimal = field(
        default=Decimal("0.90"), metadata=_key("self_eval.reason_rate", "须说明原因的执行率")
    )
    grade_bounds: dict[str, Decimal] = field(
        default_factory=lambda: _decimals(BOUNDED_GRADES, (90, 80, 60)),
        metadata=_key("grades", "评价等级分数下限"),
    )
    result_texts: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_RESULT_TEXTS),
        metadata=_key("result_application", "结果应用建议"),
    )
    exante_rating_points: dict[str, Decimal] = field(
        default_factory=lambda: _decimals(GRADES, (5, 4, 3, 0)),
        metadata=_key("exante.rating_points", "事前评估每档分值"),
    )
    exante_support_min: Decimal = field(
        default=Decimal(80), metadata=_key("exante.support_min", "予以支持最低分")
    )
    exante_revise_min: Decimal = field(
        default=Decimal(60), metadata=_key("exante.revise_min", "调整完善后予以支持最低分")
    )
    report_code_self_evaluation: str = field(
        default="报表编号:510000_0013zp", metadata=_key("report_code.self_evaluation", "自评表报表编号")
    )
    major_change_amount_ratio: Decimal = field(
        default=Decimal("0.10"), metadata=_key("adjustment.major_change_amount_ratio", "重大调整金额比例")
    )
    due_grace_days: int = field(default=15, metadata=_key("due.grace_days", "逾期新建文档办理天数"))

    @classmethod
    def defaults(cls) -> "YearSettings":
        return cls()

    @classmethod
    def from_json(cls, data: dict | None) -> "YearSettings":
        """Stored (validated) JSON back to values; a missing key takes its default."""
        data = data or {}
        return cls(**{attr: _load(key, data[key]) for key, attr in SETTING_KEYS.items() if key in data})

    def to_json(self) -> dict:
        return {key: _dump(getattr(self, attr)) for key, attr in SETTING_KEYS.items()}


# Dotted key of §2 → YearSettings attribute, and → Chinese label; in the order pages show them.
SETTING_KEYS = {f.metadata["key"]: f.name for f in fields(YearSettings)}
SETTING_LABELS = {f.metadata["key"]: f.metadata["label"] for f in fields(YearSettings)}
_DEFAULTS = YearSettings()


def _dump(value):
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _load(key: str, value):
    default = getattr(_DEFAULTS, SETTING_KEYS[key])
    if value is None or isinstance(default, str | int):
        return value
    if isinstance(default, Decimal):
        return Decimal(str(value))
    if isinstance(default, tuple):
        return tuple(Decimal(str(v)) for v in value)
    decimal = isinstance(next(iter(default.values())), Decimal)
    return {k: Decimal(str(value[k])) if decimal else value[k] for k in default}


# ---------------------------------------------------------------------------------------------------
# Validation


class _Invalid(Exception):
    pass


def _text(raw, label: str, limit: int, *, required: bool) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise _Invalid(f"{label}应为文本")
    text = normalize_text(raw)
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
        raise _Invalid(f"{label}应大于{plain_number(lo)}且不超过{plain_number(hi)}")
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
                f"予以支持最低分不得超过事前评估满分{plain_number(best)}分",
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


# ---------------------------------------------------------------------------------------------------
# System-wide settings (§2, last paragraph)

DEFAULT_BUREAU_NAME = "资阳市自然资源和规划局"
SYSTEM_LABELS = {"bureau_name": "单位名称", "bureau_code": "单位代码", "finance_head": "财务负责人"}
_CODE_RE = re.compile(r"^[A-Za-z0-9-]{1,32}$")


@dataclass(frozen=True)
class SystemSettings:
    """The bureau's name (主管部门 in every table), its optional code, and the 财务负责人."""

    bureau_name: str = DEFAULT_BUREAU_NAME
    bureau_code: str = ""
    finance_head: str = ""


def validate_system_settings(values: dict) -> tuple[dict, dict[str, list[str]]]:
    """Clean the three values (unknown keys refused); errors are keyed by field name, in Chinese."""
    clean, errors = {}, {}
    limits = {"bureau_name": (100, True), "bureau_code": (32, False), "finance_head": (32, False)}
    for key, raw in values.items():
        if key not in limits:
            errors[key] = [f"未知的设置项“{key}”"]
            continue
        limit, required = limits[key]
        try:
            clean[key] = _text(raw, SYSTEM_LABELS[key], limit, required=required)
        except _Invalid as err:
            errors[key] = [str(err)]
    if clean.get("bureau_code") and not _CODE_RE.match(clean["bureau_code"]):
        errors["bureau_code"] = ["单位代码只能由字母、数字和 - 组成，不超过32位"]
    return clean, errors
