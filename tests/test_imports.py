"""Excel back in (issue 10): each table's template downloaded, filled with openpyxl as a unit would,
uploaded through the API and through the document page; the document holds the values, its history
one edit by the uploader, its figures recomputed."""

import datetime as dt
import io
import re

import pytest

from tests import export_cases as cases
from tests.exports_check import custom_properties
from tests.filling import problem_row
from tests.test_workflow_api import bearer
from tests.uploads import edits, row_of, saved, state, template, upload
from zyperf.extensions import db
from zyperf.services import documents
from zyperf.services.projects import fiscal_year
from zyperf.services.settings import update_year_settings


def draft_targets(bureau, name=cases.E1_PROJECT):
    data = {"manager": "张三 13800000000", "funds": {"fiscal": {"amount": "120"}}, "annual_goal": cases.GOAL,
            "indicators": cases.E2_ROWS}  # fmt: skip
    document = documents.create_document(
        "performance_targets", actor=bureau["guihua"], project=cases.project(name), data=data
    )
    db.session.commit()
    return document


def imported(client, user, document, wb):
    """Upload through the API: 200, the answer's version is the stored one; the stored data."""
    before = len(edits(document.id))
    response = upload(client, user, document, wb)
    assert response.status_code == 200, response.json
    data, version = state(document.id)
    assert response.json == {"state": document.state, "version": version} and version == document.version
    assert [e.actor.username for e in edits(document.id)][before:] == [user.username]
    return data


def test_targets_round_trip(client, bureau):
    document = draft_targets(bureau)
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    ws["B4"] = "李四 13900000000"
    ws["E7"], ws["E8"] = 150, 30.5
    ws["B9"] = "完成30个村的规划编制"
    row = row_of(ws, "完成村级规划编制数量")
    ws[f"F{row}"] = 25
    ws[f"D{row}"] = "★完成村级规划编制数量"
    ws[f"E{row}"] = ">="  # canonical ≥ stored
    data = imported(client, bureau["guihua"], document, wb)
    assert data["manager"] == "李四 13900000000" and data["annual_goal"] == "完成30个村的规划编制"
    assert data["funds"]["fiscal"]["amount"] == "150.00" and data["funds"]["other"]["amount"] == "30.50"
    assert data["funds_total"] == "180.50"  # computed again
    changed = next(r for r in data["indicators"] if r["level3"] == "完成村级规划编制数量")
    assert changed["value"] == "25" and changed["core"] is True and changed["nature"] == "≥"
    assert len(data["indicators"]) == 5


def test_an_unchanged_template_changes_nothing(client, bureau):
    document = draft_targets(bureau)
    before = state(document.id)
    response = upload(client, bureau["guihua"], document, template(client, bureau["guihua"], document))
    assert response.status_code == 200 and state(document.id) == before and edits(document.id) == []


def test_monitoring_round_trip(client, bureau):
    document = cases.e1_monitoring(bureau)
    assert document.data["execution_rate"].startswith("0.6666")  # (190 + 9.99) / 300
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    row = row_of(ws, "完成村级规划编制数量")
    ws[f"H{row}"] = 15
    ws[f"I{row}"] = 18
    ws[f"J{row}"], ws[f"K{row}"], ws[f"N{row}"] = None, "√", None  # 制度保障 instead of 经费保障、其他
    ws[f"P{row}"], ws[f"Q{row}"] = None, "√"  # 完全不可能
    ws[f"R{row}"] = "制度未落实"
    ws["H7"] = 250  # 财政拨款 executed by August
    ws["N6"] = "财政资金拨付较快"
    data = imported(client, bureau["guihua"], document, wb)
    changed = next(r for r in data["indicators"] if r["level3"] == "完成村级规划编制数量")
    assert (changed["actual"], changed["expected"], changed["likelihood"]) == ("15", "18", "impossible")
    assert changed["causes"] == ["system"] and changed["remark"] == "制度未落实"
    assert data["funds"]["fiscal"]["executed"] == "250.00" and data["deviation_reason"] == "财政资金拨付较快"
    assert data["execution_rate"].startswith("0.8666")  # (250 + 9.99) / 300, computed again


def test_self_evaluation_round_trip_s1(client, bureau):
    document = cases.e2_self_evaluation(bureau)
    old_total = document.data["total_score"]
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    quantitative, qualitative = row_of(ws, "完成村级规划编制数量"), row_of(ws, "规划对村庄建设的指导作用")
    ws[f"H{quantitative}"] = 20  # all 20 villages: full marks
    ws[f"J{qualitative}"] = 18  # 达成年度指标 (≥ 0.8 × 20)
    ws["E10"] = 150  # all spent: no reason needed any more
    ws["I9"] = "预算调整理由：年中追加30万元用于成果质量复核"
    ws["G6"] = "完成20个村的规划编制"
    ws[f"B{16 + 5}"] = "项目实施良好"
    data = imported(client, bureau["guihua"], document, wb)
    rows = {r["level3"]: r for r in data["indicators"]}
    assert rows["完成村级规划编制数量"]["actual"] == "20" and rows["完成村级规划编制数量"]["score"] == "30.00"
    assert rows["规划对村庄建设的指导作用"]["score_entered"] == "18"
    assert rows["规划对村庄建设的指导作用"]["grade"] == "达成年度指标"
    assert not data["execution_reason"] and data["adjustment_reason"] == "年中追加30万元用于成果质量复核"
    assert data["funds"]["fiscal"]["executed"] == "150.00" and data["budget_score"] == "10.00"
    assert data["conclusion"] == "项目实施良好" and data["goal_completion"] == "完成20个村的规划编制"
    assert data["total_score"] != old_total


def test_self_evaluation_round_trip_s2(client, bureau):
    update_year_settings(fiscal_year(2026), {"family.self_evaluation": "central-2020"}, actor=bureau["admin"])
    db.session.commit()
    document = cases.e2_self_evaluation(bureau)
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    assert ws.title == "项目支出绩效自评表"
    row = row_of(ws, "完成村级规划编制数量")
    ws[f"F{row}"] = "20个"  # as the table prints it: the number and its unit
    ws[f"I{row}"] = "已全部完成"
    ws["F7"] = 140  # 当年财政拨款 executed
    ws["F11"] = "完成20个村"
    data = imported(client, bureau["guihua"], document, wb)
    changed = next(r for r in data["indicators"] if r["level3"] == "完成村级规划编制数量")
    assert changed["actual"] == "20" and changed["score"] == "30.00" and changed["reason"] == "已全部完成"
    assert data["funds"]["fiscal"]["executed"] == "140.00" and data["goal_completion"] == "完成20个村"


def test_exante_round_trip(client, bureau):
    document = cases.e4_assessment(bureau)
    assert document.data["total_score"] == "84"
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    ws["E10"], ws["D10"] = None, "√"  # 需求迫切性: 良 → 优
    ws["I10"] = "需求迫切"
    ws["G5"] = "自行评估"
    ws["B30"] = 520
    ws["B31"] = "项目必要"
    data = imported(client, bureau["guihua"], document, wb)
    assert data["ratings"][2]["rating"] == "优" and data["ratings"][2]["opinion"] == "需求迫切"
    assert data["method"] == "self" and data["suggested_amount"] == "520.00"
    assert data["overall_opinion"] == "项目必要" and data["total_score"] == "85"


def rectification(bureau):
    document = documents.create_document(
        "rectification",
        actor=bureau["guihua"],
        project=cases.project(cases.E1_PROJECT),
        data={"problems": [problem_row(), problem_row(description="绩效目标不够细化")], "summary": "整改中"},
    )
    db.session.commit()
    return document


def test_rectification_rows_round_trip(client, bureau):
    document = rectification(bureau)
    numbers = [r["number"] for r in document.data["problems"]]
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    assert ws.title == "整改台账" and ws["A4"].value == 1 and ws["E5"].value == "绩效目标不够细化"
    later = dt.date.today() + dt.timedelta(days=60)
    ws["I4"] = dt.datetime.combine(later, dt.time())
    ws["J4"], ws["K4"] = "已完成", "已加快支付"
    for col, value in zip("CDEFGHIJ", ["审计", "资产管理", "资产账实不符", "全面清查", "规划科", "王五",
                                        dt.datetime.combine(later, dt.time()), "未整改"], strict=True):  # fmt: skip
        ws[f"{col}6"] = value  # a new problem, 序号 left blank
    data = imported(client, bureau["guihua"], document, wb)
    rows = data["problems"]
    assert [r["number"] for r in rows] == [*numbers, max(numbers) + 1]
    assert rows[0]["status"] == "done" and rows[0]["deadline"] == later.isoformat()
    assert rows[2]["source"] == "audit" and rows[2]["description"] == "资产账实不符"
    assert data["summary"] == "整改中"  # a field the table does not hold stays as it was


def test_the_page_offers_the_template_and_takes_the_upload(client_for, bureau):
    document = draft_targets(bureau)
    browser = client_for(bureau["guihua"])
    page = browser.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "下载填报模板" in page and f'action="/documents/{document.id}/import"' in page
    response = browser.get(f"/documents/{document.id}/template")
    assert response.status_code == 200 and "填报模板" in cases.download_name(response)
    wb = cases.load(io.BytesIO(response.data))
    wb.active["B9"] = "页面上传的年度目标"
    form = {"file": (io.BytesIO(saved(wb)), "t.xlsx"), "version": str(document.version)}
    answer = browser.post(f"/documents/{document.id}/import", data=form, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:800]
    data, _ = state(document.id)
    assert data["annual_goal"] == "页面上传的年度目标"
    assert [e.actor.username for e in edits(document.id)] == ["guihua"]


def test_the_page_shows_each_refused_cell_and_keeps_nothing(client_for, bureau):
    document = draft_targets(bureau)
    before = state(document.id)
    browser = client_for(bureau["guihua"])
    wb = cases.load(io.BytesIO(browser.get(f"/documents/{document.id}/template").data))
    wb.active["E7"] = "一百"
    wb.active["B9"] = "=A1"
    form = {"file": (io.BytesIO(saved(wb)), "t.xlsx"), "version": str(document.version)}
    answer = browser.post(f"/documents/{document.id}/import", data=form, content_type="multipart/form-data")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="import-errors"' in page and 'data-cell="E7"' in page and 'data-cell="B9"' in page
    assert "一百" in page and "单元格含有公式" in page
    assert state(document.id) == before


def test_the_page_form_needs_its_csrf_token(other_app, bureau):
    document = draft_targets(bureau)
    app = other_app(WTF_CSRF_ENABLED=True)
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = str(bureau["guihua"].id)
    form = {"version": str(document.version), "file": (io.BytesIO(b"not a workbook"), "t.xlsx")}
    url = f"/documents/{document.id}/import"
    assert browser.post(url, data=form, content_type="multipart/form-data").status_code == 400
    page = browser.get(f"/documents/{document.id}").get_data(as_text=True)
    token = re.search(
        r'id="upload-table">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page
    ).group(1)
    form = {
        "version": str(document.version),
        "file": (io.BytesIO(b"not a workbook"), "t.xlsx"),
        "csrf_token": token,
    }
    refused = browser.post(url, data=form, content_type="multipart/form-data")
    assert refused.status_code == 422 and "不是 Excel 工作簿" in refused.get_data(as_text=True)


def test_someone_who_cannot_edit_sees_no_upload(client_for, bureau):
    document = draft_targets(bureau)
    page = client_for(bureau["guihua_head"]).get(f"/documents/{document.id}").get_data(as_text=True)
    assert "下载填报模板" not in page and 'id="upload-table"' not in page
    head = bearer(bureau["guihua_head"])
    client = client_for(bureau["guihua_head"])
    assert client.get(f"/api/v1/documents/{document.id}/template", headers=head).status_code == 403


def test_a_template_names_its_document_and_marks_what_is_not_to_be_filled(client, bureau):
    document = cases.e1_monitoring(bureau)
    response = client.get(f"/api/v1/documents/{document.id}/template", headers=bearer(bureau["guihua"]))
    assert "项目支出绩效目标执行监控表（填报模板）" in cases.download_name(response)
    wb = cases.workbook(response)
    assert custom_properties(wb) == {
        "zyperf_kind": "monitoring",
        "zyperf_family": "central-monitor",
        "zyperf_fiscal_year": 2026,
        "zyperf_spec": 1,
        "zyperf_document_id": document.id,
        "zyperf_document_kind": "monitoring",
        "zyperf_document_version": document.version,
    }
    ws = wb.active
    row = row_of(ws, "完成村级规划编制数量")
    assert "只读" in ws[f"F{row}"].comment.text and "系统计算" in ws["J7"].comment.text
    assert ws[f"H{row}"].comment is None and ws["N6"].comment is None  # what the unit fills in
    assert ws[f"H{row}"].value == 12  # pre-filled with what the document holds


def s2_self_evaluation(bureau):
    update_year_settings(fiscal_year(2026), {"family.self_evaluation": "central-2020"}, actor=bureau["admin"])
    db.session.commit()
    return cases.e2_self_evaluation(bureau)


@pytest.mark.parametrize(
    ("make", "ref", "value", "key"),
    [
        (draft_targets, "B9", "页面上传的年度目标", "annual_goal"),
        (cases.e1_monitoring, "N6", "页面上传的偏差原因", "deviation_reason"),
        (cases.e2_self_evaluation, "C7", "页面上传的实施概述", "implementation"),
        (s2_self_evaluation, "F11", "页面上传的完成情况", "goal_completion"),
        (cases.e4_assessment, "B31", "页面上传的综合意见", "overall_opinion"),
        (rectification, "K4", "页面上传的完成情况说明", "problems"),
    ],
    ids=["T-1", "M-1", "S-1", "S-2", "X-1", "L-5"],
)
def test_each_table_through_the_page(client_for, bureau, make, ref, value, key):
    document = make(bureau)
    browser = client_for(bureau["guihua"])
    wb = cases.load(io.BytesIO(browser.get(f"/documents/{document.id}/template").data))
    wb.active[ref] = value
    form = {"file": (io.BytesIO(saved(wb)), "t.xlsx"), "version": str(document.version)}
    before = len(edits(document.id))
    answer = browser.post(f"/documents/{document.id}/import", data=form, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:800]
    data, _ = state(document.id)
    assert value in str(data[key])
    assert [e.actor.username for e in edits(document.id)][before:] == ["guihua"]
