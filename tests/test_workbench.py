"""工作台: each role's year at a glance (matrix, projects by stage, chart, grades, configuration), the
same number of queries at any size, 催办 reminders, and pages that are never a dead end."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.test_scale import grow, queries, waiting_for_both
from zyperf import charts, volume
from zyperf.extensions import db
from zyperf.models import AuditEntry, DocumentKind, Project, Reminder, StageDocument, Unit
from zyperf.services import documents, workbench

YEAR = volume.FIRST_YEAR


def lived_in(n: int, year: int | None = None) -> None:
    """n projects taken through targets, monitoring and self-evaluation, as `flask seed volume` does."""
    run = volume.prepare(n, year=year)
    for i in range(n):
        volume.add_project(run, i)
    db.session.commit()


def cell(html: str, unit: str, kind: str) -> str:
    found = re.search(rf'<td class="cell-(\w+)" data-unit="{unit}" data-kind="{kind}"', html)
    assert found, (unit, kind)
    return found.group(1)


def test_finance_sees_the_matrix_the_chart_grades_and_adjustments(client_for, bureau):
    lived_in(6, year=YEAR)
    html = client_for(bureau["finance"]).get(f"/admin/?year={YEAR}").get_data(as_text=True)
    assert 'id="stage-matrix"' in html and f"{YEAR} 年度" in html
    # volume projects' targets, monitoring and self-evaluation are final (nine in ten evaluations).
    assert cell(html, "guihua", "monitoring") == "final"
    assert f'href="/documents/?kind=monitoring&amp;unit=guihua&amp;year={YEAR}"' in html
    chart = html[html.index('id="execution-chart"') :]
    assert chart.count("<rect x=") >= 6 and "时序进度" in chart
    assert re.search(r"<title>[^<]*项目（\d{5}）：执行率 \d+\.\d{2}%，(正常|滞后|严重滞后)", chart)
    assert 'href="/documents/' in chart
    assert 'id="grades-chart"' in html and 'id="adjustments-brief"' in html


@pytest.fixture
def current_year(bureau):
    return workbench.fiscal_year_of(None)


def test_matrix_cells(bureau, current_year):
    waiting_for_both(bureau)
    rows = {r.unit.code: r for r in workbench.matrix(bureau["finance"], current_year)}
    guihua = rows["guihua"].cells[DocumentKind.PERFORMANCE_TARGETS]
    gengdi = rows["gengdi"].cells[DocumentKind.PERFORMANCE_TARGETS]
    projects = {
        code: len(
            db.session.scalars(
                select(Project).join(Unit).where(Unit.code == code, Project.fiscal_year_id == current_year.id)
            ).all()
        )
        for code in ("guihua", "gengdi")
    }
    assert (guihua.drafting, guihua.reviewing, guihua.not_started) == (1, 0, projects["guihua"] - 1)
    assert (gengdi.drafting, gengdi.reviewing, gengdi.not_started) == (0, 1, projects["gengdi"] - 1)
    # The division leader sees the units he oversees, nobody else's.
    assert {r.unit.code for r in workbench.matrix(bureau["deputy"], current_year)} <= {"guihua", "gengdi"}
    assert [r.unit.code for r in workbench.matrix(bureau["guihua"], current_year)] == ["guihua"]


def test_workbench_query_counts_do_not_grow_with_the_data(client_for, bureau):
    """Every role's 工作台 at two sizes (the data grown once for all of them)."""
    clients = {
        name: client_for(bureau[name])
        for name in ("finance", "leader", "deputy", "guihua", "guihua_head", "admin")
    }
    waiting_for_both(bureau)
    grow(3)
    small = {name: queries(client, f"/admin/?year={YEAR}") for name, client in clients.items()}
    grow(12)
    assert {name: queries(client, f"/admin/?year={YEAR}") for name, client in clients.items()} == small


def test_each_role_sees_its_own_sections(client_for, bureau, current_year):
    waiting_for_both(bureau)
    pages = {name: client_for(bureau[name]).get("/admin/").get_data(as_text=True) for name in bureau}
    assert 'id="unit-projects"' in pages["guihua"] and 'id="stage-matrix"' not in pages["guihua"]
    assert "村级国土空间规划编制" in pages["guihua"] and "耕地保护补偿资金" not in pages["guihua"]
    assert 'id="stage-matrix"' in pages["deputy"] and 'id="unit-projects"' in pages["deputy"]
    assert 'id="stage-matrix"' in pages["leader"] and 'id="execution-empty"' in pages["leader"]
    assert 'id="configuration"' in pages["admin"] and 'id="home-worklist"' not in pages["admin"]
    # finance's worklist holds the 耕地保护科 document; its row says the due date.
    assert "data-work-item=" in pages["finance"] and "截止日期" in pages["finance"]


def test_admins_see_unpublished_forms_and_unstaffed_units(client_for, bureau):
    html = client_for(bureau["admin"]).get("/admin/").get_data(as_text=True)
    config = html[html.index('id="configuration"') :]
    assert "已发布第 1 版" in config and "尚未建立该预算年度" in config  # the next year is not there
    assert 'id="account-gaps"' in config


def test_finance_reminds_a_unit_and_its_people_read_it(client_for, bureau):
    waiting_for_both(bureau)
    finance = client_for(bureau["finance"])
    unit = db.session.scalar(select(Unit).where(Unit.code == "guihua"))
    page = finance.get("/outstanding/").get_data(as_text=True)
    assert f'action="/outstanding/remind/{unit.id}"' in page
    response = finance.post(f"/outstanding/remind/{unit.id}", data={"message": "请于本周内完成<绩效目标>"})
    assert response.status_code == 303
    db.session.rollback()
    reminder = db.session.scalar(select(Reminder))
    assert reminder.unit_id == unit.id and reminder.sent_by_id == bureau["finance"].id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reminder.send"))
    for name in ("guihua", "guihua_head", "deputy"):
        home = client_for(bureau[name]).get("/admin/").get_data(as_text=True)
        assert "请于本周内完成&lt;绩效目标&gt;" in home, name
    assert "请于本周内完成" in client_for(bureau["guihua"]).get("/worklist/").get_data(as_text=True)
    assert "请于本周内完成" not in client_for(bureau["gengdi"]).get("/admin/").get_data(as_text=True)
    # Only finance sends; an empty message takes the default, a long one is refused.
    assert client_for(bureau["guihua"]).post(f"/outstanding/remind/{unit.id}").status_code == 403
    assert client_for(bureau["leader"]).post(f"/outstanding/remind/{unit.id}").status_code == 403
    assert finance.post(f"/outstanding/remind/{unit.id}", data={"message": "长" * 501}).status_code == 422


def test_error_pages_keep_the_menu_for_a_logged_in_user(client, client_for, bureau):
    staff = client_for(bureau["guihua"])
    for path, status in (("/documents/999999", 404), ("/admin/admin_users/", 403), ("/nope", 404)):
        response = staff.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == status and 'id="current-user"' in html and "我的待办" in html, path
        assert 'id="error-message"' in html
    anonymous = client.get("/api/v1/nope")
    assert anonymous.status_code in (401, 404) and anonymous.is_json


def test_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    response.close()


def test_charts_escape_names_and_draw_every_bar():
    bars = [
        charts.Bar('<script>alert("x")</script>', Decimal("0.4"), "严重滞后", "/documents/1"),
        charts.Bar("正常项目", Decimal("0.9"), "正常", None),
        charts.Bar("没有预算", None, "不适用", None),
    ]
    svg = str(charts.execution_chart(bars, reference=Decimal(8) / 12))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('data-class="') == 3 and "时序进度 66.67%" in svg
    grades = str(charts.count_chart({"优": 2, "差": 1}, charts.GRADE_COLOURS, chart_id="g", title="<b>"))
    assert "2（67%）" in grades and "<b>" not in grades


def test_project_stages_link_each_document(client_for, bureau):
    project = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    document = documents.create_document("performance_targets", actor=bureau["guihua"], project=project)
    db.session.commit()
    html = client_for(bureau["guihua"]).get("/admin/").get_data(as_text=True)
    table = html[html.index('id="unit-projects"') :]
    assert (
        f'href="/documents/{document.id}"' in table and f'href="/projects/details/?id={project.id}"' in table
    )
    assert db.session.get(StageDocument, document.id).state == "draft"


def test_outstanding_names_units_that_have_not_started_past_a_deadline(app, client_for, bureau):
    """催办 lists a unit whose projects have no targets after the targets' deadline, though it has no
    document at all, and counts what is not started; a unit that started is counted by its documents."""
    app.config["ZYPERF_TODAY"] = date(2026, 9, 20)  # past 2026's targets deadline, before the evaluation's
    waiting_for_both(bureau)
    year = workbench.fiscal_year_of(None)
    late = workbench.late_not_started(bureau["finance"], year)
    html = client_for(bureau["finance"]).get("/outstanding/").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-unit="(\w+)">(.*?)</tr>', html, re.DOTALL))
    shengtai = db.session.scalar(select(Unit).where(Unit.code == "shengtai"))
    projects = db.session.scalar(
        select(func.count(Project.id)).where(
            Project.unit_id == shengtai.id, Project.fiscal_year_id == year.id
        )
    )
    assert projects and late[shengtai.id] == projects  # none of its projects has targets
    assert "shengtai" in rows and f">{projects}</a>" in rows["shengtai"]  # linked to the matrix
    guihua = db.session.scalar(select(Unit).where(Unit.code == "guihua"))
    cells = next(r for r in workbench.matrix(bureau["finance"], year) if r.unit.id == guihua.id).cells
    # One project's targets are drafting; its ex-ante assessments, past their deadline, count too.
    assert cells[DocumentKind.PERFORMANCE_TARGETS].late_missing == projects_of(guihua, year) - 1
    assert late[guihua.id] == sum(c.late_missing for c in cells.values()) > projects_of(guihua, year) - 1
    assert f">{late[guihua.id]}</a>" in rows["guihua"] and ">草稿 1</a>" in rows["guihua"]


def projects_of(unit: Unit, year) -> int:
    return db.session.scalar(
        select(func.count(Project.id)).where(Project.unit_id == unit.id, Project.fiscal_year_id == year.id)
    )
