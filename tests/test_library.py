"""The project library (入库), the ex-ante conclusion on the project, target adjustments that are major
changes, budget adjustments and their ledger: the guards and what the project page says."""

from decimal import Decimal

from sqlalchemy import func, select

from tests.filling import complete_data, into_library, push, unit_chain
from tests.steps import run as run_steps
from tests.test_api_contract import validate
from tests.test_workflow_api import bearer
from zyperf.errors import GuardFailed
from zyperf.extensions import db
from zyperf.models import AuditEntry, DocumentRevision, Project, StageDocument
from zyperf.services import adjustments, documents, projects, reviews, workflow

GUIHUA = "国土空间规划“一张图”实施监督信息系统运维"
MID_YEAR = "耕地“非农化”“非粮化”专项整治"
REPORTED = (("guihua", "submit"), ("guihua_head", "approve"), ("deputy", "approve"), ("finance", "report"))


def project(name: str, year: int = 2026) -> Project:
    return db.session.scalar(select(Project).where(Project.name == name, Project.fiscal_year.has(year=year)))


def steps(chain):
    return [(action, who) for who, action in chain]


def details(client, p: Project) -> str:
    return client.get(f"/projects/details/?id={p.id}").get_data(as_text=True)


def standing(html: str) -> str:
    return html.split('id="project-standing"')[1].split("</div>")[0]


def assess(p: Project, bureau, conclusion: str, suggested=None) -> StageDocument:
    """An ex-ante assessment of the project, reported and answered by the city bureau."""
    data = complete_data("ex_ante_assessment", p.fiscal_year.year) | {
        "requested_amount": str(p.total_amount),
        "suggested_amount": suggested or str(p.total_amount),
    }
    doc = documents.create_document("ex_ante_assessment", actor=bureau["guihua"], project=p, data=data)
    db.session.commit()
    run_steps(doc, bureau, REPORTED)
    db.session.commit()
    workflow.apply(
        doc,
        "record_review",
        actor=bureau["finance"],
        expected_version=doc.version,
        comment="市财政局评审意见",
        params={"conclusion": conclusion},
    )
    db.session.commit()
    return doc


def test_final_targets_put_the_project_in_the_library(client_for, bureau):
    p = project(GUIHUA)
    staff = client_for(bureau["guihua"])
    assert "待编制绩效目标" in standing(details(staff, p))
    targets = documents.create_document(
        "performance_targets", actor=bureau["guihua"], project=p, data=complete_data("performance_targets")
    )
    db.session.commit()
    push(targets, unit_chain("guihua")[:3], bureau)
    assert "绩效目标审核中（待财务科审核）" in standing(details(staff, p))
    push(targets, unit_chain("guihua")[3:], bureau)
    assert p.in_library_at is not None
    assert [e.action for e in targets.events][-2:] == ["approve", "in_library"]
    assert "入库" in targets.events[-1].comment and targets.events[-1].actor.username == "finance"
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "project.in_library")) == 1
    assert "已入库" in standing(details(staff, p))


def test_no_monitoring_evaluation_or_budget_outside_the_library(client, bureau):
    staff = bearer(bureau["guihua"])
    p = project(GUIHUA)
    for kind in ("monitoring", "self_evaluation", "budget_adjustment"):
        refused = client.post("/api/v1/documents", json={"project_id": p.id, "kind": kind}, headers=staff)
        assert refused.status_code == 422, kind
        assert "尚未入库" in refused.json["error"]["message"]
    assert db.session.scalar(select(func.count(StageDocument.id))) == 0
    into_library(p, bureau)
    made = client.post("/api/v1/documents", json={"project_id": p.id, "kind": "monitoring"}, headers=staff)
    assert made.status_code == 201


def test_no_increase_for_a_mid_year_addition_before_its_targets_are_final(client, bureau):
    staff = bearer(bureau["gengdi"])
    p = project(MID_YEAR)
    assert p.added_mid_year and not p.in_library
    increase = {
        "adjustment_type": "increase",
        "funds": {"fiscal": {"amount": "20"}},
        "reason": "年中追加专项整治经费",
    }
    made = client.post(
        "/api/v1/documents",
        json={"project_id": p.id, "kind": "budget_adjustment", "data": increase},
        headers=staff,
    )
    assert made.status_code == 201, made.json  # drafted with its targets
    refused = client.post(
        f"/api/v1/documents/{made.json['id']}/transitions",
        json={"action": "submit", "version": made.json["version"]},
        headers=staff,
    )
    assert refused.status_code == 422
    assert (
        "年中追加项目：须先完成绩效目标批复（入库），才能报送追加预算调整" in refused.json["error"]["message"]
    )
    into_library(p, bureau)
    ok = client.post(
        f"/api/v1/documents/{made.json['id']}/transitions",
        json={"action": "submit", "version": made.json["version"]},
        headers=staff,
    )
    assert ok.status_code == 200, ok.json


def test_mid_year_additions_need_the_ex_ante_assessment_like_new_ones(client, bureau):
    staff = bearer(bureau["guihua"])
    body = {
        "name": "年中追加重大项目",
        "amounts": {"fiscal": "100"},
        "added_mid_year": True,
        "is_major": True,
    }
    made = client.post("/api/v1/projects", json=body, headers=staff).json
    assert made["needs_ex_ante"] is True and made["in_library"] is False
    large = {"name": "年中追加大额项目", "amounts": {"fiscal": "800"}, "added_mid_year": True}
    assert client.post("/api/v1/projects", json=large, headers=staff).json["needs_ex_ante"] is True
    small = {"name": "年中追加小额项目", "amounts": {"fiscal": "80"}, "added_mid_year": True}
    assert client.post("/api/v1/projects", json=small, headers=staff).json["needs_ex_ante"] is False


def test_the_final_ex_ante_conclusion_is_the_basis_of_the_budget(client_for, bureau):
    p = project("村级国土空间规划编制")
    staff = client_for(bureau["guihua"])
    assert "待事前评估结论：须先编制" in standing(details(staff, p))
    doc = documents.create_document(
        "ex_ante_assessment",
        actor=bureau["guihua"],
        project=p,
        data=complete_data("ex_ante_assessment") | {"requested_amount": "680", "suggested_amount": "600"},
    )
    db.session.commit()
    run_steps(doc, bureau, REPORTED)
    db.session.commit()
    assert "待事前评估结论（已报送市财政局）" in standing(details(staff, p))
    workflow.apply(
        doc,
        "record_review",
        actor=bureau["finance"],
        expected_version=doc.version,
        comment="调整后支持",
        params={"conclusion": "调整完善后予以支持"},
    )
    db.session.commit()
    assert (p.ex_ante_conclusion, p.suggested_amount) == ("调整完善后予以支持", Decimal("600.00"))
    assert doc.events[-1].action == "recorded" and "“一上”预算编制依据" in doc.events[-1].comment
    html = details(staff, p)
    assert "事前评估结论：调整完善后予以支持，建议预算控制数 600 万元" in standing(html)
    # The page's own form records the same (every conclusion of the kind is accepted).
    other = assess(project("中心城区控制性详细规划修编"), bureau, "予以支持", suggested="500")
    assert other.project.ex_ante_conclusion == "予以支持"


def adjustment_data(targets: StageDocument, fiscal: str) -> dict:
    return complete_data("target_adjustment") | {
        "funds": {"fiscal": {"amount": fiscal}},
        "annual_goal": "调整后的年度目标",
        "indicators": targets.data["indicators"],
    }


def test_a_major_target_change_waits_for_a_supportive_assessment(client_for, bureau):
    p = project(GUIHUA)
    targets = into_library(p, bureau)  # 年度资金总额 100 万元 (complete_data)
    staff = bureau["guihua"]
    # +5%: not major by amount; it goes, and the old revision stays.
    minor = documents.create_document(
        "target_adjustment", actor=staff, project=p, data=adjustment_data(targets, "105")
    )
    db.session.commit()
    push(minor, unit_chain("guihua"), bureau)
    assert targets.revision == 2
    assert (
        db.session.scalar(select(DocumentRevision.revision).where(DocumentRevision.document_id == targets.id))
        == 1
    )
    # +50% (above the year's 10%): refused until a supportive assessment made after 入库.
    major = documents.create_document(
        "target_adjustment", actor=staff, project=p, data=adjustment_data(targets, "157.5")
    )
    db.session.commit()
    try:
        workflow.apply(major, "submit", actor=staff, expected_version=major.version)
        raise AssertionError("a major change was submitted without an assessment")
    except GuardFailed as err:
        assert "重大变化" in err.message and "157.5" in err.message
    db.session.rollback()
    page = client_for(staff)
    html = details(page, p)
    assert "待绩效评估（予以支持）后方可调整" in standing(html) and "新建事前绩效评估" in html
    refused = assess(p, bureau, "不予支持")
    assert p.ex_ante_conclusion is None  # after 入库 an assessment judges the change, not the budget
    assert refused.sequence == 1
    db.session.refresh(major)
    assert "重大变化" in page.post(
        f"/documents/{major.id}/transition", data={"action": "submit", "version": major.version}
    ).get_data(as_text=True)
    supportive = assess(p, bureau, "予以支持")
    assert supportive.sequence == 2
    push(major, unit_chain("guihua"), bureau)
    assert major.state == "final" and targets.revision == 3


def test_a_reviewer_marks_a_major_change(bureau):
    p = project(GUIHUA)
    targets = into_library(p, bureau)
    staff = bureau["guihua"]
    adjustment = documents.create_document(
        "target_adjustment", actor=staff, project=p, data=adjustment_data(targets, "100")
    )
    db.session.commit()
    push(adjustment, unit_chain("guihua")[:1], bureau)
    reviews.set_flags(
        adjustment,
        {"major_change": True},
        actor=bureau["guihua_head"],
        comment="调整后绩效指标与原目标方向不同",
        expected_version=adjustment.version,
    )
    db.session.commit()
    push(adjustment, unit_chain("guihua")[1:3], bureau)
    try:
        workflow.apply(adjustment, "approve", actor=bureau["finance"], expected_version=adjustment.version)
        raise AssertionError("finance approved a marked major change without an assessment")
    except GuardFailed as err:
        assert "规划科科长 刘洋标记为目标重大变化" in err.message
    db.session.rollback()
    assess(p, bureau, "调整完善后予以支持")
    push(adjustment, unit_chain("guihua")[3:], bureau)
    assert adjustment.state == "final"


def adjust(p: Project, bureau, kind: str, funds: dict) -> StageDocument:
    data = {
        "adjustment_type": kind,
        "funds": {s: {"amount": a} for s, a in funds.items()},
        "reason": "按执行情况调整",
    }
    doc = documents.create_document("budget_adjustment", actor=bureau["guihua"], project=p, data=data)
    db.session.commit()
    return push(doc, unit_chain("guihua"), bureau)


def test_budget_adjustments_any_number_their_ledger_and_the_adjusted_budget(client, client_for, bureau):
    old = project("市级国土空间总体规划编制", 2025)
    into_library(old, bureau)  # 2025 targets: 100 万元 of 财政资金
    monitoring = documents.create_document("monitoring", actor=bureau["guihua"], project=old)
    db.session.commit()
    adjust(old, bureau, "increase", {"fiscal": "50", "unit": "10"})
    adjust(old, bureau, "decrease", {"fiscal": "20"})
    adjust(old, bureau, "recall", {"fiscal": "5.5"})
    ledger = adjustments.ledger_of(old)
    assert (ledger.count, ledger.increase, ledger.decrease, ledger.recalled) == (
        3,
        Decimal("60.00"),
        Decimal("20.00"),
        Decimal("5.50"),
    )
    # A document started now begins with 年初 and 调整后 (= 年初 + final adjustments); one already
    # being drafted follows each final adjustment, with a line in its history.
    evaluation = documents.create_document("self_evaluation", actor=bureau["guihua"], project=old)
    funds = evaluation.data["funds"]
    assert (funds["fiscal"]["initial"], funds["fiscal"]["adjusted"], funds["unit"]["adjusted"]) == (
        "100.00",
        "124.50",
        "10.00",
    )
    db.session.refresh(monitoring)
    assert monitoring.data["funds"]["fiscal"]["adjusted"] == "124.50"
    assert [e.action for e in monitoring.events].count("budget_adjusted") == 3
    # 调减 beyond the current budget is refused at submission.
    too_much = documents.create_document(
        "budget_adjustment",
        actor=bureau["guihua"],
        project=old,
        data={"adjustment_type": "recall", "funds": {"unit": {"amount": "10.01"}}, "reason": "收回"},
    )
    try:
        workflow.apply(too_much, "submit", actor=bureau["guihua"], expected_version=too_much.version)
        raise AssertionError("a recall beyond the budget was submitted")
    except GuardFailed as err:
        assert "单位资金调减 10.01 万元，超过当前预算 10 万元" in err.message
    db.session.rollback()
    # The ledger per project and unit, through the API (amounts in 万元 as strings), scoped.
    answer = client.get(
        "/api/v1/ledgers/adjustments?year=2025&unit=guihua", headers=bearer(bureau["finance"])
    )
    validate(answer, "/ledgers/adjustments", "get")
    assert answer.json == [
        {
            "project_id": old.id,
            "project": old.name,
            "unit": "guihua",
            "count": 3,
            "increase": "60.00",
            "decrease": "20.00",
            "recalled": "5.50",
        }
    ]
    assert client.get("/api/v1/ledgers/adjustments?year=2025", headers=bearer(bureau["gengdi"])).json == []
    validate(
        client.get("/api/v1/ledgers/adjustments?year=1999", headers=bearer(bureau["finance"])),
        "/ledgers/adjustments",
        "get",
    )
    finance_page = client_for(bureau["finance"]).get("/ledger/?year=2025").get_data(as_text=True)
    assert "规划科" in finance_page.split('id="ledger-units"')[1].split("</table>")[0]
    # Next year's project of the same name and unit shows it as the context of its budget.
    new = projects.create_project(
        actor=bureau["guihua"],
        unit=old.unit,
        fiscal_year=project(GUIHUA).fiscal_year,
        values={"name": old.name, "fiscal_amount": "120"},
    )
    db.session.commit()
    row = details(client_for(bureau["guihua"]), new).split('id="previous-ledger"')[1].split("</tr>")[0]
    assert (
        "2025 年同名项目" in row
        and "<td>3</td>" in row
        and "<td>60.00</td>" in row
        and "<td>5.50</td>" in row
    )
