"""The worked examples of excel-formats §4, table by table, and properties of the formulas."""

import math
from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zyperf.domain import figures as f
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import period_label

DEFAULTS = YearSettings.defaults()
STEP = replace(DEFAULTS, budget_rule="step")
RATIO = replace(DEFAULTS, reverse_rule="ratio")


def row(adjusted, executed, initial=None) -> f.FundRow:
    return f.FundRow(D(initial or adjusted), D(adjusted), D(executed))


# --- §4.1, §4.2 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("8.995", "9.00"), ("8.994999", "8.99"), ("0.005", "0.01"), ("16", "16.00"), ("-0.005", "-0.01")],
)
def test_round2_is_half_up_to_the_cent(value, rounded):
    assert str(f.round2(D(value))) == rounded


def test_time_progress_is_unrounded():
    assert f.time_progress(8) == D(8) / D(12)
    assert f.round2(f.time_progress(8) * 100) == D("66.67")
    assert f.round2(f.time_progress(7) * 100) == D("58.33")
    assert f.time_progress(12) == 1


@pytest.mark.parametrize(("month", "label"), [(1, "1月"), (8, "1-8月"), (12, "1-12月")])
def test_period_label(month, label):
    assert period_label(month) == label


@pytest.mark.parametrize(
    ("number", "text"), [("100", "100"), ("98.50", "98.5"), ("1E+2", "100"), ("0.00", "0")]
)
def test_fmt_number_is_plain(number, text):
    assert f.fmt_number(D(number)) == text


# --- §4.3 --------------------------------------------------------------------------------------------


def test_rate_keeps_full_precision_and_none_without_budget():
    r = f.rate(D("150.00"), D("251.89"))
    assert r == D("150.00") / D("251.89")
    assert f.round2(r * 100) == D("59.55")
    assert f.rate(D("5.00"), D("0.00")) is None


def test_total_rate_is_of_the_sums_not_a_mean_of_rates():
    rows = [row("100.00", "100.00"), row("300.00", "0.00")]
    total = f.sum_rows(rows)
    assert (total.adjusted, total.executed) == (D("400.00"), D("100.00"))
    assert total.rate == D("0.25")  # the mean of the rates would be 0.5


@pytest.mark.parametrize(
    ("values", "all_zero"),
    [
        (("0", "0", "0", None), True),
        (("0", "0", "0", "0"), True),
        (("0", "0", "0", "1.00"), False),  # M-1's 全年预计 counts
        (("0", "0.00", "0.01", None), False),
        (("5", "0", "0", None), False),
    ],
)
def test_all_zero_rule(values, all_zero):
    initial, adjusted, executed, expected = values
    fund = f.FundRow(D(initial), D(adjusted), D(executed), None if expected is None else D(expected))
    assert f.is_all_zero(fund) is all_zero


E1_SOURCES = {"fiscal": row("280.00", "190.00"), "unit": row("20.00", "9.99")}


def test_e1_fund_sources_in_the_m1_layout():
    rows = f.layout_rows(E1_SOURCES, "central")
    assert [label for label, _ in rows] == ["年度资金总额", "其中：财政拨款", "其他资金"]
    expected = [("300.00", "199.99", "66.66"), ("280.00", "190.00", "67.86"), ("20.00", "9.99", "49.95")]
    for (_, fund), (adjusted, executed, percent) in zip(rows, expected, strict=True):
        assert (fund.adjusted, fund.executed) == (D(adjusted), D(executed))
        assert fund.rate == D(executed) / D(adjusted)
        assert f.round2(fund.rate * 100) == D(percent)


def test_sichuan_layout_has_one_row_per_source():
    sources = {"fiscal": row("150", "127.5", "120"), "other": row("1", "1")}
    rows = f.layout_rows(sources, "sichuan")
    assert [label for label, _ in rows] == [
        "总额",
        "其中:财政资金",
        "财政专户管理资金",
        "单位资金",
        "其他资金",
    ]
    assert rows[0][1] == f.FundRow(D(121), D(151), D("128.5"))
    assert f.is_all_zero(rows[2][1]) and f.is_all_zero(rows[3][1])


def test_central_2020_layout_splits_the_carryover_out_of_fiscal():
    sources = {
        "fiscal": row("100.00", "80.00", "90.00"),
        "carryover": row("30.00", "20.00", "30.00"),
        "special": row("5.00", "5.00"),
        "other": row("5.00", "1.00"),
    }
    rows = f.layout_rows(sources, "central-2020")
    assert [label for label, _ in rows] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    total, current, carryover, others = (fund for _, fund in rows)
    assert total == f.FundRow(D("100.00"), D("110.00"), D("86.00"))  # the carryover is inside fiscal
    assert current == f.FundRow(D("60.00"), D("70.00"), D("60.00"))
    assert carryover == sources["carryover"]
    assert others == f.FundRow(D("10.00"), D("10.00"), D("6.00"))


def test_unknown_layout_is_a_programming_error():
    with pytest.raises(ValueError):
        f.layout_rows({}, "t-2")


# --- §4.4: E1 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("executed", "planned", "cls", "action"),
    [
        ("200.00", None, "正常", ""),
        ("199.99", None, "滞后", "督促加快"),
        ("100.00", None, "滞后", "督促加快"),
        ("99.99", None, "严重滞后", "调整预算直至财政收回"),
        ("199.99", "0.5", "正常", ""),
        ("150.00", "0.5", "正常", ""),
        ("149.99", "0.5", "滞后", "督促加快"),
        ("74.99", "0.5", "严重滞后", "调整预算直至财政收回"),
    ],
)
def test_e1_monitoring_class_and_handling(executed, planned, cls, action):
    planned_progress = None if planned is None else D(planned)
    got = f.monitoring_class(D(executed), D("300.00"), 8, DEFAULTS, planned_progress)
    assert got == cls
    assert f.handling(got) == action


def test_no_budget_is_not_applicable_and_has_no_handling():
    assert f.monitoring_class(D(5), D(0), 8, DEFAULTS) == "不适用"
    assert f.handling("不适用") == ""


@pytest.mark.parametrize(
    ("cls", "deviation", "major", "text"),
    [
        ("正常", False, False, ""),
        ("严重滞后", True, False, "提示警示纠偏；调整预算直至财政收回"),
        ("滞后", True, True, "提示警示纠偏；督促加快；绩效评估后调整"),
        ("正常", False, True, "绩效评估后调整"),
    ],
)
def test_handling_lists_texts_in_the_rules_order(cls, deviation, major, text):
    assert f.handling(cls, direction_deviation=deviation, major_change=major) == text


def test_ratios_are_settings():
    strict = replace(DEFAULTS, lag_ratio=D("1.1"), severe_ratio=D("0.6"))
    assert f.monitoring_class(D("200.00"), D("300.00"), 8, strict) == "滞后"
    assert f.monitoring_class(D("220.00"), D("300.00"), 8, strict) == "正常"
    assert f.monitoring_class(D("120.00"), D("300.00"), 8, strict) == "滞后"
    assert f.monitoring_class(D("119.99"), D("300.00"), 8, strict) == "严重滞后"


# --- §4.5 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("executed", "proportional", "step"),
    [
        ("85.00", "8.50", "5.00"),
        ("89.50", "8.95", "9.00"),
        ("89.99", "9.00", "9.00"),
        ("105.00", "10.00", "10.00"),
    ],
)
def test_budget_score_table(executed, proportional, step):
    """§4.5's rates 0.85, 0.895, 0.8999 and 1.05 on a budget of 100.00."""
    assert str(f.budget_score(D(executed), D("100.00"), DEFAULTS)) == proportional
    assert str(f.budget_score(D(executed), D("100.00"), STEP)) == step


def test_step_rule_settings_and_floor():
    assert f.budget_score(D("90.00"), D("100.00"), STEP) == D("10.00")  # the threshold itself is met
    assert f.budget_score(D("0.00"), D("100.00"), STEP) == D("0.00")  # never below 0
    half = replace(STEP, step_points_per_pp=D("0.5"), step_threshold=D("0.8"))
    assert f.budget_score(D("75.00"), D("100.00"), half) == D("7.50")
    assert f.budget_score(D(1), D(0), STEP) is None


# --- §4.6: E3 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nature", "t", "a", "w", "default", "ratio"),
    [
        ("≥", "100", "80", "20", "16.00", "16.00"),
        ("≥", "100", "120", "20", "20.00", "20.00"),
        ("≥", "3", "2", "10", "6.67", "6.67"),
        ("≥", "0", "0", "10", "10.00", "10.00"),
        ("=", "100", "95", "30", "28.50", "28.50"),
        ("=", "0", "0", "5", "5.00", "5.00"),
        ("=", "0", "1", "5", "0.00", "0.00"),
        ("≤", "6", "7.2", "10", "8.00", "8.33"),
        ("≤", "6", "12", "10", "0.00", "5.00"),
        ("≤", "6", "5", "10", "10.00", "10.00"),
        ("≤", "0", "1", "10", "0.00", "0.00"),
        ("≤", "0", "0", "10", "10.00", "10.00"),
        # Exact, not 28-digit Decimal: 7/12 × 16.26 = 9.485 exactly, which rounds up (Decimal's
        # 7/12 × 16.26 is 9.484999…, which would round down).
        ("≥", "12", "7", "16.26", "9.49", "9.49"),
    ],
)
def test_e3_indicator_scores(nature, t, a, w, default, ratio):
    assert str(f.indicator_score(nature, D(t), D(a), D(w), DEFAULTS)) == default
    assert str(f.indicator_score(nature, D(t), D(a), D(w), RATIO)) == ratio


def test_qualitative_has_no_formula():
    with pytest.raises(ValueError):
        f.indicator_score("定性", D(0), D(0), D(20), DEFAULTS)


@pytest.mark.parametrize(
    ("grade", "score", "message"),
    [
        ("部分达成年度指标并具有一定效果", "15.00", None),
        ("部分达成年度指标并具有一定效果", "12", None),
        ("部分达成年度指标并具有一定效果", "16.00", "得分应在12至16分之间"),
        ("部分达成年度指标并具有一定效果", "11.99", "得分应在12至16分之间"),
        ("达成年度指标", "16", None),
        ("达成年度指标", "20", None),
        ("达成年度指标", "20.01", "得分应在16至20分之间"),
        ("未达成年度指标且效果较差", "0", None),
        ("未达成年度指标且效果较差", "12", "得分应在0至12分之间"),
        ("未达成年度指标且效果较差", "-1", "得分应在0至12分之间"),
        ("部分达成年度指标并具有一定效果", "15.005", "得分最多两位小数"),
    ],
)
def test_e3_qualitative_band(grade, score, message):
    assert f.check_qualitative(grade, D(score), D(20), DEFAULTS) == message


def test_qualitative_bands_are_a_setting():
    other = replace(DEFAULTS, qualitative_bands=(D("0.8"), D("0.5")))
    assert f.qualitative_band(f.QUALITATIVE_GRADES[1], D(20), other) == (D("10.0"), D("16.0"), False)
    assert f.check_qualitative(f.QUALITATIVE_GRADES[1], D(12), D(15), other) == "得分应在7.5至12分之间"
    assert f.check_qualitative("效果明显", D(1), D(20), DEFAULTS).startswith("请选择定性指标的完成等级")


@pytest.mark.parametrize(
    ("nature", "t", "a", "ratio", "expected"),
    [
        ("≥", "100", "130", "1.30", True),
        ("≥", "100", "129.99", "1.30", False),
        ("=", "100", "200", "1.30", True),
        ("≤", "100", "200", "1.30", False),
        ("≥", "0", "200", "1.30", False),
        ("≥", "100", "500", None, False),
    ],
)
def test_overshoot(nature, t, a, ratio, expected):
    s = replace(DEFAULTS, overshoot_ratio=None if ratio is None else D(ratio))
    assert f.overshoot(nature, D(t), D(a), s) is expected


def test_needs_reason():
    assert f.needs_reason(D("16.00"), D(20), False)
    assert not f.needs_reason(D("20.00"), D(20), False)
    assert f.needs_reason(D("20.00"), D(20), True)


# --- §4.7: E2 and boundaries ---------------------------------------------------------------------

E2_INDICATORS = [  # (性质, t, a, w, entered 定性 score)
    ("≤", "6", "7.2", "10", None),
    ("≥", "20", "16", "30", None),
    ("=", "100", "100", "20", None),
    ("定性", None, None, "20", "15.00"),
    ("≥", "90", "92", "10", None),
]


def e2(settings: YearSettings):
    budget = f.budget_score(D("127.50"), D("150.00"), settings)
    scores = []
    for nature, t, a, w, entered in E2_INDICATORS:
        if nature == "定性":
            assert f.check_qualitative(f.QUALITATIVE_GRADES[1], D(entered), D(w), settings) is None
            scores.append(D(entered))
        else:
            scores.append(f.indicator_score(nature, D(t), D(a), D(w), settings))
    return budget, scores, f.total(budget, scores)


def test_e2_default_settings():
    budget, scores, total = e2(DEFAULTS)
    assert f.rate(D("127.50"), D("150.00")) == D("0.85")
    assert str(budget) == "8.50"
    assert [str(s) for s in scores] == ["8.00", "24.00", "20.00", "15.00", "10.00"]
    assert str(total) == "85.50"
    assert f.grade(total, DEFAULTS) == "良"
    assert f.result_suggestion("良", DEFAULTS) == "据实予以合理保障"
    weights = [D(w) for *_, w, _ in E2_INDICATORS]
    assert [f.needs_reason(s, w, False) for s, w in zip(scores, weights, strict=True)] == [
        True,
        True,
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("settings_", "budget", "first", "total"),
    [(STEP, "5.00", "8.00", "82.00"), (RATIO, "8.50", "8.33", "85.83")],
)
def test_e2_alternatives(settings_, budget, first, total):
    got_budget, scores, got_total = e2(settings_)
    assert (str(got_budget), str(scores[0]), str(got_total)) == (budget, first, total)


@pytest.mark.parametrize(
    ("total", "grade", "text"),
    [
        ("100", "优", "适当优先给予保障"),
        ("90.00", "优", "适当优先给予保障"),
        ("89.99", "良", "据实予以合理保障"),
        ("80.00", "良", "据实予以合理保障"),
        ("79.99", "中", "予以一定比例核减"),
        ("60.00", "中", "予以一定比例核减"),
        ("59.99", "差", "视情况可取消或暂停下一年度预算安排"),
        ("0", "差", "视情况可取消或暂停下一年度预算安排"),
    ],
)
def test_grade_boundaries(total, grade, text):
    assert f.grade(D(total), DEFAULTS) == grade
    assert f.result_suggestion(grade, DEFAULTS) == text


def test_total_counts_a_missing_part_as_zero_and_rounds_parts():
    assert f.total(None, [D(15), None, D("1.5")]) == D("16.50")


# --- §4.8: E4 --------------------------------------------------------------------------------------

E4 = ["优", "优", "良", "良", *["良"] * 4, "良", "良", "中", "中", "优", "良", "良", "中", *["优"] * 4]


def test_e4_exante_score_and_conclusion():
    aspects, total = f.exante_scores(E4, DEFAULTS)
    assert aspects == [18, 16, 14, 16, 20]
    assert total == 84
    assert f.exante_conclusion(total, DEFAULTS) == "予以支持"
    changed = [*E4[:-1], "差"]
    aspects, total = f.exante_scores(changed, DEFAULTS)
    assert total == 79
    assert f.exante_conclusion(total, DEFAULTS) == "调整完善后予以支持"


@pytest.mark.parametrize(
    ("total", "conclusion"),
    [("80", "予以支持"), ("79", "调整完善后予以支持"), ("60", "调整完善后予以支持"), ("59", "不予支持")],
)
def test_exante_conclusion_boundaries(total, conclusion):
    assert f.exante_conclusion(D(total), DEFAULTS) == conclusion


def test_exante_missing_rating_leaves_its_aspect_and_the_total_open():
    ratings = [*E4[:4], None, *E4[5:]]
    aspects, total = f.exante_scores(ratings, DEFAULTS)
    assert aspects == [18, None, 14, 16, 20]
    assert total is None and f.exante_conclusion(total, DEFAULTS) == ""
    with pytest.raises(ValueError):
        f.exante_scores(E4[:19], DEFAULTS)
    with pytest.raises(ValueError):
        f.exante_scores([*E4[:19], "好"], DEFAULTS)


def test_exante_aspects_are_five_of_four():
    assert [name for name, _ in f.EXANTE_ASPECTS] == [
        "立项必要性",
        "投入经济性",
        "绩效目标合理性",
        "实施方案可行性",
        "筹资合规性",
    ]
    assert all(len(items) == 4 for _, items in f.EXANTE_ASPECTS)
    assert f.EXANTE_ASPECTS[1][1][3] == "分年度资金安排合理性"


# --- Properties ------------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**12).map(lambda n: D(n).scaleb(-2))
positive_cents = st.integers(min_value=1, max_value=10**12).map(lambda n: D(n).scaleb(-2))
values = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n).scaleb(-4))  # ≤ 4 decimals
weights = st.integers(min_value=1, max_value=9000).map(lambda n: D(n).scaleb(-2))
months = st.integers(min_value=1, max_value=12)
ratios = st.integers(min_value=1, max_value=200).map(lambda n: D(n).scaleb(-2))
examples = settings(max_examples=200, deadline=None)


@examples
@given(adjusted=positive_cents, month=months, lag=ratios)
def test_class_boundary_is_exact(adjusted, month, lag):
    """The least amount in cents with executed × 12 ≥ adjusted × m × lag is 正常 (equality included),
    and one cent less is not."""
    s = replace(DEFAULTS, lag_ratio=lag, severe_ratio=min(lag, DEFAULTS.severe_ratio))
    boundary = Fraction(adjusted) * month * Fraction(lag) / 12
    least = D(math.ceil(boundary * 100)).scaleb(-2)
    assert f.monitoring_class(least, adjusted, month, s) == "正常"
    if least > 0:
        assert f.monitoring_class(least - D("0.01"), adjusted, month, s) != "正常"


def test_class_boundary_equality_is_normal():
    assert f.monitoring_class(D("200.00"), D("300.00"), 8, DEFAULTS) == "正常"  # 2400 == 2400
    assert f.monitoring_class(D("1.00"), D("1.20"), 10, DEFAULTS) == "正常"  # 12.00 == 12.00
    assert f.monitoring_class(D("0.99"), D("1.20"), 10, DEFAULTS) == "滞后"


@examples
@given(executed=cents, adjusted=positive_cents, month=months)
def test_class_agrees_with_the_exact_rate(executed, adjusted, month):
    """The class uses the unrounded rate: compare with exact rational arithmetic."""
    exact = Fraction(executed) / Fraction(adjusted)
    reference = Fraction(month, 12)
    expected = "正常" if exact >= reference else "严重滞后" if exact < reference / 2 else "滞后"
    assert f.monitoring_class(executed, adjusted, month, DEFAULTS) == expected


@examples
@given(
    nature=st.sampled_from(["≥", "=", "≤"]),
    t=values,
    a=values,
    w=weights,
    s=st.sampled_from([DEFAULTS, RATIO]),
)
def test_indicator_score_within_zero_and_weight(nature, t, a, w, s):
    score = f.indicator_score(nature, t, a, w, s)
    assert D(0) <= score <= w
    assert score == f.round2(score)


@examples
@given(executed=cents, adjusted=positive_cents, s=st.sampled_from([DEFAULTS, STEP]))
def test_budget_score_within_zero_and_ten(executed, adjusted, s):
    score = f.budget_score(executed, adjusted, s)
    assert D(0) <= score <= 10 and score == f.round2(score)


@examples
@given(adjusted=positive_cents, a=cents, b=cents)
def test_step_score_is_monotone_in_the_rate(adjusted, a, b):
    low, high = sorted((a, b))
    assert f.budget_score(low, adjusted, STEP) <= f.budget_score(high, adjusted, STEP)


@examples
@given(parts=st.lists(st.integers(min_value=0, max_value=10**6).map(lambda n: D(n).scaleb(-4)), max_size=12))
def test_total_is_the_exact_sum_of_its_rounded_parts(parts):
    budget, *indicators = parts or [D(0)]
    got = f.total(budget, indicators)
    assert got == sum((f.round2(p) for p in [budget, *indicators]), D(0))
    assert got == f.round2(got)
