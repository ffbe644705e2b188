"""Issue 7 in a real browser: as 规划科 staff fills the monitoring form, the server computes 执行率,
class and 处置措施 as the amounts are typed; 送审 without the reason M2 requires stays on the page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login as login
from tests.test_stage_figures import final_targets

pytestmark = pytest.mark.browser


def test_monitoring_figures_follow_the_typing_and_m2_stops_submission(served, page, bureau, tmp_path):
    targets = final_targets(bureau, {"fiscal": {"amount": "280"}, "unit": {"amount": "20"}})
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/projects/details/?id={targets.project_id}")
    page.click("#project-documents >> text=新建绩效监控")
    page.wait_for_selector("#stage-form")
    assert "1-8月执行数" in page.inner_text("#funds")
    assert page.inner_text("td.carried >> nth=2") == "单村规划编制成本"  # the promise, read-only

    page.fill("input[name='funds-fiscal-executed']", "190")
    page.fill("input[name='funds-unit-executed']", "9.99")
    expect(page.locator("[data-computed=execution_rate]")).to_have_text("66.66%")
    assert page.inner_text("[data-computed=monitoring_class]") == "滞后"
    assert page.inner_text("[data-computed=handling]") == "督促加快"
    assert page.inner_text("[data-fund-total='funds-executed']") == "199.99"
    page.fill("input[name='funds-fiscal-executed']", "90")
    expect(page.locator("[data-computed=monitoring_class]")).to_have_text("严重滞后")
    assert page.inner_text("[data-computed=handling]") == "调整预算直至财政收回"
    page.screenshot(path=str(tmp_path / "monitoring-live.png"), full_page=True)

    for i in range(5):
        value = page.inner_text(f"#indicators tr[data-row='{i}'] td.carried >> nth=5")
        page.fill(f"input[name='indicators-{i}-actual']", value)
        page.fill(f"input[name='indicators-{i}-expected']", value)
        page.select_option(f"select[name='indicators-{i}-likelihood']", "certain")
    page.click("#stage-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    page.click("button[data-action=submit]")
    refusal = page.inner_text("#refusal")
    assert "执行进度滞后，须说明偏差原因" in refusal and "执行偏差原因" in refusal
    assert page.is_visible("nav") and page.inner_text("#state") == "草稿"
    page.screenshot(path=str(tmp_path / "monitoring-refused.png"), full_page=True)


def test_figures_typed_before_the_script_arrives_are_still_computed(served, page, bureau):
    """A fast hand or a slow network: amounts typed before stage-form.js runs still get their figures."""
    targets = final_targets(bureau, {"fiscal": {"amount": "280"}, "unit": {"amount": "20"}})
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/projects/details/?id={targets.project_id}")
    held = []
    page.route("**/js/stage-form.js*", lambda route: held.append(route))
    page.click("#project-documents >> text=新建绩效监控")
    page.wait_for_selector("#stage-form")
    page.fill("input[name='funds-fiscal-executed']", "190")
    page.fill("input[name='funds-unit-executed']", "9.99")
    assert page.inner_text("[data-computed=execution_rate]") in ("", "0.00%")  # nothing listened yet
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("[data-computed=execution_rate]")).to_have_text("66.66%")
    assert page.inner_text("[data-fund-total='funds-executed']") == "199.99"
