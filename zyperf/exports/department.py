"""D-1 部门（单位）整体支出绩效目标申报表 and D-2 部门整体支出绩效自评表 (excel-formats §7): the
bureau's own tables, built on the T-1 indicator block and the S-1 rows 8 to 19+N."""

import datetime as dt

from zyperf.exports import self_evaluation, targets
from zyperf.exports.form import Form, Layout
from zyperf.exports.model import DepartmentSelfEvaluation, DepartmentTargets
from zyperf.exports.workbook import Book, finish

TARGETS_TABLE = "部门（单位）整体支出绩效目标申报表"
TARGETS_KIND = "department_targets"
EVALUATION_TABLE = "部门整体支出绩效自评表"
EVALUATION_KIND = "department_self_evaluation"
TITLES = {"A1": "title", "A2": "subtitle"}


def targets_layout(k: int, n: int, fiscal_year: int) -> Layout:
    literals = {
        "A1": TARGETS_TABLE,
        "A2": f"（{fiscal_year}年度）",
        "A3": "部门（单位）名称",
        "A4": "年度主要任务",
        "B4": "任务名称",
        "C4": "主要内容",
        "F4": "预算金额（万元）",
        "F5": "总额",
        "G5": "财政拨款",
        "H5": "其他资金",
        f"B{6 + k}": "金额合计",
        f"A{7 + k}": "年度总体目标",
    }
    merges = {"A1:H1", "A2:H2", "B3:H3", f"A4:A{6 + k}", "B4:B5", "C4:E5", "F4:H4"}
    merges |= {f"C{r}:E{r}" for r in range(6, 6 + k)} | {f"B{6 + k}:E{6 + k}", f"B{7 + k}:H{7 + k}"}
    block, block_merges = targets.indicator_literals(8 + k, "年度绩效指标", n)
    return Layout(literals | block, frozenset(merges | block_merges))


def write_department_targets(book: Book, data: DepartmentTargets, name: str = TARGETS_TABLE) -> None:
    """Writes one D-1 sheet into `book`."""
    department_targets_form(data).write(book, name, landscape=False)


def department_targets_form(data: DepartmentTargets) -> Form:
    """The D-1 sheet as data (the print view shows it too)."""
    k, n = len(data.tasks), len(data.indicators)
    form = Form(targets.WIDTHS, grid=(3, 9 + k + n))
    form.apply(targets_layout(k, n, data.fiscal_year), TITLES)
    form.put("B3", data.bureau, "text")
    for row, task in enumerate(data.tasks, start=6):
        form.put(f"B{row}", task.name, "text")
        form.put(f"C{row}", task.content, "text")
        for col, amount in zip("FGH", (task.total, task.fiscal, task.other), strict=True):
            form.put(f"{col}{row}", amount, "amount")
    for col, amount in zip("FGH", data.task_totals, strict=True):
        form.put(f"{col}{6 + k}", amount, "amount")
    form.put(f"B{7 + k}", data.goal, "text")
    targets.put_indicators(form, data.indicators, 9 + k, data.weight_total)
    return form


def evaluation_layout(n: int, fiscal_year: int) -> Layout:
    literals = {
        "A2": f"部门整体支出绩效自评表({fiscal_year}年度)",
        "A3": "部门（单位）名称",
        "A4": "联系人",
        "F4": "联系电话",
        "A5": "部门基本情况",
        "B5": "1.年度总体目标完成情况",
        "C5": "年度总体目标",
        "G5": "年度目标完成情况",
        "B7": "2.年度主要任务完成情况",
    }
    merges = {"A2:K2", "B3:K3", "B4:E4", "F4:G4", "H4:K4", "A5:A7", "B5:B6", "C5:F5", "G5:K5"}
    merges |= {"C6:F6", "G6:K6", "C7:K7"}
    lower, lower_merges = self_evaluation.evaluation_layout(n, "部门预算执行情况(10分)")
    return Layout(literals | lower, frozenset(merges | lower_merges))


def write_department_evaluation(book: Book, data: DepartmentSelfEvaluation, name: str = EVALUATION_TABLE):
    """Writes one D-2 sheet into `book`."""
    department_evaluation_form(data).write(book, name, landscape=True)


def department_evaluation_form(data: DepartmentSelfEvaluation) -> Form:
    """The D-2 sheet as data (the print view shows it too)."""
    n = len(data.indicators)
    form = Form(self_evaluation.WIDTHS, grid=(3, 18 + n))
    form.apply(evaluation_layout(n, data.fiscal_year), {"A2": "title"})
    form.put("B3", data.bureau, "text")
    form.put("B4", data.contact, "text")
    form.put("H4", data.phone, "text")
    form.put("C6", data.goal, "text")
    form.put("G6", data.completion, "text")
    form.put("C7", data.tasks_summary, "text")
    self_evaluation.put_evaluation(form, data, ("部门负责人", data.head))
    return form


def build_department_targets(data: DepartmentTargets, *, export_date: dt.date, properties=None):
    """A D-1 workbook: (BytesIO, file name)."""
    book = Book()
    write_department_targets(book, data)
    return _finish(book, data, TARGETS_TABLE, TARGETS_KIND, export_date, properties)


def build_department_evaluation(data: DepartmentSelfEvaluation, *, export_date: dt.date, properties=None):
    """A D-2 workbook: (BytesIO, file name)."""
    book = Book()
    write_department_evaluation(book, data)
    return _finish(book, data, EVALUATION_TABLE, EVALUATION_KIND, export_date, properties)


def _finish(book, data, table, kind, export_date, properties):
    return finish(
        book,
        table=table,
        kind=kind,
        family=data.family,
        author=data.bureau,
        fiscal_year=data.fiscal_year,
        subject=data.bureau,
        export_date=export_date,
        properties=properties,
    )
