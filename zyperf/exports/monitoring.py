"""M-1 项目支出绩效目标执行监控表 (excel-formats §6.2)."""

import datetime as dt

from zyperf.exports.form import Form, Layout, fund_values
from zyperf.exports.indicators import put_levels, value_style
from zyperf.exports.model import CAUSES, LIKELIHOODS, Fund, Monitoring
from zyperf.exports.workbook import FILLER, TICK, Book, display_name, month_span, normalize_text, project_book

TABLE = "项目支出绩效目标执行监控表"
KIND = "monitoring"
WIDTHS = (10, 10, 12, 24, 7, 9, 8, 10, 10, 7, 7, 7, 7, 7, 7, 7, 7, 20)
TITLES = {"A1": "title", "A2": "subtitle"}
FUND_LABELS = ("年度资金总额", "其中：财政拨款", "其他资金")
# Rows 6–8: (first column of each two-column amount or rate cell, what it holds)
FUND_CELLS = (("D", "initial"), ("F", "adjusted"), ("H", "executed"), ("J", "rate"), ("L", "forecast"))


def layout(n: int, fiscal_year: int, month: int) -> Layout:
    span = month_span(month)
    literals = {
        "A1": TABLE,
        "A2": f"（{fiscal_year}年度）",
        "A3": "项目名称",
        "A4": "主管部门及代码",
        "I4": "实施单位",
        "A5": "项目资金（万元）",
        "D5": "年初预算数",
        "F5": "调整后预算数",
        "H5": f"{span}执行数",
        "J5": f"{span}执行率",
        "L5": "全年预计执行数",
        "N5": "偏差原因",
        "A9": "年度总体目标",
        "A10": "绩效指标",
        "B10": "一级指标",
        "C10": "二级指标",
        "D10": "三级指标",
        "E10": "指标性质",
        "F10": "年度指标值",
        "G10": "度量单位",
        "H10": f"{span}实际完成值",
        "I10": "全年预计完成值",
        "J10": "偏差原因分析",
        "O10": "完成目标可能性",
        "R10": "备注",
    }
    literals |= {f"B{r}": text for r, text in zip((6, 7, 8), FUND_LABELS, strict=True)}
    literals |= {f"{c}11": text for c, text in zip("JKLMNOPQ", CAUSES + LIKELIHOODS, strict=True)}
    merges = {"A1:R1", "A2:R2", "B3:R3", "B4:H4", "I4:J4", "K4:R4", "A5:A8", "N5:R5", "N6:R8", "B9:R9"}
    merges |= {f"{a}{r}:{b}{r}" for r in range(5, 9) for a, b in ("BC", "DE", "FG", "HI", "JK", "LM")}
    merges |= {f"A10:A{11 + n}", "J10:N10", "O10:Q10"} | {f"{c}10:{c}11" for c in "BCDEFGHIR"}
    return Layout(literals, frozenset(merges))


def put_fund(form: Form, row: int, fund: Fund) -> None:
    values = fund_values(fund, FILLER, forecast=True)
    for col, attr in FUND_CELLS:
        form.put(f"{col}{row}", *values[attr])


def write_monitoring(book: Book, data: Monitoring, name: str = TABLE) -> None:
    """Writes one M-1 sheet into `book`."""
    monitoring_form(data).write(book, name, landscape=True)


def monitoring_form(data: Monitoring) -> Form:
    """The M-1 sheet as data: what a template holds, and what an upload is compared with."""
    n = len(data.indicators)
    form = Form(WIDTHS, grid=(3, 11 + n))
    form.apply(layout(n, data.fiscal_year, data.month), TITLES)
    form.put("B3", display_name(data.project.code, data.project.name), "text")
    code = normalize_text(data.bureau_code)
    form.put("B4", normalize_text(data.project.department) + (f"（{code}）" if code else ""), "text")
    form.put("K4", data.project.unit, "text")
    for row, fund in zip((6, 7, 8), data.funds, strict=True):
        put_fund(form, row, fund)
    form.put("N6", data.deviation_reason, "text")
    form.put("B9", data.goal, "text")
    put_levels(form, data.indicators, 12, 1)
    for i, ind in enumerate(data.indicators, start=11):
        form.put_at(i, 3, ind.name, "text")
        form.put_at(i, 4, ind.nature, "center")
        form.put_at(i, 5, ind.target, value_style(ind.target))
        form.put_at(i, 6, ind.unit, "center")
        form.put_at(i, 7, ind.to_date, value_style(ind.to_date))
        form.put_at(i, 8, ind.forecast, value_style(ind.forecast))
        for col, cause in enumerate(CAUSES, start=9):
            form.put_at(i, col, TICK if cause in ind.causes else None, "center")
        for col, likelihood in enumerate(LIKELIHOODS, start=14):
            form.put_at(i, col, TICK if likelihood == ind.likelihood else None, "center")
        form.put_at(i, 17, ind.remark, "text")
    return form


def build_monitoring(data: Monitoring, *, export_date: dt.date, properties=None):
    """An M-1 workbook: (BytesIO, file name)."""
    return project_book(
        write_monitoring, data, table=TABLE, kind=KIND, export_date=export_date, properties=properties
    )
