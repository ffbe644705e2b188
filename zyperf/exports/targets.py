"""T-1 项目支出绩效目标申报表 (excel-formats §6.1), and its indicator block, which D-1 shares."""

import datetime as dt
from collections.abc import Sequence

from zyperf.exports.form import Form, Layout
from zyperf.exports.indicators import put_levels, three_level_name, value_style
from zyperf.exports.model import Indicator, Targets
from zyperf.exports.workbook import Book, display_name, normalize_text, project_book

TABLE = "项目支出绩效目标申报表"
KIND = "targets"
WIDTHS = (14, 12, 14, 30, 8, 10, 8, 8)
TITLES = {"A1": "title", "A2": "subtitle"}
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重")


def indicator_literals(header_row: int, label: str, n: int) -> tuple[dict[str, str], set[str]]:
    """The T-1 indicator block from `header_row` (also D-1): label, headers and the 合计 row."""
    literals = {f"A{header_row}": label, f"A{header_row + n + 1}": "合计"}
    literals |= {f"{col}{header_row}": text for col, text in zip("BCDEFGH", INDICATOR_HEADERS, strict=True)}
    merges = {f"A{header_row}:A{header_row + n}", f"A{header_row + n + 1}:G{header_row + n + 1}"}
    return literals, merges


def layout(n: int, fiscal_year: int) -> Layout:
    literals = {
        "A1": TABLE,
        "A2": f"（{fiscal_year}年度）",
        "A3": "项目名称",
        "A4": "项目负责人及电话",
        "A5": "主管部门",
        "E5": "实施单位",
        "A6": "资金情况（万元）",
        "B6": "年度资金总额：",
        "B7": "其中：财政拨款",
        "B8": "其他资金",
        "A9": "年度目标",
    }
    merges = {"A1:H1", "A2:H2", "B3:H3", "B4:H4", "B5:D5", "E5:F5", "G5:H5", "A6:A8", "B9:H9"}
    merges |= {f"{cols}{r}" for r in (6, 7, 8) for cols in (f"B{r}:D", f"E{r}:H")}
    block, block_merges = indicator_literals(10, "绩效指标", n)
    return Layout(literals | block, frozenset(merges | block_merges))


def put_indicators(form: Form, rows: Sequence[Indicator], first_row: int, weight_total) -> None:
    """Indicator rows from 1-based `first_row` (B–H), then H of the 合计 row."""
    put_levels(form, rows, first_row, 1)
    for i, row in enumerate(rows, start=first_row - 1):
        form.put_at(i, 3, three_level_name(row, star=True), "text")
        form.put_at(i, 4, row.nature, "center")
        form.put_at(i, 5, row.target, value_style(row.target))
        form.put_at(i, 6, row.unit, "center")
        form.put_at(i, 7, row.weight, "number")
    form.put(f"H{first_row + len(rows)}", weight_total, "number")


def write_targets(book: Book, data: Targets, name: str = TABLE) -> None:
    """Writes one T-1 sheet into `book`."""
    targets_form(data).write(book, name, landscape=False)


def targets_form(data: Targets) -> Form:
    """The T-1 sheet as data: what a template holds, and what an upload is compared with."""
    n = len(data.indicators)
    form = Form(WIDTHS, grid=(3, 11 + n))
    form.apply(layout(n, data.fiscal_year), TITLES)
    form.put("B3", display_name(data.project.code, data.project.name), "text")
    contact = " ".join(p for p in (normalize_text(data.manager), normalize_text(data.phone)) if p)
    form.put("B4", contact, "text")
    form.put("B5", data.project.department, "text")
    form.put("G5", data.project.unit, "text")
    for row, amount in zip((6, 7, 8), (data.total, data.fiscal, data.other), strict=True):
        form.put(f"E{row}", amount, "amount")
    form.put("B9", data.goal, "text")
    put_indicators(form, data.indicators, 11, data.weight_total)
    return form


def build_targets(data: Targets, *, export_date: dt.date, properties=None):
    """A T-1 workbook: (BytesIO, file name)."""
    return project_book(
        write_targets, data, table=TABLE, kind=KIND, export_date=export_date, properties=properties
    )
