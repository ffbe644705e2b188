"""L-1 … L-6 and combined workbooks read back with openpyxl (excel-formats §8): headers, row 2,
合计 rows (also with no items), styles, print titles, freeze panes, names and properties."""

import zipfile
from decimal import Decimal as D

import pytest

from tests import exports_data as data
from tests.exports_check import (
    assert_grid,
    assert_heights,
    assert_layout,
    assert_no_formula,
    assert_print,
    assert_style,
    assert_widths,
    custom_properties,
    load,
)
from zyperf.exports import listing, lists
from zyperf.exports.combined import build_combined
from zyperf.exports.model import (
    Combined,
    EvaluationList,
    ExanteList,
    Fund,
    MonitoringList,
    Project,
    TargetsList,
)

LISTS = {
    "targets_summary": (data.targets_list, "绩效目标汇总表", "项目支出绩效目标汇总表"),
    "exante_summary": (data.exante_list, "事前绩效评估汇总表", "事前绩效评估汇总表"),
    "monitoring_summary": (data.monitoring_list, "绩效监控汇总表", "项目支出绩效监控汇总表（1-8月）"),
    "self_evaluation_summary": (data.evaluation_list, "绩效自评汇总表", "项目支出绩效自评汇总表"),
    "rectification_ledger": (data.problem_list, "整改台账", "预算绩效问题整改台账"),
    "result_application_ledger": (data.application_list, "评价结果应用台账", "绩效评价结果应用台账"),
}


def opened(summary):
    buf, name = lists.build_list(summary, export_date=data.DAY)
    wb = load(buf)
    return wb, wb.worksheets[0], name, buf


def list_layout(summary):
    return lists.layout(
        lists.SPECS[type(summary)].kind,
        fiscal_year=summary.fiscal_year,
        bureau=summary.bureau,
        count=len(summary.rows),
        month=getattr(summary, "month", 8),
        progress_label=getattr(summary, "progress_label", ""),
    )


@pytest.mark.parametrize("kind", LISTS)
def test_every_list(kind):
    make, sheet_name, table = LISTS[kind]
    summary = make()
    wb, ws, name, buf = opened(summary)
    columns = listing.COLUMNS[type(summary)](month=8, progress_label="时序进度")
    p, last = len(summary.rows), len(columns)
    has_total = lists.SPECS[type(summary)].total_span > 0
    assert ws.title == sheet_name
    assert_layout(ws, list_layout(summary))
    assert ws["A1"].value == f"{summary.fiscal_year}年度{table}"
    assert ws["A2"].value == f"填报单位：{data.BUREAU}"
    assert [ws.cell(3, c).value for c in range(1, last + 1)] == [c.header for c in columns]
    assert [ws.cell(4 + i, 1).value for i in range(p)] == list(range(1, p + 1))
    assert_style(ws, "A1", size=16, bold=True, border=False)
    assert_style(ws, "A2", border=False)
    assert_style(ws, "A3", bold=True)
    for col, column in enumerate(columns, start=1):
        if column.style in ("amount", "rate", "score", "date"):
            fmt = {"amount": "#,##0.00", "rate": "0.00%", "score": "0.00", "date": "yyyy-mm-dd"}[column.style]
            assert ws.cell(3 + p, col).number_format == fmt, column.header
    assert_grid(ws, 3, 3 + p + has_total, last)
    assert_widths(ws, [c.width for c in columns])
    assert_heights(ws, 3 + p + has_total)
    assert (ws.row_dimensions[1].height, ws.row_dimensions[2].height) == (30, 21)
    assert_print(ws, landscape=True, list_sheet=True)
    assert name == f"{summary.fiscal_year}年度{table}-{data.BUREAU}-20260215.xlsx"
    assert wb.properties.title == table and wb.properties.creator == data.BUREAU
    assert custom_properties(wb)["zyperf_kind"] == kind
    assert_no_formula(buf)


def test_row_2_holds_the_amount_unit_except_in_l5():
    _, ws, _, _ = opened(data.targets_list())
    assert "A2:K2" in {str(r) for r in ws.merged_cells.ranges} and ws["L2"].value == "金额单位：万元"
    assert ws["L2"].alignment.horizontal == "right" and ws["A2"].alignment.horizontal == "left"
    _, ws, _, _ = opened(data.problem_list())
    assert "A2:L2" in {str(r) for r in ws.merged_cells.ranges}


def test_l1_values_and_total():
    _, ws, _, _ = opened(data.targets_list(3))
    assert [ws[f"{c}5"].value for c in "BDEFGHJKLM"] == ["规划科", "村级国土空间规划编制", "新增项目", 151, 150, 1, 5,
                                                         90, "否", "财务科已审核"]  # fmt: skip
    assert ws["C5"].value is None  # no 项目编码: a bordered blank
    assert (ws["A7"].value, [ws[f"{c}7"].value for c in "FGH"]) == ("合计", [453, 450, 3])
    assert "A7:E7" in {str(r) for r in ws.merged_cells.ranges}
    assert_style(ws, "A7", bold=True)
    assert_style(ws, "I7")


@pytest.mark.parametrize(
    "summary, rate_cells",
    [
        (TargetsList(2025, data.BUREAU, (), (D(0), D(0), D(0))), ""),
        (ExanteList(2026, data.BUREAU, (), (D(0), D(0))), ""),
        (MonitoringList(2025, data.BUREAU, 8, "序时进度", (), Fund(), D(8) / 12), "H"),
        (EvaluationList(2025, data.BUREAU, (), Fund()), "G"),
    ],
)
def test_total_row_with_no_items(summary, rate_cells):
    _, ws, _, _ = opened(summary)
    assert ws["A4"].value == "合计"
    spec = lists.SPECS[type(summary)]
    columns = listing.COLUMNS[type(summary)](month=8, progress_label="序时进度")
    for col, column in enumerate(columns[spec.total_span :], start=spec.total_span + 1):
        value = ws.cell(4, col).value
        letter = ws.cell(4, col).column_letter
        if letter in rate_cells:
            assert value == "—"
        elif column.style == "amount":
            assert value == 0, letter
    if isinstance(summary, MonitoringList):
        assert ws["I3"].value == "序时进度"
        assert ws["I4"].value == pytest.approx(8 / 12, abs=1e-9)


def test_l3_rows():
    _, ws, _, _ = opened(data.monitoring_list())
    assert (ws["H4"].value, ws["J4"].value, ws["K4"].value) == ("—", None, "不适用")
    assert ws["H4"].alignment.horizontal == "center"
    assert ws["H5"].value == pytest.approx(199.99 / 300, abs=1e-9)
    assert ws["I5"].value == pytest.approx(8 / 12, abs=1e-9) and ws["J5"].value == 0.5
    assert [ws[f"{c}5"].value for c in "LMNO"] == ["是", "否", "是", "提示警示纠偏；督促加快"]
    assert ws["A6"].value == "合计" and ws["H6"].value == pytest.approx(199.99 / 300, abs=1e-9)
    assert ws["G3"].value == "1-8月执行数"


def test_l5_and_l6_values():
    _, ws, _, _ = opened(data.problem_list())
    assert ws["I4"].value.date() == data.dt.date(2026, 6, 30) and ws["I4"].number_format == "yyyy-mm-dd"
    assert ws["L4"].value == "整改方案.pdf；支付凭证.pdf"
    assert ws["I5"].value is None and ws.max_row == 5  # no 合计 row
    _, ws, _, _ = opened(data.application_list())
    assert [ws[f"{c}4"].value for c in "HIJK"] == [150, 140, -10, "合理保障、挂钩目标管理绩效考核"]
    assert [ws[f"{c}5"].value for c in "IJ"] == [None, None]
    assert ws.max_row == 5


def test_list_subject_is_the_unit_for_a_unit_workbook():
    _, _, name, _ = opened(data.targets_list(subject="规划科"))
    assert name == "2025年度项目支出绩效目标汇总表-规划科-20260215.xlsx"


def test_combined_targets_workbook():
    summary = data.targets_list(3)
    names = (
        "村级国土空间规划编制",
        "资阳市中心城区国土空间详细规划编制及城市设计[二期]项目",
        "村级国土空间规划编制",
    )
    forms = tuple(data.targets(project=Project(n, "", data.BUREAU, data.BUREAU)) for n in names)
    buf, name = build_combined(Combined(summary, forms), export_date=data.DAY)
    wb = load(buf)
    assert wb.sheetnames == [
        "绩效目标汇总表",
        "001-村级国土空间规划编制",
        "002-资阳市中心城区国土空间详细规划编制及城市设计_二期_项",
        "003-村级国土空间规划编制",
    ]
    assert wb.worksheets[2]["B3"].value == names[1]
    assert_print(wb.worksheets[0], landscape=True, list_sheet=True)
    assert_print(wb.worksheets[1], landscape=False)
    assert custom_properties(wb)["zyperf_kind"] == "targets_summary"
    assert wb.properties.title == "项目支出绩效目标汇总表"
    assert name == f"2025年度项目支出绩效目标汇总表-{data.BUREAU}-20260215.xlsx"
    assert_no_formula(buf)


def test_combined_self_evaluation_mixes_families_and_needs_one_form_per_row():
    summary = data.evaluation_list(2)
    buf, _ = build_combined(Combined(summary, (data.e2(), data.e2_central())), export_date=data.DAY)
    wb = load(buf)
    assert wb.sheetnames[1:] == ["001-村级国土空间规划编制", "002-村级国土空间规划编制"]
    assert wb.worksheets[1]["A2"].value == "部门预算项目支出绩效自评表(2025年度)"
    assert wb.worksheets[2]["A1"].value == "项目支出绩效自评表"
    assert custom_properties(wb)["zyperf_kind"] == "self_evaluation_summary"
    with pytest.raises(ValueError, match="forms"):
        build_combined(Combined(summary, (data.e2(),)), export_date=data.DAY)


def test_combined_monitoring_and_exante():
    buf, name = build_combined(
        Combined(data.monitoring_list(2), (data.monitoring(),) * 2), export_date=data.DAY
    )
    wb = load(buf)
    assert wb.sheetnames[0] == "绩效监控汇总表" and wb.worksheets[1]["H5"].value == "1-8月执行数"
    assert name == f"2025年度项目支出绩效监控汇总表（1-8月）-{data.BUREAU}-20260215.xlsx"
    buf, _ = build_combined(Combined(data.exante_list(2), (data.exante(),) * 2), export_date=data.DAY)
    wb = load(buf)
    assert wb.sheetnames[0] == "事前绩效评估汇总表" and wb.worksheets[2]["H28"].value == 84
    assert custom_properties(wb)["zyperf_kind"] == "exante_summary"


def test_list_only_workbooks_stream_and_combined_ones_do_not():
    """constant_memory writes strings inline; xlsxwriter would silently drop it under in_memory."""
    buf, _ = lists.build_list(data.targets_list(3), export_date=data.DAY)
    with zipfile.ZipFile(buf) as z:
        assert "xl/sharedStrings.xml" not in z.namelist()
        assert 't="inlineStr"' in z.read("xl/worksheets/sheet1.xml").decode()
    buf, _ = build_combined(Combined(data.targets_list(1), (data.targets(),)), export_date=data.DAY)
    with zipfile.ZipFile(buf) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
