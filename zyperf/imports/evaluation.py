"""S-1 and S-2 (self-evaluation: the promise read-only, what was achieved entered, scores computed
except a 定性 indicator's, which the evaluator gives) and X-1 (the ex-ante scoring sheet: a tick per
sub-item) read back into field values."""

from zyperf.domain import figures, indicators, tables
from zyperf.domain.text import FieldError, normalize_text, parse_number, to_decimal
from zyperf.exports import exante, self_evaluation_central
from zyperf.exports import self_evaluation as sichuan
from zyperf.exports.model import RATINGS
from zyperf.imports.common import COMPUTED, READONLY, Context, Reading, fund_update, mark
from zyperf.imports.forms import TARGET_LABELS, carried_layout, check_promise
from zyperf.imports.sheet import Sheet

ADJUSTMENT = "预算调整理由"
SCORE_LABELS = {"评定得分": "J", "得分": "J", "未完成原因分析": "K", "完成值": "H", "评分说明": "J"}


def grade_for(score: str, weight, stored: str, settings) -> str:
    """The 定性 grade whose band holds the score (the stored grade while it still does)."""
    value, weight = to_decimal(score), to_decimal(weight)
    if value is None or weight is None:
        return stored
    grades = [g for g in (stored,) if g in figures.QUALITATIVE_GRADES] + list(figures.QUALITATIVE_GRADES)
    for grade in grades:
        if figures.check_qualitative(grade, value, weight, settings) is None:
            return grade
    return stored


def _scored(sheet: Sheet, ref: str, old: dict, settings) -> dict:
    """A 定性 indicator's score as entered (with the grade its band gives); a formula's is computed."""
    if old.get("nature") != indicators.QUALITATIVE:
        return {}
    entered = sheet.number(ref, "得分", places=2)
    return {
        "score_entered": entered,
        "grade": grade_for(entered, old.get("weight"), old.get("grade") or "", settings),
    }


def _carried_rows(sheet: Sheet, ctx: Context, reading: Reading, first: int, read_row) -> None:
    """Indicator rows in the template's order back into the stored order, with their sheet rows."""
    stored = ctx.stored_rows("indicators")
    rows, places = {}, {}
    for i, index in enumerate(ctx.order):
        old = stored[index] if index < len(stored) else {}
        rows[index] = old | read_row(first + i, old)
        places[index] = first + i
    reading.values["indicators"] = [rows.get(i, old) for i, old in enumerate(stored)]
    reading.rows["indicators"] = [places.get(i, first) for i in range(len(stored))]


# --- S-1 ---------------------------------------------------------------------------------------------

S1_PROMISE = {
    "B": "一级指标",
    "C": "二级指标",
    "D": "三级指标",
    "E": "指标性质",
    "F": "指标值",
    "G": "度量单位",
    "I": "权重",
}


def sichuan_marks(n: int, ctx: Context) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark(marks, READONLY, "B3", "B4", "H4", "C6")
    mark(marks, COMPUTED, "C9", "D9", "E9", "F9", "G9", "H9", f"I{15 + n}", f"J{15 + n}")
    mark(marks, COMPUTED, *(f"{c}{r}" for r in range(10, 14) for c in "FGH"))
    stored = ctx.stored_rows("indicators")
    for i, index in enumerate(ctx.order):
        r = 15 + i
        mark(marks, READONLY, *(f"{c}{r}" for c in S1_PROMISE if not ctx.inner(f"{c}{r}")))
        if index < len(stored) and stored[index].get("nature") != indicators.QUALITATIVE:
            mark(marks, COMPUTED, f"J{r}")
    return marks


def read_sichuan(sheet: Sheet, ctx: Context) -> Reading:
    n = len(ctx.order)
    keys = ("goal_completion", "implementation", "funds", "execution_reason", "adjustment_reason")
    anchors = dict(zip(keys, ("G6", "C7", "C9", "I9", "I9"), strict=True)) | {"indicators": "A14"}
    anchors |= {"conclusion": f"B{16 + n}", "problems": f"B{17 + n}", "measures": f"B{18 + n}"}
    reading = Reading(anchors=anchors)
    sheet.check_layout(carried_layout(sichuan.layout(n, ctx.fiscal_year, ctx.report_code), ctx))
    sheet.check_extent(18 + n, 10)
    check_promise(sheet, ctx, {"B3": "项目名称", "B4": "主管部门", "H4": "实施单位", "C6": "项目年度目标"})
    values = reading.values
    values["goal_completion"] = sheet.text("G6", "年度目标完成情况")
    values["implementation"] = sheet.text("C7", "项目实施内容及过程概述")
    stored = ctx.data.get("funds") if isinstance(ctx.data.get("funds"), dict) else {}
    funds = {s: dict(r) for s, r in stored.items() if isinstance(r, dict)}
    for r, source in zip(range(10, 14), tables.FUND_SOURCES, strict=True):
        for col, column, label in (
            ("C", "initial", "年初预算"),
            ("D", "adjusted", "调整后预算数"),
            ("E", "executed", "预算执行数"),
        ):
            funds.setdefault(source, {})[column] = sheet.amount(
                f"{col}{r}", f"{tables.FUND_SOURCES[source]}·{label}"
            )
    values["funds"] = funds
    values["execution_reason"], values["adjustment_reason"] = _reasons(sheet.text("I9", "原因"))
    for key, r in (("conclusion", 16), ("problems", 17), ("measures", 18)):
        values[key] = sheet.text(f"B{r + n}", sichuan.CLOSING[r - 16])

    def row(r: int, old: dict) -> dict:
        check_promise(
            sheet, ctx, {f"{c}{r}": f"{what}（来自已批复的绩效目标）" for c, what in S1_PROMISE.items()}
        )
        read = sheet.text if old.get("nature") == indicators.QUALITATIVE else sheet.number
        found = {"actual": read(f"H{r}", "完成值"), "reason": sheet.text(f"K{r}", "未完成原因分析")}
        return found | _scored(sheet, f"J{r}", old, ctx.settings)

    _carried_rows(sheet, ctx, reading, 15, row)
    reading.columns["indicators"] = SCORE_LABELS | TARGET_LABELS | {"权重": "I"}
    return reading


def _reasons(text: str) -> tuple[str, str]:
    """I9 holds the rate reason, then `预算调整理由：` and the adjustment reason (§6.3)."""
    execution, adjustment = [], []
    for paragraph in text.split("\n"):
        stripped = paragraph.strip()
        if stripped.startswith(ADJUSTMENT):
            adjustment.append(stripped.removeprefix(ADJUSTMENT).lstrip("：:").strip())
        else:
            execution.append(paragraph)
    return normalize_text("\n".join(execution)), normalize_text("\n".join(adjustment))


# --- S-2 ---------------------------------------------------------------------------------------------

S2_PROMISE = {"B": "一级指标", "C": "二级指标", "D": "三级指标", "E": "年度指标值", "G": "分值"}


def central_marks(n: int, ctx: Context) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark(marks, READONLY, "B3", "B4", "G4", "B11")
    mark(marks, COMPUTED, "D6", "E6", "F6", "G6", "I6", f"G{13 + n}", f"H{13 + n}")
    mark(marks, COMPUTED, *(f"{c}{r}" for r in range(6, 10) for c in "GHI"))
    stored = ctx.stored_rows("indicators")
    for i, index in enumerate(ctx.order):
        r = 13 + i
        mark(marks, READONLY, *(f"{c}{r}" for c in S2_PROMISE if not ctx.inner(f"{c}{r}")))
        if index < len(stored) and stored[index].get("nature") != indicators.QUALITATIVE:
            mark(marks, COMPUTED, f"H{r}")
    return marks


def read_central(sheet: Sheet, ctx: Context) -> Reading:
    n = len(ctx.order)
    reading = Reading(anchors={"goal_completion": "F11", "funds": "D6", "indicators": "A12"})
    sheet.check_layout(carried_layout(self_evaluation_central.layout(n, ctx.fiscal_year), ctx))
    sheet.check_extent(12 + n, 9)
    check_promise(sheet, ctx, {"B3": "项目名称", "B4": "主管部门", "G4": "实施单位", "B11": "预期目标"})
    reading.values["goal_completion"] = sheet.text("F11", "实际完成情况")
    funds = ctx.data.get("funds")
    for col, column in (("D", "initial"), ("E", "adjusted"), ("F", "executed")):
        funds = fund_update(sheet, funds, column, f"{col}7", f"{col}9", carryover_ref=f"{col}8")
    reading.values["funds"] = funds

    def row(r: int, old: dict) -> dict:
        check_promise(
            sheet, ctx, {f"{c}{r}": f"{what}（来自已批复的绩效目标）" for c, what in S2_PROMISE.items()}
        )
        found = {
            "actual": _actual(sheet, f"F{r}", old),
            "reason": sheet.text(f"I{r}", "偏差原因分析及改进措施"),
        }
        return found | _scored(sheet, f"H{r}", old, ctx.settings)

    _carried_rows(sheet, ctx, reading, 13, row)
    reading.columns["indicators"] = {"完成值": "F", "得分": "H", "评定得分": "H", "未完成原因分析": "I"}
    return reading


def _actual(sheet: Sheet, ref: str, old: dict) -> str:
    """S-2 prints 实际完成值 as text `{a}{单位}` (§6.4): a number, or that text with its unit."""
    if old.get("nature") == indicators.QUALITATIVE:
        return sheet.text(ref, "实际完成值")
    value = sheet.raw(ref)
    if not isinstance(value, str):
        return sheet.number(ref, "实际完成值")
    text = normalize_text(value)
    unit = old.get("unit") or ""
    bare = text.removesuffix(unit).strip() if unit else text
    if not bare:
        return ""
    try:
        parse_number(bare, "实际完成值")
    except FieldError:
        sheet.fail(ref, f"实际完成值应为数字加度量单位（如「25{unit}」）", value)
        return ""
    return bare


# --- X-1 ---------------------------------------------------------------------------------------------


def exante_marks(ctx: Context) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark(marks, READONLY, "B3", "B4", "G4", *(f"{c}{r}" for r in exante.ITEM_ROWS for c in "BC"), "C28")
    mark(marks, COMPUTED, *(f"H{r}" for r in exante.ITEM_ROWS), "H28", "B29")
    return marks


def read_exante(sheet: Sheet, ctx: Context) -> Reading:
    anchors = {"requested_amount": "B5", "method": "G5", "ratings": "D8", "suggested_amount": "B30"}
    reading = Reading(anchors=anchors | {"assessors": "G30", "overall_opinion": "B31"})
    sheet.check_layout(exante.layout(ctx.fiscal_year))
    sheet.check_extent(30, 8)
    readonly = {"B3": "项目名称", "B4": "主管部门", "G4": "实施单位", "C28": "分值合计"}
    readonly |= {f"B{r}": "评估要点" for r in exante.ITEM_ROWS} | {f"C{r}": "分值" for r in exante.ITEM_ROWS}
    check_promise(sheet, ctx, readonly)
    values = reading.values
    values["requested_amount"] = sheet.number("B5", "申请预算金额", places=2)
    method = sheet.text("G5", "评估方式")
    if method and method not in ctx.choices:
        sheet.fail("G5", f"评估方式应为 {'、'.join(ctx.choices)} 之一", method)
    values["method"] = ctx.choices.get(method, "")
    stored = ctx.stored_rows("ratings")
    ratings = []
    for i, r in enumerate(exante.ITEM_ROWS):
        old = stored[i] if len(stored) == len(exante.ITEM_ROWS) else {}
        chosen = [
            rating for col, rating in zip("DEFG", RATINGS, strict=True) if sheet.tick(f"{col}{r}", rating)
        ]
        if len(chosen) > 1:
            sheet.fail(f"D{r}", "每个评估要点只能勾选一个评价等级（优、良、中、差）")
            chosen = []
        item = normalize_text(str(ctx.expected(f"B{r}") or ""))
        ratings.append(
            {k: v for k, v in old.items() if k in ("aspect", "item")}
            | {"rating": chosen[0] if chosen else "", "opinion": sheet.text(f"I{r}", "评估意见")}
        )
        reading.named.setdefault("ratings", {})[f"「{item}」"] = f"D{r}"
    values["ratings"] = ratings
    values["suggested_amount"] = sheet.number("B30", "建议预算控制数", places=2)
    values["assessors"] = sheet.text("G30", "评估人员")
    values["overall_opinion"] = sheet.text("B31", "综合意见")
    return reading
