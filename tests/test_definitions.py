"""Form definitions: definition validation, data validation (property-based), versioning, import/export,
and the indicator table rules."""

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from zyperf.domain import indicators
from zyperf.domain.fields import LONG_TEXT_CAP
from zyperf.domain.text import normalize_text
from zyperf.errors import PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    DocumentKind,
    FiscalYear,
    FormDefinition,
    PublishedDefinitionImmutable,
    StageDocument,
)
from zyperf.services import definitions as defs

PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CATALOG_2021 = (
    ("成本指标", "经济成本指标"),
    ("产出指标", "数量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
)


def year(n: int) -> FiscalYear:
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == n))


def table_field(**extra) -> dict:
    return {"key": "indicators", "label": "绩效指标", "type": "indicator_table", "required": True, **extra}


def good_rows() -> list[dict]:
    """excel-formats E2's indicators (weights 10+30+20+20+10 = 90)."""
    return [
        {"level1": "成本指标", "level2": "经济成本指标", "level3": "单村规划编制成本", "nature": "<=",
         "value": "6", "unit": "万元/个", "weight": "10"},
        {"level1": "产出指标", "level2": "数量指标", "level3": "完成村级规划编制数量", "nature": "≧",
         "value": 20, "unit": "个", "weight": 30},
        {"level1": "产出指标", "level2": "时效指标", "level3": "成果按期提交率", "nature": "＝",
         "value": "100", "unit": "%", "weight": "20"},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "规划对村庄建设的指导作用", "nature": "定性",
         "value": "效果明显", "unit": "", "weight": "20"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "村民满意度", "nature": ">=",
         "value": "90", "unit": "%", "weight": "10"},
    ]  # fmt: skip


def problems(fields) -> dict:
    with pytest.raises(ValidationFailed) as exc:
        defs.validate_definition(fields)
    return exc.value.fields


# --- Definition validation ------------------------------------------------------------------------


def test_hostile_definitions_are_refused_naming_the_problem():
    assert "重复" in problems([{"key": "a", "label": "甲", "type": "text"}] * 2)["a"][0]
    assert "无效" in problems([{"key": "1a", "label": "甲", "type": "text"}])["fields[0]"][0]
    assert "无效" in problems([{"key": "A;drop", "label": "甲", "type": "text"}])["fields[0]"][0]
    assert "保留字" in problems([{"key": "csrf_token", "label": "甲", "type": "text"}])["csrf_token"][0]
    assert "未知" in problems([{"key": "a", "label": "甲", "type": "script"}])["a"][0]
    assert (
        "大于最大值" in problems([{"key": "a", "label": "甲", "type": "integer", "min": 5, "max": 1}])["a"][0]
    )
    assert "不能为空" in problems([{"key": "a", "label": "甲", "type": "choice", "choices": []}])["a"][0]
    assert "字数上限" in problems([{"key": "a", "label": "甲", "type": "long_text", "max_length": 0}])["a"][0]
    assert "文件大小" in problems([{"key": "a", "label": "甲", "type": "file", "max_bytes": -1}])["a"][0]
    assert (
        "不支持选项"
        in problems([{"key": "a", "label": "甲", "type": "text", "choices": [["x", "y"]]}])["a"][0]
    )
    assert "名称必填" in problems([{"key": "a", "label": "", "type": "text"}])["a"][0]
    assert "正则" in problems([{"key": "a", "label": "甲", "type": "text", "pattern": "(("}])["a"][0]
    cond = {"required_if": {"field": "ghost", "op": "<", "value": 1}}
    assert (
        "不存在的字段" in problems([{"key": "a", "label": "甲", "type": "text", "condition": cond}])["a"][0]
    )
    cond = {"required_if": {"field": "b", "op": "~", "value": "x"}}
    msgs = problems([{"key": "a", "label": "甲", "type": "text", "condition": cond}, {"key": "b", "label": "乙", "type": "text"}])["a"]  # fmt: skip
    assert any("不是数字类型" in m for m in msgs) and any("比较符" in m for m in msgs)
    assert "附加列" in problems([table_field(extra_columns=["evil"])])["indicators"][0]
    assert "最少行数" in problems([table_field(rows_min=5, rows_max=2)])["indicators"][0]
    assert "字段列表" in problems("not a list")["fields"][0]
    assert "至少需要一个字段" in problems([])["fields"][0]
    assert "应为对象" in problems(["x"])["fields[0]"][0]


def test_seeded_definitions_are_valid_and_published(bureau):
    for kind in DocumentKind:
        for y in (2025, 2026):
            definition = defs.published_definition(kind, y)
            assert definition is not None and definition.version == 1
            defs.validate_definition(definition.fields, kind)
    rect = defs.published_definition(DocumentKind.RECTIFICATION, 2026)
    truth = next(f for f in rect.fields if f["key"] == "truthfulness")
    assert truth["type"] == "yes_no" and truth["required"] is True
    exante = defs.published_definition("ex_ante_assessment", 2026)
    conclusion = next(f for f in exante.fields if f["key"] == "conclusion")
    assert conclusion == {
        "key": "conclusion",
        "label": "评估结论",
        "type": "computed",
        "formula": "conclusion",
    }
    # Seeding again changes nothing.
    from zyperf.seeding import seed_forms

    count = db.session.scalar(select(func.count(FormDefinition.id)))
    assert seed_forms() == 0
    assert db.session.scalar(select(func.count(FormDefinition.id))) == count
    assert defs.catalog_for("2021")[:3] == (
        ("成本指标", "经济成本指标"),
        ("成本指标", "社会成本指标"),
        ("成本指标", "生态环境成本指标"),
    )
    assert ("产出指标", "成本指标") in defs.catalog_for("2015")
    assert not any(a == "成本指标" for a, _ in defs.catalog_for("2015"))


# --- Property tests: valid data round-trips, invalid data is refused and nothing stored --------------

SAFE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("=<>\"'&\t\r\n"),
    max_size=60,
)


@st.composite
def field_and_value(draw, key: str):
    """A valid field definition and a valid raw value for it."""
    kind = draw(
        st.sampled_from(
            ["text", "long_text", "integer", "decimal", "percent", "date", "choice", "multi_choice", "yes_no"]
        )
    )
    field = {"key": key, "label": f"字段{key}", "type": kind, "required": draw(st.booleans())}
    if kind in ("text", "long_text"):
        field["max_length"] = draw(st.integers(1, 80))
        raw = draw(SAFE_TEXT.filter(lambda t: 0 < len(defs.normalize_text(t)) <= field["max_length"]))
        if kind == "text":
            raw = raw.replace("\n", " ").replace("\r", " ")
            if not defs.normalize_text(raw):
                raw = "x"
    elif kind == "integer":
        lo = draw(st.integers(-1000, 1000))
        field.update(min=lo, max=lo + draw(st.integers(0, 1000)))
        raw = draw(st.integers(field["min"], field["max"]) | st.integers(field["min"], field["max"]).map(str))
    elif kind in ("decimal", "percent"):
        field["places"] = draw(st.integers(0, 4))
        raw = str(draw(st.decimals(min_value=0, max_value=10**9, places=field["places"])))
    elif kind == "date":
        raw = draw(st.dates(min_value=__import__("datetime").date(1900, 1, 1))).isoformat()
        raw = min(raw, "2200-12-31")
    elif kind in ("choice", "multi_choice"):
        values = draw(
            st.lists(st.text("abcxyz_", min_size=1, max_size=5), min_size=1, max_size=5, unique=True)
        )
        field["choices"] = [[v, f"选项{v}"] for v in values]
        raw = draw(st.sampled_from(values)) if kind == "choice" else draw(st.lists(st.sampled_from(values), min_size=1, unique=True))  # fmt: skip
    else:
        raw = draw(st.booleans() | st.sampled_from(["是", "否", "yes", "no"]))
    return field, raw


@st.composite
def definitions_with_data(draw):
    n = draw(st.integers(1, 6))
    pairs = [draw(field_and_value(f"f{i}")) for i in range(n)]
    return [f for f, _ in pairs], {f["key"]: v for f, v in pairs}


BAD_VALUES = {
    "text": lambda f: "字" * (f["max_length"] + 1),
    "long_text": lambda f: "长" * (f["max_length"] + 5),
    "integer": lambda f: "十二",
    "decimal": lambda f: "-1",
    "percent": lambda f: "abc",
    "date": lambda f: "2025-13-40",
    "choice": lambda f: "<script>alert(1)</script>",
    "multi_choice": lambda f: ["not-a-choice"],
    "yes_no": lambda f: "maybe",
}


def make_definition(fields, fy, admin=None) -> FormDefinition:
    draft = defs.create_draft(DocumentKind.BUDGET_ADJUSTMENT, fy, fields, actor=admin)
    return defs.publish(draft, actor=admin)


def store(definition: FormDefinition, data: dict, unit_id: int) -> int:
    """What the document service will do: validate, then keep the cleaned data; one commit."""
    cleaned = defs.validate_data(definition, data)
    doc = StageDocument(
        kind=definition.kind,
        unit_id=unit_id,
        fiscal_year_id=definition.fiscal_year_id,
        sequence=db.session.scalar(select(func.count(StageDocument.id))) + 1,
        state="draft",
        form_version=definition.version,
        data=cleaned,
    )
    db.session.add(doc)
    db.session.commit()
    return doc.id


@PROPS
@given(data=st.data())
def test_valid_input_round_trips_through_storage(bureau, data):
    fields, values = data.draw(definitions_with_data())
    fy = year(2025)
    definition = make_definition(fields, fy)
    db.session.commit()
    cleaned = defs.validate_data(definition, values)
    assert defs.validate_data(definition, cleaned) == cleaned  # cleaning is idempotent
    doc_id = store(definition, values, bureau["guihua"].unit_id)
    db.session.expire_all()
    reloaded = db.session.get(StageDocument, doc_id)
    assert reloaded.data == cleaned
    assert defs.validate_data(definition, reloaded.data) == cleaned


@PROPS
@given(data=st.data())
def test_invalid_input_is_refused_and_nothing_stored(bureau, data):
    fields, values = data.draw(definitions_with_data())
    victim = data.draw(st.sampled_from(fields))
    values[victim["key"]] = BAD_VALUES[victim["type"]](victim)
    definition = make_definition(fields, year(2025))
    db.session.commit()
    before = db.session.scalar(select(func.count(StageDocument.id)))
    with pytest.raises(ValidationFailed) as exc:
        store(definition, values, bureau["guihua"].unit_id)
    db.session.rollback()
    assert victim["key"] in exc.value.fields
    assert all(isinstance(m, str) and m for m in exc.value.fields[victim["key"]])
    assert db.session.scalar(select(func.count(StageDocument.id))) == before


@PROPS
@given(data=st.data())
def test_export_then_import_gives_an_identical_definition(bureau, data):
    fields, _ = data.draw(definitions_with_data())
    source = make_definition(fields, year(2025))
    exported = json.dumps(defs.export_json(source), ensure_ascii=False)
    imported = defs.import_json(exported, fiscal_year=year(2026), actor=bureau["admin"])
    db.session.commit()
    db.session.expire_all()
    assert imported.fields == source.fields == fields
    assert imported.kind == source.kind and imported.status == "draft"


def test_hostile_values_are_refused_or_kept_as_plain_text(bureau):
    fields = [
        {"key": "note", "label": "说明", "type": "long_text"},
        {"key": "title", "label": "标题", "type": "text", "max_length": 50},
        {"key": "amount", "label": "金额", "type": "decimal"},
        {"key": "count", "label": "数量", "type": "integer"},
    ]
    definition = make_definition(fields, year(2025))
    cleaned = defs.validate_data(
        definition, {"note": "=1+1", "title": "<script>alert(1)</script>", "amount": 1}
    )
    assert cleaned == {"note": "=1+1", "title": "<script>alert(1)</script>", "amount": "1.00", "count": None}
    refused = {
        "note": "x" * (LONG_TEXT_CAP + 1),
        "title": "y" * 51,
        "amount": "-0.01",
        "count": [1, 2],
    }
    with pytest.raises(ValidationFailed) as exc:
        defs.validate_data(definition, refused)
    assert set(exc.value.fields) == {"note", "title", "amount", "count"}
    assert "不得超过20000字" in exc.value.fields["note"][0]
    for bad in (
        {"amount": "NaN"},
        {"amount": "1e400"},
        {"amount": True},
        {"amount": "1.001"},
        {"amount": {"a": 1}},
    ):
        with pytest.raises(ValidationFailed):
            defs.validate_data(definition, bad)
    with pytest.raises(ValidationFailed) as exc:
        defs.validate_data(definition, {"ghost": 1})
    assert "ghost" in exc.value.fields
    assert normalize_text(" a\r\nb\tc\x00\x07 ") == "a\nb c"


def test_required_if_condition(bureau):
    fields = [
        {"key": "rate", "label": "预算执行率", "type": "percent", "required": True},
        {"key": "reason", "label": "原因", "type": "long_text", "max_length": 100,
         "condition": {"required_if": {"field": "rate", "op": "<", "value": 90}}},
    ]  # fmt: skip
    definition = make_definition(fields, year(2025))
    assert defs.validate_data(definition, {"rate": "95"}) == {"rate": "95.00", "reason": None}
    with pytest.raises(ValidationFailed) as exc:
        defs.validate_data(definition, {"rate": "85.5"})
    assert exc.value.fields == {"reason": ["预算执行率<90时，须填写原因"]}
    assert defs.validate_data(definition, {"rate": "85.5", "reason": "资金未到位"})["reason"] == "资金未到位"


def test_file_metadata_limits(bureau):
    fields = [{"key": "report", "label": "报告", "type": "file", "accept": ["pdf"], "max_bytes": 1024}]
    definition = make_definition(fields, year(2025))
    ok = {"name": "评估报告.pdf", "size": 1000, "content_type": "application/pdf"}
    assert defs.validate_data(definition, {"report": ok}) == {"report": ok}
    for bad in (
        {"name": "x.exe", "size": 10},
        {"name": "x.pdf", "size": 2048},
        {"name": "x.pdf", "evil": 1},
        "x.pdf",
    ):
        with pytest.raises(ValidationFailed) as exc:
            defs.validate_data(definition, {"report": bad})
        assert "report" in exc.value.fields


# --- Versioning ------------------------------------------------------------------------------------


def test_versions_and_old_data_still_validates_under_v1(bureau, administrator):
    fy = year(2026)
    v1_fields = [{"key": "goal", "label": "年度目标", "type": "text", "required": True, "max_length": 10}]
    v1 = defs.publish(
        defs.create_draft("budget_adjustment", fy, v1_fields, actor=administrator), actor=administrator
    )
    data = defs.validate_data(v1, {"goal": "完成编制"})
    v2 = defs.new_draft_from(v1, actor=administrator)
    v2_fields = [{**v1_fields[0], "max_length": 2}, {"key": "extra", "label": "新增", "type": "integer", "required": True}]  # fmt: skip
    defs.update_draft(v2, v2_fields, actor=administrator)
    defs.publish(v2, actor=administrator)
    db.session.commit()
    assert (v1.version, v2.version) == (2, 3)  # the seed's version 1 came first
    assert defs.published_definition("budget_adjustment", 2026).id == v2.id
    assert defs.definition_version("budget_adjustment", fy, v1.version).id == v1.id
    assert defs.validate_data(v1, data) == data
    with pytest.raises(ValidationFailed):
        defs.validate_data(v2, data)


def test_published_definitions_are_immutable(bureau, administrator):
    definition = defs.published_definition("monitoring", 2026)
    with pytest.raises(defs.DefinitionLocked):
        defs.update_draft(definition, [{"key": "a", "label": "甲", "type": "text"}], actor=administrator)
    with pytest.raises(defs.DefinitionLocked):
        defs.publish(definition, actor=administrator)
    with pytest.raises(defs.DefinitionLocked):
        defs.delete_draft(definition, actor=administrator)
    definition.fields = [{"key": "a", "label": "甲", "type": "text"}]  # around the service
    with pytest.raises(PublishedDefinitionImmutable):
        db.session.flush()
    db.session.rollback()


def test_only_admins_configure_forms(bureau, section_staff, finance_staff):
    for user in (section_staff, finance_staff):
        with pytest.raises(PermissionDenied):
            defs.create_draft(
                "monitoring", year(2026), [{"key": "a", "label": "甲", "type": "text"}], actor=user
            )


def test_a_definition_in_use_cannot_be_deleted(bureau, administrator):
    fy = year(2026)
    draft = defs.create_draft(
        "budget_adjustment", fy, [{"key": "a", "label": "甲", "type": "text"}], actor=administrator
    )
    other = defs.create_draft(
        "budget_adjustment", fy, [{"key": "a", "label": "甲", "type": "text"}], actor=administrator
    )
    db.session.add(
        StageDocument(kind="budget_adjustment", unit_id=bureau["guihua"].unit_id, fiscal_year_id=fy.id, state="draft",
                      form_version=draft.version, data={})
    )  # fmt: skip
    db.session.commit()
    with pytest.raises(defs.DefinitionLocked, match="已有文档使用"):
        defs.delete_draft(draft, actor=administrator)
    defs.delete_draft(other, actor=administrator)
    db.session.commit()
    assert db.session.get(FormDefinition, other.id) is None
    assert db.session.get(FormDefinition, draft.id) is not None


def test_copy_year_copies_newest_published_as_drafts(bureau, administrator):
    fy2025, _fy2026 = year(2025), year(2026)
    v2 = defs.new_draft_from(defs.published_definition("monitoring", fy2025), actor=administrator)
    v2.fields = [f for f in v2.fields if f["key"] != "planned_progress"]
    defs.publish(v2, actor=administrator)
    new_year = FiscalYear(year=2027)
    db.session.add(new_year)
    db.session.flush()
    made = defs.copy_year(fy2025, new_year, actor=administrator)
    db.session.commit()
    assert len(made) == len(DocumentKind)
    assert all(d.status == "draft" and d.version == 1 for d in made)
    assert next(d for d in made if d.kind == "monitoring").fields == v2.fields
    assert defs.published_definition("monitoring", 2027) is None


def test_import_refuses_malformed_json(bureau, administrator):
    fy = year(2026)
    for data, message in (
        ("{not json", "不是有效的 JSON"),
        ("[1, 2]", "应为 JSON 对象"),
        ({"kind": "monitoring"}, "缺少"),
        ({"kind": "nope", "fields": [{"key": "a", "label": "甲", "type": "text"}]}, "未知的文档类型"),
        ({"kind": "monitoring", "fields": [{"key": "a", "type": "evil"}]}, "未知"),
        ({"format": "other", "kind": "monitoring", "fields": []}, "不是表单定义"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            defs.import_json(data, fiscal_year=fy, actor=administrator)


# --- Indicator table ------------------------------------------------------------------------------


def table_errors(rows, catalog=CATALOG_2021, **extra) -> list[str]:
    _cleaned, errors = indicators.clean_rows(table_field(**extra), rows, catalog)
    return errors


def test_indicator_table_accepts_e2_and_stores_canonical_natures():
    rows, errors = indicators.clean_rows(table_field(), good_rows(), CATALOG_2021)
    assert errors == []
    assert [r["nature"] for r in rows] == ["≤", "≥", "=", "定性", "≥"]
    assert rows[1]["value"] == "20" and rows[1]["weight"] == "30"
    again, errors = indicators.clean_rows(table_field(), rows, CATALOG_2021)
    assert again == rows and errors == []


def test_indicator_table_rules():
    rows = [r for r in good_rows() if r["level1"] != "效益指标"]
    assert not any("效益指标" in e for e in table_errors(rows))  # T1 asks for 产出 only
    rows = [r for r in good_rows() if r["level1"] != "产出指标"]
    assert "至少设置一项产出指标" in table_errors(rows)
    rows = good_rows()
    rows[0]["weight"] = "11"
    assert "绩效指标权重合计应为90，当前为91" in table_errors(rows)
    assert table_errors(good_rows(), weight_total=100) == ["绩效指标权重合计应为100，当前为90"]
    rows = good_rows()
    rows[1]["value"] = "二十"
    assert any(e.startswith("第2行：") and "指标值应为数字" in e for e in table_errors(rows))
    rows = good_rows()
    rows[2]["nature"] = "约等于"
    assert any("指标性质" in e for e in table_errors(rows))
    rows = good_rows()
    rows[1]["level2"] = "经济成本指标"
    assert "第2行：二级指标“经济成本指标”不属于一级指标“产出指标”" in table_errors(rows)
    rows = good_rows()
    rows[4]["level3"] = rows[3]["level3"]
    assert any("重复" in e for e in table_errors(rows))
    assert "绩效指标至少6行" in table_errors(good_rows(), rows_min=6)
    assert "至少设置一项产出指标" in table_errors([])  # the tables' minimum is one row
    assert "绩效指标至少1行" in table_errors([])
    assert any("格式有误" in e for e in table_errors("rows"))


def test_indicator_table_checks_the_years_framework(bureau):
    catalog_2015 = defs.catalog_for("2015")
    rows = good_rows()  # 成本指标 as 一级 exists only in 2021
    assert any("一级指标“成本指标”不在本年度指标目录中" in e for e in table_errors(rows, catalog_2015))
    rows[0].update(level1="产出指标", level2="成本指标")
    assert table_errors(rows, catalog_2015) == []
    assert any("不属于" in e or "不在" in e for e in table_errors(rows, defs.catalog_for("2021")))


def test_indicator_table_extra_columns_need_reason_when_not_achieved():
    rows = good_rows()
    for row, actual in zip(rows, ["7.2", "16", "100", "基本发挥指导作用", "92"], strict=True):
        row["actual"] = actual
    errors = table_errors(rows, extra_columns=["actual", "reason"])
    assert errors == ["第1行：未达到指标值，须说明偏差原因", "第2行：未达到指标值，须说明偏差原因"]
    rows[0]["reason"] = "材料涨价"
    rows[1]["reason"] = "部分村庄合并"
    assert table_errors(rows, extra_columns=["actual", "reason"]) == []
    del rows[4]["actual"]
    assert table_errors(rows, extra_columns=["actual", "reason"]) == ["第5行：请填写完成值"]


def test_seeded_targets_form_validates_a_whole_document(bureau):
    definition = defs.published_definition("performance_targets", 2026)
    data = {
        "overview": "村级国土空间规划编制",
        "manager": "张三 13800000000",
        "funds": {"fiscal": {"amount": "680"}, "other": {"amount": 0}},
        "annual_goal": "完成20个村的规划编制",
        "indicators": good_rows(),
    }
    cleaned = defs.validate_data(definition, data)
    assert cleaned["funds"]["fiscal"] == {"amount": "680.00"} and cleaned["funds"]["other"] == {
        "amount": "0.00"
    }
    assert Decimal(sum(Decimal(r["weight"]) for r in cleaned["indicators"])) == 90
