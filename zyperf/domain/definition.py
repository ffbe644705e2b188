"""Checking a form definition (what an admin designs): each problem names the field and the option it
belongs to, so the designer can put the message at that input whatever its wording."""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from zyperf.domain import indicators, problems, stages, tables, tasks
from zyperf.domain.fields import (
    COMMON_OPTIONS,
    CONDITION_OPS,
    FIELD_TYPES,
    LONG_TEXT_CAP,
    NUMERIC_TYPES,
    TYPE_OPTIONS,
)
from zyperf.domain.files import MAX_FILE_BYTES
from zyperf.domain.patterns import pattern_problem
from zyperf.domain.text import normalize_text

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Names the generated WTForms class already uses; a field key must not shadow them.
RESERVED_KEYS = frozenset(
    {"csrf_token", "version", "meta", "data", "errors", "form_errors", "validate", "process"}
    | {"populate_obj", "hidden_tag", "entry_data", "submit", "is_submitted", "validate_on_submit"}
    | {"review_conclusion", "check_context"}
)
MAX_FIELDS = 200
MAX_LABEL = 100
MAX_HELP = 500
MAX_CHOICES = 200
MAX_NUMBER = Decimal("1e15")
_EXT_RE = re.compile(r"^[a-z0-9]{1,10}$")


@dataclass(frozen=True)
class Problem:
    key: str  # the field's key, or "fields[i]" when the key itself is bad, or "fields"
    option: str | None  # the option it is about (key, type, label, min, pattern, ...), None for the field
    message: str


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choice_problem(choices) -> str | None:
    if not isinstance(choices, list) or not choices:
        return "选项列表不能为空"
    if len(choices) > MAX_CHOICES:
        return f"选项不得超过{MAX_CHOICES}个"
    for c in choices:
        if (
            not isinstance(c, list | tuple)
            or len(c) != 2
            or not all(isinstance(x, str) and normalize_text(x) and len(x) <= 100 for x in c)
        ):
            return "每个选项应为 [值, 显示文字]，均为不超过100字的非空文本"
    values = [c[0] for c in choices]
    return "选项的值有重复" if len(set(values)) != len(values) else None


def _condition_problems(field: dict, keys: dict[str, dict]) -> list[str]:
    cond = field["condition"]
    rule = cond.get("required_if") if isinstance(cond, dict) and set(cond) == {"required_if"} else None
    if not isinstance(rule, dict) or set(rule) != {"field", "op", "value"}:
        return ["条件应为 {required_if: {field, op, value}}"]
    problems = []
    ref = rule["field"]
    if not isinstance(ref, str) or ref not in keys:
        problems.append(f"条件引用了不存在的字段“{str(ref)[:40]}”")
    elif ref == field.get("key"):
        problems.append("条件不能引用字段自身")
    elif keys[ref].get("type") not in NUMERIC_TYPES:
        problems.append(f"条件引用的字段“{ref}”不是数字类型")
    if rule["op"] not in CONDITION_OPS:
        problems.append("条件的比较符应为 <、<=、>、>=、==、!= 之一")
    if not _is_number(rule["value"]) or abs(rule["value"]) >= MAX_NUMBER:
        problems.append("条件的比较值应为数字")
    return problems


def _number_problems(field: dict, ftype: str) -> list[tuple[str, str]]:
    found = []
    for opt in ("min", "max"):
        if opt in field:
            ok = _is_int(field[opt]) if ftype == "integer" else _is_number(field[opt])
            if not ok or abs(field[opt]) >= MAX_NUMBER:
                found.append(
                    (
                        opt,
                        f"{'最小值' if opt == 'min' else '最大值'}应为{'整数' if ftype == 'integer' else '数字'}",
                    )
                )
    if _is_number(field.get("min")) and _is_number(field.get("max")) and field["min"] > field["max"]:
        found.append(("min", f"最小值 {field['min']} 大于最大值 {field['max']}"))
    if "places" in field and (not _is_int(field["places"]) or not 0 <= field["places"] <= 4):
        found.append(("places", "小数位数应为 0 至 4 的整数"))
    if "allow_negative" in field and not isinstance(field["allow_negative"], bool):
        found.append(("allow_negative", "“允许负数”应为 true 或 false"))
    return found


ROW_LIMITS = {
    "indicator_table": indicators.MAX_ROWS,
    "task_table": tasks.MAX_ROWS,
    "problem_table": problems.MAX_ROWS,
}


def _rows_problems(field: dict, limit: int) -> list[tuple[str, str]]:
    found = []
    for opt in ("rows_min", "rows_max"):
        if opt in field and (not _is_int(field[opt]) or not 0 <= field[opt] <= limit):
            found.append((opt, f"{'最少' if opt == 'rows_min' else '最多'}行数应为 0 至 {limit} 的整数"))
    if _is_int(field.get("rows_max")) and field["rows_max"] < 1:
        found.append(("rows_max", "最多行数至少为 1"))
    if (
        _is_int(field.get("rows_min"))
        and _is_int(field.get("rows_max"))
        and field["rows_min"] > field["rows_max"]
    ):
        found.append(("rows_min", f"最少行数 {field['rows_min']} 大于最多行数 {field['rows_max']}"))
    return found


def _table_problems(field: dict) -> list[tuple[str, str]]:
    found = []
    if "weight_total" in field and (
        not _is_number(field["weight_total"]) or not 0 < field["weight_total"] <= 100
    ):
        found.append(("weight_total", "权重合计应为大于0且不超过100的数字"))
    if "mode" in field and field["mode"] not in ("targets", "monitoring", "evaluation"):
        found.append(("mode", "指标表用途应为 targets（目标）、monitoring（监控）或 evaluation（评价）"))
    if "extra_columns" in field:
        extra = field["extra_columns"]
        if (
            not isinstance(extra, list)
            or not all(c in indicators.LEGACY_COLUMNS for c in extra)
            or len(set(extra)) != len(extra)
        ):
            found.append(("extra_columns", "附加列只能是 actual（完成值）和 reason（偏差原因）"))
    return found


def _fund_problems(field: dict) -> list[tuple[str, str]]:
    found = []
    columns = field.get("columns", ["amount"])
    if not isinstance(columns, list) or not columns or any(c not in tables.FUND_COLUMNS for c in columns):
        found.append(("columns", f"资金列只能是 {'、'.join(tables.FUND_COLUMNS)} 中的若干项"))
    elif len(set(columns)) != len(columns):
        found.append(("columns", "资金列有重复"))
    labels = field.get("labels", {})
    if not isinstance(labels, dict) or any(
        k not in tables.FUND_COLUMNS or not isinstance(v, str) or not 0 < len(v) <= 30
        for k, v in labels.items()
    ):
        found.append(("labels", "列名应为 {列: 不超过30字的名称}"))
    if "positive" in field and (not isinstance(columns, list) or field["positive"] not in columns):
        found.append(("positive", "须大于0的列应是表中的一列"))
    if "carryover" in field and not isinstance(field["carryover"], bool):
        found.append(("carryover", "“含上年结转资金”应为 true 或 false"))
    return found


def _rating_problems(field: dict) -> list[tuple[str, str]]:
    items = field.get("items")
    if items is None:
        return []
    if (
        not isinstance(items, list)
        or len(items) != 5
        or any(
            not isinstance(a, list)
            or len(a) != 2
            or not isinstance(a[0], str)
            or not isinstance(a[1], list)
            or len(a[1]) != 4
            or not all(isinstance(s, str) and 0 < len(s) <= 50 for s in a[1])
            for a in items
        )
    ):
        return [("items", "评估要点应为5个评估内容，每个含4个要点（不超过50字）")]
    return []


def field_problems(
    field: dict, keys: dict[str, dict], kind: str | None = None
) -> list[tuple[str | None, str]]:
    """(option, message) for one shape-checked field definition."""
    found: list[tuple[str | None, str]] = []
    ftype = field["type"]
    if unknown := set(field) - (COMMON_OPTIONS | TYPE_OPTIONS[ftype]):
        names = "、".join(sorted(str(k)[:30] for k in unknown)[:5])
        found.append((None, f"类型“{FIELD_TYPES[ftype]}”不支持选项 {names}"))
    label = field.get("label")
    if not isinstance(label, str) or not normalize_text(label) or len(label) > MAX_LABEL:
        found.append(("label", f"名称必填，且不超过{MAX_LABEL}字"))
    if "required" in field and not isinstance(field["required"], bool):
        found.append(("required", "“必填”应为 true 或 false"))
    if "help" in field and (not isinstance(field["help"], str) or len(field["help"]) > MAX_HELP):
        found.append(("help", f"说明应为不超过{MAX_HELP}字的文本"))
    found += _number_problems(field, ftype)
    if "max_length" in field:
        cap = LONG_TEXT_CAP if ftype == "long_text" else 2000
        if not _is_int(field["max_length"]) or not 0 < field["max_length"] <= cap:
            found.append(("max_length", f"字数上限应为 1 至 {cap} 的整数"))
    if "pattern" in field and (problem := pattern_problem(field["pattern"])):
        found.append(("pattern", problem))
    if ftype in ("choice", "multi_choice") and (problem := _choice_problem(field.get("choices"))):
        found.append(("choices", problem))
    if "accept" in field:
        accept = field["accept"]
        if (
            not isinstance(accept, list)
            or not accept
            or not all(isinstance(e, str) and _EXT_RE.match(e) for e in accept)
        ):
            found.append(("accept", "允许的文件类型应为扩展名列表（小写字母或数字，如 pdf）"))
    if "max_bytes" in field and (
        not _is_int(field["max_bytes"]) or not 0 < field["max_bytes"] <= MAX_FILE_BYTES
    ):
        found.append(("max_bytes", f"文件大小上限应为 1 至 {MAX_FILE_BYTES} 字节"))
    found += _rows_problems(field, ROW_LIMITS[ftype]) if ftype in ROW_LIMITS else []
    found += _table_problems(field) if ftype == "indicator_table" else []
    found += _fund_problems(field) if ftype == "fund_table" else []
    found += _rating_problems(field) if ftype == "rating_table" else []
    if ftype == "computed" and (problem := stages.formula_problem(kind, field.get("formula"))):
        found.append(("formula", problem))
    if "condition" in field:
        found += [("condition", p) for p in _condition_problems(field, keys)]
    return found


def check_definition(fields, kind: str | None = None) -> list[Problem]:
    """Every problem of a definition: its shape, each field's options, and the fields the kind's
    figures and exports read (they must be there, with the right type)."""
    if not isinstance(fields, list):
        return [Problem("fields", None, "表单定义应为字段列表")]
    if not fields:
        return [Problem("fields", None, "表单至少需要一个字段")]
    if len(fields) > MAX_FIELDS:
        return [Problem("fields", None, f"字段不得超过{MAX_FIELDS}个")]
    problems: list[Problem] = []
    keys: dict[str, dict] = {}
    for i, field in enumerate(fields):
        slot, where = f"fields[{i}]", f"第{i + 1}个字段"
        if not isinstance(field, dict):
            problems.append(Problem(slot, None, f"{where}应为对象"))
            continue
        key = field.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            problems.append(
                Problem(
                    slot,
                    "key",
                    f"{where}的键“{str(key)[:40]}”无效：须以小写字母开头，只含小写字母、数字和下划线，不超过40个字符",
                )
            )
        elif key in RESERVED_KEYS:
            problems.append(Problem(key, "key", f"{where}的键“{key}”是保留字，请换一个"))
        elif key in keys:
            problems.append(Problem(key, "key", f"{where}的键“{key}”重复"))
        elif field.get("type") not in FIELD_TYPES:
            problems.append(Problem(key, "type", f"字段“{key}”的类型“{str(field.get('type'))[:40]}”未知"))
        else:
            keys[key] = field
    for key, field in keys.items():
        for option, message in field_problems(field, keys, kind):
            problems.append(Problem(key, option, f"字段“{key}”：{message}"))
    for key, message in stages.missing_fields(kind, keys):
        problems.append(Problem(key if key in keys else "fields", "type" if key in keys else None, message))
    return problems
