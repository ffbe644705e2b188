"""Rectification reports (整改报告, rules 三(四), excel-formats §8.5): several problems per report, each
refused by row and column, deadlines that cannot be backdated, the declaration of truthfulness with
who and when, overdue problems counted in SQL within each user's scope, the department's own report."""

import io
from datetime import date, timedelta

from sqlalchemy import event, select

from tests.filling import problem_row
from tests.test_stage_figures import patch, project
from tests.test_workflow_api import bearer
from zyperf.domain import problems
from zyperf.extensions import db
from zyperf.models import Attachment, DocumentEvent, Project, RectificationProblem, StageDocument
from zyperf.services import documents, rectification
from zyperf.services.projects import fiscal_year

SPEC = {"label": "问题及整改情况", "rows_min": 1}
LATER = (date.today() + timedelta(days=60)).isoformat()
PAST = (date.today() - timedelta(days=1)).isoformat()


def current(doc_id) -> StageDocument:
    db.session.rollback()
    return db.session.get(StageDocument, doc_id)


def new_report(client, bureau, **data):
    made = client.post(
        "/api/v1/documents",
        json={"project_id": project().id, "kind": "rectification", "data": data},
        headers=bearer(bureau["guihua"]),
    )
    assert made.status_code == 201, made.json
    return made.json


def test_each_problems_errors_are_named_by_row_and_column():
    rows = [
        problem_row(),
        problem_row(source="媒体", deadline="2026-02-30", status=""),
        problem_row(description="", responsible_person="人" * 31),
        problem_row(status="已完成"),
    ]
    cleaned, errors = problems.clean_problems(SPEC, rows, complete=True)
    assert cleaned == []
    assert [(e.row, e.column) for e in errors] == [
        (2, "source"),
        (2, "deadline"),
        (2, "status"),
        (3, "description"),
        (3, "responsible_person"),
        (4, "result"),
    ]
    assert [str(e) for e in errors] == [
        "第2行：问题来源应为 自评、监控、部门评价、财政评价、审计、其他 之一",
        "第2行：整改时限不是有效日期（YYYY-MM-DD）",
        "第2行：请选择整改状态",
        "第3行：请填写问题描述",
        "第3行：责任人不得超过30字，当前31字",
        "第4行：整改状态为“已完成”，须填写整改完成情况说明",
    ]
    # A draft may be incomplete, never wrong; labels are read as their codes.
    draft, errors = problems.clean_problems(SPEC, [{"source": "审计", "status": "正在整改"}], complete=False)
    assert errors == [] and draft[0]["source"] == "audit" and draft[0]["status"] == "in_progress"
    assert problems.clean_problems(SPEC, draft, complete=False) == (draft, [])


def test_no_backdating_rule():
    today = date(2026, 6, 1)
    stored = [problem_row(number=1, deadline="2026-07-31"), problem_row(number=2, deadline="")]
    rows = problems.number_rows(
        stored,
        [
            problem_row(number=1, deadline="2026-07-30"),  # earlier than stored: refused
            problem_row(number=2, deadline="2026-05-31"),  # first given now, before today: refused
            problem_row(deadline="2026-05-31"),  # new, before today: refused
            problem_row(number=9, deadline="2026-06-01"),  # unknown 序号: a new problem, today is fine
        ],
    )
    assert [r["number"] for r in rows] == [1, 2, 3, 4]
    assert [str(e) for e in problems.deadline_errors(stored, rows, today)] == [
        "第1行：整改时限不得早于原定的2026-07-31（不得倒签）",
        "第2行：新增问题（或首次填写）的整改时限不得早于今天（2026-06-01）",
        "第3行：新增问题（或首次填写）的整改时限不得早于今天（2026-06-01）",
    ]
    later = problems.number_rows(stored, [problem_row(number=1, deadline="2026-09-30")])
    assert problems.deadline_errors(stored, later, today) == []


def test_a_report_with_several_problems_through_the_api(client, bureau):
    doc = new_report(
        client, bureau, problems=[problem_row(), problem_row(source="monitoring", type="进度滞后")]
    )
    stored = doc["data"]["problems"]
    assert [p["number"] for p in stored] == [1, 2] and stored[1]["source"] == "monitoring"
    headers = bearer(bureau["guihua"])
    # Row and column come back in the 422's fields.
    bad = patch(client, headers, doc, {"problems": [*stored, problem_row(status="wrong", deadline=PAST)]})
    assert bad.status_code == 422
    assert bad.json["error"]["fields"]["problems"] == ["第3行：整改状态应为 已完成、正在整改、未整改 之一"]
    # Backdating: a stored deadline moved earlier, a new problem dated in the past.
    earlier = [dict(stored[0], deadline=(date.today() + timedelta(days=1)).isoformat()), stored[1]]
    refused = patch(client, headers, doc, {"problems": earlier})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["problems"] == [
        f"第1行：整改时限不得早于原定的{stored[0]['deadline']}（不得倒签）"
    ]
    past = patch(client, headers, doc, {"problems": [*stored, problem_row(deadline=PAST)]})
    assert past.json["error"]["fields"]["problems"] == [
        f"第3行：新增问题（或首次填写）的整改时限不得早于今天（{date.today().isoformat()}）"
    ]
    # Moving a deadline later is allowed; removing a problem removes its ledger row.
    saved = patch(client, headers, doc, {"problems": [dict(stored[1], deadline=LATER)]})
    assert saved.status_code == 200, saved.json
    rows = db.session.scalars(
        select(RectificationProblem).where(RectificationProblem.document_id == doc["id"])
    ).all()
    assert [(r.number, r.deadline.isoformat(), r.problem_type) for r in rows] == [(2, LATER, "进度滞后")]


def test_submission_needs_the_declaration_and_records_who_and_when(client, client_for, bureau):
    doc = new_report(client, bureau, problems=[problem_row()], summary="已按要求整改")
    headers = bearer(bureau["guihua"])
    refused = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "请先勾选整改报告真实性声明" in refused.json["error"]["message"]
    assert current(doc["id"]).declared_at is None
    declared = patch(client, headers, doc, {"truthfulness": True}).json
    submitted = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": declared["version"]},
        headers=headers,
    )
    assert submitted.status_code == 200, submitted.json
    stored = current(doc["id"])
    assert stored.declared_by_id == bureau["guihua"].id and stored.declared_at == stored.submitted_at
    events = db.session.scalars(select(DocumentEvent).where(DocumentEvent.document_id == doc["id"])).all()
    declaration = next(e for e in events if e.action == "declare")
    assert declaration.actor_id == bureau["guihua"].id and declaration.at == stored.submitted_at
    assert "本单位对整改报告内容的真实性负责" in declaration.comment
    body = client.get(f"/api/v1/documents/{doc['id']}", headers=headers).json
    assert body["declaration"]["by"] == "guihua" and body["declaration"]["at"].startswith(
        str(stored.declared_at.year)
    )
    page = client_for(bureau["guihua_head"]).get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert 'id="declaration">规划科 陈晓 于 ' in page and "真实性声明" in page


def test_overdue_problems_are_counted_in_sql_within_scope(client, bureau):
    # A report written in January whose deadline has since passed (the service judges by `today`).
    p = project()
    january = date(date.today().year, 1, 10)
    documents.create_document(
        "rectification",
        actor=bureau["guihua"],
        project=p,
        data={
            "problems": [
                problem_row(deadline=(january + timedelta(days=20)).isoformat()),
                problem_row(
                    deadline=(january + timedelta(days=20)).isoformat(), status="done", result="已完成"
                ),
                problem_row(deadline=LATER),
            ]
        },
        today=january,
    )
    other = db.session.scalar(select(Project).where(Project.unit.has(code="gengdi")).order_by(Project.id))
    documents.create_document(
        "rectification",
        actor=bureau["gengdi"],
        project=other,
        data={"problems": [problem_row(deadline=(january + timedelta(days=5)).isoformat())]},
        today=january,
    )
    db.session.commit()
    count = rectification.overdue_count
    assert count(bureau["guihua"]) == 1 and count(bureau["gengdi"]) == 1
    assert count(bureau["finance"]) == 2 and count(bureau["leader"]) == 2 and count(bureau["deputy"]) == 2
    assert count(bureau["admin"]) == 0
    assert count(bureau["guihua"], today=january) == 0  # not yet overdue then
    mine = rectification.overdue_problems(bureau["guihua"])
    assert [(m.project.name, m.number, m.status) for m in mine] == [(p.name, 1, "in_progress")]
    assert rectification.overdue_by_unit(bureau["finance"]) == {p.unit_id: 1, other.unit_id: 1}
    # One COUNT query, whatever the number of problems.
    statements = []
    listen = lambda *args: statements.append(args[2])
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        count(bureau["finance"])
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert len(statements) == 1 and "count" in statements[0].lower()


def test_the_departments_own_report_is_finances(client, client_for, bureau):
    finance = bearer(bureau["finance"])
    made = client.post(
        "/api/v1/documents",
        json={
            "kind": "department_rectification",
            "year": 2026,
            "data": {
                "problems": [problem_row(source="department", responsible_unit="财务科")],
                "truthfulness": True,
            },
        },
        headers=finance,
    )
    assert made.status_code == 201, made.json
    doc = made.json
    assert doc["project_id"] is None and doc["allowed_actions"] == ["submit"]
    staff = bearer(bureau["guihua"])
    assert (
        client.post(
            "/api/v1/documents", json={"kind": "department_rectification", "year": 2026}, headers=staff
        ).status_code
        == 403
    )
    submitted = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=finance,
    ).json
    assert submitted["state"] == "submitted" and current(doc["id"]).declared_by_id == bureau["finance"].id
    leader = client_for(bureau["leader"])
    assert (
        leader.post(
            f"/documents/{doc['id']}/transition", data={"action": "approve", "version": submitted["version"]}
        ).status_code
        == 303
    )
    assert current(doc["id"]).state == "principal_approved"
    ledger = rectification.problem_ledger(bureau["finance"], fiscal_year(2026))
    assert [rectification.subject_of(p) for p in ledger] == ["部门整体支出"]
    assert rectification.problem_ledger(bureau["guihua"], fiscal_year(2026)) == []


def test_evidence_is_uploaded_per_problem_and_never_replaced(client_for, bureau):
    doc = documents.create_document(
        "rectification", actor=bureau["guihua"], project=project(), data={"problems": [problem_row()]}
    )
    db.session.commit()
    staff = client_for(bureau["guihua"])
    row = doc.data["problems"][0]

    def post(content: bytes, name: str):
        fields = {f"problems-0-{k}": v for k, v in row.items() if k not in ("evidence",)}
        return staff.post(
            f"/documents/{doc.id}/edit",
            data={
                "version": current(doc.id).version,
                **fields,
                "problems-0-evidence_file": (io.BytesIO(content), name),
            },
            content_type="multipart/form-data",
        )

    first = post(b"%PDF-1.4 first", "整改佐证.pdf")
    assert first.status_code == 303, first.get_data(as_text=True)[:3000]
    second = post(b"%PDF-1.4 second", "整改佐证.pdf")
    assert second.status_code == 303
    evidence = current(doc.id).data["problems"][0]["evidence"]
    assert [e["name"] for e in evidence] == ["整改佐证.pdf", "整改佐证.pdf"]
    ids = [e["attachment_id"] for e in evidence]
    contents = [db.session.get(Attachment, i).content for i in ids]
    assert contents == [b"%PDF-1.4 first", b"%PDF-1.4 second"]
    assert db.session.scalar(select(RectificationProblem.evidence)) == ["整改佐证.pdf", "整改佐证.pdf"]
    refused = post(b"MZ", "tool.exe")
    assert refused.status_code == 422 and "佐证材料只接受以下类型" in refused.get_data(as_text=True)
    page = staff.get(f"/documents/{doc.id}").get_data(as_text=True)
    table = page.split('id="attachments"')[1]
    assert table.count("整改佐证.pdf") == 2 and "规划科 陈晓" in table
    assert all(db.session.get(Attachment, i).sha256 in table for i in ids)
