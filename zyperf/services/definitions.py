"""Stage-form definitions: the field types, their checkers (the one source of truth for every rule, used
by validate_data and by the WTForms classes of forms/builder.py), definition validation, and the
versioning services (drafts, publish, copy, import/export). Services flush; callers commit."""

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from zyperf.errors import InvalidTransition, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    DefinitionStatus,
    DocumentKind,
    FiscalYear,
    FormDefinition,
    IndicatorCategory,
    StageDocument,
    User,
)
from zyperf.models.base import utcnow
from zyperf.permissions import Action, require
from zyperf.services import audit


class DefinitionLocked(InvalidTransition):
    """A published version, or one that documents use, cannot be changed or deleted (409)."""

    default_message = "已发布的表单版本不可修改，请新建版本"


# ---------------------------------------------------------------------------------------------------
# Constants

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Names the generated WTForms class already uses; a field key must not shadow them.
RESERVED_KEYS = frozenset(
    {"csrf_token", "version", "meta", "data", "errors", "form_errors", "validate", "process"}
    | {"populate_obj", "hidden_tag", "entry_data", "submit", "is_submitted", "validate_on_submit"}
)
MAX_FIELDS = 200
MAX_LABEL = 100
MAX_HELP = 500
TEXT_CAP = 500  # text without max_length
LONG_TEXT_CAP = 20_000  # long_text without max_length, and the ceiling of any max_length
MAX_CHOICES = 200
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TABLE_ROWS = 200
MAX_NUMBER = Decimal("1e15")
MAX_NUMBER_CHARS = 40

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
    "indicator_table": frozenset({"rows_min", "rows_max", "weight_total", "extra_columns"}),
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

# Indicator table (excel-formats §3, §5 T1–T5).
NATURES = ("=", "≥", "≤", "定性")
NATURE_ALIASES = {
    "=": "=",
    "＝": "=",
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "定性": "定性",
}
TABLE_COLUMNS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "nature": "指标性质",
    "value": "指标值",
    "unit": "度量单位",
    "weight": "权重",
}
EXTRA_COLUMNS = {"actual": "完成值", "reason": "偏差原因"}
REQUIRED_LEVEL1 = ("产出指标", "效益指标")
DEFAULT_WEIGHT_TOTAL = Decimal(90)

_CONTROL_RE = re.compile(r"[\x00-\x1f]")
_EXT_RE = re.compile(r"^[a-z0-9]{1,10}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------------------------------------------
# Value helpers


def normalize_text(value: str) -> str:
    """excel-formats §1.2: CRLF/CR → LF, tab → space, other C0 controls deleted, ends stripped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = _CONTROL_RE.sub(lambda m: "\n" if m.group() == "\n" else "", value)
    return value.strip()


class FieldError(Exception):
    """One field's value is refused; carries its Chinese messages."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return normalize_text(value) == ""
    return isinstance(value, list | tuple | dict) and len(value) == 0


def _text(value, label: str, limit: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldError(f"{label}应为文本")
    if len(str(value)) > max(limit * 4, LONG_TEXT_CAP * 2):  # refuse megabytes before normalising
        raise FieldError(f"{label}不得超过{limit}字")
    text = normalize_text(str(value))
    if len(text) > limit:
        raise FieldError(f"{label}不得超过{limit}字，当前{len(text)}字")
    return text


def parse_number(value, label: str) -> Decimal:
    """A finite Decimal from an int, float, Decimal or numeric string; bools and junk are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise FieldError(f"{label}应为数字")
    raw = str(value).strip() if not isinstance(value, float) else repr(value)
    if not raw or len(raw) > MAX_NUMBER_CHARS:
        raise FieldError(f"{label}应为数字")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise FieldError(f"{label}应为数字") from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise FieldError(f"{label}应为有效数字")
    if number == 0:
        number = abs(number)  # no "-0"
    return number


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_number(number: Decimal) -> str:
    """Plain notation, no exponent; keeps the entered scale ('7.20' stays '7.20')."""
    return format(number, "f")


# ---------------------------------------------------------------------------------------------------
# Field checkers: (field definition, raw value, context) -> cleaned JSON value, or FieldError.
# A cleaned value checks again to itself, so stored data re-validates unchanged.


class Context:
    """What checkers may need beyond the value: the indicator catalog, loaded only when asked for."""

    def __init__(
        self,
        catalog_loader: Callable[[], tuple[tuple[str, str], ...]] | None = None,
        *,
        complete: bool = True,
    ):
        # complete=False checks a draft: what is entered must be right, but nothing is required yet
        # (required fields, conditions, and the table-wide rules wait for submission).
        self.complete = complete
        self._loader = catalog_loader
        self._catalog: tuple[tuple[str, str], ...] | None = None

    @property
    def catalog(self) -> tuple[tuple[str, str], ...]:
        if self._catalog is None:
            self._catalog = self._loader() if self._loader else ()
        return self._catalog


def _check_text(field: dict, value, ctx: Context):
    text = _text(value, field["label"], field.get("max_length") or TEXT_CAP)
    if "\n" in text:
        raise FieldError(f"{field['label']}应为单行文本")
    pattern = field.get("pattern")
    if pattern and not re.fullmatch(pattern, text):
        raise FieldError(f"{field['label']}格式不正确")
    return text


def _check_long_text(field: dict, value, ctx: Context):
    return _text(value, field["label"], field.get("max_length") or LONG_TEXT_CAP)


def _check_bounds(field: dict, number: Decimal) -> None:
    label = field["label"]
    if field.get("min") is not None and number < Decimal(str(field["min"])):
        raise FieldError(f"{label}不得小于{field['min']}")
    if field.get("max") is not None and number > Decimal(str(field["max"])):
        raise FieldError(f"{label}不得大于{field['max']}")


def _check_integer(field: dict, value, ctx: Context):
    number = parse_number(value, field["label"])
    if number != number.to_integral_value():
        raise FieldError(f"{field['label']}应为整数")
    _check_bounds(field, number)
    return int(number)


def _check_decimal(field: dict, value, ctx: Context):
    label = field["label"]
    places = field.get("places", 2)
    number = parse_number(value, label)
    if number < 0 and not field.get("allow_negative"):
        raise FieldError(f"{label}应为不小于0的数字")
    if _places(number) > places:
        raise FieldError(f"{label}最多{places}位小数")
    _check_bounds(field, number)
    return format_number(number.quantize(Decimal(1).scaleb(-places)))


def _check_percent(field: dict, value, ctx: Context):
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    return _check_decimal(field, value, ctx)


def _check_date(field: dict, value, ctx: Context):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise FieldError(f"{field['label']}不是有效日期") from None
    else:
        raise FieldError(f"{field['label']}应为日期（YYYY-MM-DD）")
    if not 1900 <= day.year <= 2200:
        raise FieldError(f"{field['label']}不是有效日期")
    return day.isoformat()


def _check_choice(field: dict, value, ctx: Context):
    values = [c[0] for c in field["choices"]]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value not in values:
        raise FieldError(f"{field['label']}的选项无效")
    return value


def _check_multi_choice(field: dict, value, ctx: Context):
    values = [c[0] for c in field["choices"]]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or len(value) > len(values):
        raise FieldError(f"{field['label']}的选项无效")
    chosen = set()
    for item in value:
        if not isinstance(item, str) or item not in values:
            raise FieldError(f"{field['label']}的选项无效")
        chosen.add(item)
    return [v for v in values if v in chosen]  # choice order: one canonical form


_YES = {"yes", "y", "true", "1", "是", "on"}
_NO = {"no", "n", "false", "0", "否", "off"}


def _check_yes_no(field: dict, value, ctx: Context):
    if isinstance(value, bool):
        return value
    if isinstance(value, str | int) and str(value).strip().lower() in _YES:
        return True
    if isinstance(value, str | int) and str(value).strip().lower() in _NO:
        return False
    raise FieldError(f"{field['label']}应选择“是”或“否”")


FILE_META_KEYS = {"name": str, "size": int, "content_type": str, "attachment_id": int, "sha256": str}


def _check_file(field: dict, value, ctx: Context):
    """The stored value is attachment metadata ({name, size, ...}); the upload itself is elsewhere."""
    label = field["label"]
    if not isinstance(value, dict) or set(value) - set(FILE_META_KEYS) or "name" not in value:
        raise FieldError(f"{label}的附件信息无效")
    meta = {}
    for key, kind in FILE_META_KEYS.items():
        if key not in value:
            continue
        item = value[key]
        if isinstance(item, bool) or not isinstance(item, kind):
            raise FieldError(f"{label}的附件信息无效")
        if isinstance(item, str):
            item = normalize_text(item)
            if len(item) > 255:
                raise FieldError(f"{label}的文件名过长")
        elif item < 0:
            raise FieldError(f"{label}的附件信息无效")
        meta[key] = item
    name = meta["name"]
    if not name:
        raise FieldError(f"{label}缺少文件名")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accept = field.get("accept")
    if accept and ext not in accept:
        raise FieldError(f"{label}只接受以下类型：{'、'.join(accept)}")
    max_bytes = field.get("max_bytes")
    if max_bytes and meta.get("size", 0) > max_bytes:
        raise FieldError(f"{label}不得超过{_size_label(max_bytes)}")
    return meta


def _size_label(n: int) -> str:
    return f"{n / 1024 / 1024:g}MB" if n >= 1024 * 1024 else f"{n / 1024:g}KB"


def _check_indicator_table(field: dict, value, ctx: Context):
    rows, errors = clean_indicator_rows(field, value, ctx.catalog, complete=ctx.complete)
    if errors:
        raise FieldError(*errors)
    return rows


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
}


def empty_value(field: dict):
    return [] if field["type"] in ("multi_choice", "indicator_table") else None


def check_field(field: dict, value, ctx: Context):
    """Clean one field's raw value, or raise FieldError. Required-ness is checked here; conditions
    (which look at other fields) are checked by check_conditions."""
    if is_empty(value):
        if field.get("required") and ctx.complete:
            raise FieldError(f"请填写{field['label']}")
        return empty_value(field)
    return CHECKERS[field["type"]](field, value, ctx)


def check_conditions(fields: list[dict], cleaned: dict) -> dict[str, list[str]]:
    """required_if: a field becomes required when another (numeric) field's value compares true."""
    by_key = {f["key"]: f for f in fields}
    errors: dict[str, list[str]] = {}
    for field in fields:
        rule = (field.get("condition") or {}).get("required_if")
        if not rule or field["key"] not in cleaned or not is_empty(cleaned[field["key"]]):
            continue
        other = cleaned.get(rule["field"])
        if other is None or other == "":
            continue
        if CONDITION_OPS[rule["op"]](Decimal(str(other)), Decimal(str(rule["value"]))):
            ref = by_key[rule["field"]]["label"]
            errors[field["key"]] = [f"{ref}{rule['op']}{rule['value']}时，须填写{field['label']}"]
    return errors


# ---------------------------------------------------------------------------------------------------
# The indicator table


def canonical_nature(value) -> str | None:
    if not isinstance(value, str):
        return None
    return NATURE_ALIASES.get(value.strip())


def _not_achieved(nature: str, target: Decimal, actual: Decimal) -> bool:
    # 定性 rows are judged by a person (grade and score), so no reason is forced for them here.
    if nature == "≥":
        return actual < target
    if nature == "≤":
        return actual > target
    return actual != target


def _cell(row: dict, col: str):
    value = row.get(col)
    return None if is_empty(value) else value


def clean_indicator_rows(
    field: dict, value, catalog, *, complete: bool = True
) -> tuple[list[dict], list[str]]:
    """Rows of an indicator table cleaned to canonical form, and the table's errors (T1–T5)."""
    if not isinstance(value, list | tuple):
        return [], ["绩效指标表格式有误，应为若干行"]
    if len(value) > MAX_TABLE_ROWS:
        return [], [f"绩效指标不得超过{MAX_TABLE_ROWS}行"]
    extra = field.get("extra_columns") or []
    allowed = set(TABLE_COLUMNS) | set(extra)
    pairs = set(catalog)
    level1s = {a for a, _ in catalog}
    errors: list[str] = []
    rows: list[dict] = []
    seen_level3: set[str] = set()
    for i, raw in enumerate(value, start=1):
        where = f"第{i}行："
        if not isinstance(raw, dict):
            errors.append(f"{where}格式有误")
            continue
        if unknown := set(raw) - allowed:
            errors.append(f"{where}含有未知列 {'、'.join(sorted(str(k)[:20] for k in unknown)[:5])}")
            continue
        row: dict = {}
        row_errors: list[str] = []

        def number(
            col: str,
            label: str,
            rule: str,
            *,
            positive: bool,
            places: int,
            raw=raw,
            row=row,
            row_errors=row_errors,
        ):
            """A numeric cell: its Decimal (None when missing or wrong) and its canonical text in the row."""
            cell = _cell(raw, col)
            row[col] = ""
            if cell is None:
                row_errors.append(f"请填写{label}")
                return None
            try:
                value = parse_number(cell, label)
                if (value <= 0 if positive else value < 0) or _places(value) > places:
                    raise FieldError(rule)
            except FieldError as exc:
                row_errors.extend(exc.messages)
                return None
            row[col] = format_number(value)
            return value

        def text(col: str, limit: int, *, required: bool, raw=raw, row=row, row_errors=row_errors):
            label = TABLE_COLUMNS.get(col) or EXTRA_COLUMNS[col]
            cell = _cell(raw, col)
            if cell is None:
                if required:
                    row_errors.append(f"请填写{label}")
                row[col] = ""
                return
            try:
                row[col] = _text(cell, label, limit)
            except FieldError as exc:
                row_errors.extend(exc.messages)
                row[col] = ""

        text("level1", 50, required=True)
        text("level2", 50, required=True)
        text("level3", 50, required=True)
        if row["level1"] and row["level2"] and (row["level1"], row["level2"]) not in pairs:
            if row["level1"] not in level1s:
                row_errors.append(f"一级指标“{row['level1']}”不在本年度指标目录中")
            else:
                row_errors.append(f"二级指标“{row['level2']}”不属于一级指标“{row['level1']}”")
        if row["level3"]:
            if row["level3"] in seen_level3:
                row_errors.append(f"三级指标“{row['level3']}”重复")
            seen_level3.add(row["level3"])
        nature = canonical_nature(raw.get("nature"))
        if nature is None:
            row_errors.append("指标性质应为 =、≥、≤ 或 定性")
        row["nature"] = nature or ""
        target = None
        if nature == "定性":
            text("value", 50, required=True)
            if _cell(raw, "unit") is not None:
                row_errors.append("定性指标不填度量单位")
            row["unit"] = ""
        else:
            target = number(
                "value", "指标值", "指标值应为不小于0的数字，最多四位小数", positive=False, places=4
            )
            text("unit", 10, required=nature is not None)
        number("weight", "权重", "权重应为大于0的数字，最多两位小数", positive=True, places=2)
        actual = None
        if "actual" in extra:
            if nature == "定性":
                text("actual", 50, required=True)
            else:
                actual = number(
                    "actual", "完成值", "完成值应为不小于0的数字，最多四位小数", positive=False, places=4
                )
        if "reason" in extra:
            needs_reason = (
                nature in ("=", "≥", "≤")
                and target is not None
                and actual is not None
                and _not_achieved(nature, target, actual)
            )
            text("reason", 200, required=needs_reason)
            if needs_reason and row_errors and row_errors[-1] == "请填写偏差原因":
                row_errors[-1] = "未达到指标值，须说明偏差原因"
        errors.extend(where + msg for msg in row_errors)
        rows.append(row)
    if errors:
        return [], errors
    if not complete:
        return rows, []
    rows_min, rows_max = field.get("rows_min"), field.get("rows_max")
    if rows_min and len(rows) < rows_min:
        errors.append(f"绩效指标至少{rows_min}行")
    if rows_max and len(rows) > rows_max:
        errors.append(f"绩效指标不得超过{rows_max}行")
    present = {r["level1"] for r in rows}
    for level1 in REQUIRED_LEVEL1:
        if level1 not in present:
            errors.append(f"至少设置一项{level1}")
    total = sum((Decimal(r["weight"]) for r in rows), Decimal(0))
    expected = Decimal(str(field.get("weight_total", DEFAULT_WEIGHT_TOTAL)))
    if total != expected:
        errors.append(f"绩效指标权重合计应为{format_number(expected)}，当前为{format_number(total)}")
    return ([], errors) if errors else (rows, [])


# ---------------------------------------------------------------------------------------------------
# Definition validation


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field_problems(field: dict, keys: dict[str, dict]) -> list[str]:
    """Problems of one (shape-checked) field definition, in Chinese."""
    problems: list[str] = []
    ftype = field["type"]
    allowed = COMMON_OPTIONS | TYPE_OPTIONS[ftype]
    if unknown := set(field) - allowed:
        names = "、".join(sorted(str(k)[:30] for k in unknown)[:5])
        problems.append(f"类型“{FIELD_TYPES[ftype]}”不支持选项 {names}")
    label = field.get("label")
    if not isinstance(label, str) or not normalize_text(label) or len(label) > MAX_LABEL:
        problems.append(f"名称必填，且不超过{MAX_LABEL}字")
    if "required" in field and not isinstance(field["required"], bool):
        problems.append("“必填”应为 true 或 false")
    if "help" in field and (not isinstance(field["help"], str) or len(field["help"]) > MAX_HELP):
        problems.append(f"说明应为不超过{MAX_HELP}字的文本")
    for opt in ("min", "max"):
        if opt in field:
            ok = _is_int(field[opt]) if ftype == "integer" else _is_number(field[opt])
            if not ok or abs(field[opt]) >= MAX_NUMBER:
                problems.append(f"{opt} 应为{'整数' if ftype == 'integer' else '数字'}")
    if _is_number(field.get("min")) and _is_number(field.get("max")) and field["min"] > field["max"]:
        problems.append(f"最小值 {field['min']} 大于最大值 {field['max']}")
    if "max_length" in field:
        cap = LONG_TEXT_CAP if ftype == "long_text" else 2000
        if not _is_int(field["max_length"]) or not 0 < field["max_length"] <= cap:
            problems.append(f"字数上限应为 1 至 {cap} 的整数")
    if "pattern" in field:
        try:
            if not isinstance(field["pattern"], str) or not 0 < len(field["pattern"]) <= 200:
                raise re.error("bad")
            re.compile(field["pattern"])
        except re.error:
            problems.append("格式（正则表达式）无效")
    if "places" in field and (not _is_int(field["places"]) or not 0 <= field["places"] <= 4):
        problems.append("小数位数应为 0 至 4 的整数")
    if "allow_negative" in field and not isinstance(field["allow_negative"], bool):
        problems.append("“允许负数”应为 true 或 false")
    if ftype in ("choice", "multi_choice"):
        problems.extend(_choice_problems(field.get("choices")))
    if "accept" in field:
        accept = field["accept"]
        if (
            not isinstance(accept, list)
            or not accept
            or not all(isinstance(e, str) and _EXT_RE.match(e) for e in accept)
        ):
            problems.append("允许的文件类型应为扩展名列表（小写字母或数字，如 pdf）")
    if "max_bytes" in field and (
        not _is_int(field["max_bytes"]) or not 0 < field["max_bytes"] <= MAX_FILE_BYTES
    ):
        problems.append(f"文件大小上限应为 1 至 {MAX_FILE_BYTES} 字节")
    for opt in ("rows_min", "rows_max"):
        if opt in field and (not _is_int(field[opt]) or not 0 <= field[opt] <= MAX_TABLE_ROWS):
            problems.append(f"{opt} 应为 0 至 {MAX_TABLE_ROWS} 的整数")
    if _is_int(field.get("rows_max")) and field["rows_max"] < 1:
        problems.append("rows_max 至少为 1")
    if (
        _is_int(field.get("rows_min"))
        and _is_int(field.get("rows_max"))
        and field["rows_min"] > field["rows_max"]
    ):
        problems.append(f"最少行数 {field['rows_min']} 大于最多行数 {field['rows_max']}")
    if "weight_total" in field and (
        not _is_number(field["weight_total"]) or not 0 < field["weight_total"] <= 100
    ):
        problems.append("权重合计应为大于0且不超过100的数字")
    if "extra_columns" in field:
        extra = field["extra_columns"]
        if (
            not isinstance(extra, list)
            or not all(isinstance(c, str) and c in EXTRA_COLUMNS for c in extra)
            or len(set(extra)) != len(extra)
        ):
            problems.append("附加列只能是 actual（完成值）和 reason（偏差原因）")
    if "condition" in field:
        problems.extend(_condition_problems(field, keys))
    return problems


def _choice_problems(choices) -> list[str]:
    if not isinstance(choices, list) or not choices:
        return ["选项列表不能为空"]
    if len(choices) > MAX_CHOICES:
        return [f"选项不得超过{MAX_CHOICES}个"]
    values = []
    for c in choices:
        if (
            not isinstance(c, list | tuple)
            or len(c) != 2
            or not all(isinstance(x, str) and normalize_text(x) and len(x) <= 100 for x in c)
        ):
            return ["每个选项应为 [值, 显示文字]，均为不超过100字的非空文本"]
        values.append(c[0])
    if len(set(values)) != len(values):
        return ["选项的值有重复"]
    return []


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


def validate_definition(fields) -> None:
    """Refuse a malformed definition with ValidationFailed, one Chinese message per problem, keyed by
    the field's key (or `fields[i]` when the key itself is bad)."""
    if not isinstance(fields, list):
        raise ValidationFailed("表单定义应为字段列表", fields={"fields": ["表单定义应为字段列表"]})
    if not fields:
        raise ValidationFailed("表单至少需要一个字段", fields={"fields": ["表单至少需要一个字段"]})
    if len(fields) > MAX_FIELDS:
        raise ValidationFailed(
            f"字段不得超过{MAX_FIELDS}个", fields={"fields": [f"字段不得超过{MAX_FIELDS}个"]}
        )
    errors: dict[str, list[str]] = {}
    keys: dict[str, dict] = {}
    shaped: list[tuple[str, dict]] = []
    for i, field in enumerate(fields):
        slot = f"fields[{i}]"
        where = f"第{i + 1}个字段"
        if not isinstance(field, dict):
            errors.setdefault(slot, []).append(f"{where}应为对象")
            continue
        key = field.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            errors.setdefault(slot, []).append(
                f"{where}的键“{str(key)[:40]}”无效：须以小写字母开头，只含小写字母、数字和下划线，不超过40个字符"
            )
            continue
        if key in RESERVED_KEYS:
            errors.setdefault(key, []).append(f"{where}的键“{key}”是保留字，请换一个")
            continue
        if key in keys:
            errors.setdefault(key, []).append(f"{where}的键“{key}”重复")
            continue
        if field.get("type") not in FIELD_TYPES:
            errors.setdefault(key, []).append(f"字段“{key}”的类型“{str(field.get('type'))[:40]}”未知")
            continue
        keys[key] = field
        shaped.append((key, field))
    for key, field in shaped:
        for problem in _field_problems(field, keys):
            errors.setdefault(key, []).append(f"字段“{key}”：{problem}")
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"表单定义有误：{first}", fields=errors)


# ---------------------------------------------------------------------------------------------------
# Data validation (no request needed: the API, services and the WTForms classes share these checkers)


def catalog_for(framework: str) -> tuple[tuple[str, str], ...]:
    """The (一级, 二级) pairs of an indicator framework, in catalog order."""
    rows = db.session.execute(
        select(IndicatorCategory.level1, IndicatorCategory.level2)
        .where(IndicatorCategory.framework == framework)
        .order_by(IndicatorCategory.sort_order, IndicatorCategory.id)
    )
    return tuple((a, b) for a, b in rows)


def definition_framework(definition: FormDefinition) -> str:
    return definition.fiscal_year.indicator_framework


def validate_fields_data(
    fields: list[dict], data, ctx: Context, *, partial: bool = False
) -> tuple[dict, dict[str, list[str]]]:
    """Clean `data` against `fields`: (cleaned, errors). Unknown keys are errors."""
    if not isinstance(data, dict):
        return {}, {"__all__": ["提交的数据应为对象"]}
    errors: dict[str, list[str]] = {}
    known = {f["key"] for f in fields}
    for key in data:
        if key not in known:
            errors.setdefault(str(key)[:50], []).append("表单中没有此字段")
    cleaned: dict = {}
    for field in fields:
        key = field["key"]
        if partial and key not in data:
            continue
        try:
            cleaned[key] = check_field(field, data.get(key), ctx)
        except FieldError as exc:
            errors[key] = exc.messages
    if ctx.complete:
        for key, messages in check_conditions(fields, cleaned).items():
            errors.setdefault(key, []).extend(messages)
    return cleaned, errors


def validate_data(definition: FormDefinition, data: dict, *, catalog=None, complete: bool = True) -> dict:
    """The cleaned data (JSON-ready: amounts as strings, dates ISO) or ValidationFailed(fields=...).
    `catalog` ((一级, 二级) pairs) defaults to the definition's fiscal-year framework; complete=False
    checks a draft (see Context)."""
    if catalog is not None:
        ctx = Context(lambda: tuple(catalog), complete=complete)
    else:
        ctx = Context(lambda: catalog_for(definition_framework(definition)), complete=complete)
    cleaned, errors = validate_fields_data(definition.fields, data, ctx)
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


# ---------------------------------------------------------------------------------------------------
# Services


def _check_actor(actor: User | None) -> None:
    # actor None is the system itself (seeding); people need the admin's configuration right.
    if actor is not None:
        require(actor, Action.MANAGE_SETTINGS)


def _kind(kind) -> str:
    try:
        return DocumentKind(kind).value
    except ValueError:
        raise ValidationFailed(
            f"未知的文档类型“{str(kind)[:40]}”", fields={"kind": ["未知的文档类型"]}
        ) from None


def _plain(fields) -> list:
    """A deep, JSON-only copy, so the row never shares mutable structure with the caller."""
    return json.loads(json.dumps(fields, ensure_ascii=False))


def _next_version(kind: str, fiscal_year_id: int) -> int:
    current = db.session.scalar(
        select(func.max(FormDefinition.version)).where(
            FormDefinition.kind == kind, FormDefinition.fiscal_year_id == fiscal_year_id
        )
    )
    return (current or 0) + 1


def create_draft(
    kind, fiscal_year: FiscalYear, fields: list, *, actor: User | None, title: str = ""
) -> FormDefinition:
    """A new draft version of `kind`'s form in `fiscal_year`. ValidationFailed if malformed. Flushes."""
    _check_actor(actor)
    kind = _kind(kind)
    validate_definition(fields)
    if not isinstance(title, str) or len(title) > 200:
        raise ValidationFailed("标题不得超过200字", fields={"title": ["标题不得超过200字"]})
    definition = FormDefinition(
        kind=kind,
        fiscal_year=fiscal_year,
        fiscal_year_id=fiscal_year.id,
        version=_next_version(kind, fiscal_year.id),
        status=DefinitionStatus.DRAFT.value,
        title=normalize_text(title),
        fields=_plain(fields),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(definition)
    db.session.flush()
    audit.record(
        actor,
        "form_definition.create",
        definition,
        summary=f"{DocumentKind(kind).label} {fiscal_year.year}年 第{definition.version}版（草稿）",
    )
    db.session.flush()
    return definition


def update_draft(definition: FormDefinition, fields: list, *, actor: User | None) -> FormDefinition:
    """Replace a draft's fields. DefinitionLocked if published; ValidationFailed if malformed. Flushes."""
    _check_actor(actor)
    if definition.is_published:
        raise DefinitionLocked()
    validate_definition(fields)
    before = [f.get("key") for f in definition.fields]
    definition.fields = _plain(fields)
    audit.record(
        actor,
        "form_definition.update",
        definition,
        summary=f"修改第{definition.version}版草稿",
        changes={"keys": [before, [f["key"] for f in fields]]},
    )
    db.session.flush()
    return definition


def publish(definition: FormDefinition, *, actor: User | None) -> FormDefinition:
    """Publish a draft; from now on it never changes. DefinitionLocked if already published. Flushes."""
    _check_actor(actor)
    if definition.is_published:
        raise DefinitionLocked("该版本已发布")
    validate_definition(definition.fields)
    definition.status = DefinitionStatus.PUBLISHED.value
    definition.published_at = utcnow()
    definition.published_by_id = actor.id if actor else None
    audit.record(actor, "form_definition.publish", definition, summary=f"发布第{definition.version}版")
    db.session.flush()
    return definition


def new_draft_from(definition: FormDefinition, *, actor: User | None) -> FormDefinition:
    """A draft copy of `definition` as the next version of the same kind and year. Flushes."""
    return create_draft(
        definition.kind,
        definition.fiscal_year,
        copy.deepcopy(definition.fields),
        actor=actor,
        title=definition.title,
    )


def copy_year(from_year: FiscalYear, to_year: FiscalYear, *, actor: User | None) -> list[FormDefinition]:
    """Copy each kind's newest published definition of `from_year` into `to_year` as drafts. Flushes."""
    _check_actor(actor)
    made = []
    for kind in DocumentKind:
        source = published_definition(kind, from_year)
        if source is not None:
            made.append(
                create_draft(kind, to_year, copy.deepcopy(source.fields), actor=actor, title=source.title)
            )
    return made


def definition_in_use(definition: FormDefinition) -> bool:
    return (
        db.session.scalar(
            select(StageDocument.id)
            .where(
                StageDocument.kind == definition.kind,
                StageDocument.fiscal_year_id == definition.fiscal_year_id,
                StageDocument.form_version == definition.version,
            )
            .limit(1)
        )
        is not None
    )


def delete_draft(definition: FormDefinition, *, actor: User | None) -> None:
    """Delete an unused draft. DefinitionLocked if published or if a document uses it. Flushes."""
    _check_actor(actor)
    if definition.is_published:
        raise DefinitionLocked("已发布的表单版本不可删除")
    if definition_in_use(definition):
        raise DefinitionLocked("已有文档使用此表单版本，不可删除")
    audit.record(actor, "form_definition.delete", definition, summary=f"删除第{definition.version}版草稿")
    db.session.delete(definition)
    db.session.flush()


def _year_id(year: FiscalYear | int) -> int | None:
    if isinstance(year, FiscalYear):
        return year.id
    return db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == year))


def published_definition(kind, year: FiscalYear | int) -> FormDefinition | None:
    """The newest published definition of `kind` for a fiscal year (object or year number), or None."""
    try:
        kind = DocumentKind(kind).value
    except ValueError:
        return None
    year_id = _year_id(year)
    if year_id is None:
        return None
    return db.session.scalar(
        select(FormDefinition)
        .where(
            FormDefinition.kind == kind,
            FormDefinition.fiscal_year_id == year_id,
            FormDefinition.status == DefinitionStatus.PUBLISHED,
        )
        .order_by(FormDefinition.version.desc())
        .limit(1)
    )


def definition_version(kind, year: FiscalYear | int, version: int) -> FormDefinition | None:
    """The definition a document was filled with (its kind, year and form_version)."""
    year_id = _year_id(year)
    return db.session.scalar(
        select(FormDefinition).where(
            FormDefinition.kind == str(kind),
            FormDefinition.fiscal_year_id == year_id,
            FormDefinition.version == version,
        )
    )


EXPORT_FORMAT = "zyperf.form-definition"


def export_json(definition: FormDefinition) -> dict:
    """A JSON-ready dict; import_json of it gives an identical `fields` list."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "kind": definition.kind,
        "year": definition.fiscal_year.year,
        "version": definition.version,
        "status": definition.status,
        "title": definition.title,
        "fields": copy.deepcopy(definition.fields),
    }


def import_json(data, *, fiscal_year: FiscalYear, actor: User | None) -> FormDefinition:
    """A new draft in `fiscal_year` from exported JSON (a dict, or its text). ValidationFailed with a
    Chinese message when the JSON or its shape is malformed. Flushes."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            raise ValidationFailed(
                "导入文件不是有效的 JSON", fields={"file": ["导入文件不是有效的 JSON"]}
            ) from None
    if not isinstance(data, dict):
        raise ValidationFailed("导入内容应为 JSON 对象", fields={"file": ["导入内容应为 JSON 对象"]})
    if data.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise ValidationFailed("导入文件不是表单定义", fields={"file": ["导入文件不是表单定义"]})
    if "fields" not in data or "kind" not in data:
        raise ValidationFailed(
            "导入内容缺少 kind 或 fields", fields={"file": ["导入内容缺少 kind 或 fields"]}
        )
    title = data.get("title", "")
    if not isinstance(title, str):
        raise ValidationFailed("标题应为文本", fields={"title": ["标题应为文本"]})
    return create_draft(data["kind"], fiscal_year, data["fields"], actor=actor, title=title)
