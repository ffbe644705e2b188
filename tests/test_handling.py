"""Handling decided for monitored projects (rules 三(三)), and key monitoring (重点监控): through the
pages with the demo accounts."""

from sqlalchemy import func, select

from tests.filling import complete_document_data, into_library, push
from zyperf.domain import stages
from zyperf.domain.settings import YearSettings
from zyperf.extensions import db
from zyperf.models import AuditEntry, HandlingDecision, Project, StageDocument
from zyperf.services import documents, reviews, rounds

SEVERE_PROJECT = "耕地保护补偿资金"
NORMAL_PROJECT = "国土空间规划“一张图”实施监督信息系统运维"
KEY_PROJECT = "高标准农田建设项目耕地质量监测"


def project(name: str) -> Project:
    return db.session.scalar(select(Project).where(Project.name == name, Project.fiscal_year.has(year=2026)))


def monitoring_of(p: Project) -> StageDocument:
    return db.session.scalar(
        select(StageDocument).where(StageDocument.project_id == p.id, StageDocument.kind == "monitoring")
    )


def fill(document: StageDocument, bureau, *, executed: str, **extra) -> None:
    """The unit fills its monitoring: every indicator, and 执行数 as given (预算 100 万元)."""
    data = complete_document_data(document) | extra
    data["funds"] = {"fiscal": {"initial": "100", "adjusted": "100", "executed": executed, "expected": "100"}}
    if "planned_progress" not in extra:
        data["planned_progress"] = None
    documents.edit_document(
        document, actor=bureau[document.unit.code], data=data, expected_version=document.version
    )
    db.session.commit()


def reviewed_to_finance(document: StageDocument, bureau) -> None:
    code = document.unit.code
    push(document, (("submit", code), ("approve", f"{code}_head"), ("approve", "deputy")), bureau)


def decide(client, document, measure, instruction="请按要求处置"):
    return client.post(
        "/rounds/handling",
        data={"monitoring_id": document.id, "measure": measure, "instruction": instruction},
    )


def test_finance_decides_handling_that_fits_and_the_unit_acknowledges(client_for, bureau):
    severe_project, normal_project = project(SEVERE_PROJECT), project(NORMAL_PROJECT)
    for p in (severe_project, normal_project):
        into_library(p, bureau)
    rounds.open_round(severe_project.fiscal_year, "monitoring", actor=bureau["finance"])
    db.session.commit()
    severe, normal = monitoring_of(severe_project), monitoring_of(normal_project)
    fill(severe, bureau, executed="10", deviation_reason="征地补偿协议未签订")
    fill(normal, bureau, executed="100")
    reviewed_to_finance(severe, bureau)
    push(normal, (("submit", "guihua"), ("approve", "guihua_head")), bureau)
    reviews.set_flags(
        normal,
        {"major_change": True, "direction_deviation": True},
        actor=bureau["deputy"],
        comment="项目内容拟调整，资金用途有偏差",
        expected_version=normal.version,
    )
    db.session.commit()
    push(normal, (("approve", "deputy"),), bureau)
    finance = client_for(bureau["finance"])
    page = finance.get("/rounds/?year=2026").get_data(as_text=True)
    monitored = page.split('id="monitored"')[1].split("</table>")[0]
    assert "严重滞后" in monitored and "调整预算直至财政收回" in monitored
    assert "提示警示纠偏；绩效评估后调整" in monitored

    # What does not fit the class and flags is refused with the reason, nothing recorded.
    refused = decide(finance, normal, "adjust_budget")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "「调整预算」不适用于该项目：监控分类为「正常」" in text
    urge = decide(finance, severe, "urge")
    assert (
        urge.status_code == 422
        and "监控分类为「严重滞后」，审核标记：无；适用的处置措施：调整预算" in urge.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count(HandlingDecision.id))) == 0

    # 提示警示纠偏: an instruction the unit acknowledges.
    assert decide(finance, normal, "warn", "资金须用于规划监督系统运维").status_code == 303
    assert decide(finance, normal, "warn").status_code == 409  # decided once
    # 调整预算: the unit's budget adjustment draft, opened by finance.
    assert decide(finance, severe, "adjust_budget", "按执行进度调减预算").status_code == 303
    opened = db.session.scalar(select(StageDocument).where(StageDocument.kind == "budget_adjustment"))
    assert opened.project_id == severe_project.id and opened.state == "draft" and opened.created_by_id is None
    assert opened.data["reason"] == "按执行进度调减预算"
    assert [(e.action, e.actor.username) for e in opened.events] == [("issued", "finance")]
    # 绩效评估后调整: a target adjustment marked as a major change, which waits for an assessment.
    assert decide(finance, normal, "assess_then_adjust", "先开展绩效评估").status_code == 303
    adjustment = db.session.scalar(select(StageDocument).where(StageDocument.kind == "target_adjustment"))
    assert (
        adjustment.review["flags"]["major_change"]["set"] and adjustment.parent.kind == "performance_targets"
    )
    gengdi_work = client_for(bureau["gengdi"]).get("/worklist/").get_data(as_text=True)
    assert "预算调整" in gengdi_work
    guihua = client_for(bureau["guihua"])
    refused = guihua.post(
        f"/documents/{adjustment.id}/transition", data={"action": "submit", "version": adjustment.version}
    )
    assert refused.status_code == 422 and "重大变化" in refused.get_data(as_text=True)

    # The unit acknowledges the instruction; both sides see it.
    warn = db.session.scalar(select(HandlingDecision).where(HandlingDecision.measure == "warn"))
    home = guihua.get("/admin/").get_data(as_text=True)
    assert "资金须用于规划监督系统运维" in home.split('id="home-instructions"')[1]
    doc_page = guihua.get(f"/documents/{normal.id}").get_data(as_text=True)
    assert "资金须用于规划监督系统运维" in doc_page and "确认收到" in doc_page
    assert finance.post(f"/documents/{normal.id}/handling/{warn.id}/acknowledge").status_code == 403
    gengdi = client_for(bureau["gengdi"])
    assert gengdi.post(f"/documents/{normal.id}/handling/{warn.id}/acknowledge").status_code == 404
    done = guihua.post(
        f"/documents/{normal.id}/handling/{warn.id}/acknowledge", data={"comment": "已纠正支出用途"}
    )
    assert done.status_code == 303
    db.session.rollback()
    warn = db.session.get(HandlingDecision, warn.id)
    assert warn.acknowledged_by.username == "guihua" and warn.acknowledgement == "已纠正支出用途"
    assert guihua.post(f"/documents/{normal.id}/handling/{warn.id}/acknowledge").status_code == 409
    assert 'id="home-instructions"' not in guihua.get("/admin/").get_data(as_text=True)
    assert "已确认：规划科 陈晓" in finance.get(f"/documents/{normal.id}").get_data(as_text=True)
    assert "（已确认）" in finance.get("/rounds/?year=2026").get_data(as_text=True)
    project_page = guihua.get(f"/projects/details/?id={normal_project.id}").get_data(as_text=True)
    standing = project_page.split('id="project-standing"')[1].split("</div>")[0]
    assert "监控：正常，处置：提示警示纠偏；绩效评估后调整" in standing
    assert "处置决定：提示警示纠偏（已确认" in standing and "目标重大变化" in standing
    history = [e.action for e in db.session.get(StageDocument, normal.id).events]
    assert history.count("handling") == 2 and history[-1] == "acknowledged"
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"handling.decide", "handling.acknowledge", "document.issue"} <= actions


def test_key_monitoring_needs_planned_progress_and_finances_opinion(client_for, bureau):
    key = project(KEY_PROJECT)
    assert key.is_key_monitoring
    into_library(key, bureau)
    document = documents.create_document("monitoring", actor=bureau["gengdi"], project=key)
    fill(document, bureau, executed="80")
    gengdi = client_for(bureau["gengdi"])
    refused = gengdi.post(
        f"/documents/{document.id}/transition", data={"action": "submit", "version": document.version}
    )
    assert refused.status_code == 422 and "重点监控项目须填写计划进度" in refused.get_data(as_text=True)
    db.session.rollback()
    document = db.session.get(StageDocument, document.id)
    fill(document, bureau, executed="80", planned_progress="70")
    reviewed_to_finance(document, bureau)
    finance = client_for(bureau["finance"])
    page = finance.get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'id="key-monitoring"' in page and "财务科审核意见（重点监控项目必填）" in page
    silent = finance.post(
        f"/documents/{document.id}/transition", data={"action": "approve", "version": document.version}
    )
    assert silent.status_code == 422 and "重点监控项目须填写财务科审核意见" in silent.get_data(as_text=True)
    approved = finance.post(
        f"/documents/{document.id}/transition",
        data={"action": "approve", "version": document.version, "comment": "进度符合计划，继续跟踪"},
    )
    assert approved.status_code == 303
    db.session.rollback()
    final = db.session.get(StageDocument, document.id)
    assert final.state == "final" and final.events[-1].comment == "进度符合计划，继续跟踪"


def test_a_cleared_flag_no_longer_names_its_handling():
    """Reviewers' flags are kept as {"set": …} with who and why: one set then cleared names nothing."""
    data = {"funds": {"fiscal": {"initial": "100", "adjusted": "100", "executed": "90"}}}
    stamp = {"by": "分管领导", "at": "2026-09-01T10:00:00", "comment": "核实"}
    flags = {"direction_deviation": {"set": True, **stamp}, "major_change": {"set": False, **stamp}}
    figures = stages.compute("monitoring", data, YearSettings(), {"flags": flags})
    assert figures["monitoring_class"] == "正常" and figures["handling"] == "提示警示纠偏"
    cleared = {name: flag | {"set": False} for name, flag in flags.items()}
    assert stages.compute("monitoring", data, YearSettings(), {"flags": cleared})["handling"] == ""
