"""S-1 部门预算项目支出绩效自评表 (`sichuan-510000`, excel-formats §6.3), its rows 8 to 19+N, which
D-2 shares, and the self-evaluation builder that picks S-1 or S-2 by the document's family."""

import datetime as dt

from zyperf.exports import self_evaluation_central as central
from zyperf.exports.form import Form, Layout, fund_values
from zyperf.exports.indicators import put_levels, value_style
from zyperf.exports.model import SelfEvaluation
from zyperf.exports.workbook import FILLER_SICHUAN, Book, display_name, normalize_text, project_book

TABLE = "部门预算项目支出绩效自评表"
KIND = "self_evaluation"
FAMILY = "sichuan-510000"
WIDTHS = (10, 14, 12, 26, 12, 11, 9, 10, 8, 8, 24)
TITLES = {"I1": "code", "A2": "title"}
BUDGET_HEADERS = (
    "年度预算数(万元)",
    "年初预算",
    "调整后预算数",
    "预算执行数",
    "预算执行率",
    "权重",
    "得分",
    "原因",
)
FUND_LABELS = ("总额", "其中:财政资金", "财政专户管理资金", "单位资金", "其他资金")
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值")
INDICATOR_HEADERS += ("权重", "得分", "未完成原因分析")
CLOSING = ("评价结论", "存在问题", "改进措施")
FUND_CELLS = (("C", "initial"), ("D", "adjusted"), ("E", "executed"), ("F", "rate"))


def evaluation_layout(n: int, budget_label: str) -> tuple[dict[str, str], set[str]]:
    """Rows 8 to 19+N of S-1 and D-2: budget execution, indicators, 合计, closing texts, footers."""
    literals = {"A8": budget_label, "A14": "绩效指标(90分)", f"A{15 + n}": "合计"}
    literals |= {f"{c}8": text for c, text in zip("BCDEFGHI", BUDGET_HEADERS, strict=True)}
    literals |= {f"B{r}": text for r, text in zip(range(9, 14), FUND_LABELS, strict=True)}
    literals |= {f"{c}14": text for c, text in zip("BCDEFGHIJK", INDICATOR_HEADERS, strict=True)}
    literals |= {f"A{16 + n + i}": text for i, text in enumerate(CLOSING)}
    merges = {"A8:A13", "I8:K8", "I9:K13", f"A14:A{14 + n}", f"A{15 + n}:H{15 + n}"}
    merges |= {f"B{r}:K{r}" for r in range(16 + n, 19 + n)}
    merges |= {f"A{19 + n}:E{19 + n}", f"F{19 + n}:K{19 + n}"}
    return literals, merges


def layout(n: int, fiscal_year: int, report_code: str = "") -> Layout:
    literals = {
        "A2": f"部门预算项目支出绩效自评表({fiscal_year}年度)",
        "A3": "项目名称",
        "A4": "主管部门",
        "F4": "实施单位 (盖章)",
        "A5": "项目基本情况",
        "B5": "1.项目年度目标完成情况",
        "C5": "项目年度目标",
        "G5": "年度目标完成情况",
        "B7": "2.项目实施内容及过程概述",
    }
    merges = {"A2:K2", "B3:K3", "B4:E4", "F4:G4", "H4:K4", "A5:A7", "B5:B6", "C5:F5", "G5:K5"}
    merges |= {"C6:F6", "G6:K6", "C7:K7"}
    if normalize_text(report_code):
        literals["I1"] = normalize_text(report_code)
        merges.add("I1:K1")
    lower, lower_merges = evaluation_layout(n, "预算执行情况(10分)")
    return Layout(literals | lower, frozenset(merges | lower_merges))


def put_evaluation(form: Form, data, footers: tuple[str, str]) -> None:
    """Values of rows 8 to 19+N from an S-1 or D-2 dataclass; `footers` are the two signers' labels."""
    n = len(data.indicators)
    for row, fund in zip(range(9, 14), data.funds, strict=True):
        values = fund_values(fund, FILLER_SICHUAN)
        for col, attr in FUND_CELLS:
            form.put(f"{col}{row}", *values[attr])
        if row > 9:
            form.put(f"G{row}", FILLER_SICHUAN, "center")
            form.put(f"H{row}", FILLER_SICHUAN, "center")
    form.put("G9", 10, "number")
    form.put("H9", data.budget_score, "score")
    adjustment = normalize_text(data.adjustment_reason)
    paragraphs = (normalize_text(data.rate_reason), f"预算调整理由：{adjustment}" if adjustment else "")
    form.put("I9", "\n".join(p for p in paragraphs if p), "text")
    put_levels(form, data.indicators, 15, 1)
    for i, ind in enumerate(data.indicators, start=14):
        form.put_at(i, 3, ind.name, "text")
        form.put_at(i, 4, ind.nature, "center")
        form.put_at(i, 5, ind.target, value_style(ind.target))
        form.put_at(i, 6, ind.unit, "center")
        form.put_at(i, 7, ind.actual, value_style(ind.actual))
        form.put_at(i, 8, ind.weight, "number")
        form.put_at(i, 9, ind.score, "score")
        form.put_at(i, 10, ind.reason, "text")
    form.put(f"I{15 + n}", data.weight_total, "number")
    form.put(f"J{15 + n}", data.total_score, "score")
    for r, text in zip(
        range(16 + n, 19 + n), (data.conclusion, data.problems, data.improvements), strict=True
    ):
        form.put(f"B{r}", text, "text")
    form.put(f"A{19 + n}", f"{footers[0]}:{normalize_text(footers[1])}", "footer")
    form.put(f"F{19 + n}", f"财务负责人:{normalize_text(data.finance_manager)}", "footer")


def write_sichuan(book: Book, data: SelfEvaluation, name: str = TABLE) -> None:
    """Writes one S-1 sheet into `book`."""
    sichuan_form(data).write(book, name, landscape=True)


def sichuan_form(data: SelfEvaluation) -> Form:
    """The S-1 sheet as data: what a template holds, and what an upload is compared with."""
    n = len(data.indicators)
    form = Form(WIDTHS, grid=(3, 18 + n))
    form.apply(layout(n, data.fiscal_year, data.report_code), TITLES)
    form.put("B3", display_name(data.project.code, data.project.name), "text")
    form.put("B4", data.project.department, "text")
    form.put("H4", data.project.unit, "text")
    form.put("C6", data.goal, "text")
    form.put("G6", data.completion, "text")
    form.put("C7", data.process_summary, "text")
    put_evaluation(form, data, ("项目负责人", data.manager))
    return form


def table_name(data: SelfEvaluation) -> str:
    return TABLE if data.family == FAMILY else central.TABLE


def write_self_evaluation(book: Book, data: SelfEvaluation, name: str | None = None) -> None:
    """Writes the sheet of the document's family: S-1 (`sichuan-510000`) or S-2 (`central-2020`)."""
    if data.family == FAMILY:
        write_sichuan(book, data, name or TABLE)
    elif data.family == central.FAMILY:
        central.write_central(book, data, name or central.TABLE)
    else:
        raise ValueError(f"unknown self-evaluation family {data.family!r}")


def build_self_evaluation(data: SelfEvaluation, *, export_date: dt.date, properties=None):
    """An S-1 or S-2 workbook, by the document's family: (BytesIO, file name)."""
    return project_book(
        write_self_evaluation,
        data,
        table=table_name(data),
        kind=KIND,
        export_date=export_date,
        properties=properties,
    )
