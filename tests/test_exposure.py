"""What answers show, and to whom (issue 11, items 13 and 14): admins read configuration and account
events in the audit log, never business content; 405 says what is allowed; nothing a logged-in user
sees is cached; no page carries an inline script, so the policy can forbid them."""

import re

import pytest
from sqlalchemy import select

from tests.filling import complete_data, library_project
from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import AuditEntry, Role, StageDocument
from zyperf.security import CONTENT_SECURITY_POLICY
from zyperf.services import accounts, documents, workflow
from zyperf.services import projects as project_service

SECRET_COMMENT = "资金挪用问题需说明"
SECRET_PROJECT = "保密项目名称"


def business_and_configuration_events(bureau):
    """A project, a document edited, submitted and returned with a comment; a role change, a token."""
    staff, head, admin = bureau["guihua"], bureau["guihua_head"], bureau["admin"]
    project_service.create_project(
        actor=staff,
        unit=staff.unit,
        fiscal_year=project_service.current_fiscal_year(),
        values={"name": SECRET_PROJECT, "fiscal_amount": "88.00"},
    )
    doc = documents.create_document("monitoring", actor=staff, project=library_project("guihua", bureau))
    documents.edit_document(doc, actor=staff, data=complete_data("monitoring"), expected_version=doc.version)
    workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
    workflow.apply(doc, "return", actor=head, expected_version=doc.version, comment=SECRET_COMMENT)
    accounts.set_roles(bureau["gengdi"], [Role.STAFF, Role.SECTION_HEAD], actor=admin)
    accounts.create_token(admin, name="备份脚本", actor=admin)
    db.session.commit()
    return doc


def test_admins_see_configuration_and_account_events_only(client_for, bureau):
    doc = business_and_configuration_events(bureau)
    admin = client_for(bureau["admin"])
    html = admin.get("/admin/admin_audit/").get_data(as_text=True)  # newest first
    assert "用户：设置角色" in html and "API 令牌：新建" in html  # user.set_roles, token.create
    for business in ("document.", "project.", "文档：", "项目：", SECRET_COMMENT, SECRET_PROJECT):
        assert business not in html, business
    # Not by search, filter or id either.
    assert "document." not in admin.get("/admin/admin_audit/?search=document").get_data(as_text=True)
    hidden = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.return"))
    details = admin.get(f"/admin/admin_audit/details/?id={hidden.id}", follow_redirects=True)
    assert SECRET_COMMENT not in details.get_data(as_text=True)
    shown = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.set_roles"))
    assert "section_head" in admin.get(f"/admin/admin_audit/details/?id={shown.id}").get_data(as_text=True)
    # Business history stays readable through the document, by those in scope.
    assert SECRET_COMMENT in client_for(bureau["finance"]).get(f"/documents/{doc.id}").get_data(as_text=True)
    assert client_for(bureau["admin"]).get(f"/documents/{doc.id}").status_code == 403


def test_405_says_which_methods_are_allowed(client, bureau):
    page = client.get("/logout")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
    api = client.put("/api/v1/documents/1", json={}, headers=bearer(bureau["guihua"]))
    assert api.status_code == 405 and api.json["error"]["message"]
    assert set(api.headers["Allow"].split(", ")) >= {"GET", "PATCH"}


def test_nothing_a_logged_in_user_sees_is_cached(client, client_for, bureau):
    doc = documents.create_document(
        "monitoring", actor=bureau["guihua"], project=library_project("guihua", bureau)
    )
    db.session.commit()
    staff = client_for(bureau["guihua"])
    for path in ("/admin/", "/documents/", f"/documents/{doc.id}", "/projects/", "/documents/999"):
        assert staff.get(path).headers["Cache-Control"] == "no-store", path
    api = client.get(f"/api/v1/documents/{doc.id}", headers=bearer(bureau["guihua"]))
    assert api.headers["Cache-Control"] == "no-store"
    # Static files stay cacheable; the anonymous login page holds no business data.
    with staff.get("/static/js/zyperf.js") as script:
        assert script.headers.get("Cache-Control") != "no-store"
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_the_policy_forbids_inline_scripts():
    scripts = next(d for d in CONTENT_SECURITY_POLICY.split("; ") if d.startswith("script-src"))
    assert scripts == "script-src 'self'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)


def pages_of(bureau, doc: StageDocument) -> dict[str, list[str]]:
    definition_id = db.session.scalar(
        select(AuditEntry.object_id).where(AuditEntry.object_type == "FormDefinition")
    )
    return {
        "guihua": ["/admin/", "/documents/", f"/documents/{doc.id}", f"/documents/{doc.id}/edit", "/projects/",
                   "/projects/new/", f"/projects/details/?id={doc.project_id}", "/worklist/", "/account/",
                   "/documents/999999"],
        "finance": ["/projects/", "/documents/", "/outstanding/", f"/documents/{doc.id}"],
        "admin": ["/admin/admin_forms/", f"/admin/admin_forms/{definition_id}/",
                  f"/admin/admin_forms/{definition_id}/preview", f"/admin/admin_users/edit/?id={bureau['guihua'].id}",
                  "/admin/admin_audit/", "/admin/admin_units/", "/admin/admin_workflows/"],
    }  # fmt: skip


def test_no_page_carries_an_inline_script(client, client_for, bureau):
    doc = documents.create_document(
        "monitoring", actor=bureau["guihua"], project=library_project("guihua", bureau)
    )
    db.session.commit()
    seen = 0
    for username, paths in pages_of(bureau, doc).items():
        browser = client_for(bureau[username])
        for path in paths:
            response = browser.get(path)
            assert response.status_code in (200, 404), (username, path, response.status_code)
            html = response.get_data(as_text=True)
            assert not INLINE_SCRIPT.findall(html), (username, path)
            assert not HANDLER.findall(html), (username, path)
            assert "javascript:history" not in html
            seen += 1
    assert seen == sum(len(p) for p in pages_of(bureau, doc).values())
    assert not INLINE_SCRIPT.findall(client.get("/login").get_data(as_text=True))


@pytest.mark.parametrize("path", ["/documents/", "/api/v1/documents"])
def test_the_policy_header_is_on_every_answer(client_for, bureau, path):
    response = client_for(bureau["finance"]).get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
