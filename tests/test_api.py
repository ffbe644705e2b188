"""API v1: authentication, errors as JSON, projects in scope."""

from sqlalchemy import select

from zyperf.extensions import db
from zyperf.models import Project
from zyperf.services.accounts import create_token


def bearer(user):
    token = create_token(user, actor=user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_no_credentials_is_401_json(client, bureau):
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_me(client, division_leader):
    me = client.get("/api/v1/me", headers=bearer(division_leader)).json
    assert me["username"] == "deputy"
    assert me["roles"] == ["division_leader"]
    assert me["oversees"] == ["gengdi", "guihua"]


def test_staff_creates_project_through_api(client, section_staff):
    headers = bearer(section_staff)
    body = {
        "name": "API 新建项目",
        "year": 2026,
        "amounts": {"fiscal": "10.00", "other": "2.50"},
        "is_new": True,
    }
    response = client.post("/api/v1/projects", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["amounts"] == {
        "total": "12.50",
        "fiscal": "10.00",
        "special": "0.00",
        "unit": "0.00",
        "other": "2.50",
        "carryover": "0.00",
    }
    assert response.json["unit"]["code"] == "guihua"


def test_api_validation_errors_name_fields(client, section_staff):
    headers = bearer(section_staff)
    response = client.post(
        "/api/v1/projects", json={"name": "", "amounts": {"fiscal": "-1", "total": "abc"}}, headers=headers
    )
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "name" in fields and "fiscal_amount" in fields
    assert client.post("/api/v1/projects", data="not json", headers=headers).status_code == 400
    bad_type = client.post("/api/v1/projects", json={"name": {"x": 1}}, headers=headers)
    assert bad_type.status_code == 400


def test_only_staff_create_projects(client, finance_staff):
    response = client.post("/api/v1/projects", json={"name": "x"}, headers=bearer(finance_staff))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_session_api_post_needs_csrf(other_app, bureau):
    app = other_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(bureau["guihua"].id)
    response = client.post("/api/v1/projects", json={"name": "无令牌"})
    assert response.status_code == 400
    # A bearer request needs none.
    with app.app_context():
        from zyperf.models import User

        user = db.session.scalar(select(User).where(User.username == "guihua"))
        token = create_token(user, actor=user)
        db.session.commit()
    ok = app.test_client().post(
        "/api/v1/projects",
        json={"name": "有令牌", "amounts": {"fiscal": "1"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 201


def test_project_detail_lists_documents(client, finance_staff):
    project = db.session.scalar(select(Project))
    body = client.get(f"/api/v1/projects/{project.id}", headers=bearer(finance_staff)).json
    assert body["id"] == project.id and body["documents"] == []
