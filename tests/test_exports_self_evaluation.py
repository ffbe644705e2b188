"""S-1, S-2 and D-2 read back with openpyxl: the worked example E2 of excel-formats §4.7 cell by cell,
layout, styles, heights, print setup and properties."""

from decimal import Decimal as D

import pytest
from openpyxl.utils import range_boundaries

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
    merges,
)
from zyperf.exports import department, self_evaluation, self_evaluation_central
from zyperf.exports.model import Indicator
from zyperf.exports.self_evaluation import build_self_evaluation


def sheet(evaluation):
    buf, name = build_self_evaluation(evaluation, export_date=data.DAY)
    wb = load(buf)
    return wb, wb.worksheets[0], name, buf


def test_e2_budget_block():
    _, ws, _, _ = sheet(data.e2())
    assert [ws[f"{c}9"].value for c in "CDE"] == [120, 150, 127.5]
    assert ws["F9"].value == pytest.approx(0.85, abs=1e-9)
    assert ws["G9"].value == 10
    assert ws["H9"].value == 8.5
    assert [ws[f"{c}10"].value for c in "CDE"] == [120, 150, 127.5]
    assert ws["F10"].value == pytest.approx(0.85, abs=1e-9)
    assert ws["G10"].value == ws["H10"].value == "/"
    for row in (11, 12, 13):
        assert [ws[f"{c}{row}"].value for c in "CDEF"] == [None] * 4
        assert ws[f"G{row}"].value == ws[f"H{row}"].value == "/"
        assert_style(ws, f"C{row}", number_format="#,##0.00")  # a bordered blank in the column's style
    assert ws["I9"].value == "4个村编制任务顺延，尾款未支付\n预算调整理由：年中追加30万元用于成果质量复核"
    for ref, fmt in (("C9", "#,##0.00"), ("F9", "0.00%"), ("H9", "0.00"), ("G9", "General")):
        assert_style(ws, ref, number_format=fmt)
    assert_style(ws, "G10")  # the filler is centred text
    assert ws["G10"].alignment.horizontal == "center"


def test_e2_indicator_block():
    _, ws, _, _ = sheet(data.e2())
    expected = [
        ["成本指标", "经济成本指标", "单村规划编制成本", "≤", 6, "万元/个", 7.2, 10, 8.0],
        ["产出指标", "数量指标", "完成村级规划编制数量", "≥", 20, "个", 16, 30, 24.0],
        [None, "时效指标", "成果按期提交率", "=", 100, "%", 100, 20, 20.0],
        [
            "效益指标",
            "社会效益指标",
            "规划对村庄建设的指导作用",
            "定性",
            "效果明显",
            None,
            "基本发挥指导作用",
            20,
            15.0,
        ],
        ["满意度指标", "服务对象满意度指标", "村民满意度", "≥", 90, "%", 92, 10, 10.0],
    ]
    for row, values in zip(range(15, 20), expected, strict=True):
        assert [ws[f"{c}{row}"].value for c in "BCDEFGHIJ"] == values, row
    assert ws["K15"].value and ws["K16"].value and ws["K18"].value
    assert ws["K17"].value is None
    assert ws["E17"].data_type == "s"  # 指标性质 `=` is text, never a formula
    assert ws["A20"].value == "合计"
    assert ws["I20"].value == 100
    assert ws["J20"].value == 85.5
    assert_style(ws, "J20", number_format="0.00")
    assert_style(ws, "J15", number_format="0.00")
    assert_style(ws, "F18")  # a qualitative 指标值 is text
    assert ws["F18"].alignment.horizontal == "left"
    assert ws["B16"].alignment.horizontal == "center"
    in_block = {m for m in merges(ws) if 14 <= range_boundaries(m)[1] <= 19}
    assert in_block == {"A14:A19", "B16:B17"}


def test_s1_layout_styles_and_print():
    wb, ws, name, buf = sheet(data.e2())
    n = len(data.E2_INDICATORS)
    assert ws.title == "部门预算项目支出绩效自评表"
    assert_layout(ws, self_evaluation.layout(n, 2025, "报表编号:510000_0013zp"), {"B16:B17"})
    assert ws["A2"].value == "部门预算项目支出绩效自评表(2025年度)"
    assert ws["I1"].value == "报表编号:510000_0013zp"
    assert ws["B3"].value == "51200025T000000012345-村级国土空间规划编制"
    assert ws["A24"].value == "项目负责人:张三" and ws["F24"].value == "财务负责人:李四"
    assert_style(ws, "A2", size=16, bold=True, border=False)
    assert_style(ws, "I1", border=False)
    assert ws["I1"].alignment.horizontal == "right"
    assert_style(ws, "A3", bold=True)
    assert_style(ws, "B3")
    assert_style(ws, "A24", border=False)
    assert_grid(ws, 3, 18 + n, 11)
    assert_widths(ws, self_evaluation.WIDTHS)
    assert_heights(ws, 19 + n)
    assert ws.row_dimensions[2].height == 30
    assert ws.row_dimensions[1].height == 21
    assert ws.row_dimensions[18].height == 36  # H18 `基本发挥指导作用`: 16 units in width 10
    assert_print(ws, landscape=True)
    assert name == "2025年度部门预算项目支出绩效自评表-村级国土空间规划编制-20260215.xlsx"
    assert wb.properties.title == "部门预算项目支出绩效自评表"
    assert wb.properties.creator == data.BUREAU
    assert custom_properties(wb) == {
        "zyperf_kind": "self_evaluation",
        "zyperf_family": "sichuan-510000",
        "zyperf_fiscal_year": 2025,
        "zyperf_spec": 1,
    }
    assert_no_formula(buf)


def test_s1_long_conclusion_height_and_empty_report_code():
    conclusion = "评" * 200
    _, ws, _, _ = sheet(data.e2(conclusion=conclusion, report_code="", problems="", adjustment_reason=""))
    assert ws["B21"].value == conclusion
    assert ws.row_dimensions[21].height == 51  # 400 units in B:K (134) → 3 lines
    assert ws.row_dimensions[22].height == 21
    assert ws["B22"].value is None  # empty text stays a bordered blank
    assert_style(ws, "B22")
    assert ws["I1"].value is None and "I1:K1" not in {str(r) for r in ws.merged_cells.ranges}
    assert ws["I9"].value == "4个村编制任务顺延，尾款未支付"


def test_s2_e2_in_the_central_layout():
    wb, ws, name, buf = sheet(data.e2_central())
    n = len(data.E2_INDICATORS)
    runs = {"B14:B15"}
    assert ws.title == "项目支出绩效自评表"
    assert_layout(ws, self_evaluation_central.layout(n, 2025), runs)
    assert [ws[f"{c}6"].value for c in "DEF"] == [120, 150, 127.5]
    assert ws["H6"].value == pytest.approx(0.85, abs=1e-9)
    assert ws["G6"].value == 10 and ws["I6"].value == 8.5
    assert ws["H7"].value == pytest.approx(110 / 130, abs=1e-9)
    for row in (7, 8, 9):
        assert ws[f"G{row}"].value == ws[f"I{row}"].value == "—"
    assert [ws[f"{c}9"].value for c in "DEFH"] == [None] * 4  # 其他资金 all zero
    assert [ws[f"E{r}"].value for r in range(13, 18)] == ["≤6万元/个", "≥20个", "100%", "效果明显", "≥90%"]
    assert [ws[f"F{r}"].value for r in range(13, 18)] == [
        "7.2万元/个",
        "16个",
        "100%",
        "基本发挥指导作用",
        "92%",
    ]
    assert [ws[f"H{r}"].value for r in range(13, 18)] == [8, 24, 20, 15, 10]
    assert ws["A18"].value == "总分" and ws["G18"].value == 100 and ws["H18"].value == 85.5
    assert_style(ws, "A1", size=16, bold=True, border=False)
    assert_style(ws, "A2", size=11, border=False)
    assert_grid(ws, 3, 13 + n, 10)
    assert_widths(ws, self_evaluation_central.WIDTHS)
    assert_heights(ws, 13 + n)
    assert_print(ws, landscape=True)
    assert name == "2025年度项目支出绩效自评表-村级国土空间规划编制-20260215.xlsx"
    assert custom_properties(wb)["zyperf_family"] == "central-2020"
    assert_no_formula(buf)


def test_s2_numbers_inside_text_have_no_exponent_or_trailing_zeros():
    rows = (Indicator("产出指标", "数量指标", "图斑", "≥", D("1E+2"), "个", D(90), actual=D("98.50")),)
    _, ws, _, _ = sheet(data.e2_central(indicators=rows))
    assert (ws["E13"].value, ws["F13"].value) == ("≥100个", "98.5个")


def test_unknown_family_is_refused():
    with pytest.raises(ValueError, match="family"):
        build_self_evaluation(data.e2(family="sichuan-yitihua"), export_date=data.DAY)


def test_d2_shares_the_s1_rows():
    buf, name = department.build_department_evaluation(data.department_evaluation(), export_date=data.DAY)
    wb = load(buf)
    ws = wb.worksheets[0]
    n = len(data.E2_INDICATORS)
    assert ws.title == "部门整体支出绩效自评表"
    assert_layout(ws, department.evaluation_layout(n, 2025), {"B16:B17"})
    assert ws["A8"].value == "部门预算执行情况(10分)"
    assert [ws[f"{c}1"].value for c in "ABCDEFGHIJK"] == [None] * 11
    assert (ws["B3"].value, ws["B4"].value, ws["H4"].value) == (data.BUREAU, "张三", "028-26000000")
    assert ws["H9"].value == 8.5 and ws["J20"].value == 85.5 and ws["G11"].value == "/"
    assert ws["A24"].value == "部门负责人:陈局长"
    assert_grid(ws, 3, 18 + n, 11)
    assert_widths(ws, self_evaluation.WIDTHS)
    assert_heights(ws, 19 + n)
    assert_print(ws, landscape=True)
    assert name == f"2025年度部门整体支出绩效自评表-{data.BUREAU}-20260215.xlsx"
    assert custom_properties(wb)["zyperf_kind"] == "department_self_evaluation"
    assert_no_formula(buf)
