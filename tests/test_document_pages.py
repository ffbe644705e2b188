"""The document pages: buttons are exactly allowed_actions, actions go through the service, bulk approval."""

import re

from sqlalchemy import select

from tests.filling import complete_data, into_library, push, unit_chain
from zyperf.extensions import db
from zyperf.models import Project, StageDocument
from zyperf.services import documents


def continuing_project():
    return next(
        p
        for p in db.session.scalars(
            select(Project).where(Project.unit.has(code="guihua")).order_by(Project.id)
        )
        if not p.needs_ex_ante and p.fiscal_year.year == 2026
    )


def form_post(data: dict, **extra) -> dict:
    """What a browser sends for the built form: tables as row fields, lists repeated, yes/no as yes/no."""
    posted = {}
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                for col, cell in row.items():
                    posted[f"{key}-{i}-{col}"] = (
                        cell if isinstance(cell, list) else "" if cell is None else str(cell)
                    )
        elif isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
            for source, row in value.items():
                posted |= {f"{key}-{source}-{col}": str(cell) for col, cell in row.items()}
        elif isinstance(value, bool):
            posted[key] = "yes" if value else "no"
        elif value is None:
            posted[key] = ""
        else:
            posted[key] = value
    return posted | extra


def buttons(html):
    return sorted(re.findall(r'data-action="([a-z_]+)"', html))


def current(doc_id):
    db.session.rollback()
    return db.session.get(StageDocument, doc_id)


def test_staff_to_finance_through_pages(client_for, bureau):
    staff = client_for(bureau["guihua"])
    project = continuing_project()
    into_library(project, bureau)
    created = staff.post("/documents/new", data={"project_id": project.id, "kind": "monitoring"})
    assert created.status_code == 303
    doc = db.session.scalar(
        select(StageDocument).where(
            StageDocument.project_id == project.id, StageDocument.kind == "monitoring"
        )
    )
    doc_id = doc.id
    form_page = staff.get(f"/documents/{doc_id}/edit").get_data(as_text=True)
    assert 'name="funds-fiscal-executed"' in form_page
    # A wrong value is shown next to its field, and nothing is stored.
    before = dict(current(doc_id).data)
    wrong = staff.post(
        f"/documents/{doc_id}/edit", data={"version": doc.version, "funds-fiscal-executed": "-3"}
    )
    assert wrong.status_code == 422
    assert 'data-field="funds"' in wrong.get_data(as_text=True)
    assert current(doc_id).data == before
    posted = form_post(
        complete_data("monitoring"), version=current(doc_id).version, deviation_reason="<b>雨季</b> =1+1"
    )
    saved = staff.post(f"/documents/{doc_id}/edit", data=posted)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    page = staff.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "&lt;b&gt;雨季&lt;/b&gt; =1+1" in page and "<b>雨季</b>" not in page
    assert buttons(page) == ["submit"]
    # Another unit's staff: 404 on every page of it.
    other = client_for(bureau["gengdi"])
    assert other.get(f"/documents/{doc_id}").status_code == 404
    assert (
        other.post(f"/documents/{doc_id}/transition", data={"action": "submit", "version": 1}).status_code
        == 404
    )
    assert (
        staff.post(
            f"/documents/{doc_id}/transition", data={"action": "submit", "version": current(doc_id).version}
        ).status_code
        == 303
    )
    head = client_for(bureau["guihua_head"])
    page = head.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert buttons(page) == ["approve", "return"]
    assert buttons(staff.get(f"/documents/{doc_id}").get_data(as_text=True)) == ["withdraw"]
    # Return without a comment: refused with the reason, nothing changes.
    refused = head.post(
        f"/documents/{doc_id}/transition", data={"action": "return", "version": current(doc_id).version}
    )
    assert refused.status_code == 422 and "必须填写意见" in refused.get_data(as_text=True)
    assert current(doc_id).state == "submitted"
    # A stale page: 409 and a message.
    stale = head.post(f"/documents/{doc_id}/transition", data={"action": "approve", "version": 1})
    assert stale.status_code == 409 and "刷新" in stale.get_data(as_text=True)
    assert (
        head.post(
            f"/documents/{doc_id}/transition", data={"action": "approve", "version": current(doc_id).version}
        ).status_code
        == 303
    )
    # The division leader approves from the list, in bulk.
    deputy = client_for(bureau["deputy"])
    listing = deputy.get("/documents/").get_data(as_text=True)
    assert f'name="ids" value="{doc_id}"' in listing
    bulk = deputy.post(
        "/documents/bulk-approve", data={"ids": [doc_id], f"version-{doc_id}": current(doc_id).version}
    )
    assert bulk.status_code == 303
    assert current(doc_id).state == "leader_approved"
    finance = client_for(bureau["finance"])
    worklist = finance.get("/worklist/").get_data(as_text=True)
    assert project.name in worklist
    assert (
        finance.post(
            f"/documents/{doc_id}/transition", data={"action": "approve", "version": current(doc_id).version}
        ).status_code
        == 303
    )
    final = current(doc_id)
    assert final.state == "final"
    assert [e.action for e in final.events] == ["create", "edit", "submit", "approve", "approve", "approve"]
    assert final.form_version == 1
    assert buttons(staff.get(f"/documents/{doc_id}").get_data(as_text=True)) == []
    assert staff.get(f"/documents/{doc_id}/edit").status_code == 403


def test_outstanding_and_diagram_pages(client_for, bureau):
    assert client_for(bureau["finance"]).get("/outstanding/").status_code == 200
    assert client_for(bureau["guihua"]).get("/outstanding/").status_code == 403
    diagram = client_for(bureau["admin"]).get("/admin/admin_workflows/").get_data(as_text=True)
    assert "绩效目标" in diagram and "分管领导" in diagram and "职责分离" in diagram
    assert client_for(bureau["finance"]).get("/admin/admin_workflows/").status_code == 403


def test_document_page_queries_do_not_grow_with_indicator_rows(client_for, bureau):
    from sqlalchemy import event

    from zyperf.services import documents

    staff = bureau["guihua"]
    client = client_for(staff)
    project = continuing_project()

    def rows(n):
        half = ["产出指标", "数量指标"], ["效益指标", "社会效益指标"]
        return [
            {"level1": half[i % 2][0], "level2": half[i % 2][1], "level3": f"指标{i}", "nature": "≥",
             "value": "1", "unit": "个", "weight": str(90 / n)}
            for i in range(n)
        ]  # fmt: skip

    def queries(path):
        db.session.expire_all()
        seen = []
        listener = lambda *a: seen.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = documents.create_document(
        "performance_targets", actor=staff, project=project, data={"indicators": rows(2)}
    )
    other = db.session.scalar(select(Project).where(Project.name == "中心城区控制性详细规划修编"))
    large = documents.create_document(
        "performance_targets", actor=staff, project=other, data={"indicators": rows(40)}
    )
    db.session.commit()
    for page in ("", "/edit"):
        assert queries(f"/documents/{small.id}{page}") == queries(f"/documents/{large.id}{page}")
    html = client.get(f"/documents/{large.id}").get_data(as_text=True)
    assert html.count("指标39") == 1


def test_project_page_lists_its_stages_and_starts_them(client_for, bureau):
    staff = client_for(bureau["guihua"])
    project = continuing_project()
    html = staff.get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    assert "新建绩效目标" in html and "待编制绩效目标" in html
    assert "新建绩效监控" not in html and "新建预算调整" not in html  # library kinds wait for 入库
    assert "新建事前绩效评估" not in html  # a continuing project needs none
    assert "新建绩效目标调整" not in html  # only from approved targets
    assert (
        staff.post(
            "/documents/new", data={"project_id": project.id, "kind": "performance_targets"}
        ).status_code
        == 303
    )
    html = staff.get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    assert "新建绩效目标<" not in html and "草稿" in html and "绩效目标待填报送审" in html
    # The head sees the stages but may start none.
    head_html = (
        client_for(bureau["guihua_head"]).get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    )
    assert "草稿" in head_html and "新建" not in head_html.split('id="project-documents"')[1]
    major = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    major_html = staff.get(f"/projects/details/?id={major.id}").get_data(as_text=True)
    assert "新建事前绩效评估" in major_html and "待事前评估结论" in major_html
    # In the library: monitoring, evaluation, adjustments (any number) may start.
    targets = db.session.scalar(select(StageDocument).where(StageDocument.project_id == project.id))
    documents.edit_document(
        targets,
        actor=bureau["guihua"],
        data=complete_data("performance_targets"),
        expected_version=targets.version,
    )
    db.session.commit()
    push(targets, unit_chain("guihua"), bureau)
    html = staff.get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    standing = html.split('id="project-standing"')[1].split("</div>")[0]
    assert "已入库" in standing
    for kind in ("绩效监控", "项目支出绩效自评", "预算调整", "绩效目标调整"):
        assert f"新建{kind}" in html, kind


def test_department_evaluation_is_finances_and_goes_to_the_principal(client_for, bureau):
    from tests.filling import complete_data

    finance = client_for(bureau["finance"])
    assert "部门整体支出绩效评价" in finance.get("/documents/").get_data(as_text=True)
    assert "new-department" not in client_for(bureau["guihua"]).get("/documents/").get_data(as_text=True)
    created = finance.post("/documents/new-department", data={"year": 2026})
    assert created.status_code == 303
    doc = db.session.scalar(select(StageDocument).where(StageDocument.kind == "department_evaluation"))
    assert doc.project_id is None and doc.unit.is_finance
    assert (
        client_for(bureau["guihua"]).post("/documents/new-department", data={"year": 2026}).status_code == 403
    )
    again = finance.post("/documents/new-department", data={"year": 2026})
    assert again.status_code == 409 and "已有" in again.get_data(as_text=True)
    from zyperf.services import documents, workflow

    documents.edit_document(
        doc,
        actor=bureau["finance"],
        data=complete_data("department_evaluation"),
        expected_version=doc.version,
    )
    workflow.apply(doc, "submit", actor=bureau["finance"], expected_version=doc.version)
    db.session.commit()
    leader = client_for(bureau["leader"])
    assert buttons(leader.get(f"/documents/{doc.id}").get_data(as_text=True)) == ["approve", "return"]
    # Units never see it.
    assert client_for(bureau["guihua"]).get(f"/documents/{doc.id}").status_code == 404


def test_bulk_approval_reports_each_document(client_for, bureau):
    from tests.filling import complete_data
    from zyperf.services import documents, workflow

    staff = bureau["guihua"]
    made = []
    for name in ("中心城区控制性详细规划修编", "国土空间规划“一张图”实施监督信息系统运维"):
        project = db.session.scalar(select(Project).where(Project.name == name))
        doc = documents.create_document(
            "ex_ante_assessment", actor=staff, project=project, data=complete_data("ex_ante_assessment")
        )
        workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
        made.append(doc)
    db.session.commit()
    head = client_for(bureau["guihua_head"])
    fresh, stale = made
    response = head.post(
        "/documents/bulk-approve",
        data={
            "ids": [fresh.id, stale.id],
            f"version-{fresh.id}": fresh.version,
            f"version-{stale.id}": stale.version - 1,
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "已审核通过" in html and "已被他人处理" in html
    assert current(fresh.id).state == "head_approved" and current(stale.id).state == "submitted"


def test_workflow_svg_is_drawn_from_the_table():
    from admin.diagrams import workflow_svg
    from zyperf.transitions import ACTION_LABELS, STATE_LABELS, WORKFLOWS

    for workflow in WORKFLOWS.values():
        svg = str(workflow_svg(workflow))
        assert svg.startswith("<svg") and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
        for state in workflow.states:
            assert f'data-state="{state.value}"' in svg and STATE_LABELS[state] in svg
        for row in workflow.transitions:
            assert ACTION_LABELS[row.action] in svg
        arrows = svg.count("<path d=") - 1  # one is the arrowhead marker
        assert arrows == sum(len(r.sources) for r in workflow.transitions)


def test_home_page_counts_the_worklist_once(client_for, bureau):
    """The menu badge and the home page's heading share one COUNT of the worklist per request; the
    home page then loads only the few items it shows."""
    from sqlalchemy import event

    client = client_for(bureau["guihua_head"])
    seen = []

    def listener(conn, cursor, statement, *args):
        if "FROM stage_documents" in statement:
            seen.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/admin/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in seen if "count(*)" in s]) == 1, seen
    assert len([s for s in seen if "limit" in s]) == 1, seen
