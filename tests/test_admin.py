"""The admin shell: menus per role, project CRUD through the service, configuration with audit."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zyperf.extensions import db
from zyperf.models import AuditEntry, FiscalYear, Project, StageDocument, User
from zyperf.models.base import utcnow

MENU_ITEMS = {"项目", "系统配置", "我的账户"}


def menu_of(client) -> set[str]:
    html = client.get("/admin/").get_data(as_text=True)
    nav = html.split('id="admin-navbar-collapse"', 1)[1].split("</nav>", 1)[0]
    return {item for item in MENU_ITEMS if item in nav}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("guihua", {"项目", "我的账户"}),
        ("finance", {"项目", "我的账户"}),
        ("leader", {"项目", "我的账户"}),
        ("admin", {"系统配置", "我的账户"}),
    ],
)
def test_menu_shows_each_role_what_it_may_use(client_for, bureau, username, expected):
    assert menu_of(client_for(bureau[username])) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/admin/admin_users/",
        "/admin/admin_units/",
        "/admin/admin_years/",
        "/admin/admin_system/",
        "/admin/admin_audit/",
    ],
)
def test_configuration_is_admins_only(client_for, bureau, path):
    assert client_for(bureau["admin"]).get(path).status_code == 200
    for name in ("guihua", "finance", "leader"):
        response = client_for(bureau[name]).get(path)
        assert response.status_code == 403
        assert "无权" in response.get_data(as_text=True)


def test_admin_sees_no_business_rows(client_for, administrator):
    assert client_for(administrator).get("/projects/").status_code == 403


def new_project_form(year_id, **overrides):
    data = {
        "fiscal_year": str(year_id),
        "code": "",
        "name": "测试项目",
        "fiscal_amount": "100.00",
        "other_amount": "20.50",
        "is_new": "y",
    }
    data.update(overrides)
    return data


def year_2026():
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))


def test_staff_creates_project_of_own_unit(client_for, section_staff):
    client = client_for(section_staff)
    response = client.post("/projects/new/", data=new_project_form(year_2026().id))
    assert response.status_code == 302
    db.session.rollback()
    project = db.session.scalar(select(Project).where(Project.name == "测试项目"))
    assert project.unit_id == section_staff.unit_id
    assert project.total_amount == Decimal("120.50")
    assert project.is_new and not project.is_major
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "project.create", AuditEntry.object_id == project.id)
    )
    assert entry.actor_id == section_staff.id and entry.object_id == project.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"carryover_amount": "200.00"}, "不得超过财政资金"),
        ({"fiscal_amount": "0", "other_amount": "0"}, "年度资金总额应大于0"),
        ({"fiscal_amount": "-5"}, "金额不能为负数"),
        ({"name": ""}, "请填写项目名称"),
        ({"name": "村级国土空间规划编制"}, "已有同名项目"),
        ({"code": "编码<script>"}, "项目编码只能由字母和数字组成"),
    ],
)
def test_bad_project_input_is_named_and_stores_nothing(client_for, section_staff, overrides, message):
    before = db.session.scalar(select(func.count(Project.id)))
    response = client_for(section_staff).post(
        "/projects/new/", data=new_project_form(year_2026().id, **overrides)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Project.id))) == before


def test_heads_and_finance_cannot_create_projects(client_for, bureau):
    for name in ("guihua_head", "finance", "deputy"):
        client_for(bureau[name]).post(
            "/projects/new/", data=new_project_form(year_2026().id, name=f"{name}的项目")
        )
    db.session.rollback()
    assert db.session.scalar(select(Project).where(Project.name.like("%的项目"))) is None


def own_project(user):
    return db.session.scalar(select(Project).where(Project.unit_id == user.unit_id).order_by(Project.id))


def test_staff_edits_own_project_until_a_document_is_submitted(client_for, section_staff):
    client = client_for(section_staff)
    project = own_project(section_staff)
    form = new_project_form(
        project.fiscal_year_id, name="改名后的项目", fiscal_amount="680.00", other_amount="0"
    )
    assert client.post(f"/projects/edit/?id={project.id}", data=form).status_code == 302
    db.session.rollback()
    assert db.session.get(Project, project.id).name == "改名后的项目"
    # Once a stage document is submitted, the project describes history and is locked.
    db.session.add(
        StageDocument(
            kind="performance_targets",
            project_id=project.id,
            unit_id=project.unit_id,
            fiscal_year_id=project.fiscal_year_id,
            state="submitted",
            submitted_at=utcnow(),
            data={},
        )
    )
    db.session.commit()
    response = client.post(f"/projects/edit/?id={project.id}", data={**form, "name": "再次改名"})
    assert response.status_code == 403
    assert "已有报送的阶段文档" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Project, project.id).name == "改名后的项目"


def test_head_cannot_edit_project(client_for, section_head):
    project = own_project(section_head)
    response = client_for(section_head).get(f"/projects/edit/?id={project.id}")
    assert response.status_code in (302, 403)


def test_project_list_escapes_user_text(client_for, section_staff):
    client = client_for(section_staff)
    client.post("/projects/new/", data=new_project_form(year_2026().id, name="<script>alert(1)</script>"))
    html = client.get("/projects/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_delete_anywhere(client_for, bureau):
    client = client_for(bureau["guihua"])
    project = own_project(bureau["guihua"])
    response = client.post("/projects/delete/", data={"id": project.id})
    assert response.status_code in (302, 404, 405)
    db.session.rollback()
    assert db.session.get(Project, project.id) is not None


def test_admin_creates_user_with_roles_and_audit(client_for, administrator, bureau):
    client = client_for(administrator)
    unit_id = bureau["guihua"].unit_id
    response = client.post(
        "/admin/admin_users/new/",
        data={
            "username": "guihua2",
            "display_name": "规划科 新同事",
            "unit": str(unit_id),
            "roles": ["staff", "section_head"],
            "active": "y",
            "new_password": "long-enough-1",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.username == "guihua2"))
    assert {str(r) for r in user.roles} == {"staff", "section_head"}
    assert user.password_hash != "long-enough-1"
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "user.create", AuditEntry.object_id == user.id)
    )


def test_admin_user_without_password_is_refused(client_for, administrator):
    response = client_for(administrator).post(
        "/admin/admin_users/new/", data={"username": "nopw", "display_name": "无密码", "roles": ["staff"]}
    )
    assert "新建用户必须设置密码" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.username == "nopw")) is None


def test_audit_log_is_append_only(bureau):
    from zyperf.models import AppendOnlyError

    entry = db.session.scalar(select(AuditEntry))
    entry.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.delete(db.session.scalar(select(AuditEntry)))
        db.session.flush()
    db.session.rollback()


def test_project_list_query_count_does_not_grow_with_rows(client_for, finance_staff, section_staff):
    """No N+1: the list page issues the same number of queries for 14 and for 60 projects."""
    from sqlalchemy import event

    client = client_for(finance_staff)

    def count_queries():
        db.session.expire_all()  # both measurements load the user afresh
        statements = []
        engine = db.engine
        listener = lambda conn, cur, stmt, *a: statements.append(stmt)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/projects/?page_size=100").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return statements

    small = count_queries()
    fy = year_2026()
    for i in range(46):
        db.session.add(
            Project(
                name=f"批量项目{i}",
                unit_id=section_staff.unit_id,
                fiscal_year_id=fy.id,
                total_amount=Decimal(1),
                fiscal_amount=Decimal(1),
                other_amount=Decimal(0),
            )
        )
    db.session.commit()
    large = count_queries()
    assert len(large) == len(small), (small, large)


def test_admin_edits_a_user_and_every_change_is_audited(client_for, administrator, bureau):
    user = bureau["gengdi"]
    unit_id = bureau["guihua"].unit_id
    response = client_for(administrator).post(
        f"/admin/admin_users/edit/?id={user.id}",
        data={
            "username": "gengdi",
            "display_name": "改名",
            "unit": str(unit_id),
            "roles": ["staff"],
            "active": "y",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "user.update", AuditEntry.object_id == user.id)
    )
    assert entry.changes["display_name"] == ["耕地保护科 赵丽", "改名"]
    assert entry.changes["unit"] == ["gengdi", "guihua"]
    refused = client_for(administrator).post(
        f"/admin/admin_users/edit/?id={user.id}",
        data={"username": "gengdi", "display_name": "改名", "roles": ["staff"], "oversees": [str(unit_id)]},
    )
    assert "只有分管领导可以设置分管科室" in refused.get_data(as_text=True)


def test_key_monitoring_is_finances_to_mark(client_for, bureau):
    project = own_project(bureau["guihua"])
    assert not project.is_key_monitoring
    # Staff cannot set it, neither on the page (no such field) nor through the API.
    form_page = client_for(bureau["guihua"]).get("/projects/new/").get_data(as_text=True)
    assert "is_key_monitoring" not in form_page
    from zyperf.services.accounts import create_token

    token = create_token(bureau["guihua"], actor=bureau["guihua"])
    db.session.commit()
    refused = client_for(bureau["guihua"]).post(
        "/api/v1/projects",
        json={"name": "自称重点", "amounts": {"fiscal": "1"}, "is_key_monitoring": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (
        refused.status_code == 422 and "财务科标记" in refused.json["error"]["fields"]["is_key_monitoring"][0]
    )
    # Staff see no such bulk action; finance does, and it is audited.
    assert "designate_key" not in client_for(bureau["guihua"]).get("/projects/").get_data(as_text=True)
    finance = client_for(bureau["finance"])
    assert "designate_key" in finance.get("/projects/").get_data(as_text=True)
    response = finance.post("/projects/action/", data={"action": "designate_key", "rowid": [str(project.id)]})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Project, project.id).is_key_monitoring
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "project.key_monitoring"))
    # The list says so in the project's 标记 cell, the details page in its own row.
    listed = finance.get(f"/projects/?search={project.code}").get_data(as_text=True)
    assert re.search(r'<td class="col-flags">[^<]*重点监控[^<]*</td>', listed)
    details = finance.get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    assert re.search(r"<b>重点监控</b>\s*</td>\s*<td>\s*是", details)
    # A head posting the action is refused and nothing changes.
    client_for(bureau["guihua_head"]).post(
        "/projects/action/", data={"action": "withdraw_key", "rowid": [str(project.id)]}
    )
    db.session.rollback()
    assert db.session.get(Project, project.id).is_key_monitoring
