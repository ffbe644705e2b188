"""The API keeps to its OpenAPI document: the same routes and methods, and responses that validate."""

import re

import jsonschema
import pytest
from sqlalchemy import select

from tests import steps
from tests.filling import complete_data
from zyperf.api.openapi import SPEC
from zyperf.extensions import db
from zyperf.models import Project
from zyperf.services import documents
from zyperf.services.accounts import create_token


def api_routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1") :]).replace(
            "{doc_id}", "{id}"
        )
        path = path.replace("{project_id}", "{id}").replace("{kind}", "{kind}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def spec_routes() -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in SPEC["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }


def test_every_route_is_documented_and_every_documented_route_exists(app):
    assert api_routes(app) == spec_routes()


def test_openapi_document_is_served(client, bureau):
    token = create_token(bureau["guihua"], actor=bureau["guihua"])
    db.session.commit()
    body = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).json
    assert body["openapi"].startswith("3.1") and body == SPEC


def test_list_routes_document_their_paging():
    """api.md: /projects, /worklist and /documents page alike, {items, page, per_page, total}."""
    for path in ("/projects", "/documents", "/worklist"):
        op = SPEC["paths"][path]["get"]
        names = {p["name"] for p in op["parameters"]}
        assert {"page", "per_page"} <= names, path
        per_page = next(p for p in op["parameters"] if p["name"] == "per_page")["schema"]
        assert per_page["default"] == 50  # and any more than 200 is answered with 200
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["required"] == ["items", "page", "per_page", "total"], path
        assert schema["properties"]["per_page"]["maximum"] == 200


def test_only_the_transitions_endpoint_changes_state():
    """No other documented operation takes an action or a state in its input."""
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method not in {"post", "patch", "put"}:
                continue
            schema = (
                op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            )
            name = schema.get("$ref", "").rsplit("/", 1)[-1]
            props = SPEC["components"]["schemas"].get(name, {}).get("properties", {})
            if path == "/documents/{id}/transitions":
                assert "action" in props
            else:
                assert "state" not in props and "action" not in props, path


def validate(response, path, method):
    op = SPEC["paths"][path][method]
    status = str(response.status_code)
    assert status in op["responses"], (path, method, status, response.json)
    answer = op["responses"][status]
    if "$ref" in answer:
        answer = SPEC["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return
    jsonschema.validate(response.json, {**SPEC, **schema}, cls=jsonschema.Draft202012Validator)


@pytest.fixture
def headers(bureau):
    made = {}
    for name in ("guihua", "guihua_head", "gengdi"):
        made[name] = {"Authorization": f"Bearer {create_token(bureau[name], actor=bureau[name])}"}
    db.session.commit()
    return made


def test_responses_validate_against_the_document(client, headers, bureau):
    staff = headers["guihua"]
    validate(client.get("/api/v1/me", headers=staff), "/me", "get")
    validate(client.get("/api/v1/units", headers=staff), "/units", "get")
    validate(client.get("/api/v1/projects?year=2026", headers=staff), "/projects", "get")
    validate(client.get("/api/v1/projects?year=abc", headers=staff), "/projects", "get")
    created = client.post(
        "/api/v1/projects", json={"name": "契约测试项目", "amounts": {"fiscal": "5"}}, headers=staff
    )
    validate(created, "/projects", "post")
    validate(client.post("/api/v1/projects", json={"name": ""}, headers=staff), "/projects", "post")
    validate(client.get(f"/api/v1/projects/{created.json['id']}", headers=staff), "/projects/{id}", "get")
    validate(
        client.get(f"/api/v1/projects/{created.json['id']}", headers=headers["gengdi"]),
        "/projects/{id}",
        "get",
    )
    project = db.session.scalar(select(Project).where(Project.name == "契约测试项目"))
    outside = client.post(
        "/api/v1/documents", json={"project_id": project.id, "kind": "monitoring"}, headers=staff
    )
    assert outside.status_code == 422 and "尚未入库" in outside.json["error"]["message"]
    validate(outside, "/documents", "post")
    doc = client.post(
        "/api/v1/documents", json={"project_id": project.id, "kind": "performance_targets"}, headers=staff
    )
    validate(doc, "/documents", "post")
    validate(
        client.post(
            "/api/v1/documents", json={"project_id": project.id, "kind": "performance_targets"}, headers=staff
        ),
        "/documents",
        "post",
    )
    doc_id, version = doc.json["id"], doc.json["version"]
    validate(client.get("/api/v1/documents", headers=staff), "/documents", "get")
    validate(client.get(f"/api/v1/documents/{doc_id}", headers=staff), "/documents/{id}", "get")
    validate(
        client.patch(f"/api/v1/documents/{doc_id}", json={"data": {}, "version": version + 5}, headers=staff),
        "/documents/{id}",
        "patch",
    )
    validate(
        client.patch(f"/api/v1/documents/{doc_id}", json={"data": "x"}, headers=staff),
        "/documents/{id}",
        "patch",
    )
    wrong = client.post(
        f"/api/v1/documents/{doc_id}/transitions",
        json={"action": "approve", "version": version},
        headers=staff,
    )
    validate(wrong, "/documents/{id}/transitions", "post")
    validate(client.get("/api/v1/worklist", headers=headers["guihua_head"]), "/worklist", "get")
    validate(client.get("/api/v1/worklist?page=0", headers=staff), "/worklist", "get")
    validate(client.get("/api/v1/documents?per_page=1&page=2", headers=staff), "/documents", "get")
    validate(client.get("/api/v1/projects?per_page=999", headers=staff), "/projects", "get")
    validate(client.get("/api/v1/me"), "/me", "get")
    validate(client.get("/api/v1/forms/performance_targets?year=2026", headers=staff), "/forms/{kind}", "get")
    validate(client.get("/api/v1/forms/performance_targets?year=1999", headers=staff), "/forms/{kind}", "get")


def test_state_cannot_be_set_except_by_a_transition(client, headers, bureau):
    staff = headers["guihua"]
    project = db.session.scalar(
        select(Project).where(Project.name == "国土空间规划“一张图”实施监督信息系统运维")
    )
    created = client.post(
        "/api/v1/documents",
        json={
            "project_id": project.id,
            "kind": "performance_targets",
            "state": "final",
            "version": 99,
            "data": {},
        },
        headers=staff,
    )
    assert created.status_code == 201 and created.json["state"] == "draft" and created.json["version"] == 1
    doc_id = created.json["id"]
    patched = client.patch(
        f"/api/v1/documents/{doc_id}",
        json={"data": {"state": "final"}, "state": "final", "version": 1},
        headers=staff,
    )
    assert patched.status_code == 422  # "state" is no field of the form
    also = client.patch(
        f"/api/v1/documents/{doc_id}", json={"data": {}, "state": "final", "version": 1}, headers=staff
    )
    assert client.get(f"/api/v1/documents/{doc_id}", headers=staff).json["state"] == "draft"
    assert also.status_code == 200


def test_records_and_results_responses_validate(client, bureau):
    def bearer_of(name):
        token = create_token(bureau[name], actor=bureau[name])
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    finance, staff, admin = bearer_of("finance"), bearer_of("guihua"), bearer_of("admin")
    project = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    doc = documents.create_document(
        "rectification", actor=bureau["guihua"], project=project, data=complete_data("rectification")
    )
    steps.run(doc, bureau, steps.to_city()[:3])
    db.session.commit()
    url = f"/api/v1/documents/{doc.id}/form-check"
    validate(
        client.post(url, json={"comment": "符合规范", "version": doc.version}, headers=staff),
        "/documents/{id}/form-check",
        "post",
    )
    validate(client.post(url, json={"comment": 5}, headers=finance), "/documents/{id}/form-check", "post")
    validate(
        client.post(url, json={"comment": "", "version": doc.version}, headers=finance),
        "/documents/{id}/form-check",
        "post",
    )
    validate(
        client.post(url, json={"comment": "x", "version": 99}, headers=finance),
        "/documents/{id}/form-check",
        "post",
    )
    checked = client.post(url, json={"comment": "符合规范", "version": doc.version}, headers=finance)
    validate(checked, "/documents/{id}/form-check", "post")
    body = client.get(f"/api/v1/documents/{doc.id}", headers=finance)
    validate(body, "/documents/{id}", "get")
    assert body.json["declaration"]["by"] == "guihua" and body.json["form_check"]["comment"] == "符合规范"
    steps.run(doc, bureau, (("finance", "report"), ("finance", "record_review")), conclusion="审核通过")
    db.session.commit()
    validate(
        client.post(url, json={"comment": "x", "version": doc.version}, headers=finance),
        "/documents/{id}/form-check",
        "post",
    )

    for headers in (finance, staff, admin):
        validate(client.get("/api/v1/ledgers/results?year=2026", headers=headers), "/ledgers/results", "get")
    validate(client.get("/api/v1/ledgers/results?year=x", headers=finance), "/ledgers/results", "get")
    validate(client.get("/api/v1/ledgers/results?year=1999", headers=finance), "/ledgers/results", "get")
    validate(client.get("/api/v1/ledgers/results?project=999999", headers=finance), "/ledgers/results", "get")

    archive = client.get(f"/api/v1/projects/{project.id}/archive", headers=staff)
    assert archive.status_code == 200 and "200" in SPEC["paths"]["/projects/{id}/archive"]["get"]["responses"]
    validate(
        client.get(f"/api/v1/projects/{project.id}/archive", headers=bearer_of("gengdi")),
        "/projects/{id}/archive",
        "get",
    )
