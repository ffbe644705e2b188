"""The pure domain package (no Flask, no database): fund sources, the rating table, the indicator table
by mode, the carried promise, field patterns and the definition checker's problems."""

from decimal import Decimal

import pytest

from zyperf.domain import carried, indicators, stages, tables
from zyperf.domain.definition import check_definition
from zyperf.domain.patterns import full_match, pattern_problem
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import FieldError

FUNDS = {"key": "funds", "label": "资金", "type": "fund_table", "columns": ["initial", "adjusted", "executed"],
         "positive": "adjusted", "carryover": True}  # fmt: skip
CATALOG = (("产出指标", "数量指标"), ("效益指标", "社会效益指标"))
ROWS = [
    {"level1": "产出指标", "level2": "数量指标", "level3": "数量", "nature": "≥", "value": "20", "unit": "个", "weight": "60"},
    {"level1": "效益指标", "level2": "社会效益指标", "level3": "作用", "nature": "定性", "value": "明显", "unit": "", "weight": "30"},
]  # fmt: skip


def test_fund_table_cleans_every_source_and_names_each_bad_cell():
    cleaned = tables.check_funds(
        FUNDS, {"fiscal": {"adjusted": "150", "executed": 127.5}}, family=None, complete=True
    )
    assert cleaned["fiscal"] == {"initial": "0.00", "adjusted": "150.00", "executed": "127.50"}
    assert set(cleaned) == set(tables.FUND_SOURCES)  # no 上年结转资金 outside the central-2020 family
    assert tables.fund_total(cleaned, "adjusted") == Decimal("150.00")
    with pytest.raises(FieldError) as exc:
        tables.check_funds(
            FUNDS,
            {"fiscal": {"adjusted": "-1"}, "unit": {"executed": "1.005"}, "ghost": {}},
            family=None,
            complete=False,
        )
    assert exc.value.messages == [
        "资金含有未知的资金来源：ghost",
        "财政资金·调整后预算数：金额应为不小于0的数字，最多两位小数",
        "单位资金·执行数：金额应为不小于0的数字，最多两位小数",
    ]
    with pytest.raises(FieldError, match="年度资金总额（调整后预算数）应大于0"):
        tables.check_funds(FUNDS, {}, family=None, complete=True)
    with pytest.raises(FieldError, match="上年结转资金（执行数）不得超过财政资金"):
        tables.check_funds(
            FUNDS,
            {"fiscal": {"adjusted": "9", "executed": "5"}, "carryover": {"executed": "6"}},
            family="central-2020",
            complete=True,
        )


def test_rating_table_names_sub_items():
    rows = tables.check_ratings({"label": "评分"}, [{"rating": "优"}], complete=False)
    assert len(rows) == 20 and rows[0] == {
        "aspect": "立项必要性",
        "item": "政策相符性",
        "rating": "优",
        "opinion": "",
    }
    with pytest.raises(FieldError) as exc:
        tables.check_ratings({"label": "评分"}, [{"rating": "甲"}, {"item": "别的"}], complete=False)
    assert exc.value.messages == [
        "「政策相符性」的评价等级应为 优、良、中、差 之一",
        "第2项应为「职能相关性」，而不是「别的」",
    ]


def test_monitoring_rows_need_likelihood_and_causes():
    spec = {"mode": "monitoring", "label": "指标"}
    made = [
        r | {"actual": r["value"], "expected": r["value"], "likelihood": "有可能", "causes": "人员保障、其他"}
        for r in ROWS
    ]
    cleaned, errors = indicators.clean_rows(spec, made, CATALOG, settings=YearSettings(monitoring_month=7))
    assert errors == [
        "第1行：完成目标可能性不是“确定能”，须填写备注",
        "第2行：完成目标可能性不是“确定能”，须填写备注",
    ]
    made[0]["actual"] = "x"
    _cleaned, errors = indicators.clean_rows(
        spec, made, CATALOG, settings=YearSettings(monitoring_month=7), complete=False
    )
    assert errors == ["第1行：1-7月实际完成值应为数字（不小于0的数字，最多4位小数）"]  # the year's month
    made = [r | {"remark": "说明"} for r in made]
    made[0]["actual"] = "20"
    cleaned, errors = indicators.clean_rows(spec, made, CATALOG, settings=YearSettings())
    assert (
        errors == [] and cleaned[0]["causes"] == ["staff", "other"] and cleaned[0]["likelihood"] == "possible"
    )


def test_evaluation_rows_score_from_the_formula_or_a_reasoned_judgment():
    spec = {"mode": "evaluation", "label": "指标"}
    made = [
        ROWS[0] | {"actual": "16"},
        ROWS[1] | {"actual": "基本", "grade": "达成年度指标", "score_entered": "30"},
    ]
    cleaned, errors = indicators.clean_rows(spec, made, CATALOG)
    assert errors == ["第1行：得分低于权重或超额完成，须填写未完成原因分析"]
    made[0] |= {"reason": "村庄合并", "score_entered": "50"}
    cleaned, errors = indicators.clean_rows(spec, made, CATALOG)
    assert errors == ["第1行：评定得分与公式得分（48.00）不同，须填写评分说明"]
    made[0]["score_note"] = "合并后覆盖全部村庄"
    cleaned, errors = indicators.clean_rows(spec, made, CATALOG)
    assert errors == [] and (cleaned[0]["score_formula"], cleaned[0]["score"]) == ("48.00", "50.00")
    made[0]["actual"] = "26"  # ≥ 20 × 1.30: overshoot needs its explanation, the score stays the weight
    made[0].pop("reason")
    made[0].pop("score_entered")
    _cleaned, errors = indicators.clean_rows(spec, made, CATALOG)
    assert errors == ["第1行：得分低于权重或超额完成，须填写未完成原因分析"]


def test_the_carried_promise_cannot_change():
    stored = carried.carry(ROWS, "monitoring")
    assert stored[0]["level3"] == "数量" and stored[0]["actual"] == "" and stored[0]["causes"] == []
    sent = [dict(r, value="25", actual="1") for r in stored]
    _merged, errors = carried.merge_carried(stored, sent, "绩效指标")
    assert [str(e) for e in errors] == [
        "第1行：指标值来自已批复的绩效目标，不能修改",
        "第2行：指标值来自已批复的绩效目标，不能修改",
    ]
    merged, errors = carried.merge_carried(stored, [{"actual": "1"}, {"actual": "好"}], "绩效指标")
    assert errors == [] and merged[0]["level3"] == "数量" and merged[1]["actual"] == "好"
    _merged, errors = carried.merge_carried(stored, [{}], "绩效指标")
    assert str(errors[0]) == "绩效指标来自已批复的绩效目标，不能增删行（应为2行）"


def test_hostile_patterns_run_in_linear_time_or_are_refused():
    assert pattern_problem("(a+)+b") is None  # RE2 runs it without backtracking
    assert full_match("(a+)+b", "a" * 200_000 + "c") is False  # would never finish in a backtracking engine
    assert "不支持的写法" in pattern_problem(r"(a)\1")
    assert "不支持的写法" in pattern_problem("(?=a)a")
    assert "1至200个字符" in pattern_problem("a" * 201)


def test_definition_problems_name_the_option():
    problems = check_definition(
        [
            {"key": "t", "label": "文", "type": "text", "pattern": "(a)\\1"},
            {"key": "n", "label": "数", "type": "integer", "min": 5, "max": 1},
            {"key": "c", "label": "算", "type": "computed", "formula": "nope"},
        ],
        "budget_adjustment",
    )
    assert [(p.key, p.option) for p in problems] == [("t", "pattern"), ("n", "min"), ("c", "formula")]
    missing = check_definition([{"key": "a", "label": "甲", "type": "text"}], "monitoring")
    assert {p.key for p in missing} == {"fields"} and any(
        "“funds”是绩效监控的计算" in p.message for p in missing
    )


def test_legacy_forms_still_compute():
    """Documents filled before fund sources and rating tables compute under their own version."""
    old = {"budget_initial": "300", "budget_adjusted": "300", "executed": "100"}
    assert stages.compute("monitoring", old, YearSettings())["monitoring_class"] == "滞后"
    aspects = dict(
        zip(
            ("score_necessity", "score_economy", "score_targets", "score_feasibility", "score_financing"),
            ("18", "16", "14", "16", "20"),
            strict=True,
        )
    )
    assert stages.compute("ex_ante_assessment", aspects, YearSettings())["conclusion"] == "予以支持"
