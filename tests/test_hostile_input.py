"""Hostile input answers 4xx, never 500 (issue 11, items 1–7 and 12): integers beyond the database's
columns, non-ASCII digits, wrong JSON types, deep JSON, lone surrogates, NUL bytes, file names that
break headers, unbounded comments. On SQLite and PostgreSQL (where 2^31 and NUL differ)."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.filling import complete_data
from tests.test_attachments import assessment, current, upload
from tests.test_workflow_api import bearer, continuing_project
from zyperf.extensions import db
from zyperf.models import Attachment, AuditEntry, DocumentEvent, Project, StageDocument
from zyperf.services import documents, workflow
from zyperf.services import projects as project_service

BIG = "99999999999999999999"
INT32_OVER = str(2**31)


def current_year_id() -> str:
    return str(project_service.current_fiscal_year().id)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


# --- 1 and 2: integers beyond the columns, digits that are not ASCII ----------------------------


def test_api_ids_and_numbers_beyond_the_columns(client, bureau):
    staff, finance = bearer(bureau["guihua"]), bearer(bureau["finance"])
    for path in (f"/api/v1/documents/{BIG}", f"/api/v1/documents/{INT32_OVER}", f"/api/v1/projects/{BIG}"):
        assert client.get(path, headers=staff).status_code == 404
        # Not 405: the id is refused before the method is looked at.
        assert client.patch(path, json={}, headers=staff).status_code == 404
    for query in (f"year={INT32_OVER}", "year=²", f"project={BIG}", "project=²", "year="):
        response = client.get(f"/api/v1/documents?{query}", headers=finance)
        assert response.status_code == 400, query
        assert response.json["error"]["fields"], query
    assert client.get("/api/v1/projects?year=²", headers=finance).status_code == 400
    assert client.get(f"/api/v1/forms/monitoring?year={BIG}", headers=finance).status_code == 400
    created = client.post(
        "/api/v1/documents", json={"kind": "monitoring", "project_id": int(BIG)}, headers=staff
    )
    assert created.status_code == 400 and "project_id" in created.json["error"]["fields"]
    assert count(StageDocument) == 0


def test_pages_ids_and_numbers_beyond_the_columns(client_for, bureau):
    finance = client_for(bureau["finance"])
    admin = client_for(bureau["admin"])
    for path in (
        f"/documents/{BIG}",
        f"/documents/{INT32_OVER}",
        "/documents/²",
        f"/documents/1/attachments/{BIG}",
    ):
        assert finance.get(path).status_code == 404, path
    for query in (f"year={INT32_OVER}", "year=²", f"page={BIG}", "page=²"):
        assert finance.get(f"/documents/?{query}").status_code == 400, query
    # Flask-Admin's own list arguments: a page far beyond the end, an integer filter beyond the column.
    assert finance.get(f"/projects/?page={BIG}").status_code == 200
    assert finance.get(f"/projects/?flt0_0={INT32_OVER}").status_code == 200
    assert finance.get(f"/projects/details/?id={BIG}").status_code == 404
    assert admin.get(f"/admin/admin_audit/?page={BIG}").status_code == 200
    assert admin.get(f"/admin/admin_users/edit/?id={BIG}").status_code == 302  # "no such record"
    assert admin.get(f"/admin/admin_forms/?year={BIG}").status_code == 400
    assert finance.post("/documents/new-department", data={"year": BIG}).status_code == 400
    assert finance.post("/documents/new", data={"project_id": BIG, "kind": "monitoring"}).status_code == 404
    bulk = finance.post("/documents/bulk-approve", data={"ids": [BIG, "²", INT32_OVER]})
    assert bulk.status_code == 303
    assert count(StageDocument) == 0


# --- 3 and 4: wrong JSON types, amounts beyond limits, deep nesting -------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": 123}, "name"),
        ({"name": "x", "is_new": "false"}, "is_new"),
        ({"name": "x", "is_major": 1}, "is_major"),
        ({"name": "x", "year": "2026"}, "year"),  # JSON integers are numbers
        ({"name": "x", "year": 2026.0, "amounts": {"fiscal": "1"}}, None),  # JSON Schema: 2026.0 is 2026
        ({"name": "x", "year": 2026.5}, "year"),
        ({"name": "x", "amounts": ["1"]}, "amounts"),
        ({"name": "x", "amounts": {"fiscal": True}}, "amounts.fiscal"),
        ({"name": "x", "code": ["A1"]}, "code"),
    ],
)
def test_project_fields_of_the_wrong_type_are_400_and_nothing_stored(client, bureau, body, field):
    before = count(Project)
    response = client.post("/api/v1/projects", json=body, headers=bearer(bureau["guihua"]))
    if field is None:
        assert response.status_code == 201, response.json
        return
    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"]
    assert count(Project) == before


@pytest.mark.parametrize("amount", ["1e30", "NaN", "Infinity", "-1", "1.005", 1e300])
def test_amounts_beyond_limits_are_422_with_a_message(client, bureau, amount):
    before = count(Project)
    response = client.post(
        "/api/v1/projects",
        json={"name": "金额", "amounts": {"fiscal": amount}},
        headers=bearer(bureau["guihua"]),
    )
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]["fiscal_amount"][0]
    assert count(Project) == before


def test_amount_beyond_limits_on_the_project_page_is_shown_not_500(client_for, bureau):
    staff = client_for(bureau["guihua"])
    page = staff.post(
        "/projects/new/", data={"fiscal_year": current_year_id(), "name": "页面金额", "fiscal_amount": "1e30"}
    )
    assert page.status_code == 422 and "金额过大" in page.get_data(as_text=True)
    assert db.session.scalar(select(Project).where(Project.name == "页面金额")) is None


def test_document_fields_of_the_wrong_type_are_400(client, bureau):
    staff = bearer(bureau["guihua"])
    project = continuing_project("guihua")
    for body, field in (
        ({"kind": ["monitoring"]}, "kind"),
        ({"kind": "monitoring", "project_id": "x"}, "project_id"),
        ({"kind": "monitoring", "project_id": project.id, "data": [1]}, "data"),
    ):
        response = client.post("/api/v1/documents", json=body, headers=staff)
        assert response.status_code == 400 and field in response.json["error"]["fields"], body
    doc = documents.create_document("monitoring", actor=bureau["guihua"], project=project)
    db.session.commit()
    for body in (
        {"action": "submit", "version": "1"},  # JSON integers are numbers, not numeric strings
        {"action": "submit", "version": True},
        {"action": ["submit"], "version": 1},
        {"action": "submit", "version": 1, "comment": 5},
        {"action": "record_review", "version": 1, "conclusion": "可以"},
    ):
        response = client.post(f"/api/v1/documents/{doc.id}/transitions", json=body, headers=staff)
        assert response.status_code == 400, body
    assert (
        client.patch(
            f"/api/v1/documents/{doc.id}", json={"data": "x", "version": 1}, headers=staff
        ).status_code
        == 400
    )
    assert client.post("/api/v1/documents", data="kind=monitoring", headers=staff).status_code == 400


def test_json_nested_50000_deep_is_400_on_api_and_pages(client, client_for, bureau):
    deep = "[" * 50_000 + "]" * 50_000
    api = client.post(
        "/api/v1/projects", data=deep, content_type="application/json", headers=bearer(bureau["guihua"])
    )
    assert api.status_code == 400 and "嵌套过深" in api.json["error"]["message"]
    # Flask-WTF reads a JSON body on any page with a form: the same limit applies there.
    page = client_for(bureau["guihua"]).post("/documents/new", data=deep, content_type="application/json")
    assert page.status_code == 400


# --- 5: lone surrogates: refused at the door, and rendered safely when already stored ------------


def test_lone_surrogate_is_refused_and_nothing_stored(client, bureau):
    staff = bearer(bureau["guihua"])
    project = continuing_project("guihua")
    raw = f'{{"kind": "monitoring", "project_id": {project.id}, "data": {{"remarks": "\\ud800"}}}}'
    response = client.post("/api/v1/documents", data=raw, content_type="application/json", headers=staff)
    assert response.status_code == 400 and "data.remarks" in response.json["error"]["fields"]
    assert count(StageDocument) == 0


def test_lone_surrogate_already_stored_does_not_break_pages(client_for, bureau):
    staff = bureau["guihua"]
    doc = documents.create_document("monitoring", actor=staff, project=continuing_project("guihua"))
    db.session.flush()
    # Written before the boundary refused it: straight into the JSON columns, as the old API did.
    doc.data = {"deviation_reason": "进度\ud800"}
    db.session.add(
        DocumentEvent(
            document_id=doc.id, actor_id=staff.id, action="edit", changes={"deviation_reason": ["", "\ud800"]}
        )
    )
    db.session.add(
        AuditEntry(
            actor_id=staff.id, action="unit.update", object_type="Unit", changes={"name": ["\ud800", "x"]}
        )
    )
    db.session.commit()
    page = client_for(staff).get(f"/documents/{doc.id}")
    assert page.status_code == 200 and "进度\ufffd" in page.get_data(as_text=True)
    assert client_for(staff).get(f"/api/v1/documents/{doc.id}", headers=bearer(staff)).status_code == 200
    admin = client_for(bureau["admin"])
    assert admin.get("/admin/admin_audit/").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.update"))
    assert admin.get(f"/admin/admin_audit/details/?id={entry.id}").status_code == 200


# --- 6: file names that would break the download's headers ----------------------------------------


def upload_raw_name(client, doc, name: str, content: bytes):
    """Upload with the name as RFC 5987 sends it (filename*=UTF-8''…): the way a newline, a tab or
    a backslash reaches the server intact (a plain filename="…" cannot carry them)."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="version"\r\n\r\n%d\r\n'
        b"--B\r\nContent-Disposition: form-data; name=\"report\"; filename*=UTF-8''%s\r\n"
        b"Content-Type: application/pdf\r\n\r\n%s\r\n--B--\r\n"
    ) % (current(doc.id).version, quote(name, safe="").encode(), content)
    return client.post(f"/documents/{doc.id}/edit", data=body, content_type="multipart/form-data; boundary=B")


@pytest.mark.parametrize(
    ("sent", "kept"), [("../评估\n报告.pdf", "评估 报告.pdf"), ("C:\\tmp\\x\ty.pdf", "x y.pdf")]
)
def test_newline_in_an_uploaded_name_is_cleaned_and_downloads_work(client_for, bureau, sent, kept):
    doc = assessment(bureau)
    staff = client_for(bureau["guihua"])
    response = upload_raw_name(staff, doc, sent, b"%PDF-1.4")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    meta = current(doc.id).data["report"]
    assert meta["name"] == kept
    assert db.session.get(Attachment, meta["attachment_id"]).filename == kept
    got = staff.get(f"/documents/{doc.id}/attachments/{meta['attachment_id']}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4"


def test_a_bad_name_already_stored_still_downloads(client_for, bureau):
    doc = assessment(bureau)
    staff = client_for(bureau["guihua"])
    upload(staff, doc, "a.pdf", b"%PDF")
    row = db.session.scalar(select(Attachment))
    row.filename = "旧\r\n文件.pdf"  # stored before names were cleaned
    db.session.commit()
    got = staff.get(f"/documents/{doc.id}/attachments/{row.id}")
    assert got.status_code == 200
    assert "\n" not in got.headers["Content-Disposition"]


# --- 7 and 12: NUL bytes, and comments without a limit --------------------------------------------


def test_nul_bytes_are_refused_everywhere_on_both_databases(client, client_for, bureau):
    staff = bureau["guihua"]
    headers = bearer(staff)
    api = client.post("/api/v1/projects", json={"name": "名称\x00截断"}, headers=headers)
    assert api.status_code == 400 and "name" in api.json["error"]["fields"]
    page = client_for(staff).post(
        "/projects/new/", data={"fiscal_year": current_year_id(), "name": "名称\x00截断"}
    )
    assert page.status_code == 400 and "NUL" in page.get_data(as_text=True)
    for query in ("/api/v1/projects?unit=%00", "/api/v1/documents?kind=%00"):
        assert client.get(query, headers=headers).status_code == 400
    assert client_for(staff).get("/documents/?q=%00").status_code == 400
    assert client_for(bureau["finance"]).get("/projects/?search=%00").status_code == 400
    assert db.session.scalar(select(Project).where(Project.name.like("名称%"))) is None
    doc = documents.create_document("monitoring", actor=staff, project=continuing_project("guihua"))
    db.session.commit()
    comment = client.post(
        f"/api/v1/documents/{doc.id}/transitions",
        json={"action": "submit", "version": doc.version, "comment": "意见\x00"},
        headers=headers,
    )
    assert comment.status_code == 400 and "comment" in comment.json["error"]["fields"]


def test_control_characters_in_configuration_text_are_refused(client_for, bureau):
    page = client_for(bureau["guihua"]).post(
        "/projects/new/", data={"fiscal_year": current_year_id(), "name": "响铃\x07项目"}
    )
    assert page.status_code == 422 and "控制字符" in page.get_data(as_text=True)
    assert db.session.scalar(select(Project).where(Project.name.like("响铃%"))) is None


def test_api_comments_are_capped_like_the_pages(client, bureau):
    staff, head = bureau["guihua"], bureau["guihua_head"]
    doc = documents.create_document("monitoring", actor=staff, project=continuing_project("guihua"))
    db.session.commit()
    documents.edit_document(doc, actor=staff, data=complete_data("monitoring"), expected_version=doc.version)
    workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
    db.session.commit()
    too_long = client.post(
        f"/api/v1/documents/{doc.id}/transitions",
        json={"action": "return", "version": doc.version, "comment": "改" * (workflow.MAX_COMMENT + 1)},
        headers=bearer(head),
    )
    assert too_long.status_code == 422 and "2000" in too_long.json["error"]["fields"]["comment"][0]
    fits = client.post(
        f"/api/v1/documents/{doc.id}/transitions",
        json={"action": "return", "version": doc.version, "comment": "改" * workflow.MAX_COMMENT},
        headers=bearer(head),
    )
    assert fits.status_code == 200, fits.json
