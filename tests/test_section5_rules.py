"""Each validation rule of excel-formats §5, refused with its message: in the API's `fields` (by the
field's key) and on the page next to the field. Figures and worked examples are in test_figures.py."""

import pytest
from sqlalchemy import select

from tests.test_stage_figures import E2_ROWS, final_targets, patch, project
from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import Project

TARGETS = {
    "manager": "张三",
    "funds": {"fiscal": {"amount": "300"}},
    "annual_goal": "完成",
    "indicators": E2_ROWS,
}


def row_change(i, column, value):
    made = [dict(r) for r in E2_ROWS]
    made[i][column] = value
    return made


# (rule, data sent to a 绩效目标 draft, field, message). "submit" rules are checked on 送审.
TARGET_RULES = [
    (
        "G1",
        {"funds": {"fiscal": {"amount": "1.234"}}},
        "funds",
        "财政资金·金额：金额应为不小于0的数字，最多两位小数",
    ),
    ("G2", {"annual_goal": "目" * 501}, "annual_goal", "年度目标不得超过500字，当前501字"),
    (
        "T2",
        {"indicators": row_change(1, "level2", "经济成本指标")},
        "indicators",
        "第2行：二级指标“经济成本指标”不属于一级指标“产出指标”",
    ),
    (
        "T3",
        {"indicators": row_change(1, "value", "二十")},
        "indicators",
        "第2行：指标值应为数字（不小于0的数字，最多4位小数）",
    ),
    ("T3", {"indicators": row_change(3, "unit", "次")}, "indicators", "第4行：定性指标不填度量单位"),
    (
        "T3",
        {"indicators": row_change(1, "unit", "单位" * 6)},
        "indicators",
        "第2行：度量单位不得超过10字，当前12字",
    ),
    (
        "T4",
        {"indicators": row_change(4, "level3", "成果按期提交率")},
        "indicators",
        "第5行：三级指标“成果按期提交率”重复",
    ),
    (
        "G1",
        {"indicators": row_change(0, "value", "6.12345")},
        "indicators",
        "第1行：指标值应为不小于0的数字，最多4位小数",
    ),
    (
        "G1",
        {"indicators": row_change(0, "weight", "0")},
        "indicators",
        "第1行：权重应为大于0的数字，最多2位小数",
    ),
]
TARGET_SUBMIT_RULES = [
    (
        "T1",
        {"indicators": [r for r in E2_ROWS if r["level1"] != "产出指标"]},
        "indicators",
        "至少设置一项产出指标",
    ),
    ("T5", {"indicators": row_change(0, "weight", "5")}, "indicators", "绩效指标权重合计应为90，当前为85"),
    ("T6", {"funds": {"fiscal": {"amount": "0"}}}, "funds", "年度资金总额（金额）应大于0"),
    ("T6", {"annual_goal": ""}, "annual_goal", "请填写年度目标"),
]


def targets_draft(client, staff):
    p = project()
    made = client.post(
        "/api/v1/documents",
        json={"project_id": p.id, "kind": "performance_targets", "data": TARGETS},
        headers=staff,
    )
    assert made.status_code == 201, made.json
    return made.json


@pytest.mark.parametrize(("rule", "data", "field", "message"), TARGET_RULES, ids=[r[0] for r in TARGET_RULES])
def test_targets_rules_refuse_a_wrong_draft(client, bureau, rule, data, field, message):
    staff = bearer(bureau["guihua"])
    doc = targets_draft(client, staff)
    refused = patch(client, staff, doc, data)
    assert refused.status_code == 422
    assert message in refused.json["error"]["fields"][field]


@pytest.mark.parametrize(
    ("rule", "data", "field", "message"), TARGET_SUBMIT_RULES, ids=[r[0] for r in TARGET_SUBMIT_RULES]
)
def test_targets_rules_refuse_submission(client, bureau, rule, data, field, message):
    staff = bearer(bureau["guihua"])
    doc = patch(client, staff, targets_draft(client, staff), data).json
    refused = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    assert refused.status_code == 422
    assert message in refused.json["error"]["fields"][field]


def carried_document(client, bureau, kind):
    final_targets(bureau, {"fiscal": {"amount": "300"}})
    staff = bearer(bureau["guihua"])
    made = client.post("/api/v1/documents", json={"project_id": project().id, "kind": kind}, headers=staff)
    return staff, made.json


def test_m1_m3_monitoring(client, bureau):
    staff, doc = carried_document(client, bureau, "monitoring")
    funds = {"fiscal": {"initial": "300", "adjusted": "0", "executed": "0"}}
    rows_ = [
        r | {"actual": r["value"], "expected": r["value"], "likelihood": "impossible"}
        for r in doc["data"]["indicators"]
    ]
    doc = patch(client, staff, doc, {"funds": funds, "indicators": rows_, "deviation_reason": "x"}).json
    refused = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    fields = refused.json["error"]["fields"]
    assert "年度资金总额（调整后预算数）应大于0" in fields["funds"]  # M1
    assert "第1行：完成目标可能性不是“确定能”，须勾选至少一项偏差原因" in fields["indicators"]  # M3
    assert "第1行：完成目标可能性不是“确定能”，须填写备注" in fields["indicators"]
    bad = patch(client, staff, doc, {"indicators": [r | {"likelihood": "也许"} for r in rows_]})
    assert (
        "第1行：完成目标可能性应为 确定能、有可能、完全不可能 之一"
        in bad.json["error"]["fields"]["indicators"]
    )


def test_s1_s4_s6_s8_self_evaluation(client, bureau):
    staff, doc = carried_document(client, bureau, "self_evaluation")
    rows_ = [dict(r) for r in doc["data"]["indicators"]]
    rows_[3] |= {"actual": "基本发挥", "grade": "部分达成年度指标并具有一定效果", "score_entered": "16"}
    refused = patch(client, staff, doc, {"indicators": rows_, "goal_completion": "完" * 101})
    fields = refused.json["error"]["fields"]
    assert "第4行：得分应在12至16分之间" in fields["indicators"]  # S6: 16 is the next band's
    assert fields["goal_completion"] == ["年度目标完成情况不得超过100字，当前101字"]  # S4
    rows_[3]["score_entered"] = "15"
    rows_[0]["weight"] = "20"
    carried = patch(client, staff, doc, {"indicators": rows_})
    assert "第1行：权重来自已批复的绩效目标，不能修改" in carried.json["error"]["fields"]["indicators"]  # S8
    funds = {"fiscal": {"initial": "300", "adjusted": "0", "executed": "0"}}
    doc = patch(client, staff, doc, {"funds": funds}).json
    submitted = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    assert "年度资金总额（调整后预算数）应大于0" in submitted.json["error"]["fields"]["funds"]  # S1


def test_x1_every_sub_item_rated(client, bureau):
    staff = bearer(bureau["guihua"])
    p = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    doc = client.post(
        "/api/v1/documents", json={"project_id": p.id, "kind": "ex_ante_assessment"}, headers=staff
    ).json
    ratings = [{"rating": "优"}] * 19 + [{"rating": "", "opinion": "意" * 101}]
    refused = patch(client, staff, doc, {"ratings": ratings})
    assert (
        "「评估意见」" not in str(refused.json)
        and "「债务风险可控性」评估意见不得超过100字，当前101字" in refused.json["error"]["fields"]["ratings"]
    )
    doc = patch(client, staff, doc, {"ratings": ratings[:19], "overall_opinion": "同意"}).json
    submitted = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    assert "「债务风险可控性」请选择评价等级" in submitted.json["error"]["fields"]["ratings"]


def test_d1_department_evaluation_follows_the_self_evaluation_rules(client, bureau):
    finance = bearer(bureau["finance"])
    made = client.post(
        "/api/v1/documents", json={"kind": "department_evaluation", "year": 2026}, headers=finance
    ).json
    data = {
        "funds": {"fiscal": {"initial": "1000", "adjusted": "1200", "executed": "960"}},
        "indicators": E2_ROWS[:3],
    }
    rows_ = [dict(r, actual=r["value"]) for r in E2_ROWS[:3]]
    rows_[0]["weight"], rows_[1]["weight"], rows_[2]["weight"] = "30", "30", "30"
    doc = patch(client, finance, made, data | {"indicators": rows_}).json
    assert doc["data"]["execution_rate"] == "0.8" and doc["data"]["budget_score"] == "8.00"
    submitted = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=finance,
    )
    fields = submitted.json["error"]["fields"]
    assert fields["execution_reason"] == ["预算执行率未达到90%，须说明原因（100字以内）"]
    assert fields["adjustment_reason"] == ["年中发生预算调整，须单独说明理由"]


def test_rules_show_next_to_the_field_on_the_page(client_for, bureau):
    staff = client_for(bureau["guihua"])
    p = project()
    staff.post("/documents/new", data={"project_id": p.id, "kind": "performance_targets"})
    from zyperf.models import StageDocument

    doc = db.session.scalar(select(StageDocument).where(StageDocument.project_id == p.id))
    page = staff.post(
        f"/documents/{doc.id}/edit",
        data={"version": doc.version, "funds-fiscal-amount": "1.234", "annual_goal": "目" * 501},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert (
        '<div class="invalid-feedback d-block field-error" data-field="funds">财政资金·金额：金额应为不小于0的数字，最多两位小数</div>'
        in html
    )
    assert (
        '<div class="invalid-feedback d-block field-error" data-field="annual_goal">年度目标不得超过500字，当前501字</div>'
        in html
    )
