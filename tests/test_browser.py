"""A person in a real browser: Debian's chromium driven by Playwright, against the app on loopback."""

import pytest

from tests.conftest import browser_login as login

pytestmark = pytest.mark.browser


def test_staff_logs_in_and_sees_chinese_menu_and_own_projects(served, page, tmp_path):
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    nav = page.inner_text("nav")
    assert "首页" in nav and "项目" in nav and "我的账户" in nav
    assert "系统配置" not in nav
    page.click("nav >> text=项目")
    page.wait_for_selector("table.model-list")
    table = page.inner_text("table.model-list")
    assert "村级国土空间规划编制" in table
    assert "耕地保护补偿资金" not in table  # another unit's project
    shot = tmp_path / "guihua-projects.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_wrong_password_shows_chinese_message(served, page):
    page.goto(f"{served}/login")
    page.fill("#username", "guihua")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("#login-error")
