"""Each table of excel-formats from a document made through the services, downloaded through the API
and through the page buttons, and read back with openpyxl: title, header strings, merges, and the
document's own values, with the worked examples E1 (M-1 rows 6–8) and E2 (S-1) end to end."""

import io

import pytest

from tests import export_cases as cases
from tests.exports_check import assert_layout, assert_no_formula, custom_properties, merges
from tests.test_department_targets import TARGETS
from tests.test_results_ledger import final_department_evaluation
from tests.test_workflow_api import bearer
from zyperf.exports import department, exante, monitoring, self_evaluation, self_evaluation_central, targets
from zyperf.extensions import db
from zyperf.services import documents, reviews, workflow
from zyperf.services.projects import create_project, fiscal_year
from zyperf.services.settings import update_system_settings, update_year_settings

BUREAU = "资阳市自然资源和规划局"


def via_api(client, bureau, kind, **params):
    return client.get(f"/api/v1/exports/{kind}", query_string=params, headers=bearer(bureau["guihua"]))


def via_button(client_for, user, document):
    """The document page shows the button; following it downloads the same table."""
    browser = client_for(user)
    page = browser.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'href="/exports/documents/{document.id}"' in page
    return browser.get(f"/exports/documents/{document.id}")


def test_t1_from_final_targets(client, client_for, bureau):
    doc = cases.final_targets(
        bureau, cases.E2_PROJECT, {"fiscal": {"amount": "120"}, "unit": {"amount": "30"}}
    )
    response = via_api(client, bureau, "targets", project=doc.project_id)
    assert cases.download_name(response).startswith("2026年度项目支出绩效目标申报表-村级国土空间规划编制-")
    for wb in (cases.workbook(response), cases.workbook(via_button(client_for, bureau["guihua"], doc))):
        ws = wb["项目支出绩效目标申报表"]
        assert_layout(ws, targets.layout(5, 2026), extra_merges={"B12:B13"})
        assert ws["B3"].value == "51200025T000000012345-村级国土空间规划编制"
        assert ws["B4"].value == "张三 13800000000"
        assert ws["B5"].value == BUREAU and ws["G5"].value == BUREAU  # an internal section: the bureau
        assert [ws[f"E{r}"].value for r in (6, 7, 8)] == [150, 120, 30]
        assert ws["B9"].value == cases.GOAL
        assert [ws[f"D{r}"].value for r in range(11, 16)] == [r["level3"] for r in cases.E2_ROWS]
        assert [ws[f"E{r}"].value for r in range(11, 16)] == ["≤", "≥", "=", "定性", "≥"]
        assert ws["F14"].value == "效果明显" and ws["F11"].value == 6 and ws["H16"].value == 90
        assert custom_properties(wb) == {
            "zyperf_kind": "targets",
            "zyperf_family": "central-annual",
            "zyperf_fiscal_year": 2026,
            "zyperf_spec": 1,
        }


def test_m1_rows_6_to_8_are_e1(client, client_for, bureau):
    doc = cases.e1_monitoring(bureau)
    update_system_settings({"bureau_code": "512001"}, actor=bureau["admin"])
    db.session.commit()
    for wb in (
        cases.workbook(via_api(client, bureau, "monitoring", project=doc.project_id, year=2026)),
        cases.workbook(via_button(client_for, bureau["guihua"], doc)),
    ):
        ws = wb["项目支出绩效目标执行监控表"]
        assert_layout(ws, monitoring.layout(5, 2026, 8), extra_merges={"B13:B14"})
        assert ws["B4"].value == f"{BUREAU}（512001）"
        expected = {
            6: (300, 300, 199.99, 199.99 / 300),
            7: (280, 280, 190, 190 / 280),
            8: (20, 20, 9.99, 0.4995),
        }
        for row, (initial, adjusted, executed, rate) in expected.items():
            assert (ws[f"D{row}"].value, ws[f"F{row}"].value, ws[f"H{row}"].value) == (
                initial,
                adjusted,
                executed,
            )
            assert ws[f"J{row}"].value == pytest.approx(rate, abs=1e-9) and ws[f"L{row}"].value == adjusted
        assert f"{ws['J6'].value:.4%}" == "66.6633%"
        assert ws["N6"].value == "单位资金到位较晚" and ws["B9"].value == cases.GOAL
        assert [ws[f"H{r}"].value for r in range(12, 17)] == [5, 12, 60, "初见成效", 0]
        assert [ws[f"{c}13"].value for c in "JKLMNOPQR"] == [
            "√",
            None,
            None,
            None,
            "√",
            None,
            "√",
            None,
            "资金拨付滞后",
        ]


def test_s1_is_e2_cell_by_cell(client, client_for, bureau):
    doc = cases.e2_self_evaluation(bureau)
    update_system_settings({"finance_head": "李四"}, actor=bureau["admin"])
    db.session.commit()
    response = via_api(client, bureau, "self_evaluation", project=doc.project_id)
    assert cases.download_name(response).startswith(
        "2026年度部门预算项目支出绩效自评表-村级国土空间规划编制-"
    )
    for wb in (cases.workbook(response), cases.workbook(via_button(client_for, bureau["guihua"], doc))):
        ws = wb["部门预算项目支出绩效自评表"]
        layout = self_evaluation.layout(5, 2026, "报表编号:510000_0013zp")
        assert_layout(ws, layout, extra_merges={"B16:B17"})
        assert {"A14:A19", "B16:B17"} <= merges(ws)
        assert [ws[f"{c}9"].value for c in "CDEGH"] == [120, 150, 127.5, 10, 8.5]
        assert ws["F9"].value == pytest.approx(0.85, abs=1e-9) and ws["H9"].number_format == "0.00"
        assert ws["G10"].value == ws["H10"].value == "/" and ws["C11"].value is None
        assert ws["I9"].value == "4个村编制任务顺延，尾款未支付\n预算调整理由：年中追加30万元用于成果质量复核"
        assert [ws[f"J{r}"].value for r in range(15, 20)] == [8, 24, 20, 15, 10]
        assert [ws[f"H{r}"].value for r in range(15, 20)] == [7.2, 16, 100, "基本发挥指导作用", 92]
        assert ws["I20"].value == 100 and ws["J20"].value == 85.5 and ws["A20"].value == "合计"
        assert ws["C6"].value == cases.GOAL and ws["G6"].value == "完成16个村的规划编制"
        assert ws["A24"].value == "项目负责人:张三" and ws["F24"].value == "财务负责人:李四"
        assert custom_properties(wb)["zyperf_family"] == "sichuan-510000"


def test_an_entered_score_is_what_is_written(client, bureau):
    """A reviewer scores the budget otherwise than its formula: S-1 writes the judgment, and its total."""
    doc = cases.e2_self_evaluation(bureau)
    workflow.apply(doc, "submit", actor=bureau["guihua"], expected_version=doc.version)
    reviews.adjust_score(
        doc,
        "budget",
        "9",
        actor=bureau["guihua_head"],
        comment="尾款已于次年初支付",
        expected_version=doc.version,
    )
    db.session.commit()
    ws = cases.workbook(via_api(client, bureau, "self_evaluation", project=doc.project_id)).worksheets[0]
    assert ws["H9"].value == 9 and ws["J20"].value == 86


def test_s2_for_a_document_of_the_central_family(client, bureau):
    update_year_settings(fiscal_year(2026), {"family.self_evaluation": "central-2020"}, actor=bureau["admin"])
    db.session.commit()
    doc = cases.e2_self_evaluation(bureau)
    assert doc.template_family == "central-2020"
    wb = cases.workbook(via_api(client, bureau, "self_evaluation", project=doc.project_id))
    ws = wb["项目支出绩效自评表"]
    assert_layout(ws, self_evaluation_central.layout(5, 2026), extra_merges={"B14:B15"})
    assert [ws[f"{c}6"].value for c in "DEFG"] == [120, 150, 127.5, 10] and ws["I6"].value == 8.5
    assert ws["E13"].value == "≤6万元/个" and ws["F13"].value == "7.2万元/个" and ws["H18"].value == 85.5


def test_x1_is_e4(client, client_for, bureau):
    doc = cases.e4_assessment(bureau)
    for wb in (
        cases.workbook(via_api(client, bureau, "exante_scoring", project=doc.project_id)),
        cases.workbook(via_button(client_for, bureau["guihua"], doc)),
    ):
        ws = wb["事前绩效评估评分表"]
        assert_layout(ws, exante.layout(2026))
        assert ws["B5"].value == 550 and ws["G5"].value == "委托第三方评估"
        assert [ws[f"H{r}"].value for r in range(8, 12)] == [5, 5, 4, 4]
        assert ws["D8"].value == "√" and ws["E8"].value is None and ws["I8"].value == "论证充分"
        assert ws["H28"].value == 84 and ws["B29"].value == "予以支持"
        assert ws["B30"].value == 500 and ws["G30"].value == "四川某咨询公司"


def test_d1_and_d2_are_finances(client, client_for, bureau):
    targets_doc = documents.create_document(
        "department_targets", actor=bureau["finance"], fiscal_year=fiscal_year(2026), data=TARGETS
    )
    evaluation = final_department_evaluation(bureau)
    finance = bearer(bureau["finance"])
    for d1 in (
        cases.workbook(client.get("/api/v1/exports/department_targets?year=2026", headers=finance)),
        cases.workbook(via_button(client_for, bureau["finance"], targets_doc)),
    ):
        ws = d1["部门（单位）整体支出绩效目标申报表"]
        assert_layout(ws, department.targets_layout(2, 5, 2026), extra_merges={"B12:B13"})
        assert ws["B3"].value == BUREAU and ws["B6"].value == "国土空间规划"
        assert [ws[f"{c}8"].value for c in "FGH"] == [1350.5, 1150.5, 200]
    d2 = cases.workbook(via_button(client_for, bureau["finance"], evaluation))
    ws = d2["部门整体支出绩效自评表"]
    n = len(evaluation.data["indicators"])
    assert_layout(ws, department.evaluation_layout(n, 2026))
    assert ws["B4"].value == evaluation.data["contact"] and ws[f"A{19 + n}"].value == "部门负责人:局长 王建国"
    assert ws[f"J{15 + n}"].value == float(evaluation.data["total_score"])
    assert targets_doc.state == "draft"  # a draft exports as it stands
    # Units have no department tables.
    assert via_api(client, bureau, "department_targets", year=2026).status_code == 404


def test_no_cell_holds_a_formula_whatever_was_typed(client, bureau):
    """A project named like a formula and indicators that start with + - @ stay text, in the form and
    in the list; no cell of any sheet is a formula."""
    name = '=HYPERLINK("http://x","y")'
    p = create_project(
        actor=bureau["guihua"], unit=bureau["guihua"].unit, fiscal_year=fiscal_year(2026),
        values={"name": name, "fiscal_amount": "85.5"},
    )  # fmt: skip
    rows = [dict(r) for r in cases.E2_ROWS]
    for row, level3 in zip(rows, ("+1+1", "-2", "@A1"), strict=False):
        row["level3"] = level3
    db.session.commit()
    cases.final_targets(bureau, name, {"fiscal": {"amount": "85.5"}}, rows)
    finance = bearer(bureau["finance"])
    for url in (f"/api/v1/exports/targets?project={p.id}", "/api/v1/exports/targets?unit=guihua&year=2026"):
        response = client.get(url, headers=finance)
        wb = cases.workbook(response)
        form = wb.worksheets[-1]
        assert form["B3"].value == name and form["B3"].data_type == "s"
        assert [form[f"D{r}"].value for r in (11, 12, 13)] == ["+1+1", "-2", "@A1"]
        assert all(form[f"D{r}"].data_type == "s" for r in (11, 12, 13))
        assert_no_formula(io.BytesIO(response.data))
    listing = wb.worksheets[0]
    assert name in [listing[f"D{r}"].value for r in range(4, listing.max_row)]
    assert all(c.data_type != "f" for row in listing.iter_rows() for c in row)
