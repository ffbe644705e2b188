"""T-1, M-1, X-1 and D-1 read back with openpyxl: literals, exact merges, values, styles, grid
borders, widths, heights, print setup, file names and properties (excel-formats §6, §7.1)."""

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
from zyperf.exports import department, exante, monitoring, targets
from zyperf.exports.model import Fund, Project


def opened(built):
    buf, name = built
    wb = load(buf)
    return wb, wb.worksheets[0], name, buf


def test_t1():
    wb, ws, name, buf = opened(targets.build_targets(data.targets(), export_date=data.DAY))
    n = len(data.E2_INDICATORS)
    assert ws.title == "项目支出绩效目标申报表"
    assert_layout(ws, targets.layout(n, 2025), {"B12:B13"})
    assert ws["A1"].value == "项目支出绩效目标申报表" and ws["A2"].value == "（2025年度）"
    assert ws["B3"].value == "51200025T000000012345-村级国土空间规划编制"
    assert ws["B4"].value == "张三 028-26000000"
    assert (ws["B5"].value, ws["G5"].value) == (data.BUREAU, data.BUREAU)
    assert [ws[f"E{r}"].value for r in (6, 7, 8)] == [150, 150, 0]  # T-1 writes a zero amount
    assert [ws[f"{c}12"].value for c in "BCDEFGH"] == [
        "产出指标",
        "数量指标",
        "★完成村级规划编制数量",
        "≥",
        20,
        "个",
        30,
    ]
    assert ws["F14"].value == "效果明显" and ws["G14"].value is None
    assert (ws["A16"].value, ws["H16"].value) == ("合计", 90)
    assert_style(ws, "A1", size=16, bold=True, border=False)
    assert_style(ws, "A2", size=11, border=False)
    assert_style(ws, "A10", bold=True)
    assert_style(ws, "E6", number_format="#,##0.00")
    assert_style(ws, "H11", number_format="General")
    assert_style(ws, "G14")  # a blank 度量单位 is still bordered
    assert ws["B12"].alignment.horizontal == ws["E11"].alignment.horizontal == "center"
    assert_grid(ws, 3, 11 + n, 8)
    assert_widths(ws, targets.WIDTHS)
    assert_heights(ws, 11 + n)
    assert (ws.row_dimensions[1].height, ws.row_dimensions[2].height) == (30, 21)
    assert ws.row_dimensions[4].height == 36  # A4 `项目负责人及电话`: 16 units in width 14
    assert_print(ws, landscape=False)
    assert name == "2025年度项目支出绩效目标申报表-村级国土空间规划编制-20260215.xlsx"
    assert wb.properties.title == "项目支出绩效目标申报表" and wb.properties.creator == data.BUREAU
    assert custom_properties(wb) == {
        "zyperf_kind": "targets",
        "zyperf_family": "central-annual",
        "zyperf_fiscal_year": 2025,
        "zyperf_spec": 1,
    }
    assert_no_formula(buf)


def test_t1_project_without_code_and_extra_properties():
    project = Project("耕地保护补偿", "", data.BUREAU, "资阳市土地储备中心")
    built = targets.build_targets(
        data.targets(project=project), export_date=data.DAY, properties={"zyperf_document_id": 42}
    )
    wb, ws, name, _ = opened(built)
    assert ws["B3"].value == "耕地保护补偿" and ws["G5"].value == "资阳市土地储备中心"
    assert custom_properties(wb)["zyperf_document_id"] == 42
    assert name == "2025年度项目支出绩效目标申报表-耕地保护补偿-20260215.xlsx"


def test_m1_e1_rows_6_to_8():
    wb, ws, name, buf = opened(monitoring.build_monitoring(data.monitoring(), export_date=data.DAY))
    n = len(data.E2_INDICATORS)
    assert ws.title == "项目支出绩效目标执行监控表"
    assert_layout(ws, monitoring.layout(n, 2025, 8), {"B13:B14"})
    assert ws["H5"].value == "1-8月执行数" and ws["J5"].value == "1-8月执行率"
    assert ws["H10"].value == "1-8月实际完成值"
    expected = [(300, 199.99, D("199.99") / 300), (280, 190, D(190) / 280), (20, 9.99, D("9.99") / 20)]
    for row, (adjusted, executed, rate) in zip((6, 7, 8), expected, strict=True):
        assert ws[f"B{row}"].value == ("年度资金总额", "其中：财政拨款", "其他资金")[row - 6]
        assert (ws[f"F{row}"].value, ws[f"H{row}"].value) == (adjusted, executed)
        assert ws[f"J{row}"].value == pytest.approx(float(rate), abs=1e-9)
        assert_style(ws, f"J{row}", number_format="0.00%")
        assert_style(ws, f"H{row}", number_format="#,##0.00")
    assert [f"{ws[f'J{r}'].value:.2%}" for r in (6, 7, 8)] == ["66.66%", "67.86%", "49.95%"]
    assert ws["N6"].value == "单位资金到位较晚"
    assert ws["B4"].value == f"{data.BUREAU}（512001）"
    ticks = {(r, c) for r in range(12, 12 + n) for c in "JKLMNOPQ" if ws[f"{c}{r}"].value == "√"}
    assert ticks == {(12, "O"), (13, "J"), (13, "N"), (13, "P"), (14, "O"), (15, "O"), (16, "Q")}
    assert (ws["H15"].value, ws["I15"].value) == ("初见成效", "效果明显")
    assert ws["R16"].value == "年底统一调查"
    assert_grid(ws, 3, 11 + n, 18)
    assert_widths(ws, monitoring.WIDTHS)
    assert_heights(ws, 11 + n)
    assert_print(ws, landscape=True)
    assert name == "2025年度项目支出绩效目标执行监控表-村级国土空间规划编制-20260215.xlsx"
    assert custom_properties(wb)["zyperf_family"] == "central-monitor"
    assert_no_formula(buf)


def test_m1_all_zero_row_blank_zero_denominator_filler_and_january():
    funds = (data.E1_FUNDS[0], Fund(D(0), D(0), D(5), None, D(5)), Fund())
    _, ws, _, _ = opened(
        monitoring.build_monitoring(data.monitoring(funds=funds, month=1), export_date=data.DAY)
    )
    assert ws["H5"].value == "1月执行数" and ws["H10"].value == "1月实际完成值"
    assert [ws[f"{c}7"].value for c in "DFHJL"] == [0, 0, 5, "—", 5]
    assert ws["J7"].alignment.horizontal == "center"
    assert [ws[f"{c}8"].value for c in "DFHJL"] == [None] * 5
    assert_style(ws, "J8", number_format="0.00%")


def test_x1_e4():
    wb, ws, name, buf = opened(exante.build_exante(data.exante(), export_date=data.DAY))
    assert ws.title == "事前绩效评估评分表"
    assert_layout(ws, exante.layout(2026))
    flat = "".join(data.E4_RATINGS)
    for row, rating in zip(range(8, 28), flat, strict=True):
        ticked = [c for c in "DEFG" if ws[f"{c}{row}"].value == "√"]
        assert ticked == ["DEFG"["优良中差".index(rating)]], row
        assert ws[f"C{row}"].value == 5
        assert ws[f"H{row}"].value == float(data.POINTS[rating])
        assert_style(ws, f"H{row}", number_format="0.00")
    aspects = [sum(ws[f"H{r}"].value for r in range(8 + 4 * i, 12 + 4 * i)) for i in range(5)]
    assert aspects == [18, 16, 14, 16, 20]
    assert (ws["C28"].value, ws["H28"].value, ws["B29"].value) == (100, 84, "予以支持")
    assert ws["B8"].value == "政策相符性" and ws["B27"].value == "债务风险可控性"
    assert (ws["B5"].value, ws["G5"].value, ws["B30"].value) == (180, "自行评估", 160)
    assert_style(ws, "B5", number_format="#,##0.00")
    assert_grid(ws, 3, 31, 9)
    assert_widths(ws, exante.WIDTHS)
    assert_heights(ws, 31)
    assert_print(ws, landscape=False)
    assert name == "2026年度事前绩效评估评分表-村级国土空间规划编制-20260215.xlsx"
    assert custom_properties(wb)["zyperf_kind"] == "exante_scoring"
    assert_no_formula(buf)


def test_x1_one_rating_changed_to_poor():
    ratings = data.E4_RATINGS[:4] + ("差优优优",)
    _, ws, _, _ = opened(exante.build_exante(data.exante(ratings), export_date=data.DAY))
    assert (ws["G24"].value, ws["D24"].value, ws["H24"].value) == ("√", None, 0)
    assert (ws["H28"].value, ws["B29"].value) == (79, "调整完善后予以支持")


def test_x1_needs_twenty_items():
    with pytest.raises(ValueError, match="20"):
        exante.build_exante(data.exante(items=data.exante().items[:19]), export_date=data.DAY)


def test_d1():
    built = department.build_department_targets(data.department_targets(), export_date=data.DAY)
    wb, ws, name, buf = opened(built)
    k, n = 2, len(data.E2_INDICATORS)
    assert ws.title == "部门（单位）整体支出绩效目标申报表"
    assert_layout(ws, department.targets_layout(k, n, 2025), {"B12:B13"})
    assert ws["A4"].value == "年度主要任务" and "A4:A8" in department.targets_layout(k, n, 2025).merges
    assert [ws[f"{c}7"].value for c in "BCFGH"] == ["耕地保护", "耕地保护补偿与督察", 500, 450, 50]
    assert [ws[f"{c}8"].value for c in "BFGH"] == ["金额合计", 800, 750, 50]
    assert ws["B9"].value == "统筹推进规划编制和耕地保护"
    assert ws["A10"].value == "年度绩效指标" and ws["D12"].value == "★完成村级规划编制数量"
    assert (ws["A16"].value, ws["H16"].value) == ("合计", 90)
    assert_grid(ws, 3, 9 + k + n, 8)
    assert_widths(ws, targets.WIDTHS)
    assert_heights(ws, 9 + k + n)
    assert_print(ws, landscape=False)
    assert name == f"2025年度部门（单位）整体支出绩效目标申报表-{data.BUREAU}-20260215.xlsx"
    assert custom_properties(wb)["zyperf_kind"] == "department_targets"
    assert_no_formula(buf)
