"""Field types of the low-code stage forms and their checkers: (field definition, raw value, context)
→ the cleaned JSON value, or FieldError. A cleaned value checks again to itself, so stored data
re-validates unchanged. The WTForms classes, the API, imports and services all use these."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from zyperf.domain import indicators, problems, tables, tasks
from zyperf.domain.files import check_file_meta
from zyperf.domain.patterns import full_match
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import (
    FieldError,
    check_date,
    check_text,
    decimal_places,
    format_number,
    is_empty,
    parse_number,
    period_label,
)

TEXT_CAP = 500  # text without max_length
LONG_TEXT_CAP = 20_000  # long_text without max_length, and the ceiling of any max_length

FIELD_TYPES: dict[str, str] = {
    "text": "单行文本",
    "long_text": "多行文本",
    "integer": "整数",
    "decimal": "金额（万元）",
    "percent": "百分比",
    "date": "日期",
    "choice": "单选",
    "multi_choice": "多选",
    "yes_no": "是/否",
    "file": "附件",
    "indicator_table": "绩效指标表",
    "fund_table": "资金来源表",
    "rating_table": "评分表（事前评估）",
    "task_table": "年度主要任务表",
    "problem_table": "问题整改表",
    "computed": "计算项（只读）",
}
COMMON_OPTIONS = frozenset({"key", "label", "type", "required", "help", "condition"})
TYPE_OPTIONS: dict[str, frozenset[str]] = {
    "text": frozenset({"max_length", "pattern"}),
    "long_text": frozenset({"max_length"}),
    "integer": frozenset({"min", "max"}),
    "decimal": frozenset({"min", "max", "places", "allow_negative"}),
    "percent": frozenset({"min", "max", "places", "allow_negative"}),
    "date": frozenset(),
    "choice": frozenset({"choices"}),
    "multi_choice": frozenset({"choices"}),
    "yes_no": frozenset(),
    "file": frozenset({"accept", "max_bytes"}),
    "indicator_table": frozenset({"rows_min", "rows_max", "weight_total", "mode", "extra_columns"}),
    "fund_table": frozenset({"columns", "labels", "positive", "carryover"}),
    "rating_table": frozenset({"items"}),
    "task_table": frozenset({"rows_min", "rows_max"}),
    "problem_table": frozenset({"rows_min", "rows_max", "accept", "max_bytes"}),
    "computed": frozenset({"formula"}),
}
NUMERIC_TYPES = frozenset({"integer", "decimal", "percent"})
CONDITION_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


@dataclass
class Context:
    """What checkers need beyond the value. `complete=False` checks a draft: what is entered must be
    right, but nothing is required yet (required fields, conditions and table-wide rules wait for
    submission). The catalog ((一级, 二级) pairs in order) is loaded only when a table asks for it."""

    catalog_loader: Callable[[], tuple[tuple[str, str], ...]] | None = None
    complete: bool = True
    settings: YearSettings = field(default_factory=YearSettings)
    family: str | None = None
    _catalog: tuple[tuple[str, str], ...] | None = None

    @property
    def catalog(self) -> tuple[tuple[str, str], ...]:
        if self._catalog is None:
            self._catalog = self.catalog_loader() if self.catalog_loader else ()
        return self._catalog


def _check_text(spec: dict, value, ctx: Context):
    text = check_text(value, spec["label"], spec.get("max_length") or TEXT_CAP, single_line=True)
    pattern = spec.get("pattern")
    if pattern and not full_match(pattern, text):
        raise FieldError(f"{spec['label']}格式不正确")
    return text


def _check_long_text(spec: dict, value, ctx: Context):
    return check_text(value, spec["label"], spec.get("max_length") or LONG_TEXT_CAP)


def _check_bounds(spec: dict, number: Decimal) -> None:
    label = spec["label"]
    if spec.get("min") is not None and number < Decimal(str(spec["min"])):
        raise FieldError(f"{label}不得小于{spec['min']}")
    if spec.get("max") is not None and number > Decimal(str(spec["max"])):
        raise FieldError(f"{label}不得大于{spec['max']}")


def _check_integer(spec: dict, value, ctx: Context):
    number = parse_number(value, spec["label"])
    if number != number.to_integral_value():
        raise FieldError(f"{spec['label']}应为整数")
    _check_bounds(spec, number)
    return int(number)


def _check_decimal(spec: dict, value, ctx: Context):
    label, places = spec["label"], spec.get("places", 2)
    number = parse_number(value, label)
    if number < 0 and not spec.get("allow_negative"):
        raise FieldError(f"{label}应为不小于0的数字")
    if decimal_places(number) > places:
        raise FieldError(f"{label}最多{places}位小数")
    _check_bounds(spec, number)
    return format_number(number.quantize(Decimal(1).scaleb(-places)))


def _check_percent(spec: dict, value, ctx: Context):
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    return _check_decimal(spec, value, ctx)


def _check_date(spec: dict, value, ctx: Context):
    return check_date(value, spec["label"]).isoformat()


def _check_choice(spec: dict, value, ctx: Context):
    values = [c[0] for c in spec["choices"]]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value not in values:
        raise FieldError(f"{spec['label']}的选项无效")
    return value


def _check_multi_choice(spec: dict, value, ctx: Context):
    values = [c[0] for c in spec["choices"]]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or len(value) > len(values):
        raise FieldError(f"{spec['label']}的选项无效")
    if any(not isinstance(item, str) or item not in values for item in value):
        raise FieldError(f"{spec['label']}的选项无效")
    return [v for v in values if v in value]  # choice order: one canonical form


_YES = {"yes", "y", "true", "1", "是", "on"}
_NO = {"no", "n", "false", "0", "否", "off"}


def _check_yes_no(spec: dict, value, ctx: Context):
    if isinstance(value, bool):
        return value
    if isinstance(value, str | int) and str(value).strip().lower() in _YES:
        return True
    if isinstance(value, str | int) and str(value).strip().lower() in _NO:
        return False
    raise FieldError(f"{spec['label']}应选择“是”或“否”")


def _check_file(spec: dict, value, ctx: Context):
    """The stored value is attachment metadata ({name, size, ...}); the upload itself is elsewhere."""
    return check_file_meta(value, spec["label"], accept=spec.get("accept"), max_bytes=spec.get("max_bytes"))


def _check_indicator_table(spec: dict, value, ctx: Context):
    rows, errors = indicators.clean_rows(
        spec, value, ctx.catalog, settings=ctx.settings, complete=ctx.complete
    )
    if errors:
        raise FieldError(*errors)
    return rows


def _check_fund_table(spec: dict, value, ctx: Context):
    return tables.check_funds(spec, value, family=ctx.family, complete=ctx.complete)


def _check_rating_table(spec: dict, value, ctx: Context):
    return tables.check_ratings(spec, value, complete=ctx.complete)


def _check_task_table(spec: dict, value, ctx: Context):
    return tasks.check_tasks(spec, value, complete=ctx.complete)


def _check_problem_table(spec: dict, value, ctx: Context):
    return problems.check_problems(spec, value, complete=ctx.complete)


def _check_computed(spec: dict, value, ctx: Context):
    return value  # filled by the document service from the formula; never taken from input


CHECKERS: dict[str, Callable[[dict, object, Context], object]] = {
    "text": _check_text,
    "long_text": _check_long_text,
    "integer": _check_integer,
    "decimal": _check_decimal,
    "percent": _check_percent,
    "date": _check_date,
    "choice": _check_choice,
    "multi_choice": _check_multi_choice,
    "yes_no": _check_yes_no,
    "file": _check_file,
    "indicator_table": _check_indicator_table,
    "fund_table": _check_fund_table,
    "rating_table": _check_rating_table,
    "task_table": _check_task_table,
    "problem_table": _check_problem_table,
    "computed": _check_computed,
}
TABLE_TYPES = frozenset({"multi_choice", "indicator_table", "rating_table", "task_table", "problem_table"})


def empty_value(spec: dict):
    return [] if spec["type"] in TABLE_TYPES else None


def filled(spec: dict, value) -> bool:
    if spec["type"] == "fund_table":
        return tables.funds_filled(value)
    return not is_empty(value)


def with_period(spec: dict, month: int) -> dict:
    """The field as people read it this year: `{period}` in its labels becomes `1-8月`."""
    if "{period}" not in spec["label"] and "{period}" not in str(spec.get("labels") or ""):
        return spec
    period = period_label(month)
    labels = {k: v.replace("{period}", period) for k, v in (spec.get("labels") or {}).items()}
    return (
        spec | {"label": spec["label"].replace("{period}", period)} | ({"labels": labels} if labels else {})
    )


def check_field(spec: dict, value, ctx: Context):
    """Clean one field's raw value, or raise FieldError. Required-ness is checked here; conditions
    (which look at other fields) by check_conditions."""
    if spec["type"] == "computed":
        return value
    spec = with_period(spec, ctx.settings.monitoring_month)
    if not filled(spec, value) and spec["type"] != "fund_table":
        if spec.get("required") and ctx.complete:
            raise FieldError(f"请填写{spec['label']}")
        return empty_value(spec)
    cleaned = CHECKERS[spec["type"]](spec, value, ctx)
    if spec.get("required") and ctx.complete and not filled(spec, cleaned):
        raise FieldError(f"请填写{spec['label']}")
    return cleaned


def condition_text(spec: dict, fields: list[dict]) -> str:
    """When a required_if field becomes required, as the form says it (`调整后预算数<100`); "" without one."""
    rule = (spec.get("condition") or {}).get("required_if")
    if not rule:
        return ""
    ref = next((f["label"] for f in fields if f["key"] == rule["field"]), rule["field"])
    return f"{ref}{rule['op']}{rule['value']}"


def check_conditions(fields: list[dict], cleaned: dict) -> dict[str, list[str]]:
    """required_if: a field becomes required when another (numeric) field's value compares true."""
    errors: dict[str, list[str]] = {}
    for spec in fields:
        rule = (spec.get("condition") or {}).get("required_if")
        if not rule or spec["key"] not in cleaned or not is_empty(cleaned[spec["key"]]):
            continue
        other = cleaned.get(rule["field"])
        if other is None or other == "" or isinstance(other, list | dict):
            continue
        if CONDITION_OPS[rule["op"]](Decimal(str(other)), Decimal(str(rule["value"]))):
            errors[spec["key"]] = [f"{condition_text(spec, fields)}时，须填写{spec['label']}"]
    return errors


def validate_fields(fields: list[dict], data, ctx: Context) -> tuple[dict, dict[str, list[str]]]:
    """Clean `data` against `fields`: (cleaned, errors by key). Unknown keys are errors; computed
    fields keep what the data holds (the service overwrites them)."""
    if not isinstance(data, dict):
        return {}, {"__all__": ["提交的数据应为对象"]}
    errors: dict[str, list[str]] = {}
    known = {f["key"] for f in fields}
    for key in data:
        if key not in known:
            errors.setdefault(str(key)[:50], []).append("表单中没有此字段")
    cleaned: dict = {}
    for spec in fields:
        try:
            cleaned[spec["key"]] = check_field(spec, data.get(spec["key"]), ctx)
        except FieldError as exc:
            errors[spec["key"]] = exc.messages
    if ctx.complete:
        for key, messages in check_conditions(fields, cleaned).items():
            errors.setdefault(key, []).extend(messages)
    return cleaned, errors
