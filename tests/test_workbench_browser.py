"""Each demo role in a real browser: log in, see the 工作台, follow a link from it; a refused 送审 stays on
the document page. Screenshots go to $ZYPERF_SCREENSHOTS (else the test's tmp folder) to be looked at."""

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import browser_login as login
from tests.filling import complete_data
from zyperf import volume
from zyperf.extensions import db
from zyperf.models import Project
from zyperf.services import documents, workflow

pytestmark = pytest.mark.browser

# Who, and the link each follows from the 工作台 (a CSS selector) with what the next page shows.
ROLES = {
    "guihua": ("#unit-projects a[href^='/projects/details/']", "table"),
    "guihua_head": ("#home-worklist a[href^='/documents/']", "#history"),
    "gengdi": ("#unit-projects a[href^='/projects/details/']", "table"),
    "gengdi_head": ("#unit-projects a[href^='/documents/']", "#history"),
    "deputy": ("#stage-matrix td[data-status='final'] a", "#document-list, table"),
    "leader": ("#stage-matrix td[data-status='final'] a", "#document-list, table"),
    "finance": ("#execution-chart a", "#history"),
    "admin": ("#configuration a[href^='/admin/admin_years/edit/']", "form"),
}


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("ZYPERF_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def lived_in_year(bureau):
    """The current year with projects through targets, monitoring and evaluation (as `flask seed
    volume` makes them), and a 规划科 targets draft submitted to its head."""
    run = volume.prepare(5, year=volume.projects.current_fiscal_year().year)
    for i in range(5):
        volume.add_project(run, i)
    project = db.session.scalar(select(Project).where(Project.name.startswith("国土空间规划“一张图”")))
    staff = run.cast.staff[project.unit_id]
    targets = documents.create_document(
        "performance_targets", actor=staff, project=project, data=complete_data("performance_targets")
    )
    workflow.apply(targets, "submit", actor=staff, expected_version=targets.version)
    db.session.commit()


@pytest.mark.parametrize("username", sorted(ROLES))
def test_each_role_opens_its_workbench_and_follows_a_link(served, page, tmp_path, lived_in_year, username):
    link, landing = ROLES[username]
    login(page, served, username)
    page.wait_for_selector("#current-user")
    assert "工作台" in page.inner_text("h4")
    folder = shots(tmp_path)
    page.screenshot(path=str(folder / f"workbench-{username}.png"), full_page=True)
    page.locator(link).first.click()
    page.wait_for_selector(landing)
    assert page.locator("#current-user").count() == 1  # still inside the menu
    page.screenshot(path=str(folder / f"workbench-{username}-followed.png"), full_page=True)


def test_finance_sees_the_matrix_and_the_chart(served, page, tmp_path, lived_in_year):
    login(page, served, "finance")
    page.wait_for_selector("#stage-matrix")
    assert page.locator("#stage-matrix td[data-status='final']").count() >= 3
    bars = page.locator("#execution-chart rect[data-class]")
    assert bars.count() >= 5
    assert "时序进度" in page.locator("#execution-chart").text_content()
    title = bars.first.locator("title").text_content()
    assert "执行率" in title and "项目（" in title
    assert page.locator("#grades-chart").count() == 1
    page.set_viewport_size({"width": 1366, "height": 900})
    box = page.locator("#execution-chart").bounding_box()
    assert box and box["width"] <= 1366
    page.screenshot(path=str(shots(tmp_path) / "workbench-finance-1366.png"), full_page=True)


def test_a_refused_submission_stays_on_the_document_page(served, page, tmp_path, bureau):
    project = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    document = documents.create_document("performance_targets", actor=bureau["guihua"], project=project)
    db.session.commit()
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/documents/{document.id}")
    page.click("button[data-action='submit']")
    page.wait_for_selector("#refusal")
    assert page.url.endswith(f"/documents/{document.id}/transition")
    assert "未能办理" in page.inner_text("#refusal")
    assert page.locator("#current-user").count() == 1 and "我的待办" in page.inner_text("nav")
    assert page.locator("button[data-action='submit']").count() == 1  # the button is still there
    page.screenshot(path=str(shots(tmp_path) / "refused-submission.png"), full_page=True)
