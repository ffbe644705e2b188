"""Pages read as people read: the audit log in Chinese, Beijing time without microseconds, names that
are links, edit icons only where editing is allowed, Flask-Admin's words, diagrams that scale."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from admin.audit_labels import action_text, object_text, summary_text
from tests.filling import complete_data
from zyperf.extensions import db
from zyperf.models import Project
from zyperf.services import accounts, documents, workflow


def test_the_audit_log_speaks_chinese(client_for, bureau):
    assert action_text("document.approve") == "文档：审核通过"
    assert action_text("user.set_roles") == "用户：设置角色"
    assert object_text("StageDocument") == "阶段文档"
    assert summary_text("leader_approved → final 同意") == "待财务科审核 → 已定稿 同意"
    accounts.create_user(
        "auditcase", "long-enough-pw", display_name="审计", roles=[], unit=None, actor=bureau["admin"]
    )
    db.session.commit()
    html = client_for(bureau["admin"]).get("/admin/admin_audit/").get_data(as_text=True)
    cells = [c.strip() for c in re.findall(r'<td class="col-(?:action|object_type)">([^<]*)', html)]
    assert cells[:2] == ["用户：新建", "用户"]
    assert "user.create" not in cells and "User" not in cells
    actors = {c.strip() for c in re.findall(r'<td class="col-actor">([^<]*)', html)}
    assert "系统管理员（admin）" in actors
    assert "系统（初始数据或命令行）" in actors and "" not in actors  # the bureau's seeding had no one acting
    # Times to the minute, never with seconds or microseconds.
    assert not re.search(r"\d{2}:\d{2}:\d{2}", html)


def test_user_list_shows_beijing_time_to_the_minute(client_for, bureau):
    html = client_for(bureau["admin"]).get("/admin/admin_users/").get_data(as_text=True)
    assert re.search(r"<td[^>]*>\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*</td>", html)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", html)
    assert "北京时间" in html


def icon_urls(html: str, project_id: int) -> list[str]:
    """The icon links of the list row whose name links to the project."""
    row = next(r for r in html.split("<tr")[1:] if f'href="/projects/details/?id={project_id}"' in r)
    icons = row.split('class="list-buttons-column">', 1)[1].split("</td>", 1)[0]
    return [unescape(a.split('"', 1)[0]) for a in icons.split('href="')[1:]]


def row_icons(html: str, project_id: int) -> list[str]:
    return [urlsplit(url).path for url in icon_urls(html, project_id)]


def test_project_names_link_and_edit_icons_only_where_allowed(client_for, bureau):
    project = db.session.scalar(select(Project).where(Project.name.startswith("国土空间规划“一张图”")))
    other = db.session.scalar(select(Project).where(Project.name == "中心城区控制性详细规划修编"))
    staff = bureau["guihua"]
    targets = documents.create_document(
        "performance_targets", actor=staff, project=project, data=complete_data("performance_targets")
    )
    workflow.apply(targets, "submit", actor=staff, expected_version=targets.version)
    db.session.commit()
    client = client_for(staff)
    html = client.get("/projects/").get_data(as_text=True)
    assert f'<a href="/projects/details/?id={project.id}">{project.name}</a>' in html
    # Every row: its page's icon; the edit icon while nothing is submitted (submitted targets: none).
    assert row_icons(html, other.id) == ["/projects/details/", "/projects/edit/"]
    assert row_icons(html, project.id) == ["/projects/details/"]
    for url in icon_urls(html, other.id):  # each leads to the row, and back to the list
        query = parse_qs(urlsplit(url).query)
        assert query["id"] == [str(other.id)] and query["url"][0].startswith("/projects/")
        assert client.get(url).status_code == 200
    assert 'class="action-checkbox"' not in html  # staff have no bulk action here
    assert client.get(f"/projects/edit/?id={project.id}").status_code == 403
    finance = client_for(bureau["finance"]).get("/projects/").get_data(as_text=True)
    assert row_icons(finance, other.id) == ["/projects/details/"]  # finance edits no project
    assert f'name="rowid" class="action-checkbox" value="{other.id}"' in finance  # 重点监控 in bulk
    details = client.get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    assert 'id="edit-project"' not in details
    assert 'id="edit-project"' in client.get(f"/projects/details/?id={other.id}").get_data(as_text=True)
    assert "50 条" in html and "50 项目" not in html


def test_workflow_diagrams_scale_to_their_container(client_for, bureau):
    html = client_for(bureau["admin"]).get("/admin/admin_workflows/").get_data(as_text=True)
    diagrams = re.findall(r'<div class="mb-2 workflow-diagram"><svg [^>]*viewBox="0 0 \d+ \d+"', html)
    assert len(diagrams) >= 10
    css = client_for(bureau["admin"]).get("/static/css/zyperf.css")
    assert ".workflow-diagram svg { max-width: 100%" in css.get_data(as_text=True)
    css.close()


def test_the_indicator_table_says_the_weight_total_it_needs(client_for, bureau):
    project = db.session.scalar(select(Project).where(Project.name == "中心城区控制性详细规划修编"))
    document = documents.create_document("performance_targets", actor=bureau["guihua"], project=project)
    db.session.commit()
    html = client_for(bureau["guihua"]).get(f"/documents/{document.id}/edit").get_data(as_text=True)
    assert re.search(
        r'data-weight-total="[^"]+" data-weight-expected="90">0</span>（应为 90，送审时须相等）', html
    )


def test_the_document_list_links_each_project(client_for, bureau):
    project = db.session.scalar(select(Project).where(Project.name == "中心城区控制性详细规划修编"))
    document = documents.create_document("performance_targets", actor=bureau["guihua"], project=project)
    db.session.commit()
    client = client_for(bureau["guihua"])
    html = client.get("/documents/").get_data(as_text=True)
    assert f'<a href="/projects/details/?id={project.id}">中心城区控制性详细规划修编</a>' in html
    assert f'<a href="/documents/{document.id}">{document.id}</a>' in html  # the first column: its page
    assert client.get(f"/documents/{document.id}").status_code == 200
