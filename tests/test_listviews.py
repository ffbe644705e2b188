"""Configurable document lists: admins choose per kind and role; the list page honours it."""

import re

import pytest
from sqlalchemy import event, select

from tests.filling import complete_data
from zyperf.errors import PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import ListView, Project
from zyperf.services import documents, listviews


def make_docs(bureau, n, kind="performance_targets", prefix="列表项目"):
    staff = bureau["guihua"]
    fy_id = db.session.scalar(select(Project.fiscal_year_id).where(Project.name == "村级国土空间规划编制"))
    made = []
    for i in range(n):
        project = Project(
            name=f"{prefix}{i:03d}", code=f"P{i:03d}", unit_id=staff.unit_id, fiscal_year_id=fy_id
        )
        db.session.add(project)
        db.session.flush()
        made.append(documents.create_document(kind, actor=staff, project=project, data={}))
    db.session.commit()
    return made


def table(html):
    return html.split('id="documents"', 1)[1].split("</table>", 1)[0]


def headers(html):
    return re.findall(r'<th data-column="([a-z_]+)"', html)


def save(admin, **kw):
    values = {"kind": None, "role": None, "columns": ["id", "project"], "filters": [], "search_fields": [],
              "default_sort": "-updated_at", "page_size": 50} | kw  # fmt: skip
    view = listviews.save_list_view(None, actor=admin, **values)
    db.session.commit()
    return view


def test_default_list_then_configured_per_role_and_kind(client_for, bureau):
    make_docs(bureau, 3)
    staff = client_for(bureau["guihua"])
    assert headers(staff.get("/documents/").get_data(as_text=True)) == listviews.ListConfig().columns
    save(bureau["admin"], role="staff", columns=["project", "state"])
    save(
        bureau["admin"],
        kind="performance_targets",
        role="staff",
        columns=["project_code", "project", "form_version"],
    )
    assert headers(staff.get("/documents/").get_data(as_text=True)) == ["project", "state"]
    assert headers(staff.get("/documents/?kind=performance_targets").get_data(as_text=True)) == [
        "project_code",
        "project",
        "form_version",
    ]
    # Another role is unaffected.
    assert (
        headers(client_for(bureau["guihua_head"]).get("/documents/").get_data(as_text=True))
        == listviews.ListConfig().columns
    )


def test_search_filters_and_sort_follow_the_configuration(client_for, bureau):
    make_docs(bureau, 12)
    save(
        bureau["admin"],
        role="staff",
        columns=["project"],
        search_fields=["project_code"],
        default_sort="project",
        page_size=5,
    )
    staff = client_for(bureau["guihua"])
    html = staff.get("/documents/").get_data(as_text=True)
    names = re.findall(r"列表项目\d{3}", table(html))
    assert names == [f"列表项目{i:03d}" for i in range(5)]  # sorted by project, 5 a page
    assert "共 12 条" in html and "第 1/3 页" in html
    found = re.findall(r"列表项目\d{3}", table(staff.get("/documents/?q=P011").get_data(as_text=True)))
    assert found == ["列表项目011"]
    # A filter the configuration leaves out is ignored, and so is a search field it does not name.
    assert "共 12 条" in staff.get("/documents/?state=final").get_data(as_text=True)
    assert "共 0 条" in staff.get("/documents/?q=列表项目001").get_data(as_text=True)
    # Wildcards are searched for literally.
    assert "共 0 条" in staff.get("/documents/?q=%25").get_data(as_text=True)


def test_other_units_rows_never_appear(client_for, bureau):
    make_docs(bureau, 2)
    html = client_for(bureau["gengdi"]).get("/documents/?q=列表").get_data(as_text=True)
    assert "列表项目" not in html


def test_hostile_configuration_is_refused(bureau):
    admin = bureau["admin"]
    with pytest.raises(ValidationFailed) as err:
        save(admin, columns=["id", "password_hash"], filters=["nope"], default_sort="data", page_size=100000)
    assert set(err.value.fields) == {"columns", "filters", "default_sort", "page_size"}
    with pytest.raises(ValidationFailed):
        save(admin, columns=[])
    save(admin, role="staff")
    with pytest.raises(ValidationFailed) as dup:
        save(admin, role="staff")
    assert "已存在" in dup.value.fields["role"][0]
    with pytest.raises(PermissionDenied):
        listviews.save_list_view(None, actor=bureau["finance"], kind=None, role=None, columns=["id"], filters=[],
                                 search_fields=[], default_sort="id", page_size=10)  # fmt: skip


def test_admin_page_and_audit(client_for, bureau):
    from zyperf.models import AuditEntry

    admin = client_for(bureau["admin"])
    response = admin.post(
        "/admin/admin_list_views/new/",
        data={
            "kind": "monitoring",
            "role": "finance",
            "columns": ["unit", "project", "state"],
            "filters": ["unit"],
            "search_fields": ["project"],
            "default_sort": "-updated_at",
            "page_size": "20",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    view = db.session.scalar(select(ListView))
    assert view.columns == ["unit", "project", "state"] and view.role == "finance"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "listview.create"))
    assert client_for(bureau["finance"]).get("/admin/admin_list_views/").status_code == 403


def test_list_page_query_count_is_constant(client_for, bureau):
    staff = client_for(bureau["guihua"])

    def count():
        db.session.expire_all()
        seen = []
        listener = lambda *a: seen.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert staff.get("/documents/?page_size=100").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    make_docs(bureau, 3)
    small = count()
    make_docs(bureau, 40, kind="rectification", prefix="更多项目")
    assert count() == small


def test_complete_data_helper_is_valid(bureau):
    assert complete_data("monitoring")["indicators"]
