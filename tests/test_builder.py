"""WTForms classes built from definitions: the same rules as validate_data, and the class cache."""

import json

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from forms.base import AppForm
from forms.builder import _FORM_CACHE, build_stage_form
from zyperf.extensions import db
from zyperf.models import FiscalYear
from zyperf.services import definitions as defs


def good_rows():
    return [
        {"level1": "产出指标", "level2": "数量指标", "level3": "完成村级规划编制数量", "nature": ">=",
         "value": "20", "unit": "个", "weight": "60"},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "指导作用", "nature": "定性",
         "value": "效果明显", "unit": "", "weight": "30"},
    ]  # fmt: skip


def formdata_rows(key, rows):
    return {f"{key}-{i}-{col}": value for i, row in enumerate(rows) for col, value in row.items()}


def post(app, cls, data):
    with app.test_request_context(method="POST", data=data):
        form = cls()
        ok = form.validate()
        return ok, form


def test_cached_published_definition_gives_the_same_class(bureau):
    definition = defs.published_definition("performance_targets", 2026)
    cls = build_stage_form(definition)
    assert issubclass(cls, AppForm)
    assert build_stage_form(definition) is cls
    db.session.expire_all()  # a fresh load of the same row hits the cache too
    assert build_stage_form(defs.published_definition("performance_targets", 2026)) is cls


def test_draft_edits_are_never_served_stale(bureau, administrator):
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))
    draft = defs.create_draft(
        "budget_adjustment", fy, [{"key": "a", "label": "甲", "type": "text"}], actor=administrator
    )
    first = build_stage_form(draft)
    defs.update_draft(draft, [{"key": "b", "label": "乙", "type": "integer"}], actor=administrator)
    second = build_stage_form(draft)
    assert second is not first and hasattr(second, "b") and not hasattr(second, "a")
    assert len(_FORM_CACHE) <= 256


def test_form_uses_the_same_rules_and_row_naming(app, bureau):
    definition = defs.published_definition("performance_targets", 2026)
    cls = build_stage_form(definition)
    data = {
        "overview": "=1+1 <script>x</script>",
        "manager": "张三",
        "funds-fiscal-amount": "680",
        "funds-unit-amount": "20.5",
        "annual_goal": "完成编制",
        **formdata_rows("indicators", good_rows()),
        "indicators-2-level1": "",  # the widget's blank line is ignored
    }
    ok, form = post(app, cls, data)
    assert ok, form.errors
    entry = form.entry_data()
    api_data = {k: v for k, v in data.items() if "-" not in k} | {
        "indicators": good_rows(),
        "funds": {"fiscal": {"amount": "680"}, "unit": {"amount": "20.5"}},
    }
    assert entry == defs.validate_data(definition, api_data)  # one rule set for pages and API
    assert entry["funds"]["unit"] == {"amount": "20.50"} and entry["funds"]["special"] == {"amount": "0.00"}
    assert entry["overview"] == "=1+1 <script>x</script>"
    assert entry["indicators"][0]["nature"] == "≥"

    bad = {**data, "funds-fiscal-amount": "-5", "indicators-1-weight": "20"}
    ok, form = post(app, cls, bad)
    assert not ok
    assert form.errors["funds"] == ["财政资金·金额：金额应为不小于0的数字，最多两位小数"]
    assert "绩效指标权重合计应为90，当前为80" in form.errors["indicators"][0]


def test_indicator_table_accepts_a_json_list(app, bureau):
    definition = defs.published_definition("performance_targets", 2026)
    cls = build_stage_form(definition)
    with app.test_request_context(method="POST", data={"indicators": json.dumps(good_rows())}):
        form = cls()
        form.validate()
        assert "indicators" not in form.errors
        assert len(form.entry_data()["indicators"]) == 2
    with app.test_request_context(method="POST", data={"indicators": "{broken"}):
        form = cls()
        form.validate()
        assert "格式有误" in form.errors["indicators"][0]
    # Flask-WTF wraps a JSON body; the rows arrive as the list itself.
    with app.test_request_context(method="POST", json={"indicators": good_rows()}):
        form = cls()
        form.validate()
        assert "indicators" not in form.errors


def test_conditions_choices_and_yes_no_in_forms(app, bureau):
    adjustment = build_stage_form(defs.published_definition("budget_adjustment", 2026))
    ok, form = post(app, adjustment, MultiDict({"adjustment_type": "evil"}))
    assert not ok
    assert form.errors["adjustment_type"] == ["调整方式的选项无效"]
    rect = build_stage_form(defs.published_definition("rectification", 2026))
    ok, form = post(app, rect, MultiDict({"problems-0-source": "evil", "truthfulness": ""}))
    assert not ok
    messages = form.errors["problems"][0].split("；")
    assert messages[:2] == [
        "第1行：问题来源应为 自评、监控、部门评价、财政评价、审计、其他 之一",
        "第1行：请填写问题类型",
    ]
    assert form.errors["truthfulness"] == ["请填写真实性声明：本单位对整改报告内容的真实性负责"]
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))
    conditional = defs.create_draft(
        "budget_adjustment",
        fy,
        [
            {"key": "rate", "label": "执行率（%）", "type": "percent"},
            {
                "key": "why",
                "label": "原因",
                "type": "long_text",
                "condition": {"required_if": {"field": "rate", "op": "<", "value": 90}},
            },
        ],
        actor=None,
    )
    ok, form = post(app, build_stage_form(conditional), {"rate": "85"})
    assert form.errors["why"] == ["执行率（%）<90时，须填写原因"]
    targets = build_stage_form(defs.published_definition("performance_targets", 2026))
    with app.test_request_context():
        html = str(targets().indicators())
    assert 'name="indicators-0-level1"' in html


def test_prefilled_form_renders_escaped(app, bureau):
    cls = build_stage_form(defs.published_definition("performance_targets", 2026))
    rows = good_rows()
    rows[0]["level3"] = '"><script>alert(1)</script>'
    with app.test_request_context():
        form = cls(data={"indicators": rows, "overview": "<b>x</b>"})
        assert "<script>alert" not in str(form.indicators())
        assert "<b>x</b>" not in str(form.overview())
