"""A year of one project through HTTP, in the lived-in demo, with the demo accounts: its targets,
sent back by the head, corrected and approved (入库); the monitoring round issued again for it; a
severe lag and finance's handling; the budget adjustment it opens; the evaluation round after the
year (the app's date moved on to February 2027); the rectification; the use of the result; and the
project's archive, whose manifest matches its files. States, worklists, computed figures and history
are asserted at each step. (The guards of the year have their own tests: test_library.py for
monitoring outside the library, 追加 without final targets and major changes without an assessment;
test_rectification.py for the declaration.)"""

import hashlib
import io
import json
import random
import zipfile
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.test_stage_figures import patch
from tests.test_workflow_api import bearer
from zyperf.demo import forms
from zyperf.extensions import db
from zyperf.models import DocumentEvent, HandlingDecision, Project, StageDocument
from zyperf.services import adjustments

NAME = "历史文化名城保护规划编制"  # guihua's mid-year addition, its targets sent back by the head


def document(project: Project, kind: str) -> StageDocument:
    db.session.expire_all()
    return db.session.scalar(
        select(StageDocument)
        .where(StageDocument.project_id == project.id, StageDocument.kind == kind)
        .order_by(StageDocument.sequence.desc())
    )


def actions(doc: StageDocument) -> list[tuple[str, str]]:
    events = db.session.scalars(
        select(DocumentEvent).where(DocumentEvent.document_id == doc.id).order_by(DocumentEvent.id)
    )
    return [(e.action, e.actor.username) for e in events]


def waiting(client, doc: StageDocument) -> bool:
    return f'href="/documents/{doc.id}"' in client.get("/worklist/").get_data(as_text=True)


def step(client, doc: StageDocument, action: str, comment: str = "", conclusion: str = "") -> StageDocument:
    """Take the action through the document page's button; the document as it is afterwards."""
    db.session.refresh(doc)
    if action == "report":  # finance's check of form comes first (规范性审核)
        checked = client.post(
            f"/documents/{doc.id}/form-check", data={"comment": "表式规范，要素齐全", "version": doc.version}
        )
        assert checked.status_code == 303, checked.get_data(as_text=True)
        db.session.refresh(doc)
    answer = client.post(
        f"/documents/{doc.id}/transition",
        data={"action": action, "version": doc.version, "comment": comment, "conclusion": conclusion},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    db.session.refresh(doc)
    return doc


def through_the_unit(people: dict, doc: StageDocument) -> StageDocument:
    """guihua submits, guihua_head and deputy approve, each finding it in their worklist first."""
    for name, action in (("guihua", "submit"), ("guihua_head", "approve"), ("deputy", "approve")):
        assert waiting(people[name], doc), (name, doc.kind, doc.state)
        step(people[name], doc, action, "" if action == "submit" else "同意")
    assert waiting(people["finance"], doc)
    return doc


def test_a_year_of_one_project_through_the_pages(app, demo, client, client_for):
    people = {n: client_for(demo[n]) for n in ("guihua", "guihua_head", "deputy", "finance", "leader")}
    api = bearer(demo["guihua"])
    project = db.session.scalar(select(Project).where(Project.name == NAME))
    rng = random.Random("journey")  # noqa: S311 - made-up values, repeatable

    # Targets: sent back by the head, with the comment the staff reads; corrected, then approved (入库).
    targets = document(project, "performance_targets")
    assert targets.state == "returned" and waiting(people["guihua"], targets)
    comment = targets.events[-1].comment
    assert "历史文化街区" in comment and comment in people["guihua"].get(f"/documents/{targets.id}").get_data(
        as_text=True
    )
    body = client.get(f"/api/v1/documents/{targets.id}", headers=api).json
    rows = body["data"]["indicators"]
    rows[1]["value"] = "4"
    assert patch(client, api, body, {"indicators": rows}).status_code == 200
    through_the_unit(people, targets)
    step(people["finance"], targets, "approve", "同意")
    assert targets.state == "final" and document(project, "performance_targets").project.in_library
    standing = people["guihua"].get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    assert "已入库" in standing.split('id="project-standing"')[1].split("</div>")[0]
    assert actions(targets) == [
        ("create", "guihua"),
        ("edit", "guihua"),
        ("submit", "guihua"),
        ("return", "guihua_head"),
        ("edit", "guihua"),
        ("submit", "guihua"),
        ("approve", "guihua_head"),
        ("approve", "deputy"),
        ("approve", "finance"),
        ("in_library", "finance"),
    ]

    # Monitoring: finance issues the round again; only the new library project gets a document.
    opened = people["finance"].post("/rounds/open", data={"year": 2026, "stage": "monitoring"})
    assert opened.status_code == 303
    assert "新建 1 份" in people["finance"].get("/rounds/?year=2026").get_data(as_text=True)
    monitoring = document(project, "monitoring")
    assert monitoring.state == "draft" and monitoring.due_on == date(2026, 9, 15)
    assert actions(monitoring) == [("issued", "finance")] and waiting(people["guihua"], monitoring)
    assert monitoring.data["funds"]["fiscal"]["adjusted"] == "45.00"  # the targets' budget, carried
    filled = forms.monitoring(monitoring, "严重滞后", rng)
    body = client.get(f"/api/v1/documents/{monitoring.id}", headers=api).json
    assert patch(client, api, body, filled).status_code == 200
    through_the_unit(people, monitoring)
    assert monitoring.data["monitoring_class"] == "严重滞后"
    assert "调整预算直至财政收回" in monitoring.data["handling"]

    # Handling: a measure that does not fit is refused; 调整预算 opens the unit's budget adjustment.
    refused = people["finance"].post(
        "/rounds/handling", data={"monitoring_id": monitoring.id, "measure": "urge", "instruction": "加快"}
    )
    assert refused.status_code == 422 and "不适用" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(select(HandlingDecision).where(HandlingDecision.monitoring_id == monitoring.id))
        is None
    )
    decided = people["finance"].post(
        "/rounds/handling",
        data={"monitoring_id": monitoring.id, "measure": "adjust_budget", "instruction": "请据实调减预算"},
    )
    assert decided.status_code == 303
    step(people["finance"], monitoring, "approve", "同意，按处置决定调减预算")
    assert monitoring.state == "final"
    adjustment = document(project, "budget_adjustment")
    assert adjustment.state == "draft" and adjustment.data["reason"] == "请据实调减预算"
    assert actions(adjustment) == [("issued", "finance")] and waiting(people["guihua"], adjustment)

    # The adjustment: 调减 10 万元 through the chain; the ledger and the budget follow.
    body = client.get(f"/api/v1/documents/{adjustment.id}", headers=api).json
    data = forms.adjustment("decrease", {"fiscal": "10.00"}, "名城保护规划专题研究压减，据实调减")
    assert patch(client, api, body, data).status_code == 200
    through_the_unit(people, adjustment)
    step(people["finance"], adjustment, "approve", "同意")
    assert adjustment.state == "final"
    assert adjustments.current_budget(project)["fiscal"] == Decimal("35.00")
    ledger = client.get("/api/v1/ledgers/adjustments?year=2026&unit=guihua", headers=api).json
    row = next(r for r in ledger if r["project_id"] == project.id)
    assert (row["count"], row["decrease"]) == (1, "10.00")

    # After the year: the evaluation round (not before the year is over), the self-evaluation reported
    # to and approved by the city bureau; the grade is the evaluation's own.
    early = people["finance"].post("/rounds/open", data={"year": 2026, "stage": "self_evaluation"})
    assert early.status_code == 422 and "尚未结束" in early.get_data(as_text=True)
    assert document(project, "self_evaluation") is None
    app.config["ZYPERF_TODAY"] = date(2027, 2, 1)
    assert (
        people["finance"].post("/rounds/open", data={"year": 2026, "stage": "self_evaluation"}).status_code
        == 303
    )
    evaluation = document(project, "self_evaluation")
    assert evaluation.data["funds"]["fiscal"]["initial"] == "45.00"
    assert evaluation.data["funds"]["fiscal"]["adjusted"] == "35.00"
    body = client.get(f"/api/v1/documents/{evaluation.id}", headers=api).json
    assert patch(client, api, body, forms.evaluation(evaluation, "良", rng)).status_code == 200
    through_the_unit(people, evaluation)
    step(people["finance"], evaluation, "report", "报送市财政局")
    step(people["finance"], evaluation, "record_review", "市财政局审核意见：审核通过", "审核通过")
    assert evaluation.state == "final" and evaluation.data["review_conclusion"] == "审核通过"
    grade, score = evaluation.data["grade"], evaluation.data["total_score"]
    assert grade == "良" and Decimal(80) <= Decimal(score) < Decimal(90)
    results = client.get("/api/v1/ledgers/results?year=2026", headers=bearer(demo["finance"])).json
    row = next(r for r in results if r["project_id"] == project.id)
    assert (row["grade"], row["score"]) == (grade, score)

    # Rectification: submitted only with the declaration, which names who and when.
    made = people["guihua"].post("/documents/new", data={"kind": "rectification", "project_id": project.id})
    assert made.status_code == 303
    report = document(project, "rectification")
    problem = forms.problem(
        "部分专题研究成果深度不足",
        "补充历史文化街区专题调查",
        kind="产出质量",
        unit="规划科",
        person="陈晓",
        deadline="2027-05-31",
        status="in_progress",
    )
    body = client.get(f"/api/v1/documents/{report.id}", headers=api).json
    saved = patch(client, api, body, {"problems": [problem], "summary": "针对自评发现的问题制定整改措施"})
    assert saved.status_code == 200
    db.session.refresh(report)
    refused = people["guihua"].post(
        f"/documents/{report.id}/transition", data={"action": "submit", "version": report.version}
    )
    assert refused.status_code == 422 and "请先勾选整改报告真实性声明" in refused.get_data(as_text=True)
    db.session.refresh(report)
    assert report.state == "draft" and report.declared_at is None
    assert patch(client, api, saved.json, {"truthfulness": True}).status_code == 200
    through_the_unit(people, report)
    assert report.declared_by_id == demo["guihua"].id and report.declared_at == report.submitted_at
    step(people["finance"], report, "report", "报送市财政局")
    step(people["finance"], report, "record_review", "市财政局审核意见：审核通过", "审核通过")
    assert report.state == "final"

    # Use of the result: finance's decision for next year's budget, on the ledger.
    decided = people["finance"].post(
        "/results/decide",
        data={
            "subject": project.id,
            "year": 2026,
            "ways": ["合理保障"],
            "next_amount": "40",
            "text": "合理保障",
        },
    )
    assert decided.status_code == 303
    results = client.get("/api/v1/ledgers/results?year=2026", headers=bearer(demo["finance"])).json
    row = next(r for r in results if r["project_id"] == project.id)
    assert row["decision"]["ways"] == ["合理保障"] and row["decision"]["next_amount"] == "40.00"

    # The archive: every stage's history, and a manifest true to every file.
    answer = people["guihua"].get(f"/projects/{project.id}/archive")
    assert answer.status_code == 200
    zipped = zipfile.ZipFile(io.BytesIO(answer.data))
    manifest = json.loads(zipped.read("manifest.json"))
    assert {f["name"] for f in manifest["files"]} == set(zipped.namelist()) - {"manifest.json"}
    for entry in manifest["files"]:
        content = zipped.read(entry["name"])
        assert entry["sha256"] == hashlib.sha256(content).hexdigest() and entry["size"] == len(content)
    history = json.loads(zipped.read("history.json"))
    kinds = [d["kind"] for d in history["documents"]]
    assert kinds == [
        "performance_targets",
        "monitoring",
        "budget_adjustment",
        "self_evaluation",
        "rectification",
    ]
    assert all(d["state"] == "final" for d in history["documents"])
