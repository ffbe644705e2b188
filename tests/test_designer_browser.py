"""Issue 4 in a real browser: an admin adds a required field to the 2026 monitoring form and publishes
it; a 科室 staff member's new monitoring document shows it, and 送审 is refused until it is filled."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import browser_login as login
from tests.filling import into_library, value_for
from zyperf.domain.indicators import CARRIED
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, StageDocument
from zyperf.services import definitions as defs

pytestmark = pytest.mark.browser


def fill_stage_form(tab, fields: list[dict]) -> None:
    """Fill every field except the indicator table the way a person would."""
    for field in fields:
        value = value_for(field)
        selector = f"#{field['key']}"
        if field["type"] in ("indicator_table", "computed"):
            continue
        if field["type"] == "fund_table":
            for source, row in value.items():
                for column, amount in row.items():
                    tab.fill(f"input[name='{field['key']}-{source}-{column}']", amount)
        elif field["type"] in ("choice", "multi_choice"):
            tab.select_option(selector, value)
        else:
            tab.fill(selector, str(value))


def fill_indicator_rows(tab, field: dict) -> None:
    """The rows carried from the final targets: what happened is filled in row by row (the promise
    is read-only), then saved."""
    for i, row in enumerate(value_for(field)):
        for column, value in row.items():
            name = f"[name='{field['key']}-{i}-{column}']"
            if column in CARRIED:
                continue
            if column == "likelihood":
                tab.select_option(f"select{name}", value)
            elif value not in ([], False, ""):
                tab.fill(f"input{name}", str(value))
    tab.click("#stage-form button[type=submit]")
    tab.wait_for_selector("text=已保存")


def test_admin_adds_required_field_and_staff_must_fill_it(served, page, tmp_path, bureau):
    page.on("dialog", lambda dialog: dialog.accept())
    source = defs.published_definition("monitoring", 2026)
    source_version = source.version

    # The admin makes a new draft version, adds 监督人 (required text), and publishes it.
    login(page, served, "admin")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/admin/admin_forms/?year=2026")
    page.click(f"#definition-{source.id} >> text=新建草稿版本")
    page.wait_for_selector("#field-form")
    assert f"第 {source_version + 1} 版" in page.inner_text("h5")
    page.fill("#key", "supervisor")
    page.fill("#label", "监督人")
    page.select_option("#type", "text")
    page.check("#required")
    page.click("#save-field")
    page.wait_for_selector("tr[data-key=supervisor]")
    assert "单行文本" in page.inner_text("tr[data-key=supervisor]")
    page.screenshot(path=str(tmp_path / "designer-draft.png"), full_page=True)
    page.click("#publish")
    page.wait_for_selector("text=已发布：")
    db.session.rollback()
    newest = defs.published_definition("monitoring", 2026)
    assert newest.version == source_version + 1
    assert newest.fields[-1] == {"key": "supervisor", "label": "监督人", "type": "text", "required": True}

    # Staff of 规划科 create a monitoring document for one of their 2026 projects in the library.
    page.context.clear_cookies()
    project = db.session.scalar(
        select(Project)
        .join(FiscalYear)
        .where(Project.name == "国土空间规划“一张图”实施监督信息系统运维", FiscalYear.year == 2026)
    )
    into_library(project, bureau)
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/documents/")
    new_form = "form[action$='/documents/new']"
    # The project picker searches as one types (static/js/project-picker.js) and offers the matches.
    page.fill("#new-document-project", project.name[:4])
    page.wait_for_selector(f"#new-document-projects option[value='{project.display_name}']", state="attached")
    page.fill("#new-document-project", project.display_name)
    page.wait_for_function(
        f"document.querySelector(\"{new_form} input[name=project_id]\").value === '{project.id}'"
    )
    page.select_option(f"{new_form} select[name=kind]", "monitoring")
    page.click(f"{new_form} >> text=新建阶段文档")
    page.wait_for_selector("#stage-form")
    doc_id = int(re.search(r"/documents/(\d+)/edit", page.url).group(1))
    assert page.is_visible("label[for=supervisor]"), page.inner_text("body")[:1500]
    assert "监督人" in page.inner_text("label[for=supervisor]")

    fields = newest.fields
    fill_stage_form(page, [f for f in fields if f["key"] != "supervisor"])
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    page.goto(f"{served}/documents/{doc_id}/edit")
    for field in fields:
        if field["type"] == "indicator_table":
            fill_indicator_rows(page, field)

    # 送审 without 监督人 is refused, naming the field.
    page.goto(f"{served}/documents/{doc_id}")
    page.click("button[data-action=submit]")
    message = page.inner_text("#refusal")
    assert "监督人" in message, message
    page.screenshot(path=str(tmp_path / "submit-refused.png"), full_page=True)
    db.session.rollback()
    document = db.session.get(StageDocument, doc_id)
    assert document.state == "draft" and document.form_version == newest.version

    # Filled in, 送审 goes through.
    page.goto(f"{served}/documents/{doc_id}/edit")
    page.fill("#supervisor", "张三")
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    page.click("button[data-action=submit]")
    page.wait_for_selector("text=已送审")
    shot = tmp_path / "submitted.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    db.session.rollback()
    document = db.session.get(StageDocument, doc_id)
    assert document.state != "draft"
    assert document.data["supervisor"] == "张三"
