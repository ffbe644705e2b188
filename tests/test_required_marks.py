"""Required fields marked before submission (issue 13): the edit page marks each field its form's
definition (or §5) requires, and each column of the indicator, task and problem tables a row must fill,
with a red * and the word 必填 for screen readers; a field or column required only sometimes says when;
optional fields and columns carry no mark."""

import re

from sqlalchemy import select

from tests import export_cases as cases
from tests.test_imports import draft_targets
from tests.test_stage_figures import project
from zyperf.domain.fields import check_conditions, condition_text
from zyperf.domain.text import plain_number
from zyperf.extensions import db
from zyperf.models import StageDocument
from zyperf.services import documents

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


def note(html: str, key: str) -> str:
    found = re.search(r'<small class="text-muted conditional-required">（(.*?)）</small>', label(html, key))
    return found.group(1) if found else ""


def test_fields_required_only_sometimes_say_when(client_for, bureau):
    monitoring = cases.e1_monitoring(bureau)
    staff = client_for(bureau["guihua"])
    html = staff.get(f"/documents/{monitoring.id}/edit").get_data(as_text=True)
    assert note(html, "deviation_reason") == "执行进度滞后或存在方向偏差时必填"  # M2
    assert MARK not in label(html, "deviation_reason")
    evaluation = documents.create_document("self_evaluation", actor=bureau["guihua"], project=project())
    db.session.commit()
    html = staff.get(f"/documents/{evaluation.id}/edit").get_data(as_text=True)
    rate = plain_number(evaluation.fiscal_year.year_settings.reason_rate * 100)
    assert note(html, "execution_reason") == f"预算执行率未达到{rate}%时必填"  # S2, from the year's settings
    assert note(html, "adjustment_reason") == "年中发生预算调整时必填"  # S3
    assert label(html, "conclusion").endswith(MARK) and not note(html, "conclusion")  # §5 requires it


def test_a_definitions_condition_is_said_as_its_check_says_it():
    fields = [
        {"key": "budget", "label": "调整后预算数", "type": "decimal"},
        {
            "key": "why",
            "label": "说明",
            "type": "text",
            "condition": {"required_if": {"field": "budget", "op": "<", "value": 100}},
        },
    ]
    assert condition_text(fields[1], fields) == "调整后预算数<100" and condition_text(fields[0], fields) == ""
    assert check_conditions(fields, {"budget": 50, "why": ""}) == {"why": ["调整后预算数<100时，须填写说明"]}


def test_work_tables_mark_the_columns_a_row_must_fill(client_for, bureau):
    report = documents.create_document("rectification", actor=bureau["guihua"], project=project())
    db.session.commit()
    html = client_for(bureau["guihua"]).get(f"/documents/{report.id}/edit").get_data(as_text=True)
    for column in ("source", "type", "description", "measures", "responsible_unit", "responsible_person"):
        assert header(html, column).endswith(MARK), column
    for column in ("deadline", "status"):
        assert header(html, column).endswith(MARK), column
    assert MARK not in header(html, "result") and "整改状态为“已完成”时必填" in header(html, "result")
    assert MARK not in header(html, "evidence")
    finance = client_for(bureau["finance"])
    finance.post("/documents/new-department", data={"year": 2026, "kind": "department_targets"})
    targets = db.session.scalar(select(StageDocument).where(StageDocument.kind == "department_targets"))
    html = finance.get(f"/documents/{targets.id}/edit").get_data(as_text=True)
    assert header(html, "name").endswith(MARK) and header(html, "content").endswith(MARK)
    for column in ("fiscal", "other", "total"):
        assert MARK not in header(html, column), column
