"""Department targets (D-1, rules 三(四), excel-formats §7.1 and D1): finance drafts the tasks with their
amounts, the overall goal and the indicators; the principal approves them; the department evaluation
(D-2) then starts from them, their indicators carried read-only."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.test_stage_figures import E2_ROWS, patch
from tests.test_workflow_api import bearer
from zyperf.domain import tasks
from zyperf.extensions import db
from zyperf.models import DocumentEvent, StageDocument
from zyperf.services import documents, workflow
from zyperf.services.projects import fiscal_year

SPEC = {"label": "年度主要任务", "rows_min": 1}
TASKS = [
    {"name": "国土空间规划", "content": "完成市级国土空间总体规划报批", "fiscal": "800", "other": "200"},
    {"name": "耕地保护", "content": "落实耕地占补平衡", "fiscal": "350.5", "other": ""},
]
TARGETS = {"tasks": TASKS, "annual_goal": "全面完成年度规划、耕保和确权登记任务", "indicators": E2_ROWS}


def current(doc_id) -> StageDocument:
    db.session.rollback()
    return db.session.get(StageDocument, doc_id)


def test_task_table_computes_each_total_and_names_row_and_column():
    rows = tasks.check_tasks(SPEC, TASKS, complete=True)
    assert [r["total"] for r in rows] == ["1000.00", "350.50"]
    assert rows[1] == {"name": "耕地保护", "content": "落实耕地占补平衡", "total": "350.50",
                           "fiscal": "350.50", "other": "0.00"}  # fmt: skip
    assert tasks.check_tasks(SPEC, rows, complete=True) == rows  # what is stored checks again to itself
    assert tasks.task_totals(rows) == (Decimal("1350.50"), Decimal("1150.50"), Decimal("200.00"))
    _, errors = tasks.clean_tasks(
        SPEC,
        [
            {"name": "甲", "content": "内容", "fiscal": "1.234"},
            {"name": "", "content": "内容", "fiscal": "5", "other": "5", "total": "11"},
            {"name": "丙", "content": "内" * 201, "fiscal": "-1"},
        ],
        complete=True,
    )
    assert [(e.row, e.column) for e in errors] == [
        (1, "fiscal"),
        (2, "name"),
        (2, "total"),
        (3, "content"),
        (3, "fiscal"),
    ]
    assert str(errors[2]) == "第2行：总额由财政拨款与其他资金合计得出（应为10.00），不能直接填写"
    assert str(errors[3]) == "第3行：主要内容不得超过200字，当前201字"
    assert [str(e) for e in tasks.clean_tasks(SPEC, [], complete=True)[1]] == ["年度主要任务至少1项"]
    zero = tasks.clean_tasks(
        SPEC, [{"name": "甲", "content": "乙", "fiscal": "0.00", "other": "0"}], complete=True
    )
    assert [str(e) for e in zero[1]] == ["年度主要任务的金额合计应大于0"]


def test_department_targets_go_from_finance_to_the_principal_and_are_then_locked(client, client_for, bureau):
    finance = client_for(bureau["finance"])
    made = finance.post("/documents/new-department", data={"year": 2026, "kind": "department_targets"})
    assert made.status_code == 303
    doc = db.session.scalar(select(StageDocument).where(StageDocument.kind == "department_targets"))
    assert doc.project_id is None and doc.unit.is_finance and doc.state == "draft"
    # One per year; units cannot start one.
    again = finance.post("/documents/new-department", data={"year": 2026, "kind": "department_targets"})
    assert again.status_code == 409 and "已有" in again.get_data(as_text=True)
    staff = client_for(bureau["guihua"])
    assert (
        staff.post("/documents/new-department", data={"year": 2026, "kind": "department_targets"}).status_code
        == 403
    )

    api = bearer(bureau["finance"])
    body = client.get(f"/api/v1/documents/{doc.id}", headers=api).json
    typed = [dict(TASKS[0], total="999"), TASKS[1]]
    refused = patch(client, api, body, TARGETS | {"tasks": typed})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["tasks"] == [
        "第1行：总额由财政拨款与其他资金合计得出（应为1000.00），不能直接填写"
    ]
    saved = patch(client, api, body, TARGETS)
    assert saved.status_code == 200, saved.json
    data = saved.json["data"]
    assert [t["total"] for t in data["tasks"]] == ["1000.00", "350.50"]
    assert data["tasks_total"] == "1350.50" and data["weight_total"] == "90"

    submitted = client.post(
        f"/api/v1/documents/{doc.id}/transitions",
        json={"action": "submit", "version": saved.json["version"]},
        headers=api,
    )
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    leader = client_for(bureau["leader"])
    page = leader.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'data-action="approve"' in page and 'data-action="return"' in page
    assert "国土空间规划" in page and "1000.00" in page  # the task table as stored
    approved = leader.post(
        f"/documents/{doc.id}/transition", data={"action": "approve", "version": submitted.json["version"]}
    )
    assert approved.status_code == 303
    final = current(doc.id)
    assert final.state == "final"
    actions = [
        e.action for e in db.session.scalars(select(DocumentEvent).where(DocumentEvent.document_id == doc.id))
    ]
    assert actions == ["create", "edit", "submit", "approve"]
    # Final targets are locked, for finance too; units never see them.
    locked = patch(client, api, {"id": doc.id, "version": final.version}, {"annual_goal": "改"})
    assert locked.status_code == 403
    assert staff.get(f"/documents/{doc.id}").status_code == 404


def final_department_targets(bureau) -> StageDocument:
    """D-1 taken to final as finance and the principal would."""
    doc = documents.create_document(
        "department_targets", actor=bureau["finance"], fiscal_year=fiscal_year(2026), data=TARGETS
    )
    workflow.apply(doc, "submit", actor=bureau["finance"], expected_version=doc.version)
    workflow.apply(doc, "approve", actor=bureau["leader"], expected_version=doc.version)
    db.session.commit()
    return doc


def test_the_department_evaluation_stands_on_the_final_department_targets(client, client_for, bureau):
    targets = final_department_targets(bureau)
    api = bearer(bureau["finance"])
    made = client.post("/api/v1/documents", json={"kind": "department_evaluation", "year": 2026}, headers=api)
    assert made.status_code == 201
    doc = made.json
    rows = doc["data"]["indicators"]
    assert [r["level3"] for r in rows] == [r["level3"] for r in E2_ROWS]
    assert rows[1]["weight"] == "30" and rows[1]["actual"] == "" and rows[1]["score"] == ""
    assert doc["data"]["annual_goal"] == TARGETS["annual_goal"]
    # The budget starts from the tasks: 财政拨款 and 其他资金 in the 年初 and 调整后 columns.
    assert doc["data"]["funds"]["fiscal"] == {"initial": "1150.50", "adjusted": "1150.50", "executed": "0.00"}
    assert doc["data"]["funds"]["other"] == {"initial": "200.00", "adjusted": "200.00", "executed": "0.00"}
    stored = current(doc["id"])
    assert stored.parent_id == targets.id
    # The promise is read-only: a changed weight is refused with its row and column.
    changed = [dict(r) for r in rows]
    changed[1]["weight"] = "35"
    refused = patch(client, api, doc, {"indicators": changed})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["indicators"] == ["第2行：权重来自已批复的绩效目标，不能修改"]
    results = [dict(r, actual=r["value"]) for r in rows]
    results[3] |= {"actual": "效果明显", "grade": "达成年度指标", "score_entered": "20"}
    saved = patch(client, api, doc, {"indicators": results})
    assert saved.status_code == 200, saved.json
    assert saved.json["data"]["indicators"][1]["score"] == "30.00"
    page = client_for(bureau["finance"]).get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert (
        'id="carried-note"' in page
        and f'href="/documents/{targets.id}"' in page
        and "部门整体支出绩效目标" in page
    )


def test_without_final_department_targets_the_evaluation_starts_empty(client, bureau):
    draft = documents.create_document(
        "department_targets", actor=bureau["finance"], fiscal_year=fiscal_year(2026), data=TARGETS
    )
    db.session.commit()
    made = client.post(
        "/api/v1/documents",
        json={"kind": "department_evaluation", "year": 2026},
        headers=bearer(bureau["finance"]),
    ).json
    assert current(made["id"]).parent_id is None and draft.state == "draft"
    assert not made["data"].get("indicators") and not made["data"].get("annual_goal")


@pytest.mark.parametrize("kind", ["department_targets", "department_rectification"])
def test_department_kinds_are_listed_for_finance_only(client_for, bureau, kind):
    html = client_for(bureau["finance"]).get("/documents/").get_data(as_text=True)
    block = html.split('id="new-department"')[1].split("</div>")[0]
    assert f'value="{kind}"' in block
    staff_html = client_for(bureau["guihua"]).get("/documents/").get_data(as_text=True)
    assert "new-department" not in staff_html
    # Not offered as a project document either.
    assert f'<option value="{kind}">' not in staff_html.split('id="new-document"')[1].split("</form>")[0]
