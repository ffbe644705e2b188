"""The shared rules of excel-formats §1: sheet and file names, text normalisation, heights, indicator
order and merges, and formula injection in every kind of workbook."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest

from tests import exports_data as data
from tests.exports_check import assert_no_formula, load
from zyperf.exports import department, exante, lists, monitoring, targets
from zyperf.exports.combined import build_combined
from zyperf.exports.indicators import level_merges, sort_indicators
from zyperf.exports.model import Combined, Indicator, Project
from zyperf.exports.self_evaluation import build_self_evaluation
from zyperf.exports.workbook import (
    Book,
    display_name,
    file_name,
    line_count,
    plain_number,
    row_height,
    sheet_name,
)


def test_sheet_name_sanitising_example():
    name = "001-资阳市中心城区国土空间详细规划编制及城市设计[二期]项目"
    assert sheet_name(name, set()) == "001-资阳市中心城区国土空间详细规划编制及城市设计_二期_项"


@pytest.mark.parametrize(
    "name, used, expected",
    [
        ("a:b*c?d/e\\f", set(), "a_b_c_d_e_f"),
        (" 'quoted' ", set(), "quoted"),
        ("''", set(), "Sheet"),
        ("History", set(), "History~2"),
        ("history", set(), "history~2"),
        ("Plan", {"plan"}, "Plan~2"),
        ("Plan", {"plan", "plan~2"}, "Plan~3"),
        ("x" * 40, {"x" * 31}, "x" * 29 + "~2"),
    ],
)
def test_sheet_name_rules(name, used, expected):
    assert sheet_name(name, used) == expected
    assert len(expected) <= 31


def test_book_gives_taken_names_a_suffix():
    book = Book()
    for name in ("计划", "计划", "History", "计" * 40, "计" * 40):
        book.add_sheet(name, (10,), landscape=False)
    wb = load(book.close())
    assert wb.sheetnames == ["计划", "计划~2", "History~2", "计" * 31, "计" * 29 + "~2"]


def test_file_name_examples():
    assert (
        file_name(2025, "部门预算项目支出绩效自评表", "村级国土空间规划编制", dt.date(2026, 2, 15))
        == "2025年度部门预算项目支出绩效自评表-村级国土空间规划编制-20260215.xlsx"
    )
    assert (
        file_name(2025, "项目支出绩效监控汇总表（1-8月）", data.BUREAU, dt.date(2025, 9, 15))
        == "2025年度项目支出绩效监控汇总表（1-8月）-资阳市自然资源和规划局-20250915.xlsx"
    )


def test_file_name_cleaning_and_cut():
    name = file_name(2025, "项目支出绩效目标申报表", 'a/b\\c:d*e?f"g<h>i|j\x01k  l\tm', dt.date(2026, 1, 2))
    assert (
        name == "2025年度项目支出绩效目标申报表-a_b_c_d_e_f_g_h_i_j_k l_m-20260102.xlsx"
    )  # tab is a control character
    long = file_name(2025, "项目支出绩效目标申报表", "规" * 300, dt.date(2026, 1, 2))
    assert len(long) == 120
    assert long.startswith("2025年度项目支出绩效目标申报表-规") and long.endswith("规-20260102.xlsx")


def test_heights_formula():
    assert line_count("评" * 200, 134) == 3
    assert row_height(3) == 51
    assert line_count("abc\n\n" + "字" * 10, 10) == 1 + 1 + 2
    assert line_count("", 10) == 1
    assert row_height(1) == 21 and row_height(100) == 409


def test_values():
    assert display_name("51200025T000000012345", "村级国土空间规划编制") == (
        "51200025T000000012345-村级国土空间规划编制"
    )
    assert display_name("", " 村级规划 ") == "村级规划"
    assert [plain_number(D(x)) for x in ("100", "98.50", "1E+2", "0.000", "0.0625")] == [
        "100",
        "98.5",
        "100",
        "0",
        "0.0625",
    ]


def indicator(level1, level2, name, sequence=0):
    return Indicator(level1, level2, name, "≥", D(1), "个", D(10), sequence=sequence)


CATALOG_2021 = [
    ("成本指标", "经济成本指标"),
    ("成本指标", "社会成本指标"),
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
]


def test_sort_indicators_by_catalog_then_sequence():
    rows = [
        indicator("满意度指标", "服务对象满意度指标", "满意度"),
        indicator("产出指标", "时效指标", "及时率"),
        indicator("产出指标", "数量指标", "第二", 2),
        indicator("不在目录", "其他", "未知"),
        indicator("产出指标", "数量指标", "第一", 1),
        indicator("成本指标", "社会成本指标", "社会成本"),
    ]
    ordered = [r.name for r in sort_indicators(rows, CATALOG_2021)]
    assert ordered == ["社会成本", "第一", "第二", "及时率", "满意度", "未知"]
    framework_2015 = [("产出指标", "数量指标"), ("产出指标", "成本指标"), ("效益指标", "社会效益指标")]
    rows = [indicator("产出指标", "成本指标", "成本"), indicator("产出指标", "数量指标", "数量")]
    assert [r.name for r in sort_indicators(rows, framework_2015)] == ["数量", "成本"]


def test_level_merges_are_maximal_runs_of_two_or_more():
    rows = [
        indicator("产出指标", "数量指标", "a"),
        indicator("产出指标", "数量指标", "b"),
        indicator("产出指标", "质量指标", "c"),
        indicator("效益指标", "社会效益指标", "d"),
        indicator("满意度指标", "数量指标", "e"),
        indicator("满意度指标", "数量指标", "f"),
    ]
    assert level_merges(rows, 15, 1) == {"B15:B17", "C15:C16", "B19:B20", "C19:C20"}


def test_text_is_normalised_before_writing():
    goal = "  第一行\r\n第二行\r第三行\t结束\x00\x07  "
    wb = load(targets.build_targets(data.targets(goal=goal), export_date=data.DAY)[0])
    assert wb.worksheets[0]["B9"].value == "第一行\n第二行\n第三行 结束"
    assert wb.worksheets[0].row_dimensions[9].height == 15 * 3 + 6


HOSTILE_NAME = '=HYPERLINK("http://x","y")'
HOSTILE_TEXTS = ("+1+1", "-2", "@A1")


def hostile_indicators():
    return tuple(
        Indicator("产出指标", "数量指标", text, "=", D(1), "个", D(30), actual=text, reason=text, remark=text)
        for text in HOSTILE_TEXTS
    )


def hostile_workbooks():
    """Each workbook with the hostile strings it must print as text."""
    project = Project(HOSTILE_NAME, "", "http://evil.example", "=1+1")
    rows = hostile_indicators()
    everything = {HOSTILE_NAME, *HOSTILE_TEXTS}
    day = {"export_date": data.DAY}
    yield targets.build_targets(data.targets(project=project, indicators=rows), **day), everything
    yield monitoring.build_monitoring(data.monitoring(project=project, indicators=rows), **day), everything
    yield build_self_evaluation(data.e2(project=project, indicators=rows), **day), everything
    yield build_self_evaluation(data.e2_central(project=project, indicators=rows), **day), {HOSTILE_NAME}
    yield exante.build_exante(data.exante(project=project, opinion="=1+1"), **day), {HOSTILE_NAME, "=1+1"}
    yield (
        department.build_department_targets(data.department_targets(indicators=rows), **day),
        set(HOSTILE_TEXTS),
    )
    evaluation = data.department_evaluation(indicators=rows)
    yield department.build_department_evaluation(evaluation, **day), set(HOSTILE_TEXTS)
    summary = replace(data.targets_list(1), rows=(data.targets_row(0, name=HOSTILE_NAME, code="-2"),))
    yield lists.build_list(summary, **day), {HOSTILE_NAME, "-2"}
    form = data.targets(project=project, indicators=rows)
    yield build_combined(Combined(summary, (form,)), **day), everything


def test_user_text_is_never_a_formula():
    for (buf, name), expected in hostile_workbooks():
        assert_no_formula(buf)
        wb = load(buf)
        texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "s"}
        assert expected <= texts, name
    (buf, _), _ = next(hostile_workbooks())
    ws = load(buf).worksheets[0]
    assert ws["B3"].value == HOSTILE_NAME and ws["B3"].data_type == "s"
    assert [ws[f"D{r}"].value for r in (11, 12, 13)] == list(HOSTILE_TEXTS)
    assert all(ws[f"E{r}"].value == "=" and ws[f"E{r}"].data_type == "s" for r in (11, 12, 13))
    assert ws["G5"].value == "=1+1" and ws["B5"].value == "http://evil.example"
