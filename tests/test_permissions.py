"""Scope and role rules: the predicate matrix, and no route reveals another unit's project."""

import pytest
from sqlalchemy import select

from zyperf.extensions import db
from zyperf.models import Project, Unit
from zyperf.permissions import Action, can, scoped, visible_unit_ids


def projects_of(unit_code):
    return db.session.scalars(select(Project).join(Project.unit).where(Unit.code == unit_code)).all()


def visible_units(user):
    return {p.unit.code for p in db.session.scalars(scoped(select(Project), user))}


def test_scope_per_role(bureau):
    assert visible_units(bureau["guihua"]) == {"guihua"}
    assert visible_units(bureau["guihua_head"]) == {"guihua"}
    assert visible_units(bureau["gengdi"]) == {"gengdi"}
    # The division leader sees the units overseen, not the office the leader sits in.
    assert visible_units(bureau["deputy"]) == {"guihua", "gengdi"}
    everything = {p.unit.code for p in db.session.scalars(select(Project))}
    assert visible_units(bureau["finance"]) == everything
    assert visible_units(bureau["leader"]) == everything
    assert visible_units(bureau["admin"]) == set()  # configures, holds no business scope
    assert visible_unit_ids(bureau["admin"]) == set()


ROLE_MATRIX = [
    # user, action, own-unit object?, expected
    ("guihua", Action.CREATE_PROJECT, "guihua", True),
    ("guihua", Action.CREATE_PROJECT, "gengdi", False),
    ("guihua_head", Action.CREATE_PROJECT, "guihua", False),
    ("deputy", Action.CREATE_PROJECT, "guihua", False),
    ("finance", Action.CREATE_PROJECT, "guihua", False),
    ("admin", Action.CREATE_PROJECT, "guihua", False),
    ("guihua", Action.USE_ADMIN, None, False),
    ("finance", Action.USE_ADMIN, None, False),
    ("admin", Action.USE_ADMIN, None, True),
    ("admin", Action.MANAGE_USERS, None, True),
    ("leader", Action.MANAGE_USERS, None, False),
    ("finance", Action.VIEW_OUTSTANDING, None, True),
    ("leader", Action.VIEW_OUTSTANDING, None, True),
    ("guihua_head", Action.VIEW_OUTSTANDING, None, False),
    ("admin", Action.VIEW_PROJECT, None, False),
    ("admin", Action.EXPORT, None, False),
    ("gengdi", Action.EXPORT, None, True),
]


@pytest.mark.parametrize(("username", "action", "unit_code", "expected"), ROLE_MATRIX)
def test_role_matrix(bureau, username, action, unit_code, expected):
    obj = db.session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    assert can(bureau[username], action, obj) is expected


@pytest.mark.parametrize(
    ("username", "unit_code", "view", "edit"),
    [
        ("guihua", "guihua", True, True),
        ("guihua", "gengdi", False, False),
        ("guihua_head", "guihua", True, False),
        ("deputy", "gengdi", True, False),
        ("deputy", "shengtai", False, False),
        ("finance", "shengtai", True, False),
        ("leader", "guihua", True, False),
        ("admin", "guihua", False, False),
    ],
)
def test_project_predicates(bureau, username, unit_code, view, edit):
    project = projects_of(unit_code)[0]
    assert can(bureau[username], Action.VIEW_PROJECT, project) is view
    assert can(bureau[username], Action.EDIT_PROJECT, project) is edit


def test_unknown_action_is_denied(bureau):
    assert can(bureau["leader"], "approve_everything") is False


def test_inactive_user_can_nothing(bureau):
    user = bureau["guihua"]
    user.active = False
    assert not can(user, Action.VIEW_PROJECT)


def test_gengdi_never_sees_a_guihua_project(client_for, bureau):
    """List, detail, edit, export-ish and API reads, including by guessing ids."""
    client = client_for(bureau["gengdi"])
    guihua_projects = projects_of("guihua")
    names = [p.name for p in guihua_projects]
    listing = client.get("/projects/?page_size=500").get_data(as_text=True)
    assert not any(name in listing for name in names)
    searched = client.get("/projects/?search=规划").get_data(as_text=True)
    assert not any(name in searched for name in names)
    for project in guihua_projects:
        for path in (f"/projects/details/?id={project.id}", f"/projects/edit/?id={project.id}"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert project.name not in response.get_data(as_text=True)
        response = client.post(f"/projects/edit/?id={project.id}", data={"name": "篡改"})
        assert response.status_code == 404
        api = client.get(f"/api/v1/projects/{project.id}")
        assert api.status_code == 404
        assert api.json["error"]["code"] == "not_found"
    api_list = client.get("/api/v1/projects").json["items"]
    assert {p["unit"]["code"] for p in api_list} == {"gengdi"}
    assert client.get("/api/v1/projects?unit=guihua").json["items"] == []
    assert [u["code"] for u in client.get("/api/v1/units").json] == ["gengdi"]
    db.session.rollback()
    assert {p.name for p in projects_of("guihua")} == set(names)  # nothing was changed


def test_deputy_sees_both_overseen_units_and_no_other(client_for, bureau):
    client = client_for(bureau["deputy"])
    listing = client.get("/projects/?page_size=500").get_data(as_text=True)
    for code in ("guihua", "gengdi"):
        assert all(p.name in listing for p in projects_of(code))
    for code in ("shengtai", "zhifa", "chubei", "bangongshi"):
        for project in projects_of(code):
            assert project.name not in listing
            assert client.get(f"/projects/details/?id={project.id}").status_code == 404
            assert client.get(f"/api/v1/projects/{project.id}").status_code == 404
    assert {p["unit"]["code"] for p in client.get("/api/v1/projects").json["items"]} == {"guihua", "gengdi"}
    assert {u["code"] for u in client.get("/api/v1/units").json} == {"guihua", "gengdi"}


def test_nonnumeric_and_missing_ids_are_404(client_for, bureau):
    client = client_for(bureau["finance"])
    assert client.get("/projects/details/?id=abc").status_code == 404
    assert client.get("/projects/details/?id=999999").status_code == 404
    assert client.get("/api/v1/projects/999999").status_code == 404
