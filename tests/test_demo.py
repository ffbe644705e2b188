"""The lived-in demo (`flask seed demo`): 2025 complete, 2026 in progress on the demo's today, every
unit staffed and overseen, each demo account with work waiting, and a history that reads like the
real thing (the people whose work it is, on the days they would do it, in their words)."""

import re
from datetime import date, datetime

from sqlalchemy import func, select

from zyperf import demo as demo_year
from zyperf.extensions import db
from zyperf.models import (
    AuditEntry,
    DocumentEvent,
    DocumentKind,
    HandlingDecision,
    Measure,
    Role,
    Round,
    StageDocument,
    Unit,
    User,
)
from zyperf.services import rectification, results, rounds, worklist
from zyperf.services.projects import fiscal_year
from zyperf.transitions import State

# The accounts of the README's table, each with real work waiting on the demo's today.
WORKING = (
    "finance",
    "leader",
    "deputy",
    "deputy2",
    "deputy3",
    "guihua",
    "guihua_head",
    "gengdi",
    "gengdi_head",
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def documents_of(year: int) -> list[StageDocument]:
    return db.session.scalars(
        select(StageDocument).where(StageDocument.fiscal_year_id == fiscal_year(year).id)
    ).all()


def test_2025_is_complete(demo):
    docs = documents_of(2025)
    assert {d.kind for d in docs} == {k.value for k in DocumentKind}
    assert {d.state for d in docs} == {State.FINAL.value}
    fy = fiscal_year(2025)
    projects = {d.project for d in docs if d.project}
    assert projects and all(p.in_library for p in projects)
    monitoring = [d for d in docs if d.kind == DocumentKind.MONITORING]
    assert {d.data["monitoring_class"] for d in monitoring} == {"正常", "滞后", "严重滞后"}
    assert {d.project_id for d in monitoring} == {p.id for p in projects}
    # Finance's handling: the lags urged (and acknowledged), the severe lags' budgets adjusted.
    decisions = db.session.scalars(select(HandlingDecision).join(HandlingDecision.monitoring)).all()
    decisions = [d for d in decisions if d.monitoring.fiscal_year_id == fy.id]
    assert {d.measure for d in decisions} == {Measure.URGE.value, Measure.ADJUST_BUDGET.value}
    assert all(d.acknowledged_at for d in decisions if d.measure == Measure.URGE.value)
    opened = [db.session.get(StageDocument, d.opened_document_id) for d in decisions if d.opened_document_id]
    assert opened and {d.state for d in opened} == {"final"}
    kinds = {d.data["adjustment_type"] for d in docs if d.kind == DocumentKind.BUDGET_ADJUSTMENT}
    assert kinds == {"increase", "decrease", "recall"}
    # Results: every grade, every row decided (one decision changed, with its reason on the record).
    ledger = results.ledger(demo["finance"], fy)
    assert {r.grade for r in ledger if r.project} == {"优", "良", "中", "差"}
    assert all(r.decision is not None and r.evaluation is not None for r in ledger)
    department = next(r for r in ledger if r.project is None)
    assert results.TARGET_ASSESSMENT in department.decision.ways
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "result.change")).all()
    assert len(changed) == 1 and "理由" in changed[0].summary
    # Rectification: several problems, some of them open past their deadline on the demo's today.
    overdue = rectification.overdue_problems(demo["finance"])
    ledger_rows = rectification.problem_ledger(demo["finance"], fy)
    assert len(ledger_rows) > len(overdue) >= 2
    assert any(p.project_id is None for p in ledger_rows)  # the department's own
    assert all(p.deadline < demo_year.today() for p in overdue)


def test_2026_is_in_progress_on_the_demos_today(demo, client_for):
    docs = documents_of(2026)
    assert len({d.state for d in docs}) >= 5
    targets = [d for d in docs if d.kind == DocumentKind.PERFORMANCE_TARGETS]
    assert {d.state for d in targets} >= {
        "draft",
        "returned",
        "submitted",
        "head_approved",
        "leader_approved",
        "final",
    }
    returned = next(d for d in targets if d.state == "returned")
    last = returned.events[-1]
    assert last.action == "return" and last.actor.has_role(Role.SECTION_HEAD) and CHINESE.search(last.comment)
    page = client_for(demo["guihua"]).get(f"/documents/{returned.id}").get_data(as_text=True)
    assert last.comment in page
    # An assessment waits for the city bureau's answer: in finance's hands.
    waiting = [d for d in docs if d.kind == DocumentKind.EX_ANTE_ASSESSMENT and d.state == "reported"]
    assert len(waiting) == 1
    assert waiting[0].id in {i.document.id for i in worklist.worklist(demo["finance"])}
    # The monitoring round is open, due before today: some units late, some documents on their way.
    stage_round = db.session.scalar(
        select(Round).where(Round.fiscal_year_id == fiscal_year(2026).id, Round.stage == "monitoring")
    )
    assert stage_round.due == date(2026, 9, 15) < demo_year.today()
    progress = rounds.progress([stage_round], demo["finance"])[stage_round.id]
    late = [row for row in progress if row["by_state"].get("draft")]
    assert late and all(row["overdue"] for row in late)
    states = {s for row in progress for s in row["by_state"]}
    assert {"draft", "submitted", "head_approved", "leader_approved", "final"} <= states
    assert any(row["final"] for row in progress)
    page = client_for(demo["finance"]).get("/rounds/?year=2026").get_data(as_text=True)
    assert "国土空间生态修复科" in page or "生态修复" in page


def test_every_unit_is_staffed_and_overseen(demo):
    users = db.session.scalars(select(User).where(User.active.is_(True))).all()
    overseen = {unit.id for user in users if user.has_role(Role.DIVISION_LEADER) for unit in user.oversees}
    for unit in db.session.scalars(select(Unit)):
        people = [u for u in users if u.unit_id == unit.id]
        if unit.is_finance:
            assert any(u.has_role(Role.FINANCE) for u in people), unit.name
        else:
            assert any(u.has_role(Role.STAFF) for u in people), unit.name
            assert any(u.has_role(Role.SECTION_HEAD) for u in people), unit.name
        assert unit.id in overseen, unit.name


def test_each_demo_account_finds_work_waiting(demo, client_for):
    for name in WORKING:
        user = demo[name]
        count = worklist.worklist_count(user)
        assert count > 0, name
        page = client_for(user).get("/worklist/").get_data(as_text=True)
        assert "没有待办事项" not in page
        assert page.count('href="/documents/') >= min(count, 20), name
    assert worklist.worklist_count(demo["admin"]) == 0  # configures; no business of its own
    # Late units are marked; finance's 催办 lists them.
    assert "已逾期" in client_for(demo["quequan"]).get("/worklist/").get_data(as_text=True)
    outstanding = client_for(demo["finance"]).get("/outstanding/").get_data(as_text=True)
    assert "自然资源确权登记科" in outstanding


def test_the_history_reads_like_the_real_thing(demo):
    """Each step by the person whose work it is, on a day of the story (before the demo's today, in
    order), every return and every city bureau's answer with its words."""
    start, today = datetime(2024, 10, 8), datetime.combine(demo_year.today(), datetime.min.time())
    events = db.session.scalars(select(DocumentEvent).order_by(DocumentEvent.id)).all()
    by_document: dict[int, list[DocumentEvent]] = {}
    for event in events:
        assert start <= event.at < today, (event.action, event.at)
        assert event.actor is not None
        by_document.setdefault(event.document_id, []).append(event)
    for document_id, found in by_document.items():
        assert [e.at for e in found] == sorted(e.at for e in found), document_id
        document = db.session.get(StageDocument, document_id)
        unit_ids = {document.unit_id}
        for event in found:
            actor = event.actor
            if event.action == "submit":
                assert actor.unit_id in unit_ids and actor.has_role(Role.STAFF, Role.FINANCE)
            elif event.action == "approve" and event.from_state == "submitted" and document.project_id:
                assert actor.unit_id in unit_ids and actor.has_role(Role.SECTION_HEAD)
            elif event.action == "approve" and event.from_state == "head_approved":
                assert document.unit_id in {u.id for u in actor.oversees}
            elif event.action in ("return", "record_review", "report"):
                assert CHINESE.search(event.comment), (event.action, document_id)
    # The seasons: the 2025 targets approved by January 2025, its self-evaluation issued in 2026.
    approvals = [
        e.at
        for e in events
        if e.action == "approve"
        and e.to_state == "final"
        and e.document.kind == "performance_targets"
        and e.document.fiscal_year.year == 2025
    ]
    assert max(approvals) < datetime(2025, 2, 1)
    issued = db.session.scalar(
        select(Round.opened_at).where(
            Round.fiscal_year_id == fiscal_year(2025).id, Round.stage == "self_evaluation"
        )
    )
    assert issued.year == 2026
    # Every audit row of the story names who acted.
    anonymous = select(func.count(AuditEntry.id)).where(
        AuditEntry.actor_id.is_(None), AuditEntry.action.like("document.%")
    )
    assert db.session.scalar(anonymous) == 0


def test_seeding_again_changes_nothing(demo):
    before = db.session.scalar(select(func.count(StageDocument.id)))
    again = demo_year.seed()
    db.session.commit()
    assert again["story_told"] is False and again["users_created"] == 0 and again["projects_created"] == 0
    assert db.session.scalar(select(func.count(StageDocument.id))) == before


def test_the_results_ledger_opens_on_the_year_last_evaluated(demo, client_for):
    """In mid-2026 finance decides on 2025's results: the ledger opens there, and 2026 is a click away."""
    page = client_for(demo["finance"]).get("/results/").get_data(as_text=True)
    assert "2025 年度绩效评价结果应用台账" in page
    assert "尚无已定稿的评价" not in page.split("部门整体支出", 1)[1].split("</tr>", 1)[0]
    later = client_for(demo["finance"]).get("/results/?year=2026").get_data(as_text=True)
    assert "2026 年度绩效评价结果应用台账" in later
