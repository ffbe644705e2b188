"""Issue 7 through HTTP: every figure comes from the amounts, the final targets and the year's
settings (excel-formats §4); nobody types one, and a score differs from its formula only as a
judgment on the record."""

import pytest
from sqlalchemy import select

from tests.filling import into_library
from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import DocumentEvent, Project, StageDocument
from zyperf.services import documents, workflow
from zyperf.services.projects import create_project

E2_ROWS = [
    {"level1": "成本指标", "level2": "经济成本指标", "level3": "单村规划编制成本", "nature": "≤",
     "value": "6", "unit": "万元/个", "weight": "10"},
    {"level1": "产出指标", "level2": "数量指标", "level3": "完成村级规划编制数量", "nature": "≥",
     "value": "20", "unit": "个", "weight": "30"},
    {"level1": "产出指标", "level2": "时效指标", "level3": "成果按期提交率", "nature": "=",
     "value": "100", "unit": "%", "weight": "20"},
    {"level1": "效益指标", "level2": "社会效益指标", "level3": "规划对村庄建设的指导作用", "nature": "定性",
     "value": "效果明显", "unit": "", "weight": "20"},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "村民满意度", "nature": "≥",
     "value": "90", "unit": "%", "weight": "10"},
]  # fmt: skip


def project(name="国土空间规划“一张图”实施监督信息系统运维") -> Project:
    return db.session.scalar(select(Project).where(Project.name == name))


def final_targets(bureau, funds: dict, rows=E2_ROWS) -> StageDocument:
    """Targets taken through the whole chain to final, as the people of the demo bureau would."""
    p = project()
    assert not p.needs_ex_ante
    data = {
        "manager": "张三 13800000000",
        "funds": funds,
        "annual_goal": "完成20个村的规划编制",
        "indicators": rows,
    }
    doc = documents.create_document("performance_targets", actor=bureau["guihua"], project=p, data=data)
    for name in ("guihua", "guihua_head", "deputy", "finance"):
        action = "submit" if name == "guihua" else "approve"
        workflow.apply(doc, action, actor=bureau[name], expected_version=doc.version)
    db.session.commit()
    assert doc.state == "final"
    return doc


def patch(client, headers, doc, data):
    return client.patch(
        f"/api/v1/documents/{doc['id']}", json={"data": data, "version": doc["version"]}, headers=headers
    )


def test_monitoring_carries_the_targets_and_computes_rate_class_and_handling(client, bureau):
    targets = final_targets(bureau, {"fiscal": {"amount": "280"}, "unit": {"amount": "20"}})
    staff = bearer(bureau["guihua"])
    doc = client.post(
        "/api/v1/documents", json={"project_id": targets.project_id, "kind": "monitoring"}, headers=staff
    ).json
    rows = doc["data"]["indicators"]
    assert [r["level3"] for r in rows] == [r["level3"] for r in E2_ROWS]
    assert rows[0]["weight"] == "10" and rows[0]["actual"] == "" and rows[0]["likelihood"] == ""
    assert doc["data"]["funds"]["fiscal"] == {
        "initial": "280.00",
        "adjusted": "280.00",
        "executed": "0.00",
        "expected": "0.00",
    }

    # E1: 300.00 adjusted at m = 8; 199.99 executed (fiscal 190.00, unit 9.99) lags.
    funds = doc["data"]["funds"] | {"fiscal": {"initial": "280", "adjusted": "280", "executed": "190"},
                                    "unit": {"initial": "20", "adjusted": "20", "executed": "9.99"}}  # fmt: skip
    saved = patch(client, staff, doc, {"funds": funds})
    assert saved.status_code == 200, saved.json
    data = saved.json["data"]
    assert data["monitoring_class"] == "滞后" and data["handling"] == "督促加快"
    assert data["execution_rate"].startswith("0.666633")  # unrounded: 199.99 / 300

    # The promise is read-only, a computed figure cannot be typed: 422 naming it, nothing stored.
    changed = [dict(r) for r in data["indicators"]]
    changed[1]["weight"] = "40"
    refused = patch(client, staff, saved.json, {"indicators": changed})
    assert refused.status_code == 422
    assert "第2行：权重来自已批复的绩效目标，不能修改" in refused.json["error"]["fields"]["indicators"]
    typed = patch(client, staff, saved.json, {"monitoring_class": "正常"})
    assert typed.status_code == 422 and "monitoring_class" in typed.json["error"]["fields"]
    after = client.get(f"/api/v1/documents/{doc['id']}", headers=staff).json
    assert after["version"] == saved.json["version"] and after["data"]["monitoring_class"] == "滞后"

    # M2: submission names the missing reason; M3: each indicator's likelihood.
    filled = [
        r | {"actual": r["value"], "expected": r["value"], "likelihood": "certain"}
        for r in data["indicators"]
    ]
    filled[3] |= {"likelihood": "possible"}
    after = patch(client, staff, after, {"indicators": filled, "funds": funds}).json
    refused = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": after["version"]},
        headers=staff,
    )
    assert refused.status_code == 422
    fields = refused.json["error"]["fields"]
    assert fields["deviation_reason"] == ["执行进度滞后，须说明偏差原因"]
    assert any("须勾选至少一项偏差原因" in m for m in fields["indicators"])
    assert any("须填写备注" in m for m in fields["indicators"])

    # With a 计划进度 of 50%, the same execution is 正常 (E1); the handling is blank.
    filled[3] |= {"causes": ["staff"], "remark": "技术人员借调"}
    planned = patch(client, staff, after, {"indicators": filled, "planned_progress": "50"}).json
    assert planned["data"]["monitoring_class"] == "正常" and planned["data"]["handling"] == ""
    ok = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": planned["version"]},
        headers=staff,
    )
    assert ok.status_code == 200, ok.json


def self_evaluation(client, bureau):
    final_targets(bureau, {"fiscal": {"amount": "120"}})
    staff = bearer(bureau["guihua"])
    doc = client.post(
        "/api/v1/documents", json={"project_id": project().id, "kind": "self_evaluation"}, headers=staff
    ).json
    rows = doc["data"]["indicators"]
    for row, actual in zip(rows, ["7.2", "16", "100", "基本发挥指导作用", "92"], strict=True):
        row["actual"] = actual
    rows[3] |= {"grade": "部分达成年度指标并具有一定效果", "score_entered": "15"}
    funds = {"fiscal": {"initial": "120", "adjusted": "150", "executed": "127.5"}}
    saved = patch(client, staff, doc, {"funds": funds, "indicators": rows})
    assert saved.status_code == 200, saved.json
    return staff, saved.json


def test_self_evaluation_e2_scores_total_and_grade(client, bureau):
    _staff, doc = self_evaluation(client, bureau)
    data = doc["data"]
    assert data["budget_score"] == "8.50" and data["execution_rate"] == "0.85"
    assert [r["score"] for r in data["indicators"]] == ["8.00", "24.00", "20.00", "15.00", "10.00"]
    assert (
        data["total_score"] == "85.50" and data["grade"] == "良" and data["suggestion"] == "据实予以合理保障"
    )


def test_an_entered_score_needs_its_reason_and_is_kept_beside_the_formula(client, bureau):
    staff, doc = self_evaluation(client, bureau)
    rows = [dict(r) for r in doc["data"]["indicators"]]
    rows[1]["score_entered"] = "28"
    refused = patch(client, staff, doc, {"indicators": rows})
    assert refused.status_code == 422
    assert (
        "第2行：评定得分与公式得分（24.00）不同，须填写评分说明"
        in refused.json["error"]["fields"]["indicators"]
    )
    rows[1]["score_note"] = "部分村庄合并，实际覆盖全部规划范围"
    saved = patch(client, staff, doc, {"indicators": rows})
    assert saved.status_code == 200, saved.json
    data = saved.json["data"]
    assert data["indicators"][1]["score"] == "28.00" and data["indicators"][1]["score_formula"] == "24.00"
    assert data["total_score"] == "89.50" and data["grade"] == "良"
    edit = saved.json["history"][-1]
    assert edit["changes"]["indicators[2].score_entered"] == ["", "28"]
    assert edit["changes"]["indicators[2].score"] == ["24.00", "28.00"]


def test_submission_names_every_reason_section_5_requires(client, bureau):
    staff, doc = self_evaluation(client, bureau)
    texts = {
        "goal_completion": "完成",
        "implementation": "按计划实施",
        "conclusion": "良",
        "problems": "无",
        "measures": "无",
    }
    doc = patch(client, staff, doc, texts).json
    refused = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    assert refused.status_code == 422
    fields = refused.json["error"]["fields"]
    assert fields["execution_reason"] == ["预算执行率未达到90%，须说明原因（100字以内）"]  # S2
    assert fields["adjustment_reason"] == ["年中发生预算调整，须单独说明理由"]  # S3
    assert [m[:4] for m in fields["indicators"]] == ["第1行：", "第2行：", "第4行："]  # S7
    long = patch(client, staff, doc, {"conclusion": "很" * 201})
    assert long.json["error"]["fields"]["conclusion"] == ["评价结论不得超过200字，当前201字"]  # S5, G2


def test_a_reviewer_adjusts_a_score_on_the_record(client, client_for, bureau):
    staff, doc = self_evaluation(client, bureau)
    texts = {"goal_completion": "完成", "implementation": "按计划实施", "conclusion": "良", "problems": "无",
             "measures": "无", "execution_reason": "资金拨付滞后", "adjustment_reason": "追加规划任务"}  # fmt: skip
    rows = [r | {"reason": "进度滞后"} for r in doc["data"]["indicators"]]
    doc = patch(client, staff, doc, texts | {"indicators": rows}).json
    submitted = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    assert submitted.status_code == 200, submitted.json
    head = client_for(bureau["guihua_head"])
    page = head.post(
        f"/documents/{doc['id']}/score",
        data={
            "target": "5",
            "score": "8",
            "comment": "满意度调查样本不足",
            "version": submitted.json["version"],
        },
    )
    assert page.status_code == 303
    db.session.rollback()
    document = db.session.get(StageDocument, doc["id"])
    row = document.data["indicators"][4]
    assert (row["score"], row["score_formula"], row["score_by"]) == (
        "8.00",
        "10.00",
        bureau["guihua_head"].display_name,
    )
    assert document.data["total_score"] == "83.50" and document.last_edited_by_id == bureau["guihua"].id
    event = db.session.scalars(select(DocumentEvent).where(DocumentEvent.document_id == document.id)).all()[
        -1
    ]
    assert event.action == "adjust_score" and event.comment == "满意度调查样本不足"
    assert event.changes["indicators[5].score"] == ["10.00", "8.00"]
    # Out of range: refused on the same page, nothing changed.
    again = head.post(
        f"/documents/{doc['id']}/score",
        data={"target": "5", "score": "11", "comment": "x", "version": document.version},
    )
    assert again.status_code == 422 and "得分应在0至10分之间" in again.get_data(as_text=True)
    # Staff, who drafted it, cannot.
    denied = client_for(bureau["guihua"]).post(
        f"/documents/{doc['id']}/score",
        data={"target": "5", "score": "1", "comment": "x", "version": document.version},
    )
    assert denied.status_code == 403


@pytest.mark.parametrize(
    ("change", "total", "conclusion"), [(None, "84", "予以支持"), ("差", "79", "调整完善后予以支持")]
)
def test_ex_ante_e4_score_and_conclusion(client, bureau, change, total, conclusion):
    staff = bearer(bureau["guihua"])
    p = project("村级国土空间规划编制")
    doc = client.post(
        "/api/v1/documents", json={"project_id": p.id, "kind": "ex_ante_assessment"}, headers=staff
    ).json
    assert doc["data"]["requested_amount"] == "680.00"
    ratings = [
        "优",
        "优",
        "良",
        "良",
        "良",
        "良",
        "良",
        "良",
        "良",
        "良",
        "中",
        "中",
        "优",
        "良",
        "良",
        "中",
        "优",
        "优",
        "优",
        "优",
    ]
    if change:
        ratings[-1] = change
    saved = patch(client, staff, doc, {"ratings": [{"rating": r} for r in ratings]})
    assert saved.status_code == 200, saved.json
    data = saved.json["data"]
    assert data["aspect_scores"] == ["18", "16", "14", "16", "20" if not change else "15"]
    assert data["total_score"] == total and data["conclusion"] == conclusion
    too_much = patch(client, staff, saved.json, {"suggested_amount": "700"})
    assert too_much.json["error"]["fields"]["suggested_amount"] == [
        "建议预算控制数不得超过申请预算金额（680.00万元）"
    ]


def test_a_project_total_is_the_sum_of_its_sources(client, bureau):
    staff = bearer(bureau["guihua"])
    body = {"name": "总额检查", "year": 2026, "amounts": {"total": "0.01", "fiscal": "50", "other": "50"}}
    refused = client.post("/api/v1/projects", json=body, headers=staff)
    assert (
        refused.status_code == 422
        and "由各资金来源合计得出" in refused.json["error"]["fields"]["total_amount"][0]
    )
    body["amounts"] = {"fiscal": "50", "special": "10", "unit": "5", "other": "5", "carryover": "20"}
    made = client.post("/api/v1/projects", json=body, headers=staff).json
    assert made["amounts"]["total"] == "70.00" and made["amounts"]["carryover"] == "20.00"


def test_a_settings_change_after_submission_is_shown_never_applied(client, client_for, bureau):
    from zyperf.services import settings as settings_service

    targets = final_targets(bureau, {"fiscal": {"amount": "300"}})
    staff = bearer(bureau["guihua"])
    doc = client.post(
        "/api/v1/documents", json={"project_id": targets.project_id, "kind": "monitoring"}, headers=staff
    ).json
    rows = [
        r | {"actual": r["value"], "expected": r["value"], "likelihood": "certain"}
        for r in doc["data"]["indicators"]
    ]
    funds = {"fiscal": {"initial": "300", "adjusted": "300", "executed": "190"}}
    doc = patch(client, staff, doc, {"funds": funds, "indicators": rows, "deviation_reason": "招标延期"}).json
    assert doc["data"]["monitoring_class"] == "滞后"  # 190 × 12 < 300 × 8
    client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    settings_service.update_year_settings(
        targets.fiscal_year, {"monitoring.month": "7"}, actor=bureau["admin"]
    )
    db.session.commit()
    page = client_for(bureau["guihua"]).get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert "计算设置已被修改" in page and "1-8月执行率" in page  # the submitted figures keep month 8
    after = client.get(f"/api/v1/documents/{doc['id']}", headers=staff).json
    assert after["data"]["monitoring_class"] == "滞后" and after["data"]["execution_rate"].startswith(
        "0.6333"
    )
    # A new document of the year computes with the new month: 190 × 12 ≥ 300 × 7.
    other = create_project(
        actor=bureau["guihua"],
        unit=bureau["guihua"].unit,
        fiscal_year=targets.fiscal_year,
        values={"name": "月份变更后的项目", "fiscal_amount": "300"},
    )
    into_library(other, bureau)
    new = client.post(
        "/api/v1/documents", json={"project_id": other.id, "kind": "monitoring"}, headers=staff
    ).json
    new = patch(client, staff, new, {"funds": funds}).json
    assert new["data"]["monitoring_class"] == "正常"
    assert "1-7月执行数" in client_for(bureau["guihua"]).get(f"/documents/{new['id']}/edit").get_data(
        as_text=True
    )


def test_a_document_keeps_the_family_it_was_created_with(client, bureau):
    from zyperf.services import settings as settings_service

    final_targets(bureau, {"fiscal": {"amount": "300"}})
    fy = project().fiscal_year
    settings_service.update_year_settings(
        fy, {"family.self_evaluation": "central-2020"}, actor=bureau["admin"]
    )
    db.session.commit()
    staff = bearer(bureau["guihua"])
    doc = client.post(
        "/api/v1/documents", json={"project_id": project().id, "kind": "self_evaluation"}, headers=staff
    ).json
    stored = db.session.get(StageDocument, doc["id"])
    assert stored.template_family == "central-2020" and "carryover" in doc["data"]["funds"]
    settings_service.update_year_settings(
        fy, {"family.self_evaluation": "sichuan-510000"}, actor=bureau["admin"]
    )
    db.session.commit()
    db.session.refresh(stored)
    assert stored.template_family == "central-2020"


def test_cents_add_up_on_every_database(client, bureau):
    """SQLite compares NUMERIC as floating point: 0.10 + 0.20 must still be a total of 0.30."""
    staff = bearer(bureau["guihua"])
    made = client.post(
        "/api/v1/projects",
        json={"name": "分角相加", "year": 2026, "amounts": {"fiscal": "0.1", "other": "0.2"}},
        headers=staff,
    )
    assert made.status_code == 201, made.json
    assert made.json["amounts"]["total"] == "0.30"
