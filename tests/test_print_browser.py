"""The print view in a real browser: the sheet on screen with the menu, printed (print media) without
it, and as an A4 PDF in the orientation the export uses. Screenshots and PDFs go to
$ZYPERF_SCREENSHOTS (else the test's tmp folder) to be looked at."""

import re

import pytest

from tests import export_cases as cases
from tests.conftest import browser_login as login
from tests.test_imports import draft_targets, rectification
from tests.test_workbench_browser import shots

pytestmark = pytest.mark.browser
A4_PORTRAIT, A4_LANDSCAPE = "[0 0 594.96 841.92]", "[0 0 841.92 594.96]"


def media_boxes(pdf: bytes) -> list[str]:
    return re.findall(rb"/MediaBox\s*(\[[^\]]*\])", pdf)


@pytest.mark.parametrize("case", ["targets", "self_evaluation", "rectification"])
def test_the_print_view_prints_its_sheet_on_a4(served, page, tmp_path, bureau, case):
    made = {
        "targets": draft_targets,
        "self_evaluation": cases.e2_self_evaluation,
        "rectification": rectification,
    }
    document = made[case](bureau)
    login(page, served, "guihua")
    page.wait_for_selector("#current-user")
    page.goto(f"{served}/documents/{document.id}")
    page.click("#print-document")
    page.wait_for_selector("#print-table")
    assert page.locator(".navbar").is_visible() and page.locator("#print-signatures").is_visible()
    folder = shots(tmp_path)
    page.screenshot(path=str(folder / f"print-{case}.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".navbar").is_visible() and not page.locator(".print-toolbar").is_visible()
    assert page.locator("#print-table").is_visible() and page.locator("#print-signatures").is_visible()
    # The table fits the printed width: nothing is cut off at the right edge.
    table, sheet = page.locator("#print-table").bounding_box(), page.locator("#print-sheet").bounding_box()
    assert table["x"] + table["width"] <= sheet["x"] + sheet["width"] + 1
    page.screenshot(path=str(folder / f"print-{case}-media.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (folder / f"print-{case}.pdf").write_bytes(pdf)
    boxes = [b.decode() for b in media_boxes(pdf)]
    assert boxes, "no page in the PDF"
    landscape = case in ("self_evaluation", "rectification")  # a problem table prints across
    for box in boxes:
        width, height = (float(v) for v in box.strip("[]").split()[2:])
        assert (width > height) is landscape, box
