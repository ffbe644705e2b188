"""The workflow through HTTP: the journey, stale edits, locks, scope, and concurrency on PostgreSQL."""

import threading

import pytest
from sqlalchemy import func, select

from tests import steps
from tests.conftest import PG_URL
from tests.filling import complete_data, into_library
from zyperf.extensions import db
from zyperf.models import DocumentEvent, Project, StageDocument
from zyperf.services.accounts import create_token


def bearer(user):
    token = create_token(user, actor=user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def parallel_statuses(app, count: int, method: str, path: str, **kwargs) -> list[int]:
    """Send `count` identical requests at the same instant from as many threads; their statuses."""
    barrier = threading.Barrier(count)
    statuses = []

    def send():
        client = app.test_client()
        with app.app_context():
            barrier.wait()
            statuses.append(client.open(path, method=method, **kwargs).status_code)
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def library_project(unit_code, bureau):
    """A project that needs no ex-ante assessment, its targets final: in the library."""
    project = continuing_project(unit_code)
    into_library(project, bureau)
    return project


def continuing_project(unit_code):
    """A project that needs no ex-ante assessment."""
    return next(
        p
        for p in db.session.scalars(
            select(Project).where(Project.unit.has(code=unit_code)).order_by(Project.id)
        )
        if not p.needs_ex_ante and p.fiscal_year.year == 2026
    )


def test_journey_targets_through_four_steps(client, bureau):
    staff, head, deputy, finance = (bearer(bureau[n]) for n in ("guihua", "guihua_head", "deputy", "finance"))
    project = continuing_project("guihua")
    created = client.post(
        "/api/v1/documents",
        json={
            "project_id": project.id,
            "kind": "performance_targets",
            "data": complete_data("performance_targets"),
        },
        headers=staff,
    )
    assert created.status_code == 201, created.json
    doc = created.json
    assert doc["state"] == "draft" and doc["allowed_actions"] == ["submit"]
    version = doc["version"]
    for who, action, state in (
        (staff, "submit", "submitted"),
        (head, "approve", "head_approved"),
        (deputy, "approve", "leader_approved"),
        (finance, "approve", "final"),
    ):
        response = client.post(
            f"/api/v1/documents/{doc['id']}/transitions",
            json={"action": action, "version": version},
            headers=who,
        )
        assert response.status_code == 200, (action, response.json)
        assert response.json["state"] == state
        version = response.json["version"]
    detail = client.get(f"/api/v1/documents/{doc['id']}", headers=staff).json
    steps = [h for h in detail["history"] if h["action"] != "create"]
    assert [(h["actor"], h["action"]) for h in steps] == [
        ("guihua", "submit"),
        ("guihua_head", "approve"),
        ("deputy", "approve"),
        ("finance", "approve"),
        ("finance", "in_library"),  # final targets put the project in the library (入库)
    ]
    # Approved targets are locked.
    locked = client.patch(
        f"/api/v1/documents/{doc['id']}", json={"data": {"x": 1}, "version": version}, headers=staff
    )
    assert locked.status_code == 403
    assert "绩效目标调整" in locked.json["error"]["message"]
    assert detail["allowed_actions"] == []


def test_target_adjustment_makes_a_new_revision_and_keeps_the_old(client, bureau):
    from zyperf.services import documents, workflow

    project = continuing_project("guihua")
    users = {n: bureau[n] for n in ("guihua", "guihua_head", "deputy", "finance")}

    def push(doc):
        for name, action in (
            ("guihua", "submit"),
            ("guihua_head", "approve"),
            ("deputy", "approve"),
            ("finance", "approve"),
        ):
            workflow.apply(doc, action, actor=users[name], expected_version=doc.version)
            db.session.commit()

    targets_data = complete_data("performance_targets")
    targets = documents.create_document(
        "performance_targets", actor=users["guihua"], project=project, data=targets_data
    )
    push(targets)
    adjustment = documents.create_document("target_adjustment", actor=users["guihua"], project=project)
    assert adjustment.data["annual_goal"] == targets_data["annual_goal"]  # starts from the approved targets
    documents.edit_document(
        adjustment,
        actor=users["guihua"],
        data={**complete_data("target_adjustment"), "annual_goal": "完成 5 个村"},
        expected_version=adjustment.version,
    )
    push(adjustment)
    db.session.refresh(targets)
    assert targets.revision == 2 and targets.data["annual_goal"] == "完成 5 个村"
    from zyperf.models import DocumentRevision

    old = db.session.scalar(select(DocumentRevision).where(DocumentRevision.document_id == targets.id))
    assert old.revision == 1 and old.data["annual_goal"] == targets_data["annual_goal"]
    assert "reason" not in targets.data  # the adjustment's own fields stay with it


def test_stale_edit_is_409_and_data_unchanged(client, bureau):
    staff = bearer(bureau["guihua"])
    project = library_project("guihua", bureau)
    doc = client.post(
        "/api/v1/documents",
        json={"project_id": project.id, "kind": "monitoring", "data": {"deviation_reason": "1"}},
        headers=staff,
    ).json
    first = client.patch(
        f"/api/v1/documents/{doc['id']}",
        json={"data": {"deviation_reason": "2"}, "version": doc["version"]},
        headers=staff,
    )
    assert first.status_code == 200
    stale = client.patch(
        f"/api/v1/documents/{doc['id']}",
        json={"data": {"deviation_reason": "3"}, "version": doc["version"]},
        headers=staff,
    )
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=staff).json["data"]["deviation_reason"] == "2"
    history = client.get(f"/api/v1/documents/{doc['id']}", headers=staff).json["history"]
    assert history[-1]["action"] == "edit" and history[-1]["changes"] == {"deviation_reason": ["1", "2"]}


def test_other_units_document_is_404_everywhere(client, bureau):
    staff, other = bearer(bureau["guihua"]), bearer(bureau["gengdi"])
    project = library_project("guihua", bureau)
    doc = client.post(
        "/api/v1/documents",
        json={"project_id": project.id, "kind": "monitoring", "data": {"deviation_reason": "1"}},
        headers=staff,
    ).json
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=other).status_code == 404
    assert (
        client.patch(
            f"/api/v1/documents/{doc['id']}", json={"data": {}, "version": 1}, headers=other
        ).status_code
        == 404
    )
    transition = client.post(
        f"/api/v1/documents/{doc['id']}/transitions", json={"action": "submit", "version": 1}, headers=other
    )
    assert transition.status_code == 404
    assert client.get("/api/v1/documents", headers=other).json["items"] == []
    # Nor can another unit's staff create documents for this project.
    made = client.post(
        "/api/v1/documents", json={"project_id": project.id, "kind": "self_evaluation"}, headers=other
    )
    assert made.status_code == 404


def test_targets_wait_for_supportive_ex_ante(client, bureau):
    from zyperf.services import documents, workflow

    staff = bureau["guihua"]
    project = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    assert project.needs_ex_ante
    targets = documents.create_document(
        "performance_targets", actor=staff, project=project, data=complete_data("performance_targets")
    )
    db.session.commit()
    response = client.post(
        f"/api/v1/documents/{targets.id}/transitions",
        json={"action": "submit", "version": targets.version},
        headers=bearer(staff),
    )
    assert response.status_code == 422
    assert "事前绩效评估" in response.json["error"]["message"]
    # Once the assessment is final with 予以支持, the submission passes.
    assessment = documents.create_document(
        "ex_ante_assessment", actor=staff, project=project, data=complete_data("ex_ante_assessment")
    )
    steps.run(assessment, bureau, steps.TO_CITY)
    refused = pytest.raises(Exception, match="审核结论")
    with refused:
        workflow.apply(
            assessment,
            "record_review",
            actor=bureau["finance"],
            expected_version=assessment.version,
            comment="同意",
        )
    workflow.apply(
        assessment,
        "record_review",
        actor=bureau["finance"],
        expected_version=assessment.version,
        comment="同意",
        params={"conclusion": "予以支持"},
    )
    db.session.commit()
    db.session.refresh(targets)
    ok = client.post(
        f"/api/v1/documents/{targets.id}/transitions",
        json={"action": "submit", "version": targets.version},
        headers=bearer(staff),
    )
    assert ok.status_code == 200, ok.json


def test_worklist_and_query_count(client, bureau):
    from sqlalchemy import event

    from zyperf.services import documents, workflow

    head = bearer(bureau["guihua_head"])

    def make_submitted(n):
        staff = bureau["guihua"]
        for i in range(n):
            project = Project(
                name=f"待办项目{i}-{n}",
                unit_id=staff.unit_id,
                fiscal_year_id=continuing_project("guihua").fiscal_year_id,
            )
            db.session.add(project)
            db.session.flush()
            doc = documents.create_document(
                "performance_targets", actor=staff, project=project, data=complete_data("performance_targets")
            )
            workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
        db.session.commit()

    def count(path):
        db.session.expire_all()
        seen = []
        listener = lambda *a: seen.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(path, headers=head)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return response, len(seen)

    make_submitted(3)
    small, small_count = count("/api/v1/worklist")
    items = small.json["items"]
    assert len(items) == 3 and all(item["actions"] == ["approve", "return"] for item in items)
    make_submitted(20)
    large, large_count = count("/api/v1/worklist")
    assert len(large.json["items"]) == large.json["total"] == 23
    assert large_count == small_count
    # The drafter's own worklist shows nothing to approve.
    assert client.get("/api/v1/worklist", headers=bearer(bureau["gengdi"])).json["items"] == []


@pytest.mark.skipif(not PG_URL, reason="real parallel requests need PostgreSQL")
def test_ten_parallel_approvals_one_wins(app, bureau):
    from zyperf.services import documents, workflow

    staff = bureau["guihua"]
    project = library_project("guihua", bureau)
    doc = documents.create_document(
        "monitoring", actor=staff, project=project, data=complete_data("monitoring")
    )
    workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
    db.session.commit()
    doc_id, version = doc.id, doc.version
    statuses = parallel_statuses(
        app,
        10,
        "POST",
        f"/api/v1/documents/{doc_id}/transitions",
        json={"action": "approve", "version": version},
        headers=bearer(bureau["guihua_head"]),
    )
    assert sorted(statuses) == [200] + [409] * 9
    db.session.expire_all()
    approvals = db.session.scalar(
        select(func.count(DocumentEvent.id)).where(
            DocumentEvent.document_id == doc_id, DocumentEvent.action == "approve"
        )
    )
    assert approvals == 1
    assert db.session.get(StageDocument, doc_id).state == "head_approved"


def test_drafts_may_be_incomplete_but_submission_names_what_is_missing(client, bureau):
    staff = bearer(bureau["guihua"])
    project = library_project("guihua", bureau)
    doc = client.post(
        "/api/v1/documents",
        json={"project_id": project.id, "kind": "monitoring", "data": {"deviation_reason": "先存草稿"}},
        headers=staff,
    ).json
    assert doc["form_version"] == 1
    refused = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": doc["version"]},
        headers=staff,
    )
    assert refused.status_code == 422
    message = refused.json["error"]["message"]
    assert "表单尚未填写完整" in message and "执行" in message  # names the missing fields by label
    # Wrong values are refused field by field and nothing is stored.
    bad = client.patch(
        f"/api/v1/documents/{doc['id']}",
        json={
            "data": {"funds": {"fiscal": {"executed": "-5"}}, "planned_progress": "很快", "nosuch": 1},
            "version": doc["version"],
        },
        headers=staff,
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) >= {"funds", "planned_progress", "nosuch"}
    assert "财政资金·1-8月执行数：金额应为不小于0的数字，最多两位小数" in bad.json["error"]["fields"]["funds"]
    after = client.get(f"/api/v1/documents/{doc['id']}", headers=staff).json
    assert after["data"]["deviation_reason"] == "先存草稿" and after["version"] == doc["version"]
    # Filled in completely, it goes.
    filled = client.patch(
        f"/api/v1/documents/{doc['id']}",
        json={"data": complete_data("monitoring"), "version": doc["version"]},
        headers=staff,
    ).json
    ok = client.post(
        f"/api/v1/documents/{doc['id']}/transitions",
        json={"action": "submit", "version": filled["version"]},
        headers=staff,
    )
    assert ok.status_code == 200, ok.json


def test_formula_and_html_text_is_stored_as_plain_text(client, bureau):
    staff = bearer(bureau["guihua"])
    project = library_project("guihua", bureau)
    hostile = '=HYPERLINK("http://x")<script>alert(1)</script>'
    doc = client.post(
        "/api/v1/documents",
        json={"project_id": project.id, "kind": "monitoring", "data": {"deviation_reason": hostile}},
        headers=staff,
    ).json
    assert doc["data"]["deviation_reason"] == hostile


def test_worklist_due_dates_and_overdue(app, bureau):
    from datetime import date, timedelta

    from zyperf.services import documents, workflow
    from zyperf.services.worklist import outstanding_by_unit, worklist

    staff, head = bureau["guihua"], bureau["guihua_head"]
    project = library_project("guihua", bureau)
    # A deadline still ahead: the document follows its year's deadline (a late one: test_rounds).
    project.fiscal_year.monitoring_due = date.today() + timedelta(days=30)
    doc = documents.create_document(
        "monitoring", actor=staff, project=project, data=complete_data("monitoring")
    )
    workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
    db.session.commit()
    assert doc.due_on is None
    due = project.fiscal_year.monitoring_due
    before = worklist(head, today=date(due.year, due.month, 1))
    assert [(i.document.id, i.due, i.overdue) for i in before] == [(doc.id, due, False)]
    after = worklist(head, today=date(due.year + 1, 1, 1))
    assert after[0].overdue is True
    overview = outstanding_by_unit(bureau["finance"], today=date(due.year + 1, 1, 1))
    row = next(r for r in overview if r["unit"].code == "guihua")
    assert row["open"] == 1 and row["overdue"] == 1 and row["by_state"] == {"submitted": 1}
    # While it waits for the head, it is not on the staff member's list (withdrawing is not waiting).
    assert worklist(staff) == []


def test_rectification_needs_the_truthfulness_declaration(bureau):
    from zyperf.errors import GuardFailed
    from zyperf.services import documents, workflow

    staff = bureau["guihua"]
    data = complete_data("rectification") | {"truthfulness": False}
    doc = documents.create_document(
        "rectification", actor=staff, project=continuing_project("guihua"), data=data
    )
    with pytest.raises(GuardFailed, match="真实性声明"):
        workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
    documents.edit_document(
        doc, actor=staff, data=data | {"truthfulness": True}, expected_version=doc.version
    )
    workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
    assert doc.state == "submitted"


@pytest.mark.skipif(not PG_URL, reason="real parallel requests need PostgreSQL")
def test_parallel_creation_of_one_document_one_wins(app, bureau):
    project_id = library_project("guihua", bureau).id
    statuses = parallel_statuses(
        app,
        6,
        "POST",
        "/api/v1/documents",
        json={"project_id": project_id, "kind": "self_evaluation"},
        headers=bearer(bureau["guihua"]),
    )
    assert sorted(statuses) == [201] + [409] * 5
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count(StageDocument.id)).where(
            StageDocument.project_id == project_id, StageDocument.kind == "self_evaluation"
        )
    )
    assert count == 1


def test_the_city_bureaus_conclusion_is_shown_on_the_document(client_for, bureau):
    from zyperf.services import documents, workflow

    project = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    doc = documents.create_document(
        "ex_ante_assessment",
        actor=bureau["guihua"],
        project=project,
        data=complete_data("ex_ante_assessment"),
    )
    steps.run(doc, bureau, steps.TO_CITY)
    workflow.apply(
        doc,
        "record_review",
        actor=bureau["finance"],
        expected_version=doc.version,
        comment="同意",
        params={"conclusion": "不予支持"},
    )
    db.session.commit()
    html = client_for(bureau["guihua"]).get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'id="review-conclusion">不予支持<' in html
