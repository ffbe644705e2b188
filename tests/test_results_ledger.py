"""Use of results (评价结果应用, rules 三(五), excel-formats §4.7 and §8.6): the ledger's scores, grades and
suggestions are the final evaluations' own figures; finance's decisions are audited and change only
with a reason; each person sees the rows of their scope."""

from decimal import Decimal

import pytest
from sqlalchemy import event, select

from tests import steps
from tests.filling import complete_data
from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import AuditEntry, Project, ResultDecision, Role, StageDocument
from zyperf.services import accounts, document_data, documents, results
from zyperf.services.projects import fiscal_year

# (project, unit, quantitative 完成值 of 20, 定性 grade and score, expected total and grade)
CASES = [
    ("村级国土空间规划编制", "guihua", "20", "达成年度指标", "45", "100.00", "优"),
    ("中心城区控制性详细规划修编", "guihua", "16", "达成年度指标", "40", "86.00", "良"),
    (
        "国土空间规划“一张图”实施监督信息系统运维",
        "guihua",
        "10",
        "部分达成年度指标并具有一定效果",
        "30",
        "62.50",
        "中",
    ),
    ("高标准农田建设项目耕地质量监测", "gengdi", "4", "未达成年度指标且效果较差", "10", "29.00", "差"),
]


def project(name: str) -> Project:
    return db.session.scalar(select(Project).where(Project.name == name, Project.fiscal_year.has(year=2026)))


def final_self_evaluation(bureau, name, unit, actual, grade, score) -> StageDocument:
    data = complete_data("self_evaluation")
    rows = data["indicators"]
    rows[0] |= {"actual": actual, "reason": "" if actual == "20" else "部分村庄规划未完成"}
    rows[1] |= {"grade": grade, "score_entered": score, "reason": "" if score == "45" else "效果尚未完全显现"}
    doc = documents.create_document("self_evaluation", actor=bureau[unit], project=project(name), data=data)
    steps.run(doc, bureau, (*steps.to_city(unit), ("finance", "record_review")), conclusion="审核通过")
    db.session.commit()
    assert doc.state == "final"
    return doc


def final_department_evaluation(bureau) -> StageDocument:
    doc = documents.create_document(
        "department_evaluation",
        actor=bureau["finance"],
        fiscal_year=fiscal_year(2026),
        data=complete_data("department_evaluation"),
    )
    steps.run(
        doc,
        bureau,
        (("finance", "submit"), ("leader", "approve"), ("finance", "report"), ("finance", "record_review")),
        conclusion="审核通过",
    )
    db.session.commit()
    return doc


@pytest.fixture
def evaluated(bureau):
    return {case[0]: final_self_evaluation(bureau, *case[:5]) for case in CASES}


def test_grades_come_from_the_evaluations_figures(client, client_for, bureau, evaluated):
    department = final_department_evaluation(bureau)
    rows = client.get("/api/v1/ledgers/results?year=2026", headers=bearer(bureau["finance"])).json
    by_name = {r["name"]: r for r in rows}
    for name, _unit, _a, _g, _s, total, grade in CASES:
        row, figures = by_name[name], document_data.figures_of(evaluated[name])
        assert (row["score"], row["grade"]) == (total, grade)
        assert (Decimal(row["score"]), row["grade"], row["suggestion"]) == (
            figures["total_score"],
            figures["grade"],
            figures["suggestion"],
        )
        assert row["evaluation_id"] == evaluated[name].id and row["budget"] == "100.00"
    assert by_name["村级国土空间规划编制"]["suggestion"] == "适当优先给予保障"
    assert by_name["高标准农田建设项目耕地质量监测"]["suggestion"] == "视情况可取消或暂停下一年度预算安排"
    # The department comes first; projects without a final self-evaluation have no result yet.
    assert (
        rows[0]["subject"] == "department"
        and rows[0]["project_id"] is None
        and rows[0]["method"] == "部门评价"
    )
    assert (
        rows[0]["evaluation_id"] == department.id
        and rows[0]["grade"] == document_data.figures_of(department)["grade"]
    )
    assert by_name["耕地保护补偿资金"]["grade"] is None and by_name["耕地保护补偿资金"]["decision"] is None
    # The page shows the same.
    html = client_for(bureau["finance"]).get("/results/?year=2026").get_data(as_text=True)
    assert html.count('data-column="grade">优<') == 1 + (rows[0]["grade"] == "优")
    for *_, total, _grade in CASES:
        assert f'data-column="score">{total}<' in html


def test_a_decision_is_audited_and_changes_only_with_a_reason(client_for, bureau, evaluated):
    finance = client_for(bureau["finance"])
    target = project("中心城区控制性详细规划修编")
    form = {
        "subject": target.id,
        "year": 2026,
        "ways": ["合理保障"],
        "next_amount": "95",
        "text": "按实际需求安排",
    }
    assert finance.post("/results/decide", data=form).status_code == 303
    decision = db.session.scalar(select(ResultDecision).where(ResultDecision.project_id == target.id))
    assert decision.ways == ["合理保障"] and decision.next_amount == Decimal("95.00")
    assert (
        decision.decided_by_id == bureau["finance"].id and decision.evaluation_id == evaluated[target.name].id
    )
    made = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "result.decide"))
    assert made.object_id == decision.id and made.changes["next_amount"] == [None, "95.00"]
    # A change without a reason is refused on the same page; nothing changes.
    change = form | {"ways": ["核减预算"], "next_amount": "80", "version": decision.version}
    refused = finance.post("/results/decide", data=change)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="refusal"' in html and "修改已记录的决定须说明理由" in html and "请填写修改理由" in html
    db.session.rollback()
    assert db.session.get(ResultDecision, decision.id).next_amount == Decimal("95.00")
    ok = finance.post("/results/decide", data=change | {"reason": "市财政局压减一般性支出"})
    assert ok.status_code == 303
    db.session.rollback()
    changed = db.session.get(ResultDecision, decision.id)
    assert changed.ways == ["核减预算"] and changed.next_amount == Decimal("80.00")
    assert changed.reason == "市财政局压减一般性支出"
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "result.change"))
    assert audit.changes == {"next_amount": ["95.00", "80.00"], "ways": [["合理保障"], ["核减预算"]]}
    assert "市财政局压减一般性支出" in audit.summary
    # The same decision sent again is "no change"; a stale version is refused.
    same = finance.post("/results/decide", data=change | {"reason": "再次", "version": changed.version})
    assert same.status_code == 422 and "决定内容没有变化" in same.get_data(as_text=True)
    stale = finance.post("/results/decide", data=change | {"ways": ["清理退出"], "reason": "x", "version": 1})
    assert stale.status_code == 409
    row = next(
        r
        for r in results.ledger(bureau["finance"], fiscal_year(2026))
        if r.project and r.project.id == target.id
    )
    assert row.change == Decimal("-20.00")  # 下年 80 − 当年 100


def test_decisions_are_finances_and_need_a_final_evaluation(client_for, bureau, evaluated):
    staff = client_for(bureau["guihua"])
    target = project("村级国土空间规划编制")
    form = {"subject": target.id, "year": 2026, "ways": ["优先保障"]}
    assert staff.post("/results/decide", data=form).status_code == 403
    finance = client_for(bureau["finance"])
    none_yet = finance.post("/results/decide", data=form | {"subject": project("耕地保护补偿资金").id})
    assert none_yet.status_code == 409 and "尚无已定稿的绩效自评" in none_yet.get_data(as_text=True)
    wrong = finance.post("/results/decide", data=form | {"ways": ["加倍保障"], "next_amount": "1.234"})
    assert wrong.status_code == 422
    assert db.session.scalar(select(ResultDecision)) is None
    # The department's decision must tie to the year's 目标管理绩效考核.
    final_department_evaluation(bureau)
    dept = {"subject": "department", "year": 2026, "ways": ["合理保障"], "next_amount": "5200"}
    refused = finance.post("/results/decide", data=dept)
    assert refused.status_code == 422 and "目标管理绩效考核" in refused.get_data(as_text=True)
    assert (
        finance.post(
            "/results/decide", data=dept | {"ways": ["合理保障", "挂钩目标管理绩效考核"]}
        ).status_code
        == 303
    )
    decision = db.session.scalar(select(ResultDecision).where(ResultDecision.project_id.is_(None)))
    assert decision.ways == ["合理保障", "挂钩目标管理绩效考核"] and decision.unit.is_finance


def test_each_sees_the_rows_of_their_scope(client, client_for, bureau, evaluated):
    final_department_evaluation(bureau)

    def names(user):
        return [r["name"] for r in client.get("/api/v1/ledgers/results?year=2026", headers=bearer(user)).json]

    guihua = names(bureau["guihua"])
    assert set(guihua) == {
        p.name
        for p in db.session.scalars(
            select(Project).where(Project.unit.has(code="guihua"), Project.fiscal_year.has(year=2026))
        )
    }
    assert "部门整体支出" not in guihua and "高标准农田建设项目耕地质量监测" not in guihua
    assert "高标准农田建设项目耕地质量监测" in names(bureau["gengdi_head"])
    everything = names(bureau["leader"])
    assert (
        everything[0] == "部门整体支出"
        and set(guihua) < set(everything)
        and names(bureau["finance"]) == everything
    )
    # Another unit's project: 404, as if it did not exist; admins hold no business role: 403.
    theirs = project("高标准农田建设项目耕地质量监测")
    headers = bearer(bureau["guihua"])
    assert (
        client.get(f"/api/v1/ledgers/results?year=2026&project={theirs.id}", headers=headers).status_code
        == 404
    )
    mine = client.get(
        f"/api/v1/ledgers/results?year=2026&project={project('村级国土空间规划编制').id}", headers=headers
    )
    assert [r["grade"] for r in mine.json] == ["优"]
    assert client.get("/api/v1/ledgers/results?year=2026", headers=bearer(bureau["admin"])).status_code == 403
    assert client_for(bureau["admin"]).get("/results/").status_code == 403
    page = client_for(bureau["guihua"]).get("/results/?year=2026").get_data(as_text=True)
    assert "高标准农田建设项目耕地质量监测" not in page and "记录决定" not in page
    assert (
        client_for(bureau["guihua"])
        .post("/results/decide", data={"subject": theirs.id, "year": 2026})
        .status_code
        == 404
    )


def test_the_ledger_costs_the_same_queries_however_many_decisions(client, bureau, evaluated):
    """Rows, evaluations, decisions and deciders are loaded a fixed number of queries at a time."""
    headers = bearer(bureau["finance"])

    def queries() -> int:
        seen = []
        listen = lambda *args: seen.append(args[2])
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert client.get("/api/v1/ledgers/results?year=2026", headers=headers).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        db.session.rollback()
        return len(seen)

    deciders = [
        accounts.create_user(
            f"finance{i}",
            "zyperf-demo-2026",
            display_name=f"财务科 {i}",
            roles=[Role.FINANCE],
            unit=bureau["finance"].unit,
            actor=None,
        )
        for i in range(len(CASES))
    ]
    names = [case[0] for case in CASES]
    results.decide(fiscal_year(2026), project(names[0]), actor=deciders[0], ways=["优先保障"])
    db.session.commit()
    one = queries()
    for name, decider in zip(names[1:], deciders[1:], strict=True):
        results.decide(fiscal_year(2026), project(name), actor=decider, ways=["合理保障"])
    db.session.commit()
    assert queries() == one
