"""T-1 (targets: the unit writes the whole table, rows added or removed) and M-1 (monitoring: the
promise is read-only, what happened by month m is entered) read back into field values."""

from zyperf.domain import indicators
from zyperf.domain.text import normalize_text, period_label
from zyperf.exports import monitoring, targets
from zyperf.exports.form import Layout, span
from zyperf.exports.model import CAUSES, LIKELIHOODS
from zyperf.imports.common import COMPUTED, READONLY, Context, Reading, fund_update, mark
from zyperf.imports.sheet import Sheet

STAR = "★"
TARGET_LABELS = {
    "一级指标": "B",
    "二级指标": "C",
    "三级指标": "D",
    "指标性质": "E",
    "指标值": "F",
    "度量单位": "G",
    "权重": "H",
}
CAUSE_CODES = {label: code for code, label in indicators.CAUSES.items()}
LIKELIHOOD_CODES = {label: code for code, label in indicators.LIKELIHOODS.items()}


# --- T-1 ---------------------------------------------------------------------------------------------


def targets_count(sheet: Sheet) -> int | None:
    """N, the indicator rows: the 合计 row is A{11+N}. None when column A has no 合计 below row 10."""
    for row in range(10, sheet.last_row() + 1):
        if normalize_text(str(sheet.raw_at(row, 0) or "")) == "合计":
            return row - 10
    return None


def targets_marks(n: int) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark(marks, READONLY, "B3", "B5", "G5")
    mark(marks, COMPUTED, "E6", f"H{11 + n}")
    return marks


def _level_run(first: int, last: int):
    """A merge a unit may make in T-1: one 一级 or 二级 column, inside the indicator rows."""

    def free(ref: str) -> bool:
        r1, c1, r2, c2 = span(ref)
        return c1 == c2 and c1 in (1, 2) and first - 1 <= r1 and r2 <= last - 1

    return free


def read_targets(sheet: Sheet, ctx: Context) -> Reading:
    reading = Reading(anchors={"manager": "B4", "annual_goal": "B9", "funds": "E6", "indicators": "A10"})
    n = targets_count(sheet)
    if n is None:
        sheet.fail("A11", "找不到「合计」行（A列）：表格结构被改动，请使用下载的模板")
        return reading
    sheet.check_layout(targets.layout(n, ctx.fiscal_year), free=_level_run(11, 10 + n))
    sheet.check_extent(10 + n, 7)
    for ref, what in (("B3", "项目名称"), ("B5", "主管部门"), ("G5", "实施单位")):
        sheet.readonly(ref, ctx.expected(ref), what)
    values = reading.values
    values["manager"] = sheet.text("B4", "项目负责人及电话")
    values["annual_goal"] = sheet.text("B9", "年度目标")
    values["funds"] = fund_update(sheet, ctx.data.get("funds"), "amount", "E7", "E8")
    if n > ctx.rows_max:
        sheet.fail(f"A{11 + ctx.rows_max}", f"绩效指标最多{ctx.rows_max}行，表中有{n}行")
    rows, places = [], []
    for r in range(11, 11 + n):
        row = _target_row(sheet, r)
        if row is not None:
            rows.append(row)
            places.append(r)
    values["indicators"] = rows
    reading.rows["indicators"] = places
    reading.columns["indicators"] = TARGET_LABELS
    return reading


def _target_row(sheet: Sheet, r: int) -> dict | None:
    """One indicator row as the targets form takes it; None for a row left blank."""
    name = sheet.text(f"D{r}", "三级指标")
    nature = sheet.text(f"E{r}", "指标性质")
    if indicators.canonical_nature(nature) == indicators.QUALITATIVE:
        value = sheet.text(f"F{r}", "指标值")
    else:
        value = sheet.number(f"F{r}", "指标值", places=4)
    unit = sheet.text(f"G{r}", "度量单位")
    weight = sheet.number(f"H{r}", "权重", places=2)
    if not any((name, nature, value, unit, weight)):
        return None
    return {
        "level1": sheet.text(f"B{r}", "一级指标"),
        "level2": sheet.text(f"C{r}", "二级指标"),
        "level3": name.removeprefix(STAR).strip(),
        "core": name.startswith(STAR),
        "nature": nature,
        "value": value,
        "unit": unit,
        "weight": weight,
    }


# --- M-1 ---------------------------------------------------------------------------------------------

M1_FUND_COLUMNS = (("D", "initial"), ("F", "adjusted"), ("H", "executed"), ("L", "expected"))
M1_PROMISE = "BCDEFG"  # 一级 … 度量单位, carried from the final targets


def monitoring_marks(n: int, ctx: Context) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark(marks, READONLY, "B3", "B4", "K4", "B9")
    mark(marks, COMPUTED, "D6", "F6", "H6", "J6", "L6", "J7", "J8")
    for r in range(12, 12 + n):
        mark(marks, READONLY, *(f"{c}{r}" for c in M1_PROMISE if not ctx.inner(f"{c}{r}")))
    return marks


def carried_layout(layout: Layout, ctx: Context) -> Layout:
    """The table's texts, and exactly the template's merges (the indicator runs are the promise's)."""
    return Layout(layout.literals, ctx.form.merge_refs)


def check_promise(sheet: Sheet, ctx: Context, refs: dict[str, str]) -> None:
    """Read-only cells (A1 → what they are) still as the template wrote them."""
    for ref, what in refs.items():
        if not ctx.inner(ref):
            sheet.readonly(ref, ctx.expected(ref), what)


def read_monitoring(sheet: Sheet, ctx: Context) -> Reading:
    n = len(ctx.order)
    period = period_label(ctx.month)
    reading = Reading(anchors={"funds": "D6", "deviation_reason": "N6", "indicators": "A10"})
    sheet.check_layout(carried_layout(monitoring.layout(n, ctx.fiscal_year, ctx.month), ctx))
    sheet.check_extent(10 + n, 17)
    check_promise(
        sheet, ctx, {"B3": "项目名称", "B4": "主管部门及代码", "K4": "实施单位", "B9": "年度总体目标"}
    )
    funds = ctx.data.get("funds")
    for col, column in M1_FUND_COLUMNS:
        funds = fund_update(sheet, funds, column, f"{col}7", f"{col}8")
    reading.values["funds"] = funds
    reading.values["deviation_reason"] = sheet.text("N6", "偏差原因")
    stored = ctx.stored_rows("indicators")
    rows: dict[int, dict] = {}
    places: dict[int, int] = {}
    for i, index in enumerate(ctx.order):
        r = 12 + i
        old = stored[index] if index < len(stored) else {}
        promise = dict(
            zip(
                M1_PROMISE,
                ("一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位"),
                strict=True,
            )
        )
        check_promise(
            sheet, ctx, {f"{c}{r}": f"{what}（来自已批复的绩效目标）" for c, what in promise.items()}
        )
        rows[index] = old | _monitoring_row(sheet, r, old.get("nature") == indicators.QUALITATIVE, period)
        places[index] = r
    reading.values["indicators"] = [rows.get(i, old) for i, old in enumerate(stored)]
    reading.rows["indicators"] = [places.get(i, 12) for i in range(len(stored))]
    reading.columns["indicators"] = {
        f"{period}实际完成值": "H",
        "全年预计完成值": "I",
        "偏差原因": "J",
        "完成目标可能性": "O",
        "备注": "R",
    } | TARGET_LABELS
    return reading


def _monitoring_row(sheet: Sheet, r: int, qualitative: bool, period: str) -> dict:
    read = sheet.text if qualitative else sheet.number
    row = {
        "actual": read(f"H{r}", f"{period}实际完成值"),
        "expected": read(f"I{r}", "全年预计完成值"),
        "causes": [
            CAUSE_CODES[label]
            for col, label in zip("JKLMN", CAUSES, strict=True)
            if sheet.tick(f"{col}{r}", label)
        ],
        "remark": sheet.text(f"R{r}", "备注"),
    }
    chosen = [label for col, label in zip("OPQ", LIKELIHOODS, strict=True) if sheet.tick(f"{col}{r}", label)]
    if len(chosen) > 1:
        sheet.fail(f"O{r}", "完成目标可能性只能勾选一项（确定能、有可能、完全不可能）")
        chosen = []
    row["likelihood"] = LIKELIHOOD_CODES[chosen[0]] if chosen else ""
    return row
