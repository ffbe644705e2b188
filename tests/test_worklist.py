"""我的待办 decided in SQL: the same documents as the workflow's own allowed_actions, for every kind, state,
user and separation-of-duties case; the badge equals the list; 催办 counts by unit and state."""

import re
from datetime import date

from sqlalchemy import select

from tests.filling import complete_data
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, StageDocument, Unit
from zyperf.permissions import scoped
from zyperf.services import documents, workflow
from zyperf.services.worklist import due_date, outstanding_by_unit, worklist, worklist_count, worklist_page
from zyperf.transitions import WORKFLOWS, DocumentAction


def python_worklist(user) -> set[int]:
    """What the worklist means, by the workflow's own predicate, one document at a time."""
    return {
        d.id
        for d in db.session.scalars(scoped(select(StageDocument), user))
        if any(a.action is not DocumentAction.WITHDRAW for a in workflow.allowed_actions(user, d))
    }


def every_state_of_every_kind(bureau) -> None:
    """A document in each state of each kind's workflow, in two units, drafted, edited or submitted by
    each kind of person (so separation of duties is met and broken). Rows are written directly: the
    workflow would need many steps to reach each case, and this test compares two readings of them."""
    year = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    people = [bureau[name] for name in ("guihua", "guihua_head", "deputy", "finance", "leader")]
    sequence = 0
    for kind, flow in WORKFLOWS.items():
        for state in sorted(flow.states):
            for code in ("guihua", "gengdi", "caiwu") if kind.is_department_wide else ("guihua", "gengdi"):
                project = None
                if not kind.is_department_wide:
                    project = db.session.scalar(
                        select(Project).where(Project.unit_id == units[code].id).order_by(Project.id)
                    )
                for who in people:
                    sequence += 1
                    db.session.add(
                        StageDocument(
                            kind=kind.value,
                            project_id=project.id if project else None,
                            unit_id=units[code].id,
                            fiscal_year_id=year.id,
                            sequence=sequence,
                            state=state.value,
                            data={},
                            created_by_id=bureau["guihua"].id,
                            last_edited_by_id=who.id,
                            submitted_by_id=who.id if sequence % 2 else None,
                        )
                    )
    db.session.commit()


def test_sql_worklist_is_the_workflows_own_answer(bureau):
    every_state_of_every_kind(bureau)
    assert db.session.scalar(select(db.func.count(StageDocument.id))) > 500
    for name, user in bureau.items():
        expected = python_worklist(user)
        found = [item.document.id for item in worklist(user)]
        assert set(found) == expected, name
        assert len(found) == len(set(found)) == worklist_count(user), name
        if name in ("finance", "guihua_head", "deputy", "leader", "guihua"):
            assert expected, f"{name} should have something waiting"
    assert worklist(bureau["admin"]) == []


def test_inactive_users_have_nothing_waiting(bureau):
    every_state_of_every_kind(bureau)
    head = bureau["guihua_head"]
    head.active = False
    assert worklist_count(head) == 0 and worklist(head) == []


def submitted_targets(bureau, n: int, prefix: str) -> list[StageDocument]:
    staff = bureau["guihua"]
    fy_id = db.session.scalar(select(Project.fiscal_year_id).where(Project.name == "村级国土空间规划编制"))
    made = []
    for i in range(n):
        project = Project(name=f"{prefix}{i:03d}", unit_id=staff.unit_id, fiscal_year_id=fy_id)
        db.session.add(project)
        db.session.flush()
        project.fiscal_amount = project.total_amount = 10  # continuing and small: no assessment needed
        doc = documents.create_document(
            "performance_targets", actor=staff, project=project, data=complete_data("performance_targets")
        )
        workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
        made.append(doc)
    db.session.commit()
    return made


def test_the_badge_counts_what_the_worklist_pages_show(client_for, bureau):
    made = submitted_targets(bureau, 57, "待审项目")
    head = client_for(bureau["guihua_head"])
    home = head.get("/admin/").get_data(as_text=True)
    badge = re.search(r'我的待办 <span class="badge badge-warning">(\d+)</span>', home)
    assert badge and int(badge.group(1)) == 57
    assert home.count("data-work-item=") == 8 and "查看全部 57 项" in home
    shown = []
    for page in (1, 2):
        html = head.get(f"/worklist/?page={page}").get_data(as_text=True)
        assert "共 57 条" in html
        shown += [int(i) for i in re.findall(r'href="/documents/(\d+)"', html.split('id="worklist"')[1])]
    assert shown == [d.id for d in made]  # oldest first, none lost or repeated
    past_the_end = head.get("/worklist/?page=9").get_data(as_text=True).split('id="worklist"')[1]
    assert [int(i) for i in re.findall(r'href="/documents/(\d+)"', past_the_end)] == shown[50:]


def test_worklist_pages_break_ties_by_id(bureau):
    made = submitted_targets(bureau, 12, "同时送审")
    for doc in made:
        doc.state_changed_at = made[0].state_changed_at
    db.session.commit()
    head = bureau["guihua_head"]
    pages = [worklist_page(head, page=p, per_page=5) for p in (1, 2, 3)]
    ids = [item.document.id for page in pages for item in page.items]
    assert ids == sorted(d.id for d in made) and {p.total for p in pages} == {12}


def test_outstanding_counts_per_unit_state_and_overdue(bureau):
    every_state_of_every_kind(bureau)
    finance = bureau["finance"]
    late = date(2030, 1, 1)
    rows = outstanding_by_unit(finance, today=late)
    open_docs = [d for d in db.session.scalars(select(StageDocument)) if d.state != "final"]
    assert sum(r["open"] for r in rows) == len(open_docs)
    for row in rows:
        mine = [d for d in open_docs if d.unit_id == row["unit"].id]
        assert row["open"] == len(mine)
        assert row["by_state"] == {s: sum(d.state == s for d in mine) for s in row["by_state"]}
        assert row["overdue"] == sum(due_date(d) is not None and due_date(d) < late for d in mine)
    early = outstanding_by_unit(finance, today=date(2000, 1, 1))
    assert sum(r["overdue"] for r in early) == 0
    order = [(r["unit"].sort_order, r["unit"].id) for r in rows]
    assert order == sorted(order)


def test_outstanding_is_finances_view_of_every_unit_only(bureau):
    every_state_of_every_kind(bureau)
    codes = {r["unit"].code for r in outstanding_by_unit(bureau["finance"])}
    assert codes == {"guihua", "gengdi", "caiwu"}
    assert {r["unit"].code for r in outstanding_by_unit(bureau["deputy"])} == {"guihua", "gengdi"}
