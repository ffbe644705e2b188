"""A person in a real browser: Debian's chromium driven by Playwright, against the app on loopback."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from zyperf.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("ZYPERF_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture
def served(app, bureau):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")


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
