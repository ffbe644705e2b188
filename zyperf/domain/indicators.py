"""The indicator table (excel-formats §3; rules T1–T5, M3, S6–S8): one row per 三级指标.

Modes: `targets` (T-1: what is promised), `monitoring` (M-1: the promise plus what happened by month
m, the expectation for the year, causes, likelihood and remark) and `evaluation` (S-1/S-2: the promise
plus the result, its score and the reason). In monitoring and evaluation the promise is carried from
the final targets and read-only (S8, see `merge_carried`). Errors are structured (row, column,
message) so that pages, the API and Excel imports can each say where."""

from dataclasses import dataclass
from decimal import Decimal

from zyperf.domain import figures
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import (
    FieldError,
    check_text,
    decimal_places,
    format_number,
    is_empty,
    parse_number,
    period_label,
)

MAX_ROWS = 200
NATURES = ("=", "≥", "≤", "定性")
QUALITATIVE = "定性"
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
TARGET_COLUMNS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "core": "核心指标",
    "nature": "指标性质",
    "value": "指标值",
    "unit": "度量单位",
    "weight": "权重",
}
CARRIED = tuple(TARGET_COLUMNS)
MONITORING_COLUMNS = {
    "actual": "{period}实际完成值",
    "expected": "全年预计完成值",
    "likelihood": "完成目标可能性",
    "causes": "偏差原因分析",
    "remark": "备注",
}
EVALUATION_COLUMNS = {
    "actual": "完成值",
    "grade": "定性评价等级",
    "score_formula": "公式得分",
    "score_entered": "评定得分",
    "score_note": "评分说明",
    "score_by": "评定人",
    "score": "得分",
    "reason": "未完成原因分析",
}
LEGACY_COLUMNS = {"actual": "完成值", "reason": "偏差原因"}  # forms published before modes existed
COMPUTED_COLUMNS = frozenset({"score_formula", "score"})
CAUSES = {
    "funding": "经费保障",
    "system": "制度保障",
    "staff": "人员保障",
    "hardware": "硬件条件保障",
    "other": "其他",
}
LIKELIHOODS = {"certain": "确定能", "possible": "有可能", "impossible": "完全不可能"}
REQUIRED_LEVEL1 = "产出指标"  # T1
# Columns every row fills before submission, by mode (what the row checks below require outright;
# 度量单位 unless 定性, causes, remark, grade and scores are required only by a row's other values).
PROMISE_REQUIRED = ("level1", "level2", "level3", "nature", "value", "weight")
REQUIRED_COLUMNS = {
    "targets": PROMISE_REQUIRED,
    "monitoring": (*PROMISE_REQUIRED, "actual", "expected", "likelihood"),
    "evaluation": (*PROMISE_REQUIRED, "actual"),
    "legacy": (*PROMISE_REQUIRED, "actual"),
}
DEFAULT_WEIGHT_TOTAL = Decimal(90)  # T5: with budget execution's 10, the total is 100


@dataclass(frozen=True)
class RowError:
    row: int | None  # 1-based; None for a table-wide rule
    column: str | None
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"第{self.row}行：{self.message}"


def shape_error(label: str, value, max_rows: int) -> RowError | None:
    """The table-wide refusal of a value that is not a list of at most `max_rows` rows, else None."""
    if not isinstance(value, list | tuple):
        return RowError(None, None, f"{label}格式有误，应为若干行")
    if len(value) > max_rows:
        return RowError(None, None, f"{label}不得超过{max_rows}行")
    return None


def mode(spec: dict) -> str:
    if spec.get("mode"):
        return spec["mode"]
    return "legacy" if spec.get("extra_columns") else "targets"


def columns(spec: dict) -> dict[str, str]:
    """Every column of the table in this mode, key → label (labels may hold {period})."""
    extra = {
        "targets": {},
        "monitoring": MONITORING_COLUMNS,
        "evaluation": EVALUATION_COLUMNS,
        "legacy": {c: LEGACY_COLUMNS[c] for c in spec.get("extra_columns") or []},
    }[mode(spec)]
    return TARGET_COLUMNS | extra


def required_columns(spec: dict) -> frozenset[str]:
    """The table's columns a row must fill before submission (the page marks their headers)."""
    return frozenset(REQUIRED_COLUMNS[mode(spec)]) & columns(spec).keys()


def canonical_nature(value) -> str | None:
    return NATURE_ALIASES.get(value.strip()) if isinstance(value, str) else None


def _cell(raw: dict, column: str):
    value = raw.get(column)
    return None if is_empty(value) else value


class _Row:
    """Cleans one raw row into `self.row`, collecting RowErrors."""

    def __init__(self, index: int, raw: dict, labels: dict[str, str], errors: list[RowError]):
        self.index, self.raw, self.labels, self.errors = index, raw, labels, errors
        self.row: dict = {}

    def fail(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(self.index, column, message))

    def text(self, column: str, limit: int, *, required: bool) -> str:
        cell = _cell(self.raw, column)
        self.row[column] = ""
        if cell is None:
            if required:
                self.fail(column, f"请填写{self.labels[column]}")
            return ""
        try:
            self.row[column] = check_text(cell, self.labels[column], limit)
        except FieldError as exc:
            self.fail(column, exc.messages[0])
        return self.row[column]

    def number(self, column: str, *, required: bool, places: int, positive=False, cap=None) -> Decimal | None:
        label = self.labels[column]
        cell = _cell(self.raw, column)
        self.row[column] = ""
        if cell is None:
            if required:
                self.fail(column, f"请填写{label}")
            return None
        rule = f"{label}应为{'大于' if positive else '不小于'}0的数字，最多{places}位小数"
        try:
            value = parse_number(cell, label)
        except FieldError:
            self.fail(column, f"{label}应为数字（{rule.removeprefix(label + '应为')}）")
            return None
        if (value <= 0 if positive else value < 0) or decimal_places(value) > places:
            self.fail(column, rule)
            return None
        if cap is not None and value > cap:
            self.fail(column, f"得分应在0至{figures.fmt_number(cap)}分之间")
            return None
        self.row[column] = format_number(value)
        return value

    def choice(self, column: str, options: dict[str, str], *, required: bool) -> str:
        cell = _cell(self.raw, column)
        value = {**{v: v for v in options}, **{label: v for v, label in options.items()}}.get(
            cell.strip() if isinstance(cell, str) else cell
        )
        self.row[column] = value or ""
        if cell is None and required:
            self.fail(column, f"请选择{self.labels[column]}")
        elif cell is not None and value is None:
            self.fail(column, f"{self.labels[column]}应为 {'、'.join(options.values())} 之一")
        return self.row[column]


def _promise(
    r: _Row, pairs: set, level1s: set, seen: set
) -> tuple[str | None, Decimal | None, Decimal | None]:
    """The carried columns (T2–T4): (nature, target, weight)."""
    level1, level2 = r.text("level1", 50, required=True), r.text("level2", 50, required=True)
    level3 = r.text("level3", 50, required=True)
    if level1 and level2 and (level1, level2) not in pairs:
        if level1 not in level1s:
            r.fail("level1", f"一级指标“{level1}”不在本年度指标目录中")
        else:
            r.fail("level2", f"二级指标“{level2}”不属于一级指标“{level1}”")
    if level3:
        if level3 in seen:
            r.fail("level3", f"三级指标“{level3}”重复")
        seen.add(level3)
    core = r.raw.get("core")
    r.row["core"] = core is True or (
        isinstance(core, str) and core.strip() in ("是", "★", "true", "1", "yes")
    )
    nature = canonical_nature(r.raw.get("nature"))
    if nature is None:
        r.fail("nature", "指标性质应为 =、≥、≤ 或 定性")
    r.row["nature"] = nature or ""
    target = None
    if nature == QUALITATIVE:
        r.text("value", 50, required=True)
        if _cell(r.raw, "unit") is not None:
            r.fail("unit", "定性指标不填度量单位")
        r.row["unit"] = ""
    else:
        target = r.number("value", required=True, places=4)
        r.text("unit", 10, required=nature is not None)
    weight = r.number("weight", required=True, places=2, positive=True)
    return nature, target, weight


def _monitoring(r: _Row, nature: str | None, complete: bool) -> None:
    """M3: one likelihood per indicator; unless 确定能, a ticked cause and a 备注."""
    for column in ("actual", "expected"):
        if nature == QUALITATIVE:
            r.text(column, 50, required=complete)
        else:
            r.number(column, required=complete, places=4)
    likelihood = r.choice("likelihood", LIKELIHOODS, required=complete)
    causes = r.raw.get("causes") or []
    if isinstance(causes, str):
        causes = [c for c in causes.replace("、", ",").split(",") if c.strip()]
    codes = {**{v: v for v in CAUSES}, **{label: v for v, label in CAUSES.items()}}
    if not isinstance(causes, list | tuple) or any(codes.get(str(c).strip()) is None for c in causes):
        r.fail("causes", f"偏差原因应为 {'、'.join(CAUSES.values())} 中的若干项")
        causes = []
    chosen = {codes[str(c).strip()] for c in causes}
    r.row["causes"] = [c for c in CAUSES if c in chosen]
    remark = r.text("remark", 100, required=False)
    if complete and likelihood and likelihood != "certain":
        if not r.row["causes"]:
            r.fail("causes", "完成目标可能性不是“确定能”，须勾选至少一项偏差原因")
        if not remark:
            r.fail("remark", "完成目标可能性不是“确定能”，须填写备注")


def _evaluation(r: _Row, nature, target, weight, settings: YearSettings, complete: bool) -> None:
    """S6, S7 and the score: the formula gives the default; an entered score differs only with a
    评分说明 (定性 scores are always entered, within their band)."""
    r.row["score_formula"] = r.row["score"] = ""
    if nature == QUALITATIVE:
        r.text("actual", 50, required=complete)
        grade = r.choice("grade", {g: g for g in figures.QUALITATIVE_GRADES}, required=complete)
    else:
        actual = r.number("actual", required=complete, places=4)
        r.row["grade"] = ""
    entered = r.number("score_entered", required=complete and nature == QUALITATIVE, places=2, cap=weight)
    note = r.text("score_note", 200, required=False)
    r.text("score_by", 64, required=False)
    if nature is None or weight is None:
        r.text("reason", 100, required=False)
        return
    if nature == QUALITATIVE:
        message = (
            entered is not None and grade and figures.check_qualitative(grade, entered, weight, settings)
        )
        if message:
            r.fail("score_entered", message)
            entered = None
        score, over = entered, False
    else:
        formula = None
        if target is not None and actual is not None:
            formula = figures.indicator_score(nature, target, actual, weight, settings)
            r.row["score_formula"] = format_number(formula)
        if entered is not None and formula is not None and entered != formula and not note:
            r.fail("score_note", f"评定得分与公式得分（{format_number(formula)}）不同，须填写评分说明")
        score = entered if entered is not None else formula
        over = (
            target is not None and actual is not None and figures.overshoot(nature, target, actual, settings)
        )
    if score is not None:
        r.row["score"] = format_number(figures.round2(score))
    needs = score is not None and figures.needs_reason(score, weight, over)
    reason = r.text("reason", 100, required=False)
    if complete and needs and not reason:
        r.fail("reason", "得分低于权重或超额完成，须填写未完成原因分析")


def _legacy(r: _Row, nature, target, extra: list[str]) -> None:
    actual = None
    if "actual" in extra:
        if nature == QUALITATIVE:
            r.text("actual", 50, required=True)
        else:
            actual = r.number("actual", required=True, places=4)
    if "reason" in extra:
        missed = (
            nature in ("=", "≥", "≤")
            and target is not None
            and actual is not None
            and (actual < target if nature == "≥" else actual > target if nature == "≤" else actual != target)
        )
        if not r.text("reason", 200, required=False) and missed:
            r.fail("reason", "未达到指标值，须说明偏差原因")


def clean_rows_detailed(
    spec: dict, value, catalog, *, settings: YearSettings | None = None, complete: bool = True
) -> tuple[list[dict], list[RowError]]:
    """Rows cleaned to canonical form (computed columns filled), and every error with its place."""
    settings = settings or YearSettings()
    if shape := shape_error("绩效指标表", value, MAX_ROWS):
        return [], [shape]
    period = period_label(settings.monitoring_month)
    labels = {k: v.replace("{period}", period) for k, v in columns(spec).items()}
    allowed = set(labels)
    table_mode = mode(spec)
    pairs, level1s = set(catalog), {a for a, _ in catalog}
    errors: list[RowError] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for index, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            errors.append(RowError(index, None, "格式有误"))
            continue
        if unknown := set(raw) - allowed:
            names = "、".join(sorted(str(k)[:20] for k in unknown)[:5])
            errors.append(RowError(index, None, f"含有未知列 {names}"))
            continue
        r = _Row(index, raw, labels, errors)
        nature, target, weight = _promise(r, pairs, level1s, seen)
        if table_mode == "monitoring":
            _monitoring(r, nature, complete)
        elif table_mode == "evaluation":
            _evaluation(r, nature, target, weight, settings, complete)
        elif table_mode == "legacy":
            _legacy(r, nature, target, spec.get("extra_columns") or [])
        rows.append(r.row)
    if errors:
        return [], errors
    if complete:
        errors.extend(_table_rules(spec, rows))
    return ([], errors) if errors else (rows, [])


def _table_rules(spec: dict, rows: list[dict]) -> list[RowError]:
    """T1 (at least one row, one under 产出指标), rows_max, T5 (Σ权重 = 90)."""
    errors = []
    rows_min, rows_max = spec.get("rows_min") or 1, spec.get("rows_max")
    if len(rows) < rows_min:
        errors.append(RowError(None, None, f"绩效指标至少{rows_min}行"))
    if rows_max and len(rows) > rows_max:
        errors.append(RowError(None, None, f"绩效指标不得超过{rows_max}行，当前{len(rows)}行"))
    if not any(r["level1"] == REQUIRED_LEVEL1 for r in rows):
        errors.append(RowError(None, "level1", "至少设置一项产出指标"))
    total = weight_total(rows)
    expected = Decimal(str(spec.get("weight_total", DEFAULT_WEIGHT_TOTAL)))
    if total != expected:
        errors.append(
            RowError(
                None, "weight", f"绩效指标权重合计应为{format_number(expected)}，当前为{format_number(total)}"
            )
        )
    return errors


def weight_total(rows: list[dict]) -> Decimal:
    return sum((Decimal(r["weight"]) for r in rows if r.get("weight")), Decimal(0))


def clean_rows(
    spec: dict, value, catalog, *, settings=None, complete: bool = True
) -> tuple[list[dict], list[str]]:
    rows, errors = clean_rows_detailed(spec, value, catalog, settings=settings, complete=complete)
    return rows, [str(e) for e in errors]
