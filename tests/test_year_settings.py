"""Fiscal-year settings (excel-formats §2): defaults, JSON round trip, and every validation error at
its dotted key."""

from dataclasses import fields
from decimal import Decimal as D

import pytest

from zyperf.domain.settings import (
    SETTING_KEYS,
    SETTING_LABELS,
    YearSettings,
    validate_settings,
)


def test_every_setting_has_a_key_and_a_label():
    assert set(SETTING_KEYS.values()) == {f.name for f in fields(YearSettings)}
    assert set(SETTING_KEYS) == set(SETTING_LABELS)


def test_defaults_are_those_of_the_spec():
    s = YearSettings.defaults()
    assert (s.family_targets, s.family_monitoring, s.family_self_evaluation) == (
        "central-annual",
        "central-monitor",
        "sichuan-510000",
    )
    assert (s.indicator_framework, s.monitoring_month, s.progress_label) == ("2021", 8, "时序进度")
    assert (s.lag_ratio, s.severe_ratio) == (D("1.00"), D("0.50"))
    assert (s.budget_rule, s.step_threshold, s.step_points_per_pp) == ("proportional", D("0.90"), 1)
    assert (s.reverse_rule, s.overshoot_ratio, s.qualitative_bands) == (
        "linear",
        D("1.30"),
        (D("0.8"), D("0.6")),
    )
    assert s.reason_rate == D("0.90")
    assert s.grade_bounds == {"优": 90, "良": 80, "中": 60}
    assert s.result_texts["差"] == "视情况可取消或暂停下一年度预算安排"
    assert s.exante_rating_points == {"优": 5, "良": 4, "中": 3, "差": 0}
    assert (s.exante_support_min, s.exante_revise_min) == (80, 60)
    assert s.report_code_self_evaluation == "报表编号:510000_0013zp"
    assert (s.major_change_amount_ratio, s.due_grace_days) == (D("0.10"), 15)


def test_json_form_uses_dotted_keys_and_decimal_strings():
    data = YearSettings.defaults().to_json()
    assert list(data) == list(SETTING_KEYS)
    assert data["monitoring.month"] == 8
    assert data["monitoring.lag_ratio"] == "1"
    assert data["scoring.qualitative_bands"] == ["0.8", "0.6"]
    assert data["grades"] == {"优": "90", "良": "80", "中": "60"}
    assert data["exante.rating_points"] == {"优": "5", "良": "4", "中": "3", "差": "0"}
    assert data["scoring.overshoot_ratio"] == "1.3"
    assert not any(isinstance(v, float) for v in data.values())


def test_round_trip_and_missing_keys_take_defaults():
    changed = YearSettings(
        family_self_evaluation="central-2020",
        monitoring_month=1,
        overshoot_ratio=None,
        qualitative_bands=(D("0.8"), D("0.5")),
        grade_bounds={"优": D(85), "良": D(75), "中": D("59.5")},
        report_code_self_evaluation="",
    )
    assert YearSettings.from_json(changed.to_json()) == changed
    assert YearSettings.from_json(None) == YearSettings.defaults()
    assert YearSettings.from_json({}) == YearSettings.defaults()
    partial = YearSettings.from_json({"monitoring.month": 6, "unknown.key": "x"})
    assert partial.monitoring_month == 6 and partial.lag_ratio == D(1)


def test_validate_cleans_strings_into_the_canonical_form():
    clean, errors = validate_settings(
        {
            "monitoring.month": " 7 ",
            "monitoring.lag_ratio": "1.10",
            "scoring.overshoot_ratio": "",
            "scoring.qualitative_bands": ["0.8", "0.5"],
            "grades": {"优": "90", "良": "80", "中": "60.5"},
            "result_application": {"优": " 优先\t保障 ", "良": "合理保障", "中": "核减", "差": "取消"},
            "report_code.self_evaluation": "",
            "family.self_evaluation": "central-2020",
            "due.grace_days": 10,
        }
    )
    assert errors == {}
    assert clean["monitoring.month"] == 7
    assert clean["monitoring.lag_ratio"] == "1.1"
    assert clean["scoring.overshoot_ratio"] is None
    assert clean["scoring.qualitative_bands"] == ["0.8", "0.5"]
    assert clean["grades"]["中"] == "60.5"
    assert clean["result_application"]["优"] == "优先 保障"
    assert clean["report_code.self_evaluation"] == ""
    assert clean["due.grace_days"] == 10
    assert clean["monitoring.severe_ratio"] == "0.5"  # untouched keys keep the base
    assert YearSettings.from_json(clean).family_self_evaluation == "central-2020"


def test_validate_lays_values_over_the_stored_base():
    base = YearSettings(monitoring_month=5).to_json()
    clean, errors = validate_settings({"scoring.budget_rule": "step"}, base)
    assert errors == {} and clean["monitoring.month"] == 5 and clean["scoring.budget_rule"] == "step"


@pytest.mark.parametrize(
    ("values", "key", "message"),
    [
        ({"monitoring.month": "13"}, "monitoring.month", "监控月份应为1至12的整数"),
        ({"monitoring.month": "0"}, "monitoring.month", "监控月份应为1至12的整数"),
        ({"monitoring.month": "8.5"}, "monitoring.month", "监控月份应为1至12的整数"),
        ({"monitoring.month": True}, "monitoring.month", "监控月份应为1至12的整数"),
        ({"monitoring.month": "八"}, "monitoring.month", "监控月份应为1至12的整数"),
        ({"family.targets": "sichuan-yitihua"}, "family.targets", "绩效目标表模板应为以下之一"),
        ({"family.monitoring": "x"}, "family.monitoring", "绩效监控表模板应为以下之一"),
        ({"family.self_evaluation": "central-2019"}, "family.self_evaluation", "绩效自评表模板应为以下之一"),
        ({"indicator_framework": "2019"}, "indicator_framework", "指标体系应为以下之一"),
        ({"monitoring.progress_label": "进度"}, "monitoring.progress_label", "进度名称应为以下之一"),
        ({"monitoring.lag_ratio": "0"}, "monitoring.lag_ratio", "滞后判定系数应大于0且不超过2"),
        ({"monitoring.lag_ratio": "2.01"}, "monitoring.lag_ratio", "滞后判定系数应大于0且不超过2"),
        ({"monitoring.lag_ratio": "abc"}, "monitoring.lag_ratio", "滞后判定系数应为数字"),
        ({"monitoring.lag_ratio": "NaN"}, "monitoring.lag_ratio", "滞后判定系数应为数字"),
        ({"monitoring.lag_ratio": ""}, "monitoring.lag_ratio", "请填写滞后判定系数"),
        ({"monitoring.lag_ratio": "0.12345"}, "monitoring.lag_ratio", "滞后判定系数最多4位小数"),
        ({"monitoring.lag_ratio": "0.4"}, "monitoring.lag_ratio", "严重滞后判定系数不得大于滞后判定系数"),
        (
            {"monitoring.severe_ratio": "1.2"},
            "monitoring.severe_ratio",
            "严重滞后判定系数不得大于滞后判定系数",
        ),
        ({"monitoring.severe_ratio": "-0.5"}, "monitoring.severe_ratio", "严重滞后判定系数应大于0"),
        ({"scoring.budget_rule": "linear"}, "scoring.budget_rule", "预算执行得分规则应为以下之一"),
        (
            {"scoring.step_threshold": "1.5"},
            "scoring.step_threshold",
            "阶梯扣分起点（执行率）应大于0且不超过1",
        ),
        (
            {"scoring.step_points_per_pp": "0"},
            "scoring.step_points_per_pp",
            "每个百分点扣分应大于0且不超过10",
        ),
        ({"scoring.reverse_rule": "step"}, "scoring.reverse_rule", "反向指标计分规则应为以下之一"),
        (
            {"scoring.overshoot_ratio": "1"},
            "scoring.overshoot_ratio",
            "超额完成须说明的倍数应大于1且不超过10",
        ),
        (
            {"scoring.qualitative_bands": ["0.6", "0.8"]},
            "scoring.qualitative_bands",
            "部分达成档下限 < 达成档下限",
        ),
        ({"scoring.qualitative_bands": ["1.2", "0.6"]}, "scoring.qualitative_bands", "达成档下限 ≤ 1"),
        ({"scoring.qualitative_bands": ["0.8"]}, "scoring.qualitative_bands", "应为两个比例"),
        ({"scoring.qualitative_bands": ["0.8", "x"]}, "scoring.qualitative_bands", "部分达成档下限应为数字"),
        ({"self_eval.reason_rate": "0"}, "self_eval.reason_rate", "须说明原因的执行率应大于0且不超过1"),
        ({"grades": {"优": "80", "良": "80", "中": "60"}}, "grades", "100 ≥ 优 > 良 > 中 > 0"),
        ({"grades": {"优": "101", "良": "80", "中": "60"}}, "grades", "100 ≥ 优 > 良 > 中 > 0"),
        ({"grades": {"优": "90", "良": "80"}}, "grades", "请填写评价等级分数下限（中）"),
        ({"grades": {"优": "90", "良": "80", "中": "60", "差": "0"}}, "grades", "应分别填写优、良、中"),
        ({"grades": {"优": "90.123", "良": "80", "中": "60"}}, "grades", "评价等级分数下限（优）最多2位小数"),
        (
            {"result_application": {"优": "", "良": "a", "中": "b", "差": "c"}},
            "result_application",
            "请填写结果应用建议（优）",
        ),
        (
            {"result_application": {"优": "长" * 51, "良": "a", "中": "b", "差": "c"}},
            "result_application",
            "结果应用建议（优）不得超过50字，当前51字",
        ),
        (
            {"exante.rating_points": {"优": "6", "良": "4", "中": "3", "差": "0"}},
            "exante.rating_points",
            "不超过5分",
        ),
        (
            {"exante.rating_points": {"优": "5", "良": "4", "中": "4.5", "差": "0"}},
            "exante.rating_points",
            "优 ≥ 良 ≥ 中 ≥ 差 ≥ 0",
        ),
        (
            {"exante.rating_points": {"优": "5", "良": "4", "中": "3", "差": "-1"}},
            "exante.rating_points",
            "优 ≥ 良 ≥ 中 ≥ 差 ≥ 0",
        ),
        (
            {"exante.rating_points": {"优": "3.5", "良": "3", "中": "2", "差": "0"}},
            "exante.rating_points",
            "满分70分",
        ),
        ({"exante.support_min": "101"}, "exante.support_min", "予以支持最低分应大于0且不超过100"),
        ({"exante.support_min": "60"}, "exante.support_min", "应小于予以支持最低分"),
        ({"exante.revise_min": "80"}, "exante.revise_min", "调整完善后予以支持最低分应小于予以支持最低分"),
        (
            {"report_code.self_evaluation": "码" * 51},
            "report_code.self_evaluation",
            "自评表报表编号不得超过50字",
        ),
        ({"report_code.self_evaluation": "a\nb"}, "report_code.self_evaluation", "应为单行文本"),
        ({"report_code.self_evaluation": 5}, "report_code.self_evaluation", "自评表报表编号应为文本"),
        (
            {"adjustment.major_change_amount_ratio": "0"},
            "adjustment.major_change_amount_ratio",
            "重大调整金额比例应大于0",
        ),
        ({"due.grace_days": "0"}, "due.grace_days", "逾期新建文档办理天数应为1至365的整数"),
        ({"no.such": "1"}, "no.such", "未知的设置项“no.such”"),
    ],
)
def test_every_error_is_keyed_by_its_dotted_key(values, key, message):
    _, errors = validate_settings(values)
    assert list(errors) == [key]
    assert message in errors[key][0], errors


def test_both_keys_of_a_rule_changed_reports_at_the_second():
    _, errors = validate_settings({"monitoring.lag_ratio": "0.4", "monitoring.severe_ratio": "0.5"})
    assert list(errors) == ["monitoring.severe_ratio"]


def test_several_errors_at_once():
    _, errors = validate_settings({"monitoring.month": "13", "scoring.budget_rule": "x", "grades": "90"})
    assert set(errors) == {"monitoring.month", "scoring.budget_rule", "grades"}


def test_validated_output_always_loads():
    clean, errors = validate_settings({"scoring.overshoot_ratio": 1.5, "exante.support_min": 85})
    assert errors == {}
    s = YearSettings.from_json(clean)
    assert (s.overshoot_ratio, s.exante_support_min) == (D("1.5"), 85)
