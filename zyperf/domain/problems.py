"""The problem table of a rectification report (整改报告, rules 三(四); excel-formats §8.5 L-5): one
row per problem with its source, type, description, measures, who answers for it, the deadline,
the status, what was done and the evidence. Errors name their row and column (indicators.RowError).

Rows carry a 序号 (`number`) that the document service gives each new problem; it is how a problem
is recognised from one save to the next, so that its stored 整改时限 can be held to (no backdating,
see `deadline_errors`)."""

import datetime as dt

from zyperf.domain.files import check_file_meta
from zyperf.domain.indicators import RowError, shape_error
from zyperf.domain.text import FieldError, check_date, check_text, is_empty

MAX_ROWS = 100
MAX_EVIDENCE = 20
PROBLEM_COLUMNS = {
    "number": "序号",
    "source": "问题来源",
    "type": "问题类型",
    "description": "问题描述",
    "measures": "整改措施",
    "responsible_unit": "责任单位（科室）",
    "responsible_person": "责任人",
    "deadline": "整改时限",
    "status": "整改状态",
    "result": "整改完成情况说明",
    "evidence": "佐证材料",
}
SOURCES = {
    "self": "自评",
    "monitoring": "监控",
    "department": "部门评价",
    "finance": "财政评价",
    "audit": "审计",
    "other": "其他",
}
DONE = "done"
STATUSES = {DONE: "已完成", "in_progress": "正在整改", "not_started": "未整改"}
# Text columns: (limit in 字, required on submission).
TEXTS = {
    "type": (30, True),
    "description": (500, True),
    "measures": (500, True),
    "responsible_unit": (50, True),
    "responsible_person": (30, True),
    "result": (500, False),
}

# What a problem must hold on submission (整改完成情况说明 too once its status is 已完成).
REQUIRED_COLUMNS = frozenset(
    {"source", "deadline", "status", *(c for c, (_, required) in TEXTS.items() if required)}
)
CONDITIONAL_COLUMNS = {"result": f"整改状态为“{STATUSES[DONE]}”时必填"}


class _Row:
    def __init__(self, index: int, raw: dict, errors: list[RowError]):
        self.index, self.raw, self.errors = index, raw, errors

    def fail(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(self.index, column, message))

    def text(self, column: str, limit: int, required: bool) -> str:
        label = PROBLEM_COLUMNS[column]
        if is_empty(self.raw.get(column)):
            if required:
                self.fail(column, f"请填写{label}")
            return ""
        try:
            return check_text(self.raw[column], label, limit)
        except FieldError as exc:
            self.fail(column, exc.messages[0])
            return ""

    def choice(self, column: str, options: dict[str, str], required: bool) -> str:
        cell = self.raw.get(column)
        if is_empty(cell):
            if required:
                self.fail(column, f"请选择{PROBLEM_COLUMNS[column]}")
            return ""
        codes = {**{v: v for v in options}, **{label: v for v, label in options.items()}}
        value = codes.get(cell.strip()) if isinstance(cell, str) else None
        if value is None:
            self.fail(column, f"{PROBLEM_COLUMNS[column]}应为 {'、'.join(options.values())} 之一")
            return ""
        return value

    def deadline(self, required: bool) -> str:
        if is_empty(self.raw.get("deadline")):
            if required:
                self.fail("deadline", "请填写整改时限")
            return ""
        try:
            return check_date(self.raw["deadline"], "整改时限").isoformat()
        except FieldError as exc:
            self.fail("deadline", exc.messages[0])
            return ""

    def number(self) -> int | None:
        value = self.raw.get("number")
        if is_empty(value):
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 100_000:
            self.fail("number", "序号应为正整数（由系统编排）")
            return None
        return value

    def evidence(self, spec: dict) -> list[dict]:
        value = self.raw.get("evidence") or []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list | tuple) or len(value) > MAX_EVIDENCE:
            self.fail("evidence", f"佐证材料应为附件列表（不超过{MAX_EVIDENCE}个）")
            return []
        found = []
        for item in value:
            try:
                found.append(
                    check_file_meta(
                        item, "佐证材料", accept=spec.get("accept"), max_bytes=spec.get("max_bytes")
                    )
                )
            except FieldError as exc:
                self.fail("evidence", exc.messages[0])
        return found


def _clean_row(spec: dict, index: int, raw, complete: bool, errors: list[RowError]) -> dict | None:
    if not isinstance(raw, dict):
        errors.append(RowError(index, None, "格式有误"))
        return None
    if unknown := set(raw) - set(PROBLEM_COLUMNS):
        errors.append(
            RowError(index, None, f"含有未知列 {'、'.join(sorted(str(k)[:20] for k in unknown)[:5])}")
        )
        return None
    r = _Row(index, raw, errors)
    row: dict = {"number": r.number()}
    must = REQUIRED_COLUMNS if complete else frozenset()
    row["source"] = r.choice("source", SOURCES, "source" in must)
    row |= {column: r.text(column, limit, column in must) for column, (limit, _) in TEXTS.items()}
    row["deadline"] = r.deadline("deadline" in must)
    row["status"] = r.choice("status", STATUSES, "status" in must)
    row["evidence"] = r.evidence(spec)
    if complete and row["status"] == DONE and not row["result"]:
        r.fail("result", "整改状态为“已完成”，须填写整改完成情况说明")
    if row["number"] is None:
        del row["number"]
    return row


def _blank(raw) -> bool:
    return isinstance(raw, dict) and all(is_empty(v) for k, v in raw.items() if k != "number")


def clean_problems(spec: dict, value, *, complete: bool) -> tuple[list[dict], list[RowError]]:
    """Rows in canonical form (codes for 问题来源 and 整改状态, dates as YYYY-MM-DD) and every error
    with its row and column. Blank rows are dropped. On submission: at least rows_min problems, each
    complete; a problem marked 已完成 says what was done."""
    if value is None:
        value = []
    if shape := shape_error(spec["label"], value, MAX_ROWS):
        return [], [shape]
    errors: list[RowError] = []
    rows = []
    for index, raw in enumerate((r for r in value if not _blank(r)), start=1):
        row = _clean_row(spec, index, raw, complete, errors)
        if row is not None:
            rows.append(row)
    numbers = [r["number"] for r in rows if "number" in r]
    if len(numbers) != len(set(numbers)):
        errors.append(RowError(None, "number", "问题序号重复"))
    if complete and not errors:
        rows_min, rows_max = spec.get("rows_min") or 1, spec.get("rows_max")
        if len(rows) < rows_min:
            errors.append(RowError(None, None, f"{spec['label']}至少{rows_min}个问题"))
        if rows_max and len(rows) > rows_max:
            errors.append(RowError(None, None, f"{spec['label']}不得超过{rows_max}个问题，当前{len(rows)}个"))
    return ([], errors) if errors else (rows, [])


def check_problems(spec: dict, value, *, complete: bool) -> list[dict]:
    rows, errors = clean_problems(spec, value, complete=complete)
    if errors:
        raise FieldError(*(str(e) for e in errors))
    return rows


def number_rows(stored: list, rows: list[dict]) -> list[dict]:
    """Give each new problem (no 序号, or one the stored report does not have) the next 序号 after
    every stored one; a stored problem keeps its own. (Duplicates were refused by clean_problems.)"""
    known = {r.get("number") for r in stored or [] if isinstance(r, dict)} - {None}
    following = max([0, *known]) + 1
    numbered = []
    for row in rows:
        if row.get("number") in known:
            numbered.append(row)
        else:
            numbered.append({"number": following, **{k: v for k, v in row.items() if k != "number"}})
            following += 1
    return numbered


def deadline_errors(stored: list, rows: list[dict], today: dt.date) -> list[RowError]:
    """No backdating: a problem whose 整改时限 is already stored keeps it or moves it later, never
    earlier; a problem given its 整改时限 now (a new problem, or one saved without a date) gets today
    or later. `rows` are numbered (number_rows) before this is asked."""
    before = {r.get("number"): r.get("deadline") for r in stored or [] if isinstance(r, dict)}
    errors = []
    for index, row in enumerate(rows, start=1):
        deadline, old = row.get("deadline"), before.get(row.get("number"))
        if not deadline:
            continue
        if old and deadline < old:
            errors.append(RowError(index, "deadline", f"整改时限不得早于原定的{old}（不得倒签）"))
        elif not old and deadline < today.isoformat():
            errors.append(
                RowError(
                    index, "deadline", f"新增问题（或首次填写）的整改时限不得早于今天（{today.isoformat()}）"
                )
            )
    return errors
