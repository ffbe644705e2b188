"""The content policy without inline scripts, in a real browser (issue 11, item 14): the main pages of
each role load and work (badge, 添加一行, filters, bulk actions, the designer's options, confirmations)
with no policy violation and no script error."""

import pytest
from sqlalchemy import select

from tests.conftest import browser_login as login
from tests.filling import complete_data
from tests.test_workflow_api import continuing_project
from zyperf.extensions import db
from zyperf.models import User
from zyperf.services import definitions as defs
from zyperf.services import documents, workflow
from zyperf.services import projects as project_service

pytestmark = pytest.mark.browser

# Runs before the page's own scripts (an init script is not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
});
"""


@pytest.fixture
def watched(page):
    """The page, with every policy violation and script error it meets collected."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )

    def check(where: str) -> None:
        found = problems + page.evaluate("window.__violations || []")
        assert not found, (where, found)

    page.check_clean = check
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def visit(page, base: str, path: str) -> None:
    response = page.goto(base + path)
    page.wait_for_load_state("load")
    assert response.ok and page.url == base + path, (path, response.status, page.url)  # no redirect
    page.check_clean(path)


def documents_to_show(bureau):
    """A performance-targets draft (an indicator table) and a submitted monitoring document."""
    staff = bureau["guihua"]
    project = continuing_project("guihua")
    targets = documents.create_document("performance_targets", actor=staff, project=project)
    monitoring = documents.create_document(
        "monitoring", actor=staff, project=project, data=complete_data("monitoring")
    )
    workflow.apply(monitoring, "submit", actor=staff, expected_version=monitoring.version)
    db.session.commit()
    return targets, monitoring


def test_staff_pages_run_without_inline_scripts(served, watched, bureau):
    targets, _ = documents_to_show(bureau)
    staff = bureau["guihua"]
    editable = project_service.create_project(
        actor=staff,
        unit=staff.unit,
        fiscal_year=project_service.current_fiscal_year(),
        values={"name": "新项目", "fiscal_amount": "10"},
    )
    db.session.commit()
    page = watched
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.check_clean("login")
    for path in (
        "/admin/",
        "/documents/",
        f"/documents/{targets.id}",
        "/projects/",
        "/projects/new/",
        f"/projects/edit/?id={editable.id}",
        f"/projects/details/?id={editable.id}",
        "/account/",
    ):
        visit(page, served, path)
    visit(page, served, f"/documents/{targets.id}/edit")
    table = page.locator("table.indicator-table[data-mode]").first
    rows = table.locator("tbody tr").count()
    page.locator("[data-add-row]").first.click()
    assert table.locator("tbody tr").count() == rows + 1
    last = table.locator("tbody tr").last.locator("input").first
    assert last.input_value() == "" and f"-{rows}-" in last.get_attribute("name")
    # Flask-Admin's filter menu (its onclick removed by our script) adds a filter row.
    visit(page, served, "/projects/")
    page.click("a.nav-link.dropdown-toggle >> text=/筛选|Filter/")
    page.locator("a.filter").first.click()
    page.wait_for_selector("table.filters tr")
    page.check_clean("filter menu")


def test_worklist_badge_and_bulk_actions_run_without_inline_scripts(served, watched, bureau):
    _, monitoring = documents_to_show(bureau)
    page = watched
    login(page, served, "guihua_head")
    page.wait_for_selector("#worklist-count")
    assert page.inner_text("#worklist-count") == "1"
    visit(page, served, f"/documents/{monitoring.id}")
    page.context.clear_cookies()
    login(page, served, "finance")
    page.wait_for_selector("#current-user")
    visit(page, served, "/projects/")
    page.locator("input.action-checkbox").first.check()
    page.click("li.dropdown:has([data-model-action]) > a.dropdown-toggle")
    page.click("text=标记为重点监控（市财政局确定）")
    page.wait_for_selector("text=已标记重点监控")
    page.check_clean("bulk action")
    visit(page, served, "/outstanding/")


def test_admin_pages_run_without_inline_scripts(served, watched, bureau):
    source = defs.published_definition("monitoring", 2026)
    draft = defs.new_draft_from(source, actor=bureau["admin"])
    db.session.commit()
    guihua = db.session.scalar(select(User).where(User.username == "guihua"))
    page = watched
    login(page, served, "admin")
    page.wait_for_selector("#current-user")
    for path in ("/admin/admin_forms/", f"/admin/admin_users/edit/?id={guihua.id}", "/admin/admin_audit/"):
        visit(page, served, path)
    visit(page, served, f"/admin/admin_forms/{draft.id}/")
    page.select_option("#type", "choice")
    assert page.is_visible(".option-choices") and not page.is_visible(".option-max_length")
    page.select_option("#type", "text")
    assert page.is_visible(".option-max_length") and not page.is_visible(".option-choices")
    page.click("#publish")  # data-confirm: the dialog is accepted
    page.wait_for_selector("text=已发布：")
    page.check_clean("designer")
