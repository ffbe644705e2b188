"""Required fields marked before submission (issue 13): the edit page marks each field its form's
definition requires, and each column of the indicator table a row must fill, with a red * and the
word 必填 for screen readers; optional fields and columns carry no mark."""

import re

from tests import export_cases as cases
from tests.test_imports import draft_targets

MARK = '<span class="required-mark" aria-hidden="true"></span><span class="sr-only">（必填）</span>'


def label(html: str, key: str) -> str:
    return re.search(rf'<label for="{key}">(.*?)</label>', html, re.DOTALL).group(1)


def header(html: str, column: str) -> str:
    return re.search(rf'<th data-column="{column}">(.*?)</th>', html, re.DOTALL).group(1)


def test_required_fields_and_columns_are_marked_on_the_edit_page(client_for, bureau):
    document = draft_targets(bureau)
    html = client_for(bureau["guihua"]).get(f"/documents/{document.id}/edit").get_data(as_text=True)
    assert label(html, "manager").endswith(MARK) and label(html, "annual_goal").endswith(MARK)
    assert label(html, "funds").endswith(MARK) and label(html, "indicators").endswith(MARK)  # tables too
    assert MARK not in label(html, "overview")  # optional
    for column in ("level1", "level2", "level3", "nature", "value", "weight"):
        assert header(html, column).endswith(MARK), column
    for column in ("core", "unit"):
        assert MARK not in header(html, column), column
    assert 'id="required-note"' in html


def test_a_carried_promise_marks_only_what_the_unit_enters(client_for, bureau):
    document = cases.e1_monitoring(bureau)
    html = client_for(bureau["guihua"]).get(f"/documents/{document.id}/edit").get_data(as_text=True)
    for column in ("actual", "expected", "likelihood"):
        assert header(html, column).endswith(MARK), column
    for column in ("level1", "weight", "causes", "remark"):
        assert MARK not in header(html, column), column
