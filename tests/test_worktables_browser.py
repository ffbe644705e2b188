"""The task and problem tables in a real browser: 财务科 types the department's tasks and sees each
总额 and the 金额合计 computed by the server; 规划科 adds a second problem to a rectification report
with the add-row button and saves both."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import browser_login as login
from tests.test_stage_figures import project
from zyperf.extensions import db
from zyperf.models import RectificationProblem, StageDocument

pytestmark = pytest.mark.browser


def test_task_totals_follow_the_typing(served, page, bureau, tmp_path):
    login(page, served, "finance")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/documents/")
    page.click("#new-department >> text=部门整体支出绩效目标")
    page.wait_for_selector("#stage-form")
    page.fill("input[name='tasks-0-name']", "国土空间规划")
    page.fill("input[name='tasks-0-content']", "完成市级总体规划报批")
    page.fill("input[name='tasks-0-fiscal']", "800")
    page.fill("input[name='tasks-0-other']", "200.5")
    expect(page.locator("[data-row-figure='tasks-0-total']")).to_have_text("1000.50")
    page.click("button[data-add-row='tasks']")
    page.fill("input[name='tasks-2-name']", "耕地保护")
    page.fill("input[name='tasks-2-content']", "落实耕地占补平衡")
    page.fill("input[name='tasks-2-fiscal']", "99.5")
    expect(page.locator("[data-computed=tasks_total]")).to_have_text("1100.00")
    # Each 总额 goes to its own row, across the blank row left in between.
    expect(page.locator("[data-row-figure='tasks-2-total']")).to_have_text("99.50")
    assert page.inner_text("[data-row-figure='tasks-1-total']") == ""
    page.screenshot(path=str(tmp_path / "department-targets.png"), full_page=True)
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    db.session.rollback()
    doc = db.session.scalar(select(StageDocument).where(StageDocument.kind == "department_targets"))
    assert [t["total"] for t in doc.data["tasks"]] == ["1000.50", "99.50"]


def test_a_second_problem_is_added_and_saved(served, page, bureau, tmp_path):
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/projects/details/?id={project().id}")
    page.click("#project-documents >> text=新建整改报告")
    page.wait_for_selector("#stage-form")
    deadline = (date.today() + timedelta(days=30)).isoformat()

    def fill(i: int, text: str):
        page.select_option(f"select[name='problems-{i}-source']", "self")
        page.fill(f"input[name='problems-{i}-type']", text)
        page.fill(f"textarea[name='problems-{i}-description']", f"{text}问题")
        page.fill(f"textarea[name='problems-{i}-measures']", f"{text}措施")
        page.fill(f"input[name='problems-{i}-responsible_unit']", "规划科")
        page.fill(f"input[name='problems-{i}-responsible_person']", "陈晓")
        page.fill(f"input[name='problems-{i}-deadline']", deadline)
        page.select_option(f"select[name='problems-{i}-status']", "in_progress")

    fill(0, "预算执行")
    page.click("button[data-add-row='problems']")
    fill(1, "绩效目标")
    page.screenshot(path=str(tmp_path / "rectification.png"), full_page=True)
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    db.session.rollback()
    rows = db.session.scalars(select(RectificationProblem).order_by(RectificationProblem.number)).all()
    assert [(r.number, r.problem_type, r.deadline.isoformat()) for r in rows] == [
        (1, "预算执行", deadline),
        (2, "绩效目标", deadline),
    ]
    table = page.inner_text("[data-table=problems]")
    assert "预算执行问题" in table and "正在整改" in table and "自评" in table
