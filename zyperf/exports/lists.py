"""List workbooks L-1 … L-6 (excel-formats §8), written strictly row by row so that a list-only
workbook can stream in constant-memory mode; combined workbooks reuse `write_list`."""

import datetime as dt
from dataclasses import dataclass

from zyperf.exports import listing
from zyperf.exports.form import Layout, a1, a1_range
from zyperf.exports.listing import Column
from zyperf.exports.model import (
    ApplicationList,
    EvaluationList,
    ExanteList,
    MonitoringList,
    ProblemList,
    TargetsList,
)
from zyperf.exports.workbook import (
    HEADER_HEIGHT,
    NUMERIC_STYLES,
    TITLE_HEIGHT,
    Book,
    cell,
    finish,
    line_count,
    merge,
    month_span,
    row_height,
)


@dataclass(frozen=True)
class ListSpec:
    kind: str
    code: str  # L-1 …, also the workbook's zyperf_family
    sheet: str
    table: str  # 表名: the title without its leading {Y}年度; L-3 adds （1-{m}月）
    total_span: int  # columns merged under 合计, 0 when the list has no 合计 row
    has_amounts: bool = True


SPECS = {
    TargetsList: ListSpec("targets_summary", "L-1", "绩效目标汇总表", "项目支出绩效目标汇总表", 5),
    ExanteList: ListSpec("exante_summary", "L-2", "事前绩效评估汇总表", "事前绩效评估汇总表", 5),
    MonitoringList: ListSpec("monitoring_summary", "L-3", "绩效监控汇总表", "项目支出绩效监控汇总表", 4),
    EvaluationList: ListSpec("self_evaluation_summary", "L-4", "绩效自评汇总表", "项目支出绩效自评汇总表", 4),
    ProblemList: ListSpec("rectification_ledger", "L-5", "整改台账", "预算绩效问题整改台账", 0, False),
    ApplicationList: ListSpec(
        "result_application_ledger", "L-6", "评价结果应用台账", "绩效评价结果应用台账", 0
    ),
}
KINDS = {spec.kind: cls for cls, spec in SPECS.items()}


def table_name(data) -> str:
    spec = SPECS[type(data)]
    return f"{spec.table}（{month_span(data.month)}）" if isinstance(data, MonitoringList) else spec.table


def layout(kind: str, *, fiscal_year: int, bureau: str, count: int, month=8, progress_label="时序进度"):
    """Title, row 2, headers and the 合计 label of a list of `count` items, with their merges."""
    cls = KINDS[kind]
    spec = SPECS[cls]
    columns = listing.COLUMNS[cls](month=month, progress_label=progress_label)
    table = f"{spec.table}（{month_span(month)}）" if cls is MonitoringList else spec.table
    last = len(columns) - 1
    literals = {"A1": f"{fiscal_year}年度{table}", "A2": f"填报单位：{bureau}"}
    merges = {a1_range(0, 0, 0, last)}
    if spec.has_amounts:
        literals[a1(1, last - 1)] = "金额单位：万元"
        merges |= {a1_range(1, 0, 1, last - 2), a1_range(1, last - 1, 1, last)}
    else:
        merges.add(a1_range(1, 0, 1, last))
    literals |= {a1(2, c): column.header for c, column in enumerate(columns)}
    if spec.total_span:
        literals[a1(3 + count, 0)] = "合计"
        merges.add(a1_range(3 + count, 0, 3 + count, spec.total_span - 1))
    return Layout(literals, frozenset(merges))


def write_list(book: Book, data) -> None:
    """Writes the list sheet of `data` (any list dataclass) into `book`, strictly row by row."""
    cls = type(data)
    spec = SPECS[cls]
    options = {"month": getattr(data, "month", 8), "progress_label": getattr(data, "progress_label", "")}
    columns = listing.COLUMNS[cls](**options)
    count = len(data.rows)
    text = layout(
        spec.kind, fiscal_year=data.fiscal_year, bureau=data.bureau, count=count, **options
    ).literals
    last = len(columns) - 1
    ws = book.add_sheet(spec.sheet, [c.width for c in columns], landscape=True, list_sheet=True)
    formats = book.formats
    merge(ws, 0, 0, 0, last, formats["title"])
    cell(ws, 0, 0, text["A1"], formats["title"])
    ws.set_row(0, TITLE_HEIGHT)
    notes = (
        [(0, last - 2, "note"), (last - 1, last, "note_right")] if spec.has_amounts else [(0, last, "note")]
    )
    for first, end, style in notes:
        merge(ws, 1, first, 1, end, formats[style])
        cell(ws, 1, first, text[a1(1, first)], formats[style])
    ws.set_row(1, HEADER_HEIGHT)
    writer = _RowWriter(book, ws, columns)
    writer.row(2, [text[a1(2, c)] for c in range(last + 1)], ["label"] * (last + 1))
    styles = [c.style for c in columns]
    item_cells = listing.CELLS[cls]
    for i, item in enumerate(data.rows):
        writer.row(3 + i, [i + 1, *item_cells(item)], styles)
    if span := spec.total_span:
        totals = listing.TOTALS[cls](data)
        values = (
            [text[a1(3 + count, 0)]] + [None] * (span - 1) + [totals.get(c) for c in range(span, last + 1)]
        )
        writer.row(3 + count, values, ["label"] * span + styles[span:], span=span)


class _RowWriter:
    """Writes one list row at a time: cells, the row's height (§1.4), and frees what constant-memory
    mode keeps of a row already written out."""

    def __init__(self, book: Book, ws, columns: list[Column]):
        self.book, self.ws = book, ws
        self.widths = [c.width for c in columns]

    def row(self, r: int, values, styles, span: int = 0) -> None:
        formats = self.book.formats
        if span:
            merge(self.ws, r, 0, r, span - 1, formats[styles[0]])
        lines = 1
        for c, (value, style) in enumerate(zip(values, styles, strict=True)):
            if 0 < c < span:
                continue
            if isinstance(value, str) and style in NUMERIC_STYLES:
                style = "center"  # a filler in a number column
            text = cell(self.ws, r, c, value, formats[style])
            if text:
                width = sum(self.widths[: span or 1]) if c == 0 and span else self.widths[c]
                lines = max(lines, line_count(text, int(width)))
        self.ws.set_row(r, row_height(lines))
        self.book.forget_row(self.ws, r - 1)


def build_list(data, *, export_date: dt.date, properties=None):
    """A list-only workbook (streams in constant-memory mode): (BytesIO, file name)."""
    book = Book(streaming=True)
    write_list(book, data)
    return finish_list(book, data, export_date=export_date, properties=properties)


def finish_list(book: Book, data, *, export_date: dt.date, properties=None):
    """Closes a workbook led by the list `data` (list-only or combined): its §1.8 properties are the list's."""
    spec = SPECS[type(data)]
    return finish(
        book,
        table=table_name(data),
        kind=spec.kind,
        family=spec.code,
        author=data.bureau,
        fiscal_year=data.fiscal_year,
        subject=data.subject or data.bureau,
        export_date=export_date,
        properties=properties,
    )
