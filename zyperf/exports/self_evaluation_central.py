"""S-2 项目支出绩效自评表 (`central-2020`, 财预〔2020〕10号, excel-formats §6.4)."""

from zyperf.exports.form import Form, Layout, fund_values
from zyperf.exports.indicators import put_levels
from zyperf.exports.model import Indicator, SelfEvaluation
from zyperf.exports.workbook import FILLER, Book, display_name, plain_number

TABLE = "项目支出绩效自评表"
FAMILY = "central-2020"
WIDTHS = (12, 12, 14, 26, 14, 14, 8, 10, 12, 14)
TITLES = {"A1": "title", "A2": "subtitle"}
FUND_LABELS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
FUND_CELLS = (("D", "initial"), ("E", "adjusted"), ("F", "executed"), ("H", "rate"))
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")


def layout(n: int, fiscal_year: int) -> Layout:
    literals = {
        "A1": TABLE,
        "A2": f"（{fiscal_year}年度）",
        "A3": "项目名称",
        "A4": "主管部门",
        "F4": "实施单位",
        "A5": "项目资金（万元）",
        "D5": "年初预算数",
        "E5": "全年预算数",
        "F5": "全年执行数",
        "G5": "分值",
        "H5": "执行率",
        "I5": "得分",
        "A10": "年度总体目标",
        "B10": "预期目标",
        "F10": "实际完成情况",
        "A12": "绩效指标",
        "I12": "偏差原因分析及改进措施",
        f"A{13 + n}": "总分",
    }
    literals |= {f"B{r}": text for r, text in zip(range(6, 10), FUND_LABELS, strict=True)}
    literals |= {f"{c}12": text for c, text in zip("BCDEFGH", INDICATOR_HEADERS, strict=True)}
    merges = {"A1:J1", "A2:J2", "B3:J3", "B4:E4", "G4:J4", "A5:A9", "B5:C5", "I5:J5"}
    merges |= {f"B{r}:C{r}" for r in range(6, 10)} | {f"I{r}:J{r}" for r in range(6, 10)}
    merges |= {"A10:A11", "B10:E10", "F10:J10", "B11:E11", "F11:J11", f"A12:A{12 + n}"}
    merges |= {f"I{r}:J{r}" for r in range(12, 14 + n)} | {f"A{13 + n}:F{13 + n}"}
    return Layout(literals, frozenset(merges))


def target_text(ind: Indicator) -> str:
    """E: `{性质}{t}{单位}` without `=` (`≥20个`, `100%`), or the 定性 text."""
    if isinstance(ind.target, str) or ind.target is None:
        return ind.target or ""
    nature = "" if ind.nature == "=" else ind.nature
    return f"{nature}{plain_number(ind.target)}{ind.unit}"


def actual_text(ind: Indicator) -> str:
    """F: `{a}{单位}`, or the 定性 完成值."""
    if isinstance(ind.actual, str) or ind.actual is None:
        return ind.actual or ""
    return f"{plain_number(ind.actual)}{ind.unit}"


def write_central(book: Book, data: SelfEvaluation, name: str = TABLE) -> None:
    """Writes one S-2 sheet into `book`."""
    central_form(data).write(book, name, landscape=True)


def central_form(data: SelfEvaluation) -> Form:
    """The S-2 sheet as data: what a template holds, and what an upload is compared with."""
    n = len(data.indicators)
    form = Form(WIDTHS, grid=(3, 13 + n))
    form.apply(layout(n, data.fiscal_year), TITLES)
    form.put("B3", display_name(data.project.code, data.project.name), "text")
    form.put("B4", data.project.department, "text")
    form.put("G4", data.project.unit, "text")
    for row, fund in zip(range(6, 10), data.funds, strict=True):
        values = fund_values(fund, FILLER)
        for col, attr in FUND_CELLS:
            form.put(f"{col}{row}", *values[attr])
        if row > 6:
            form.put(f"G{row}", FILLER, "center")
            form.put(f"I{row}", FILLER, "center")
    form.put("G6", 10, "number")
    form.put("I6", data.budget_score, "score")
    form.put("B11", data.goal, "text")
    form.put("F11", data.completion, "text")
    put_levels(form, data.indicators, 13, 1)
    for i, ind in enumerate(data.indicators, start=12):
        form.put_at(i, 3, ind.name, "text")
        form.put_at(i, 4, target_text(ind), "text")
        form.put_at(i, 5, actual_text(ind), "text")
        form.put_at(i, 6, ind.weight, "number")
        form.put_at(i, 7, ind.score, "score")
        form.put_at(i, 8, ind.reason, "text")
    form.put(f"G{13 + n}", data.weight_total, "number")
    form.put(f"H{13 + n}", data.total_score, "score")
    return form
