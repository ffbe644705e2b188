"""The task table of the department targets (D-1 年度主要任务, rule D1): one row per task with its
name, content and amounts; 总额 = 财政拨款 + 其他资金 is computed, never entered. Errors name their
row and column (indicators.RowError)."""

from decimal import Decimal

from zyperf.domain.indicators import RowError, shape_error
from zyperf.domain.text import FieldError, check_amount, check_text, format_number, is_empty

MAX_ROWS = 100
TASK_COLUMNS = {
    "name": "任务名称",
    "content": "主要内容",
    "total": "总额",
    "fiscal": "财政拨款",
    "other": "其他资金",
}
AMOUNT_COLUMNS = ("fiscal", "other")
REQUIRED_COLUMNS = frozenset({"name", "content"})  # on submission; the amounts may be 0
LIMITS = {"name": 50, "content": 200}
ZERO = Decimal("0.00")


def _text(index: int, raw: dict, column: str, required: bool, errors: list[RowError]) -> str:
    label = TASK_COLUMNS[column]
    if is_empty(raw.get(column)):
        if required:
            errors.append(RowError(index, column, f"请填写{label}"))
        return ""
    try:
        return check_text(raw[column], label, LIMITS[column])
    except FieldError as exc:
        errors.append(RowError(index, column, exc.messages[0]))
        return ""


def _amount(index: int, raw: dict, column: str, errors: list[RowError]) -> Decimal:
    if is_empty(raw.get(column)):
        return ZERO
    try:
        return check_amount(raw[column], TASK_COLUMNS[column])
    except FieldError as exc:
        errors.append(RowError(index, column, exc.messages[0]))
        return ZERO


def _row(index: int, raw, complete: bool, errors: list[RowError]) -> dict | None:
    if not isinstance(raw, dict):
        errors.append(RowError(index, None, "格式有误"))
        return None
    if unknown := set(raw) - set(TASK_COLUMNS):
        errors.append(
            RowError(index, None, f"含有未知列 {'、'.join(sorted(str(k)[:20] for k in unknown)[:5])}")
        )
        return None
    row = {c: _text(index, raw, c, complete and c in REQUIRED_COLUMNS, errors) for c in ("name", "content")}
    fiscal, other = (_amount(index, raw, c, errors) for c in AMOUNT_COLUMNS)
    total = fiscal + other
    if not is_empty(raw.get("total")):  # sent back as stored, or as the client computed it
        try:
            sent = check_amount(raw["total"], TASK_COLUMNS["total"])
        except FieldError:
            sent = None
        if sent != total:
            errors.append(
                RowError(
                    index,
                    "total",
                    f"总额由财政拨款与其他资金合计得出（应为{format_number(total)}），不能直接填写",
                )
            )
    return row | {"total": str(total), "fiscal": str(fiscal), "other": str(other)}


def clean_tasks(spec: dict, value, *, complete: bool) -> tuple[list[dict], list[RowError]]:
    """Rows in canonical form (amounts as "0.00" strings, 总额 computed), and every error with its place.
    Blank rows are dropped. On submission: at least rows_min tasks, each named and described, and
    the tasks' 总额 > 0 (as T6 asks of a project's 年度资金总额)."""
    if value is None:
        value = []
    if shape := shape_error(spec["label"], value, MAX_ROWS):
        return [], [shape]
    errors: list[RowError] = []
    rows = []
    for index, raw in enumerate((r for r in value if not blank_row(r)), start=1):
        row = _row(index, raw, complete, errors)
        if row is not None:
            rows.append(row)
    if errors:
        return [], errors
    if complete:
        rows_min, rows_max = spec.get("rows_min") or 1, spec.get("rows_max")
        if len(rows) < rows_min:
            errors.append(RowError(None, None, f"{spec['label']}至少{rows_min}项"))
        if rows_max and len(rows) > rows_max:
            errors.append(RowError(None, None, f"{spec['label']}不得超过{rows_max}项，当前{len(rows)}项"))
        if rows and task_totals(rows)[0] <= 0:
            errors.append(RowError(None, "total", "年度主要任务的金额合计应大于0"))
    return ([], errors) if errors else (rows, [])


def blank_row(raw) -> bool:
    """A row with nothing in it (amounts of 0 count as nothing): dropped, not refused."""
    return isinstance(raw, dict) and all(is_empty(v) or str(v).strip() in ("0", "0.00") for v in raw.values())


def task_totals(rows) -> tuple[Decimal, Decimal, Decimal]:
    """金额合计: (总额, 财政拨款, 其他资金) over the tasks."""
    sums = [ZERO, ZERO, ZERO]
    for row in rows or []:
        if isinstance(row, dict):
            for i, column in enumerate(("total", "fiscal", "other")):
                try:
                    sums[i] += Decimal(str(row.get(column) or "0"))
                except ArithmeticError:
                    continue
    return sums[0], sums[1], sums[2]


def check_tasks(spec: dict, value, *, complete: bool) -> list[dict]:
    rows, errors = clean_tasks(spec, value, complete=complete)
    if errors:
        raise FieldError(*(str(e) for e in errors))
    return rows
