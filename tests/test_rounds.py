"""Rounds (下发): finance opens the year's monitoring and, after the year, its evaluation round; one
prefilled document per library project lands in its unit's worklist with the round's due date;
opening again makes only what is missing; refusals leave nothing behind. Through HTTP with the demo
accounts, and finance's page."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.filling import into_library
from tests.test_api_contract import validate
from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import AuditEntry, FiscalYear, Project, Round, StageDocument
from zyperf.services import documents, projects

GUIHUA = "国土空间规划“一张图”实施监督信息系统运维"
GENGDI = ("耕地保护补偿资金", "高标准农田建设项目耕地质量监测")


def project(name: str, year: int = 2026) -> Project:
    return db.session.scalar(select(Project).where(Project.name == name, Project.fiscal_year.has(year=year)))


@pytest.fixture
def library(bureau):
    """Three 2026 projects in the library: one of 规划科, two of 耕地保护科."""
    return [into_library(project(name), bureau).project for name in (GUIHUA, *GENGDI)]


def grace(fiscal_year: FiscalYear) -> date:
    return date.today() + timedelta(days=fiscal_year.year_settings.due_grace_days)


def round_documents(kind="monitoring"):
    db.session.expire_all()
    return db.session.scalars(
        select(StageDocument).where(StageDocument.kind == kind).order_by(StageDocument.id)
    ).all()


def test_finance_opens_the_monitoring_round_and_each_unit_finds_its_documents(client, bureau, library):
    finance = bearer(bureau["finance"])
    opened = client.post("/api/v1/rounds", json={"stage": "monitoring", "year": 2026}, headers=finance)
    assert opened.status_code == 201, opened.json
    validate(opened, "/rounds", "post")
    fy = library[0].fiscal_year
    # The year's deadline (30 Sep) has passed: the round gives the year's grace days instead.
    expected_due = fy.monitoring_due if fy.monitoring_due >= date.today() else grace(fy)
    assert opened.json | {"id": 0, "opened_at": ""} == {
        "id": 0,
        "stage": "monitoring",
        "stage_label": "绩效监控",
        "year": 2026,
        "month": 8,
        "due": expected_due.isoformat(),
        "opened_by": "finance",
        "opened_at": "",
        "created": 3,
        "existing": 0,
    }
    made = round_documents()
    assert sorted(d.project_id for d in made) == sorted(p.id for p in library)
    for document in made:
        assert document.round_id == opened.json["id"] and document.due_on == expected_due
        assert document.created_by_id is None  # the unit's draft, not finance's: finance may approve it
        assert document.parent.kind == "performance_targets"  # the promise is carried
        assert [r["level3"] for r in document.data["indicators"]] == [
            r["level3"] for r in document.parent.data["indicators"]
        ]
        assert [(e.action, e.actor.username) for e in document.events] == [("issued", "finance")]
        assert "下发2026年绩效监控任务（1-8月）" in document.events[0].comment
    issued = db.session.scalar(select(func.count()).where(AuditEntry.action == "document.issue"))
    assert issued == 3
    # Each unit's staff find theirs in the worklist, with the round's due date; nobody else's.
    mine = client.get("/api/v1/worklist", headers=bearer(bureau["guihua"])).json["items"]
    assert [(w["project_id"], w["kind"], w["due"]) for w in mine] == [
        (library[0].id, "monitoring", expected_due.isoformat())
    ]
    theirs = client.get("/api/v1/worklist", headers=bearer(bureau["gengdi"])).json["items"]
    assert sorted(w["project_id"] for w in theirs) == sorted(p.id for p in library[1:])
    # Opening again makes only what is missing.
    again = client.post("/api/v1/rounds", json={"stage": "monitoring", "year": 2026}, headers=finance)
    assert again.status_code == 200 and (again.json["created"], again.json["existing"]) == (0, 3)
    validate(again, "/rounds", "post")
    late = projects.create_project(
        actor=bureau["guihua"],
        unit=bureau["guihua"].unit,
        fiscal_year=fy,
        values={"name": "年中入库项目", "fiscal_amount": "80"},
    )
    into_library(late, bureau)
    third = client.post("/api/v1/rounds", json={"stage": "monitoring", "year": 2026}, headers=finance)
    assert (third.status_code, third.json["created"], third.json["existing"]) == (200, 1, 3)
    assert len(round_documents()) == 4
    assert db.session.scalar(select(func.count(Round.id))) == 1


def test_refusals_leave_nothing_behind(client, bureau, library):
    body = {"stage": "monitoring", "year": 2026}
    for name in ("guihua", "guihua_head", "deputy", "leader", "admin"):
        refused = client.post("/api/v1/rounds", json=body, headers=bearer(bureau[name]))
        assert refused.status_code == 403, name
        assert "只有财务科" in refused.json["error"]["message"]
    validate(refused, "/rounds", "post")
    finance = bearer(bureau["finance"])
    # A year without a published form of that kind.
    db.session.add(FiscalYear(year=2030))
    db.session.commit()
    no_form = client.post("/api/v1/rounds", json={"stage": "monitoring", "year": 2030}, headers=finance)
    assert no_form.status_code == 422 and "尚未发布「绩效监控」表单" in no_form.json["error"]["message"]
    validate(no_form, "/rounds", "post")
    # The evaluation round opens after the year.
    early = client.post("/api/v1/rounds", json={"stage": "self_evaluation", "year": 2026}, headers=finance)
    assert early.status_code == 422 and "年度结束后" in early.json["error"]["message"]
    assert (
        client.post(
            "/api/v1/rounds", json={"stage": "rectification", "year": 2026}, headers=finance
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/rounds", json={"stage": "monitoring", "year": "2026"}, headers=finance
        ).status_code
        == 400
    )
    missing = client.post("/api/v1/rounds", json={"stage": "monitoring", "year": 1999}, headers=finance)
    assert missing.status_code == 404
    validate(missing, "/rounds", "post")
    assert db.session.scalar(select(func.count(Round.id))) == 0
    assert round_documents() == []


def test_evaluation_round_after_the_year(client, bureau):
    """2025 is over: its evaluation round makes self-evaluations prefilled from the final targets,
    with the adjusted budget; its deadline past, they get the grace date."""
    old = project("市级国土空间总体规划编制", 2025)
    into_library(old, bureau)
    opened = client.post(
        "/api/v1/rounds", json={"stage": "self_evaluation", "year": 2025}, headers=bearer(bureau["finance"])
    )
    assert opened.status_code == 201 and opened.json["created"] == 1 and opened.json["month"] is None
    (evaluation,) = round_documents("self_evaluation")
    assert evaluation.project_id == old.id and evaluation.due_on == grace(old.fiscal_year)
    assert evaluation.data["funds"]["fiscal"]["initial"] == evaluation.data["funds"]["fiscal"]["adjusted"]
    assert all(row["actual"] == "" for row in evaluation.data["indicators"])


def test_a_document_made_by_hand_joins_the_round_or_gets_grace_days(bureau, library):
    staff, fy = bureau["gengdi"], library[1].fiscal_year
    fy.monitoring_due = date.today() - timedelta(days=1)  # the stage's deadline is past
    db.session.commit()
    by_hand = documents.create_document("monitoring", actor=staff, project=library[1])
    db.session.commit()
    assert by_hand.round_id is None and by_hand.due_on == grace(fy)
    from zyperf.services import rounds

    opened = rounds.open_round(fy, "monitoring", actor=bureau["finance"])
    db.session.commit()
    assert (opened.created, opened.existing) == (2, 1)
    db.session.refresh(by_hand)
    assert by_hand.round_id == opened.round.id  # it counts in the round's progress
    assert by_hand.due_on == grace(fy)  # and keeps its own due date
    # A deadline still ahead: a new document follows its year (no date of its own).
    fy.evaluation_due = date.today() + timedelta(days=60)
    db.session.commit()
    ahead = documents.create_document("self_evaluation", actor=staff, project=library[1])
    assert ahead.due_on is None


def test_rounds_list_progress_by_unit_in_scope(client, bureau, library):
    from zyperf.services import rounds

    opened = rounds.open_round(library[0].fiscal_year, "monitoring", actor=bureau["finance"])
    db.session.commit()
    listed = client.get("/api/v1/rounds?year=2026", headers=bearer(bureau["finance"]))
    validate(listed, "/rounds", "get")
    (entry,) = listed.json
    assert entry["id"] == opened.round.id
    progress = {row["unit"]["code"]: row for row in entry["progress"]}
    assert progress["guihua"] | {"unit": None} == {
        "unit": None,
        "total": 1,
        "final": 0,
        "overdue": 0,
        "by_state": {"draft": 1},
    }
    assert progress["gengdi"]["total"] == 2
    # A unit's staff see their own unit's progress only.
    own = client.get("/api/v1/rounds?year=2026", headers=bearer(bureau["guihua"])).json
    assert [row["unit"]["code"] for row in own[0]["progress"]] == ["guihua"]
    validate(client.get("/api/v1/rounds?year=1999", headers=bearer(bureau["finance"])), "/rounds", "get")


def test_finances_round_page_opens_after_confirmation(client_for, bureau, library):
    finance = client_for(bureau["finance"])
    page = finance.get("/rounds/?year=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "尚未下发" in html and 'id="open-monitoring"' in html
    confirm = finance.get("/rounds/open?year=2026&stage=monitoring").get_data(as_text=True)
    assert "确认下发" in confirm and re.search(r'id="to-create">3<', confirm)
    assert round_documents() == []  # the confirmation page changes nothing
    done = finance.post("/rounds/open", data={"year": 2026, "stage": "monitoring"})
    assert done.status_code == 303
    html = finance.get("/rounds/?year=2026").get_data(as_text=True)
    assert "尚未下发" in html.split('id="round-self_evaluation"')[1] and "下发" in html
    progress = html.split('id="progress-monitoring"')[1].split("</table>")[0]
    assert "规划科" in progress and "耕地保护科" in progress and "草稿 2" in progress
    assert len(round_documents()) == 3
    # A refusal comes back on the page with its reason, nothing saved.
    refused = finance.post("/rounds/open", data={"year": 2026, "stage": "self_evaluation"})
    assert refused.status_code == 422 and "年度结束后" in refused.get_data(as_text=True)
    # Units and admins do not reach the page.
    assert client_for(bureau["guihua"]).get("/rounds/").status_code == 403
    assert client_for(bureau["admin"]).get("/rounds/").status_code == 403
    assert client_for(bureau["leader"]).get("/rounds/?year=2026").status_code == 200
    assert "open-monitoring" not in client_for(bureau["leader"]).get("/rounds/?year=2025").get_data(
        as_text=True
    )


def test_opening_a_round_needs_the_csrf_token(other_app, bureau, library):
    app = other_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(bureau["finance"].id)
    assert client.post("/rounds/open", data={"year": 2026, "stage": "monitoring"}).status_code == 400
    page = client.get("/rounds/open?year=2026&stage=monitoring").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sent = client.post("/rounds/open", data={"year": 2026, "stage": "monitoring", "csrf_token": token})
    assert sent.status_code == 303
    assert len(round_documents()) == 3
